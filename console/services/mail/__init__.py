"""Sending e-mail over SMTP: the server settings, the password in the OS keyring, building a
Russian message with a PDF attached, and the server's answer sorted into sent / retry / bounced.
No database here: services/documents/emailing.py records each send."""

"""The registration wizard, customer changes and the registration plugin."""

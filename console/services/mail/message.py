"""An e-mail with one PDF attached, built with the standard library (MIME, RFC 2231 file names)."""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage


@dataclass(frozen=True)
class Attachment:
    file_name: str  # Cyrillic allowed: written per RFC 2231
    content: bytes
    mime_type: str = "application/pdf"


def new_message_id(sender: str) -> str:
    """A Message-ID in the sender's domain, chosen before sending and kept for every retry."""
    domain = sender.rpartition("@")[2] or "console.local"
    return email.utils.make_msgid(idstring="console", domain=domain)


def build_message(
    *,
    sender: str,
    sender_name: str,
    to: str,
    subject: str,
    body: str,
    attachment: Attachment,
    message_id: str,
    reply_to: str = "",
) -> EmailMessage:
    """A plain-text message (UTF-8) with the attachment; headers encoded as RFC 2047/2231 need."""
    message = EmailMessage()
    message["From"] = Address(display_name=sender_name, addr_spec=sender)
    message["To"] = to
    if reply_to and reply_to != sender:
        message["Reply-To"] = Address(display_name=sender_name, addr_spec=reply_to)
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(localtime=True)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a bill
    message.set_content(body, charset="utf-8", cte="quoted-printable")  # 7-bit safe relays
    maintype, _, subtype = attachment.mime_type.partition("/")
    message.add_attachment(
        attachment.content, maintype=maintype, subtype=subtype, filename=attachment.file_name
    )
    return message


def mask_address(address: str) -> str:
    """«iv***@mail.ru»: enough for a clerk to recognise, nothing for a log reader."""
    local, at, domain = address.partition("@")
    if not at:
        return "***"
    return f"{local[:2]}***@{domain}"

"""Scans attached to appeals and refund applications: the one check of what a file is.

A file is taken for what its first bytes say, never its name: a PDF starts with ``%PDF-``
(the header with the version, not merely the four letters), a JPEG with ``FF D8 FF``, a PNG
with its eight-byte signature. Nothing else is accepted, nothing empty or too large.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.services.core.errors import ValidationError

SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


@dataclass(frozen=True)
class AttachmentFile:
    """A file the clerk attached: its name and its bytes."""

    filename: str
    content: bytes


def media_type(item: AttachmentFile, max_bytes: int) -> str:
    """The scan's type from its first bytes; PDF, JPEG and PNG up to ``max_bytes`` only."""
    if not item.content:
        raise ValidationError(f"Файл «{item.filename}» пуст.", "attachments")
    if len(item.content) > max_bytes:
        raise ValidationError(
            f"Файл «{item.filename}» больше {max_bytes / 1024 / 1024:.0f} МБ: "
            "отсканируйте с меньшим разрешением.",
            "attachments",
        )
    for signature, kind in SIGNATURES:
        if item.content.startswith(signature):
            return kind
    raise ValidationError(
        f"Файл «{item.filename}»: принимаются только сканы PDF, JPEG и PNG.", "attachments"
    )

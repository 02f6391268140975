"""Scans attached to appeals, kept in the shared ``attachments`` table (owner_type "appeal")."""

from __future__ import annotations

from sqlalchemy.orm import Session

from console.models import Appeal, Attachment
from console.models.enums import AuditAction
from console.services.core.database import Database
from console.services.core.errors import NotFoundError
from console.services.files.scans import AttachmentFile as AttachmentFile
from console.services.files.scans import media_type as media_type
from console.services.staff import audit
from console.services.staff.actor import Actor

ATTACHMENT_OWNER = "appeal"


def store(
    session: Session, actor: Actor, appeal_id: int, att: AttachmentFile, max_bytes: int
) -> int:
    kind = media_type(att, max_bytes)
    row = Attachment(
        owner_type=ATTACHMENT_OWNER,
        owner_id=appeal_id,
        filename=att.filename[-255:] or "файл",
        media_type=kind,
        size=len(att.content),
        content=att.content,
        staff_id=actor.staff_id,
    )
    session.add(row)
    session.flush()
    return row.id


def add(
    db: Database,
    actor: Actor,
    appeal_id: int,
    att: AttachmentFile,
    *,
    max_bytes: int = 10 * 1024 * 1024,
) -> int:
    """Attach one more scan to a registered appeal."""
    with db.transaction() as session:
        appeal = session.get(Appeal, appeal_id)
        if appeal is None:
            raise NotFoundError("Обращение не найдено.")
        att_id = store(session, actor, appeal_id, att, max_bytes)
        audit.record(
            session,
            actor,
            AuditAction.APPEAL_ATTACH,
            "appeal",
            appeal_id,
            account_id=appeal.account_id,
            after={"attachment_id": att_id, "filename": att.filename},
        )
        return att_id


def content(db: Database, attachment_id: int) -> AttachmentFile:
    with db.read() as session:
        row = session.get(Attachment, attachment_id)
        if row is None or row.owner_type != ATTACHMENT_OWNER:
            raise NotFoundError("Вложение не найдено.")
        return AttachmentFile(row.filename, row.content)

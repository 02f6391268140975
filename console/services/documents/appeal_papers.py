"""Printed appeal documents: the registration slip and the answer letter on the letterhead.

Each issued document is kept in ``issued_documents``: a reprint hands back the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy import select

from console.models import Account, IssuedDocument, Premise, Staff, Supplier
from console.models.enums import AppealKind, AuditAction, DocumentKind, StaffRole
from console.services.appeals import queries
from console.services.appeals.queries import AppealDetails
from console.services.appeals.workflow import Action, allowed_actions
from console.services.core.address_format import premise_address
from console.services.core.database import Database
from console.services.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from console.services.core.formatting import date, date_time, money
from console.services.core.moments import stored_utc
from console.services.documents import fonts
from console.services.staff import audit
from console.services.staff.actor import Actor


@dataclass(frozen=True)
class Letterhead:
    name: str
    address: str
    inn: str
    kpp: str
    phone: str
    email: str
    site: str


@dataclass(frozen=True)
class LetterExtras:
    """What the letter needs beyond the appeal: where it goes and who signs it."""

    address: str
    signer_name: str
    signer_title: str
    issued_on: dt.date


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register_fonts()
    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=10, leading=13)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=base, fontName=fonts.BOLD, fontSize=12, leading=15),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=fonts.BOLD,
            fontSize=14,
            leading=18,
            alignment=TA_CENTER,
            spaceBefore=6,
            spaceAfter=4,
        ),
        "number": ParagraphStyle(
            "number",
            parent=base,
            fontName=fonts.BOLD,
            fontSize=26,
            leading=32,
            alignment=TA_CENTER,
        ),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "body": ParagraphStyle(
            "body", parent=base, fontSize=11, leading=15, firstLineIndent=10 * mm, spaceAfter=4
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _letterhead(head: Letterhead, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    contacts = f"Тел.: {head.phone} · E-mail: {head.email} · {head.site}"
    return [
        _p(head.name, st["head"]),
        _p(head.address, st["small"]),
        _p(f"ИНН {head.inn} / КПП {head.kpp}", st["small"]),
        _p(contacts, st["small"]),
        HRFlowable(width="100%", thickness=1.2, color=colors.black, spaceBefore=3, spaceAfter=8),
    ]


def _build(story: list[Flowable], title: str) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author="Операторский пульт",
        invariant=1,
    )
    doc.build(story)
    return out.getvalue()


def render_slip(d: AppealDetails, head: Letterhead) -> bytes:
    """Талон: the number big, the date, the deadline and what was asked."""
    st = _styles()
    what = "ЗАКАЗА УСЛУГИ" if d.kind is AppealKind.SERVICE_ORDER else "ОБРАЩЕНИЯ"
    rows = [
        ("Дата регистрации", date_time(d.registered_at)),
        ("Срок ответа", f"до {date(d.due_on)} включительно"),
        ("Тема", d.topic_name),
        ("Способ обращения", d.channel_label),
        ("Заявитель", d.applicant_name),
    ]
    if d.account_number:
        rows.append(("Лицевой счёт", d.account_number))
    contacts = ", ".join(x for x in (d.phone, d.email) if x)
    if contacts:
        rows.append(("Контакты для ответа", contacts))
    if d.kind is AppealKind.SERVICE_ORDER:
        rows.append(("Услуга", d.paid_service_name))
        rows.append(("Стоимость", money(d.price, currency=True)))
    if d.disputes_label:
        rows.append(("Обжалуемое решение", d.disputes_label))
    rows.append(("Принял", f"{d.registered_by_name}, {d.office_name}".strip(", ")))
    table = Table(
        [[_p(k, st["small"]), _p(v, st["base"])] for k, v in rows], colWidths=(48 * mm, 127 * mm)
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.grey),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    text = d.text if len(d.text) <= 1500 else d.text[:1500] + "…"
    story: list[Flowable] = [
        *_letterhead(head, st),
        _p(f"ТАЛОН О РЕГИСТРАЦИИ {what}", st["title"]),
        _p("Регистрационный номер", st["center"]),
        _p(d.number, st["number"]),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 4 * mm),
        _p("Содержание:", st["small"]),
        _p(text, st["base"]),
        Spacer(1, 6 * mm),
        _p(
            "Сохраните этот талон. По регистрационному номеру можно узнать, как рассматривается "
            f"обращение: по телефону {head.phone} или в любом клиентском офисе.",
            st["small"],
        ),
    ]
    return _build(story, f"Талон {d.number}")


def _salutation(name: str) -> str:
    parts = name.split()
    polite = " ".join(parts[1:3]) if len(parts) >= 3 else name
    return f"Уважаемый(-ая) {polite}!"


def render_letter(d: AppealDetails, head: Letterhead, extra: LetterExtras) -> bytes:
    """Ответ на обращение on the supplier's letterhead."""
    st = _styles()
    to_lines = [d.applicant_name, extra.address, d.email]
    addressee = Table(
        [["", _p("\n".join(x for x in to_lines if x), st["base"])]], colWidths=(95 * mm, 80 * mm)
    )
    refs = (
        f"Исх. № {d.number}/О от {date(extra.issued_on)}\n"
        f"На № {d.number} от {date(d.registered_at.astimezone().date())}"
    )
    story: list[Flowable] = [
        *_letterhead(head, st),
        _p(refs, st["small"]),
        Spacer(1, 2 * mm),
        addressee,
        _p("Ответ на обращение", st["title"]),
        _p(_salutation(d.applicant_name), st["center"]),
        Spacer(1, 3 * mm),
    ]
    story += [_p(par, st["body"]) for par in d.answer_text.split("\n") if par.strip()]
    sign = Table(
        [[_p(extra.signer_title, st["base"]), "", _p(extra.signer_name, st["right"])]],
        colWidths=(70 * mm, 40 * mm, 65 * mm),
    )
    sign.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (1, 0), (1, 0), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        )
    )
    story += [
        Spacer(1, 12 * mm),
        sign,
        Spacer(1, 10 * mm),
        _p(f"Исполнитель: {extra.signer_name}, тел. {head.phone}", st["small"]),
    ]
    return _build(story, f"Ответ на обращение {d.number}")


def _head(s: Supplier) -> Letterhead:
    return Letterhead(s.name, s.address, s.inn, s.kpp, s.phone, s.email, s.site)


@dataclass(frozen=True)
class _Issued:
    id: int
    content: bytes
    issued_at: dt.datetime


def _stored(db: Database, kind: DocumentKind, appeal_id: int) -> _Issued | None:
    with db.read() as session:
        row = session.execute(
            select(IssuedDocument.id, IssuedDocument.content, IssuedDocument.issued_at)
            .where(IssuedDocument.kind == kind, IssuedDocument.subject_id == appeal_id)
            .order_by(IssuedDocument.id.desc())
            .limit(1)
        ).first()
        return None if row is None else _Issued(row[0], row[1], stored_utc(row[2]))


def _keep(
    db: Database,
    actor: Actor,
    d: AppealDetails,
    kind: DocumentKind,
    pdf: bytes,
    action: AuditAction,
) -> None:
    with db.transaction() as session:
        row = IssuedDocument(
            kind=kind,
            account_id=d.account_id,
            subject_id=d.id,
            sha256=hashlib.sha256(pdf).hexdigest(),
            content=pdf,
            issued_at=dt.datetime.now(dt.UTC),
            staff_id=actor.staff_id,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            action,
            "appeal",
            d.id,
            account_id=d.account_id,
            after={"document_id": row.id, "sha256": row.sha256},
        )


def slip_pdf(db: Database, actor: Actor, appeal_id: int) -> bytes:
    """The registration slip; printed again, it is the very same document."""
    earlier = _stored(db, DocumentKind.APPEAL_SLIP, appeal_id)
    if earlier is not None:
        return earlier.content
    d = queries.details(db, appeal_id)
    with db.read() as session:
        supplier = session.get(Supplier, d.supplier_id)
        assert supplier is not None
        head = _head(supplier)
    pdf = render_slip(d, head)
    _keep(db, actor, d, DocumentKind.APPEAL_SLIP, pdf, AuditAction.APPEAL_SLIP_PRINTED)
    return pdf


def answer_letter_pdf(db: Database, actor: Actor, appeal_id: int) -> bytes:
    """The answer letter; issuing it is recorded («письмо выдано») every time."""
    d = queries.details(db, appeal_id)
    allowed = allowed_actions(
        actor,
        d.status,
        d.assigned_to_staff_id,
        is_dispute=d.is_dispute,
        decided_by=d.decided_by_staff_id,
    )
    if Action.PRINT_LETTER not in allowed:
        if not d.answer_text or d.answered_at is None:
            raise ConflictError("Письмо печатается, когда ответ подготовлен.")
        raise PermissionDeniedError("Письмо с ответом печатает исполнитель или руководитель.")
    earlier = _stored(db, DocumentKind.APPEAL_ANSWER, appeal_id)
    answered_at = d.answered_at
    if earlier is not None and answered_at is not None and earlier.issued_at >= answered_at:
        # The same answer again: the same letter, and one more «выдано» in the history.
        with db.transaction() as session:
            audit.record(
                session,
                actor,
                AuditAction.APPEAL_LETTER_ISSUED,
                "appeal",
                d.id,
                account_id=d.account_id,
                after={"document_id": earlier.id, "reprint": True},
            )
        return earlier.content
    pdf = render_letter(d, *_letter_context(db, d))
    _keep(db, actor, d, DocumentKind.APPEAL_ANSWER, pdf, AuditAction.APPEAL_LETTER_ISSUED)
    return pdf


def _letter_context(db: Database, d: AppealDetails) -> tuple[Letterhead, LetterExtras]:
    with db.read() as session:
        supplier = session.get(Supplier, d.supplier_id)
        if supplier is None:
            raise NotFoundError("Поставщик обращения не найден.")
        address = ""
        if d.account_id is not None:
            account = session.get(Account, d.account_id)
            premise = session.get(Premise, account.premise_id) if account else None
            address = premise_address(premise) if premise else ""
        signer = session.get(Staff, d.assigned_to_staff_id) if d.assigned_to_staff_id else None
        title = "Специалист клиентского офиса"
        if signer is not None and signer.role is not StaffRole.CLERK:
            title = "Руководитель клиентского офиса"
        extra = LetterExtras(
            address=address,
            signer_name=signer.full_name if signer else "",
            signer_title=title,
            issued_on=dt.date.today(),
        )
        return _head(supplier), extra

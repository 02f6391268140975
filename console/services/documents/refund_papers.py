"""Printed refund papers: the application for the customer's signature and the decision letter."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from console.services.core.database import Database
from console.services.core.errors import ConflictError
from console.services.core.formatting import date, date_time, money
from console.services.documents import fonts
from console.services.privacy import identity
from console.services.refunds.applications import RefundPayout, RefundStatus
from console.services.refunds.queries import (
    RefundDetails,
    get_refund,
)
from console.services.staff.actor import Actor
from console.services.vocabulary.labels import label


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register_fonts()
    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=10.5, leading=14)
    return {
        "base": base,
        "body": ParagraphStyle("body", base, alignment=TA_JUSTIFY, firstLineIndent=10 * mm),
        "right": ParagraphStyle("right", base, alignment=TA_RIGHT),
        "title": ParagraphStyle(
            "title", base, fontName=fonts.BOLD, fontSize=13, alignment=TA_CENTER, leading=18
        ),
        "center": ParagraphStyle("center", base, alignment=TA_CENTER),
        "small": ParagraphStyle("small", base, fontSize=8.5, leading=11),
    }


def _esc(text: str | None) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _initials(full: str) -> str:
    parts = full.split()
    if not parts:
        return ""
    return " ".join([parts[0], *(f"{p[0]}." for p in parts[1:])])


def _build(story: Sequence[Flowable], title: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=15 * mm, topMargin=15 * mm,
        bottomMargin=15 * mm, title=title, author="Операторский пульт клиентского зала",
        invariant=1,
    )  # fmt: skip
    doc.build(list(story))
    return buffer.getvalue()


def _payout_text(d: RefundDetails) -> str:
    if d.payout is RefundPayout.CASH:
        return f"{label(d.payout)} ({_esc(d.office_address)})"
    return (
        f"{label(d.payout)}: получатель {_esc(d.recipient_name)}, БИК {d.bic}, "
        f"расчётный счёт {d.settlement_account}"
    )


def _applicant_passport(db: Database, actor: Actor, d: RefundDetails) -> str:
    """The full passport for the paper the customer signs, read through the audited function
    (``customer.print_identity``); the masked one if the record has none."""
    with db.transaction() as session:
        found = identity.reveal(
            session, actor, d.applicant_id, account_id=d.summary.account_id, purpose="print"
        )
    if found is None or not found.number:
        return d.applicant_passport
    return f"{found.series or ''} {found.number}".strip()


def application_pdf(db: Database, actor: Actor, refund_id: int) -> bytes:
    """Заявление на возврат with its registration number, for the customer to sign."""
    d = get_refund(db, refund_id)
    passport = _applicant_passport(db, actor, d)
    s, st = d.summary, _styles()
    story: list[Flowable] = [
        Paragraph(f"Руководителю<br/>{_esc(d.office)}<br/>{_esc(d.supplier)}", st["right"]),
        Paragraph(
            f"от {_esc(s.applicant)}<br/>паспорт {_esc(passport)}<br/>адрес: {_esc(d.address)}",
            st["right"],
        ),
        Spacer(1, 8 * mm),
        Paragraph(f"ЗАЯВЛЕНИЕ № {_esc(s.number)}", st["title"]),
        Paragraph("на возврат излишне уплаченных денежных средств", st["center"]),
        Spacer(1, 6 * mm),
        Paragraph(
            f"Прошу вернуть денежные средства в сумме <b>{money(s.amount, currency=True)}</b> "
            f"по лицевому счёту № {s.account_number} ({_esc(d.address)}). "
            f"Причина: {label(s.reason).lower()}.",
            st["body"],
        ),
        Paragraph(f"Способ возврата: {_payout_text(d)}.", st["body"]),
    ]
    if d.payments:
        rows = [["Платёж", "Дата", "Сумма"]] + [
            [number, date_time(at), money(amount, currency=True)]
            for _, number, at, amount in d.payments
        ]
        table = Table(rows, colWidths=[70 * mm, 45 * mm, 40 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle([
                ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 9.5),
                ("FONT", (0, 0), (-1, 0), fonts.BOLD, 9.5),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
            ])
        )  # fmt: skip
        story += [Spacer(1, 3 * mm), Paragraph("Платежи, о которых заявление:", st["base"]),
                  table]  # fmt: skip
    if d.attachments:
        names = "; ".join(f"{i}) {_esc(a.filename)}" for i, a in enumerate(d.attachments, 1))
        story += [Spacer(1, 3 * mm), Paragraph(f"Приложения: {names}.", st["base"])]
    story += [
        Spacer(1, 4 * mm),
        Paragraph(
            f"Заявление зарегистрировано {date_time(s.registered_at)}. Срок рассмотрения и "
            f"возврата — до {date(s.due_on)}.",
            st["base"],
        ),
        Spacer(1, 14 * mm),
        Paragraph(
            f"Заявитель ____________________ / {_esc(_initials(s.applicant))} /"
            "&nbsp;&nbsp;&nbsp;«___» ____________ 20___ г.",
            st["base"],
        ),
        Spacer(1, 8 * mm),
        Paragraph(f"Заявление принял(а): {_esc(s.registered_by)} ____________________", st["base"]),
        Spacer(1, 10 * mm),
        Paragraph(
            "Персональные данные обрабатываются для рассмотрения заявления (152-ФЗ).", st["small"]
        ),
    ]
    return _build(story, f"Заявление {s.number}")


def decision_pdf(db: Database, refund_id: int) -> bytes:
    """Уведомление о решении: approved (how and when the money comes) or rejected (why)."""
    d = get_refund(db, refund_id)
    s, st = d.summary, _styles()
    if d.decided_at is None or s.status in (RefundStatus.REGISTERED, RefundStatus.UNDER_REVIEW):
        raise ConflictError("Решение по заявлению ещё не принято: письмо печатать рано.")
    approved = s.status is not RefundStatus.REJECTED
    story: list[Flowable] = [
        Paragraph(
            f"{_esc(d.supplier)}<br/>{_esc(d.office)}, {_esc(d.office_address)}", st["base"]
        ),  # fmt: skip
        Spacer(1, 6 * mm),
        Paragraph(f"{_esc(s.applicant)}<br/>{_esc(d.address)}", st["right"]),
        Spacer(1, 8 * mm),
        Paragraph("УВЕДОМЛЕНИЕ", st["title"]),
        Paragraph(
            f"о решении по заявлению № {_esc(s.number)} от {date(s.registered_at.date())}",
            st["center"],
        ),
        Spacer(1, 6 * mm),
    ]
    lead = (
        f"Ваше заявление на возврат денежных средств в сумме {money(s.amount, currency=True)} "
        f"по лицевому счёту № {s.account_number} рассмотрено {date(d.decided_at.date())}."
    )
    if approved:
        story += [
            Paragraph(f"{lead} <b>Заявление удовлетворено.</b>", st["body"]),
            Paragraph(
                f"Способ возврата: {_payout_text(d)}. Срок возврата — до {date(s.due_on)}.",
                st["body"],
            ),
        ]
        if d.decision_reason:
            story.append(Paragraph(f"Примечание: {_esc(d.decision_reason)}", st["body"]))
    else:
        story += [
            Paragraph(f"{lead} <b>В возврате отказано.</b>", st["body"]),
            Paragraph(f"Причина отказа: {_esc(d.decision_reason)}", st["body"]),
            Paragraph(
                "Если вы не согласны с решением, подайте обращение в любом офисе обслуживания.",
                st["body"],
            ),
        ]
    story += [
        Spacer(1, 16 * mm),
        Paragraph(
            f"Руководитель офиса ____________________ / {_esc(_initials(d.reviewed_by or ''))} /",
            st["base"],
        ),
    ]
    return _build(story, f"Решение по заявлению {s.number}")

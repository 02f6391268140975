"""Расходный кассовый ордер (форма КО-2, ОКУД 0310002) for a refund paid in cash.

The form of Госкомстат's постановление № 88 as Указание Банка России № 3210-У requires it: the
organisation, the order's number and date, debit and credit, the sum in figures and in words,
to whom, on what basis, the signatures, and «По:» — the recipient's identity document, which
the cashier checks before paying (п. 6.1). That line needs the full passport, so it is read
through the audited identity function (``customer.print_identity``), as the refund
application's printed form does; screens keep showing it masked.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from console.models.enums import AuditAction, RefundPayout
from console.services.core.database import Database
from console.services.core.errors import ConflictError
from console.services.core.formatting import date, money
from console.services.core.moments import local_date
from console.services.core.words import amount_in_words
from console.services.documents import fonts
from console.services.privacy import identity
from console.services.refunds.queries import RefundDetails, get_refund
from console.services.staff import audit
from console.services.staff.actor import Actor

#: Счёт 62 «Расчёты с покупателями», субсчёт авансов полученных (the overpayment is one);
#: счёт 50.01 «Касса организации».
DEBIT_ACCOUNT = "62.02"
CREDIT_ACCOUNT = "50.01"


@dataclass(frozen=True)
class CashOrder:
    """What a КО-2 shows."""

    organisation: str
    inn: str
    subdivision: str
    number: str
    day: str
    amount: Decimal
    recipient: str
    basis: str
    document: str
    cashier: str


def _passport(db: Database, actor: Actor, d: RefundDetails) -> str:
    with db.transaction() as session:
        found = identity.reveal(
            session, actor, d.applicant_id, account_id=d.summary.account_id, purpose="print"
        )
    if found is None or not found.number:
        return f"паспорт {d.applicant_passport}"
    parts = [f"паспорт {found.series or ''} {found.number}".replace("  ", " ")]
    if found.issued_on:
        parts.append(f"выдан {date(found.issued_on)}")
    if found.issued_by:
        parts.append(found.issued_by)
    if found.division_code:
        parts.append(f"код подразделения {found.division_code}")
    return ", ".join(parts)


def cash_order_data(db: Database, actor: Actor, refund_id: int) -> CashOrder:
    d = get_refund(db, refund_id)
    if d.payout is not RefundPayout.CASH or not d.cash_order_number or d.paid_at is None:
        raise ConflictError("Расходный кассовый ордер есть только у возврата, выплаченного "
                            "наличными.")  # fmt: skip
    from sqlalchemy import select

    from console.models import Account, Supplier

    with db.read() as session:
        supplier = session.scalar(
            select(Supplier).join(Account, Account.supplier_id == Supplier.id)
            .where(Account.id == d.summary.account_id)
        )  # fmt: skip
    s = d.summary
    return CashOrder(
        organisation=supplier.name if supplier else d.supplier,
        inn=supplier.inn if supplier else "",
        subdivision=d.paid_office or d.office,
        number=d.cash_order_number, day=date(local_date(d.paid_at)), amount=s.amount,
        recipient=s.applicant,
        basis=f"Заявление на возврат переплаты № {s.number} от {date(local_date(s.registered_at))}"
        f", лицевой счёт № {s.account_number}",
        document=_passport(db, actor, d), cashier=d.paid_by or "",
    )  # fmt: skip


def cash_order_pdf(db: Database, actor: Actor, refund_id: int) -> bytes:
    """The КО-2 of a refund paid in cash, A4; the printing is audited."""
    order = cash_order_data(db, actor, refund_id)
    content = render_cash_order(order)
    d = get_refund(db, refund_id)
    with db.transaction() as session:
        audit.record(
            session, actor, AuditAction.REFUND_CASH_ORDER, "refund_application", refund_id,
            account_id=d.summary.account_id,
            after={"cash_order_number": order.number, "printed": True},
        )  # fmt: skip
    return content


def _line(c: Canvas, x: float, y: float, width: float, value: str, hint: str = "",
          size: float = 9.5) -> None:  # fmt: skip
    """A filled-in field: the value over a rule (smaller type if it is long), the hint in small
    type under it."""
    while size > 6 and pdfmetrics.stringWidth(value, fonts.REGULAR, size) > width - 2 * mm:
        size -= 0.25
    c.setFont(fonts.REGULAR, size)
    c.drawString(x + 1 * mm, y + 1 * mm, value)
    c.setLineWidth(0.5)
    c.line(x, y, x + width, y)
    if hint:
        c.setFont(fonts.REGULAR, 6)
        c.drawCentredString(x + width / 2, y - 2.6 * mm, hint)


def _box(c: Canvas, x: float, y: float, w: float, h: float, text: str = "", size: float = 8,
         bold: bool = False) -> None:  # fmt: skip
    c.setLineWidth(0.7)
    c.rect(x, y, w, h)
    if text:
        face = fonts.BOLD if bold else fonts.REGULAR
        while size > 5 and max(pdfmetrics.stringWidth(r, face, size)
                               for r in text.split("\n")) > w - 1.5 * mm:  # fmt: skip
            size -= 0.25
        c.setFont(face, size)
        rows = text.split("\n")
        top = y + h / 2 + (len(rows) - 1) * size * 0.55 - size * 0.35
        for i, row in enumerate(rows):
            c.drawCentredString(x + w / 2, top - i * size * 1.1, row)


def render_cash_order(order: CashOrder) -> bytes:
    fonts.register_fonts()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, invariant=1)
    c.setTitle(f"Расходный кассовый ордер № {order.number}")
    c.setAuthor("Операторский пульт клиентского зала")
    width, height = A4
    left, right = 20 * mm, width - 15 * mm
    y = height - 15 * mm
    c.setFont(fonts.REGULAR, 7)
    c.drawRightString(right, y, "Унифицированная форма № КО-2")
    c.drawRightString(right, y - 3 * mm, "Утверждена постановлением Госкомстата России")
    c.drawRightString(right, y - 6 * mm, "от 18.08.98 № 88")
    y -= 12 * mm
    code_x = right - 25 * mm
    _box(c, code_x, y, 25 * mm, 5 * mm, "Код", bold=True)
    c.setFont(fonts.REGULAR, 7.5)
    c.drawRightString(code_x - 2 * mm, y - 3.5 * mm, "Форма по ОКУД")
    _box(c, code_x, y - 5 * mm, 25 * mm, 5 * mm, "0310002", size=9)
    c.drawRightString(code_x - 2 * mm, y - 8.5 * mm, "по ОКПО")
    _box(c, code_x, y - 10 * mm, 25 * mm, 5 * mm)
    _line(c, left, y - 9 * mm, code_x - 30 * mm - left, order.organisation,
          "организация")  # fmt: skip
    y -= 16 * mm
    _line(c, left, y, code_x - 30 * mm - left, f"{order.subdivision}  (ИНН {order.inn})",
          "структурное подразделение")  # fmt: skip
    y -= 14 * mm
    c.setFont(fonts.BOLD, 12)
    c.drawString(left, y, "РАСХОДНЫЙ КАССОВЫЙ ОРДЕР")
    nx = right - 75 * mm
    _box(c, nx, y + 1 * mm, 45 * mm, 8 * mm, "Номер документа", size=7)
    _box(c, nx + 45 * mm, y + 1 * mm, 30 * mm, 8 * mm, "Дата составления", size=7)
    _box(c, nx, y - 6 * mm, 45 * mm, 7 * mm, order.number, size=9, bold=True)
    _box(c, nx + 45 * mm, y - 6 * mm, 30 * mm, 7 * mm, order.day, size=9, bold=True)
    y -= 14 * mm
    # Дебет / Кредит / Сумма / Код целевого назначения
    cols = [(24, "код структурного\nподразделения"), (30, "корреспондирующий\nсчёт, субсчёт"),
            (26, "код аналитического\nучёта"), (30, "Кредит"), (35, "Сумма,\nруб. коп."),
            (30, "Код целевого\nназначения")]  # fmt: skip
    x = left
    head_h, value_h = 12 * mm, 8 * mm
    _box(c, left, y, 80 * mm, 5 * mm, "Дебет", size=7.5)
    for i, (w, title) in enumerate(cols):
        if i < 3:
            _box(c, x, y - head_h + 5 * mm, w * mm, head_h - 5 * mm, title, size=6.5)
        else:
            _box(c, x, y - head_h + 5 * mm, w * mm, head_h, title, size=7.5)
        x += w * mm
    values = ["", DEBIT_ACCOUNT, "", CREDIT_ACCOUNT, money(order.amount), ""]
    x = left
    for (w, _t), value in zip(cols, values, strict=True):
        _box(c, x, y - head_h + 5 * mm - value_h, w * mm, value_h, value, size=9.5, bold=True)
        x += w * mm
    y -= head_h + value_h + 6 * mm
    field = right - left - 22 * mm
    c.setFont(fonts.BOLD, 9.5)
    c.drawString(left, y + 1 * mm, "Выдать")
    _line(c, left + 22 * mm, y, field, order.recipient, "фамилия, имя, отчество")
    y -= 10 * mm
    c.setFont(fonts.BOLD, 9.5)
    c.drawString(left, y + 1 * mm, "Основание:")
    _line(c, left + 22 * mm, y, field, order.basis)
    y -= 10 * mm
    c.setFont(fonts.BOLD, 9.5)
    c.drawString(left, y + 1 * mm, "Сумма")
    words = amount_in_words(order.amount)
    words = words[0].upper() + words[1:]
    _line(c, left + 22 * mm, y, field, words, "прописью")
    y -= 10 * mm
    c.setFont(fonts.REGULAR, 9.5)
    c.drawString(left, y + 1 * mm, "Приложение")
    _line(c, left + 24 * mm, y, field - 2 * mm, "заявление на возврат переплаты (1 лист)")
    y -= 14 * mm
    for title in ("Руководитель организации", "Главный бухгалтер"):
        c.setFont(fonts.BOLD, 9.5)
        c.drawString(left, y + 1 * mm, title)
        start = left + 48 * mm
        if title.startswith("Руководитель"):
            _line(c, start, y, 35 * mm, "", "должность")
            start += 38 * mm
        _line(c, start, y, 30 * mm, "", "подпись")
        _line(c, start + 33 * mm, y, right - start - 33 * mm, "", "расшифровка подписи")
        y -= 12 * mm
    c.setFont(fonts.BOLD, 9.5)
    c.drawString(left, y + 1 * mm, "Получил")
    _line(c, left + 22 * mm, y, field, words, "сумма прописью")
    y -= 10 * mm
    c.setFont(fonts.REGULAR, 9.5)
    c.drawString(left, y + 1 * mm, f"{money(order.amount)} руб.")
    c.drawString(left + 45 * mm, y + 1 * mm, "«____» ______________ 20___ г.")
    c.drawString(left + 110 * mm, y + 1 * mm, "Подпись")
    _line(c, left + 126 * mm, y, right - left - 126 * mm, "")
    y -= 10 * mm
    c.setFont(fonts.REGULAR, 9.5)
    c.drawString(left, y + 1 * mm, "По")
    hint = "наименование, номер, дата и место выдачи документа, удостоверяющего личность получателя"
    _line(c, left + 10 * mm, y, right - left - 10 * mm, order.document, hint, size=8.5)
    y -= 14 * mm
    c.setFont(fonts.BOLD, 9.5)
    c.drawString(left, y + 1 * mm, "Выдал кассир")
    _line(c, left + 30 * mm, y, 40 * mm, "", "подпись")
    _line(c, left + 75 * mm, y, right - left - 75 * mm, order.cashier, "расшифровка подписи")
    c.showPage()
    c.save()
    return buffer.getvalue()

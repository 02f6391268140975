"""The payment receipt (квитанция об оплате) on A4 or 80 mm paper; reprints are identical."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from console.models import (
    Account,
    FiscalCheque,
    IssuedDocument,
    Office,
    Payment,
    PaymentAllocation,
    Service,
    Staff,
    Supplier,
)
from console.models.enums import AuditAction, DocumentKind, FiscalChequeStatus, PaymentMethod
from console.services.core.database import Database
from console.services.core.errors import NotFoundError
from console.services.core.formatting import date, date_time, money
from console.services.core.moments import stored_utc
from console.services.documents.printout import Line, render_lines
from console.services.fiscal.device import FiscalAttributes
from console.services.payments.counter import holder_and_address
from console.services.payments.history import DayClosing
from console.services.staff import audit
from console.services.staff.actor import Actor
from console.services.vocabulary.labels import label


@dataclass(frozen=True)
class ReceiptData:
    """What a receipt shows, read once from the database."""

    number: str
    supplier: str
    supplier_inn: str
    office: str
    office_address: str
    clerk: str
    paid_at: dt.datetime
    account_number: str
    payer: str
    address: str
    parts: tuple[tuple[str, str, Decimal], ...]  # service, recipient, amount
    total: Decimal
    method: PaymentMethod
    cash_received: Decimal | None
    reversal_of: str | None
    reason: str | None
    #: The payment's fiscal cheque: None — no ККТ took part (not a fiscal document).
    cheque_status: FiscalChequeStatus | None = None
    fiscal: FiscalAttributes | None = None
    #: Every payee the payment goes to: full name, ИНН, its part; the counter's supplier first.
    payees: tuple[tuple[str, str, Decimal], ...] = ()
    #: Payees whose money the supplier takes as their payment agent (their full names).
    agent_for: tuple[str, ...] = ()

    @property
    def final(self) -> bool:
        """True when the receipt will not change any more (so it may be stored for reprints)."""
        return self.cheque_status in (None, FiscalChequeStatus.REGISTERED)


NOT_FISCAL = "Не является фискальным документом (кассовым чеком)."
PENDING = (
    "Чек ожидает регистрации в ККТ: кассовый чек будет пробит, как только касса ответит; "
    "эта квитанция не является кассовым чеком."
)


def _fiscal_of(cheque: FiscalCheque | None) -> FiscalAttributes | None:
    if cheque is None or cheque.status is not FiscalChequeStatus.REGISTERED:
        return None
    assert cheque.registered_at is not None
    return FiscalAttributes(
        fn_number=cheque.fn_number or "", fd_number=cheque.fd_number or 0,
        fiscal_sign=cheque.fiscal_sign or "", shift_number=cheque.shift_number or 0,
        number_in_shift=cheque.number_in_shift or 0,
        registered_at=stored_utc(cheque.registered_at),
        registration_number=cheque.registration_number or "", ofd_site=cheque.ofd_site or "",
    )  # fmt: skip


def receipt_data(db: Database, payment_id: int) -> ReceiptData:
    with db.read() as session:
        payment = session.get(Payment, payment_id)
        if payment is None:
            raise NotFoundError("Платёж не найден.")
        account = session.get(Account, payment.account_id)
        assert account is not None
        supplier = session.get(Supplier, account.supplier_id)
        assert supplier is not None
        office = session.get(Office, payment.office_id) if payment.office_id else None
        staff = session.get(Staff, payment.staff_id) if payment.staff_id else None
        holder, address = holder_and_address(session, account)
        every = {s.id: s for s in session.scalars(select(Supplier))}
        recipients = {sid: s.short_name for sid, s in every.items()}
        rows = session.execute(
            select(Service.name, Service.recipient_id, PaymentAllocation.amount)
            .join(Service, Service.id == PaymentAllocation.service_id)
            .where(PaymentAllocation.payment_id == payment.id)
            .order_by(PaymentAllocation.id)
        ).all()
        cheque = session.scalar(select(FiscalCheque).where(FiscalCheque.payment_id == payment.id))
        original = None
        if payment.reversal_of_id is not None:
            first = session.get(Payment, payment.reversal_of_id)
            original = (first.receipt_number if first else None) or str(payment.reversal_of_id)
        return ReceiptData(
            number=payment.receipt_number or f"П-{payment.id}",
            supplier=supplier.name,
            supplier_inn=supplier.inn,
            office=office.name if office else "",
            office_address=office.address if office else "",
            clerk=staff.full_name if staff else "",
            paid_at=stored_utc(payment.paid_at),
            account_number=account.number,
            payer=payment.payer or holder,
            address=address,
            parts=tuple(
                (name, recipients.get(rid or -1, supplier.short_name), amount)
                for name, rid, amount in rows
            ),
            total=payment.amount,
            payees=_payees([(n, r, a) for n, r, a in rows], every, supplier),
            agent_for=tuple(
                every[rid].name
                for rid in dict.fromkeys(rid for _, rid, _ in rows if rid)
                if rid != supplier.id and every[rid].collected_by_agent_id == supplier.id
            ),
            method=payment.method,
            cash_received=payment.cash_received,
            reversal_of=original,
            reason=payment.reason,
            cheque_status=cheque.status if cheque is not None else None,
            fiscal=_fiscal_of(cheque),
        )


def fiscal_lines(data: ReceiptData) -> list[Line]:
    """The cheque's fiscal attributes, or plainly why this is not a cheque."""
    if data.cheque_status is None:
        return [Line(NOT_FISCAL, bold=True)]
    if data.fiscal is None:
        return [Line(PENDING, bold=True)]
    f = data.fiscal
    kind = "возврат прихода" if data.reversal_of is not None else "приход"
    lines = [
        # A reversal's cheque is its «возврат прихода» (payments.counter.reverse_payment).
        Line(f"КАССОВЫЙ ЧЕК ({kind}) зарегистрирован в ККТ", bold=True),
        Line("Дата и время чека", date_time(f.registered_at)),
        Line("Смена №", str(f.shift_number)),
        Line("Чек за смену №", str(f.number_in_shift)),
        Line("ФН", f.fn_number),
        Line("ФД", str(f.fd_number)),
        Line("ФПД", f.fiscal_sign),
    ]
    if f.registration_number:
        lines.append(Line("РН ККТ", f.registration_number))
    if f.ofd_site:
        lines.append(Line(f"Проверить чек: {f.ofd_site}", small=True))
    return lines


def _payees(
    rows: Sequence[tuple[str, int | None, Decimal]],
    suppliers: dict[int, Supplier],
    own: Supplier,
) -> tuple[tuple[str, str, Decimal], ...]:
    sums: dict[int, Decimal] = {own.id: Decimal("0.00")}
    for _, rid, amount in rows:
        key = rid or own.id
        sums[key] = sums.get(key, Decimal("0.00")) + amount
    return tuple((suppliers[k].name, suppliers[k].inn, v) for k, v in sums.items())


def receipt_lines(data: ReceiptData) -> list[Line]:
    """The receipt as lines of text; the renderer wraps them to the paper width."""
    title = "СТОРНО ПЛАТЕЖА" if data.reversal_of else "КВИТАНЦИЯ ОБ ОПЛАТЕ"
    lines = [
        Line(data.supplier, bold=True, center=True),
        Line(f"ИНН {data.supplier_inn}", center=True),
        Line(data.office, center=True),
        Line(data.office_address, center=True),
        Line.rule(),
        Line(f"{title} № {data.number}", bold=True, center=True),
        Line("Дата и время", date_time(data.paid_at)),
        Line("Лицевой счёт", data.account_number),
        Line(f"Плательщик: {data.payer}"),
        Line(f"Адрес: {data.address}"),
    ]
    if data.reversal_of:
        lines.append(Line(f"Сторнирован платёж № {data.reversal_of}. Причина: {data.reason}"))
    lines += [Line.rule(), Line("Услуга, получатель", "Сумма", bold=True)]
    for service, recipient, amount in data.parts:
        lines.append(Line(service, money(amount, currency=True)))
        lines.append(Line(f"  {recipient}", small=True))
    if len(data.payees) > 1:
        lines += [Line.rule(), Line("Получатели платежа", bold=True)]
        for name, inn, amount in data.payees:
            lines.append(Line(name, money(amount, currency=True)))
            lines.append(Line(f"  ИНН {inn}", small=True))
        if data.agent_for:
            lines.append(
                Line(
                    f"{data.supplier} принимает платёж как платёжный агент за "
                    + ", ".join(data.agent_for) + ".",
                    small=True,
                )
            )  # fmt: skip
    lines += [
        Line.rule(),
        Line("ИТОГО", money(data.total, currency=True), bold=True),
        Line("Способ оплаты", label(data.method)),
    ]
    if data.cash_received is not None:
        lines.append(Line("Получено", money(data.cash_received, currency=True)))
        lines.append(Line("Сдача", money(data.cash_received - data.total, currency=True)))
    lines += [
        Line(f"Кассир: {data.clerk}"),
        Line("Подпись кассира: ______________"),
        Line.rule(),
        *fiscal_lines(data),
        Line.rule(),
        Line("Сохраняйте квитанцию до отражения платежа в платёжном документе.", small=True),
    ]
    return lines


def render_receipt(data: ReceiptData, width_mm: int = 0) -> bytes:
    """A4 (``width_mm`` = 0) or a receipt-printer strip ``width_mm`` wide; deterministic bytes."""
    return render_lines(receipt_lines(data), width_mm=width_mm, title=f"Квитанция {data.number}")


def receipt_pdf(db: Database, actor: Actor, payment_id: int, width_mm: int = 0) -> bytes:
    """The receipt: printed once and stored, so every reprint is byte-for-byte the original.

    While the payment's cheque waits for the ККТ the receipt says so and is not stored; the
    first print after registration (with the fiscal attributes) is the one kept."""
    with db.read() as session:
        stored = session.scalar(
            select(IssuedDocument.content)
            .where(
                IssuedDocument.kind == DocumentKind.PAYMENT_RECEIPT,
                IssuedDocument.subject_id == payment_id,
            )
            .order_by(IssuedDocument.id)
            .limit(1)
        )
    if stored is not None:
        return bytes(stored)
    data = receipt_data(db, payment_id)
    content = render_receipt(data, width_mm)
    if not data.final:
        # Its cheque is still pending: printed as it stands, stored once the ККТ registered it.
        return content
    with db.transaction() as session:
        payment = session.get(Payment, payment_id)
        assert payment is not None
        doc = IssuedDocument(
            kind=DocumentKind.PAYMENT_RECEIPT, account_id=payment.account_id,
            subject_id=payment_id, sha256=hashlib.sha256(content).hexdigest(), content=content,
            issued_at=dt.datetime.now(dt.UTC), staff_id=actor.staff_id,
        )  # fmt: skip
        session.add(doc)
        session.flush()
        audit.record(
            session, actor, AuditAction.DOCUMENT_ISSUE, "issued_document", doc.id,
            account_id=payment.account_id,
            after={"kind": DocumentKind.PAYMENT_RECEIPT, "payment_id": payment_id},
        )  # fmt: skip
    return content


def day_closing_pdf(closing: DayClosing, width_mm: int = 0) -> bytes:
    """The office day's closing sheet: per clerk and method, totals, signatures."""
    lines = [
        Line(closing.office_name, bold=True, center=True),
        Line(closing.office_address, center=True),
        Line(f"ЗАКРЫТИЕ ДНЯ за {date(closing.day)}", bold=True, center=True),
        Line.rule(),
        Line("Сотрудник, способ оплаты (платежей / сторно)", "Сумма", bold=True),
    ]
    for row in closing.rows:
        lines.append(Line(row.clerk, money(row.total, currency=True)))
        lines.append(Line(f"  {label(row.method)}: {row.payments} / {row.reversals}", small=True))
    if not closing.rows:
        lines.append(Line("Платежей за день нет."))
    lines.append(Line.rule())
    for method, total in closing.by_method:
        lines.append(Line(f"Итого: {label(method).lower()}", money(total, currency=True)))
    lines += [
        Line("ВСЕГО", money(closing.total, currency=True), bold=True),
        Line(f"Платежей: {closing.payments}, сторно: {closing.reversals}"),
        Line.rule(),
        Line("Выдано из кассы (возвраты наличными)", bold=True),
    ]
    for refund in closing.refunds:
        lines.append(Line(f"{refund.clerk or '—'}: РКО № {refund.cash_order_number or '—'}",
                          money(refund.amount, currency=True)))  # fmt: skip
        lines.append(Line(f"  заявление № {refund.number}", small=True))
    if not closing.refunds:
        lines.append(Line("Возвратов наличными за день нет."))
    lines += [
        Line("Наличные: принято", money(closing.cash_in, currency=True)),
        Line("Наличные: выдано", money(closing.cash_out, currency=True)),
        Line(
            "Наличные в кассе на конец дня", money(closing.cash_expected, currency=True), bold=True
        ),
        Line.rule(),
        Line("Сдал: ______________________"),
        Line("Принял (руководитель офиса): ______________________"),
    ]
    return render_lines(lines, width_mm=width_mm, title=f"Закрытие дня {date(closing.day)}")

"""The payment receipt: what it says (read back with pdftotext), both widths, identical reprints."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from console.models import IssuedDocument
from console.models.enums import PaymentMethod, StaffRole
from console.services.core.database import Database
from console.services.documents import receipt
from console.services.payments import counter
from console.services.staff.actor import Actor
from tests.support.factories import add_charge, make_account, make_staff
from tests.support.pdf import pdf_text


def _pay(db: Database, clerk: Actor, account_id: int, total: str) -> int:
    dues = counter.account_dues(db, account_id)
    form = counter.PaymentForm(
        account_id, Decimal(total), counter.split(Decimal(total), dues.dues()),
        PaymentMethod.CASH, cash_received=Decimal("2000"), confirmed=True,
    )  # fmt: skip
    return counter.take_payment(db, clerk, form, uuid.uuid4().hex).payment_id


def test_receipt_shows_office_clerk_account_and_amounts(db: Database, tmp_path: Path) -> None:
    clerk = make_staff(db, "kassa", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("686.00"))
    add_charge(db, acc.account_id, Decimal("48.60"), service_code="vdgo")
    payment_id = _pay(db, clerk, acc.account_id, "734.60")
    first = receipt.receipt_pdf(db, clerk, payment_id, width_mm=80)
    text = pdf_text(first, tmp_path)
    year = dt.date.today().year
    for expected in (
        f"КВИТАНЦИЯ ОБ ОПЛАТЕ № TMN-1-{year}-000001",
        "Клиентский офис «Тюмень, Одесская»",
        f"Лицевой счёт {acc.number}",
        "Плательщик: Иванов Пётр Сергеевич",
        "Электроснабжение 686,00 ₽",
        "Техническое обслуживание ВДГО 48,60 ₽",
        "ИТОГО 734,60 ₽",
        "Получено 2 000,00 ₽",
        "Сдача 1 265,40 ₽",
        "Кассир: Сотрудник kassa",
        dt.date.today().strftime("%d.%m.%Y"),
    ):
        assert expected in text
    # Reprint: the same bytes even when asked for another width; stored once.
    assert receipt.receipt_pdf(db, clerk, payment_id, width_mm=0) == first
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(IssuedDocument)) == 1


def test_a4_and_80mm_widths(db: Database, tmp_path: Path) -> None:
    from pypdf import PdfReader

    clerk = make_staff(db, "kassa2", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("100.00"))
    data = receipt.receipt_data(db, _pay(db, clerk, acc.account_id, "100"))
    for width_mm, expected_pt in ((0, 595.3), (80, 226.8)):
        path = tmp_path / f"r{width_mm}.pdf"
        path.write_bytes(receipt.render_receipt(data, width_mm))
        box = PdfReader(path).pages[0].mediabox
        assert abs(float(box.width) - expected_pt) < 0.5


def test_reversal_receipt_and_day_closing_sheet(db: Database, tmp_path: Path) -> None:
    clerk = make_staff(db, "kassa3", StaffRole.CLERK)
    boss = make_staff(db, "boss3", StaffRole.SUPERVISOR)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("300.00"))
    payment_id = _pay(db, clerk, acc.account_id, "300")
    reversal = counter.reverse_payment(db, boss, payment_id, "Ошибочный лицевой счёт")
    text = pdf_text(receipt.receipt_pdf(db, boss, reversal.payment_id), tmp_path)
    assert "СТОРНО ПЛАТЕЖА" in text and "Причина: Ошибочный лицевой счёт" in text
    closing = counter.day_closing(db, clerk.office_id or 0, dt.date.today())
    sheet = pdf_text(receipt.day_closing_pdf(closing), tmp_path)
    assert f"ЗАКРЫТИЕ ДНЯ за {dt.date.today():%d.%m.%Y}" in sheet
    assert "Сотрудник kassa3 300,00 ₽" in sheet
    assert "Сотрудник boss3 −300,00 ₽" in sheet
    assert "ВСЕГО 0,00 ₽" in sheet

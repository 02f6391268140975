"""The receipt tells the cheque's story: fiscal attributes once registered, «ожидает» while
pending (and then not stored), and with no ККТ plainly that it is not a fiscal document."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from console.models import IssuedDocument
from console.models.enums import PaymentMethod, StaffRole
from console.services.core.database import Database
from console.services.documents import receipt
from console.services.fiscal import journal
from console.services.fiscal.factory import cash_register
from console.services.payments import counter
from console.settings import Settings
from tests.support.factories import add_charge, make_account, make_staff
from tests.support.kkt_process import KktEmulator
from tests.support.pdf import pdf_text


def _pay(db: Database, settings: Settings, key: str) -> tuple[counter.PaymentResult, object]:
    clerk = make_staff(db, f"kassa-{key}", StaffRole.CLERK)
    acc = make_account(db, number=f"72000{abs(hash(key)) % 100000:05d}")
    add_charge(db, acc.account_id, Decimal("686.00"))
    add_charge(db, acc.account_id, Decimal("48.60"), service_code="vdgo")
    dues = counter.account_dues(db, acc.account_id)
    form = counter.PaymentForm(
        acc.account_id, Decimal("734.60"), counter.split(Decimal("734.60"), dues.dues()),
        PaymentMethod.CASH, cash_received=Decimal("1000"), confirmed=True,
        customer_contact="ivanova@mail.ru",
    )  # fmt: skip
    return counter.take_payment(db, clerk, form, key, settings=settings), clerk


def _stored(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count(IssuedDocument.id))) or 0)


def test_a_registered_cheque_is_printed_with_its_fiscal_attributes(
    db: Database, kkt_emulator: KktEmulator, tmp_path: Path
) -> None:
    settings = Settings(kkt_url=kkt_emulator.url, kkt_timeout_s=3)
    result, clerk = _pay(db, settings, "r1")
    state = counter.register_cheque(db, cash_register(settings), clerk, result)  # type: ignore[arg-type]
    assert state is not None and state.fiscal is not None
    pdf = receipt.receipt_pdf(db, clerk, result.payment_id, width_mm=80)  # type: ignore[arg-type]
    (tmp_path / "receipt.pdf").write_bytes(pdf)
    text = pdf_text(pdf, tmp_path)
    for expected in (
        "КАССОВЫЙ ЧЕК (приход) зарегистрирован в ККТ",
        f"ФН {state.fiscal.fn_number}",
        f"ФД {state.fiscal.fd_number}",
        f"ФПД {state.fiscal.fiscal_sign}",
        "Смена № 1",
        "Чек за смену № 1",
        "РН ККТ",
        "Проверить чек: www.nalog.gov.ru",
    ):
        assert expected in " ".join(text.split()), expected
    assert "Не является фискальным" not in text
    assert _stored(db) == 1  # final: kept for identical reprints


def test_a_pending_cheque_says_so_and_is_not_stored(
    sqlite_db: Database, kkt_emulator: KktEmulator, tmp_path: Path
) -> None:
    settings = Settings(kkt_url=kkt_emulator.url, kkt_timeout_s=3)
    result, clerk = _pay(sqlite_db, settings, "r2")
    kkt_emulator.fault("paper_out", 1)
    counter.register_cheque(sqlite_db, cash_register(settings), clerk, result)  # type: ignore[arg-type]
    text = " ".join(
        pdf_text(receipt.receipt_pdf(sqlite_db, clerk, result.payment_id), tmp_path).split()
    )  # type: ignore[arg-type]
    assert "Чек ожидает регистрации в ККТ" in text and "ФПД" not in text
    assert _stored(sqlite_db) == 0
    journal.retry_pending(sqlite_db, cash_register(settings), clerk)  # type: ignore[arg-type]
    text = " ".join(
        pdf_text(receipt.receipt_pdf(sqlite_db, clerk, result.payment_id), tmp_path).split()
    )  # type: ignore[arg-type]
    assert "ФПД" in text and "ожидает" not in text
    assert _stored(sqlite_db) == 1


def test_without_a_kkt_the_receipt_says_it_is_not_a_cheque(
    sqlite_db: Database, tmp_path: Path
) -> None:
    result, clerk = _pay(sqlite_db, Settings(), "r3")
    text = " ".join(
        pdf_text(receipt.receipt_pdf(sqlite_db, clerk, result.payment_id), tmp_path).split()
    )  # type: ignore[arg-type]
    assert "Не является фискальным документом (кассовым чеком)." in text
    assert "ФПД" not in text

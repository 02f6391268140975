"""Account reports and the office day report: rows, PDF, CSV for Excel and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from console.models import Payment, Reading
from console.models.enums import PaymentMethod, ReadingSource, ReadingStatus, StaffRole
from console.services.core.database import Database
from console.services.core.errors import ValidationError
from console.services.documents import report_export, reports
from console.services.payments.history import day_closing
from console.services.vocabulary.labels import label
from tests.support.factories import AccountIds, make_account, make_closed_month, make_staff
from tests.support.pdf_tools import pdf_text

AUG, SEP = dt.date(2026, 8, 1), dt.date(2026, 9, 1)


@pytest.fixture
def history(db: Database) -> AccountIds:
    clerk = make_staff(db, "kassa1", StaffRole.CLERK)
    account = make_account(db, last_taken_on=dt.date(2026, 7, 20))
    make_closed_month(db, account, AUG, volume=Decimal("180"), paid=Decimal("700"), paid_by=clerk)
    make_closed_month(db, account, SEP, volume=Decimal("165"), paid=Decimal("1234.56"), vdgo=True)
    with db.transaction() as session:
        session.add(
            Reading(
                meter_id=account.meter_id, zone=1, value=Decimal("1300"),
                taken_on=dt.date(2026, 9, 22),
                entered_at=dt.datetime(2026, 9, 22, 9, tzinfo=dt.UTC),
                period=SEP, source=ReadingSource.PHONE, status=ReadingStatus.REJECTED,
                reason="Меньше предыдущего показания",
            )
        )  # fmt: skip
    return account


def test_payment_history_rows_and_exports(db: Database, history: AccountIds) -> None:
    report = reports.payment_history(db, history.account_id, AUG, dt.date(2026, 9, 30))
    assert [r.amount for r in report.rows] == [Decimal("700.00"), Decimal("1234.56")]
    assert report.rows[0].clerk == "Сотрудник kassa1"
    assert report.rows[0].place.startswith("Клиентский офис")
    assert report.totals["amount"] == Decimal("1934.56")

    raw = report_export.to_csv(report)
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert lines[1][:2] == ["Дата и время", "Сумма, руб."]
    assert lines[3][1] == "1234,56" and lines[-1][:2] == ["Итого", "1934,56"]

    book = load_workbook(io.BytesIO(report_export.to_xlsx(report)))
    sheet = book.active
    assert sheet["B5"].value == Decimal("1234.56") or float(sheet["B5"].value) == 1234.56
    assert isinstance(sheet["A4"].value, dt.datetime)

    text = " ".join(pdf_text(report_export.to_pdf(report)).split())
    assert "История платежей" in text and "1 234,56" in text and "1 934,56" in text
    assert f"Лицевой счёт {history.number}" in text


def test_charge_history_defaults_to_the_last_six_months(db: Database, history: AccountIds) -> None:
    report = reports.charge_history(db, history.account_id)
    assert "Апрель 2026 — Сентябрь 2026" in report.subtitle
    assert {r.period for r in report.rows} == {AUG, SEP}
    assert [r.service for r in report.rows if r.period == SEP] == [
        "Электроснабжение", "Техническое обслуживание ВДГО",
    ]  # fmt: skip
    assert len(report.notes) == 2 and "оплачено 1 234,56" in report.notes[1].replace("\u00a0", " ")
    only_sep = reports.charge_history(db, history.account_id, SEP, SEP)
    assert {r.period for r in only_sep.rows} == {SEP}
    text = " ".join(pdf_text(report_export.to_pdf(report)).split())
    assert "История начислений" in text and "Сентябрь 2026" in text and "по прибору учёта" in text


def test_readings_report_with_consumption_and_statuses(db: Database, history: AccountIds) -> None:
    report = reports.readings_history(
        db, history.account_id, "individual", AUG, dt.date(2026, 9, 30)
    )
    accepted = [r for r in report.rows if r.status == label(ReadingStatus.ACCEPTED)]
    assert [r.consumption for r in accepted] == [Decimal("180"), Decimal("165")]
    (rejected,) = [r for r in report.rows if r.status == "Отклонено"]
    assert rejected.reason == "Меньше предыдущего показания" and rejected.consumption is None
    assert rejected.source == label(ReadingSource.PHONE)
    common = reports.readings_history(
        db, history.account_id, "common_house", AUG, dt.date(2026, 9, 30)
    )
    assert common.rows == ()
    with pytest.raises(ValidationError):
        reports.readings_history(db, history.account_id, "individual", SEP, AUG)
    text = " ".join(pdf_text(report_export.to_pdf(report)).split())
    assert "Меньше предыдущего показания" in text and "Отклонено" in text
    assert "За выбранный период данных нет." in pdf_text(report_export.to_pdf(common))


def test_office_day_per_clerk(db: Database) -> None:
    kassa = make_staff(db, "kassa2", StaffRole.CLERK)
    other = make_staff(db, "kassa3", StaffRole.CLERK)
    boss = make_staff(db, "boss9", StaffRole.SUPERVISOR)
    for who, paid in ((kassa, "100.00"), (kassa, "250.50"), (other, "75.00")):
        account = make_account(db, last_taken_on=dt.date(2026, 8, 20))
        make_closed_month(db, account, SEP, paid=Decimal(paid), paid_by=who)
    day = dt.datetime(2026, 9, 15, 11, 30, tzinfo=dt.UTC).astimezone().date()
    report = reports.office_day_payments(db, boss, day)
    assert [(r.clerk, r.count, r.total) for r in report.rows] == [
        ("Сотрудник kassa2", 2, Decimal("350.50")), ("Сотрудник kassa3", 1, Decimal("75.00")),
    ]  # fmt: skip
    assert report.totals["total"] == Decimal("425.50")
    own = reports.office_day_payments(db, other, day)
    assert [r.clerk for r in own.rows] == ["Сотрудник kassa3"]
    assert "Платежи за день по сотрудникам" in pdf_text(report_export.to_pdf(report))


def test_the_day_report_and_the_day_closing_count_the_same_payments(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One query of an office day's payments (payments.history.day_payments): the per-clerk
    report used its own, with the desk's local midnight compared to UTC times on the embedded
    database and reversals counted as payments."""
    monkeypatch.setenv("TZ", "Asia/Yekaterinburg")  # UTC+5: the desk's day starts at 19:00 UTC
    time.tzset()
    try:
        kassa = make_staff(db, "kassa4", StaffRole.CLERK)
        boss = make_staff(db, "boss10", StaffRole.SUPERVISOR)
        account = make_account(db)
        late = dt.datetime(2026, 9, 14, 22, 30, tzinfo=dt.UTC)  # 15.09 03:30 at the desk
        with db.transaction() as session:
            paid = Payment(
                account_id=account.account_id, amount=Decimal("500.00"), paid_at=late,
                method=PaymentMethod.CASH, office_id=kassa.office_id, staff_id=kassa.staff_id,
            )  # fmt: skip
            session.add(paid)
            session.flush()
            session.add_all([
                Payment(
                    account_id=account.account_id, amount=Decimal("120.00"),
                    paid_at=late + dt.timedelta(hours=1), method=PaymentMethod.CARD,
                    office_id=kassa.office_id, staff_id=kassa.staff_id,
                ),
                Payment(
                    account_id=account.account_id, amount=Decimal("-500.00"),
                    paid_at=late + dt.timedelta(hours=2), method=PaymentMethod.CASH,
                    office_id=kassa.office_id, staff_id=kassa.staff_id, reversal_of_id=paid.id,
                ),
            ])  # fmt: skip
        day = dt.date(2026, 9, 15)
        assert kassa.office_id is not None
        closing = day_closing(db, kassa.office_id, day)
        report = reports.office_day_payments(db, boss, day)
        assert (closing.payments, closing.reversals, closing.total) == (2, 1, Decimal("120.00"))
        assert [(r.clerk, r.count, r.cash, r.card, r.total) for r in report.rows] == [
            ("Сотрудник kassa4", 2, Decimal("0.00"), Decimal("120.00"), Decimal("120.00"))
        ]
        own = reports.office_day_payments(db, kassa, day)
        assert own.rows == report.rows
    finally:
        monkeypatch.undo()
        time.tzset()

"""The account card's data: header, notifications, charges table, readings, history, statistics."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from sqlalchemy import select

from console.models import AccountHolder, AuditEvent, Customer, Meter, Payment
from console.models.enums import (
    HolderRelation,
    LedgerKind,
    PaymentMethod,
    StaffRole,
    VolumeMethod,
)
from console.services.account import card as account_card
from console.services.account import charges, history, readings, requisites, statistics
from console.services.core.database import Database, fold
from console.services.core.errors import NotFoundError
from console.services.privacy.reveal import reveal_passport
from tests.support.card_factories import (
    add_appeal,
    add_charge,
    add_ledger,
    add_payment,
    add_refund,
    add_statement,
)
from tests.support.factories import AccountIds, make_account, make_staff

SEP, OCT, NOV = dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)
TODAY = dt.date(2026, 11, 10)


@pytest.fixture
def seeded(db: Database) -> AccountIds:
    """Seed 000's example: debt 698,00, paid 698,00, 200 kWh × 3,43 = 686,00, recalc 42,50."""
    ids = make_account(db, number="110022334455", street="Прямая", house="1", flat="11")
    add_charge(db, ids.account_id, SEP, volume="200", tariff="3.49", meter_id=ids.meter_id,
               reading_from="800", reading_to="1000")  # fmt: skip
    add_payment(db, ids.account_id, "698.00", dt.datetime(2026, 10, 8, 9, tzinfo=dt.UTC))
    add_charge(db, ids.account_id, OCT, volume="200", tariff="3.43", meter_id=ids.meter_id,
               reading_from="1000", reading_to="1200")  # fmt: skip
    add_ledger(db, ids.account_id, OCT, LedgerKind.RECALCULATION, "42.50")
    add_statement(db, ids.account_id, SEP, "0", "698.00", "0", "0")
    add_statement(db, ids.account_id, OCT, "698.00", "686.00", "42.50", "698.00")
    return ids


def test_header(db: Database, seeded: AccountIds) -> None:
    card = account_card.load_card(db, seeded.account_id, today=TODAY)
    assert card.number == "110022334455"
    assert card.supplier == "АО «ЭК «Восток»"
    assert card.holder is not None
    assert card.holder.name == "Иванов Пётр Сергеевич"
    assert card.holder.relation_label == "Собственник"
    assert card.holder.passport_masked == "71 ** ******"
    assert card.holder.phone == "+79123456789"
    assert card.address == "г. Тюмень, ул. Прямая, д. 1, кв. 11"
    assert (card.area, card.rooms, card.residents, card.stove_label) == (
        Decimal("54.30"), 2, 3, "газовая"
    )  # fmt: skip
    assert card.status_label == "Открыт"
    assert card.bill_delivery_label == "На бумаге"
    assert card.balance == Decimal("728.50")
    assert card.balance_label == "Долг"
    assert card.amount_due == Decimal("728.50")
    assert card.last_payment_amount == Decimal("698.00")
    assert card.last_payment_at is not None
    assert card.last_payment_at.date() == dt.date(2026, 10, 8)
    (meter,) = card.meters
    assert meter.serial == seeded.serial
    assert meter.readings[0].last_reading == Decimal("1200")
    assert meter.readings[0].last_taken_on == dt.date(2026, 10, 20)


def test_other_people_with_relation(db: Database, seeded: AccountIds) -> None:
    with db.transaction() as session:
        wife = Customer(
            last_name="Иванова", first_name="Мария", middle_name="Ивановна",
            search_text=fold("Иванова Мария Ивановна") or "",
        )  # fmt: skip
        session.add(wife)
        session.flush()
        session.add(
            AccountHolder(
                account_id=seeded.account_id, customer_id=wife.id,
                relation=HolderRelation.REGISTERED, is_primary=False,
                bound_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            )
        )  # fmt: skip
    card = account_card.load_card(db, seeded.account_id, today=TODAY)
    assert [(p.name, p.relation_label) for p in card.others] == [
        ("Иванова Мария Ивановна", "Зарегистрированный")
    ]


def test_overpayment_is_not_due(db: Database) -> None:
    ids = make_account(db)
    add_payment(db, ids.account_id, "63.11", dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    card = account_card.load_card(db, ids.account_id, today=TODAY)
    assert card.balance == Decimal("-63.11")
    assert card.balance_label == "Переплата (аванс)"
    assert card.amount_due == Decimal("0.00")
    assert not [n for n in card.notifications if n.code == "debt"]


def test_notifications(db: Database, seeded: AccountIds) -> None:
    staff = make_staff(db, "clerk-n", StaffRole.CLERK)
    with db.transaction() as session:
        meter = session.get(Meter, seeded.meter_id)
        meter.next_verification_on = TODAY + dt.timedelta(days=30)
    add_appeal(db, seeded.account_id, staff.staff_id or 0, due_on=TODAY - dt.timedelta(days=1))
    add_refund(db, seeded.account_id, seeded.customer_id, staff.staff_id or 0,
               due_on=TODAY + dt.timedelta(days=20))  # fmt: skip
    card = account_card.load_card(db, seeded.account_id, today=TODAY)
    codes = {n.code: n for n in card.notifications}
    assert codes["debt"].severity == "warning"
    assert "728,50" in codes["debt"].text
    assert codes["readings_missing"].severity == "info"
    assert "ноябрь 2026" in codes["readings_missing"].text
    assert codes["verification_due"].severity == "warning"
    assert codes["appeal_open"].severity == "warning"  # its deadline passed
    assert codes["refund_open"].severity == "info"
    assert [n.severity for n in card.notifications] == sorted(
        (n.severity for n in card.notifications),
        key=lambda s: {"critical": 0, "warning": 1, "info": 2}[s],
    )
    late = account_card.load_card(db, seeded.account_id, today=dt.date(2026, 11, 27))
    assert {n.code: n.severity for n in late.notifications}["readings_missing"] == "warning"


def test_expired_verification_and_big_debt_are_critical(db: Database) -> None:
    ids = make_account(db, last_taken_on=dt.date(2026, 11, 5))
    with db.transaction() as session:
        session.get(Meter, ids.meter_id).next_verification_on = dt.date(2026, 1, 1)
    add_charge(db, ids.account_id, OCT, volume="100", tariff="5")
    add_ledger(db, ids.account_id, SEP, LedgerKind.OPENING, "3000")
    card = account_card.load_card(db, ids.account_id, today=TODAY)
    codes = {n.code: n.severity for n in card.notifications}
    assert codes == {"debt": "critical", "verification_expired": "critical"}


def test_statements(db: Database, seeded: AccountIds) -> None:
    lines = account_card.statements(db, seeded.account_id)
    assert [(s.period, s.closing) for s in lines] == [
        (SEP, Decimal("698.00")),
        (OCT, Decimal("728.50")),
    ]


def test_find_account_id(db: Database, seeded: AccountIds) -> None:
    assert account_card.find_account_id(db, "110022334455") == seeded.account_id
    with pytest.raises(NotFoundError):
        account_card.find_account_id(db, "999")


def test_charges_table_of_seed_000(db: Database, seeded: AccountIds) -> None:
    assert charges.periods(db, seeded.account_id) == (OCT, SEP)
    table = charges.charges_table(db, seeded.account_id, OCT)
    (row,) = table.rows
    assert row.service == "Электроснабжение"
    assert row.tariff_text == "3,43"
    assert (row.debt, row.paid, row.volume, row.charged, row.recalculation, row.due) == (
        Decimal("698.00"), Decimal("698.00"), Decimal("200"), Decimal("686.00"),
        Decimal("42.50"), Decimal("728.50"),
    )  # fmt: skip
    assert row.formula == "200,0 кВт·ч × 3,43 = 686,00"
    assert row.due_formula == "698,00 − 698,00 + 686,00 + 42,50 = 728,50"
    assert row.origin == f"по прибору учёта № {seeded.serial}: 1\u00a0000 → 1\u00a0200"
    assert table.total_due == Decimal("728.50")


def test_two_zone_charge_and_average(db: Database) -> None:
    ids = make_account(db, zones=2)
    add_charge(db, ids.account_id, OCT, volume="120", tariff="5.51", zone=1,
               method=VolumeMethod.AVERAGE, explanation="среднее за 6 мес.")  # fmt: skip
    add_charge(db, ids.account_id, OCT, volume="80", tariff="2.64", zone=2,
               method=VolumeMethod.AVERAGE)  # fmt: skip
    (row,) = charges.charges_table(db, ids.account_id, OCT).rows
    assert row.tariff_text == "5,51 / 2,64"
    assert row.charged == Decimal("872.40")
    assert "(день)" in row.formula and "(ночь)" in row.formula
    assert row.origin.startswith("день: по среднему (среднее за 6 мес.)")


def test_reading_history(db: Database, seeded: AccountIds) -> None:
    rows = readings.reading_history(db, seeded.account_id)
    assert rows[0].value == Decimal("1200")
    assert rows[0].source_label == "Клиент в офисе"
    assert rows[0].status_label == "Принято"


def test_history_by_month(db: Database, seeded: AccountIds) -> None:
    months = history.history(db, seeded.account_id, months=3, today=TODAY)
    assert [m.period for m in months] == [OCT, SEP]
    kinds = {e.kind for e in months[0].events}
    assert {"reading", "charge", "statement", "payment"} <= kinds
    statement = next(e for e in months[0].events if e.kind == "statement")
    assert "Итого долг 728,50" in statement.title
    only_last = history.history(db, seeded.account_id, months=1, today=TODAY)
    assert only_last == ()


def test_history_shows_a_payment_on_the_desks_calendar_day(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One rule for stored moments (core.moments): a naive time from the embedded database is
    UTC; the history tab used to take its date as if it were the desk's local time."""
    monkeypatch.setenv("TZ", "Asia/Yekaterinburg")  # UTC+5
    time.tzset()
    try:
        ids = make_account(db)
        with db.transaction() as session:
            session.add(
                Payment(
                    account_id=ids.account_id, amount=Decimal("500.00"),
                    paid_at=dt.datetime(2026, 9, 14, 22, 30, tzinfo=dt.UTC),
                    method=PaymentMethod.CASH,
                )
            )  # fmt: skip
        months = history.history(db, ids.account_id, months=None, today=dt.date(2026, 9, 30))
        days = [e.day for m in months for e in m.events if e.kind == "payment"]
        assert days == [dt.date(2026, 9, 15)]  # 03:30 at the desk
    finally:
        monkeypatch.undo()
        time.tzset()


def test_requisites(db: Database, seeded: AccountIds) -> None:
    req = requisites.requisites(db, seeded.account_id, today=TODAY)
    assert req.recipients[0].bic == "047102651"
    assert "Электроснабжение" in req.recipients[0].services
    assert [t.rate for t in req.current] == [Decimal("5.33")]  # Тюмень from 01.10.2026
    assert len(req.history) == 3


def test_statistics(db: Database, seeded: AccountIds) -> None:
    stats = statistics.consumption(db, seeded.account_id, 2026)
    assert stats.years == (2026,)
    assert stats.total == Decimal("400")
    assert stats.months[9].by_zone == (Decimal("200"),)
    assert stats.largest is not None and stats.largest.month in (9, 10)


def test_reveal_passport_is_audited(db: Database, seeded: AccountIds) -> None:
    staff = make_staff(db, "clerk-p", StaffRole.CLERK)
    details = reveal_passport(db, staff, seeded.customer_id)
    assert details.series == "7101"
    assert details.text.startswith("71 01 ")
    with db.read() as session:
        events = [
            (e.staff_id, e.entity_id, e.account_id)
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "customer.reveal_passport")
            )
        ]
    assert events == [(staff.staff_id, str(seeded.customer_id), seeded.account_id)]

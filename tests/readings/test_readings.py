"""Entering readings at the counter: every rule of issue 5, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from console.models import AuditEvent, BillingPeriod, Meter, Reading
from console.models.enums import PeriodStatus, ReadingSource, ReadingStatus, StaffRole
from console.services.account.readings import reading_history
from console.services.core.database import Database
from console.services.core.errors import (
    ConflictError,
    PermissionDeniedError,
    ValidationError,
    ZoneField,
)
from console.services.readings import entry
from console.services.readings.entry import ReadingForm, SupervisorApproval, ZoneEntry
from console.services.staff.approvals import verify_supervisor
from tests.support.factories import (
    add_reading,
    make_account,
    make_login,
    make_staff,
    update_row,
)

TODAY = dt.date(2026, 11, 10)


def key() -> str:
    return uuid.uuid4().hex


def form_for(
    db: Database,
    account_id: int,
    *values: str,
    taken_on: dt.date = TODAY,
    today: dt.date = TODAY,
    rollover: bool = False,
    **options: object,
) -> ReadingForm:
    """A form as the dialog builds it: one value per zone of the first meter."""
    state = entry.reading_state(db, account_id, today=today)
    meter = state.meters[0]
    entries = tuple(
        ZoneEntry(meter.meter_id, z.zone, value, rollover, z.previous_reading_id)
        for z, value in zip(meter.zone_states, values, strict=True)
    )
    return ReadingForm(account_id, entries, taken_on, **options)  # type: ignore[arg-type]


def count_readings(db: Database, meter_id: int) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).where(Reading.meter_id == meter_id)) or 0)


def test_state_shows_previous_reading_tariff_and_period(db: Database) -> None:
    ids = make_account(db)
    state = entry.reading_state(db, ids.account_id, today=TODAY)
    zone = state.meters[0].zone_states[0]
    assert (zone.previous_value, zone.previous_taken_on) == (Decimal("1200"), dt.date(2026, 10, 20))
    assert zone.tariff == Decimal("5.33")  # Тюмень from 01.10.2026
    assert state.period.period == dt.date(2026, 11, 1)
    assert "Ноябрь 2026" in state.period.note


def test_accepted_reading_is_stored_once_with_staff_and_period(db: Database) -> None:
    ids = make_account(db)
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    form = form_for(db, ids.account_id, "1 350", source=ReadingSource.PHONE)
    k = key()
    first = entry.submit_readings(db, clerk, form, k, today=TODAY)
    again = entry.submit_readings(db, clerk, form, k, today=TODAY)
    assert not first.duplicate and again.duplicate
    assert first.readings[0].reading_id == again.readings[0].reading_id
    assert first.readings[0].consumption == again.readings[0].consumption == Decimal("150")
    assert first.readings[0].amount == again.readings[0].amount == Decimal("799.50")
    assert count_readings(db, ids.meter_id) == 2
    history = reading_history(db, ids.account_id)
    assert history[0].entered_by == "Сотрудник clerk"
    assert history[0].source is ReadingSource.PHONE and history[0].status == "accepted"
    assert history[0].period == dt.date(2026, 11, 1)
    with db.read() as session:
        assert (
            session.scalar(select(func.count()).where(AuditEvent.action == "reading.accept")) == 1
        )


@pytest.mark.parametrize(
    ("value", "taken_on", "field", "message"),
    [
        ("12a", TODAY, "value", "должно быть числом"),
        ("", TODAY, "value", "Введите показание"),
        ("-1300", TODAY, "value", "отрицательным"),
        ("123456", TODAY, "value", "5 знаков до запятой"),
        ("1300,1234", TODAY, "value", "не более 3 знаков"),
        ("1100", TODAY, "value", "меньше предыдущего"),
        ("1300", TODAY + dt.timedelta(days=1), "taken_on", "ещё не наступила"),
        ("1300", dt.date(2019, 2, 1), "taken_on", "раньше установки"),
        ("1300", dt.date(2026, 10, 1), "taken_on", "раньше предыдущего"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_stored(
    db: Database, value: str, taken_on: dt.date, field: str, message: str
) -> None:
    ids = make_account(db)
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    form = form_for(db, ids.account_id, value, taken_on=taken_on)
    with pytest.raises(ValidationError, match=message) as err:
        entry.submit_readings(db, clerk, form, key(), today=TODAY)
    assert err.value.field == ZoneField(1, field, meter_id=ids.meter_id)
    assert count_readings(db, ids.meter_id) == 1


def test_rollover_needs_the_mark_and_a_confirmation(db: Database) -> None:
    ids = make_account(db, last_reading=Decimal("99950"))
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    with pytest.raises(ValidationError, match="Переход через ноль"):
        entry.submit_readings(db, clerk, form_for(db, ids.account_id, "120"), key(), today=TODAY)
    marked = form_for(db, ids.account_id, "120", rollover=True)
    with pytest.raises(ValidationError, match="Нужно подтверждение") as err:
        entry.submit_readings(db, clerk, marked, key(), today=TODAY)
    assert err.value.field == "confirm"
    confirmed = form_for(db, ids.account_id, "120", rollover=True, confirmed=True)
    result = entry.submit_readings(db, clerk, confirmed, key(), today=TODAY)
    assert result.readings[0].consumption == Decimal("170")
    assert reading_history(db, ids.account_id)[0].is_rollover


def test_rollover_value_must_fit_the_meter_digits(db: Database) -> None:
    ids = make_account(db, last_reading=Decimal("99950"))
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    form = form_for(db, ids.account_id, "100120", rollover=True, confirmed=True)
    with pytest.raises(ValidationError, match="5 знаков до запятой"):
        entry.submit_readings(db, clerk, form, key(), today=TODAY)


def _with_usual_history(db: Database) -> int:
    """An account using 10 kWh a day (1000 → 1300 over 30 days before the last reading)."""
    ids = make_account(db, last_reading=Decimal("1300"), last_taken_on=dt.date(2026, 10, 31))
    add_reading(db, ids.meter_id, "1000", dt.date(2026, 10, 1))
    return ids.account_id


def test_high_consumption_needs_confirmation(db: Database) -> None:
    account_id = _with_usual_history(db)
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    # 10 days at 10 kWh/day is 100; 400 is 4× (above "high" = 3×).
    with pytest.raises(ValidationError, match="выше обычного") as err:
        entry.submit_readings(db, clerk, form_for(db, account_id, "1700"), key(), today=TODAY)
    assert err.value.field == "confirm"
    result = entry.submit_readings(
        db, clerk, form_for(db, account_id, "1700", confirmed=True), key(), today=TODAY
    )
    assert result.readings[0].consumption == Decimal("400")


def test_low_consumption_needs_confirmation(db: Database) -> None:
    account_id = _with_usual_history(db)
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    with pytest.raises(ValidationError, match="ниже обычного|почти нулевой"):
        entry.submit_readings(db, clerk, form_for(db, account_id, "1310"), key(), today=TODAY)


def test_very_high_consumption_needs_a_supervisor(db: Database) -> None:
    account_id = _with_usual_history(db)
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    login = f"boss.{uuid.uuid4().hex[:6]}"  # login roles are cluster-wide on PostgreSQL
    boss = make_login(db, login, StaffRole.SUPERVISOR, "Верный-пароль-1")
    form = form_for(db, account_id, "5300", confirmed=True)  # 4000 kWh in 10 days: 40×
    with pytest.raises(ValidationError, match="руководителя") as err:
        entry.submit_readings(db, clerk, form, key(), today=TODAY)
    assert err.value.field == "supervisor"
    forged = form_for(db, account_id, "5300", confirmed=True, approval=SupervisorApproval.of(boss))
    forged = ReadingForm(
        **{**forged.__dict__, "approval": SupervisorApproval(clerk.staff_id or 0, "x")}
    )
    with pytest.raises(ValidationError, match="только руководитель"):
        entry.submit_readings(db, clerk, forged, key(), today=TODAY)
    # A real supervisor named without their password at this desk is no confirmation.
    named = form_for(db, account_id, "5300", confirmed=True, approval=SupervisorApproval.of(boss))
    with pytest.raises(ValidationError, match="логином и паролем ещё раз") as err:
        entry.submit_readings(db, clerk, named, key(), today=TODAY)
    assert err.value.field == "supervisor"
    meter_id = entry.reading_state(db, account_id, today=TODAY).meters[0].meter_id
    assert count_readings(db, meter_id) == 2
    approval = verify_supervisor(db, login, "Верный-пароль-1")
    approved = form_for(db, account_id, "5300", confirmed=True, approval=approval)
    entry.submit_readings(db, clerk, approved, key(), today=TODAY)
    assert reading_history(db, account_id)[0].approved_by == f"Сотрудник {login}"
    with pytest.raises(PermissionDeniedError):
        SupervisorApproval.of(clerk)
    # The supervisor at their own desk confirms for themselves.
    other = _with_usual_history(db)
    own = form_for(db, other, "5300", confirmed=True, approval=SupervisorApproval.of(boss))
    entry.submit_readings(db, boss, own, key(), today=TODAY)


def test_supervisor_confirms_with_login_and_password(db: Database) -> None:
    boss = make_login(db, "boss.k", StaffRole.SUPERVISOR, "Верный-пароль-1")
    make_login(db, "clerk.k", StaffRole.CLERK, "Пароль-клерка-1")
    assert verify_supervisor(db, "boss.k", "Верный-пароль-1").staff_id == boss.staff_id
    with pytest.raises(PermissionDeniedError, match="не руководитель"):
        verify_supervisor(db, "clerk.k", "Пароль-клерка-1")
    if not db.is_postgres:  # the test server trusts every password; SQLite checks the hash
        with pytest.raises(PermissionDeniedError, match="Неверный логин или пароль"):
            verify_supervisor(db, "boss.k", "не тот")
    with db.read() as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert "reading.supervisor_approval" in actions


def test_expired_verification_is_stored_and_the_clerk_told_how_it_is_billed(db: Database) -> None:
    ids = make_account(db)
    update_row(db, Meter, ids.meter_id, next_verification_on=dt.date(2026, 9, 1))
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    state = entry.reading_state(db, ids.account_id, today=TODAY)
    assert state.meters[0].verification_expired
    note = state.meters[0].estimation_note or ""
    assert "истёк 01.09.2026" in note and "по нормативу" in note
    form, k = form_for(db, ids.account_id, "1300"), key()
    result = entry.submit_readings(db, clerk, form, k, today=TODAY)
    assert result.readings[0].amount is None  # not billed by this reading
    # A retried submission tells the clerk the same, not a sum by the tariff.
    again = entry.submit_readings(db, clerk, form, k, today=TODAY)
    assert again.duplicate and again.readings == result.readings
    assert count_readings(db, ids.meter_id) == 2


def test_reading_after_the_window_counts_next_period(db: Database) -> None:
    ids = make_account(db)
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    late = dt.date(2026, 11, 26)
    form = form_for(db, ids.account_id, "1300", taken_on=late, today=late)
    result = entry.submit_readings(db, clerk, form, key(), today=late)
    assert result.period == dt.date(2026, 12, 1)
    assert "закончился 25-го" in result.period_note and "Декабрь 2026" in result.period_note


def test_closed_period_takes_no_readings(db: Database) -> None:
    ids = make_account(db)
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    with db.transaction() as session:
        session.add(BillingPeriod(period=dt.date(2026, 11, 1), status=PeriodStatus.CLOSED))
    result = entry.submit_readings(
        db, clerk, form_for(db, ids.account_id, "1300"), key(), today=TODAY
    )
    assert result.period == dt.date(2026, 12, 1)
    assert "уже закрыт" in entry.reading_state(db, ids.account_id, today=TODAY).period.note


def test_stale_form_gets_a_clear_message(db: Database) -> None:
    ids = make_account(db)
    anna = make_staff(db, "anna", StaffRole.CLERK)
    boris = make_staff(db, "boris", StaffRole.CLERK)
    seen_by_boris = form_for(db, ids.account_id, "1310", confirmed=True)
    entry.submit_readings(db, anna, form_for(db, ids.account_id, "1300"), key(), today=TODAY)
    with pytest.raises(ConflictError, match="другой сотрудник уже принял показания: 1300"):
        entry.submit_readings(db, boris, seen_by_boris, key(), today=TODAY)
    assert count_readings(db, ids.meter_id) == 2


def test_newer_reading_of_the_same_period_supersedes_and_cancel_restores(db: Database) -> None:
    ids = make_account(db)
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    boss = make_staff(db, "boss", StaffRole.SUPERVISOR)
    entry.submit_readings(db, clerk, form_for(db, ids.account_id, "1300"), key(), today=TODAY)
    second = entry.submit_readings(
        db, clerk, form_for(db, ids.account_id, "1390", confirmed=True), key(), today=TODAY
    )
    statuses = [(h.value, h.status) for h in reading_history(db, ids.account_id)]
    assert statuses == [(Decimal("1390"), "accepted"), (Decimal("1300"), "superseded"),
                        (Decimal("1200"), "accepted")]  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        entry.cancel_reading(db, clerk, second.readings[0].reading_id, "ошибка ввода")
    row = entry.cancel_reading(db, boss, second.readings[0].reading_id, "ошибка ввода")
    assert row.status == "rejected" and row.reason == "ошибка ввода"
    state = entry.reading_state(db, ids.account_id, today=TODAY)
    assert state.meters[0].zone_states[0].previous_value == Decimal("1300")


def test_two_zone_meter_stores_one_reading_per_zone(db: Database) -> None:
    ids = make_account(db, zones=2)
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    result = entry.submit_readings(
        db, clerk, form_for(db, ids.account_id, "1300", "1250"), key(), today=TODAY
    )
    assert [(r.zone_label, r.consumption) for r in result.readings] == [
        ("День (Т1)", Decimal("100")),
        ("Ночь (Т2)", Decimal("50")),
    ]
    assert count_readings(db, ids.meter_id) == 4


def test_rejected_status_is_listed_in_history(db: Database) -> None:
    ids = make_account(db)
    add_reading(db, ids.meter_id, "5", TODAY, status=ReadingStatus.REJECTED)
    history = reading_history(db, ids.account_id)
    assert history[0].status == "rejected" and history[0].consumption is None


def test_only_a_signed_in_supervisor_rejects_an_accepted_reading(db: Database) -> None:
    from dataclasses import replace

    account_id = _with_usual_history(db)
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    boss = make_staff(db, "boss", StaffRole.SUPERVISOR)
    stored = entry.submit_readings(
        db, clerk, form_for(db, account_id, "1400", confirmed=True), key(), today=TODAY
    )
    reading_id = stored.readings[0].reading_id
    for actor in (clerk, replace(boss, staff_id=None)):
        with pytest.raises(PermissionDeniedError):
            entry.cancel_reading(db, actor, reading_id, "Ошибка ввода")
    row = entry.cancel_reading(db, boss, reading_id, "Ошибка ввода")
    assert row.reading_id == reading_id

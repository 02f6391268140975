"""Whatever is typed, a reading is either stored whole or refused with a message; two clerks at
the same meter leave one accepted reading."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from console.models import Reading
from console.models.enums import ReadingStatus, StaffRole
from console.services.core.database import Database
from console.services.core.errors import ConflictError, ValidationError
from console.services.readings import entry as readings
from console.services.readings.checks import BadValue, check_reading, parse_value
from console.services.readings.entry import ReadingForm, ZoneEntry
from console.services.staff.approvals import verify_supervisor
from console.settings import Settings
from tests.support.factories import make_account, make_login, make_staff

TODAY = dt.date(2026, 11, 10)

typed = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**20), 10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(r"[0-9 ,.\-−]{0,16}", fullmatch=True),
    st.text(alphabet=st.characters(categories=["Cc", "Nd", "Zs", "Pd"]), max_size=12),
    st.integers(1200, 1500).map(str),  # plausible values, so that some are accepted
)


@given(typed)
def test_parse_value_returns_a_register_value_or_a_reason(value: str) -> None:
    try:
        parsed = parse_value(value)
    except BadValue as err:
        assert str(err) and err.code
        return
    assert parsed >= 0 and parsed < Decimal(10) ** 11
    assert parsed == parsed.quantize(Decimal("0.001"))


def _count(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Reading)) or 0)


def test_fuzzed_input_is_stored_whole_or_refused(db: Database) -> None:
    ids = make_account(db, zones=2)
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    boss = f"boss.{uuid.uuid4().hex[:6]}"  # login roles are cluster-wide on PostgreSQL
    make_login(db, boss, StaffRole.SUPERVISOR, "Верный-пароль-1")
    approval = verify_supervisor(db, boss, "Верный-пароль-1")  # at the clerk's desk
    limits = Settings().reading_limits

    outcomes: list[str] = []
    dates = st.one_of(st.just(TODAY), st.dates(dt.date(2018, 1, 1), dt.date(2027, 1, 1)))

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,  # the same examples every run: the outcome check below is stable
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(typed, typed, dates, st.booleans())
    def attempt(first: str, second: str, taken_on: dt.date, rollover: bool) -> None:
        state = readings.reading_state(db, ids.account_id, today=TODAY)
        meter = state.meters[0]
        for zone, value in ((1, first), (2, second)):  # the live check never raises
            check_reading(meter, zone, value, taken_on, today=TODAY, period=state.period.period,
                          limits=limits, rollover=rollover)  # fmt: skip
        entries = tuple(
            ZoneEntry(meter.meter_id, z.zone, v, rollover, z.previous_reading_id)
            for z, v in zip(meter.zone_states, (first, second), strict=True)
        )
        form = ReadingForm(ids.account_id, entries, taken_on, confirmed=True,
                           approval=approval)  # fmt: skip
        before = _count(db)
        try:
            result = readings.submit_readings(db, clerk, form, uuid.uuid4().hex, today=TODAY)
        except ValidationError as err:
            assert str(err) and err.field
            assert _count(db) == before  # never a partial record
            outcomes.append("refused")
            return
        assert len(result.readings) == 2
        assert _count(db) == before + 2
        outcomes.append("stored")

    attempt()
    assert {"stored", "refused"} <= set(outcomes)


def _wait_for_lock_waiters(db: Database, expected: int) -> None:
    """Until ``expected`` sessions are blocked on a row lock (no timing assertion)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with db.engine.connect() as conn:
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            ).scalar_one()
        if waiting >= expected:
            return
        time.sleep(0.05)
    raise AssertionError("the submissions never waited for the meter's lock")


def _race(db: Database, forms: list[tuple[object, ReadingForm, str]]) -> list[object]:
    """Hold the meter's row lock, let every submission queue behind it, then release."""
    outcomes: list[object] = [None] * len(forms)

    def submit(index: int, actor: object, form: ReadingForm, key: str) -> None:
        try:
            outcomes[index] = readings.submit_readings(db, actor, form, key, today=TODAY)  # type: ignore[arg-type]
        except Exception as err:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = err

    meter_id = forms[0][1].entries[0].meter_id
    with db.engine.connect() as holder:
        tx = holder.begin()
        holder.execute(text("SELECT id FROM meters WHERE id = :m FOR UPDATE"), {"m": meter_id})
        threads = [
            threading.Thread(target=submit, args=(i, actor, form, key))
            for i, (actor, form, key) in enumerate(forms)
        ]
        for thread in threads:
            thread.start()
        _wait_for_lock_waiters(db, len(forms))
        tx.rollback()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _form(db: Database, account_id: int, value: str) -> ReadingForm:
    state = readings.reading_state(db, account_id, today=TODAY)
    zone = state.meters[0].zone_states[0]
    entry = ZoneEntry(state.meters[0].meter_id, 1, value, False, zone.previous_reading_id)
    return ReadingForm(account_id, (entry,), TODAY, confirmed=True)


@pytest.mark.postgres
def test_two_clerks_same_meter_one_accepted_reading(pg_db: Database) -> None:
    ids = make_account(pg_db)
    anna = make_staff(pg_db, "anna", StaffRole.CLERK)
    boris = make_staff(pg_db, "boris", StaffRole.CLERK)
    outcomes = _race(
        pg_db,
        [
            (anna, _form(pg_db, ids.account_id, "1300"), uuid.uuid4().hex),
            (boris, _form(pg_db, ids.account_id, "1310"), uuid.uuid4().hex),
        ],
    )
    accepted = [o for o in outcomes if isinstance(o, readings.SubmitResult)]
    refused = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(accepted) == 1 and len(refused) == 1, outcomes
    assert "другой сотрудник уже принял показания" in str(refused[0])
    with pg_db.read() as session:
        count = session.scalar(
            select(func.count()).where(
                Reading.meter_id == ids.meter_id, Reading.status == ReadingStatus.ACCEPTED
            )
        )
    assert count == 2  # the earlier reading and one new one


@pytest.mark.postgres
def test_double_click_at_the_same_moment_stores_one_reading(pg_db: Database) -> None:
    ids = make_account(pg_db)
    anna = make_staff(pg_db, "anna", StaffRole.CLERK)
    form = _form(pg_db, ids.account_id, "1300")
    key = uuid.uuid4().hex
    outcomes = _race(pg_db, [(anna, form, key), (anna, form, key)])
    assert all(isinstance(o, readings.SubmitResult) for o in outcomes), outcomes
    ids_seen = {o.readings[0].reading_id for o in outcomes}  # type: ignore[union-attr]
    assert len(ids_seen) == 1
    assert sorted(o.duplicate for o in outcomes) == [False, True]  # type: ignore[union-attr]

"""The monthly billing run: every rule of issue 5, on SQLite (Python path) and PostgreSQL (SQL)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from console.models import (
    Account,
    AccountStatement,
    BillingPeriod,
    Charge,
    LedgerEntry,
    Meter,
    Premise,
)
from console.models.enums import (
    AccountStatus,
    LedgerKind,
    MeterStatus,
    PeriodStatus,
    StaffRole,
    VolumeMethod,
)
from console.services.account.readings import reading_history
from console.services.account.statistics import consumption
from console.services.billing import run
from console.services.core.database import Database
from console.services.core.errors import ConflictError, PermissionDeniedError
from console.services.core.formatting import add_months, parse_period
from console.services.documents import reports
from console.services.readings import entry as readings
from console.services.readings.meter_replacement import NewMeter, ReplacementForm, replace_meter
from console.services.staff.actor import Actor
from console.settings import Settings
from tests.support.factories import add_reading, make_account, make_staff, update_row

NOV = dt.date(2026, 11, 1)


@pytest.fixture
def boss(db: Database) -> Actor:
    """Closing a period is the administrator's job."""
    return make_staff(db, "boss", StaffRole.ADMIN)


def close(db: Database, actor: Actor, month: str, **kw: object) -> run.ClosePeriodResult:
    period = parse_period(month)
    return run.close_period(db, actor, period, today=add_months(period, 1), **kw)  # type: ignore[arg-type]


def charges(db: Database, account_id: int) -> list[Charge]:
    with db.read() as session:
        rows = session.scalars(
            select(Charge)
            .where(Charge.account_id == account_id)
            .order_by(Charge.period, Charge.zone)
        ).all()
        session.expunge_all()
        return list(rows)


def statements(db: Database, account_id: int) -> list[AccountStatement]:
    with db.read() as session:
        rows = session.scalars(
            select(AccountStatement)
            .where(AccountStatement.account_id == account_id)
            .order_by(AccountStatement.period)
        ).all()
        session.expunge_all()
        return list(rows)


def table_counts(db: Database) -> tuple[int, int, int]:
    with db.read() as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(t)) or 0)
            for t in (Charge, LedgerEntry, AccountStatement)
        )


def test_metered_month_volume_times_tariff_ledger_and_statement(db: Database, boss: Actor) -> None:
    ids = make_account(db)  # 1200 on 20.10.2026 (October)
    add_reading(db, ids.meter_id, "1350", dt.date(2026, 11, 20))
    result = close(db, boss, "2026-11")
    assert (result.accounts, result.by_meter, result.charged) == (1, 1, Decimal("799.50"))
    [charge] = charges(db, ids.account_id)
    assert (charge.volume, charge.tariff, charge.charged) == (
        Decimal("150"),
        Decimal("5.33"),
        Decimal("799.50"),
    )
    assert charge.volume_method is VolumeMethod.METER
    assert (charge.reading_from, charge.reading_to) == (Decimal("1200"), Decimal("1350"))
    assert charge.explanation == "По показаниям прибора учёта: 1200 → 1350"
    with db.read() as session:
        entry = session.scalars(select(LedgerEntry)).one()
        assert (entry.kind, entry.amount) == (LedgerKind.CHARGE, Decimal("799.50"))
        assert entry.description == "Начисление за Ноябрь 2026"
    [st] = statements(db, ids.account_id)
    assert (st.opening, st.charged, st.recalculated, st.paid, st.closing) == (
        0, Decimal("799.50"), 0, 0, Decimal("799.50"))  # fmt: skip


def _history(db: Database) -> int:
    """Readings May–Sep 2026, then none until February 2027 (2400)."""
    ids = make_account(db, last_reading=Decimal("1000"), last_taken_on=dt.date(2026, 5, 20))
    for month, value in [(6, 1100), (7, 1250), (8, 1400), (9, 1500)]:
        add_reading(db, ids.meter_id, str(value), dt.date(2026, month, 20))
    add_reading(db, ids.meter_id, "2400", dt.date(2027, 2, 20))
    return ids.account_id


def _close_range(db: Database, actor: Actor, first: str, last: str, **kw: object) -> None:
    period, end = parse_period(first), parse_period(last)
    while period <= end:
        close(db, actor, f"{period:%Y-%m}", **kw)
        period = add_months(period, 1)


def test_average_for_three_months_then_norm_then_recalculation(db: Database, boss: Actor) -> None:
    account_id = _history(db)
    _close_range(db, boss, "2026-05", "2027-02")
    rows = {f"{c.period:%Y-%m}": c for c in charges(db, account_id)}
    methods = [rows[m].volume_method for m in ("2026-10", "2026-11", "2026-12", "2027-01")]
    assert methods == [VolumeMethod.AVERAGE] * 3 + [VolumeMethod.NORM]
    assert rows["2026-10"].volume == Decimal("100")  # (0 + 100 + 150 + 150 + 100) / 5
    assert rows["2026-12"].volume == Decimal("125")  # (100 + 150 + 150 + 100) / 4
    assert rows["2026-10"].explanation == (
        "По среднемесячному расходу 100 кВт·ч: показания не переданы (1-й месяц из 3)"
    )
    assert rows["2027-01"].volume == Decimal("183")  # 61 kWh × 3 residents, 2 rooms
    assert rows["2027-01"].explanation == (
        "По нормативу 61 кВт·ч × 3 чел. (2 комн.): нет показаний 4-й месяц подряд"
    )
    feb = rows["2027-02"]
    # 900 kWh since September over 5 months: 180 each; the 4 estimated months cost 2 707,64.
    assert (feb.volume_method, feb.volume, feb.charged) == (
        VolumeMethod.METER,
        Decimal("180"),
        Decimal("959.40"),
    )
    assert feb.recalculation == Decimal("1129.96")  # 180 × 5,33 × 4 − 2 707,64
    assert "распределён поровну на 5 мес., из них 4 мес." in (feb.explanation or "")
    with db.read() as session:
        recalc = session.scalars(
            select(LedgerEntry).where(LedgerEntry.kind == LedgerKind.RECALCULATION)
        ).one()
        assert (recalc.amount, recalc.period) == (Decimal("1129.96"), dt.date(2027, 2, 1))
    last = statements(db, account_id)[-1]
    assert (last.charged, last.recalculated) == (Decimal("959.40"), Decimal("1129.96"))


def test_estimated_periods_limit_is_a_setting(db: Database, boss: Actor) -> None:
    account_id = _history(db)
    settings = replace(Settings(), max_estimated_periods=1)
    _close_range(db, boss, "2026-05", "2026-11", settings=settings)
    rows = {f"{c.period:%Y-%m}": c.volume_method for c in charges(db, account_id)}
    assert (rows["2026-10"], rows["2026-11"]) == (VolumeMethod.AVERAGE, VolumeMethod.NORM)


def test_no_meter_is_billed_by_norm(db: Database, boss: Actor) -> None:
    ids = make_account(db, last_reading=None)
    update_row(db, Meter, ids.meter_id, status=MeterStatus.REMOVED, removed_on=dt.date(2020, 1, 1))
    close(db, boss, "2026-11")
    [charge] = charges(db, ids.account_id)
    assert (charge.volume_method, charge.volume, charge.charged) == (
        VolumeMethod.NORM, Decimal("183"), Decimal("975.39"))  # fmt: skip
    assert (
        charge.explanation == "По нормативу 61 кВт·ч × 3 чел. (2 комн.): прибор учёта не установлен"
    )


def test_expired_meter_is_estimated_and_its_readings_not_billed(db: Database, boss: Actor) -> None:
    account_id = _history(db)
    with db.read() as session:
        meter_id = session.scalar(select(Meter.id).where(Meter.account_id == account_id))
    assert meter_id is not None
    update_row(db, Meter, meter_id, next_verification_on=dt.date(2026, 9, 1))
    _close_range(db, boss, "2026-05", "2026-10")
    rows = {f"{c.period:%Y-%m}": c for c in charges(db, account_id)}
    # The 20.09 reading was taken after the verification lapsed: September is estimated.
    assert rows["2026-09"].volume_method is VolumeMethod.AVERAGE
    assert rows["2026-09"].explanation == (
        "По среднемесячному расходу 100 кВт·ч: срок поверки прибора учёта истёк 01.09.2026 "
        "(1-й месяц из 3)"
    )  # (0 + 100 + 150 + 150) / 4 = 100
    assert rows["2026-10"].volume_method is VolumeMethod.AVERAGE


def test_two_zone_meter_uses_zone_tariffs_and_splits_the_norm(db: Database, boss: Actor) -> None:
    ids = make_account(db, zones=2)
    add_reading(db, ids.meter_id, "1300", dt.date(2026, 11, 20), zone=1)
    add_reading(db, ids.meter_id, "1250", dt.date(2026, 11, 20), zone=2)
    empty = make_account(db, zones=2, last_reading=None)
    update_row(db, Meter, empty.meter_id, installed_on=dt.date(2026, 6, 1))
    close(db, boss, "2026-11")
    day, night = charges(db, ids.account_id)
    assert (day.tariff, day.charged) == (Decimal("6.13"), Decimal("613.00"))  # 5,33 × 1,15
    assert (night.tariff, night.charged) == (Decimal("2.93"), Decimal("146.50"))  # 5,33 × 0,55
    first, second = charges(db, empty.account_id)
    assert first.volume_method is second.volume_method is VolumeMethod.NORM
    assert first.volume == second.volume == Decimal("91.5")
    assert first.tariff == Decimal("5.33")  # the single-rate tariff
    assert (first.explanation or "").endswith("; поровну на 2 зоны по одноставочному тарифу")


def test_rollover_and_transformation_ratio(db: Database, boss: Actor) -> None:
    ids = make_account(db, last_reading=Decimal("99950"))
    add_reading(db, ids.meter_id, "120", dt.date(2026, 11, 20))
    update_row(db, Meter, ids.meter_id, transformation_ratio=Decimal("40"))
    close(db, boss, "2026-11")
    [charge] = charges(db, ids.account_id)
    assert charge.volume == Decimal("6800")  # (100 000 − 99 950 + 120) × 40
    assert charge.explanation == (
        "По показаниям прибора учёта: 99950 → 120, коэффициент трансформации 40"
    )


def test_a_meter_with_ratio_40_shows_the_billed_kwh_everywhere(db: Database, boss: Actor) -> None:
    """The bill, the card's «Показания» and «Статистика» tabs, the readings report and the
    entry dialog's answer count one consumption (core.metering): ratio and wrap included."""
    ids = make_account(db, last_reading=Decimal("99950"))  # 99950 on 20.10.2026
    update_row(db, Meter, ids.meter_id, transformation_ratio=Decimal("40"))
    add_reading(db, ids.meter_id, "120", dt.date(2026, 11, 20))  # stored without the mark
    close(db, boss, "2026-11")
    [charge] = charges(db, ids.account_id)
    billed = Decimal("6800")  # (100 000 − 99 950 + 120) × 40
    assert charge.volume == billed
    tab = reading_history(db, ids.account_id)
    assert tab[0].consumption == billed
    stats = consumption(db, ids.account_id, 2026)
    assert stats.months[10].by_zone == (billed,)
    report = reports.readings_history(db, ids.account_id, "individual", NOV, dt.date(2026, 11, 30))
    assert [r.consumption for r in report.rows] == [billed]
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    state = readings.reading_state(db, ids.account_id, today=dt.date(2026, 12, 10))
    zone = state.meters[0].zone_states[0]
    form = readings.ReadingForm(
        ids.account_id,
        (readings.ZoneEntry(ids.meter_id, 1, "125", False, zone.previous_reading_id),),
        dt.date(2026, 12, 10),
        confirmed=True,
    )
    stored = readings.submit_readings(
        db, clerk, form, uuid.uuid4().hex, today=dt.date(2026, 12, 10)
    )
    assert stored.readings[0].consumption == Decimal("200")  # (125 − 120) × 40
    assert reading_history(db, ids.account_id)[0].consumption == Decimal("200")


def test_replacement_month_adds_both_meters(db: Database, boss: Actor) -> None:
    ids = make_account(db)
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    today = dt.date(2026, 11, 15)
    state = readings.reading_state(db, ids.account_id, today=today)
    zone = state.meters[0].zone_states[0]
    form = ReplacementForm(
        ids.account_id, ids.meter_id, today,
        (readings.ZoneEntry(ids.meter_id, 1, "1290", False, zone.previous_reading_id),),
        NewMeter("NEW-1", "Меркурий 201", 1, 6, today, ("5",)),
    )  # fmt: skip
    result = replace_meter(db, clerk, form, uuid.uuid4().hex, today=today)
    add_reading(db, result.new_meter_id, "65", dt.date(2026, 11, 20))
    close(db, boss, "2026-11")
    [charge] = charges(db, ids.account_id)
    assert charge.volume == Decimal("150")  # 90 on the old meter + 60 on the new one
    assert charge.meter_id == result.new_meter_id
    assert charge.explanation == "По показаниям прибора учёта: 5 → 65, с учётом замены счётчика"


def test_payments_make_the_statement_add_up_and_chain(db: Database, boss: Actor) -> None:
    ids = make_account(db)
    add_reading(db, ids.meter_id, "1350", dt.date(2026, 11, 20))
    add_reading(db, ids.meter_id, "1450", dt.date(2026, 12, 20))
    with db.transaction() as session:
        session.add(
            LedgerEntry(
                account_id=ids.account_id,
                period=dt.date(2026, 10, 1),
                kind=LedgerKind.OPENING,
                amount=Decimal("19.85"),
            )
        )
        session.add(LedgerEntry(account_id=ids.account_id, period=NOV,
                                kind=LedgerKind.PAYMENT, amount=Decimal("-665.60")))  # fmt: skip
    _close_range(db, boss, "2026-11", "2026-12")
    nov, dec = statements(db, ids.account_id)
    assert (nov.opening, nov.charged, nov.paid) == (
        Decimal("19.85"),
        Decimal("799.50"),
        Decimal("665.60"),
    )
    assert (
        nov.closing == nov.opening + nov.charged + nov.recalculated - nov.paid == Decimal("153.75")
    )
    assert dec.opening == nov.closing
    with db.read() as session:
        balance = session.scalar(select(func.sum(LedgerEntry.amount)).where(
            LedgerEntry.account_id == ids.account_id))  # fmt: skip
    assert Decimal(str(balance)).quantize(Decimal("0.01")) == dec.closing


def test_running_twice_changes_nothing_and_closed_periods_stay_closed(
    db: Database, boss: Actor
) -> None:
    ids = make_account(db)
    add_reading(db, ids.meter_id, "1350", dt.date(2026, 11, 20))
    first = close(db, boss, "2026-11")
    before = table_counts(db)
    again = close(db, boss, "2026-11")
    assert again.already_closed and not first.already_closed
    assert (again.charges, again.charged, again.statements) == (
        first.charges,
        first.charged,
        first.statements,
    )
    assert table_counts(db) == before
    with pytest.raises(ConflictError, match="Сначала закройте период «Декабрь 2026»"):
        close(db, boss, "2027-01")
    with pytest.raises(ConflictError, match="раньше последнего закрытого"):
        close(db, boss, "2026-10")
    late = readings.reading_state(db, ids.account_id, today=dt.date(2026, 11, 24))
    assert late.period.period == dt.date(2026, 12, 1)  # November is closed
    for login, role in (("clerk", StaffRole.CLERK), ("head", StaffRole.SUPERVISOR)):
        with pytest.raises(PermissionDeniedError, match="администратор"):
            close(db, make_staff(db, login, role), "2026-12")


def test_period_cannot_close_while_readings_are_taken(db: Database, boss: Actor) -> None:
    with pytest.raises(ConflictError, match="идёт до 25.11.2026"):
        run.close_period(db, boss, NOV, today=dt.date(2026, 11, 25))


def test_cancel_leaves_nothing_and_progress_is_reported(db: Database, boss: Actor) -> None:
    for _ in range(3):
        make_account(db)
    seen: list[tuple[int, int]] = []
    with pytest.raises(run.Cancelled, match="ничего не изменено"):
        close(db, boss, "2026-11", progress=lambda d, t: seen.append((d, t)),
              cancel=lambda: len(seen) >= 1)  # fmt: skip
    assert table_counts(db) == (0, 0, 0)
    with db.read() as session:
        status = session.scalar(select(BillingPeriod.status).where(BillingPeriod.period == NOV))
    assert status is PeriodStatus.OPEN
    seen.clear()
    result = close(db, boss, "2026-11", progress=lambda d, t: seen.append((d, t)))
    assert result.accounts == 3 and seen[-1][0] == seen[-1][1]


def test_closed_accounts_are_billed_until_they_close(db: Database, boss: Actor) -> None:
    gone = make_account(db)
    update_row(
        db, Account, gone.account_id, status=AccountStatus.CLOSED, closed_on=dt.date(2026, 10, 31)
    )
    stays = make_account(db)
    update_row(db, Premise, stays.premise_id, residents=0)
    close(db, boss, "2026-11")
    assert charges(db, gone.account_id) == []
    [charge] = charges(db, stays.account_id)
    assert charge.volume == 0 and charge.volume_method is VolumeMethod.NORM


def test_a_payment_dated_in_a_closed_month_lands_in_the_next_statement(
    db: Database, boss: Actor
) -> None:
    ids = make_account(db)
    add_reading(db, ids.meter_id, "1350", dt.date(2026, 11, 20))
    close(db, boss, "2026-11")
    with db.transaction() as session:  # a bank registry with 30.11 payments, loaded on 02.12
        session.add(LedgerEntry(account_id=ids.account_id, period=NOV,
                                kind=LedgerKind.PAYMENT, amount=Decimal("-700.00")))  # fmt: skip
    close(db, boss, "2026-12")
    nov, dec = statements(db, ids.account_id)
    assert nov.closing == Decimal("799.50") and dec.opening == nov.closing
    assert dec.paid == Decimal("700.00")  # the late payment, December had none of its own
    assert dec.closing == dec.opening + dec.charged + dec.recalculated - dec.paid
    with db.read() as session:
        entries = session.scalars(
            select(LedgerEntry.amount).where(LedgerEntry.account_id == ids.account_id)
        ).all()
    assert sum(entries, Decimal(0)) == dec.closing

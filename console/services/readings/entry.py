"""Показания: the meters' current state, checking and storing readings exactly once, history."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.models import Account, AuditEvent, Meter, Premise, Reading, Staff
from console.models.enums import AuditAction, ReadingSource, ReadingStatus
from console.services.account.readings import ReadingRow, reading_history
from console.services.billing.periods import ensure_open_period, first_open_period
from console.services.core.database import Database
from console.services.core.errors import ConflictError, NotFoundError, ValidationError, ZoneField
from console.services.core.formatting import date, date_time, month_year, plain
from console.services.core.moments import stored_utc
from console.services.readings.checks import (
    MeterState,
    ReadingCheck,
    check_reading,
    zone_label,
)
from console.services.readings.pricing import price
from console.services.readings.state import AccountReadingState, load_state
from console.services.staff import audit
from console.services.staff.actor import Actor
from console.services.staff.approvals import APPROVAL_VALID_FOR, SupervisorApproval
from console.services.staff.permissions import require_staff, require_supervisor
from console.settings import Settings

__all__ = [
    "AccountReadingState",
    "ReadingForm",
    "StoredReading",
    "SubmitResult",
    "SupervisorApproval",
    "ZoneEntry",
    "cancel_reading",
    "reading_state",
    "submit_readings",
]

_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,40}$")


@dataclass(frozen=True)
class ZoneEntry:
    """The value typed for one register; ``based_on_reading_id`` is the previous one shown."""

    meter_id: int
    zone: int
    value: str
    rollover: bool = False
    based_on_reading_id: int | None = None


@dataclass(frozen=True)
class ReadingForm:
    """Everything the entry dialog submits for one account."""

    account_id: int
    entries: tuple[ZoneEntry, ...]
    taken_on: dt.date
    source: ReadingSource = ReadingSource.OFFICE
    confirmed: bool = False  # the clerk confirmed the warnings (high/low, rollover)
    approval: SupervisorApproval | None = None  # for a very-high consumption
    check_based_on: bool = True  # False for imports: nobody saw a previous value


@dataclass(frozen=True)
class StoredReading:
    reading_id: int
    meter_id: int
    serial: str
    zone: int
    zone_label: str
    value: Decimal
    consumption: Decimal | None
    amount: Decimal | None
    status: ReadingStatus
    reason: str | None


@dataclass(frozen=True)
class SubmitResult:
    """«Показания приняты»: what was stored, when, and the period it counts in."""

    readings: tuple[StoredReading, ...]
    period: dt.date
    entered_at: dt.datetime
    period_note: str
    duplicate: bool  # True when a retried submission found the first one


def reading_state(
    db: Database, account_id: int, *, today: dt.date | None = None, settings: Settings | None = None
) -> AccountReadingState:
    """The account's meters with their previous readings, for the entry dialog."""
    with db.read() as session:
        return load_state(session, account_id, today or dt.date.today(), settings or Settings())


def valid_key(key: str) -> None:
    """The form's retry key: made once when the form opens, 8–40 safe characters."""
    if not _KEY.match(key or ""):
        raise ValidationError("Внутренняя ошибка формы: неверный ключ повтора.", "key")


def entry_keys(key: str, entries: tuple[ZoneEntry, ...]) -> list[str]:
    return [f"{key}:{e.meter_id}:{e.zone}" for e in entries]


def submit_readings(
    db: Database,
    actor: Actor,
    form: ReadingForm,
    idempotency_key: str,
    *,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> SubmitResult:
    """Check and store one reading per register, exactly once per ``idempotency_key``.

    Raises ValidationError (field = a ZoneField, "taken_on", "confirm" or "supervisor")
    and stores nothing when anything is wrong; ConflictError when another clerk stored a
    reading of the same register after this form was loaded.
    """
    valid_key(idempotency_key)
    if not form.entries:
        raise ValidationError("Введите хотя бы одно показание.", "value")
    pairs = [(e.meter_id, e.zone) for e in form.entries]
    if len(set(pairs)) != len(pairs):
        raise ValidationError("Одна и та же зона счётчика указана дважды.", "value")
    keys = entry_keys(idempotency_key, form.entries)
    try:
        with db.transaction() as session:
            return _submit(session, actor, form, keys, today or dt.date.today(), settings)
    except IntegrityError:
        # A twin submission committed between our check and our insert: return the first one.
        with db.read() as session:
            found = _existing(session, keys)
            if found is None:
                raise
            return found


def _submit(
    session: Session,
    actor: Actor,
    form: ReadingForm,
    keys: list[str],
    today: dt.date,
    settings: Settings | None,
) -> SubmitResult:
    rules = settings or Settings()
    meter_ids = sorted({e.meter_id for e in form.entries})
    # Row locks serialise two clerks entering the same meter (no-op on SQLite: one writer).
    locked = session.scalars(
        select(Meter).where(Meter.id.in_(meter_ids)).order_by(Meter.id).with_for_update()
    ).all()
    if len(locked) != len(meter_ids) or any(m.account_id != form.account_id for m in locked):
        raise NotFoundError("Счётчик не найден на этом лицевом счёте: обновите карточку.")
    existing = _existing(session, keys)
    if existing is not None:
        return existing
    state = load_state(session, form.account_id, today, rules)
    meters = {m.meter_id: m for m in state.meters}
    checks: list[tuple[ZoneEntry, MeterState, ReadingCheck]] = []
    for entry in form.entries:
        meter = meters.get(entry.meter_id)
        if meter is None:
            raise ValidationError("Счётчик снят: показания по нему не принимаются.", "value")
        if not 1 <= entry.zone <= meter.zones:
            raise ValidationError(f"У счётчика {meter.serial} нет зоны {entry.zone}.", "value")
        zone_state = meter.zone_state(entry.zone)
        if form.check_based_on and zone_state.previous_reading_id != entry.based_on_reading_id:
            raise ConflictError(_conflict_message(session, meter, entry.zone))
        check = check_reading(
            meter, entry.zone, entry.value, form.taken_on, today=today,
            period=state.period.period, limits=rules.reading_limits, rollover=entry.rollover,
        )  # fmt: skip
        if check.errors:
            issue = check.errors[0]
            raise ValidationError(
                issue.message, ZoneField(entry.zone, issue.field, meter_id=entry.meter_id)
            )
        checks.append((entry, meter, check))
    require_approvals(
        session, form.confirmed, form.approval, [c for _, _, c in checks], actor=actor
    )
    period = ensure_open_period(session, state.period.period)
    entered_at = dt.datetime.now(dt.UTC)
    stored = []
    for (entry, meter, check), key in zip(checks, keys, strict=True):
        assert check.value is not None
        supersede_same_period(session, actor, entry.meter_id, entry.zone, period, form.taken_on)
        reading = Reading(
            meter_id=entry.meter_id, zone=entry.zone, value=check.value, taken_on=form.taken_on,
            entered_at=entered_at, period=period, source=form.source, staff_id=actor.staff_id,
            status=ReadingStatus.ACCEPTED, is_rollover=check.is_rollover,
            approved_by_staff_id=form.approval.staff_id
            if form.approval and check.needs_supervisor else None,
            idempotency_key=key,
        )  # fmt: skip
        session.add(reading)
        session.flush()
        audit.record(
            session, actor, AuditAction.READING_ACCEPT, "reading", reading.id,
            account_id=form.account_id,
            after={"meter": meter.serial, "zone": entry.zone, "value": check.value,
                   "taken_on": form.taken_on, "period": period, "source": form.source,
                   "consumption": check.consumption, "rollover": check.is_rollover,
                   "warnings": [i.code for i in check.warnings]},
        )  # fmt: skip
        stored.append(_stored(reading, meter.serial, meter.zones, check.consumption, check.amount))
    note = state.period.note if period == state.period.period else _moved_note(period)
    return SubmitResult(tuple(stored), period, entered_at, note, duplicate=False)


def require_approvals(
    session: Session,
    confirmed: bool,
    approval: SupervisorApproval | None,
    checks: list[ReadingCheck],
    *,
    actor: Actor,
) -> None:
    """Warnings need the clerk's confirmation; a very-high consumption a supervisor's: the
    signed-in supervisor's own, or another supervisor's who confirmed with their password at
    this desk a moment ago (recorded by approvals.verify_supervisor), never a named stand-in."""
    if any(c.needs_confirmation for c in checks) and not confirmed:
        messages = " ".join(i.message for c in checks for i in c.warnings)
        raise ValidationError(f"Нужно подтверждение: {messages}", "confirm")
    if not any(c.needs_supervisor for c in checks):
        return
    if approval is None:
        raise ValidationError(
            "Расход намного больше обычного: показания принимаются только с подтверждением "
            "руководителя офиса.",
            "supervisor",
        )
    staff = session.get(Staff, approval.staff_id)
    if staff is None or not staff.is_active or staff.role.value not in ("supervisor", "admin"):
        raise ValidationError("Подтвердить может только руководитель офиса.", "supervisor")
    if approval.token and session.get_bind().dialect.name == "postgresql":
        # The database accepts the approver only with the token their own login was given.
        session.execute(
            text("SELECT set_config('console.approval', :token, true)"), {"token": approval.token}
        )
    if approval.staff_id != actor.staff_id and not _confirmed_lately(session, approval.staff_id):
        raise ValidationError(
            "Подтверждение руководителя не найдено или устарело: пусть руководитель подтвердит "
            "показания своим логином и паролем ещё раз.",
            "supervisor",
        )


def _confirmed_lately(session: Session, staff_id: int) -> bool:
    since = dt.datetime.now(dt.UTC) - APPROVAL_VALID_FOR
    found = session.scalar(
        select(AuditEvent.id)
        .where(
            AuditEvent.action == AuditAction.SUPERVISOR_APPROVAL.value,
            AuditEvent.staff_id == staff_id,
            AuditEvent.occurred_at >= since,
        )
        .limit(1)
    )
    return found is not None


def supersede_same_period(
    session: Session, actor: Actor, meter_id: int, zone: int, period: dt.date, taken_on: dt.date
) -> None:
    """A newer reading of the same period replaces the earlier one (the initial one stays)."""
    earlier = session.scalars(
        select(Reading).where(
            Reading.meter_id == meter_id, Reading.zone == zone, Reading.period == period,
            Reading.status == ReadingStatus.ACCEPTED,
            Reading.source != ReadingSource.REPLACEMENT,
        )
    ).all()  # fmt: skip
    for old in earlier:
        old.status = ReadingStatus.SUPERSEDED
        old.reason = f"Заменено показанием от {date(taken_on)}"
        audit.record(
            session, actor, AuditAction.READING_SUPERSEDE, "reading", old.id,
            before={"status": "accepted"}, after={"status": "superseded"},
        )  # fmt: skip


def _existing(session: Session, keys: list[str]) -> SubmitResult | None:
    rows = session.execute(
        select(Reading, Meter, Account.category, Premise.region_id)
        .join(Meter, Meter.id == Reading.meter_id)
        .join(Account, Account.id == Meter.account_id)
        .join(Premise, Premise.id == Account.premise_id)
        .where(Reading.idempotency_key.in_(keys))
        .order_by(Reading.id)
    ).all()
    if not rows:
        return None
    stored = []
    for reading, meter, category, region_id in rows:
        consumption, _rate, amount = price(session, reading, meter, category, region_id)
        stored.append(_stored(reading, meter.serial, meter.zones, consumption, amount))
    first = rows[0][0]
    return SubmitResult(
        tuple(stored), first.period, stored_utc(first.entered_at), _moved_note(first.period), True
    )


def _stored(
    reading: Reading,
    serial: str,
    zones: int,
    consumption: Decimal | None,
    amount: Decimal | None,
) -> StoredReading:
    return StoredReading(
        reading.id, reading.meter_id, serial, reading.zone, zone_label(zones, reading.zone),
        reading.value, consumption, amount, reading.status, reading.reason,
    )  # fmt: skip


def _moved_note(period: dt.date) -> str:
    return f"Показания будут учтены в периоде «{month_year(period)}»."


def _conflict_message(session: Session, meter: MeterState, zone: int) -> str:
    latest = session.execute(
        select(Reading.value, Reading.taken_on, Staff.full_name)
        .outerjoin(Staff, Staff.id == Reading.staff_id)
        .where(
            Reading.meter_id == meter.meter_id,
            Reading.zone == zone,
            Reading.status == ReadingStatus.ACCEPTED,
        )
        .order_by(Reading.taken_on.desc(), Reading.id.desc())
        .limit(1)
    ).first()
    who = f" ({latest.full_name})" if latest and latest.full_name else ""
    what = f": {plain(latest.value)} от {date(latest.taken_on)}{who}" if latest else ""
    return (
        f"Пока вы вводили, по счётчику № {meter.serial} ({zone_label(meter.zones, zone)}) "
        f"другой сотрудник уже принял показания{what}. Обновите данные и сверьте показания "
        "с клиентом."
    )


def cancel_reading(
    db: Database, actor: Actor, reading_id: int, reason: str, *, today: dt.date | None = None
) -> ReadingRow:
    """A supervisor rejects a mistaken accepted reading of an open period (with the reason)."""
    require_staff(actor, "отклонение принятого показания")
    require_supervisor(actor, "отклонение принятого показания")
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationError("Укажите причину отклонения (не короче 5 знаков).", "reason")
    with db.transaction() as session:
        reading = session.get(Reading, reading_id, with_for_update=True)
        if reading is None:
            raise NotFoundError("Показание не найдено.")
        if reading.status is not ReadingStatus.ACCEPTED:
            raise ConflictError("Это показание уже не действует: отклонять нечего.")
        first_open = first_open_period(session)
        if first_open is not None and reading.period < first_open:
            raise ConflictError(
                "Период этого показания закрыт: исправление — только перерасчётом в открытом "
                "периоде."
            )
        meter = session.get(Meter, reading.meter_id)
        assert meter is not None
        reading.status = ReadingStatus.REJECTED
        reading.reason = reason[:300]
        restored = session.scalars(
            select(Reading)
            .where(
                Reading.meter_id == reading.meter_id, Reading.zone == reading.zone,
                Reading.period == reading.period, Reading.status == ReadingStatus.SUPERSEDED,
            )
            .order_by(Reading.taken_on.desc(), Reading.id.desc())
            .limit(1)
        ).first()  # fmt: skip
        if restored is not None:
            restored.status = ReadingStatus.ACCEPTED
            restored.reason = None
        audit.record(
            session, actor, AuditAction.READING_REJECT, "reading", reading.id,
            account_id=meter.account_id,
            before={"status": "accepted"}, after={"status": "rejected", "reason": reason,
                                                  "restored": restored.id if restored else None},
        )  # fmt: skip
        account_id, meter_id = meter.account_id, meter.id
    rows = reading_history(db, account_id, meter_id)
    return next(r for r in rows if r.reading_id == reading_id)


def accepted_count(db: Database, meter_id: int) -> int:
    """How many accepted readings a meter has (used by tests and the history tab's title)."""
    with db.read() as session:
        return int(
            session.scalar(
                select(func.count()).where(
                    Reading.meter_id == meter_id, Reading.status == ReadingStatus.ACCEPTED
                )
            )
            or 0
        )


def describe(result: SubmitResult) -> str:
    """One line for the status bar: «Показания приняты …»."""
    return f"Показания приняты {date_time(result.entered_at)}. {result.period_note}"

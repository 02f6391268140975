"""Замена счётчика in one step: the old meter's final reading, the new meter and its initial one."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.models import Meter, Reading
from console.models.enums import AuditAction, MeterKind, MeterStatus, ReadingSource, ReadingStatus
from console.services.billing.periods import ensure_open_period
from console.services.core.database import Database
from console.services.core.errors import ConflictError, NotFoundError, ValidationError, ZoneField
from console.services.core.formatting import date
from console.services.readings.checks import (
    BadValue,
    ReadingCheck,
    check_reading,
    integer_digits,
    parse_value,
    zone_label,
)
from console.services.readings.entry import (
    StoredReading,
    ZoneEntry,
    entry_keys,
    require_approvals,
    supersede_same_period,
    valid_key,
)
from console.services.readings.state import load_state
from console.services.staff import audit
from console.services.staff.actor import Actor
from console.services.staff.approvals import SupervisorApproval
from console.settings import Settings

_SERIAL = re.compile(r"^[0-9A-Za-zА-Яа-яЁё./\- ]{3,32}$")


@dataclass(frozen=True)
class NewMeter:
    """Data of the meter being installed, as typed (values are text, like every form)."""

    serial: str
    model: str
    zones: int
    digits: int
    installed_on: dt.date
    initial_values: tuple[str, ...]  # one per zone
    ratio: str = "1"
    last_verified_on: dt.date | None = None
    next_verification_on: dt.date | None = None
    place: str | None = None


@dataclass(frozen=True)
class ReplacementForm:
    account_id: int
    old_meter_id: int
    removed_on: dt.date
    final_values: tuple[ZoneEntry, ...]  # one per zone of the old meter
    new_meter: NewMeter
    confirmed: bool = False
    approval: SupervisorApproval | None = None


@dataclass(frozen=True)
class ReplacementResult:
    old_meter_id: int
    old_serial: str
    new_meter_id: int
    new_serial: str
    final: tuple[StoredReading, ...]
    initial: tuple[StoredReading, ...]
    period: dt.date
    duplicate: bool


def replace_meter(
    db: Database,
    actor: Actor,
    form: ReplacementForm,
    idempotency_key: str,
    *,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> ReplacementResult:
    """Remove the old meter with its final reading and install the new one, all or nothing."""
    valid_key(idempotency_key)
    today = today or dt.date.today()
    rules = settings or Settings()
    keys = entry_keys(idempotency_key, form.final_values)
    with db.transaction() as session:
        old = session.scalar(select(Meter).where(Meter.id == form.old_meter_id).with_for_update())
        if old is None or old.account_id != form.account_id:
            raise NotFoundError("Счётчик не найден на этом лицевом счёте: обновите карточку.")
        done = _existing(session, old, keys)
        if done is not None:
            return done
        if old.status is not MeterStatus.ACTIVE:
            raise ConflictError(f"Счётчик № {old.serial} уже снят {date(old.removed_on)}.")
        new_data = _validate_new(session, form, today)
        initial = _initial_values(form.new_meter)
        state = load_state(session, form.account_id, today, rules)
        meter_state = state.meter(old.id)
        given = {e.zone: e for e in form.final_values}
        if set(given) != set(range(1, old.zones + 1)) or any(
            e.meter_id != old.id for e in form.final_values
        ):
            raise ValidationError("Введите конечные показания по каждой зоне счётчика.", "final")
        checks: list[ReadingCheck] = []
        for zone in range(1, old.zones + 1):
            entry = given[zone]
            if meter_state.zone_state(zone).previous_reading_id != entry.based_on_reading_id:
                raise ConflictError(
                    f"Пока вы вводили, по счётчику № {old.serial} приняли новые показания. "
                    "Обновите данные и сверьте конечные показания с клиентом."
                )
            check = check_reading(
                meter_state, zone, entry.value, form.removed_on, today=today,
                period=state.period.period, limits=rules.reading_limits, rollover=entry.rollover,
            )  # fmt: skip
            if check.errors:
                issue = check.errors[0]
                field = "removed_on" if issue.field == "taken_on" else ZoneField(zone, meter="old")
                raise ValidationError(issue.message, field)
            checks.append(check)
        require_approvals(session, form.confirmed, form.approval, checks, actor=actor)
        period = ensure_open_period(session, state.period.period)
        entered_at = dt.datetime.now(dt.UTC)
        final = []
        for check, key in zip(checks, keys, strict=True):
            assert check.value is not None
            supersede_same_period(session, actor, old.id, check.zone, period, form.removed_on)
            reading = _reading(old.id, check.zone, check.value, form.removed_on, entered_at,
                               period, actor, key, check.is_rollover)  # fmt: skip
            if check.needs_supervisor and form.approval is not None:
                reading.approved_by_staff_id = form.approval.staff_id
            session.add(reading)
            session.flush()
            final.append(_stored(reading, old, check.consumption, check.amount))
        new = Meter(account_id=form.account_id, kind=MeterKind.INDIVIDUAL,
                    status=MeterStatus.ACTIVE, **new_data)  # fmt: skip
        session.add(new)
        session.flush()
        old.status = MeterStatus.REMOVED
        old.removed_on = form.removed_on
        old.replaced_by_id = new.id
        first = []
        for zone, value in enumerate(initial, start=1):
            reading = _reading(new.id, zone, value, new.installed_on, entered_at, period, actor,
                               f"{idempotency_key}:{new.id}:{zone}", False)  # fmt: skip
            session.add(reading)
            session.flush()
            first.append(_stored(reading, new, None, None))
        audit.record(
            session, actor, AuditAction.METER_REPLACE, "meter", old.id, account_id=form.account_id,
            before={"serial": old.serial, "status": "active"},
            after={"removed_on": form.removed_on, "final": [c.value for c in checks],
                   "new_meter_id": new.id, "new_serial": new.serial, "new_model": new.model,
                   "initial": list(initial), "period": period},
        )  # fmt: skip
        return ReplacementResult(
            old.id, old.serial, new.id, new.serial, tuple(final), tuple(first), period, False
        )


def _reading(
    meter_id: int,
    zone: int,
    value: Decimal,
    taken_on: dt.date,
    entered_at: dt.datetime,
    period: dt.date,
    actor: Actor,
    key: str,
    rollover: bool,
) -> Reading:
    return Reading(
        meter_id=meter_id, zone=zone, value=value, taken_on=taken_on, entered_at=entered_at,
        period=period, source=ReadingSource.REPLACEMENT, staff_id=actor.staff_id,
        status=ReadingStatus.ACCEPTED, is_rollover=rollover, idempotency_key=key,
    )  # fmt: skip


def _stored(
    reading: Reading, meter: Meter, consumption: Decimal | None, amount: Decimal | None
) -> StoredReading:
    return StoredReading(
        reading.id, meter.id, meter.serial, reading.zone, zone_label(meter.zones, reading.zone),
        reading.value, consumption, amount, reading.status, reading.reason,
    )  # fmt: skip


def _existing(session: Session, old: Meter, keys: list[str]) -> ReplacementResult | None:
    finals = session.scalars(
        select(Reading).where(Reading.idempotency_key.in_(keys)).order_by(Reading.zone)
    ).all()
    if not finals or old.replaced_by_id is None:
        return None
    new = session.get(Meter, old.replaced_by_id)
    assert new is not None
    initial = session.scalars(
        select(Reading)
        .where(Reading.meter_id == new.id, Reading.source == ReadingSource.REPLACEMENT)
        .order_by(Reading.zone)
    ).all()
    return ReplacementResult(
        old.id, old.serial, new.id, new.serial,
        tuple(_stored(r, old, None, None) for r in finals),
        tuple(_stored(r, new, None, None) for r in initial), finals[0].period, True,
    )  # fmt: skip


def _validate_new(session: Session, form: ReplacementForm, today: dt.date) -> dict[str, object]:
    data = form.new_meter
    serial = " ".join((data.serial or "").split())
    if not _SERIAL.match(serial):
        raise ValidationError(
            "Заводской номер: от 3 до 32 знаков — цифры, буквы, точка, дефис.", "new.serial"
        )
    taken = session.scalar(
        select(func.count()).where(
            func.upper(Meter.serial) == serial.upper(), Meter.status == MeterStatus.ACTIVE
        )
    )
    if taken:
        raise ValidationError(f"Счётчик № {serial} уже установлен на другом счёте.", "new.serial")
    model = " ".join((data.model or "").split())
    if not 2 <= len(model) <= 80:
        raise ValidationError("Укажите модель счётчика (например, «СОЭБ 2 ПДР»).", "new.model")
    if data.zones not in (1, 2, 3):
        raise ValidationError("Число тарифных зон: 1, 2 или 3.", "new.zones")
    if not 3 <= data.digits <= 9:
        raise ValidationError("Значность счётчика — от 3 до 9 знаков.", "new.digits")
    try:
        ratio = Decimal((data.ratio or "1").replace(",", ".").strip())
    except InvalidOperation:
        raise ValidationError("Коэффициент трансформации — число, обычно 1.", "new.ratio") from None
    if not ratio.is_finite() or ratio <= 0 or ratio >= 1_000_000 or ratio != round(ratio, 2):
        raise ValidationError(
            "Коэффициент трансформации — положительное число, не более 2 знаков после запятой.",
            "new.ratio",
        )
    if data.installed_on > today:
        raise ValidationError("Дата установки ещё не наступила.", "new.installed_on")
    if data.installed_on < form.removed_on:
        raise ValidationError(
            "Новый счётчик не может быть установлен раньше снятия старого.", "new.installed_on"
        )
    if form.removed_on > today:
        raise ValidationError("Дата снятия ещё не наступила.", "removed_on")
    if data.last_verified_on is not None and data.last_verified_on > data.installed_on:
        raise ValidationError("Дата поверки позже даты установки.", "new.last_verified_on")
    if data.next_verification_on is not None and data.next_verification_on <= data.installed_on:
        raise ValidationError(
            "Дата следующей поверки должна быть позже установки.", "new.next_verification_on"
        )
    return {
        "serial": serial, "model": model, "zones": data.zones, "digits": data.digits,
        "transformation_ratio": ratio, "installed_on": data.installed_on,
        "last_verified_on": data.last_verified_on,
        "next_verification_on": data.next_verification_on,
        "place": " ".join((data.place or "").split())[:120] or None,
    }  # fmt: skip


def _initial_values(data: NewMeter) -> tuple[Decimal, ...]:
    if len(data.initial_values) != data.zones:
        raise ValidationError(
            "Введите начальные показания по каждой зоне.", ZoneField(1, meter="new")
        )
    values = []
    for zone, text in enumerate(data.initial_values, start=1):
        try:
            value = parse_value(text)
        except BadValue as err:
            raise ValidationError(str(err), ZoneField(zone, meter="new")) from None
        if integer_digits(value) > data.digits:
            raise ValidationError(
                f"У нового счётчика {data.digits} знаков до запятой.", ZoneField(zone, meter="new")
            )
        values.append(value)
    return tuple(values)

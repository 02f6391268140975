"""Loading readings gathered by inspectors from a CSV file, with the same checks per row.

Columns: account;meter;zone;value;taken_on (``;`` or ``,``; UTF-8 or windows-1251; dates
dd.mm.yyyy or ISO). A bad row never stops the others. Each row's retry key is derived from its
content, so importing the same file again adds nothing. A row that fails the checks but names a
real meter is kept as a rejected reading with the reason, so the meter's history shows it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from console.models import Account, Meter, Reading
from console.models.enums import AuditAction, MeterStatus, ReadingSource, ReadingStatus
from console.services.billing.periods import first_open_period
from console.services.core.database import Database
from console.services.core.errors import (
    ConsoleError,
    DatabaseUnavailableError,
    DatabaseWriteError,
    ValidationError,
)
from console.services.files import text as textfile
from console.services.readings.checks import BadValue, choose_period, integer_digits, parse_value
from console.services.readings.entry import ReadingForm, ZoneEntry, entry_keys, submit_readings
from console.services.staff import audit
from console.services.staff.actor import Actor
from console.settings import Settings

log = logging.getLogger(__name__)

HEADER_WORDS = {"account", "лс", "лицевой счёт", "лицевой счет", "счёт", "счет"}
#: The oldest reading date a file may carry.
EARLIEST = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class ImportRow:
    line: int
    status: str  # "accepted", "rejected", "duplicate"
    reason: str


@dataclass(frozen=True)
class ImportResult:
    accepted: int
    rejected: int
    duplicates: int
    rows: tuple[ImportRow, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "rows": [{"line": r.line, "status": r.status, "reason": r.reason} for r in self.rows],
        }


class RowError(Exception):
    """A row that cannot be read; the message is the Russian reason."""


def decode(raw: bytes) -> str:
    """Each line UTF-8 (the file may start with a BOM), else windows-1251 (what Excel saves on
    Russian Windows): a mixed file keeps both kinds of lines readable."""
    return "\n".join(textfile.decode_lines(raw, "показаний").lines)


def _delimiter(lines: list[str]) -> str:
    first = next((line for line in lines if line.strip()), "")
    return ";" if first.count(";") >= first.count(",") and ";" in first else ","


def parse_date(text: str, today: dt.date | None = None) -> dt.date:
    text = text.strip()
    today = today or dt.date.today()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if day < EARLIEST or day > today:
            raise RowError(
                f"дата {day.day:02d}.{day.month:02d}.{day.year:04d} вне допустимого диапазона: "
                f"с {EARLIEST:%d.%m.%Y} по сегодняшний день"
            )
        return day
    raise RowError(
        f"дата «{textfile.shown(text)}» не распознана: нужен формат ДД.ММ.ГГГГ или ГГГГ-ММ-ДД"
    )


def _cells(line: str, delimiter: str) -> list[str]:
    if textfile.has_control(line):
        raise RowError("в строке управляющие символы или нечитаемые байты (не текст)")
    try:
        return [c.strip() for c in next(csv.reader([line], delimiter=delimiter), [])]
    except csv.Error as err:
        raise RowError("строку не удалось разобрать как CSV") from err


def row_key(cells: list[str]) -> str:
    """The retry key of a row: the same reading in any file is imported once."""
    normal = "|".join(" ".join(c.split()).casefold() for c in cells)
    return "imp-" + hashlib.sha256(normal.encode()).hexdigest()[:32]


def import_readings(
    db: Database,
    actor: Actor,
    source: Path | bytes,
    *,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> ImportResult:
    """Import every row of the file; return what happened to each."""
    raw = source if isinstance(source, bytes) else _read(source)
    label = source.name if isinstance(source, Path) else f"{len(raw)} bytes"
    log.info("readings import of %s started by %s", label, actor.login)
    lines = list(textfile.decode_lines(raw, label).lines)
    delimiter = _delimiter(lines)
    today = today or dt.date.today()
    rows: list[ImportRow] = []
    for line, text in enumerate(lines, start=1):
        try:
            cells = _cells(text, delimiter)
        except RowError as err:
            rows.append(ImportRow(line, "rejected", str(err)))
            continue
        if not any(cells):
            continue
        if line == 1 and cells[0].casefold() in HEADER_WORDS:
            continue
        try:
            rows.append(_import_row(db, actor, line, cells, today, settings))
        except (DatabaseWriteError, DatabaseUnavailableError) as err:
            raise ImportInterrupted(_interrupted(rows, line, err)) from err
    result = ImportResult(
        sum(r.status == "accepted" for r in rows),
        sum(r.status == "rejected" for r in rows),
        sum(r.status == "duplicate" for r in rows),
        tuple(rows),
    )
    log.info(
        "readings import of %s: %d accepted, %d rejected, %d duplicates",
        label, result.accepted, result.rejected, result.duplicates,
    )  # fmt: skip
    return result


class ImportInterrupted(ConsoleError):
    """The database stopped storing mid-file; the message says which lines were applied."""


def _interrupted(rows: list[ImportRow], line: int, err: ConsoleError) -> str:
    accepted = [r.line for r in rows if r.status == "accepted"]
    done = (
        f"до сбоя принято {len(accepted)} (строки {', '.join(map(str, accepted[:20]))}"
        f"{' …' if len(accepted) > 20 else ''})"
        if accepted
        else "до сбоя ничего не принято"
    )
    return (
        f"Загрузка остановлена на строке {line}: {err} Из файла {done}; строки с {line} "
        "не загружены — загрузите файл ещё раз, принятое не повторится."
    )


def _read(path: Path) -> bytes:
    try:
        if path.is_dir():
            raise ConsoleError(f"{path.name} — папка, а не файл показаний.")
        textfile.check_size(path.stat().st_size, path.name)
        return path.read_bytes()
    except OSError as err:
        raise ConsoleError(f"Не удалось прочитать файл {path.name}: {err.strerror}.") from err


def _import_row(
    db: Database,
    actor: Actor,
    line: int,
    cells: list[str],
    today: dt.date,
    settings: Settings | None,
) -> ImportRow:
    if len(cells) != 5:
        return ImportRow(line, "rejected", f"ожидается 5 столбцов, а в строке {len(cells)}")
    key = row_key(cells)
    number, serial, zone_text, value_text, date_text = cells
    if len(value_text) > 20:
        return ImportRow(line, "rejected", "показание длиннее 20 знаков")
    try:
        meter_id, zone = _find_meter(db, number, serial, zone_text)
        taken_on = parse_date(date_text, today)
    except RowError as err:
        return ImportRow(line, "rejected", str(err))
    stored = _stored_rejection(db, key, meter_id, zone)
    if stored is not None:
        return ImportRow(line, "duplicate", f"строка уже загружена ранее (отклонено: {stored})")
    with db.read() as session:
        account_id = session.scalar(select(Meter.account_id).where(Meter.id == meter_id))
    assert account_id is not None
    form = ReadingForm(
        account_id, (ZoneEntry(meter_id, zone, value_text),), taken_on,
        source=ReadingSource.IMPORT, check_based_on=False,
    )  # fmt: skip
    try:
        result = submit_readings(db, actor, form, key, today=today, settings=settings)
    except ValidationError as err:
        reason = str(err)
        if err.field == "confirm":
            reason = "нужна проверка оператором: " + reason.removeprefix("Нужно подтверждение: ")
        _store_rejection(
            db, actor, (key, meter_id, zone), value_text, taken_on, reason, today, settings
        )
        return ImportRow(line, "rejected", reason)
    except ConsoleError as err:
        return ImportRow(line, "rejected", str(err))
    if result.duplicate:
        return ImportRow(line, "duplicate", "строка уже загружена ранее")
    return ImportRow(line, "accepted", "")


def _find_meter(db: Database, number: str, serial: str, zone_text: str) -> tuple[int, int]:
    if not (number.isascii() and number.isdigit()) or len(number) > 13:
        raise RowError(
            f"номер лицевого счёта «{textfile.shown(number)}» должен состоять из цифр (до 13)"
        )
    if len(serial) > 32 or len(zone_text) > 2:
        raise RowError("номер счётчика длиннее 32 знаков или зона длиннее 2 знаков")
    with db.read() as session:
        found = session.execute(
            select(Meter.id, Meter.zones, Meter.status)
            .join(Account, Account.id == Meter.account_id)
            .where(Account.number == number, func.upper(Meter.serial) == serial.upper())
            .order_by(Meter.status, Meter.id.desc())
        ).all()
        if not found:
            exists = session.scalar(select(func.count()).where(Account.number == number))
            raise RowError(
                f"счётчик № {textfile.shown(serial)} не найден на лицевом счёте {number}"
                if exists
                else f"лицевой счёт {number} не найден"
            )
    meter_id, zones, status = found[0]
    if status is not MeterStatus.ACTIVE:
        raise RowError(f"счётчик № {serial} снят: показания по нему не принимаются")
    if not (zone_text.isascii() and zone_text.isdigit()) or not 1 <= int(zone_text) <= zones:
        raise RowError(f"зона «{zone_text}»: у счётчика № {serial} зоны с 1 по {zones}")
    return int(meter_id), int(zone_text)


def _stored_rejection(db: Database, key: str, meter_id: int, zone: int) -> str | None:
    with db.read() as session:
        row = session.execute(
            select(Reading.status, Reading.reason).where(
                Reading.idempotency_key == entry_keys(key, (ZoneEntry(meter_id, zone, ""),))[0]
            )
        ).first()
    if row is None or row.status is not ReadingStatus.REJECTED:
        return None
    return row.reason or ""


def _store_rejection(
    db: Database,
    actor: Actor,
    slot: tuple[str, int, int],
    value_text: str,
    taken_on: dt.date,
    reason: str,
    today: dt.date,
    settings: Settings | None,
) -> None:
    """Keep a rejected row in the meter's history when its value is a storable number."""
    try:
        value = parse_value(value_text)
    except BadValue:
        return
    if integer_digits(value) > 11:
        return
    key, meter_id, zone = slot
    window = (settings or Settings()).reading_window_last_day
    with db.transaction() as session:
        period = choose_period(today, window, first_open_period(session))
        reading = Reading(
            meter_id=meter_id, zone=zone, value=value, taken_on=taken_on,
            entered_at=dt.datetime.now(dt.UTC), period=period.period,
            source=ReadingSource.IMPORT, staff_id=actor.staff_id,
            status=ReadingStatus.REJECTED, reason=reason[:300],
            idempotency_key=entry_keys(key, (ZoneEntry(meter_id, zone, ""),))[0],
        )  # fmt: skip
        session.add(reading)
        session.flush()
        audit.record(
            session, actor, AuditAction.READING_REJECT, "reading", reading.id,
            after={"meter_id": meter_id, "zone": zone, "value": value, "reason": reason},
        )  # fmt: skip


__all__ = ["ImportResult", "ImportRow", "import_readings"]

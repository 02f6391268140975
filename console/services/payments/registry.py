"""Загрузка реестра платежей банка: каждая операция зачисляется ровно один раз.

Формат реестра — текстовый файл, одна операция в строке, поля разделены «;»::

    номер операции;дата;лицевой счёт;сумма;плательщик
    90017731;03.11.2026;7200000001;1 234,56;Иванов Пётр Сергеевич

- номер операции — номер операции в банке (1–64 знака, без «;»), уникален в пределах
  источника (--source, по умолчанию «registry»); строка с уже загруженным номером
  пропускается, поэтому повторная загрузка того же реестра ничего не добавляет;
- дата — день оплаты, ДД.ММ.ГГГГ (допускается и ГГГГ-ММ-ДД);
- лицевой счёт — номер лицевого счёта, только цифры;
- сумма — рубли и копейки через запятую или точку, пробелы допускаются
  («1 234,56», «1234.56»), больше нуля;
- плательщик — ФИО плательщика, может быть пустым.

Пустые строки и строки, начинающиеся с «#», пропускаются; первая строка может быть
заголовком (в её первом поле нет цифр). Кодировка — UTF-8 (с BOM или без) или
windows-1251, определяется автоматически. Строки с неизвестным лицевым счётом или в неверном
формате перечисляются в отчёте и не зачисляются. Платёж распределяется по услугам счёта так
же, как оплата в кассе (пропорционально задолженности, излишек — аванс по основной услуге),
со способом «через банк» и без номера квитанции (квитанцию выдал банк).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.models import Account, Payment
from console.models.enums import AuditAction, PaymentMethod
from console.services.core.database import Database
from console.services.core.errors import ConsoleError, DatabaseUnavailableError, DatabaseWriteError
from console.services.files import text as textfile
from console.services.payments.counter import (
    lock_account,
    main_service_id,
    record_payment,
    service_balances,
)
from console.services.payments.split import split
from console.services.staff import audit
from console.services.staff.actor import Actor

log = logging.getLogger(__name__)

CHUNK = 200
#: The columns' widths (payments.payer, accounts.number) and the oldest payment date accepted.
PAYER_LENGTH = 200
ACCOUNT_DIGITS = 13
EARLIEST = dt.date(2000, 1, 1)
_AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,2})?$")


@dataclass(frozen=True)
class RegistryLine:
    """A well-formed line of the registry."""

    line_no: int
    operation_id: str
    paid_on: dt.date
    account_number: str
    amount: Decimal
    payer: str
    raw: str


@dataclass(frozen=True)
class LineProblem:
    """A line that was not applied, and why (in Russian)."""

    line_no: int
    text: str
    message: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did: applied lines, lines already loaded before, problems."""

    source: str
    encoding: str
    lines: int
    applied: int
    duplicates: int
    amount: Decimal
    problems: tuple[LineProblem, ...]


def decode(content: bytes) -> tuple[str, str]:
    """The text and the encoding name; each line UTF-8 if it is valid UTF-8, else windows-1251."""
    decoded = textfile.decode_lines(content, "реестра")
    return "\n".join(decoded.lines), decoded.encoding


def _date(text: str, today: dt.date) -> dt.date:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            day = dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if day < EARLIEST or day > today + dt.timedelta(days=1):
            raise ValueError(
                f"дата {day.day:02d}.{day.month:02d}.{day.year:04d} вне допустимого диапазона: "
                f"с {EARLIEST:%d.%m.%Y} по сегодняшний день"
            )
        return day
    raise ValueError(f"дата «{textfile.shown(text)}» не распознана: нужен формат ДД.ММ.ГГГГ")


def _amount(text: str) -> Decimal:
    cleaned = re.sub(r"[\s\u00a0]", "", text).replace(",", ".")
    if not _AMOUNT.match(cleaned):
        raise ValueError(
            f"сумма «{textfile.shown(text)}» не распознана: нужны рубли и копейки, например 1234,56"
        )
    value = Decimal(cleaned)
    if value <= 0:
        raise ValueError("сумма должна быть больше нуля")
    return value.quantize(Decimal("0.01"))


def _brief(fields: list[str]) -> str:
    """What a problem shows of its line: the operation, date, account and amount — never the
    payer's name."""
    return textfile.shown(";".join(fields[:4]), 120)


def parse(
    text: str, today: dt.date | None = None
) -> tuple[list[RegistryLine], list[LineProblem], int]:
    """Split the registry into good lines and problems; also the number of data lines."""
    today = today or dt.date.today()
    good: list[RegistryLine] = []
    problems: list[LineProblem] = []
    seen: set[str] = set()
    count = 0
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split(";")]
        if count == 0 and not good and not problems and not re.search(r"\d", fields[0]):
            continue  # a header line
        count += 1
        try:
            if textfile.has_control(line):
                raise ValueError("в строке управляющие символы или нечитаемые байты (не текст)")
            if len(fields) != 5:
                raise ValueError(f"ожидается 5 полей через «;», а их {len(fields)}")
            op_id, day, number, amount, payer = fields
            if not op_id or len(op_id) > 64:
                raise ValueError("номер операции пуст или длиннее 64 знаков")
            if not (number.isascii() and number.isdigit()) or len(number) > ACCOUNT_DIGITS:
                raise ValueError(
                    f"лицевой счёт «{textfile.shown(number)}»: допустимы только цифры, "
                    f"не больше {ACCOUNT_DIGITS}"
                )
            if len(payer) > PAYER_LENGTH:
                raise ValueError(f"плательщик длиннее {PAYER_LENGTH} знаков")
            if op_id in seen:
                raise ValueError(f"номер операции {textfile.shown(op_id)} повторяется в файле")
            parsed = RegistryLine(
                line_no, op_id, _date(day, today), number, _amount(amount), payer, _brief(fields)
            )
        except (ValueError, InvalidOperation) as err:
            problems.append(LineProblem(line_no, _brief(fields), f"Строка {line_no}: {err}."))
            continue
        seen.add(op_id)
        good.append(parsed)
    return good, problems, count


def _apply(
    session: Session, actor: Actor, line: RegistryLine, source: str, main_id: int
) -> str | None:
    """Record one line; returns a problem message instead when the account is unknown."""
    ids = session.scalars(select(Account.id).where(Account.number == line.account_number)).all()
    if not ids:
        return f"Строка {line.line_no}: лицевой счёт {line.account_number} не найден."
    if len(ids) > 1:
        return (
            f"Строка {line.line_no}: номер {line.account_number} есть у нескольких поставщиков — "
            "платёж не зачислен, разнесите его вручную."
        )
    account = lock_account(session, ids[0])
    balances = service_balances(session, account.id, main_id)
    dues = {sid: max(b, Decimal("0.00")) for sid, b in sorted(balances.items())}
    parts = split(line.amount, dues, main=main_id)
    paid_at = dt.datetime.combine(line.paid_on, dt.time(12)).astimezone().astimezone(dt.UTC)
    record_payment(
        session, actor, account, {k: v for k, v in parts.items() if v}, method=PaymentMethod.BANK,
        paid_at=paid_at, payer=line.payer, source=source, external_id=line.operation_id,
        numbered=False,
    )  # fmt: skip
    return None


def _loaded(db: Database, source: str, ids: list[str]) -> set[str]:
    with db.read() as session:
        return set(
            session.scalars(
                select(Payment.external_id).where(
                    Payment.source == source, Payment.external_id.in_(ids)
                )
            )
        )


class ImportInterrupted(ConsoleError):
    """The database stopped storing mid-file; the message says what was applied."""


def _interrupted(
    applied: int, amount: Decimal, batch: list[RegistryLine], err: ConsoleError
) -> str:
    first = batch[0].line_no if batch else 0
    return (
        f"Загрузка реестра остановлена на строке {first}: {err} До сбоя зачислено {applied} "
        f"строк на {amount:.2f} руб. (строки до {first}); строки с {first} не зачислены — "
        "загрузите реестр ещё раз, зачисленное не повторится."
    )


def import_registry(
    db: Database, actor: Actor, content: bytes, *, source: str = "registry", filename: str = ""
) -> ImportReport:
    """Apply every new line of a registry file; report unknown accounts and malformed lines."""
    log.info(
        "payment registry import (%s, %s, %d bytes) started by %s",
        source, filename or "-", len(content), actor.login,
    )  # fmt: skip
    text, encoding = decode(content)
    good, problems, count = parse(text)
    applied = duplicates = 0
    amount = Decimal("0.00")
    for start in range(0, len(good), CHUNK):
        chunk = good[start : start + CHUNK]
        done = _loaded(db, source, [line.operation_id for line in chunk])
        fresh = [line for line in chunk if line.operation_id not in done]
        duplicates += len(chunk) - len(fresh)
        # One transaction per chunk; if another import raced us, redo the chunk line by line.
        batches = [fresh]
        for attempt, batch in enumerate(batches):
            try:
                with db.transaction() as session:
                    main_id = main_service_id(session)
                    notes = [
                        (line, _apply(session, actor, line, source, main_id)) for line in batch
                    ]
            except (DatabaseWriteError, DatabaseUnavailableError) as err:
                raise ImportInterrupted(_interrupted(applied, amount, batch, err)) from err
            except IntegrityError:
                if attempt == 0 and len(batch) > 1:
                    batches.extend([line] for line in batch)
                else:
                    duplicates += len(batch)
                continue
            for line, note in notes:
                if note is None:
                    applied += 1
                    amount += line.amount
                else:
                    problems.append(LineProblem(line.line_no, line.raw, note))
    problems.sort(key=lambda p: p.line_no)
    report = ImportReport(source, encoding, count, applied, duplicates, amount, tuple(problems))
    try:
        _record_import(db, actor, report, filename)
    except (DatabaseWriteError, DatabaseUnavailableError) as err:
        raise ImportInterrupted(
            f"Реестр обработан (зачислено {applied} строк на {amount:.2f} руб.), но запись "
            f"о загрузке в журнал не сохранена: {err}"
        ) from err
    log.info(
        "payment registry import (%s): %d lines, %d applied for %s, %d duplicates, %d problems",
        source, count, applied, amount, duplicates, len(problems),
    )  # fmt: skip
    return report


def _record_import(db: Database, actor: Actor, report: ImportReport, filename: str) -> None:
    source, count, applied = report.source, report.lines, report.applied
    duplicates, amount, problems = report.duplicates, report.amount, report.problems
    with db.transaction() as session:
        audit.record(
            session, actor, AuditAction.PAYMENTS_IMPORT, "payment_registry", filename or source,
            after={"source": source, "lines": count, "applied": applied,
                   "duplicates": duplicates, "amount": amount, "problems": len(problems)},
        )  # fmt: skip

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
    """The text and the encoding name: UTF-8 if the bytes are valid UTF-8, else windows-1251."""
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return content.decode("cp1251", errors="replace"), "windows-1251"


def _date(text: str) -> dt.date:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"дата «{text}» не распознана: нужен формат ДД.ММ.ГГГГ")


def _amount(text: str) -> Decimal:
    cleaned = re.sub(r"[\s\u00a0]", "", text).replace(",", ".")
    if not _AMOUNT.match(cleaned):
        raise ValueError(f"сумма «{text}» не распознана: нужны рубли и копейки, например 1234,56")
    value = Decimal(cleaned)
    if value <= 0:
        raise ValueError("сумма должна быть больше нуля")
    return value.quantize(Decimal("0.01"))


def parse(text: str) -> tuple[list[RegistryLine], list[LineProblem], int]:
    """Split the registry into good lines and problems; also the number of data lines."""
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
            if len(fields) != 5:
                raise ValueError(f"ожидается 5 полей через «;», а их {len(fields)}")
            op_id, day, number, amount, payer = fields
            if not op_id or len(op_id) > 64:
                raise ValueError("номер операции пуст или длиннее 64 знаков")
            if not number.isdigit():
                raise ValueError(f"лицевой счёт «{number}»: допустимы только цифры")
            if op_id in seen:
                raise ValueError(f"номер операции {op_id} повторяется в файле")
            parsed = RegistryLine(line_no, op_id, _date(day), number, _amount(amount), payer, line)
        except (ValueError, InvalidOperation) as err:
            problems.append(LineProblem(line_no, line, f"Строка {line_no}: {err}."))
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
    with db.transaction() as session:
        audit.record(
            session, actor, AuditAction.PAYMENTS_IMPORT, "payment_registry", filename or source,
            after={"source": source, "lines": count, "applied": applied,
                   "duplicates": duplicates, "amount": amount, "problems": len(problems)},
        )  # fmt: skip
    log.info(
        "payment registry import (%s): %d lines, %d applied for %s, %d duplicates, %d problems",
        source, count, applied, amount, duplicates, len(problems),
    )  # fmt: skip
    return report

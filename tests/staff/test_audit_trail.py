"""The audit trail as a supervisor reads it: per account, staff member and period; CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from console.models import AuditEvent
from console.models.enums import AuditAction, StaffRole
from console.services.core.database import Database
from console.services.core.errors import PermissionDeniedError, ValidationError
from console.services.payments import registry
from console.services.staff import audit, audit_trail
from console.services.staff.actor import Actor
from console.services.staff.audit_trail import AuditFilter
from tests.support.factories import add_charge, make_account, make_staff


def _event(
    db: Database, actor: Actor, action: AuditAction, account_id: int | None = None, **kw: Any
) -> None:
    with db.transaction() as session:
        audit.record(session, actor, action, "customer", 7, account_id=account_id, **kw)


def test_trail_per_account_staff_and_period_newest_first(db: Database) -> None:
    anna = make_staff(db, "anna", StaffRole.CLERK)
    boris = make_staff(db, "boris", StaffRole.CLERK)
    boss = make_staff(db, "boss", StaffRole.SUPERVISOR)
    one, two = make_account(db), make_account(db)
    _event(
        db,
        anna,
        AuditAction.CUSTOMER_UPDATE,
        one.account_id,
        before={"phone": "+7912"},
        after={"phone": "+7913"},
    )
    _event(db, boris, AuditAction.PAYMENT_CREATE, two.account_id, after={"amount": "500.00"})
    _event(
        db,
        anna,
        AuditAction.CUSTOMER_REVEAL_PASSPORT,
        one.account_id,
        after={"passport_number": "123456"},
    )

    everything = audit_trail.page(db, boss, AuditFilter())
    assert [r.action for r in everything] == [
        "customer.reveal_passport", "payment.create", "customer.update",
    ]  # fmt: skip
    first = everything[-1]
    assert first.staff == "Сотрудник anna (anna)" and first.office and first.workstation
    assert first.changes == "Телефон: +7912 → +7913" and first.account_number == one.number
    assert everything[0].changes == "passport_number: изменено"  # personal data stays masked
    assert everything[0].action_label == "Показаны паспортные данные"

    by_account = audit_trail.page(db, boss, AuditFilter(account_number=f" {one.number} "))
    assert {r.account_number for r in by_account} == {one.number} and len(by_account) == 2
    by_staff = audit_trail.page(db, boss, AuditFilter(staff_id=boris.staff_id))
    assert [r.action for r in by_staff] == ["payment.create"]
    today = dt.date.today()
    assert len(audit_trail.page(db, boss, AuditFilter(date_from=today, date_to=today))) == 3
    yesterday = today - dt.timedelta(days=1)
    assert audit_trail.page(db, boss, AuditFilter(date_to=yesterday)) == ()

    older = audit_trail.page(db, boss, AuditFilter(), before_id=everything[0].id, limit=1)
    assert [r.id for r in older] == [everything[1].id]


def test_only_supervisors_read_the_trail(db: Database) -> None:
    clerk = make_staff(db, "anna", StaffRole.CLERK)
    with pytest.raises(PermissionDeniedError, match="руководитель офиса"):
        audit_trail.page(db, clerk, AuditFilter())
    with pytest.raises(PermissionDeniedError):
        audit_trail.export_csv(db, clerk, AuditFilter(), io.StringIO())


@pytest.mark.parametrize(
    ("flt", "field"),
    [
        (AuditFilter(account_number="12ab"), "account"),
        (AuditFilter(account_number="١٢٣"), "account"),  # Arabic-Indic digits are not digits here
        (AuditFilter(date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 1, 1)), "date_from"),
    ],
)
def test_bad_filters_are_explained(db: Database, flt: AuditFilter, field: str) -> None:
    boss = make_staff(db, "boss", StaffRole.SUPERVISOR)
    with pytest.raises(ValidationError) as caught:
        audit_trail.page(db, boss, flt)
    assert caught.value.field == field


def test_export_writes_every_row_and_is_itself_recorded(db: Database) -> None:
    anna = make_staff(db, "anna", StaffRole.CLERK)
    boss = make_staff(db, "boss", StaffRole.SUPERVISOR)
    for n in range(5):
        _event(db, anna, AuditAction.PAYMENT_CREATE, after={"amount": f"{n}00.00"})
    out = io.StringIO()
    assert audit_trail.export_csv(db, boss, AuditFilter(staff_id=anna.staff_id), out) == 5
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert rows[0][:5] == ["Дата и время", "Сотрудник", "Офис", "Рабочее место", "Действие"]
    assert len(rows) == 6 and rows[1][4] == "Принят платёж" and rows[1][9] == "Сумма: 400.00"
    with db.read() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
        assert (last.action, last.staff_id) == ("audit.export", boss.staff_id)
        assert last.after == {"rows": 5, "filter": {"staff_id": anna.staff_id}}


def test_the_trail_speaks_russian_actions_sources_and_changes(db: Database) -> None:
    """Actions, payment sources and the keys of «Изменения» that were shown as raw codes."""
    boss = make_staff(db, "boss", StaffRole.SUPERVISOR)
    account = make_account(db)
    add_charge(db, account.account_id, Decimal("300.00"))
    content = f"9001;03.11.2026;{account.number};300,00;Иванов\n".encode()
    registry.import_registry(db, boss, content, source="sberbank", filename="sber.txt")
    _event(db, boss, AuditAction.ACCOUNT_HOLDER_BIND, after={"is_primary": True, "first": False})
    _event(db, boss, AuditAction.REFUND_PAID, before={"status": "approved"},
           after={"status": "paid"})  # fmt: skip

    rows = {r.action: r for r in audit_trail.page(db, boss, AuditFilter())}
    imported = rows["payments.import"]
    assert imported.action_label == "Загружен реестр платежей"
    assert imported.entity_label == "Реестр платежей"
    assert imported.changes.startswith("Источник: ПАО Сбербанк; Строк: 1; Зачислено: 1")
    taken = rows["payment.create"]
    assert taken.action_label == "Принят платёж"
    assert "Способ оплаты: Через банк" in taken.changes
    assert "Источник: ПАО Сбербанк" in taken.changes and "sberbank" not in taken.changes
    bound = rows["account_holder.bind"]
    assert bound.action_label == "Клиент привязан к лицевому счёту"
    assert bound.changes == "Основной владелец: да; Первый вход: нет"
    paid = rows["refund.paid"]
    assert paid.action_label == "Возврат выплачен"
    assert paid.changes == "Статус: Одобрено → Выплачено"


def test_unknown_codes_and_keys_are_shown_as_they_are() -> None:
    assert audit_trail.label("legacy.action") == "legacy.action"
    assert audit_trail.describe_changes(None, {"x": 1}, "legacy.action") == "x: 1"
    assert (
        audit_trail.describe_changes({"sha256": "ab"}, None)
        == "Контрольная сумма (SHA-256): было ab"
    )

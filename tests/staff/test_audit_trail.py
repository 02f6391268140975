"""The audit trail as a supervisor reads it: per account, staff member and period; CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from console.models import AuditEvent
from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.core.errors import PermissionDeniedError, ValidationError
from console.services.staff import audit, audit_trail
from console.services.staff.actor import Actor
from console.services.staff.audit_trail import AuditFilter
from tests.support.factories import make_account, make_staff


def _event(db: Database, actor: Actor, action: str, account_id: int | None = None, **kw) -> None:  # type: ignore[no-untyped-def]
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
        "customer.update",
        one.account_id,
        before={"phone": "+7912"},
        after={"phone": "+7913"},
    )
    _event(db, boris, "payment.create", two.account_id, after={"amount": "500.00"})
    _event(
        db, anna, "customer.reveal_passport", one.account_id, after={"passport_number": "123456"}
    )

    everything = audit_trail.page(db, boss, AuditFilter())
    assert [r.action for r in everything] == [
        "customer.reveal_passport", "payment.create", "customer.update",
    ]  # fmt: skip
    first = everything[-1]
    assert first.staff == "Сотрудник anna (anna)" and first.office and first.workstation
    assert first.changes == "phone: +7912 → +7913" and first.account_number == one.number
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
        _event(db, anna, "payment.create", after={"amount": f"{n}00.00"})
    out = io.StringIO()
    assert audit_trail.export_csv(db, boss, AuditFilter(staff_id=anna.staff_id), out) == 5
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert rows[0][:5] == ["Дата и время", "Сотрудник", "Офис", "Рабочее место", "Действие"]
    assert len(rows) == 6 and rows[1][4] == "Принят платёж" and rows[1][9] == "amount: 400.00"
    with db.read() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
        assert (last.action, last.staff_id) == ("audit.export", boss.staff_id)
        assert last.after == {"rows": 5, "filter": {"staff_id": anna.staff_id}}

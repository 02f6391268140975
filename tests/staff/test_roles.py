"""The database itself refuses what a role may not do: a clerk with psql is stopped as well."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from console.models import (
    AuditEvent,
    BillingPeriod,
    Charge,
    Payment,
    Reading,
    RefundApplication,
    Service,
    Tariff,
)
from console.models.enums import (
    AuditAction,
    PaymentMethod,
    PeriodStatus,
    ReadingSource,
    ReadingStatus,
    RefundPayout,
    RefundReason,
    RefundStatus,
    StaffRole,
    VolumeMethod,
)
from console.services.core.database import Database
from console.services.core.errors import PermissionDeniedError
from console.services.staff import audit
from console.services.staff.actor import Actor
from tests.support.factories import AccountIds, connect_as, make_account, make_login

pytestmark = pytest.mark.postgres

REFUSED = (PermissionDeniedError, Exception)


def _login(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


class Desk:
    """A staff member connected to the test database as their own login role."""

    def __init__(self, owner: Database, role: StaffRole) -> None:
        self.actor: Actor = make_login(owner, _login(role.value), role)
        self.db = connect_as(owner, self.actor.login)

    def sql(self, statement: str, **params: object) -> None:
        """What a person with psql would type."""
        with self.db.engine.begin() as conn:
            conn.execute(text(statement), params)


@pytest.fixture
def desks(pg_db: Database) -> Iterator[dict[StaffRole, Desk]]:
    made = {role: Desk(pg_db, role) for role in StaffRole}
    try:
        yield made
    finally:
        for desk in made.values():
            desk.db.dispose()


@pytest.fixture
def account(pg_db: Database) -> AccountIds:
    return make_account(pg_db)


def _refund(db: Database, account: AccountIds, registered_by: int) -> int:
    with db.transaction() as session:
        row = RefundApplication(
            number=f"В-{uuid.uuid4().hex[:6]}", account_id=account.account_id,
            applicant_id=account.customer_id, amount=Decimal("120.00"),
            reason=RefundReason.OVERPAYMENT, payout=RefundPayout.CASH,
            status=RefundStatus.REGISTERED, registered_at=dt.datetime.now(dt.UTC),
            registered_by_staff_id=registered_by, due_on=dt.date.today() + dt.timedelta(days=30),
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def _payment(db: Database, actor: Actor, account: AccountIds, **extra: object) -> int:
    with db.transaction() as session:
        row = Payment(
            account_id=account.account_id, amount=extra.pop("amount", Decimal("500.00")),
            paid_at=dt.datetime.now(dt.UTC), method=PaymentMethod.CASH,
            office_id=actor.office_id, staff_id=actor.staff_id, **extra,
        )  # fmt: skip
        session.add(row)
        session.flush()
        audit.record(session, actor, AuditAction.PAYMENT_CREATE, "payment", row.id)
        return row.id


def test_clerk_cannot_approve_a_refund_but_a_supervisor_can(
    pg_db: Database, desks: dict[StaffRole, Desk], account: AccountIds
) -> None:
    clerk, supervisor = desks[StaffRole.CLERK], desks[StaffRole.SUPERVISOR]
    refund_id = _refund(clerk.db, account, clerk.actor.staff_id or 0)
    for status in ("approved", "rejected", "paid"):
        with pytest.raises(Exception, match="руководитель офиса"):
            clerk.sql(
                "UPDATE refund_applications SET status = :s WHERE id = :i", s=status, i=refund_id
            )
    # Through the console's own unit of work the refusal is a Russian PermissionDeniedError.
    denied = pytest.raises(PermissionDeniedError, match="руководитель офиса")
    with denied, clerk.db.transaction() as session:
        row = session.get(RefundApplication, refund_id)
        assert row is not None
        row.status = RefundStatus.APPROVED
    # A supervisor takes it under review and decides (migration 0005: a clerk does neither).
    supervisor.sql(
        "UPDATE refund_applications SET status = 'under_review' WHERE id = :i", i=refund_id
    )
    supervisor.sql("UPDATE refund_applications SET status = 'approved' WHERE id = :i", i=refund_id)
    with pg_db.read() as session:
        assert session.get(RefundApplication, refund_id).status is RefundStatus.APPROVED  # type: ignore[union-attr]
    # …and nobody raises the amount of an application (no column privilege, at any status).
    for desk in (clerk, supervisor):
        with pytest.raises(Exception, match="permission denied"):
            desk.sql("UPDATE refund_applications SET amount = 99999 WHERE id = :i", i=refund_id)


def test_who_registered_a_refund_does_not_decide_on_it(
    desks: dict[StaffRole, Desk], account: AccountIds
) -> None:
    supervisor = desks[StaffRole.SUPERVISOR]
    refund_id = _refund(supervisor.db, account, supervisor.actor.staff_id or 0)
    with pytest.raises(Exception, match="другой сотрудник"):
        supervisor.sql(
            "UPDATE refund_applications SET status = 'approved' WHERE id = :i", i=refund_id
        )


def test_clerk_cannot_reverse_a_payment(
    pg_db: Database, desks: dict[StaffRole, Desk], account: AccountIds
) -> None:
    clerk, supervisor = desks[StaffRole.CLERK], desks[StaffRole.SUPERVISOR]
    paid = _payment(clerk.db, clerk.actor, account)
    with pytest.raises(PermissionDeniedError, match="Сторнировать платёж"):
        _payment(clerk.db, clerk.actor, account, amount=Decimal("-500.00"), reversal_of_id=paid)
    with pytest.raises(PermissionDeniedError, match="больше нуля"):
        _payment(clerk.db, clerk.actor, account, amount=Decimal("-500.00"))
    for statement in (
        "UPDATE payments SET amount = 1 WHERE id = :i",
        "DELETE FROM payments WHERE id = :i",
    ):
        with pytest.raises(Exception, match="(не изменяют|permission denied)"):
            clerk.sql(statement, i=paid)
    with pytest.raises(Exception, match="руководитель офиса"):
        clerk.sql(
            "INSERT INTO ledger_entries (account_id, period, kind, amount, payment_id, created_at)"
            " VALUES (:a, :p, 'payment_reversal', 500, :i, now())",
            a=account.account_id, p=dt.date(2026, 11, 1), i=paid,
        )  # fmt: skip
    _payment(
        supervisor.db, supervisor.actor, account, amount=Decimal("-500.00"), reversal_of_id=paid
    )
    with pg_db.read() as session:
        assert session.scalar(select(Payment.id).where(Payment.reversal_of_id == paid)) is not None


def test_only_an_administrator_changes_tariffs_and_catalogues(
    pg_db: Database, desks: dict[StaffRole, Desk]
) -> None:
    statements = (
        "UPDATE tariffs SET rate = rate + 1",
        "DELETE FROM consumption_norms",
        "UPDATE suppliers SET settlement_account = '40702810000000000000'",
        "UPDATE paid_services SET price = 1",
        "INSERT INTO appeal_topics (code, name, deadline_days) VALUES ('x', 'Икс', 1)",
        "UPDATE staff SET role = 'admin'",
    )
    for role in (StaffRole.CLERK, StaffRole.SUPERVISOR):
        for statement in statements:
            with pytest.raises(Exception, match="permission denied"):
                desks[role].sql(statement)
    with pg_db.read() as session:
        before = session.scalar(select(Tariff.rate).order_by(Tariff.id).limit(1))
    desks[StaffRole.ADMIN].sql("UPDATE tariffs SET rate = rate + 1")
    with pg_db.read() as session:
        assert session.scalar(select(Tariff.rate).order_by(Tariff.id).limit(1)) == before + 1  # type: ignore[operator]
    # Through a unit of work a bare GRANT refusal becomes a Russian sentence.
    denied = pytest.raises(PermissionDeniedError, match="Недостаточно прав")
    with denied, desks[StaffRole.CLERK].db.transaction() as session:
        tariff = session.scalars(select(Tariff).limit(1)).one()
        tariff.rate = Decimal("0.01")


def test_closed_period_is_frozen_and_charges_are_the_billing_runs(
    pg_db: Database, desks: dict[StaffRole, Desk], account: AccountIds
) -> None:
    clerk, admin = desks[StaffRole.CLERK], desks[StaffRole.ADMIN]
    closed, current = dt.date(2026, 9, 1), dt.date(2026, 10, 1)
    with pg_db.transaction() as session:
        service_id = session.scalars(select(Service.id).where(Service.code == "electricity")).one()
        session.add_all(
            [
                BillingPeriod(period=closed, status=PeriodStatus.CLOSED),
                BillingPeriod(period=current, status=PeriodStatus.OPEN),
            ]
        )
        for period in (closed, current):
            session.add(
                Charge(
                    account_id=account.account_id, service_id=service_id, period=period, zone=1,
                    volume=Decimal(100), tariff=Decimal("5.0000"), charged=Decimal("500.00"),
                    volume_method=VolumeMethod.METER,
                )
            )  # fmt: skip
    # Charges are written by the billing run (an administrator); a clerk has no privilege at all.
    for statement in ("UPDATE charges SET charged = 1", "DELETE FROM charges"):
        with pytest.raises(Exception, match="permission denied"):
            clerk.sql(statement)
    # The billing run only appends: nobody updates or deletes a charge.
    for statement in ("UPDATE charges SET charged = 1", "DELETE FROM charges"):
        with pytest.raises(Exception, match="permission denied"):
            admin.sql(statement)
    with pytest.raises(Exception, match="09.2026 закрыт"):
        admin.sql(
            "INSERT INTO charges (account_id, service_id, period, zone, volume, tariff,"
            " raising_coefficient, excess_amount, charged, recalculation, volume_method)"
            " VALUES (:a, :s, :p, 2, 1, 1, 1, 0, 1, 0, 'meter')",
            a=account.account_id, s=service_id, p=closed,
        )  # fmt: skip
    with pytest.raises(Exception, match="09.2026 закрыт"):
        admin.sql(
            "INSERT INTO account_statements (account_id, period, opening, charged, recalculated,"
            " paid, closing) VALUES (:a, :p, 0, 0, 0, 0, 0)",
            a=account.account_id, p=closed,
        )  # fmt: skip
    with pytest.raises(Exception, match="(только администратор|permission denied)"):
        clerk.sql("UPDATE billing_periods SET status = 'open' WHERE period = :p", p=closed)
    with pytest.raises(Exception, match="только администратор"):
        clerk.sql(
            "INSERT INTO billing_periods (period, status, version)"
            " VALUES ('2025-01-01', 'closed', 1)"
        )
    # Opening a month is allowed to a clerk (the reading entry does it).
    clerk.sql(
        "INSERT INTO billing_periods (period, status, version) VALUES ('2026-11-01', 'open', 1)"
    )
    with pg_db.read() as session:
        charged = session.scalars(select(Charge.charged).where(Charge.period == closed)).one()
    assert charged == Decimal("500.00")


@pytest.mark.parametrize("role", [StaffRole.CLERK, StaffRole.SUPERVISOR, StaffRole.ADMIN])
def test_nobody_rewrites_the_audit_trail_or_the_ledger(
    desks: dict[StaffRole, Desk], role: StaffRole
) -> None:
    desk = desks[role]
    with desk.db.transaction() as session:
        audit.record(session, desk.actor, AuditAction.AUDIT_EXPORT, "test", 1)
    for statement in (
        "UPDATE audit_events SET action = 'x'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "UPDATE ledger_entries SET amount = 0",
        "DELETE FROM ledger_entries",
        "TRUNCATE ledger_entries",
    ):
        with pytest.raises(Exception, match="(permission denied|только для добавления)"):
            desk.sql(statement)
    with desk.db.read() as session:
        assert session.scalar(select(AuditEvent.action).where(AuditEvent.entity == "test"))


def test_clerk_operations_work_as_a_clerk_role(
    desks: dict[StaffRole, Desk], account: AccountIds
) -> None:
    clerk = desks[StaffRole.CLERK]
    with clerk.db.transaction() as session:
        reading = Reading(
            meter_id=account.meter_id, zone=1, value=Decimal("1300"),
            taken_on=dt.date(2026, 11, 20), entered_at=dt.datetime.now(dt.UTC),
            period=dt.date(2026, 11, 1),
            source=ReadingSource.OFFICE, staff_id=clerk.actor.staff_id,
            status=ReadingStatus.ACCEPTED, idempotency_key=uuid.uuid4().hex,
        )  # fmt: skip
        session.add(reading)
        session.flush()
        audit.record(session, clerk.actor, AuditAction.READING_ACCEPT, "reading", reading.id)
    payment_id = _payment(clerk.db, clerk.actor, account, idempotency_key=uuid.uuid4().hex)
    # The payment's money reaches the ledger only in the transaction that took it.
    with pytest.raises(Exception, match="вместе с принятым платежом"):
        clerk.sql(
            "INSERT INTO ledger_entries (account_id, period, kind, amount, payment_id, created_at)"
            " VALUES (:a, :p, 'payment', -500, :i, now())",
            a=account.account_id, p=dt.date(2026, 11, 1), i=payment_id,
        )  # fmt: skip
    with clerk.db.read() as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {AuditAction.READING_ACCEPT, AuditAction.PAYMENT_CREATE} <= actions


def test_group_roles_are_nested(pg_db: Database) -> None:
    with pg_db.read() as session:
        groups = dict(session.execute(text("SELECT kind, rolname FROM console_groups")).all())
        has = text("SELECT pg_has_role(:a, :b, 'MEMBER')")
        assert session.scalar(has, {"a": groups["admin"], "b": groups["clerk"]})
        assert not session.scalar(has, {"a": groups["clerk"], "b": groups["supervisor"]})


def test_roles_migration_is_idempotent_and_reversible(pg_db: Database) -> None:
    from alembic import command

    from console.services.core.schema import alembic_config, upgrade

    cfg = alembic_config()
    with pg_db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.stamp(cfg, "0001")
    upgrade(pg_db)  # 0002 again over its own grants and triggers
    with pg_db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    with pg_db.read() as session:
        assert not session.scalar(
            text("SELECT count(*) FROM pg_trigger WHERE tgname = 'payments_guard'")
        )
    upgrade(pg_db)
    clerk = Desk(pg_db, StaffRole.CLERK)
    try:
        with pytest.raises(Exception, match="permission denied"):
            clerk.sql("UPDATE tariffs SET rate = rate + 1")
    finally:
        clerk.db.dispose()

"""The console's own work still goes through for each role, signed in with SCRAM passwords:
the server's rules refuse the attacks of test_hostile_staff, not the counter's daily jobs."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from console.models.enums import PaymentMethod, RefundPayout, RefundReason, RefundStatus
from console.services.appeals import intake
from console.services.core.errors import PermissionDeniedError
from console.services.payments import counter
from console.services.readings import entry
from console.services.refunds import applications
from console.services.staff import changes, members
from console.services.staff.approvals import verify_supervisor
from console.services.staff.auth import SignedIn
from console.services.supervision import queues
from tests.appeals.test_appeals import draft
from tests.readings.test_readings import TODAY, form_for, key
from tests.security.conftest import PASSWORD, Hostile
from tests.support.factories import add_reading, stored_identity

pytestmark = pytest.mark.postgres


def test_payment_then_refund_under_dual_control(
    hostile: Hostile, signed_desks: dict[str, SignedIn]
) -> None:
    clerk, boss = signed_desks["clerk.a"], signed_desks["boss.a"]
    account = hostile.account.account_id
    service = hostile.owner_sql("SELECT id FROM services WHERE code = 'electricity'")[0][0]
    form = counter.PaymentForm(
        account_id=account, total=Decimal("1500.00"), allocations={service: Decimal("1500.00")},
        method=PaymentMethod.CASH, cash_received=Decimal("2000.00"), confirmed=True,
    )  # fmt: skip
    paid = counter.take_payment(clerk.db, clerk.actor, form, uuid.uuid4().hex)
    ledger = hostile.owner_sql(
        "SELECT sum(amount), min(staff_id), max(staff_id) FROM ledger_entries"
        " WHERE account_id = :a AND kind = 'payment'", a=account,
    )[0]  # fmt: skip
    assert tuple(ledger) == (Decimal("-1500.00"), clerk.actor.staff_id, clerk.actor.staff_id)
    assert paid.amount == Decimal("1500.00")

    identity = stored_identity(hostile.owner, hostile.account.customer_id)
    passport = f"{identity.series}{identity.number}"
    request = applications.RefundRequest(
        account_id=account, applicant_id=hostile.account.customer_id, passport=passport,
        amount=Decimal("200.00"), reason=RefundReason.OVERPAYMENT, payout=RefundPayout.CASH,
    )  # fmt: skip
    registered = applications.register_refund(clerk.db, clerk.actor, request)
    own = applications.register_refund(boss.db, boss.actor, request)
    with pytest.raises(PermissionDeniedError):
        applications.approve(boss.db, boss.actor, own.summary.refund_id)
    approved = applications.approve(boss.db, boss.actor, registered.summary.refund_id)
    assert approved.summary.status is RefundStatus.APPROVED
    done = applications.mark_paid(boss.db, boss.actor, registered.summary.refund_id)
    assert done.summary.status is RefundStatus.PAID
    booked = hostile.owner_sql(
        "SELECT count(*), sum(amount), min(staff_id) FROM ledger_entries"
        " WHERE account_id = :a AND kind = 'refund'", a=account,
    )[0]  # fmt: skip
    assert tuple(booked) == (1, Decimal("200.00"), boss.actor.staff_id)
    decided_by = hostile.owner_sql(
        "SELECT registered_by_staff_id, reviewed_by_staff_id FROM refund_applications"
        " WHERE id = :i", i=registered.summary.refund_id,
    )[0]  # fmt: skip
    assert tuple(decided_by) == (clerk.actor.staff_id, boss.actor.staff_id)


def test_a_very_high_reading_with_a_supervisors_own_password(
    hostile: Hostile, signed_desks: dict[str, SignedIn]
) -> None:
    clerk = signed_desks["clerk.a"]
    account = hostile.account.account_id
    add_reading(hostile.owner, hostile.account.meter_id, "1000", dt.date(2026, 10, 1))
    hostile.owner_sql(
        "UPDATE readings SET value = 1300, taken_on = '2026-10-31' WHERE meter_id = :m"
        " AND value = 1200", m=hostile.account.meter_id,
    )  # fmt: skip
    approval = verify_supervisor(clerk.db, "boss.b", PASSWORD)
    assert approval.token
    form = form_for(clerk.db, account, "5300", confirmed=True, approval=approval)
    entry.submit_readings(clerk.db, clerk.actor, form, key(), today=TODAY)
    stored = hostile.owner_sql(
        "SELECT staff_id, approved_by_staff_id FROM readings WHERE value = 5300"
    )[0]
    assert tuple(stored) == (clerk.actor.staff_id, hostile.staff["boss.b"])
    # The token is spent: it does not cover another reading, even typed by hand in psql.
    psql = hostile.psql("clerk.a")
    with pytest.raises(Exception, match="Подтверждение руководителя"), psql.transaction():
        psql.execute("SELECT set_config('console.approval', %s, true)", (approval.token,))
        psql.execute(
            "INSERT INTO readings (meter_id, zone, value, taken_on, entered_at, period, source,"
            " status, approved_by_staff_id, is_rollover) VALUES (%s, 1, 9300, '2026-11-10',"
            " now(), '2026-11-01', 'office', 'accepted', %s, false)",
            (hostile.account.meter_id, hostile.staff["boss.b"]),
        )
    events = hostile.owner_sql(
        "SELECT staff_id FROM audit_events WHERE action = 'reading.supervisor_approval'"
    )
    assert [tuple(e) for e in events] == [(hostile.staff["boss.b"],)]


def test_administrator_manages_staff_without_createrole(
    hostile: Hostile, signed_desks: dict[str, SignedIn]
) -> None:
    admin = signed_desks["admin.a"]
    made = members.add_staff(
        admin.db, admin.actor, "clerk.new", "clerk", "TMN-1", PASSWORD, "Новый"
    )
    assert made.login == "clerk.new"
    flags = hostile.owner_sql(
        "SELECT rolcreaterole, rolsuper FROM pg_roles WHERE rolname IN ('admin.a', 'clerk.new')"
    )
    assert all(tuple(f) == (False, False) for f in flags)
    members.set_password(admin.db, admin.actor, "clerk.new", "Другой-пароль-1")
    hostile.psql("clerk.new", password="Другой-пароль-1").close()
    members.disable_staff(admin.db, admin.actor, "clerk.new")
    with pytest.raises(Exception, match="not permitted to log in"):
        hostile.psql("clerk.new", password="Другой-пароль-1")
    events = hostile.owner_sql(
        "SELECT action, staff_id FROM audit_events WHERE entity = 'staff'"
        " AND entity_id = :i ORDER BY id", i=str(made.id),
    )  # fmt: skip
    assert [tuple(e) for e in events] == [
        ("staff.create", admin.actor.staff_id),
        ("staff.set_password", admin.actor.staff_id),
        ("staff.disable", admin.actor.staff_id),
    ]


def test_the_billing_run_is_an_administrators_and_stays_out_of_closed_months(
    hostile: Hostile, signed_desks: dict[str, SignedIn]
) -> None:
    from console.services.billing import run

    october = dt.date(2026, 10, 1)
    clerk, admin = signed_desks["clerk.a"], signed_desks["admin.a"]
    with pytest.raises(PermissionDeniedError):
        run.close_period(clerk.db, clerk.actor, october)
    run.close_period(admin.db, admin.actor, october)
    closed = hostile.owner_sql(
        "SELECT status, closed_by_staff_id FROM billing_periods WHERE period = :p", p=october
    )[0]
    assert tuple(closed) == ("closed", admin.actor.staff_id)
    written = hostile.owner_sql(
        "SELECT (SELECT count(*) FROM charges WHERE period = :p),"
        " (SELECT count(*) FROM account_statements WHERE period = :p)", p=october,
    )[0]  # fmt: skip
    assert all(n > 0 for n in written), written
    psql = hostile.psql("admin.a")
    with pytest.raises(Exception, match="10.2026 закрыт"), psql.transaction():
        psql.execute(
            "INSERT INTO ledger_entries (account_id, period, kind, amount) VALUES"
            " (%s, '2026-10-01', 'recalculation', -100)",
            (hostile.account.account_id,),
        )


def test_a_month_cannot_close_under_a_row_typed_in_psql(hostile: Hostile) -> None:
    """A reading typed by hand takes the month's lock as the console does, so the billing run
    (which takes it exclusively) waits for it instead of closing the month under it."""
    psql = hostile.psql("clerk.a")
    month_key = 2026 * 12 + 10 - 1
    with psql.transaction():
        psql.execute(
            "INSERT INTO readings (meter_id, zone, value, taken_on, entered_at, period, source,"
            " status, is_rollover) VALUES (%s, 1, 1250, '2026-10-25', now(), '2026-10-01',"
            " 'office', 'accepted', false)", (hostile.account.meter_id,),
        )  # fmt: skip
        taken = hostile.owner_sql("SELECT pg_try_advisory_xact_lock(5105, :k)", k=month_key)
        assert taken[0][0] is False
    assert hostile.owner_sql("SELECT pg_try_advisory_xact_lock(5105, :k)", k=month_key)[0][0]


def test_every_role_polls_what_another_desk_wrote(
    hostile: Hostile, signed_desks: dict[str, SignedIn]
) -> None:
    """The refresh poll (#19b) reads the journal with each role's own grants, no new ones."""
    clerk, boss = signed_desks["clerk.a"], signed_desks["boss.a"]
    marks = {login: changes.current_mark(desk.db) for login, desk in signed_desks.items()}
    intake.register(clerk.db, clerk.actor, draft(clerk.db, account_id=hostile.account.account_id))
    for login, desk in signed_desks.items():
        found = changes.changes_since(desk.db, marks[login])
        assert "appeal" in found.entities, login
        assert hostile.account.account_id in found.account_ids, login
    waiting = {c.queue: c.count for c in queues.queue_counts(boss.db, boss.actor)}
    assert waiting[queues.Queue.UNASSIGNED] >= 1

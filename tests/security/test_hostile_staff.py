"""Each attack a staff member with psql could try is refused by the database and changes nothing.

Every case runs its statements in one transaction over the login's own SCRAM connection, expects
the server to refuse, and compares a fingerprint of every table that matters (rows and their
text, roles and memberships) before and after. The scene: a payment, an overpayment, refund
applications in each state, appeals, a reading in a closed month.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from tests.security.conftest import AUTH_DELAY_MS, CLOSED, PASSWORD, Hostile

pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class Scene:
    payment: int
    refund_registered: int  # registered by clerk.a
    refund_own: int  # registered by boss.a
    refund_approved: int  # registered by boss.a, approved by boss.b, its ledger entry booked
    appeal_open: int
    appeal_closed: int
    reading_closed: int
    service: int


def _scene(h: Hostile) -> Scene:
    s, a, c, m = h.staff, h.account.account_id, h.account.customer_id, h.account.meter_id
    one = lambda sql, **p: h.owner_sql(sql, **p)[0][0]  # noqa: E731
    service = one("SELECT id FROM services WHERE code = 'electricity'")
    payment = one(
        "INSERT INTO payments (account_id, amount, paid_at, method, staff_id, created_at)"
        " VALUES (:a, 1500, now(), 'cash', :s, now()) RETURNING id", a=a, s=s["clerk.a"],
    )  # fmt: skip
    h.owner_sql(
        "INSERT INTO payment_allocations (payment_id, service_id, amount) VALUES (:p, :sv, 1500)",
        p=payment, sv=service,
    )  # fmt: skip
    h.owner_sql(
        "INSERT INTO ledger_entries (account_id, period, kind, amount, service_id, payment_id,"
        " staff_id, created_at) VALUES (:a, '2026-10-01', 'payment', -1500, :sv, :p, :s, now())",
        a=a, sv=service, p=payment, s=s["clerk.a"],
    )  # fmt: skip

    def refund(number: str, status: str, by: str, reviewer: str | None = None) -> int:
        return int(
            one(
                "INSERT INTO refund_applications (number, account_id, applicant_id, amount,"
                " reason, payout, status, registered_at, registered_by_staff_id, due_on,"
                " reviewed_by_staff_id, decided_at) VALUES (:n, :a, :c, 100, 'overpayment',"
                " 'cash', CAST(:st AS varchar), now(), :by, current_date + 30, :rv,"
                " CASE WHEN CAST(:st AS varchar) = 'registered' THEN NULL ELSE now() END)"
                " RETURNING id",
                n=number, a=a, c=c, st=status, by=s[by], rv=s[reviewer] if reviewer else None,
            )
        )  # fmt: skip

    registered = refund("ВЗ-1", "registered", "clerk.a")
    own = refund("ВЗ-2", "registered", "boss.a")
    approved = refund("ВЗ-3", "approved", "boss.a", "boss.b")
    h.owner_sql(
        "INSERT INTO ledger_entries (account_id, period, kind, amount, service_id, refund_id,"
        " staff_id, created_at) VALUES (:a, '2026-10-01', 'refund', 100, :sv, :r, :s, now())",
        a=a, sv=service, r=approved, s=s["boss.b"],
    )  # fmt: skip

    def appeal(number: str, status: str) -> int:
        return int(
            one(
                "INSERT INTO appeals (number, kind, supplier_id, account_id, applicant_name,"
                " channel, topic_id, text, status, registered_at, registered_by_staff_id, due_on)"
                " SELECT :n, 'appeal', a.supplier_id, a.id, 'Иванов П. С.', 'in_person',"
                " (SELECT min(id) FROM appeal_topics), 'Текст', :st, now(), :by, current_date + 30"
                " FROM accounts a WHERE a.id = :a RETURNING id",
                n=number, st=status, by=s["clerk.a"], a=a,
            )
        )  # fmt: skip

    reading = one(
        "INSERT INTO readings (meter_id, zone, value, taken_on, entered_at, period, source,"
        " staff_id, status, is_rollover) VALUES (:m, 1, 1250, '2026-09-20', now(), :p, 'office',"
        " :s, 'accepted', false) RETURNING id", m=m, p=CLOSED, s=s["clerk.a"],
    )  # fmt: skip
    return Scene(
        payment, registered, own, approved, appeal("А-1", "registered"),
        appeal("А-2", "closed"), reading, service,
    )  # fmt: skip


# (case id, login, statements) — {names} are filled from the scene and the staff ids.
ATTACKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # --- the ledger: each kind has its source and role ------------------------------------
    ("ledger-payment-without-payment", "clerk.a", (
        "INSERT INTO ledger_entries (account_id, period, kind, amount, created_at)"
        " VALUES ({account}, '2026-11-01', 'payment', -5000, now())",)),
    ("ledger-payment-of-an-old-payment", "clerk.a", (
        "INSERT INTO ledger_entries (account_id, period, kind, amount, service_id, payment_id,"
        " created_at) VALUES ({account}, '2026-11-01', 'payment', -1500, {service}, {payment},"
        " now())",)),
    *(
        (f"ledger-{kind}-by-clerk", "clerk.a", (
            "INSERT INTO ledger_entries (account_id, period, kind, amount, created_at)"
            f" VALUES ({{account}}, '2026-11-01', '{kind}', -5000, now())",))
        for kind in ("opening", "charge", "recalculation", "correction", "refund",
                     "payment_reversal")
    ),
    *(
        (f"ledger-{kind}-by-supervisor", "boss.a", (
            "INSERT INTO ledger_entries (account_id, period, kind, amount, created_at)"
            f" VALUES ({{account}}, '2026-11-01', '{kind}', -5000, now())",))
        for kind in ("opening", "charge", "recalculation")
    ),
    ("ledger-into-a-closed-month", "boss.a", (
        "INSERT INTO ledger_entries (account_id, period, kind, amount, created_at)"
        " VALUES ({account}, '2026-09-01', 'correction', -5000, now())",)),
    ("ledger-refund-twice", "boss.b", (
        "INSERT INTO ledger_entries (account_id, period, kind, amount, refund_id, created_at)"
        " VALUES ({account}, '2026-11-01', 'refund', 100, {refund_approved}, now())",)),
    ("ledger-refund-of-an-unapproved-application", "boss.b", (
        "INSERT INTO ledger_entries (account_id, period, kind, amount, refund_id, created_at)"
        " VALUES ({account}, '2026-11-01', 'refund', 100, {refund_own}, now())",)),
    ("ledger-rewrite", "admin.a", ("UPDATE ledger_entries SET amount = 0",)),
    ("ledger-delete", "admin.a", ("DELETE FROM ledger_entries",)),
    ("ledger-truncate", "admin.a", ("TRUNCATE ledger_entries",)),
    # --- payments ----------------------------------------------------------------------------
    ("payment-fake-with-its-ledger-then-edit", "clerk.a", (
        "INSERT INTO payments (account_id, amount, paid_at, method) VALUES"
        " ({account}, 5000, now(), 'cash')",
        "UPDATE payments SET amount = 50000 WHERE account_id = {account}",)),
    ("payment-from-a-bank-registry-by-clerk", "clerk.a", (
        "INSERT INTO payments (account_id, amount, paid_at, method, source, external_id)"
        " VALUES ({account}, 5000, '2026-01-01', 'bank', 'sberbank', 'x1')",)),
    ("payment-negative", "clerk.a", (
        "INSERT INTO payments (account_id, amount, paid_at, method) VALUES"
        " ({account}, -5000, now(), 'cash')",)),
    ("payment-reversal-by-clerk", "clerk.a", (
        "INSERT INTO payments (account_id, amount, paid_at, method, reversal_of_id) VALUES"
        " ({account}, -1500, now(), 'cash', {payment})",)),
    ("payment-reversal-of-another-amount", "boss.a", (
        "INSERT INTO payments (account_id, amount, paid_at, method, reversal_of_id) VALUES"
        " ({account}, -15000, now(), 'cash', {payment})",)),
    ("payment-split-added-later", "clerk.a", (
        "INSERT INTO payment_allocations (payment_id, service_id, amount) VALUES"
        " ({payment}, {service}, 1)",)),
    ("payment-delete", "admin.a", ("DELETE FROM payments WHERE id = {payment}",)),
    ("payment-edit-by-admin", "admin.a", ("UPDATE payments SET amount = 1 WHERE id = {payment}",)),
    ("payment-lock-table", "clerk.a", ("LOCK TABLE payments IN ACCESS EXCLUSIVE MODE",)),
    ("customers-lock-table", "admin.a", ("LOCK TABLE customers IN EXCLUSIVE MODE",)),
    # --- refunds: state machine, dual control ------------------------------------------------
    *(
        (f"refund-clerk-sets-{status}", "clerk.a", (
            f"UPDATE refund_applications SET status = '{status}'"
            " WHERE id = {refund_registered}",))
        for status in ("under_review", "approved", "rejected", "paid", "closed")
    ),
    ("refund-approved-back-to-registered", "clerk.a", (
        "UPDATE refund_applications SET status = 'registered' WHERE id = {refund_approved}",)),
    ("refund-approved-back-and-approved-again", "boss.b", (
        "UPDATE refund_applications SET status = 'registered' WHERE id = {refund_approved}",
        "UPDATE refund_applications SET status = 'approved' WHERE id = {refund_approved}",)),
    ("refund-supervisor-approves-own", "boss.a", (
        "UPDATE refund_applications SET status = 'approved' WHERE id = {refund_own}",)),
    ("refund-supervisor-rewrites-registrar-and-approves", "boss.a", (
        "UPDATE refund_applications SET registered_by_staff_id = {boss_b}, status = 'approved'"
        " WHERE id = {refund_own}",)),
    ("refund-supervisor-names-another-reviewer", "boss.a", (
        "UPDATE refund_applications SET reviewed_by_staff_id = {boss_b}, status = 'approved'"
        " WHERE id = {refund_own}",)),
    ("refund-inserted-already-approved", "boss.a", (
        "INSERT INTO refund_applications (number, account_id, applicant_id, amount, reason,"
        " payout, status, registered_at, registered_by_staff_id, due_on, reviewed_by_staff_id)"
        " VALUES ('ВЗ-X', {account}, {customer}, 5000, 'overpayment', 'cash', 'approved', now(),"
        " {boss_b}, current_date, {boss_a})",)),
    ("refund-clerk-rewrites-amount-and-bank", "clerk.a", (
        "UPDATE refund_applications SET amount = 99999, recipient_name = 'Сообщник',"
        " settlement_account = '40817810099910004312', bic = '044525225'"
        " WHERE id = {refund_registered}",)),
    ("refund-paid-twice-state", "boss.b", (
        "UPDATE refund_applications SET status = 'paid' WHERE id = {refund_approved}",
        "UPDATE refund_applications SET status = 'approved' WHERE id = {refund_approved}",)),
    ("refund-delete", "admin.a", ("DELETE FROM refund_applications",)),
    ("refund-registered-for-a-stranger", "clerk.a", (
        "INSERT INTO refund_applications (number, account_id, applicant_id, amount, reason,"
        " payout, status, registered_at, registered_by_staff_id, due_on) VALUES ('ВЗ-Y',"
        " {account}, (SELECT max(id) + 1000 FROM customers), 10, 'overpayment', 'cash',"
        " 'registered', now(), {clerk_a}, current_date)",)),
    # --- temporary objects cannot stand in for the real tables -------------------------------
    ("temp-staff-table-by-clerk", "clerk.a", (
        "CREATE TEMP TABLE staff (id int, login text, is_active bool)",)),
    ("temp-staff-table-by-admin-to-approve-own", "admin.a", (
        "SET search_path = pg_temp, public",
        "CREATE TEMP TABLE staff (id int, login text, is_active bool, role text)",
        "INSERT INTO refund_applications (number, account_id, applicant_id, amount, reason,"
        " payout, status, registered_at, registered_by_staff_id, due_on) VALUES ('ВЗ-Z',"
        " {account}, {customer}, 10, 'overpayment', 'cash', 'registered', now(), {clerk_a},"
        " current_date)",
        "UPDATE public.refund_applications SET status = 'approved' WHERE number = 'ВЗ-Z'",)),
    ("temp-billing-periods-by-admin", "admin.a", (
        "SET search_path = pg_temp, public",
        "CREATE TEMP TABLE billing_periods (period date, status text)",
        "INSERT INTO public.readings (meter_id, zone, value, taken_on, entered_at, period,"
        " source, is_rollover, status) VALUES ({meter}, 1, 1300, '2026-09-25', now(),"
        " '2026-09-01', 'office', false, 'accepted')",)),
    # --- readings ----------------------------------------------------------------------------
    ("reading-into-a-closed-month", "clerk.a", (
        "INSERT INTO readings (meter_id, zone, value, taken_on, entered_at, period, source,"
        " is_rollover, status) VALUES ({meter}, 1, 1300, '2026-09-25', now(), '2026-09-01',"
        " 'office', false, 'accepted')",)),
    ("reading-of-a-closed-month-rejected", "boss.a", (
        "UPDATE readings SET status = 'rejected' WHERE id = {reading_closed}",)),
    ("reading-moved-into-an-open-month", "clerk.a", (
        "UPDATE readings SET period = '2026-11-01' WHERE id = {reading_closed}",)),
    ("reading-approved-by-a-supervisor-who-did-not", "clerk.a", (
        "INSERT INTO readings (meter_id, zone, value, taken_on, entered_at, period, source,"
        " status, approved_by_staff_id, is_rollover) VALUES ({meter}, 1, 99000, '2026-11-05',"
        " now(), '2026-11-01', 'office', 'accepted', {boss_a}, false)",)),
    ("reading-approved-with-a-made-up-token", "clerk.a", (
        "SELECT set_config('console.approval', gen_random_uuid()::text, false)",
        "INSERT INTO readings (meter_id, zone, value, taken_on, entered_at, period, source,"
        " status, approved_by_staff_id, is_rollover) VALUES ({meter}, 1, 99000, '2026-11-05',"
        " now(), '2026-11-01', 'office', 'accepted', {boss_a}, false)",)),
    ("approval-token-issued-by-a-clerk", "clerk.a", (
        "SELECT console_issue_approval('reading.supervisor_approval')",)),
    ("approval-tokens-read", "clerk.a", ("SELECT token FROM console_approvals",)),
    # --- appeals -----------------------------------------------------------------------------
    ("appeal-closed-without-an-answer", "clerk.a", (
        "UPDATE appeals SET status = 'closed' WHERE id = {appeal_open}",)),
    ("appeal-given-to-someone-else-by-clerk", "clerk.a", (
        "UPDATE appeals SET assigned_to_staff_id = {clerk_b} WHERE id = {appeal_open}",)),
    ("appeal-reopened-by-clerk", "clerk.a", (
        "UPDATE appeals SET status = 'in_progress' WHERE id = {appeal_closed}",)),
    ("appeal-registrar-rewritten", "boss.a", (
        "UPDATE appeals SET registered_by_staff_id = {boss_b} WHERE id = {appeal_open}",)),
    ("appeal-inserted-answered", "clerk.a", (
        "INSERT INTO appeals (number, kind, supplier_id, applicant_name, channel, topic_id,"
        " text, status, registered_at, registered_by_staff_id, due_on) SELECT 'А-X', 'appeal',"
        " min(id), 'X', 'phone', (SELECT min(id) FROM appeal_topics), 'X', 'closed', now(),"
        " {boss_a}, current_date FROM suppliers",)),
    ("appeal-delete", "admin.a", ("DELETE FROM appeals",)),
    # --- the audit trail ---------------------------------------------------------------------
    ("audit-rewrite", "admin.a", ("UPDATE audit_events SET action = 'x'",)),
    ("audit-delete", "boss.a", ("DELETE FROM audit_events",)),
    # --- people and their data ---------------------------------------------------------------
    ("customers-delete", "clerk.a", ("DELETE FROM customers WHERE id = {customer}",)),
    ("holders-delete", "clerk.a", ("DELETE FROM account_holders",)),
    ("staff-password-hashes", "admin.a", ("SELECT password_hash FROM staff",)),
    ("staff-row-rewritten", "admin.a", (
        "UPDATE staff SET role = 'admin' WHERE login = 'clerk.a'",)),
    # --- the server beyond the console's tables ----------------------------------------------
    ("admin-creates-a-role", "admin.a", ("CREATE ROLE intruder LOGIN PASSWORD 'x'",)),
    ("admin-grants-server-programs", "admin.a", (
        "GRANT pg_execute_server_program TO \"admin.a\"",)),
    ("admin-reads-server-files", "admin.a", ("GRANT pg_read_server_files TO \"admin.a\"",)),
    ("admin-copy-to-program", "admin.a", ("COPY (SELECT 1) TO PROGRAM 'id'",)),
    ("admin-changes-owner-password", "admin.a", ("ALTER ROLE postgres PASSWORD 'taken'",)),
    ("admin-makes-self-createrole", "admin.a", ("ALTER ROLE \"admin.a\" CREATEROLE",)),
    ("admin-joins-manager-role", "admin.a", ("SET ROLE {manager}",)),
    ("admin-owner-password-through-function", "admin.a", (
        "SELECT console_staff_set_password('postgres', 'SCRAM-SHA-256$4096:x')",)),
    ("admin-creates-superuser-through-function", "admin.a", (
        "SELECT console_staff_create('evil', 'Зло', 'admin', NULL, 'md5abc')",)),
    ("clerk-creates-staff-through-function", "clerk.a", (
        "SELECT console_staff_create('evil', 'Зло', 'clerk', NULL,"
        " 'SCRAM-SHA-256$4096:AAAA$BBBB:CCCC')",)),
    ("clerk-sets-anothers-password", "clerk.a", (
        "SELECT console_staff_set_password('boss.a', 'SCRAM-SHA-256$4096:AAAA$BBBB:CCCC')",)),
    ("clerk-creates-a-table", "clerk.a", ("CREATE TABLE public.loot (x text)",)),
    ("clerk-creates-a-function", "clerk.a", (
        "CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE sql"
        " AS $$ SELECT '2020-01-01'::timestamptz $$",)),
    ("clerk-disables-triggers", "clerk.a", ("ALTER TABLE ledger_entries DISABLE TRIGGER ALL",)),
    ("clerk-replica-mode", "clerk.a", ("SET session_replication_role = replica",)),
    ("charges-by-supervisor", "boss.a", (
        "INSERT INTO charges (account_id, service_id, period, zone, volume, tariff,"
        " raising_coefficient, excess_amount, charged, recalculation, volume_method) VALUES"
        " ({account}, {service}, '2026-11-01', 1, 1, 1, 1, 0, -5000, 0, 'meter')",)),
    ("closed-month-reopened-by-supervisor", "boss.a", (
        "UPDATE billing_periods SET status = 'open' WHERE period = '2026-09-01'",)),
    # --- refunds paid out and the cash day (0010) ----------------------------------------------
    ("refund-paid-in-cash-without-a-cash-order", "boss.b", (
        "UPDATE refund_applications SET status = 'paid' WHERE id = {refund_approved}",)),
    ("refund-paid-with-another-applications-cheque", "boss.b", (
        "UPDATE refund_applications SET status = 'paid', cash_order_number = 'РКО-1',"
        " cheque_key = 'refund-ВЗ-1' WHERE id = {refund_approved}",)),
    ("refund-payout-switched-to-transfer", "boss.b", (
        "UPDATE refund_applications SET payout = 'bank_transfer' WHERE id = {refund_approved}",)),
    *(
        (f"cash-day-closed-by-clerk-{how}", "clerk.a", (
            "INSERT INTO cash_days (office_id, day, starts_at, ends_at, status, cash_in,"
            " cash_out, difference, closed_at, closed_by_staff_id, received_by_staff_id)"
            " SELECT s.office_id, current_date, date_trunc('day', now()),"
            f" date_trunc('day', now()) + interval '1 day', 'closed', {cash_in}, 0, 0, now(),"
            " s.id, {boss_a} FROM staff s WHERE s.login = 'clerk.a'",))
        for how, cash_in in (("with-made-up-figures", 999), ("without-the-receivers-token", 0))
    ),
)  # fmt: skip


def _names(h: Hostile, scene: Scene) -> dict[str, Any]:
    manager = h.owner_sql("SELECT rolname FROM console_groups WHERE kind = 'staff_manager'")
    return {
        **scene.__dict__,
        "account": h.account.account_id, "customer": h.account.customer_id,
        "meter": h.account.meter_id, "manager": f'"{manager[0][0]}"',
        **{login.replace(".", "_"): sid for login, sid in h.staff.items()},
    }  # fmt: skip


@pytest.mark.parametrize(("case", "login", "statements"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_an_attack_is_refused_and_changes_nothing(
    hostile: Hostile, case: str, login: str, statements: tuple[str, ...]
) -> None:
    scene = _scene(hostile)
    names = _names(hostile, scene)
    conn = hostile.psql(login)
    before = hostile.fingerprint()
    with pytest.raises(psycopg.Error) as refused, conn.transaction():
        for statement in statements:
            conn.execute(statement.format(**names))  # type: ignore[arg-type]
    # Refused for lack of rights (a GRANT or a guard), not by some accident of the statement.
    assert refused.value.sqlstate == "42501", (case, refused.value.sqlstate, str(refused.value))
    assert hostile.fingerprint() == before, case


def test_the_actor_and_the_time_are_the_logins_not_the_clients(hostile: Hostile) -> None:
    """An audit event, payment or refund naming someone else, back-dated, is the login's, now."""
    scene = _scene(hostile)
    conn = hostile.psql("clerk.a")
    boss = hostile.staff["boss.a"]
    with conn.transaction():
        conn.execute(
            "INSERT INTO audit_events (occurred_at, staff_id, login, action, entity)"
            f" VALUES (now() - interval '3 days', {boss}, 'boss.a', 'refund.approved', 'x')"
        )
        conn.execute(
            "INSERT INTO payments (account_id, amount, paid_at, method, staff_id, created_at)"
            f" VALUES ({hostile.account.account_id}, 10, '2026-01-05', 'cash', {boss},"
            " '2026-01-05')"
        )
    clerk = hostile.staff["clerk.a"]
    event = hostile.owner_sql(
        "SELECT staff_id, login, occurred_at > now() - interval '1 minute' FROM audit_events"
        " WHERE entity = 'x'"
    )[0]
    assert tuple(event) == (clerk, "clerk.a", True)
    payment = hostile.owner_sql(
        "SELECT staff_id, paid_at > now() - interval '1 minute' FROM payments"
        f" WHERE id > {scene.payment}"
    )[0]
    assert tuple(payment) == (clerk, True)


def test_staff_of_another_console_database_cannot_connect(hostile: Hostile) -> None:
    from sqlalchemy import text

    from console.services.core.schema import upgrade
    from tests.support.pgserver import scratch_database

    with scratch_database(hostile.server, "other_retailer") as other:
        upgrade(other)
        with pytest.raises(psycopg.OperationalError, match="CONNECT"):
            hostile.psql("clerk.a", database="other_retailer")
        with other.read() as session:
            groups = set(session.scalars(text("SELECT rolname FROM console_groups")))
        ours = {row[0] for row in hostile.owner_sql("SELECT rolname FROM console_groups")}
        assert groups.isdisjoint(ours), "each database has its own group roles"


def test_wrong_passwords_are_slowed_down_by_the_server(hostile: Hostile) -> None:
    started = time.monotonic()
    for _ in range(4):
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            hostile.psql("clerk.a", password="не тот")
    assert time.monotonic() - started >= 4 * AUTH_DELAY_MS / 1000
    assert hostile.psql("clerk.a", password=PASSWORD).execute("SELECT 1").fetchone() == (1,)

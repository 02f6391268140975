"""roles the database enforces

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

PostgreSQL only (on SQLite this revision does nothing: the services check roles there).

Every staff member is a login role in exactly one group role: ``console_clerk``,
``console_supervisor`` (a member of console_clerk) or ``console_admin`` (a member of
console_supervisor). A clerk connected with psql cannot approve a refund, reverse a payment, edit
a closed period or change tariffs, and nobody may UPDATE, DELETE or TRUNCATE the audit trail or the
ledger (REVOKE here, the triggers of 0001 stop even the owner).

Tables that later migrations create are readable and writable by clerks by default (ALTER
DEFAULT PRIVILEGES below); a later migration adding a reference table revokes like REFERENCE.
Running this twice is harmless. The group roles are cluster-wide and stay on downgrade.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUPS = ("console_clerk", "console_supervisor", "console_admin")
#: Only administrators change these (tariffs, norms, suppliers' requisites, catalogues, staff).
REFERENCE = (
    "regions",
    "suppliers",
    "offices",
    "services",
    "tariffs",
    "consumption_norms",
    "paid_services",
    "appeal_topics",
    "staff",
)
APPEND_ONLY = ("audit_events", "ledger_entries")
#: Rows of money and decisions: never deleted by a console role.
NO_DELETE = (
    "payments",
    "payment_allocations",
    "refund_applications",
    "refund_application_payments",
)
CLOSED_PERIOD_GUARDED = ("charges", "account_statements")

# (trigger name, table, timing/events, function)
TRIGGERS = (
    (
        "refund_applications_guard",
        "refund_applications",
        "BEFORE INSERT OR UPDATE",
        "console_guard_refund",
    ),
    ("payments_guard", "payments", "BEFORE INSERT OR UPDATE", "console_guard_payment"),
    ("ledger_entries_guard", "ledger_entries", "BEFORE INSERT", "console_guard_ledger"),
    (
        "charges_closed_period",
        "charges",
        "BEFORE INSERT OR UPDATE OR DELETE",
        "console_guard_closed_period",
    ),
    (
        "account_statements_closed_period",
        "account_statements",
        "BEFORE INSERT OR UPDATE OR DELETE",
        "console_guard_closed_period",
    ),
    (
        "billing_periods_guard",
        "billing_periods",
        "BEFORE INSERT OR UPDATE OR DELETE",
        "console_guard_billing_period",
    ),
)

FUNCTIONS = {
    # A role check usable in every guard. pg_has_role counts superusers as members of every role,
    # so the owner's maintenance and the test fixtures pass.
    "console_has_role(role_name text)": """
        RETURNS boolean LANGUAGE sql STABLE AS $$
            SELECT pg_has_role(current_user, role_name, 'MEMBER')
        $$""",
    "console_guard_refund()": """
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.status IN ('approved', 'rejected', 'paid')
               AND (TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status) THEN
                IF NOT console_has_role('console_supervisor') THEN
                    RAISE EXCEPTION 'Решение по заявлению на возврат (одобрить, отклонить, '
                        'выплатить) принимает руководитель офиса'
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
                -- Dual control: who registered the application does not decide on it.
                IF NEW.status IN ('approved', 'rejected') AND EXISTS (
                    SELECT 1 FROM staff s
                    WHERE s.login = current_user::text AND s.id = NEW.registered_by_staff_id
                ) THEN
                    RAISE EXCEPTION 'Заявление рассматривает другой сотрудник, не тот, кто его '
                        'зарегистрировал' USING ERRCODE = 'insufficient_privilege';
                END IF;
            END IF;
            IF TG_OP = 'UPDATE' AND OLD.status IN ('approved', 'paid')
               AND NOT console_has_role('console_supervisor')
               AND (NEW.amount, NEW.account_id, NEW.payout, NEW.recipient_name, NEW.bic,
                    NEW.settlement_account)
                   IS DISTINCT FROM (OLD.amount, OLD.account_id, OLD.payout, OLD.recipient_name,
                    OLD.bic, OLD.settlement_account) THEN
                RAISE EXCEPTION 'Одобренное заявление на возврат изменяет только руководитель офиса'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$""",
    "console_guard_payment()": """
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF console_has_role('console_supervisor') THEN
                IF TG_OP = 'UPDATE' AND NOT console_has_role('console_admin')
                   AND (NEW.account_id, NEW.amount, NEW.paid_at, NEW.method, NEW.reversal_of_id)
                       IS DISTINCT FROM
                       (OLD.account_id, OLD.amount, OLD.paid_at, OLD.method, OLD.reversal_of_id) THEN
                    RAISE EXCEPTION 'Принятый платёж не изменяют: ошибочный платёж сторнируют'
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
                RETURN NEW;
            END IF;
            IF TG_OP = 'INSERT' AND NEW.reversal_of_id IS NOT NULL THEN
                RAISE EXCEPTION 'Сторнировать платёж может только руководитель офиса'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF TG_OP = 'INSERT' AND NEW.amount <= 0 THEN
                RAISE EXCEPTION 'Сумма платежа должна быть больше нуля: ошибочный платёж '
                    'сторнирует руководитель офиса' USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF TG_OP = 'UPDATE'
               AND (NEW.account_id, NEW.amount, NEW.paid_at, NEW.method, NEW.reversal_of_id)
                   IS DISTINCT FROM
                   (OLD.account_id, OLD.amount, OLD.paid_at, OLD.method, OLD.reversal_of_id) THEN
                RAISE EXCEPTION 'Принятый платёж не изменяют: ошибочный платёж сторнирует '
                    'руководитель офиса' USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$""",
    "console_guard_ledger()": """
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.kind IN ('payment_reversal', 'refund', 'correction')
               AND NOT console_has_role('console_supervisor') THEN
                RAISE EXCEPTION 'Сторно, возврат и корректировку по лицевому счёту проводит только '
                    'руководитель офиса' USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$""",
    "console_guard_closed_period()": """
        RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            touched date;
        BEGIN
            -- The billing run that closes a month is an administrator's (or the owner's) job.
            IF console_has_role('console_admin') THEN
                RETURN COALESCE(NEW, OLD);
            END IF;
            FOREACH touched IN ARRAY
                CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW.period]
                           WHEN 'DELETE' THEN ARRAY[OLD.period]
                           ELSE ARRAY[OLD.period, NEW.period] END
            LOOP
                IF EXISTS (SELECT 1 FROM billing_periods b
                           WHERE b.period = date_trunc('month', touched)::date
                             AND b.status = 'closed') THEN
                    RAISE EXCEPTION 'Период % закрыт: его начисления и итоги не изменяются; '
                        'ошибку исправляют перерасчётом в открытом периоде',
                        to_char(touched, 'MM.YYYY') USING ERRCODE = 'insufficient_privilege';
                END IF;
            END LOOP;
            RETURN COALESCE(NEW, OLD);
        END $$""",
    "console_guard_billing_period()": """
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF console_has_role('console_admin') THEN
                RETURN COALESCE(NEW, OLD);
            END IF;
            IF TG_OP = 'INSERT' AND NEW.status = 'open' THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'Открывать и закрывать расчётные периоды может только администратор'
                USING ERRCODE = 'insufficient_privilege';
        END $$""",
}


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _is_postgres():
        return
    _create_group_roles()
    _grant_privileges()
    for signature, body in FUNCTIONS.items():
        op.execute(f"CREATE OR REPLACE FUNCTION {signature} {body}")
    for name, table, events, function in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(
            f"CREATE TRIGGER {name} {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
        )


def _create_group_roles() -> None:
    for group in GROUPS:
        # Roles are cluster-wide: another database of the cluster may have created them already.
        op.execute(
            f"""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{group}') THEN
                    CREATE ROLE {group} NOLOGIN;
                END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$
            """
        )
    op.execute("GRANT console_clerk TO console_supervisor")
    op.execute("GRANT console_supervisor TO console_admin")
    # A non-superuser owner that runs migrations and billing counts as an administrator in the
    # guards (superusers already do).
    op.execute(
        """
        DO $$ BEGIN
            IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
               AND NOT pg_has_role(current_user, 'console_admin', 'MEMBER') THEN
                EXECUTE format('GRANT console_admin TO %I', current_user);
            END IF;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'could not make % a member of console_admin', current_user;
        END $$
        """
    )


def _grant_privileges() -> None:
    groups = ", ".join(GROUPS)
    op.execute(
        "DO $$ BEGIN EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO console_clerk', "
        "current_database()); END $$"
    )
    op.execute("GRANT USAGE ON SCHEMA public TO console_clerk")
    op.execute(
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO console_clerk"
    )
    op.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO console_clerk")
    op.execute(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO console_clerk"
    )
    op.execute(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO console_clerk"
    )
    op.execute("REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM console_clerk")
    for table in REFERENCE:
        op.execute(f"REVOKE INSERT, UPDATE, DELETE ON {table} FROM console_clerk")
        op.execute(f"GRANT INSERT, UPDATE, DELETE ON {table} TO console_admin")
    for table in APPEND_ONLY:
        op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC, {groups}")
    for table in NO_DELETE:
        op.execute(f"REVOKE DELETE, TRUNCATE ON {table} FROM PUBLIC, {groups}")
    op.execute("REVOKE UPDATE, DELETE ON billing_periods FROM console_clerk")
    op.execute("GRANT UPDATE, DELETE ON billing_periods TO console_admin")


def downgrade() -> None:
    if not _is_postgres():
        return
    for name, table, _events, _function in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for signature in reversed(list(FUNCTIONS)):
        op.execute(f"DROP FUNCTION IF EXISTS {signature}")
    groups = ", ".join(GROUPS)
    op.execute(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        "REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM console_clerk"
    )
    op.execute(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM console_clerk"
    )
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {groups}")
    op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {groups}")
    op.execute("REVOKE USAGE ON SCHEMA public FROM console_clerk")
    op.execute(
        "DO $$ BEGIN EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM console_clerk', "
        "current_database()); END $$"
    )

"""fiscal cheques: the journal of cheques a ККТ must register, one per payment, exactly once

Revision ID: 0009_fiscal_cheques
Revises: 0008_similar_person
Create Date: 2026-12-07

``fiscal_cheques`` holds, for each counter payment (and, for the cash desk, each cash refund),
the cheque to register with the workstation's ККТ, written "pending" in the payment's own
transaction. PostgreSQL guards (a clerk can open psql with their login):

- staff insert only "pending" rows without fiscal attributes, for a payment whose amount the
  row repeats; the staff, office and times are stamped from the login and the clock;
- an update may change only the sending state (attempt, attempts, sent_at, last error), the
  status along pending → registered | failed, failed → pending | registered, and — with the
  status becoming "registered" — the fiscal attributes, all of them present; the customer's
  contact (tag 1008) may only be cleared; a clerk updates only rows of their own office (a
  supervisor any);
- a registered row never changes again, and no row is ever deleted (not even by the owner).

And the hard ceiling of a counter payment (issue 17, plausibility): a payment above
``console_limits.payment_hard_ceiling`` (1 000 000,00 ₽ unless an owner changes it; the
workstation setting ``payment_hard_ceiling`` should not be higher) is accepted from a clerk's
login only with a supervisor's one-time approval token (``console.approval``, issued by the
supervisor's own login through ``console_issue_approval`` as for very high readings, 0005).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_fiscal_cheques"
down_revision: str | Sequence[str] | None = "0008_similar_person"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SAFE = "SET search_path = pg_catalog, public, pg_temp"
DENIED = "USING ERRCODE = 'insufficient_privilege'"
SENDING = ("status", "attempt", "attempts", "sent_at", "last_error_code", "last_error",
           "updated_at", "customer_contact")  # fmt: skip
FISCAL = ("fn_number", "fd_number", "fiscal_sign", "shift_number", "number_in_shift",
          "registered_at", "registration_number", "ofd_site")  # fmt: skip

GUARD = f"""
DECLARE me integer; mine integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Кассовые чеки не удаляются' {DENIED};
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status = 'registered' THEN
        IF pg_catalog.to_jsonb(OLD) - 'updated_at' IS DISTINCT FROM
           pg_catalog.to_jsonb(NEW) - 'updated_at' THEN
            RAISE EXCEPTION 'Зарегистрированный кассовый чек не изменяется' {DENIED};
        END IF;
        RETURN NEW;
    END IF;
    IF public.console_trusted() THEN RETURN NEW; END IF;
    me := public.console_require_staff();
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'pending' OR NEW.attempts <> 0 OR NEW.sent_at IS NOT NULL
           OR NEW.fn_number IS NOT NULL OR NEW.fd_number IS NOT NULL
           OR NEW.fiscal_sign IS NOT NULL OR NEW.registered_at IS NOT NULL THEN
            RAISE EXCEPTION 'Новый кассовый чек всегда «ожидает регистрации»' {DENIED};
        END IF;
        -- A sale for the payment's sum; a reversal's «возврат прихода» for the sum it returns.
        IF NEW.payment_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM public.payments p
            WHERE p.id = NEW.payment_id
              AND ((NEW.kind = 'sell' AND p.reversal_of_id IS NULL AND p.amount = NEW.amount)
                OR (NEW.kind = 'sellReturn' AND p.reversal_of_id IS NOT NULL
                    AND p.amount = -NEW.amount))) THEN
            RAISE EXCEPTION 'Сумма чека не равна сумме платежа' {DENIED};
        END IF;
        NEW.staff_id := me;
        SELECT s.office_id INTO NEW.office_id FROM public.staff s WHERE s.id = me;
        NEW.created_at := pg_catalog.now();
        NEW.updated_at := pg_catalog.now();
        RETURN NEW;
    END IF;
    PERFORM public.console_same(pg_catalog.to_jsonb(OLD), pg_catalog.to_jsonb(NEW),
        ARRAY{list(SENDING + FISCAL)!r}::text[]);
    SELECT s.office_id INTO mine FROM public.staff s WHERE s.id = me;
    IF NOT public.console_is('supervisor') AND OLD.office_id IS DISTINCT FROM mine THEN
        RAISE EXCEPTION 'Чек другого офиса: его отправляет в кассу тот офис' {DENIED};
    END IF;
    IF NEW.customer_contact IS NOT NULL AND NEW.customer_contact IS DISTINCT FROM
       OLD.customer_contact THEN
        RAISE EXCEPTION 'Контакт покупателя можно только стереть' {DENIED};
    END IF;
    IF NEW.status <> OLD.status AND NOT (OLD.status, NEW.status) IN (
            ('pending', 'registered'), ('pending', 'failed'), ('failed', 'pending'),
            ('failed', 'registered')) THEN
        RAISE EXCEPTION 'Чек нельзя перевести из «%» в «%»', OLD.status, NEW.status {DENIED};
    END IF;
    IF NEW.status = 'registered' THEN
        IF NEW.fn_number IS NULL OR NEW.fd_number IS NULL OR NEW.fiscal_sign IS NULL
           OR NEW.registered_at IS NULL OR NEW.shift_number IS NULL THEN
            RAISE EXCEPTION 'Зарегистрированный чек — с фискальными признаками' {DENIED};
        END IF;
    ELSIF (NEW.fn_number, NEW.fd_number, NEW.fiscal_sign, NEW.registered_at) IS DISTINCT FROM
          (OLD.fn_number, OLD.fd_number, OLD.fiscal_sign, OLD.registered_at) THEN
        RAISE EXCEPTION 'Фискальные признаки записываются только при регистрации' {DENIED};
    END IF;
    NEW.updated_at := pg_catalog.now();
    RETURN NEW;
END"""


def upgrade() -> None:
    # Running it again (a database re-stamped to an earlier revision) is harmless.
    if not sa.inspect(op.get_bind()).has_table("fiscal_cheques"):
        _create()
    if op.get_bind().dialect.name != "postgresql":
        return
    _guard()


def _create() -> None:
    op.create_table(
        "fiscal_cheques",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("idempotency_key", sa.String(length=80), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("customer_contact", sa.String(length=120), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "registered",
                "failed",
                name="fiscalchequestatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),  # fmt: skip
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error_code", sa.String(length=24), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("fn_number", sa.String(length=16), nullable=True),
        sa.Column("fd_number", sa.Integer(), nullable=True),
        sa.Column("fiscal_sign", sa.String(length=16), nullable=True),
        sa.Column("shift_number", sa.Integer(), nullable=True),
        sa.Column("number_in_shift", sa.Integer(), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("registration_number", sa.String(length=20), nullable=True),
        sa.Column("ofd_site", sa.String(length=120), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("workstation", sa.String(length=64), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_fiscal_cheques_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"],
            ["refund_applications.id"],
            name=op.f("fk_fiscal_cheques_refund_id_refund_applications"),
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_fiscal_cheques_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_fiscal_cheques_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fiscal_cheques")),
    )
    op.create_index(
        "uq_fiscal_cheques_idempotency_key", "fiscal_cheques", ["idempotency_key"], unique=True
    )
    op.create_index("ix_fiscal_cheques_status", "fiscal_cheques", ["status"])
    for column in ("payment_id", "refund_id"):
        op.create_index(
            f"uq_fiscal_cheques_{column}", "fiscal_cheques", [column], unique=True,
            postgresql_where=sa.text(f"{column} IS NOT NULL"),
            sqlite_where=sa.text(f"{column} IS NOT NULL"),
        )  # fmt: skip


CEILING = f"""
DECLARE ceiling numeric; given uuid;
BEGIN
    IF public.console_trusted() OR NEW.reversal_of_id IS NOT NULL
       OR public.console_is('supervisor') THEN
        RETURN NEW;
    END IF;
    SELECT l.value INTO ceiling FROM public.console_limits l
     WHERE l.name = 'payment_hard_ceiling';
    IF ceiling IS NULL OR NEW.amount <= ceiling THEN RETURN NEW; END IF;
    given := NULLIF(pg_catalog.current_setting('console.approval', true), '')::uuid;
    UPDATE public.console_approvals a SET used_at = pg_catalog.now()
     WHERE a.token = given AND a.created_at > pg_catalog.now() - interval '15 minutes'
       AND (a.used_at IS NULL OR a.used_at = pg_catalog.now());
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Платёж больше % ₽ принимается только с подтверждением руководителя '
            'офиса (его логин и пароль)', ceiling {DENIED};
    END IF;
    RETURN NEW;
END"""


def _guard() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute(
        "CREATE TABLE IF NOT EXISTS console_limits (name varchar(40) PRIMARY KEY,"
        " value numeric(14, 2) NOT NULL)"
    )
    op.execute(
        "INSERT INTO console_limits (name, value) VALUES ('payment_hard_ceiling', 1000000.00)"
        " ON CONFLICT (name) DO NOTHING"
    )
    op.execute(
        "CREATE OR REPLACE FUNCTION public.console_guard_payment_ceiling() RETURNS trigger "
        f"LANGUAGE plpgsql SECURITY DEFINER {SAFE} AS $$ {CEILING} $$"
    )
    op.execute("REVOKE ALL ON FUNCTION public.console_guard_payment_ceiling() FROM PUBLIC")
    op.execute("DROP TRIGGER IF EXISTS payments_ceiling ON payments")
    op.execute(
        "CREATE TRIGGER payments_ceiling BEFORE INSERT ON payments "
        "FOR EACH ROW EXECUTE FUNCTION public.console_guard_payment_ceiling()"
    )
    op.execute(
        "CREATE OR REPLACE FUNCTION public.console_guard_fiscal_cheque() RETURNS trigger "
        f"LANGUAGE plpgsql SECURITY DEFINER {SAFE} AS $$ {GUARD} $$"
    )
    op.execute("REVOKE ALL ON FUNCTION public.console_guard_fiscal_cheque() FROM PUBLIC")
    op.execute("DROP TRIGGER IF EXISTS fiscal_cheques_guard ON fiscal_cheques")
    op.execute(
        "CREATE TRIGGER fiscal_cheques_guard BEFORE INSERT OR UPDATE OR DELETE ON fiscal_cheques "
        "FOR EACH ROW EXECUTE FUNCTION public.console_guard_fiscal_cheque()"
    )
    columns = ", ".join(SENDING + FISCAL)
    op.execute(
        f"""
        DO $$
        DECLARE g text;
        BEGIN
            SELECT k.rolname::text INTO g FROM public.console_groups k WHERE k.kind = 'clerk';
            IF g IS NOT NULL THEN
                EXECUTE format('GRANT SELECT, INSERT ON fiscal_cheques TO %I', g);
                EXECUTE format('GRANT SELECT ON console_limits TO %I', g);
                EXECUTE format('GRANT UPDATE ({columns}) ON fiscal_cheques TO %I', g);
                EXECUTE format('GRANT USAGE ON SEQUENCE fiscal_cheques_id_seq TO %I', g);
            END IF;
        END $$
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS payments_ceiling ON payments")
        op.execute("DROP FUNCTION IF EXISTS public.console_guard_payment_ceiling()")
        op.execute("DROP TABLE IF EXISTS console_limits")
        op.execute("DROP TRIGGER IF EXISTS fiscal_cheques_guard ON fiscal_cheques")
        op.execute("DROP FUNCTION IF EXISTS public.console_guard_fiscal_cheque()")
    op.drop_table("fiscal_cheques")

"""refunds paid out properly and an office cash day that closes

Revision ID: 0010_cash_days
Revises: 0009_fiscal_cheques
Create Date: 2026-12-07

A refund marked «выплачено» now says how: in cash with a расходный кассовый ордер (КО-2) of its
own number and the «возврат прихода» cheque's fiscal attributes, or by bank transfer with the
payment order's number and date. The database stamps who paid it out at which office and lets
nothing of it change afterwards.

``cash_days``: an office day once closed — the cash in (counter cash payments) and out (cash
refunds), the cash register's figures, the difference and its explanation, who handed over
(the login that closes) and who received (a second person proved by the one-time token of
``console_issue_approval``). While a day is closed no payment or refund lands in it at that
office; only a supervisor reopens it, with a reason. The figures are recomputed by the database
when a day is closed, so a clerk's raw SQL cannot write others.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0010_cash_days"
down_revision: str | Sequence[str] | None = "0009_fiscal_cheques"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SAFE = "SET search_path = pg_catalog, public, pg_temp"
DENIED = "USING ERRCODE = 'insufficient_privilege'"
#: Advisory lock class of an office's cash day: payments and refunds take it shared, closing
#: takes it exclusive, so a day cannot close under a payment being added.
LOCK_CLASS = 5110

PAYOUT_COLUMNS = (
    "paid_by_staff_id", "paid_office_id", "cash_order_number", "payment_order_number",
    "payment_order_date", "cheque_key", "cheque_fn_number", "cheque_fd_number",
    "cheque_fiscal_sign", "cheque_shift", "cheque_at",
)  # fmt: skip
CASH_DAY_COLUMNS = (
    "office_id", "day", "starts_at", "ends_at", "status", "cash_in", "cash_out", "kkt_cash_in",
    "kkt_cash_out", "kkt_shift", "difference", "explanation", "closed_at", "closed_by_staff_id",
    "received_by_staff_id", "reopened_at", "reopened_by_staff_id", "reopen_reason", "version",
)  # fmt: skip


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _is_postgres():
        op.execute("SET LOCAL lock_timeout = '5s'")
    # Plain ADD COLUMN on both databases (nullable): no table rebuild of the refund
    # applications. Harmless twice, like every migration after 0003.
    inspector = sa.inspect(op.get_bind())
    present = {c["name"] for c in inspector.get_columns("refund_applications")}
    for name, kind in (
        ("paid_by_staff_id", "INTEGER REFERENCES staff (id)"),
        ("paid_office_id", "INTEGER REFERENCES offices (id)"),
        ("cash_order_number", "VARCHAR(32)"),
        ("payment_order_number", "VARCHAR(20)"),
        ("payment_order_date", "DATE"),
        ("cheque_key", "VARCHAR(64)"),
        ("cheque_fn_number", "VARCHAR(20)"),
        ("cheque_fd_number", "INTEGER"),
        ("cheque_fiscal_sign", "VARCHAR(20)"),
        ("cheque_shift", "INTEGER"),
        ("cheque_at", "TIMESTAMP WITH TIME ZONE" if _is_postgres() else "DATETIME"),
    ):
        if name not in present:
            op.execute(f"ALTER TABLE refund_applications ADD COLUMN {name} {kind}")
    op.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS uq_refund_applications_cash_order_number "
        "ON refund_applications (cash_order_number) WHERE cash_order_number IS NOT NULL"
    )
    if inspector.has_table("cash_days"):
        if _is_postgres():
            _install()
        return
    money = sa.Numeric(precision=14, scale=2, asdecimal=True)
    op.create_table(
        "cash_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), sa.ForeignKey("offices.id"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "closed",
                "reopened",
                name="cashdaystatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),  # fmt: skip
        sa.Column("cash_in", money, nullable=False),
        sa.Column("cash_out", money, nullable=False),
        sa.Column("kkt_cash_in", money, nullable=True),
        sa.Column("kkt_cash_out", money, nullable=True),
        sa.Column("kkt_shift", sa.Integer(), nullable=True),
        sa.Column("difference", money, nullable=False),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by_staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("received_by_staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_by_staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("reopen_reason", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("office_id", "day", name="uq_cash_days_office_day"),
    )
    if _is_postgres():
        _install()


def downgrade() -> None:
    if _is_postgres():
        op.execute("SET LOCAL lock_timeout = '5s'")
        for trigger, table in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for signature, _body in FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS public.{signature}")
        # 0005's refund guard, without the payout columns.
        earlier = _revision_0005()
        for signature, body in earlier.GUARDS:
            if signature == "console_guard_refund()":
                op.execute(
                    f"CREATE OR REPLACE FUNCTION public.{signature} RETURNS trigger "
                    f"LANGUAGE plpgsql SECURITY DEFINER {SAFE} AS $$ {body} $$"
                )
    op.drop_table("cash_days")
    op.drop_index("uq_refund_applications_cash_order_number", "refund_applications")
    with op.batch_alter_table("refund_applications") as batch:
        for column in reversed(PAYOUT_COLUMNS):
            batch.drop_column(column)


def _revision_0005() -> ModuleType:
    path = Path(__file__).with_name("0005_security_boundary.py")
    spec = importlib.util.spec_from_file_location("console_migration_0005", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: The office day's figures as the database counts them (what closing must agree with).
FIGURES = f"""RETURNS TABLE (cash_in numeric, cash_out numeric)
    LANGUAGE sql STABLE SECURITY DEFINER {SAFE} AS $$
    SELECT
        (SELECT COALESCE(sum(p.amount), 0) FROM public.payments p
          WHERE p.office_id = p_office AND p.method = 'cash'
            AND p.paid_at >= p_from AND p.paid_at < p_to),
        (SELECT COALESCE(sum(r.amount), 0) FROM public.refund_applications r
          WHERE r.paid_office_id = p_office AND r.payout = 'cash'
            AND r.status IN ('paid', 'closed') AND r.paid_at >= p_from AND r.paid_at < p_to)
$$"""

CLOSED_AT = f"""RETURNS boolean LANGUAGE plpgsql VOLATILE SECURITY DEFINER {SAFE} AS $$
    BEGIN
        IF p_office IS NULL OR p_at IS NULL THEN RETURN false; END IF;
        PERFORM pg_catalog.pg_advisory_xact_lock_shared({LOCK_CLASS}, p_office);
        RETURN EXISTS (SELECT 1 FROM public.cash_days d
                       WHERE d.office_id = p_office AND d.status = 'closed'
                         AND p_at >= d.starts_at AND p_at < d.ends_at);
    END
$$"""

GUARD_ENTRY = f"""RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER {SAFE} AS $$
    DECLARE office integer; moment timestamptz;
    BEGIN
        IF TG_TABLE_NAME = 'payments' THEN
            IF NEW.source IS NOT NULL THEN RETURN NEW; END IF;  -- a bank registry's line
            office := NEW.office_id; moment := NEW.paid_at;
        ELSIF NEW.status = 'paid' AND OLD.status IS DISTINCT FROM 'paid' THEN
            office := NEW.paid_office_id; moment := NEW.paid_at;
        ELSE
            RETURN NEW;
        END IF;
        IF public.console_cash_day_closed(office, moment) THEN
            RAISE EXCEPTION 'Кассовая смена офиса за % закрыта: платежи и выплаты в неё не '
                'вносятся; открыть её вновь может руководитель офиса',
                pg_catalog.to_char(moment, 'DD.MM.YYYY') {DENIED};
        END IF;
        RETURN NEW;
    END
$$"""

GUARD_REFUND = f"""RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER {SAFE} AS $$
    DECLARE me integer;
    BEGIN
        IF public.console_trusted() THEN RETURN NEW; END IF;
        me := public.console_require_staff();
        IF TG_OP = 'INSERT' THEN
            IF NEW.status <> 'registered' THEN
                RAISE EXCEPTION 'Новое заявление на возврат всегда «зарегистрировано»' {DENIED};
            END IF;
            IF NEW.amount <= 0 OR NOT EXISTS (
                SELECT 1 FROM public.account_holders h
                WHERE h.account_id = NEW.account_id AND h.customer_id = NEW.applicant_id
                  AND h.unbound_at IS NULL) THEN
                RAISE EXCEPTION 'Заявитель не привязан к этому лицевому счёту' {DENIED};
            END IF;
            NEW.registered_by_staff_id := me;
            NEW.registered_at := pg_catalog.now();
            NEW.reviewed_by_staff_id := NULL; NEW.decided_at := NULL;
            NEW.decision_reason := NULL; NEW.paid_at := NULL; NEW.closed_at := NULL;
            NEW.paid_by_staff_id := NULL; NEW.paid_office_id := NULL;
            NEW.cash_order_number := NULL; NEW.payment_order_number := NULL;
            NEW.payment_order_date := NULL; NEW.cheque_key := NULL; NEW.cheque_fn_number := NULL;
            NEW.cheque_fd_number := NULL; NEW.cheque_fiscal_sign := NULL;
            NEW.cheque_shift := NULL; NEW.cheque_at := NULL;
            RETURN NEW;
        END IF;
        PERFORM public.console_same(pg_catalog.to_jsonb(OLD), pg_catalog.to_jsonb(NEW),
            ARRAY['status', 'reviewed_by_staff_id', 'decided_at', 'decision_reason',
                  'paid_at', 'closed_at', 'version', {", ".join(f"'{c}'" for c in PAYOUT_COLUMNS)}]);
        IF NOT (OLD.status = 'approved' AND NEW.status = 'paid')
           AND ({", ".join(f"NEW.{c}" for c in PAYOUT_COLUMNS)}) IS DISTINCT FROM
               ({", ".join(f"OLD.{c}" for c in PAYOUT_COLUMNS)}) THEN
            RAISE EXCEPTION 'Сведения о выплате записываются один раз, вместе с отметкой '
                '«выплачено», и больше не изменяются' {DENIED};
        END IF;
        IF NEW.status = OLD.status THEN
            IF (NEW.reviewed_by_staff_id, NEW.decided_at, NEW.decision_reason, NEW.paid_at,
                NEW.closed_at) IS DISTINCT FROM (OLD.reviewed_by_staff_id, OLD.decided_at,
                OLD.decision_reason, OLD.paid_at, OLD.closed_at) THEN
                RAISE EXCEPTION 'Решение по заявлению меняется только вместе со статусом'
                    {DENIED};
            END IF;
            RETURN NEW;
        END IF;
        PERFORM public.console_require('supervisor',
            'Рассматривать, решать, выплачивать и закрывать заявления на возврат');
        IF NOT (OLD.status, NEW.status) IN (('registered', 'under_review'),
                ('registered', 'approved'), ('registered', 'rejected'),
                ('under_review', 'approved'), ('under_review', 'rejected'),
                ('approved', 'paid'), ('paid', 'closed'), ('rejected', 'closed')) THEN
            RAISE EXCEPTION 'Заявление нельзя перевести из «%» в «%»', OLD.status, NEW.status
                {DENIED};
        END IF;
        IF NEW.status IN ('under_review', 'approved', 'rejected') THEN
            IF OLD.registered_by_staff_id = me THEN
                RAISE EXCEPTION 'Заявление рассматривает другой сотрудник, не тот, кто его '
                    'зарегистрировал' {DENIED};
            END IF;
            NEW.reviewed_by_staff_id := me;
        END IF;
        IF NEW.status IN ('approved', 'rejected') THEN NEW.decided_at := pg_catalog.now();
        ELSE NEW.decided_at := OLD.decided_at; END IF;
        NEW.paid_at := CASE WHEN NEW.status = 'paid' THEN pg_catalog.now() ELSE OLD.paid_at END;
        NEW.closed_at := CASE WHEN NEW.status = 'closed' THEN pg_catalog.now()
                              ELSE OLD.closed_at END;
        IF NEW.status = 'paid' THEN
            NEW.paid_by_staff_id := me;
            NEW.paid_office_id := (SELECT s.office_id FROM public.staff s WHERE s.id = me);
            IF NEW.payout = 'cash' THEN
                IF NEW.cash_order_number IS NULL OR NEW.paid_office_id IS NULL
                   OR NEW.payment_order_number IS NOT NULL
                   OR NEW.payment_order_date IS NOT NULL THEN
                    RAISE EXCEPTION 'Выплата наличными оформляется расходным кассовым ордером '
                        'в кассе офиса' {DENIED};
                END IF;
                IF NEW.cheque_key IS NOT NULL
                   AND NEW.cheque_key <> 'refund-' || NEW.number THEN
                    RAISE EXCEPTION 'Чек возврата принадлежит другому заявлению' {DENIED};
                END IF;
            ELSE
                IF NEW.payment_order_number IS NULL
                   OR NEW.payment_order_number !~ '^[0-9]{{1,6}}$'
                   OR NEW.payment_order_date IS NULL
                   OR NEW.payment_order_date > pg_catalog.now()::date
                   OR NEW.payment_order_date < (OLD.decided_at)::date
                   OR NEW.cash_order_number IS NOT NULL OR NEW.cheque_key IS NOT NULL
                   OR NEW.cheque_fd_number IS NOT NULL THEN
                    RAISE EXCEPTION 'Выплату переводом подтверждают номер и дата платёжного '
                        'поручения (не раньше решения и не позже сегодняшнего дня)' {DENIED};
                END IF;
            END IF;
        END IF;
        RETURN NEW;
    END
$$"""

GUARD_CASH_DAY = f"""RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER {SAFE} AS $$
    DECLARE me integer; counted record; given uuid;
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'Кассовую смену не удаляют: её открывает вновь руководитель офиса'
                {DENIED};
        END IF;
        IF public.console_trusted() THEN RETURN NEW; END IF;
        me := public.console_require_staff();
        IF TG_OP = 'UPDATE' THEN
            IF NEW.office_id <> OLD.office_id OR NEW.day <> OLD.day
               OR NEW.starts_at <> OLD.starts_at OR NEW.ends_at <> OLD.ends_at THEN
                RAISE EXCEPTION 'Офис и день кассовой смены не изменяются' {DENIED};
            END IF;
            IF OLD.status = 'closed' AND NEW.status = 'reopened' THEN
                PERFORM public.console_require('supervisor', 'Открыть закрытую кассовую смену');
                PERFORM public.console_same(pg_catalog.to_jsonb(OLD), pg_catalog.to_jsonb(NEW),
                    ARRAY['status', 'reopened_at', 'reopened_by_staff_id', 'reopen_reason',
                          'version']);
                IF pg_catalog.length(pg_catalog.btrim(COALESCE(NEW.reopen_reason, ''))) < 5 THEN
                    RAISE EXCEPTION 'Укажите причину, по которой смена открывается вновь'
                        {DENIED};
                END IF;
                NEW.reopened_by_staff_id := me;
                NEW.reopened_at := pg_catalog.now();
                RETURN NEW;
            END IF;
            IF NOT (OLD.status = 'reopened' AND NEW.status = 'closed') THEN
                RAISE EXCEPTION 'Закрытая кассовая смена не изменяется: её открывает вновь '
                    'руководитель офиса' {DENIED};
            END IF;
            NEW.reopened_at := OLD.reopened_at;
            NEW.reopened_by_staff_id := OLD.reopened_by_staff_id;
            NEW.reopen_reason := OLD.reopen_reason;
        ELSE
            IF NEW.status <> 'closed' THEN
                RAISE EXCEPTION 'Кассовая смена записывается закрытой' {DENIED};
            END IF;
            IF NEW.ends_at - NEW.starts_at NOT BETWEEN interval '23 hours' AND interval '25 hours'
               OR NEW.starts_at > pg_catalog.now()
               OR NEW.day NOT BETWEEN (NEW.starts_at AT TIME ZONE 'UTC')::date - 1
                                  AND (NEW.starts_at AT TIME ZONE 'UTC')::date + 1 THEN
                RAISE EXCEPTION 'Границы дня кассовой смены неверны' {DENIED};
            END IF;
            NEW.reopened_at := NULL; NEW.reopened_by_staff_id := NULL; NEW.reopen_reason := NULL;
        END IF;
        -- Closing (first or again): the figures are the database's, the handover is proven.
        PERFORM pg_catalog.pg_advisory_xact_lock({LOCK_CLASS}, NEW.office_id);
        IF NOT EXISTS (SELECT 1 FROM public.staff s WHERE s.id = me
                       AND s.office_id = NEW.office_id) AND NOT public.console_is('supervisor') THEN
            RAISE EXCEPTION 'Кассовую смену закрывает сотрудник этого офиса' {DENIED};
        END IF;
        SELECT * INTO counted FROM public.console_cash_day_figures(NEW.office_id,
            NEW.starts_at, NEW.ends_at);
        IF NEW.cash_in <> counted.cash_in OR NEW.cash_out <> counted.cash_out THEN
            RAISE EXCEPTION 'Итоги смены не совпадают с платежами и выплатами за день: '
                'принято %, выдано %', counted.cash_in, counted.cash_out {DENIED};
        END IF;
        IF NEW.kkt_cash_in IS NULL OR NEW.kkt_cash_out IS NULL THEN
            IF NEW.difference <> 0 THEN
                RAISE EXCEPTION 'Расхождение считается по итогам ККТ' {DENIED};
            END IF;
        ELSIF NEW.difference <> (NEW.kkt_cash_in - NEW.kkt_cash_out)
                                - (NEW.cash_in - NEW.cash_out) THEN
            RAISE EXCEPTION 'Расхождение — это итог ККТ минус итог по базе' {DENIED};
        END IF;
        IF NEW.difference <> 0
           AND pg_catalog.length(pg_catalog.btrim(COALESCE(NEW.explanation, ''))) < 5 THEN
            RAISE EXCEPTION 'Есть расхождение с ККТ: без объяснения смену не закрывают'
                {DENIED};
        END IF;
        NEW.closed_by_staff_id := me;
        NEW.closed_at := pg_catalog.now();
        IF NEW.received_by_staff_id IS NULL OR NEW.received_by_staff_id = me THEN
            RAISE EXCEPTION 'Кассу принимает другой сотрудник, не тот, кто её сдаёт' {DENIED};
        END IF;
        -- Proof that the receiver agreed: the one-time token their own login issued.
        given := NULLIF(pg_catalog.current_setting('console.approval', true), '')::uuid;
        UPDATE public.console_approvals a SET used_at = pg_catalog.now()
         WHERE a.token = given AND a.staff_id = NEW.received_by_staff_id
           AND a.created_at > pg_catalog.now() - interval '15 minutes'
           AND (a.used_at IS NULL OR a.used_at = pg_catalog.now());
        IF NOT FOUND THEN
            RAISE EXCEPTION 'Подтверждение принимающего не найдено или устарело: он '
                'подтверждает своим логином и паролем' {DENIED};
        END IF;
        RETURN NEW;
    END
$$"""

#: (signature, definition)
FUNCTIONS = (
    ("console_cash_day_figures(p_office integer, p_from timestamptz, p_to timestamptz)", FIGURES),
    ("console_cash_day_closed(p_office integer, p_at timestamptz)", CLOSED_AT),
    ("console_guard_cash_day_entry()", GUARD_ENTRY),
    ("console_guard_cash_day()", GUARD_CASH_DAY),
)
#: Fires after 0005's own guard of the table (names sort after it), which stamps paid_at.
TRIGGERS = (
    ("payments_guard_day", "payments"),
    ("refund_applications_guard_day", "refund_applications"),
    ("cash_days_guard", "cash_days"),
)


def _install() -> None:
    for trigger, table in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    for signature, definition in FUNCTIONS:
        op.execute(f"CREATE OR REPLACE FUNCTION public.{signature} {definition}")
        op.execute(f"REVOKE ALL ON FUNCTION public.{signature.split('(')[0]}("
                   f"{_types(signature)}) FROM PUBLIC")  # fmt: skip
    op.execute(f"CREATE OR REPLACE FUNCTION public.console_guard_refund() {GUARD_REFUND}")
    op.execute(
        "CREATE TRIGGER payments_guard_day BEFORE INSERT ON payments FOR EACH ROW "
        "EXECUTE FUNCTION public.console_guard_cash_day_entry()"
    )
    op.execute(
        "CREATE TRIGGER refund_applications_guard_day BEFORE UPDATE ON refund_applications "
        "FOR EACH ROW EXECUTE FUNCTION public.console_guard_cash_day_entry()"
    )
    op.execute(
        "CREATE TRIGGER cash_days_guard BEFORE INSERT OR UPDATE OR DELETE ON cash_days "
        "FOR EACH ROW EXECUTE FUNCTION public.console_guard_cash_day()"
    )
    rows = op.get_bind().execute(sa.text("SELECT kind, rolname FROM console_groups")).all()
    groups = {str(k): str(r) for k, r in rows}
    if "clerk" not in groups:
        return
    clerk = f'"{groups["clerk"]}"'
    op.execute(f"GRANT SELECT, INSERT ON cash_days TO {clerk}")
    op.execute(f"GRANT USAGE ON SEQUENCE cash_days_id_seq TO {clerk}")
    listed = ", ".join(f'"{c}"' for c in CASH_DAY_COLUMNS)
    op.execute(f"GRANT UPDATE ({listed}) ON cash_days TO {clerk}")
    payout = ", ".join(f'"{c}"' for c in PAYOUT_COLUMNS)
    op.execute(f"GRANT UPDATE ({payout}) ON refund_applications TO {clerk}")
    # The clerk group reads the refund table as a whole (0005): the new columns come with it.
    op.execute(f"GRANT SELECT ON refund_applications TO {clerk}")
    op.execute(
        "GRANT EXECUTE ON FUNCTION public.console_cash_day_figures(integer, timestamptz, "
        f"timestamptz) TO {clerk}"
    )


def _types(signature: str) -> str:
    inside = signature.split("(", 1)[1].rstrip(")")
    return ", ".join(part.split()[-1] for part in inside.split(",") if part.strip())

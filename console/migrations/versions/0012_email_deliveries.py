"""bills by e-mail: every send of a stored payment document; the paper-refusal applications

Revision ID: 0012_email_deliveries
Revises: 0011_payees_and_batch_pages
Create Date: 2026-12-07

``email_deliveries``: one row per e-mail of a stored payment document (``issued_documents``):
the monthly run's row is unique per (account, month, kind, copy), so a rerun sends nothing twice;
a clerk's «Отправить по e-mail» adds copies. ``paper_refusals``: «Заявление об отказе от получения
платёжного документа на бумажном носителе», numbered, made in the transaction that switched the
account to e-mail.

PostgreSQL holds the rules whatever client connects (a clerk's login works in psql):
- rows are inserted «в очереди» only, for a payment document issued for that account and month
  with the same checksum, to the account's own delivery address; the monthly run (kind
  ``monthly``) is a supervisor's; who and when are stamped from ``session_user`` and ``now()``;
- the status moves only along queued → sending → sent | failed | bounced and failed/sending →
  sending; «отправлено» only from «отправляется», with the Message-ID chosen before the SMTP
  transaction unchanged, stamped with the login and the time; sent and bounced rows are final;
  the document, address, account and month never change; nothing is deleted (no grant);
- a paper refusal is accepted only for an account whose delivery is e-mail to that address at
  that moment (the same transaction as the switch), and a customer bound to it.
The database cannot see the SMTP server's answer: a login that also knows the SMTP password could
claim a send it did not make — the audit trail names that login.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_email_deliveries"
down_revision: str | Sequence[str] | None = "0011_payees_and_batch_pages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SAFE = "SET search_path = pg_catalog, public, pg_temp"
DENIED = "USING ERRCODE = 'insufficient_privilege'"
UPDATABLE = (
    "status", "attempts", "next_attempt_at", "last_error", "smtp_code", "message_id",
    "sent_at", "updated_at", "sent_by_staff_id",
)  # fmt: skip

GUARD_DELIVERY = f"""
DECLARE me integer;
BEGIN
    IF public.console_trusted() THEN RETURN NEW; END IF;
    me := public.console_require_staff();
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'queued' THEN
            RAISE EXCEPTION 'Отправка записывается только «в очереди»' {DENIED};
        END IF;
        IF NEW.kind = 'monthly' THEN
            PERFORM public.console_require('supervisor', 'Запускать рассылку платёжных документов');
        END IF;
        IF NOT EXISTS (SELECT 1 FROM public.issued_documents d
                       WHERE d.id = NEW.document_id AND d.kind = 'payment_document'
                         AND d.account_id = NEW.account_id AND d.period = NEW.period
                         AND d.sha256 = NEW.sha256) THEN
            RAISE EXCEPTION 'Отправляется только выданный платёжный документ этого счёта за этот '
                'месяц' {DENIED};
        END IF;
        IF NOT EXISTS (SELECT 1 FROM public.accounts a
                       WHERE a.id = NEW.account_id AND a.delivery_email = NEW.address) THEN
            RAISE EXCEPTION 'Документ отправляется только на адрес доставки лицевого счёта'
                {DENIED};
        END IF;
        NEW.attempts := 0; NEW.next_attempt_at := NULL; NEW.last_error := NULL;
        NEW.smtp_code := NULL; NEW.sent_at := NULL; NEW.sent_by_staff_id := NULL;
        NEW.staff_id := me; NEW.created_at := pg_catalog.now(); NEW.updated_at := pg_catalog.now();
        RETURN NEW;
    END IF;
    PERFORM public.console_same(pg_catalog.to_jsonb(OLD), pg_catalog.to_jsonb(NEW),
        ARRAY['{"', '".join(UPDATABLE)}']);
    IF OLD.status IN ('sent', 'bounced') THEN
        RAISE EXCEPTION 'Отправка завершена: её запись не изменяется' {DENIED};
    END IF;
    IF NOT (OLD.status, NEW.status) IN (('queued', 'sending'), ('failed', 'sending'),
            ('sending', 'sending'), ('sending', 'sent'), ('sending', 'failed'),
            ('sending', 'bounced')) THEN
        RAISE EXCEPTION 'Отправку нельзя перевести из «%» в «%»', OLD.status, NEW.status {DENIED};
    END IF;
    NEW.updated_at := pg_catalog.now();
    IF NEW.status = 'sending' THEN
        -- One more attempt, under the Message-ID chosen for this row (kept on every retry).
        IF NEW.message_id IS NULL
           OR (OLD.message_id IS NOT NULL AND NEW.message_id <> OLD.message_id) THEN
            RAISE EXCEPTION 'Message-ID письма задаётся один раз, до отправки' {DENIED};
        END IF;
        NEW.attempts := OLD.attempts + 1;
        NEW.sent_by_staff_id := me;
        NEW.sent_at := NULL;
        RETURN NEW;
    END IF;
    -- The outcome of the attempt just made, by the login that made it.
    IF NEW.message_id IS DISTINCT FROM OLD.message_id OR NEW.attempts <> OLD.attempts
       OR OLD.sent_by_staff_id IS DISTINCT FROM me THEN
        RAISE EXCEPTION 'Итог отправки записывает тот, кто отправлял' {DENIED};
    END IF;
    NEW.sent_by_staff_id := me;
    IF NEW.status = 'sent' THEN
        NEW.sent_at := pg_catalog.now(); NEW.next_attempt_at := NULL; NEW.last_error := NULL;
    ELSE
        NEW.sent_at := NULL;
    END IF;
    RETURN NEW;
END"""

GUARD_REFUSAL = f"""
DECLARE me integer;
BEGIN
    IF public.console_trusted() THEN RETURN NEW; END IF;
    me := public.console_require_staff();
    IF NOT EXISTS (SELECT 1 FROM public.accounts a
                   WHERE a.id = NEW.account_id AND a.bill_delivery = 'email'
                     AND a.delivery_email = NEW.email) THEN
        RAISE EXCEPTION 'Заявление об отказе от бумажного документа оформляется при переводе '
            'счёта на доставку по e-mail' {DENIED};
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.account_holders h
                   WHERE h.account_id = NEW.account_id AND h.customer_id = NEW.customer_id
                     AND h.unbound_at IS NULL) THEN
        RAISE EXCEPTION 'Заявление подаёт клиент, привязанный к лицевому счёту' {DENIED};
    END IF;
    NEW.staff_id := me;
    NEW.created_at := pg_catalog.now();
    NEW.signed_on := CURRENT_DATE;
    RETURN NEW;
END"""


def upgrade() -> None:
    # Harmless twice (a database re-stamped to an older revision runs this again).
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "email_deliveries" not in existing:
        _email_deliveries()
    if "paper_refusals" not in existing:
        _paper_refusals()
    if op.get_bind().dialect.name == "postgresql":
        _guard()


def _email_deliveries() -> None:
    op.create_table(
        "email_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("monthly", "manual", name="emailkind", native_enum=False,
                    create_constraint=True, length=12),
            nullable=False,
        ),  # fmt: skip
        sa.Column("copy", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=120), nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "sending", "sent", "failed", "bounced", name="emailstatus",
                    native_enum=False, create_constraint=True, length=12),
            nullable=False,
        ),  # fmt: skip
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("smtp_code", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=True),
        sa.Column("run_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("sent_by_staff_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_email_deliveries_account_id_accounts")),
        sa.ForeignKeyConstraint(["document_id"], ["issued_documents.id"],
                                name=op.f("fk_email_deliveries_document_id_issued_documents")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"],
                                name=op.f("fk_email_deliveries_staff_id_staff")),
        sa.ForeignKeyConstraint(["sent_by_staff_id"], ["staff.id"],
                                name=op.f("fk_email_deliveries_sent_by_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_deliveries")),
        sa.UniqueConstraint("account_id", "period", "kind", "copy",
                            name=op.f("uq_email_deliveries_account_id_period_kind_copy")),
    )  # fmt: skip
    op.create_index("ix_email_deliveries_period_status", "email_deliveries", ["period", "status"])


def _paper_refusals() -> None:
    op.create_table(
        "paper_refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=120), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_paper_refusals_account_id_accounts")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_paper_refusals_customer_id_customers")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"],
                                name=op.f("fk_paper_refusals_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_refusals")),
        sa.UniqueConstraint("number", name=op.f("uq_paper_refusals_number")),
    )  # fmt: skip
    op.create_index("ix_paper_refusals_account_id", "paper_refusals", ["account_id"])


def _guard() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for name, body in (("console_guard_email_delivery", GUARD_DELIVERY),
                       ("console_guard_paper_refusal", GUARD_REFUSAL)):  # fmt: skip
        op.execute(
            f"CREATE OR REPLACE FUNCTION public.{name}() RETURNS trigger LANGUAGE plpgsql "
            f"SECURITY DEFINER {SAFE} AS $$ {body} $$"
        )
        op.execute(f"REVOKE ALL ON FUNCTION public.{name}() FROM PUBLIC")
    op.execute("DROP TRIGGER IF EXISTS email_deliveries_guard ON email_deliveries")
    op.execute("DROP TRIGGER IF EXISTS paper_refusals_guard ON paper_refusals")
    op.execute(
        "CREATE TRIGGER email_deliveries_guard BEFORE INSERT OR UPDATE ON email_deliveries "
        "FOR EACH ROW EXECUTE FUNCTION public.console_guard_email_delivery()"
    )
    op.execute(
        "CREATE TRIGGER paper_refusals_guard BEFORE INSERT ON paper_refusals "
        "FOR EACH ROW EXECUTE FUNCTION public.console_guard_paper_refusal()"
    )
    clerk = (
        op.get_bind()
        .execute(sa.text("SELECT rolname FROM console_groups WHERE kind = 'clerk'"))
        .scalar()
    )
    if clerk is None:  # a database 0005 never locked down: nothing to grant to
        return
    columns = ", ".join(f'"{c}"' for c in UPDATABLE)
    for statement in (
        "GRANT SELECT, INSERT ON email_deliveries, paper_refusals TO {g}",
        "GRANT USAGE ON SEQUENCE email_deliveries_id_seq, paper_refusals_id_seq TO {g}",
        f"GRANT UPDATE ({columns}) ON email_deliveries TO {{g}}",
    ):
        op.execute(statement.format(g=f'"{clerk}"'))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SET LOCAL lock_timeout = '5s'")
        op.execute("DROP TRIGGER IF EXISTS email_deliveries_guard ON email_deliveries")
        op.execute("DROP TRIGGER IF EXISTS paper_refusals_guard ON paper_refusals")
        op.execute("DROP FUNCTION IF EXISTS public.console_guard_email_delivery()")
        op.execute("DROP FUNCTION IF EXISTS public.console_guard_paper_refusal()")
    op.drop_index("ix_paper_refusals_account_id", table_name="paper_refusals")
    op.drop_table("paper_refusals")
    op.drop_index("ix_email_deliveries_period_status", table_name="email_deliveries")
    op.drop_table("email_deliveries")

"""a payment is reversed by a supervisor other than the one who took it

Revision ID: 0013_reversal_by_another
Revises: 0012_email_deliveries
Create Date: 2026-12-07

Dual control of сторно: a supervisor who took a payment at a desk could otherwise reverse it
themselves — with a «возврат прихода» cheque the cash register and the till would both agree
that the money went back, whether it did or not. Now another supervisor reverses it; the
database refuses the reversing row when the login inserting it is the one that took the
original payment. Harmless twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013_reversal_by_another"
down_revision: str | Sequence[str] | None = "0012_email_deliveries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DENIED = "USING ERRCODE = 'insufficient_privilege'"

GUARD = f"""RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF NEW.reversal_of_id IS NULL OR public.console_trusted() THEN RETURN NEW; END IF;
    IF EXISTS (SELECT 1 FROM public.payments p
               WHERE p.id = NEW.reversal_of_id
                 AND p.staff_id = public.console_require_staff()) THEN
        RAISE EXCEPTION 'Свой платёж не сторнируют: сторно делает другой руководитель офиса'
            {DENIED};
    END IF;
    RETURN NEW;
END
$$"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # the services check the same on SQLite (counter.reverse_payment)
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("DROP TRIGGER IF EXISTS payments_guard_reversal ON payments")
    op.execute(f"CREATE OR REPLACE FUNCTION public.console_guard_reversal() {GUARD}")
    op.execute("REVOKE ALL ON FUNCTION public.console_guard_reversal() FROM PUBLIC")
    op.execute(
        "CREATE TRIGGER payments_guard_reversal BEFORE INSERT ON payments FOR EACH ROW "
        "EXECUTE FUNCTION public.console_guard_reversal()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS payments_guard_reversal ON payments")
    op.execute("DROP FUNCTION IF EXISTS public.console_guard_reversal()")

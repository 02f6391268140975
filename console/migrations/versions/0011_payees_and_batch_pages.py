"""payees: a supplier's payment agent; the pages of a stored batch of payment documents

Revision ID: 0011_payees_and_batch_pages
Revises: 0010_cash_days
Create Date: 2026-12-07

``suppliers.collected_by_agent_id``: where the retailer (or another supplier) is contractually
the payment agent of this supplier, the payment document carries one QR code to the agent for
both, and says so in words; NULL (the default) gives this supplier a QR code of its own.

``issued_document_pages``: a batch stores the one PDF it rendered as an ``issued_documents``
row without an account, and here which page of it is which account's document for a month, so
a reprint of a batch or of one of its documents comes from the stored bytes, never re-rendered.
Staff read it; a supervisor (batch printing) writes it; nobody updates or deletes it. An
administrator sets the agent (UPDATE of that one column, like the other reference columns).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_payees_and_batch_pages"
down_revision: str | Sequence[str] | None = "0010_cash_days"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Harmless twice (a database re-stamped to an older revision runs it again).
    inspector = sa.inspect(op.get_bind())
    if "collected_by_agent_id" not in {c["name"] for c in inspector.get_columns("suppliers")}:
        with op.batch_alter_table("suppliers", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "collected_by_agent_id", sa.Integer(), nullable=True,
                    server_default=sa.text("NULL"),
                )
            )  # fmt: skip
            batch_op.create_foreign_key(
                op.f("fk_suppliers_collected_by_agent_id_suppliers"),
                "suppliers",
                ["collected_by_agent_id"],
                ["id"],
            )
    if not inspector.has_table("issued_document_pages"):
        _create_pages()
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(GRANTS)


def _create_pages() -> None:
    op.create_table(
        "issued_document_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issued_document_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issued_document_id"],
            ["issued_documents.id"],
            name=op.f("fk_issued_document_pages_issued_document_id_issued_documents"),
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_issued_document_pages_account_id_accounts"),
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_document_pages")),
        sa.UniqueConstraint(
            "issued_document_id",
            "page",
            name=op.f("uq_issued_document_pages_issued_document_id_page"),
        ),
    )
    op.create_index(
        "ix_issued_document_pages_account_period",
        "issued_document_pages",
        ["account_id", "period"],
    )


GRANTS = """
        DO $$
        DECLARE g record; seq text;
        BEGIN
            seq := pg_catalog.pg_get_serial_sequence('public.issued_document_pages', 'id');
            FOR g IN SELECT k.rolname::text AS name, k.kind FROM public.console_groups k
                     WHERE k.kind IN ('clerk', 'supervisor', 'admin')
            LOOP
                IF g.kind = 'clerk' THEN
                    EXECUTE pg_catalog.format(
                        'GRANT SELECT ON public.issued_document_pages TO %I', g.name);
                    EXECUTE pg_catalog.format(
                        'GRANT SELECT (collected_by_agent_id) ON public.suppliers TO %I',
                        g.name);
                ELSIF g.kind = 'admin' THEN
                    EXECUTE pg_catalog.format(
                        'GRANT UPDATE (collected_by_agent_id) ON public.suppliers TO %I',
                        g.name);
                ELSE
                    EXECUTE pg_catalog.format(
                        'GRANT INSERT ON public.issued_document_pages TO %I', g.name);
                    EXECUTE pg_catalog.format('GRANT USAGE ON SEQUENCE %s TO %I', seq, g.name);
                END IF;
            END LOOP;
        END $$
        """


def downgrade() -> None:
    op.drop_index("ix_issued_document_pages_account_period", table_name="issued_document_pages")
    op.drop_table("issued_document_pages")
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("fk_suppliers_collected_by_agent_id_suppliers"), type_="foreignkey"
        )
        batch_op.drop_column("collected_by_agent_id")

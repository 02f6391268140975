"""name lookup: a prefix index on customers.search_text

Revision ID: 0003_lookup
Revises: 0002
Create Date: 2026-11-22

A surname is typed from its beginning ("иванов п с" → LIKE 'иванов п% с%'). The trigram GIN
index answers that too, but every common trigram ("ова", "нов", " ив") drags a posting list of
hundreds of thousands of rows through the scan: 30–150 ms on a million customers. A B-tree with
text_pattern_ops turns the prefix into a range scan (about 1 ms), and INCLUDE (id) lets the
rest of the pattern be checked without visiting the table. On SQLite it is a plain index.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003_lookup"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_customers_search_text_prefix",
        "customers",
        ["search_text"],
        postgresql_ops={"search_text": "text_pattern_ops"},
        postgresql_include=["id"],
        if_not_exists=True,  # running it again (a re-stamped database) is harmless
    )


def downgrade() -> None:
    op.drop_index("ix_customers_search_text_prefix", table_name="customers", if_exists=True)

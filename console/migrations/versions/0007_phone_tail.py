"""lookup by the end of a phone number: an index on the reversed phone

Revision ID: 0007_phone_tail
Revises: 0006_personal_data
Create Date: 2026-12-07

A customer at the counter remembers the last digits of the phone they gave ("918-74-99"). The
phone is stored in E.164 ("+79129187499"), so its end is the beginning of the reversed text: a
B-tree with text_pattern_ops on reverse(phone) turns LIKE '9947819%' into a range scan. SQLite
(one desk, a few thousand customers) scans.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007_phone_tail"
down_revision: str | Sequence[str] | None = "0006_personal_data"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_customers_phone_reversed "
        "ON customers (reverse(phone) text_pattern_ops) WHERE phone IS NOT NULL"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_customers_phone_reversed")

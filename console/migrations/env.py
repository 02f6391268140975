"""Alembic environment: runs on the connection console.services.core.schema hands over."""

from __future__ import annotations

from alembic import context

from console.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - always run through console.services.core.schema
    raise RuntimeError("Run migrations with `console db upgrade`.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

"""possible duplicates: names a letter or two off with the same sealed birth date

Revision ID: 0008_similar_person
Revises: 0007_phone_tail
Create Date: 2026-12-07

Registration warns when a customer born the same day has a name a letter or two off
(«Островской» typed, «Островская» on file). The birth date is sealed (0006), so the search
is one more SECURITY DEFINER function beside ``console_pd_same_person``: pg_trgm preselects by
the search text (its GIN index of 0001), only those candidates are opened, ids only (at most
50) come back, and a hit is recorded as ``customer.search_person``, as the exact search is.
SQLite does the same in Python (services/privacy/identity.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008_similar_person"
down_revision: str | Sequence[str] | None = "0007_phone_tail"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIGNATURE = "console_pd_similar_person(text, date, jsonb)"
SEARCH_PATH = "SET search_path = pg_catalog, public, pg_temp"
#: pg_trgm's similarity of the whole search text the candidate must reach (the service then
#: compares surname + name with difflib): low on purpose, the birth date does the narrowing.
BODY = """
    RETURNS SETOF integer LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
        ids integer[];
    BEGIN
        IF pg_catalog.length(COALESCE(p_name, '')) < 3 OR p_birth IS NULL THEN
            RETURN;
        END IF;
        SELECT pg_catalog.array_agg(id ORDER BY id) INTO ids FROM (
            SELECT c.id FROM public.customers c
            JOIN public.customer_identities i ON i.customer_id = c.id
            WHERE public.similarity(c.search_text, p_name) >= 0.3
              AND (public.console_pd_open(i.sealed)->>'birth_date')::date = p_birth
            ORDER BY public.similarity(c.search_text, p_name) DESC, c.id LIMIT 50) hit;
        IF ids IS NOT NULL THEN
            PERFORM public.console_pd_audit('customer.search_person', NULL, NULL, NULL,
                pg_catalog.jsonb_build_object('found', pg_catalog.cardinality(ids),
                                              'similar', 1),
                p_context);
            RETURN QUERY SELECT pg_catalog.unnest(ids);
        END IF;
    END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute(
        "CREATE OR REPLACE FUNCTION public.console_pd_similar_person("
        f"p_name text, p_birth date, p_context jsonb) {BODY} SECURITY DEFINER {SEARCH_PATH}"
    )
    op.execute(f"REVOKE ALL ON FUNCTION public.{SIGNATURE} FROM PUBLIC")
    op.execute(
        f"""
        DO $$
        DECLARE g text;
        BEGIN
            FOR g IN SELECT k.rolname::text FROM public.console_groups k
                     WHERE k.kind IN ('clerk', 'supervisor', 'admin')
            LOOP
                EXECUTE format('GRANT EXECUTE ON FUNCTION public.{SIGNATURE} TO %I', g);
            END LOOP;
        END $$
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP FUNCTION IF EXISTS public.{SIGNATURE}")

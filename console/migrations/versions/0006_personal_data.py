"""personal data behind the database boundary (152-ФЗ ст.19)

Revision ID: 0006_personal_data
Revises: 0005_security_boundary
Create Date: 2026-11-23

Passport series/number, issue details, СНИЛС and birth date leave ``customers`` and
``passport_records`` for a sealed JSON object:
- ``customer_identities`` (customer_id, passport_hash, sealed) and ``passport_records.sealed``.
  On PostgreSQL ``sealed`` is AES-256-CBC with a random IV (pgcrypto ``encrypt_iv``), the key in
  ``console_secrets``; both tables are the owner's alone. Measured on 126 871 customers:
  encrypt_iv 1.1 s, pgp_sym_encrypt with s2k-mode=1 3.7 s, with the default iterated s2k 41 s
  (decrypting one record: microseconds either way). The tables are not reachable by staff,
  so the seal keeps the values out of dumps, backups and replicas, where pgp's integrity
  check would add little.
- ``passport_hash``: HMAC-SHA256 of series + number under a second key, unique, so one
  passport stays one customer without anyone reading a passport column.
- ``customers.passport_masked`` («71 ** ******») is what lists and cards show.
Staff reach the values only through the SECURITY DEFINER functions below, each of which
returns one record or an id and writes its own audit event (never a full number in it).

SQLite (one desk) has no boundary: the same tables hold plain JSON and the same hash, and the
services do in Python what the functions do here (services/identity.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006_personal_data"
down_revision: str | Sequence[str] | None = "0005_security_boundary"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PD_COLUMNS = (
    "passport_series", "passport_number", "passport_issued_by", "passport_issued_on",
    "passport_division_code", "snils", "birth_date",
)  # fmt: skip
RECORD_COLUMNS = ("series", "number", "issued_by", "issued_on", "division_code")
SEARCH_PATH = "SET search_path = pg_catalog, public, pg_temp"
#: Granted to the staff groups; the others (key, seal, open, hash, audit) are the owner's.
PUBLIC_FUNCTIONS = (
    "console_pd_set(integer, text, text, text, date, text, text, date, jsonb)",
    "console_pd_reveal(integer, integer, text, jsonb)",
    "console_pd_find(text, text, text, jsonb)",
    "console_pd_matches(integer, text, text, jsonb)",
    "console_pd_same_person(text, date, jsonb)",
)
PRIVATE_FUNCTIONS = (
    "console_pd_key(text)",
    "console_pd_hash(text, text)",
    "console_pd_seal(jsonb)",
    "console_pd_open(bytea)",
    "console_pd_actor(jsonb)",
    "console_pd_audit(text, integer, integer, jsonb, jsonb, jsonb)",
)


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    """Running it again (a re-stamped database) is harmless: what is done is not redone."""
    bind = op.get_bind()
    postgres = _is_postgres()
    if postgres:
        op.execute("SET LOCAL lock_timeout = '5s'")  # never queue clerks behind the migration
        op.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
    inspector = sa.inspect(bind)
    if not inspector.has_table("console_secrets"):
        op.create_table(
            "console_secrets",
            sa.Column("name", sa.String(length=32), nullable=False),
            sa.Column("value", sa.LargeBinary(), nullable=False),
            sa.PrimaryKeyConstraint("name", name=op.f("pk_console_secrets")),
        )
    if not inspector.has_table("customer_identities"):
        _create_identities()
    plain = "passport_series" in {c["name"] for c in inspector.get_columns("customers")}
    if postgres:
        _revoke_from_staff("console_secrets", "customer_identities")
        op.execute(
            "INSERT INTO console_secrets (name, value) "
            f"VALUES ('pd_seal', {_ext()}.gen_random_bytes(32)), "
            f"('pd_hash', {_ext()}.gen_random_bytes(32)) ON CONFLICT (name) DO NOTHING"
        )
        _create_functions()
        if plain:
            _move_postgres()
        _protect_passport_records()
        _grant_functions()
    else:
        have = {row[0] for row in bind.exec_driver_sql("SELECT name FROM console_secrets")}
        secrets = sa.table("console_secrets", sa.column("name"), sa.column("value"))
        missing = [{"name": n, "value": os.urandom(32)} for n in ("pd_hash", "pd_seal")
                   if n not in have]  # fmt: skip
        if missing:
            op.bulk_insert(secrets, missing)
        if plain:
            _move_sqlite()


def _create_identities() -> None:
    op.create_table(
        "customer_identities",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("passport_hash", sa.String(length=64), nullable=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"],
            name=op.f("fk_customer_identities_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_identities")),
    )  # fmt: skip
    where = sa.text("passport_hash IS NOT NULL")
    op.create_index(
        "uq_customer_identities_passport_hash", "customer_identities", ["passport_hash"],
        unique=True, postgresql_where=where, sqlite_where=where,
    )  # fmt: skip


# --- PostgreSQL ----------------------------------------------------------------------------


def _ext() -> str:
    """The schema pgcrypto lives in (public unless a DBA put it elsewhere), quoted."""
    schema = (
        op.get_bind()
        .exec_driver_sql(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pgcrypto'"
        )
        .scalar_one()
    )
    return '"' + str(schema).replace('"', '""') + '"'


#: The staff groups of this database (0005's console_groups) and the old cluster-wide ones.
_STAFF_GROUPS = """
    SELECT g.rolname::text FROM public.console_groups g
    WHERE g.kind IN ('clerk', 'supervisor', 'admin')
"""
_OLD_GROUPS = """
    SELECT r.rolname::text FROM pg_catalog.pg_roles r
    WHERE r.rolname IN ('console_clerk', 'console_supervisor', 'console_admin')
"""


def _for_each_group(statement: str, *, old_too: bool = False) -> None:
    """Run ``statement`` (with %I for the group) for every staff group of this database;
    ``old_too`` adds 0002's shared groups (to take back what they were given)."""
    query = _STAFF_GROUPS + (f" UNION {_OLD_GROUPS}" if old_too else "")
    op.execute(
        f"""
        DO $$
        DECLARE g text;
        BEGIN
            FOR g IN {query}
            LOOP
                EXECUTE format($f${statement}$f$, g);
            END LOOP;
        END $$
        """
    )


def _revoke_from_staff(*tables: str) -> None:
    for table in tables:
        # Default deny (0005) already; said again, since 0002's defaults gave clerks everything.
        op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
        _for_each_group(f"REVOKE ALL ON public.{table} FROM %I", old_too=True)


def _functions(ext: str) -> dict[str, str]:
    sealed_fields = (
        "'series', s, 'number', n, 'issued_by', p_issued_by, 'issued_on', p_issued_on, "
        "'division_code', p_division, 'snils', p_snils, 'birth_date', p_birth"
    )
    return {
        "console_pd_key(p_name text)": """
            RETURNS bytea LANGUAGE sql STABLE AS $$
                SELECT s.value FROM public.console_secrets s WHERE s.name = p_name
            $$""",
        "console_pd_hash(p_series text, p_number text)": f"""
            RETURNS text LANGUAGE sql STABLE AS $$
                SELECT CASE WHEN p_series IS NULL OR p_number IS NULL THEN NULL ELSE
                    pg_catalog.encode({ext}.hmac(
                        pg_catalog.convert_to(p_series || p_number, 'UTF8'),
                        public.console_pd_key('pd_hash'), 'sha256'), 'hex') END
            $$""",
        # AES-256-CBC, a fresh IV in front of each ciphertext.
        "console_pd_seal(p_values jsonb)": f"""
            RETURNS bytea LANGUAGE sql VOLATILE AS $$
                SELECT iv || {ext}.encrypt_iv(
                    pg_catalog.convert_to(pg_catalog.jsonb_strip_nulls(p_values)::text, 'UTF8'),
                    public.console_pd_key('pd_seal'), iv, 'aes-cbc/pad:pkcs')
                FROM (SELECT {ext}.gen_random_bytes(16) AS iv) fresh
            $$""",
        "console_pd_open(p_sealed bytea)": f"""
            RETURNS jsonb LANGUAGE sql STABLE AS $$
                SELECT pg_catalog.convert_from({ext}.decrypt_iv(
                    pg_catalog.substr(p_sealed, 17), public.console_pd_key('pd_seal'),
                    pg_catalog.substr(p_sealed, 1, 16), 'aes-cbc/pad:pkcs'),
                    'UTF8')::jsonb
            $$""",
        # The actor is the login (0005's console_staff_id). The trusted owner or a superuser
        # (migrations, the CLI as owner, the test fixtures) may name whom it acts for, as the
        # audit trigger of 0005 lets it; nobody else can.
        "console_pd_actor(p_context jsonb)": """
            RETURNS integer LANGUAGE sql STABLE AS $$
                SELECT CASE WHEN public.console_trusted()
                    THEN COALESCE((p_context->>'staff_id')::integer, public.console_staff_id())
                    ELSE public.console_staff_id() END
            $$""",
        "console_pd_audit(p_action text, p_customer integer, p_account integer, "
        "p_before jsonb, p_after jsonb, p_context jsonb)": """
            RETURNS void LANGUAGE plpgsql VOLATILE AS $$
            DECLARE
                actor integer := public.console_pd_actor(p_context);
            BEGIN
                -- The audit row goes with the caller's transaction; a psql user could roll
                -- it back after reading. The server log keeps the access regardless.
                RAISE LOG 'console personal data: % customer % by login % (staff %)',
                    p_action, COALESCE(p_customer::text, '-'), session_user,
                    COALESCE(actor::text, '-');
                INSERT INTO public.audit_events (occurred_at, staff_id, office_id, workstation,
                    action, entity, entity_id, account_id, before, after)
                VALUES (pg_catalog.now(), actor,
                    (SELECT o.id FROM public.offices o
                     WHERE o.id = (p_context->>'office_id')::integer),
                    pg_catalog.left(p_context->>'workstation', 120),
                    p_action, 'customer', p_customer::text, p_account,
                    p_before::json, p_after::json);
            END $$""",
        # Set or change a customer's identity. NULL keeps a stored value. A passport other
        # than the stored one replaces it, and the old one goes to passport_records. Returns
        # 'created', 'replaced', 'updated', 'unchanged', 'early' (issued before the 14th
        # birthday: nothing saved) or 'missing' (no such customer). A passport another
        # customer holds fails on the unique hash (unique_violation).
        "console_pd_set(p_customer integer, p_series text, p_number text, p_issued_by text, "
        "p_issued_on date, p_division text, p_snils text, p_birth date, p_context jsonb)": f"""
            RETURNS text LANGUAGE plpgsql VOLATILE AS $$
            DECLARE
                s text := NULLIF(pg_catalog.regexp_replace(p_series, '\\D', '', 'g'), '');
                n text := NULLIF(pg_catalog.regexp_replace(p_number, '\\D', '', 'g'), '');
                v_old jsonb;
                v_new jsonb;
                masked text;
                old_masked text;
                birth date;
                outcome text;
            BEGIN
                PERFORM 1 FROM public.customers c WHERE c.id = p_customer FOR UPDATE;
                IF NOT FOUND THEN
                    RETURN 'missing';
                END IF;
                SELECT public.console_pd_open(i.sealed) INTO v_old
                FROM public.customer_identities i WHERE i.customer_id = p_customer FOR UPDATE;
                v_new := pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object({sealed_fields}));
                IF v_old IS NOT NULL AND (s IS NULL OR n IS NULL) THEN
                    -- Without a v_new passport the stored one stays, with its issue details.
                    v_new := v_new - 'series' - 'number' - 'issued_by' - 'issued_on'
                        - 'division_code';
                END IF;
                v_new := COALESCE(v_old, '{{}}'::jsonb) || v_new;
                birth := (v_new->>'birth_date')::date;
                IF (p_issued_on IS NOT NULL OR p_birth IS NOT NULL) AND birth IS NOT NULL
                   AND (v_new->>'issued_on')::date
                        < (birth + interval '14 years')::date THEN
                    RETURN 'early';
                END IF;
                masked := CASE WHEN v_new ? 'series' OR v_new ? 'number' THEN
                    pg_catalog.left(COALESCE(v_new->>'series', ''), 2) || ' ** ******' END;
                IF v_old IS NULL THEN
                    INSERT INTO public.customer_identities (customer_id, passport_hash, sealed)
                    VALUES (p_customer, public.console_pd_hash(v_new->>'series', v_new->>'number'),
                            public.console_pd_seal(v_new));
                    outcome := 'created';
                ELSIF v_old = v_new THEN
                    RETURN 'unchanged';
                ELSE
                    outcome := 'updated';
                    IF (v_old->>'series', v_old->>'number')
                            IS DISTINCT FROM (v_new->>'series', v_new->>'number')
                       AND v_old ? 'number' THEN
                        outcome := 'replaced';
                        old_masked := pg_catalog.left(COALESCE(v_old->>'series', ''), 2)
                            || ' ** ******';
                        INSERT INTO public.passport_records (customer_id, passport_masked,
                            sealed, replaced_by_staff_id)
                        VALUES (p_customer, old_masked, public.console_pd_seal(
                            v_old - 'snils' - 'birth_date'), public.console_pd_actor(p_context));
                    END IF;
                    UPDATE public.customer_identities
                    SET passport_hash = public.console_pd_hash(v_new->>'series', v_new->>'number'),
                        sealed = public.console_pd_seal(v_new)
                    WHERE customer_id = p_customer;
                END IF;
                -- A new version: an edit begun before this change is stale (optimistic lock).
                UPDATE public.customers SET passport_masked = masked, version = version + 1
                WHERE id = p_customer;
                PERFORM public.console_pd_audit(
                    CASE outcome WHEN 'replaced' THEN 'customer.replace_passport'
                        ELSE 'customer.set_identity' END,
                    p_customer, NULL,
                    CASE WHEN outcome = 'created' THEN NULL ELSE pg_catalog.jsonb_strip_nulls(
                        pg_catalog.jsonb_build_object(
                        'passport', old_masked,
                        'passport_issued_on', v_old->'issued_on',
                        'passport_division_code', v_old->'division_code')) END,
                    pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                        'passport', masked,
                        'passport_issued_on', v_new->'issued_on',
                        'passport_division_code', v_new->'division_code',
                        'snils', CASE WHEN (v_old->'snils') IS DISTINCT FROM (v_new->'snils')
                            THEN 'изменено' END,
                        'birth_date', CASE WHEN (v_old->'birth_date') IS DISTINCT FROM
                            (v_new->'birth_date') THEN 'изменено' END)),
                    p_context);
                RETURN outcome;
            END $$""",
        # One customer's identity, recorded: 'reveal' (shown on screen) or 'print' (the
        # registration form the customer signs). No row when the customer has none.
        "console_pd_reveal(p_customer integer, p_account integer, p_purpose text, "
        "p_context jsonb)": """
            RETURNS TABLE (series text, number text, issued_by text, issued_on date,
                           division_code text, snils text, birth_date date)
            LANGUAGE plpgsql VOLATILE AS $$
            DECLARE
                v jsonb;
                account integer := p_account;
            BEGIN
                IF p_purpose NOT IN ('reveal', 'print') THEN
                    RAISE EXCEPTION 'unknown purpose %', p_purpose
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
                SELECT public.console_pd_open(i.sealed) INTO v
                FROM public.customer_identities i WHERE i.customer_id = p_customer;
                IF v IS NULL THEN
                    RETURN;
                END IF;
                IF account IS NULL THEN
                    SELECT h.account_id INTO account FROM public.account_holders h
                    WHERE h.customer_id = p_customer
                    ORDER BY h.is_primary DESC, h.id LIMIT 1;
                END IF;
                PERFORM public.console_pd_audit(
                    CASE p_purpose WHEN 'print' THEN 'customer.print_identity'
                        ELSE 'customer.reveal_passport' END,
                    p_customer, account, NULL, NULL, p_context);
                RETURN QUERY SELECT v->>'series', v->>'number', v->>'issued_by',
                    (v->>'issued_on')::date, v->>'division_code', v->>'snils',
                    (v->>'birth_date')::date;
            END $$""",
        # The customer holding this exact passport, or NULL; recorded with the passport
        # masked, found or not ('lookup' from the search line, 'registration' duplicates).
        "console_pd_find(p_series text, p_number text, p_purpose text, p_context jsonb)": """
            RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
            DECLARE
                s text := pg_catalog.regexp_replace(p_series, '\\D', '', 'g');
                n text := pg_catalog.regexp_replace(p_number, '\\D', '', 'g');
                found_id integer;
            BEGIN
                SELECT i.customer_id INTO found_id FROM public.customer_identities i
                WHERE i.passport_hash = public.console_pd_hash(s, n);
                PERFORM public.console_pd_audit('customer.search_passport', found_id, NULL,
                    NULL, pg_catalog.jsonb_build_object(
                        'passport', pg_catalog.left(s, 2) || ' ** ******',
                        'found', CASE WHEN found_id IS NULL THEN 0 ELSE 1 END,
                        'purpose', COALESCE(p_purpose, 'lookup')), p_context);
                RETURN found_id;
            END $$""",
        # Is this the customer's passport (refund registration)? Nothing is revealed; a
        # mismatch is recorded, so guessing numbers leaves a trail.
        "console_pd_matches(p_customer integer, p_series text, p_number text, p_context jsonb)": """
            RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
            DECLARE
                yes boolean;
            BEGIN
                SELECT i.passport_hash = public.console_pd_hash(
                    pg_catalog.regexp_replace(p_series, '\\D', '', 'g'),
                    pg_catalog.regexp_replace(p_number, '\\D', '', 'g')) INTO yes
                FROM public.customer_identities i WHERE i.customer_id = p_customer;
                IF yes IS NOT TRUE THEN
                    PERFORM public.console_pd_audit('customer.passport_mismatch', p_customer,
                        NULL, NULL, NULL, p_context);
                END IF;
                RETURN COALESCE(yes, false);
            END $$""",
        # Registration's "same person" check: customers whose search text starts with the
        # prefix ("смирнова анна") and who were born that day; ids only, at most 50.
        # Recorded when anyone is found, so probing birth dates leaves a trail.
        "console_pd_same_person(p_prefix text, p_birth date, p_context jsonb)": """
            RETURNS SETOF integer LANGUAGE plpgsql VOLATILE AS $$
            DECLARE
                ids integer[];
            BEGIN
                IF pg_catalog.length(COALESCE(p_prefix, '')) < 3 OR p_birth IS NULL THEN
                    RETURN;
                END IF;
                SELECT pg_catalog.array_agg(id ORDER BY id) INTO ids FROM (
                    SELECT c.id FROM public.customers c
                    JOIN public.customer_identities i ON i.customer_id = c.id
                    WHERE c.search_text LIKE pg_catalog.replace(pg_catalog.replace(
                            pg_catalog.replace(p_prefix, '\\', '\\\\'), '%', '\\%'), '_', '\\_')
                            || '%'
                      AND (public.console_pd_open(i.sealed)->>'birth_date')::date = p_birth
                    ORDER BY c.id LIMIT 50) hit;
                IF ids IS NOT NULL THEN
                    PERFORM public.console_pd_audit('customer.search_person', NULL, NULL, NULL,
                        pg_catalog.jsonb_build_object('found', pg_catalog.cardinality(ids)),
                        p_context);
                    RETURN QUERY SELECT pg_catalog.unnest(ids);
                END IF;
            END $$""",
    }


def _create_functions() -> None:
    for signature, body in _functions(_ext()).items():
        op.execute(
            f"CREATE OR REPLACE FUNCTION public.{signature} {body} SECURITY DEFINER {SEARCH_PATH}"
        )
    for signature in (*PUBLIC_FUNCTIONS, *PRIVATE_FUNCTIONS):
        op.execute(f"REVOKE ALL ON FUNCTION public.{signature} FROM PUBLIC")


def _grant_functions() -> None:
    for signature in PUBLIC_FUNCTIONS:
        _for_each_group(f"GRANT EXECUTE ON FUNCTION public.{signature} TO %I")


_SEALED_CUSTOMER = """jsonb_build_object('series', passport_series, 'number', passport_number,
    'issued_by', passport_issued_by, 'issued_on', passport_issued_on,
    'division_code', passport_division_code, 'snils', snils, 'birth_date', birth_date)"""
_SEALED_RECORD = """jsonb_build_object('series', series, 'number', number,
    'issued_by', issued_by, 'issued_on', issued_on, 'division_code', division_code)"""
_ANY_PD = " OR ".join(f"{c} IS NOT NULL" for c in PD_COLUMNS)


def _move_postgres() -> None:
    """Seal what the plain columns hold, set based, and drop them."""
    op.execute(
        f"""
        INSERT INTO customer_identities (customer_id, passport_hash, sealed)
        SELECT id, public.console_pd_hash(passport_series, passport_number),
               public.console_pd_seal({_SEALED_CUSTOMER})
        FROM customers WHERE {_ANY_PD}
        """
    )
    op.add_column("customers", sa.Column("passport_masked", sa.String(length=16), nullable=True))
    op.execute(
        "UPDATE customers SET passport_masked = left(COALESCE(passport_series, ''), 2) "
        "|| ' ** ******' WHERE passport_series IS NOT NULL OR passport_number IS NOT NULL"
    )
    op.drop_constraint("uq_customers_passport_series_passport_number", "customers", "unique")
    for column in PD_COLUMNS:
        op.drop_column("customers", column)
    op.add_column("passport_records", sa.Column("passport_masked", sa.String(16)))
    op.add_column("passport_records", sa.Column("sealed", sa.LargeBinary()))
    op.execute(
        "UPDATE passport_records SET passport_masked = left(series, 2) || ' ** ******', "
        f"sealed = public.console_pd_seal({_SEALED_RECORD})"
    )
    for column in RECORD_COLUMNS:
        op.drop_column("passport_records", column)
    op.alter_column("passport_records", "passport_masked", nullable=False)
    op.alter_column("passport_records", "sealed", nullable=False)


def _protect_passport_records() -> None:
    """Staff read old passports' masks only; the identity function adds rows."""
    _revoke_from_staff("passport_records")
    _for_each_group(
        "GRANT SELECT (id, customer_id, passport_masked, created_at, replaced_by_staff_id) "
        "ON public.passport_records TO %I"
    )


# --- SQLite --------------------------------------------------------------------------------


def _mask(series: str | None, number: str | None) -> str | None:
    if not series and not number:
        return None
    return f"{(series or '')[:2]} ** ******"


def _plain(values: dict[str, Any]) -> bytes:
    kept = {k: v for k, v in values.items() if v is not None}
    return json.dumps(kept, ensure_ascii=False, sort_keys=True).encode()


def _move_sqlite() -> None:
    bind = op.get_bind()
    hash_key = bind.exec_driver_sql(
        "SELECT value FROM console_secrets WHERE name = 'pd_hash'"
    ).scalar_one()
    names = ("series", "number", "issued_by", "issued_on", "division_code", "snils", "birth_date")
    rows = bind.exec_driver_sql(
        f"SELECT id, {', '.join(PD_COLUMNS)} FROM customers WHERE {_ANY_PD}"
    ).all()
    identities, masks = [], []
    for row in rows:
        values = dict(zip(names, row[1:], strict=True))
        series, number = values["series"], values["number"]
        digest = (
            hmac.new(hash_key, f"{series}{number}".encode(), hashlib.sha256).hexdigest()
            if series and number
            else None
        )
        identities.append({"customer_id": row[0], "passport_hash": digest,
                           "sealed": _plain(values)})  # fmt: skip
        masks.append({"id": row[0], "masked": _mask(series, number)})
    table = sa.table(
        "customer_identities", sa.column("customer_id"), sa.column("passport_hash"),
        sa.column("sealed", sa.LargeBinary),
    )  # fmt: skip
    if identities:
        op.bulk_insert(table, identities)
    records = bind.exec_driver_sql(
        f"SELECT id, {', '.join(RECORD_COLUMNS)} FROM passport_records"
    ).all()
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("passport_masked", sa.String(length=16), nullable=True))
        batch.drop_constraint("uq_customers_passport_series_passport_number", type_="unique")
        for column in PD_COLUMNS:
            batch.drop_column(column)
    update = sa.text("UPDATE customers SET passport_masked = :masked WHERE id = :id")
    if masks:
        bind.execute(update, masks)
    with op.batch_alter_table("passport_records") as batch:
        batch.add_column(sa.Column("passport_masked", sa.String(16), nullable=True))
        batch.add_column(sa.Column("sealed", sa.LargeBinary(), nullable=True))
        for column in RECORD_COLUMNS:
            batch.drop_column(column)
    fill = sa.text("UPDATE passport_records SET passport_masked = :m, sealed = :s WHERE id = :id")
    for row in records:
        values = dict(zip(RECORD_COLUMNS, row[1:], strict=True))
        bind.execute(fill, {"id": row[0], "m": _mask(row[1], row[2]), "s": _plain(values)})
    with op.batch_alter_table("passport_records") as batch:
        batch.alter_column("passport_masked", existing_type=sa.String(16), nullable=False)
        batch.alter_column("sealed", existing_type=sa.LargeBinary(), nullable=False)


_PD_TYPES = {
    "passport_series": sa.String(4), "passport_number": sa.String(6),
    "passport_issued_by": sa.String(250), "passport_issued_on": sa.Date(),
    "passport_division_code": sa.String(7), "snils": sa.String(11), "birth_date": sa.Date(),
}  # fmt: skip
_RECORD_TYPES = {
    "series": sa.String(4), "number": sa.String(6), "issued_by": sa.String(250),
    "issued_on": sa.Date(), "division_code": sa.String(7),
}  # fmt: skip
_KEYS = dict(zip(PD_COLUMNS, ("series", "number", "issued_by", "issued_on", "division_code",
                              "snils", "birth_date"), strict=True))  # fmt: skip


def downgrade() -> None:
    """Back to plain columns (the owner opens the seal); the keys and functions go."""
    bind = op.get_bind()
    if _is_postgres():
        op.execute("SET LOCAL lock_timeout = '5s'")
        for column, kind in _PD_TYPES.items():
            op.add_column("customers", sa.Column(column, kind, nullable=True))
        for column, kind in _RECORD_TYPES.items():
            op.add_column("passport_records", sa.Column(column, kind, nullable=True))
        sets = ", ".join(
            f"{c} = (v->>'{k}')::{'date' if isinstance(_PD_TYPES[c], sa.Date) else 'text'}"
            for c, k in _KEYS.items()
        )
        op.execute(
            f"UPDATE customers SET {sets} FROM (SELECT customer_id, "
            "public.console_pd_open(sealed) AS v FROM customer_identities) i "
            "WHERE customers.id = i.customer_id"
        )
        sets = ", ".join(
            f"{c} = (v->>'{c}')::{'date' if c == 'issued_on' else 'text'}" for c in _RECORD_TYPES
        )
        op.execute(
            f"UPDATE passport_records SET {sets} FROM (SELECT id AS rid, "
            "public.console_pd_open(sealed) AS v FROM passport_records) r WHERE id = r.rid"
        )
        for signature in (*PUBLIC_FUNCTIONS, *PRIVATE_FUNCTIONS):
            op.execute(f"DROP FUNCTION IF EXISTS public.{signature}")
        # What 0005 gave: old passports readable and written by clerks, PD columns editable.
        _for_each_group("GRANT SELECT, INSERT ON public.passport_records TO %I")
        listed = ", ".join(PD_COLUMNS)
        _for_each_group(f"GRANT UPDATE ({listed}) ON public.customers TO %I")
    else:
        plain = bind.exec_driver_sql("SELECT customer_id, sealed FROM customer_identities").all()
        records = bind.exec_driver_sql("SELECT id, sealed FROM passport_records").all()
        with op.batch_alter_table("customers") as batch:
            for column, kind in _PD_TYPES.items():
                batch.add_column(sa.Column(column, kind, nullable=True))
        with op.batch_alter_table("passport_records") as batch:
            for column, kind in _RECORD_TYPES.items():
                batch.add_column(sa.Column(column, kind, nullable=True))
        fill = sa.text(f"UPDATE customers SET {', '.join(f'{c} = :{c}' for c in PD_COLUMNS)} "
                       "WHERE id = :id")  # fmt: skip
        for customer_id, sealed in plain:
            v = json.loads(sealed)
            bind.execute(fill, {"id": customer_id, **{c: v.get(k) for c, k in _KEYS.items()}})
        fill = sa.text(f"UPDATE passport_records SET "
                       f"{', '.join(f'{c} = :{c}' for c in _RECORD_TYPES)} WHERE id = :id")  # fmt: skip
        for record_id, sealed in records:
            v = json.loads(sealed)
            bind.execute(fill, {"id": record_id, **{c: v.get(c) for c in _RECORD_TYPES}})
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("passport_masked")
        batch.create_unique_constraint(
            "uq_customers_passport_series_passport_number", ["passport_series", "passport_number"]
        )
    with op.batch_alter_table("passport_records") as batch:
        batch.drop_column("passport_masked")
        batch.drop_column("sealed")
        batch.alter_column("series", existing_type=sa.String(4), nullable=False)
        batch.alter_column("number", existing_type=sa.String(6), nullable=False)
    op.drop_index("uq_customer_identities_passport_hash", table_name="customer_identities")
    op.drop_table("customer_identities")
    op.drop_table("console_secrets")

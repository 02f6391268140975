"""the shared database is the security boundary: default deny, guarded writes, actor = login

Revision ID: 0005_security_boundary
Revises: 0004_lean_indexes
Create Date: 2026-12-07

PostgreSQL only (SQLite, one desk, has no boundary: the services check every rule there).

Every staff member signs in with their own login role, so whatever that role may do in SQL its
owner can do from psql. This revision makes the database hold the rules whatever client connects:

- **Group roles of this database only** (``console_groups``): ``<db>_clerk`` ⊂ ``<db>_supervisor``
  ⊂ ``<db>_admin``. CONNECT goes to the clerk group, not PUBLIC, so staff of another console
  database on the same server cannot even connect. The shared ``console_*`` groups of 0002 lose
  every privilege here; existing staff logins move to the new groups.
- **Default deny**: nothing for PUBLIC; each group gets table and column privileges for its work
  (UPDATE column by column, so ``LOCK TABLE … ACCESS EXCLUSIVE`` — which needs a table-level
  UPDATE, DELETE or TRUNCATE — is refused); new tables and functions get nothing until granted.
- **Writes carry their own proof** (triggers, ``SECURITY DEFINER`` where they read what staff
  may not, all with ``search_path = pg_catalog, public, pg_temp`` and qualified names, so a
  temporary table cannot stand in): each ledger kind has its source and role, nothing lands in a
  closed month (readings included), payments cannot be back-dated or edited.
- **The actor is the login**: staff and time columns and audit events are stamped from
  ``session_user`` and ``now()``; a client cannot name someone else.
- **State machines**: refund and appeal statuses move along allowed edges by allowed roles, and
  the decider is compared with the connected login.
- **Staff management without CREATEROLE**: administrators call functions owned by a NOLOGIN
  ``<db>_staff_manager`` role that can create only console logins in console groups.
- **Supervisor approval as proof**: a supervisor's own connection issues a one-time token; a
  reading approved "by" them is accepted only with that token.

The database owner and superusers are trusted (they can disable triggers anyway): their writes
keep what the client gave, which the billing run, imports and the demo loader rely on.
Every statement waits at most ``lock_timeout`` for a lock, so the upgrade never queues clerks.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0005_security_boundary"
down_revision: str | Sequence[str] | None = "0004_lean_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("clerk", "supervisor", "admin")
OLD_GROUPS = ("console_clerk", "console_supervisor", "console_admin")
SAFE = "SET search_path = pg_catalog, public, pg_temp"
DENIED = "USING ERRCODE = 'insufficient_privilege'"

#: Read by every staff group: everything but what is listed in PROTECTED_COLUMNS.
READABLE = (
    "regions", "suppliers", "offices", "services", "tariffs", "consumption_norms",
    "paid_services", "appeal_topics", "staff", "premises", "accounts", "customers",
    "passport_records", "account_holders", "meters", "readings", "billing_periods", "charges",
    "ledger_entries", "account_statements", "payments", "payment_allocations",
    "refund_applications", "refund_application_payments", "attachments", "appeals",
    "number_sequences", "issued_documents", "audit_events", "alembic_version", "console_groups",
)  # fmt: skip
#: Never readable by staff: hashes of embedded-desk passwords.
PROTECTED_COLUMNS = {"staff": ("password_hash",)}

# (table, group, privilege): INSERT is table-level; UPDATE is named column by column.
INSERTS = (
    ("customers", "clerk"), ("passport_records", "clerk"), ("account_holders", "clerk"),
    ("payments", "clerk"), ("payment_allocations", "clerk"), ("ledger_entries", "clerk"),
    ("readings", "clerk"), ("meters", "clerk"), ("appeals", "clerk"), ("attachments", "clerk"),
    ("refund_applications", "clerk"), ("refund_application_payments", "clerk"),
    ("issued_documents", "clerk"), ("audit_events", "clerk"), ("number_sequences", "clerk"),
    ("billing_periods", "clerk"),
    # The billing run and the reference data are an administrator's.
    ("charges", "admin"), ("account_statements", "admin"), ("regions", "admin"),
    ("suppliers", "admin"), ("offices", "admin"), ("services", "admin"), ("tariffs", "admin"),
    ("consumption_norms", "admin"), ("paid_services", "admin"), ("appeal_topics", "admin"),
    ("premises", "admin"), ("accounts", "admin"),
)  # fmt: skip
UPDATES = {
    "clerk": {
        "accounts": ("bill_delivery", "delivery_email", "version"),
        "customers": (
            "last_name", "first_name", "middle_name", "birth_date", "passport_series",
            "passport_number", "passport_issued_by", "passport_issued_on",
            "passport_division_code", "registration_address", "snils", "phone", "email",
            "pd_consent_at", "mailing_consent", "search_text", "version",
        ),
        "account_holders": (
            "relation", "is_primary", "unbound_at", "unbound_by_staff_id", "unbound_reason",
            "version",
        ),
        "meters": (
            "status", "removed_on", "replaced_by_id", "last_verified_on", "next_verification_on",
            "place", "version",
        ),
        "readings": ("status", "reason"),
        "payments": ("receipt_number",),
        "appeals": (
            "status", "assigned_to_staff_id", "answer_text", "answered_at", "closed_at",
            "version",
        ),
        "refund_applications": (
            "status", "reviewed_by_staff_id", "decided_at", "decision_reason", "paid_at",
            "closed_at", "version",
        ),
        "number_sequences": ("last_value",),
    },
    "admin": {
        "billing_periods": ("status", "closed_at", "closed_by_staff_id", "version"),
        "regions": ("code", "name"),
        "suppliers": (
            "code", "name", "short_name", "inn", "kpp", "address", "phone", "email", "site",
            "bank_name", "bic", "settlement_account", "correspondent_account",
            "account_number_length", "min_payment", "payment_due_day", "version",
        ),
        "offices": ("code", "name", "address", "region_id", "supplier_id"),
        "services": ("code", "name", "unit", "recipient_id", "metered", "monthly_fee",
                     "valid_from"),
        "tariffs": ("rate", "valid_to", "purchase_component", "transmission_component",
                    "retail_component", "other_component", "version"),
        "consumption_norms": ("kwh_per_person", "valid_from"),
        "paid_services": ("name", "price", "unit", "is_active", "version"),
        "appeal_topics": ("name", "deadline_days"),
        "premises": (
            "postal_code", "settlement_type", "settlement", "settlement_kind", "street_type",
            "street", "house", "building", "flat", "area", "rooms", "residents", "stove_type",
            "search_text", "version",
        ),
        "accounts": ("category", "status", "closed_on"),
    },
}  # fmt: skip

# --- functions ------------------------------------------------------------------------------
# Each: (signature, attributes, body). Attributes always fix the search_path.
HELPERS = (
    (
        "console_trusted()",
        f"RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER {SAFE}",
        # The owner of the schema's tables (who runs migrations and billing) and superusers.
        """SELECT pg_catalog.pg_has_role(session_user,
               (SELECT c.relowner FROM pg_catalog.pg_class c
                WHERE c.oid = 'public.alembic_version'::pg_catalog.regclass), 'MEMBER')""",
    ),
    (
        "console_staff_id()",
        f"RETURNS integer LANGUAGE sql STABLE SECURITY DEFINER {SAFE}",
        """SELECT s.id FROM public.staff s
           WHERE s.login = session_user::text AND s.is_active""",
    ),
    (
        "console_is(kind text)",
        f"RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER {SAFE}",
        """SELECT public.console_trusted() OR COALESCE((
               SELECT pg_catalog.pg_has_role(session_user, g.rolname, 'MEMBER')
               FROM public.console_groups g WHERE g.kind = $1), false)""",
    ),
    (
        "console_require_staff()",
        f"RETURNS integer LANGUAGE plpgsql STABLE SECURITY DEFINER {SAFE}",
        f"""DECLARE me integer := public.console_staff_id();
        BEGIN
            IF me IS NULL THEN
                RAISE EXCEPTION 'Роль «%» не является действующим сотрудником пульта: '
                    'изменения вносят только сотрудники', session_user {DENIED};
            END IF;
            RETURN me;
        END""",
    ),
    (
        "console_require(kind text, what text)",
        f"RETURNS integer LANGUAGE plpgsql STABLE SECURITY DEFINER {SAFE}",
        # The trusted owner passes (its staff id, if any, or NULL); staff need the group.
        f"""DECLARE me integer;
        BEGIN
            IF public.console_trusted() THEN RETURN public.console_staff_id(); END IF;
            me := public.console_require_staff();
            IF NOT public.console_is(kind) THEN
                RAISE EXCEPTION '% может только %', what,
                    CASE kind WHEN 'admin' THEN 'администратор'
                              WHEN 'supervisor' THEN 'руководитель офиса'
                              ELSE 'сотрудник офиса' END {DENIED};
            END IF;
            RETURN me;
        END""",
    ),
    (
        "console_period_closed(day date)",
        f"RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER {SAFE}",
        """SELECT EXISTS (SELECT 1 FROM public.billing_periods b
                          WHERE b.period = pg_catalog.date_trunc('month', day)::date
                            AND b.status = 'closed')""",
    ),
    (
        "console_refuse_closed(day date)",
        f"RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER {SAFE}",
        # The month's lock is taken shared, as the services take it (reading_state.lock_period:
        # class 5105, key year·12 + month − 1), so a month cannot close under a row being added
        # even by a client that skipped the lock; the billing run takes it exclusive.
        f"""BEGIN
            IF day IS NULL THEN RETURN; END IF;
            PERFORM pg_catalog.pg_advisory_xact_lock_shared(5105,
                (pg_catalog.date_part('year', day) * 12 + pg_catalog.date_part('month', day) - 1)::int);
            IF public.console_period_closed(day) THEN
                RAISE EXCEPTION 'Период % закрыт: в нём ничего не изменяется; ошибку исправляют '
                    'перерасчётом в открытом периоде', pg_catalog.to_char(day, 'MM.YYYY') {DENIED};
            END IF;
        END""",
    ),
    (
        "console_same(a jsonb, b jsonb, allowed text[])",
        f"RETURNS void LANGUAGE plpgsql IMMUTABLE {SAFE}",
        # An UPDATE may change only the columns named in ``allowed``.
        f"""DECLARE k text;
        BEGIN
            FOR k IN SELECT key FROM pg_catalog.jsonb_each(a) LOOP
                IF NOT (k = ANY (allowed)) AND (a -> k) IS DISTINCT FROM (b -> k) THEN
                    RAISE EXCEPTION 'Поле «%» здесь не изменяется', k {DENIED};
                END IF;
            END LOOP;
        END""",
    ),
)

GUARDS = (
    (
        "console_guard_audit()",
        """BEGIN
            NEW.login := session_user;  -- whoever connected, trusted or not
            IF public.console_trusted() THEN RETURN NEW; END IF;
            NEW.staff_id := public.console_require_staff();
            NEW.occurred_at := pg_catalog.now();
            RETURN NEW;
        END""",
    ),
    (
        "console_guard_stamp_staff()",
        # issued_documents, attachments, passport_records: who wrote the row is the login.
        """DECLARE me integer;
        BEGIN
            IF public.console_trusted() THEN RETURN NEW; END IF;
            me := public.console_require_staff();
            IF TG_TABLE_NAME = 'passport_records' THEN
                NEW.replaced_by_staff_id := me;
            ELSE
                NEW.staff_id := me;
            END IF;
            IF TG_TABLE_NAME = 'issued_documents' THEN
                NEW.issued_at := pg_catalog.now();
            END IF;
            RETURN NEW;
        END""",
    ),
    (
        "console_guard_customer()",
        """BEGIN
            IF public.console_trusted() THEN RETURN NEW; END IF;
            PERFORM public.console_require_staff();
            IF TG_OP = 'INSERT' THEN
                NEW.pd_consent_staff_id := public.console_staff_id();
            ELSIF NEW.pd_consent_staff_id IS DISTINCT FROM OLD.pd_consent_staff_id
                  OR (NEW.pd_consent_at IS DISTINCT FROM OLD.pd_consent_at) THEN
                NEW.pd_consent_staff_id := public.console_staff_id();
            END IF;
            RETURN NEW;
        END""",
    ),
    (
        "console_guard_holder()",
        f"""DECLARE me integer;
        BEGIN
            IF public.console_trusted() THEN RETURN NEW; END IF;
            me := public.console_require_staff();
            IF TG_OP = 'INSERT' THEN
                NEW.bound_by_staff_id := me;
                NEW.bound_at := pg_catalog.now();
                NEW.unbound_at := NULL; NEW.unbound_by_staff_id := NULL;
                RETURN NEW;
            END IF;
            IF OLD.unbound_at IS NOT NULL THEN
                RAISE EXCEPTION 'Связь клиента со счётом уже прекращена: её не изменяют' {DENIED};
            END IF;
            IF NEW.unbound_at IS NOT NULL THEN
                NEW.unbound_at := pg_catalog.now();
                NEW.unbound_by_staff_id := me;
            END IF;
            RETURN NEW;
        END""",
    ),
    (
        "console_guard_payment()",
        f"""DECLARE me integer; original public.payments;
        BEGIN
            IF public.console_trusted() THEN RETURN NEW; END IF;
            me := public.console_require_staff();
            IF TG_OP = 'UPDATE' THEN
                -- Only the receipt number, given once, in the transaction that took the payment.
                PERFORM public.console_same(pg_catalog.to_jsonb(OLD), pg_catalog.to_jsonb(NEW),
                                            ARRAY['receipt_number']);
                IF OLD.receipt_number IS NOT NULL OR OLD.created_at <> pg_catalog.now() THEN
                    RAISE EXCEPTION 'Принятый платёж не изменяют: ошибочный платёж сторнирует '
                        'руководитель офиса' {DENIED};
                END IF;
                RETURN NEW;
            END IF;
            NEW.staff_id := me;
            NEW.created_at := pg_catalog.now();
            IF NEW.reversal_of_id IS NOT NULL THEN
                PERFORM public.console_require('supervisor', 'Сторнировать платёж');
                SELECT * INTO original FROM public.payments p WHERE p.id = NEW.reversal_of_id;
                IF NOT FOUND OR original.reversal_of_id IS NOT NULL
                   OR original.account_id <> NEW.account_id OR NEW.amount <> -original.amount THEN
                    RAISE EXCEPTION 'Сторно должно повторять исходный платёж с обратным знаком'
                        {DENIED};
                END IF;
                NEW.paid_at := pg_catalog.now();
                RETURN NEW;
            END IF;
            IF NEW.amount <= 0 THEN
                RAISE EXCEPTION 'Сумма платежа должна быть больше нуля: ошибочный платёж '
                    'сторнирует руководитель офиса' {DENIED};
            END IF;
            IF NEW.method = 'bank' OR NEW.source IS NOT NULL OR NEW.external_id IS NOT NULL THEN
                -- Bank payments arrive in a registry, loaded by an administrator.
                PERFORM public.console_require('admin', 'Загружать банковские платежи');
            ELSE
                NEW.paid_at := pg_catalog.now();  -- the counter takes money now, not back then
            END IF;
            RETURN NEW;
        END""",
    ),
    (
        "console_guard_allocation()",
        f"""DECLARE p public.payments; total numeric;
        BEGIN
            IF public.console_trusted() THEN RETURN NEW; END IF;
            PERFORM public.console_require_staff();
            SELECT * INTO p FROM public.payments x WHERE x.id = NEW.payment_id;
            SELECT COALESCE(sum(a.amount), 0) + NEW.amount INTO total
              FROM public.payment_allocations a WHERE a.payment_id = NEW.payment_id;
            IF NOT FOUND OR p.created_at <> pg_catalog.now()
               OR pg_catalog.sign(NEW.amount) <> pg_catalog.sign(p.amount)
               OR abs(total) > abs(p.amount) THEN
                RAISE EXCEPTION 'Разнесение по услугам делается только вместе с платежом и в '
                    'пределах его суммы' {DENIED};
            END IF;
            RETURN NEW;
        END""",
    ),
    (
        "console_guard_ledger()",
        f"""DECLARE me integer; p public.payments; r public.refund_applications;
                    e public.ledger_entries; booked numeric;
        BEGIN
            IF public.console_trusted() THEN RETURN NEW; END IF;
            PERFORM public.console_refuse_closed(NEW.period);
            me := public.console_require_staff();
            NEW.staff_id := me;
            NEW.created_at := pg_catalog.now();
            IF NEW.kind = 'payment' THEN
                SELECT * INTO p FROM public.payments x WHERE x.id = NEW.payment_id;
                SELECT COALESCE(-sum(l.amount), 0) INTO booked FROM public.ledger_entries l
                 WHERE l.account_id = NEW.account_id AND l.payment_id = NEW.payment_id;
                IF p.id IS NULL OR p.reversal_of_id IS NOT NULL OR p.account_id <> NEW.account_id
                   OR p.created_at <> pg_catalog.now() OR NEW.amount >= 0
                   OR NEW.refund_id IS NOT NULL OR NEW.reverses_id IS NOT NULL
                   OR NEW.charge_id IS NOT NULL
                   OR booked - NEW.amount > p.amount
                   OR NOT EXISTS (SELECT 1 FROM public.payment_allocations a
                                  WHERE a.payment_id = p.id AND a.amount = -NEW.amount
                                    AND a.service_id IS NOT DISTINCT FROM NEW.service_id) THEN
                    RAISE EXCEPTION 'Оплата в лицевом счёте появляется только вместе с принятым '
                        'платежом: тот же счёт, та же сумма' {DENIED};
                END IF;
            ELSIF NEW.kind = 'payment_reversal' THEN
                PERFORM public.console_require('supervisor', 'Сторнировать платёж');
                SELECT * INTO p FROM public.payments x WHERE x.id = NEW.payment_id;
                SELECT * INTO e FROM public.ledger_entries l
                 WHERE l.account_id = NEW.account_id AND l.id = NEW.reverses_id;
                IF p.id IS NULL OR p.reversal_of_id IS NULL OR p.account_id <> NEW.account_id
                   OR p.created_at <> pg_catalog.now() OR e.id IS NULL OR e.kind <> 'payment'
                   OR e.payment_id <> p.reversal_of_id OR NEW.amount <> -e.amount
                   OR EXISTS (SELECT 1 FROM public.ledger_entries l
                              WHERE l.account_id = NEW.account_id AND l.reverses_id = e.id) THEN
                    RAISE EXCEPTION 'Сторно в лицевом счёте повторяет исходную оплату с обратным '
                        'знаком, один раз' {DENIED};
                END IF;
            ELSIF NEW.kind = 'refund' THEN
                PERFORM public.console_require('supervisor', 'Проводить возврат переплаты');
                SELECT * INTO r FROM public.refund_applications x WHERE x.id = NEW.refund_id;
                IF r.id IS NULL OR r.status <> 'approved' OR r.account_id <> NEW.account_id
                   OR NEW.amount <> r.amount OR r.decided_at <> pg_catalog.now()
                   OR EXISTS (SELECT 1 FROM public.ledger_entries l
                              WHERE l.account_id = NEW.account_id AND l.refund_id = r.id) THEN
                    RAISE EXCEPTION 'Возврат в лицевом счёте проводится один раз, по одобренному '
                        'сейчас заявлению, на его сумму' {DENIED};
                END IF;
            ELSE  -- correction (the trigger's WHEN lets only the counter's kinds in)
                PERFORM public.console_require('supervisor', 'Корректировку по лицевому счёту');
            END IF;
            RETURN NEW;
        END""",
    ),
    (
        "console_guard_ledger_rows()",
        # Once per statement over the rows it added (a transition table): the billing run adds
        # millions of rows, and a check per row cost ~100 µs each (5× the insert itself).
        f"""DECLARE me integer; closed date;
        BEGIN
            IF public.console_trusted() THEN RETURN NULL; END IF;
            IF EXISTS (SELECT 1 FROM added a
                       WHERE a.kind IN ('opening', 'charge', 'recalculation')) THEN
                me := public.console_require('admin', 'Начисления и перерасчёты (расчёт периода)');
                IF EXISTS (SELECT 1 FROM added a
                           WHERE a.kind IN ('opening', 'charge', 'recalculation')
                             AND (a.staff_id IS DISTINCT FROM me AND a.staff_id IS NOT NULL
                                  OR a.created_at <> pg_catalog.now())) THEN
                    RAISE EXCEPTION 'Начисления записывает расчёт периода от имени того, кто его '
                        'запустил, сейчас' {DENIED};
                END IF;
            END IF;
            SELECT b.period INTO closed FROM public.billing_periods b
             WHERE b.status = 'closed' AND b.period IN (
                SELECT DISTINCT pg_catalog.date_trunc('month', a.period)::date FROM added a)
             LIMIT 1;
            PERFORM public.console_refuse_closed(closed);
            RETURN NULL;
        END""",
    ),
    (
        "console_guard_billing_rows()",
        # charges and account_statements: the billing run's, once per statement as above.
        """DECLARE closed date;
        BEGIN
            IF public.console_trusted() THEN RETURN NULL; END IF;
            PERFORM public.console_require('admin', 'Начисления (расчёт периода)');
            SELECT b.period INTO closed FROM public.billing_periods b
             WHERE b.status = 'closed' AND b.period IN (
                SELECT DISTINCT pg_catalog.date_trunc('month', a.period)::date FROM added a)
             LIMIT 1;
            PERFORM public.console_refuse_closed(closed);
            RETURN NULL;
        END""",
    ),
    (
        "console_guard_closed_period()",
        # charges, account_statements: written by the billing run of an open month only.
        """BEGIN
            IF public.console_trusted() THEN RETURN COALESCE(NEW, OLD); END IF;
            IF TG_OP <> 'INSERT' THEN PERFORM public.console_refuse_closed(OLD.period); END IF;
            IF TG_OP <> 'DELETE' THEN PERFORM public.console_refuse_closed(NEW.period); END IF;
            PERFORM public.console_require('admin', 'Начисления (расчёт периода)');
            RETURN COALESCE(NEW, OLD);
        END""",
    ),
    (
        "console_guard_billing_period()",
        f"""DECLARE me integer;
        BEGIN
            IF public.console_trusted() THEN RETURN COALESCE(NEW, OLD); END IF;
            me := public.console_require_staff();
            IF TG_OP = 'INSERT' AND NEW.status = 'open' THEN
                NEW.closed_at := NULL; NEW.closed_by_staff_id := NULL;
                RETURN NEW;
            END IF;
            PERFORM public.console_require('admin', 'Открывать и закрывать расчётные периоды');
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'Расчётный период не удаляют' {DENIED};
            END IF;
            IF NEW.status = 'closed' AND (TG_OP = 'INSERT' OR OLD.status <> 'closed') THEN
                NEW.closed_at := pg_catalog.now();
                NEW.closed_by_staff_id := me;
            END IF;
            RETURN NEW;
        END""",
    ),
    (
        "console_guard_reading()",
        f"""DECLARE me integer; given uuid;
        BEGIN
            IF public.console_trusted() THEN RETURN NEW; END IF;
            IF TG_OP = 'UPDATE' THEN PERFORM public.console_refuse_closed(OLD.period); END IF;
            PERFORM public.console_refuse_closed(NEW.period);
            me := public.console_require_staff();
            IF TG_OP = 'UPDATE' THEN
                PERFORM public.console_same(pg_catalog.to_jsonb(OLD), pg_catalog.to_jsonb(NEW),
                                            ARRAY['status', 'reason']);
                IF NEW.status IS DISTINCT FROM OLD.status
                   AND (NEW.status = 'rejected' OR OLD.status = 'rejected') THEN
                    PERFORM public.console_require('supervisor', 'Отклонять принятые показания');
                END IF;
                RETURN NEW;
            END IF;
            NEW.staff_id := me;
            NEW.entered_at := pg_catalog.now();
            IF NEW.approved_by_staff_id IS NOT NULL AND NOT (NEW.approved_by_staff_id = me
                    AND public.console_is('supervisor')) THEN
                -- Proof that this supervisor approved: the token their own login issued.
                given := NULLIF(pg_catalog.current_setting('console.approval', true), '')::uuid;
                UPDATE public.console_approvals a SET used_at = pg_catalog.now()
                 WHERE a.token = given AND a.staff_id = NEW.approved_by_staff_id
                   AND a.created_at > pg_catalog.now() - interval '15 minutes'
                   AND (a.used_at IS NULL OR a.used_at = pg_catalog.now());
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'Подтверждение руководителя не найдено или устарело: '
                        'руководитель подтверждает своим логином и паролем' {DENIED};
                END IF;
            END IF;
            RETURN NEW;
        END""",
    ),
    (
        "console_guard_refund()",
        f"""DECLARE me integer;
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
                RETURN NEW;
            END IF;
            PERFORM public.console_same(pg_catalog.to_jsonb(OLD), pg_catalog.to_jsonb(NEW),
                ARRAY['status', 'reviewed_by_staff_id', 'decided_at', 'decision_reason',
                      'paid_at', 'closed_at', 'version']);
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
                -- Dual control against the login, not against a column this UPDATE could set.
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
            RETURN NEW;
        END""",
    ),
    (
        "console_guard_refund_payment()",
        f"""DECLARE r public.refund_applications;
        BEGIN
            IF public.console_trusted() THEN RETURN NEW; END IF;
            PERFORM public.console_require_staff();
            SELECT * INTO r FROM public.refund_applications x WHERE x.id = NEW.refund_id;
            IF r.id IS NULL OR r.status <> 'registered' OR r.registered_at <> pg_catalog.now()
               OR NOT EXISTS (SELECT 1 FROM public.payments p
                              WHERE p.id = NEW.payment_id AND p.account_id = r.account_id) THEN
                RAISE EXCEPTION 'Платежи указывают при регистрации заявления, по его счёту'
                    {DENIED};
            END IF;
            RETURN NEW;
        END""",
    ),
    (
        "console_guard_appeal()",
        f"""DECLARE me integer;
        BEGIN
            IF public.console_trusted() THEN RETURN NEW; END IF;
            me := public.console_require_staff();
            IF TG_OP = 'INSERT' THEN
                IF NEW.status NOT IN ('registered', 'in_progress') THEN
                    RAISE EXCEPTION 'Новое обращение — «зарегистрировано» или «в работе»' {DENIED};
                END IF;
                NEW.registered_by_staff_id := me;
                NEW.registered_at := pg_catalog.now();
                NEW.answered_at := NULL; NEW.closed_at := NULL; NEW.answer_text := NULL;
                RETURN NEW;
            END IF;
            PERFORM public.console_same(pg_catalog.to_jsonb(OLD), pg_catalog.to_jsonb(NEW),
                ARRAY['status', 'assigned_to_staff_id', 'answer_text', 'answered_at',
                      'closed_at', 'version']);
            IF NEW.assigned_to_staff_id IS DISTINCT FROM OLD.assigned_to_staff_id
               AND NOT public.console_is('supervisor')
               AND NOT (OLD.assigned_to_staff_id IS NULL AND NEW.assigned_to_staff_id = me) THEN
                RAISE EXCEPTION 'Специалист берёт в работу только свободное обращение, себе'
                    {DENIED};
            END IF;
            IF NEW.status <> OLD.status THEN
                IF NOT (OLD.status, NEW.status) IN (('registered', 'in_progress'),
                        ('in_progress', 'answered'), ('answered', 'closed'),
                        ('answered', 'in_progress'), ('closed', 'in_progress')) THEN
                    RAISE EXCEPTION 'Обращение нельзя перевести из «%» в «%»', OLD.status,
                        NEW.status {DENIED};
                END IF;
                IF OLD.status IN ('answered', 'closed') AND NEW.status = 'in_progress' THEN
                    PERFORM public.console_require('supervisor', 'Возобновлять обращение');
                    NEW.answered_at := NULL; NEW.closed_at := NULL;
                END IF;
                IF NEW.status = 'answered' THEN NEW.answered_at := pg_catalog.now(); END IF;
                IF NEW.status = 'closed' THEN NEW.closed_at := pg_catalog.now(); END IF;
            ELSIF (NEW.answer_text, NEW.answered_at, NEW.closed_at) IS DISTINCT FROM
                  (OLD.answer_text, OLD.answered_at, OLD.closed_at) THEN
                RAISE EXCEPTION 'Ответ и закрытие записываются только вместе со статусом' {DENIED};
            END IF;
            RETURN NEW;
        END""",
    ),
)

# (trigger, table, events, function[, "STATEMENT" or a WHEN clause])
TRIGGERS: tuple[tuple[str, ...], ...] = (
    ("audit_events_guard", "audit_events", "BEFORE INSERT", "console_guard_audit"),
    ("issued_documents_guard", "issued_documents", "BEFORE INSERT", "console_guard_stamp_staff"),
    ("attachments_guard", "attachments", "BEFORE INSERT", "console_guard_stamp_staff"),
    ("passport_records_guard", "passport_records", "BEFORE INSERT", "console_guard_stamp_staff"),
    ("customers_guard", "customers", "BEFORE INSERT OR UPDATE", "console_guard_customer"),
    ("account_holders_guard", "account_holders", "BEFORE INSERT OR UPDATE",
     "console_guard_holder"),
    ("payments_guard", "payments", "BEFORE INSERT OR UPDATE", "console_guard_payment"),
    ("payment_allocations_guard", "payment_allocations", "BEFORE INSERT",
     "console_guard_allocation"),
    ("ledger_entries_guard", "ledger_entries",
     "BEFORE INSERT", "console_guard_ledger",
     "WHEN (NEW.kind IN ('payment', 'payment_reversal', 'refund', 'correction'))"),
    ("ledger_entries_billing", "ledger_entries",
     "AFTER INSERT", "console_guard_ledger_rows", "STATEMENT"),
    ("charges_closed_period", "charges", "BEFORE UPDATE OR DELETE",
     "console_guard_closed_period"),
    ("charges_billing", "charges", "AFTER INSERT", "console_guard_billing_rows", "STATEMENT"),
    ("account_statements_closed_period", "account_statements", "BEFORE UPDATE OR DELETE",
     "console_guard_closed_period"),
    ("account_statements_billing", "account_statements", "AFTER INSERT",
     "console_guard_billing_rows", "STATEMENT"),
    ("billing_periods_guard", "billing_periods", "BEFORE INSERT OR UPDATE OR DELETE",
     "console_guard_billing_period"),
    ("readings_guard", "readings", "BEFORE INSERT OR UPDATE", "console_guard_reading"),
    ("refund_applications_guard", "refund_applications", "BEFORE INSERT OR UPDATE",
     "console_guard_refund"),
    ("refund_application_payments_guard", "refund_application_payments", "BEFORE INSERT",
     "console_guard_refund_payment"),
    ("appeals_guard", "appeals", "BEFORE INSERT OR UPDATE", "console_guard_appeal"),
)  # fmt: skip
#: 0002's functions, replaced by the above (they read ``staff`` and ``billing_periods`` through
#: the caller's search_path, so a temporary table could stand in).
OLD_FUNCTIONS = (
    "console_guard_refund()", "console_guard_payment()", "console_guard_ledger()",
    "console_guard_closed_period()", "console_guard_billing_period()", "console_has_role(text)",
)  # fmt: skip

# --- the API staff call (EXECUTE granted by group) ------------------------------------------
API = (
    (
        "console_issue_approval(purpose text)",
        "supervisor",
        f"""RETURNS uuid LANGUAGE plpgsql VOLATILE SECURITY DEFINER {SAFE} AS $$
        DECLARE me integer := public.console_require('supervisor', 'Подтверждать');
                made uuid;
        BEGIN
            IF purpose NOT IN ('reading.supervisor_approval') THEN
                RAISE EXCEPTION 'Неизвестное подтверждение' {DENIED};
            END IF;
            INSERT INTO public.console_approvals (staff_id, purpose) VALUES (me, purpose)
            RETURNING token INTO made;
            INSERT INTO public.audit_events (occurred_at, staff_id, action, entity, entity_id)
            VALUES (pg_catalog.now(), me, purpose, 'staff', me::text);
            RETURN made;
        END $$""",
    ),
    (
        "console_staff_create(p_login text, p_full_name text, p_role text, p_office_id integer,"
        " p_verifier text)",
        "admin",
        f"""RETURNS integer LANGUAGE plpgsql VOLATILE SECURITY DEFINER {SAFE} AS $$
        DECLARE me integer := public.console_require('admin', 'Добавлять сотрудников');
                grp name; made integer;
        BEGIN
            IF p_login !~ '^[a-z][a-z0-9_.-]{{2,62}}$' THEN
                RAISE EXCEPTION 'Логин: латинские строчные буквы, цифры, точка, дефис и '
                    'подчёркивание, от 3 до 63 знаков, начиная с буквы' {DENIED};
            END IF;
            IF p_verifier !~ '^SCRAM-SHA-256\\$' THEN
                RAISE EXCEPTION 'Пароль передаётся только как SCRAM-верификатор' {DENIED};
            END IF;
            SELECT g.rolname INTO grp FROM public.console_groups g WHERE g.kind = p_role;
            IF grp IS NULL THEN
                RAISE EXCEPTION 'Роль: clerk, supervisor или admin' {DENIED};
            END IF;
            IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = p_login) THEN
                RAISE EXCEPTION 'В базе данных уже есть роль «%»: выберите другой логин', p_login
                    USING ERRCODE = 'duplicate_object';
            END IF;
            EXECUTE pg_catalog.format('CREATE ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB '
                'NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD %L IN ROLE %I',
                p_login, p_verifier, grp);
            INSERT INTO public.staff (login, full_name, role, office_id, is_active, version)
            VALUES (p_login, p_full_name, p_role, p_office_id, true, 1) RETURNING id INTO made;
            INSERT INTO public.audit_events (occurred_at, staff_id, action, entity, entity_id,
                                             after)
            VALUES (pg_catalog.now(), me, 'staff.create', 'staff', made::text,
                    pg_catalog.json_build_object('login', p_login, 'full_name', p_full_name,
                                                 'role', p_role));
            RETURN made;
        END $$""",
    ),
    (
        "console_staff_disable(p_login text)",
        "admin",
        f"""RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER {SAFE} AS $$
        DECLARE me integer := public.console_require('admin', 'Отключать сотрудников');
                target public.staff;
        BEGIN
            SELECT * INTO target FROM public.staff s WHERE s.login = p_login;
            IF target.id IS NULL OR NOT public.console_is_staff_login(p_login) THEN
                RAISE EXCEPTION 'Сотрудника с логином «%» нет', p_login {DENIED};
            END IF;
            IF target.id IS NOT DISTINCT FROM me THEN
                RAISE EXCEPTION 'Свою учётную запись отключить нельзя' {DENIED};
            END IF;
            EXECUTE pg_catalog.format('ALTER ROLE %I NOLOGIN', p_login);
            UPDATE public.staff SET is_active = false, version = version + 1
             WHERE id = target.id;
            INSERT INTO public.audit_events (occurred_at, staff_id, action, entity, entity_id,
                                             before, after)
            VALUES (pg_catalog.now(), me, 'staff.disable', 'staff', target.id::text,
                    pg_catalog.json_build_object('is_active', target.is_active),
                    pg_catalog.json_build_object('is_active', false));
        END $$""",
    ),
    (
        "console_staff_set_password(p_login text, p_verifier text)",
        "clerk",
        f"""RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER {SAFE} AS $$
        DECLARE me integer := public.console_require('clerk', 'Менять пароль');
                target public.staff;
        BEGIN
            SELECT * INTO target FROM public.staff s WHERE s.login = p_login;
            IF target.id IS NULL OR NOT public.console_is_staff_login(p_login) THEN
                RAISE EXCEPTION 'Сотрудника с логином «%» нет', p_login {DENIED};
            END IF;
            IF target.id IS DISTINCT FROM me AND NOT public.console_is('admin') THEN
                RAISE EXCEPTION 'Пароль другого сотрудника меняет администратор' {DENIED};
            END IF;
            IF p_verifier !~ '^SCRAM-SHA-256\\$' THEN
                RAISE EXCEPTION 'Пароль передаётся только как SCRAM-верификатор' {DENIED};
            END IF;
            EXECUTE pg_catalog.format('ALTER ROLE %I PASSWORD %L', p_login, p_verifier);
            INSERT INTO public.audit_events (occurred_at, staff_id, action, entity, entity_id)
            VALUES (pg_catalog.now(), me, 'staff.set_password', 'staff', target.id::text);
        END $$""",
    ),
)
#: Owned by the staff manager, used by its functions: is ``login`` a plain console login of
#: this database (a member of its clerk group, no superuser, not the owner)?
STAFF_LOGIN_CHECK = f"""RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER {SAFE} AS $$
    SELECT EXISTS (
        SELECT 1 FROM pg_catalog.pg_roles r, public.console_groups g
        WHERE r.rolname = $1 AND g.kind = 'clerk' AND NOT r.rolsuper AND NOT r.rolcreaterole
          AND NOT r.rolreplication AND NOT r.rolbypassrls
          AND pg_catalog.pg_has_role(r.oid, g.rolname, 'MEMBER')
          AND NOT pg_catalog.pg_has_role(r.oid, (SELECT c.relowner FROM pg_catalog.pg_class c
                WHERE c.oid = 'public.alembic_version'::pg_catalog.regclass), 'MEMBER'))
$$"""


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _scalar(sql: str, **params: object) -> object:
    return op.get_bind().execute(sa.text(sql), params).scalar()


def group_names(database: str) -> dict[str, str]:
    """``<db>_clerk`` … for a plain database name; a short hash for any other."""
    base = database
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", database):
        base = "console_" + hashlib.sha256(database.encode()).hexdigest()[:10]
    return {kind: f"{base}_{kind}" for kind in (*KINDS, "staff_manager")}


def upgrade() -> None:
    # Who connected, even when it is no staff member (the owner's maintenance, a CLI import):
    # filled by the database from session_user on PostgreSQL, by the service on SQLite.
    if "login" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("audit_events")}:
        op.add_column("audit_events", sa.Column("login", sa.String(length=63), nullable=True))
    if not _is_postgres():
        return
    # A migration waits at most this long for a lock (clerks' transactions are short); it
    # fails and is run again later rather than queueing every desk behind it.
    op.execute("SET LOCAL lock_timeout = '5s'")
    groups = _groups()
    _revoke_everything(groups)
    _install_functions(groups)
    _grant(groups)
    _move_staff(groups)


def _groups() -> dict[str, str]:
    op.execute(
        "CREATE TABLE IF NOT EXISTS console_groups "
        "(kind varchar(16) PRIMARY KEY, rolname name NOT NULL UNIQUE)"
    )
    op.execute(
        "CREATE TABLE IF NOT EXISTS console_approvals ("
        " token uuid PRIMARY KEY DEFAULT gen_random_uuid(),"
        " staff_id integer NOT NULL REFERENCES staff(id),"
        " purpose varchar(60) NOT NULL,"
        " created_at timestamptz NOT NULL DEFAULT now(),"
        " used_at timestamptz)"
    )
    database = str(_scalar("SELECT current_database()"))
    rows = op.get_bind().execute(sa.text("SELECT kind, rolname FROM console_groups")).all()
    groups = {str(k): str(r) for k, r in rows} or group_names(database)
    for kind, name in groups.items():
        attributes = "NOLOGIN CREATEROLE" if kind == "staff_manager" else "NOLOGIN"
        op.execute(
            f"""DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN
                    CREATE ROLE "{name}" {attributes};
                END IF;
            END $$"""
        )
        op.execute(
            sa.text(
                "INSERT INTO console_groups (kind, rolname) VALUES (:k, :r) "
                "ON CONFLICT (kind) DO NOTHING"
            ).bindparams(k=kind, r=name)
        )
    op.execute(f'GRANT "{groups["clerk"]}" TO "{groups["supervisor"]}"')
    op.execute(f'GRANT "{groups["supervisor"]}" TO "{groups["admin"]}"')
    return groups


def _revoke_everything(groups: dict[str, str]) -> None:
    everyone = ", ".join(["PUBLIC", *OLD_GROUPS, *(f'"{g}"' for g in groups.values())])
    op.execute(
        "DO $$ BEGIN EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC, console_clerk, "
        "console_supervisor, console_admin', current_database()); END $$"
    )
    op.execute(f"REVOKE ALL ON SCHEMA public FROM {everyone}")
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {everyone}")
    op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {everyone}")
    # What 0002 granted by default to every table created later.
    op.execute(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        "REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM console_clerk"
    )
    op.execute(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES "
        "FROM console_clerk"
    )
    # New functions are nobody's to call until granted (PostgreSQL's default is PUBLIC).
    op.execute("ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC")


def _function(signature: str, attributes: str, body: str) -> None:
    op.execute(f"CREATE OR REPLACE FUNCTION public.{signature} {attributes} AS $$ {body} $$")
    op.execute(f"REVOKE ALL ON FUNCTION public.{signature} FROM PUBLIC")


def _install_functions(groups: dict[str, str]) -> None:
    for name, table, *_rest in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for signature in OLD_FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS public.{signature}")
    for signature, attributes, body in HELPERS:
        _function(signature, attributes, body)
    for signature, body in GUARDS:
        _function(
            signature,
            # Guards that read what staff may not (approvals, other tables' rows) run as owner.
            f"RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER {SAFE}",
            body,
        )
    for name, table, events, function, *how in TRIGGERS:
        if how == ["STATEMENT"]:
            each = "REFERENCING NEW TABLE AS added FOR EACH STATEMENT"
        else:
            each = " ".join(["FOR EACH ROW", *how])
        op.execute(
            f"CREATE TRIGGER {name} {events} ON {table} {each} EXECUTE FUNCTION public.{function}()"
        )
    manager = groups["staff_manager"]
    op.execute(
        f"CREATE OR REPLACE FUNCTION public.console_is_staff_login(text) {STAFF_LOGIN_CHECK}"
    )
    op.execute("REVOKE ALL ON FUNCTION public.console_is_staff_login(text) FROM PUBLIC")
    for signature, kind, definition in API:
        op.execute(f"CREATE OR REPLACE FUNCTION public.{signature} {definition}")
        op.execute(f"REVOKE ALL ON FUNCTION public.{signature} FROM PUBLIC")
        op.execute(f'GRANT EXECUTE ON FUNCTION public.{signature} TO "{groups[kind]}"')
        if signature.startswith("console_staff_"):
            # Run as the staff manager: the only role that may create and alter logins. A new
            # owner needs CREATE on the schema (unless a superuser migrates): only for the move.
            op.execute(f'GRANT "{manager}" TO CURRENT_USER')
            op.execute(f'GRANT CREATE ON SCHEMA public TO "{manager}"')
            op.execute(f'ALTER FUNCTION public.{signature} OWNER TO "{manager}"')
            op.execute(f'REVOKE CREATE ON SCHEMA public FROM "{manager}"')
    # What the manager's functions read and write, and nothing more.
    op.execute(f'GRANT USAGE ON SCHEMA public TO "{manager}"')
    op.execute(f'GRANT SELECT ON console_groups, alembic_version, staff TO "{manager}"')
    op.execute(f'GRANT INSERT, UPDATE ON staff TO "{manager}"')
    op.execute(f'GRANT USAGE ON SEQUENCE staff_id_seq TO "{manager}"')
    op.execute(f'GRANT INSERT ON audit_events TO "{manager}"')
    op.execute(f'GRANT USAGE ON SEQUENCE audit_events_id_seq TO "{manager}"')
    for signature in ("console_require(text, text)", "console_require_staff()",
                      "console_is(text)", "console_is_staff_login(text)",
                      "console_staff_id()", "console_trusted()"):  # fmt: skip
        op.execute(f'GRANT EXECUTE ON FUNCTION public.{signature} TO "{manager}"')


def _columns(table: str) -> list[str]:
    rows = op.get_bind().execute(
        sa.text(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = :t ORDER BY ordinal_position"
        ),
        {"t": table},
    )
    return [str(r[0]) for r in rows]


#: The database's own ACL: a copy made with CREATE DATABASE … TEMPLATE, or a restore without
#: ``--create``, starts with PostgreSQL's default (CONNECT and TEMPORARY for PUBLIC), so the owner
#: runs this again after either (``SELECT console_lock_database()``; tests do it for each copy).
LOCK_DATABASE = f"""RETURNS void LANGUAGE plpgsql VOLATILE {SAFE} AS $$
DECLARE g record;
BEGIN
    EXECUTE pg_catalog.format('REVOKE ALL ON DATABASE %I FROM PUBLIC', pg_catalog.current_database());
    FOR g IN SELECT kind, rolname FROM public.console_groups LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON DATABASE %I FROM %I',
                                  pg_catalog.current_database(), g.rolname);
        IF g.kind = 'clerk' THEN
            EXECUTE pg_catalog.format('GRANT CONNECT ON DATABASE %I TO %I',
                                      pg_catalog.current_database(), g.rolname);
        ELSIF g.kind = 'admin' THEN
            -- The billing run builds its working sets in temporary tables: administrators only.
            EXECUTE pg_catalog.format('GRANT TEMPORARY ON DATABASE %I TO %I',
                                      pg_catalog.current_database(), g.rolname);
        END IF;
    END LOOP;
END $$"""


def _grant(groups: dict[str, str]) -> None:
    clerk = f'"{groups["clerk"]}"'
    op.execute(f"CREATE OR REPLACE FUNCTION public.console_lock_database() {LOCK_DATABASE}")
    op.execute("REVOKE ALL ON FUNCTION public.console_lock_database() FROM PUBLIC")
    op.execute("SELECT public.console_lock_database()")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {clerk}")
    for table in READABLE:
        hidden = PROTECTED_COLUMNS.get(table, ())
        columns = [c for c in _columns(table) if c not in hidden]
        if hidden:
            listed = ", ".join(f'"{c}"' for c in columns)
            op.execute(f"GRANT SELECT ({listed}) ON {table} TO {clerk}")
        else:
            op.execute(f"GRANT SELECT ON {table} TO {clerk}")
    for table, kind in INSERTS:
        op.execute(f'GRANT INSERT ON {table} TO "{groups[kind]}"')
        sequence = "id" in _columns(table) and _scalar(
            "SELECT pg_get_serial_sequence(:t, 'id')", t=f"public.{table}"
        )
        if sequence:
            op.execute(f'GRANT USAGE ON SEQUENCE {sequence} TO "{groups[kind]}"')
    for kind, tables in UPDATES.items():
        for table, columns in tables.items():
            present = set(_columns(table))
            listed = ", ".join(f'"{c}"' for c in columns if c in present)
            op.execute(f'GRANT UPDATE ({listed}) ON {table} TO "{groups[kind]}"')


def _move_staff(groups: dict[str, str]) -> None:
    """Existing staff logins: into this database's groups, without CREATEROLE."""
    op.execute(
        f"""DO $$ DECLARE s record; BEGIN
            FOR s IN SELECT st.login, st.role FROM staff st
                     JOIN pg_roles r ON r.rolname = st.login AND NOT r.rolsuper LOOP
                EXECUTE format('GRANT %I TO %I', CASE s.role
                    WHEN 'admin' THEN '{groups["admin"]}'
                    WHEN 'supervisor' THEN '{groups["supervisor"]}'
                    ELSE '{groups["clerk"]}' END, s.login);
                EXECUTE format('ALTER ROLE %I NOCREATEROLE', s.login);
            END LOOP;
        END $$"""
    )


def downgrade() -> None:
    """Back to 0002's rules: its functions, triggers and grants; this database's groups stay."""
    if not _is_postgres():
        with op.batch_alter_table("audit_events") as batch:
            batch.drop_column("login")
        return
    op.execute("SET LOCAL lock_timeout = '5s'")
    rows = op.get_bind().execute(sa.text("SELECT rolname FROM console_groups"))
    groups = [str(r[0]) for r in rows]
    for name, table, *_rest in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for signature, _kind, _definition in API:
        op.execute(f"DROP FUNCTION IF EXISTS public.{signature.split('(')[0]}")
    op.execute("DROP FUNCTION IF EXISTS public.console_is_staff_login(text)")
    op.execute("DROP FUNCTION IF EXISTS public.console_lock_database()")
    for signature, _body in GUARDS:
        op.execute(f"DROP FUNCTION IF EXISTS public.{signature}")
    for signature, _attributes, _body in reversed(HELPERS):
        op.execute(f"DROP FUNCTION IF EXISTS public.{signature}")
    op.execute("DROP TABLE IF EXISTS console_approvals")
    op.execute("DROP TABLE IF EXISTS console_groups")
    if groups:
        listed = ", ".join(f'"{g}"' for g in groups)
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {listed}")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {listed}")
        op.execute(f"REVOKE ALL ON SCHEMA public FROM {listed}")
        for group in groups:
            op.execute(
                "DO $$ BEGIN EXECUTE format('REVOKE ALL ON DATABASE %I FROM %I', "
                f"current_database(), '{group}'); END $$"
            )
    op.execute("ALTER TABLE audit_events DROP COLUMN IF EXISTS login")
    op.execute("ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC")
    op.execute("GRANT USAGE ON SCHEMA public TO PUBLIC")
    _previous_revision().upgrade()


def _previous_revision() -> ModuleType:
    """0002, whose upgrade puts its roles, guards and grants back (it is harmless twice)."""
    path = Path(__file__).with_name("0002_roles.py")
    spec = importlib.util.spec_from_file_location("console_migration_0002", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

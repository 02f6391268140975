"""Personal data (152-ФЗ ст.19) against a hostile member of staff with psql, and the console's
own use of it on both databases. PostgreSQL tests run raw SQL as the staff member's own login."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import threading
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import exc, select, text

from console.models import AuditEvent
from console.models.enums import PaymentMethod, RefundPayout, RefundReason, StaffRole
from console.services.core.database import Database
from console.services.core.errors import ValidationError
from console.services.lookup import search
from console.services.payments import counter
from console.services.privacy.reveal import reveal_passport
from console.services.refunds import applications
from console.services.registration import customer as reg
from console.services.registration import edit
from console.services.registration.forms import Consents, RegistrationRequest
from console.services.staff.actor import Actor
from tests.support.factories import (
    add_charge,
    connect_as,
    make_account,
    make_login,
    make_staff,
    person_form,
    stored_identity,
)
from tests.support.locks import wait_until_blocked
from tests.support.pgserver import PgServer, find_pg_bin

SERIES, NUMBER, SNILS, BIRTH = "7109", "654321", "11223344595", "1985-04-03"
SECRETS = (NUMBER, SNILS, BIRTH, "03.04.1985")


class Desk:
    """A staff member connected as their own login role, typing SQL as psql would."""

    def __init__(self, owner: Database, role: StaffRole) -> None:
        self.actor: Actor = make_login(owner, f"{role.value}_{uuid.uuid4().hex[:8]}", role)
        self.db = connect_as(owner, self.actor.login)

    def rows(self, statement: str, **params: object) -> list[Any]:
        with self.db.engine.begin() as conn:
            return list(conn.execute(text(statement), params).all())


@pytest.fixture
def desks(pg_db: Database) -> Iterator[dict[StaffRole, Desk]]:
    made = {role: Desk(pg_db, role) for role in StaffRole}
    try:
        yield made
    finally:
        for desk in made.values():
            desk.db.dispose()


def _register(db: Database, actor: Actor, **form: str) -> int:
    person = reg.validate_person(person_form(**form))
    request = RegistrationRequest(person=person, consents=Consents(True))
    return reg.register(db, actor, request).customer.id


def _events(db: Database) -> list[AuditEvent]:
    with db.read() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def _no_secret_in(events: list[AuditEvent]) -> None:
    for e in events:
        dumped = json.dumps([e.before, e.after], ensure_ascii=False)
        for secret in SECRETS:
            assert secret not in dumped, (e.action, dumped)


# --- what psql gives a hostile login ----------------------------------------------------------

BULK_READS = (
    "SELECT sealed FROM customer_identities",
    "SELECT passport_hash FROM customer_identities",
    "SELECT count(*) FROM customer_identities",
    "SELECT * FROM console_secrets",
    "SELECT sealed FROM passport_records",
    "SELECT * FROM passport_records",
    "SELECT public.console_pd_open(sealed) FROM passport_records",
    "SELECT public.console_pd_key('pd_seal')",
    "SELECT public.console_pd_hash('7109', '000000')",
    "SELECT public.console_pd_seal('{}'::jsonb)",
    "SELECT public.console_pd_audit('customer.update', NULL, NULL, NULL, NULL, '{}'::jsonb)",
)


@pytest.mark.parametrize("role", list(StaffRole))
@pytest.mark.parametrize("statement", BULK_READS)
def test_no_staff_login_reads_sealed_values_or_keys(
    pg_db: Database, desks: dict[StaffRole, Desk], role: StaffRole, statement: str
) -> None:
    _register(pg_db, desks[StaffRole.CLERK].actor)
    with pytest.raises(exc.ProgrammingError, match="permission denied"):
        desks[role].rows(statement)


@pytest.mark.parametrize(
    "column", ["passport_series", "passport_number", "snils", "birth_date", "passport_issued_by"]
)
def test_customers_hold_no_personal_data_columns(
    pg_db: Database, desks: dict[StaffRole, Desk], column: str
) -> None:
    _register(pg_db, desks[StaffRole.CLERK].actor)
    with pytest.raises(exc.ProgrammingError, match="does not exist"):
        desks[StaffRole.CLERK].rows(f"SELECT {column} FROM customers")
    masks = desks[StaffRole.CLERK].rows("SELECT passport_masked FROM customers")
    assert masks == [("71 ** ******",)]


def test_reveal_is_one_record_and_one_event_in_the_logins_name(
    pg_db: Database, desks: dict[StaffRole, Desk]
) -> None:
    clerk, boss = desks[StaffRole.CLERK], desks[StaffRole.SUPERVISOR]
    customer = _register(pg_db, clerk.actor)
    before = len(_events(pg_db))
    # The clerk names the supervisor as the actor: the database does not believe it.
    forged = json.dumps({"staff_id": boss.actor.staff_id})
    rows = clerk.rows(
        "SELECT * FROM public.console_pd_reveal(:c, NULL, 'reveal', CAST(:x AS jsonb))",
        c=customer,
        x=forged,
    )
    assert [(r.series, r.number, r.snils, str(r.birth_date)) for r in rows] == [
        (SERIES, NUMBER, SNILS, BIRTH)
    ]
    new = _events(pg_db)[before:]
    assert [(e.action, e.staff_id, e.entity_id) for e in new] == [
        ("customer.reveal_passport", clerk.actor.staff_id, str(customer))
    ]
    _no_secret_in(new)


def test_find_by_passport_records_the_search_masked(
    pg_db: Database, desks: dict[StaffRole, Desk]
) -> None:
    clerk = desks[StaffRole.CLERK]
    customer = _register(pg_db, clerk.actor)
    before = len(_events(pg_db))
    found = clerk.rows("SELECT public.console_pd_find('71 09', '654321', 'lookup', '{}'::jsonb)")
    missing = clerk.rows("SELECT public.console_pd_find('7109', '000000', 'lookup', '{}'::jsonb)")
    assert (found, missing) == ([(customer,)], [(None,)])
    new = _events(pg_db)[before:]
    assert [(e.action, e.staff_id, e.after) for e in new] == [
        ("customer.search_passport", clerk.actor.staff_id,
         {"passport": "71 ** ******", "found": 1, "purpose": "lookup"}),
        ("customer.search_passport", clerk.actor.staff_id,
         {"passport": "71 ** ******", "found": 0, "purpose": "lookup"}),
    ]  # fmt: skip
    _no_secret_in(new)


def test_a_match_reveals_nothing_and_a_mismatch_is_recorded(
    pg_db: Database, desks: dict[StaffRole, Desk]
) -> None:
    clerk = desks[StaffRole.CLERK]
    customer = _register(pg_db, clerk.actor)
    before = len(_events(pg_db))
    check = "SELECT public.console_pd_matches(:c, :s, :n, '{}'::jsonb)"
    assert clerk.rows(check, c=customer, s=SERIES, n=NUMBER) == [(True,)]
    assert len(_events(pg_db)) == before
    assert clerk.rows(check, c=customer, s=SERIES, n="654320") == [(False,)]
    assert [(e.action, e.staff_id) for e in _events(pg_db)[before:]] == [
        ("customer.passport_mismatch", clerk.actor.staff_id)
    ]


def test_a_reveal_rolled_back_still_leaves_a_line_in_the_server_log(
    pg_db: Database, pg_server: PgServer, desks: dict[StaffRole, Desk]
) -> None:
    clerk = desks[StaffRole.CLERK]
    customer = _register(pg_db, clerk.actor)
    log_file = pg_server.data_dir / "server.log"
    start = log_file.stat().st_size
    with clerk.db.engine.connect() as conn:  # psql: BEGIN; SELECT …; ROLLBACK;
        conn.execute(
            text("SELECT * FROM public.console_pd_reveal(:c, NULL, 'reveal', '{}'::jsonb)"),
            {"c": customer},
        )
        conn.rollback()
    assert not [e for e in _events(pg_db) if e.action == "customer.reveal_passport"]
    with log_file.open("rb") as f:
        f.seek(start)
        log = f.read().decode(errors="replace")
    line = f"customer.reveal_passport customer {customer} by login {clerk.actor.login}"
    assert line in log
    assert NUMBER not in log


def test_every_personal_data_function_is_definer_with_a_fixed_search_path(pg_db: Database) -> None:
    with pg_db.read() as session:
        rows = session.execute(
            text(
                "SELECT p.proname, p.prosecdef, p.proconfig, p.proacl::text "
                "FROM pg_proc p WHERE p.proname LIKE 'console\\_pd\\_%'"
            )
        ).all()
    assert len(rows) == 12  # 0006 and 0008_similar_person
    for name, definer, config, acl in rows:
        assert definer, name
        assert config == ["search_path=pg_catalog, public, pg_temp"], name
        grants = (acl or "").strip("{}").split(",")
        assert not [g for g in grants if g.startswith("=")], f"{name}: PUBLIC may execute it"


def test_the_owners_dump_holds_no_passport_in_clear(
    pg_db: Database, pg_server: PgServer, desks: dict[StaffRole, Desk], tmp_path: Path
) -> None:
    clerk = desks[StaffRole.CLERK]
    customer = _register(pg_db, clerk.actor)
    change = edit.PassportEdit("7120", "000111", "10.04.2025", "УМВД", "720-001")
    details = edit.customer_details(clerk.db, customer)
    edit.replace_passport(clerk.db, clerk.actor, customer, details.version, change)
    bin_dir = find_pg_bin()
    assert bin_dir is not None
    url = pg_db.engine.url
    dump = subprocess.run(
        [str(bin_dir / "pg_dump"), "--data-only", "-h", "127.0.0.1", "-p", str(url.port),
         "-U", str(url.username), str(url.database)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert "customer_identities" in dump and "passport_records" in dump
    for secret in (*SECRETS, "000111"):
        assert secret not in dump, secret
    # …while the function still reads both passports: the new one, and the archived one sealed.
    assert stored_identity(pg_db, customer).number == "000111"


def test_one_passport_one_customer_when_two_clerks_save_at_once(
    pg_db: Database, desks: dict[StaffRole, Desk]
) -> None:
    first, second = desks[StaffRole.CLERK], Desk(pg_db, StaffRole.CLERK)
    insert = (
        "INSERT INTO customers (last_name, first_name, search_text, mailing_consent, version) "
        "VALUES ('Смирнова', 'Анна', 'смирнова анна', false, 1) RETURNING id"
    )
    set_pd = (
        "SELECT public.console_pd_set(:c, '7109', '654321', NULL, NULL, NULL, NULL, NULL, "
        "'{}'::jsonb)"
    )
    outcome: list[object] = []

    def other_desk() -> None:
        try:
            with second.db.engine.begin() as conn:
                cid = conn.execute(text(insert)).scalar_one()
                outcome.append(conn.execute(text(set_pd), {"c": cid}).scalar_one())
        except exc.IntegrityError as err:
            outcome.append(err)

    try:
        with first.db.engine.begin() as conn:
            cid = conn.execute(text(insert)).scalar_one()
            assert conn.execute(text(set_pd), {"c": cid}).scalar_one() == "created"
            thread = threading.Thread(target=other_desk)
            thread.start()
            wait_until_blocked(pg_db)  # the second waits on the first's unique hash
        thread.join(30)
        assert len(outcome) == 1 and isinstance(outcome[0], exc.IntegrityError)
        with pg_db.read() as session:
            owners = session.execute(text("SELECT count(*) FROM customer_identities")).scalar()
        assert owners == 1
    finally:
        second.db.dispose()


# --- the console keeps working, on both databases ---------------------------------------------


def test_the_console_uses_personal_data_and_the_trail_keeps_no_full_number(db: Database) -> None:
    clerk = make_staff(db, "clerk-pd", StaffRole.CLERK)
    acc = make_account(db)
    customer = _register(db, clerk)
    # Registration's duplicate checks: the same passport, and the same name and birth date.
    person = reg.validate_person(person_form())
    check = reg.find_duplicates(db, clerk, person)
    assert check.same_passport is not None and check.same_passport.id == customer
    other = reg.validate_person(person_form(passport_number="111222"))
    assert [c.id for c in reg.find_duplicates(db, clerk, other).same_person] == [customer]
    # Editing СНИЛС, replacing the passport (the old one archived), revealing it.
    details = edit.customer_details(db, customer)
    edit.update_customer(
        db, clerk, customer, details.version,
        edit.CustomerEdit("Смирнова", "Анна", "Викторовна", snils="001-001-998 42"),
    )  # fmt: skip
    details = edit.customer_details(db, customer)
    change = edit.PassportEdit("7120", "000111", "10.04.2025", "УМВД", "720-001")
    details = edit.replace_passport(db, clerk, customer, details.version, change)
    assert details.previous_passports == 1 and details.passport_masked == "71 ** ******"
    shown = edit.reveal_passport(db, clerk, customer)
    assert (shown.passport_text, shown.snils, str(shown.birth_date)) == (
        "71 20 000111", "00100199842", BIRTH,
    )  # fmt: skip
    # The old passport no longer leads to the customer: it is archived, sealed.
    assert reg.find_duplicates(db, clerk, person).same_passport is None
    # The search line finds an account by its holder's passport.
    stored = stored_identity(db, acc.customer_id)
    result = search.search(db, f"{stored.series} {stored.number}", actor=clerk)
    assert result.kind == "passport" and [r.number for r in result.rows] == [acc.number]
    # The account card's holder: reveal through the card, the birth date with it.
    card = reveal_passport(db, clerk, acc.customer_id, account_id=acc.account_id)
    assert card.series == "7101" and card.birth_date is not None
    # Refund registration checks the applicant's passport without revealing it.
    add_charge(db, acc.account_id, Decimal("100.00"))
    dues = counter.account_dues(db, acc.account_id)
    form = counter.PaymentForm(
        acc.account_id, Decimal("600.00"), counter.split(Decimal("600.00"), dues.dues()),
        PaymentMethod.CARD, confirmed=True,
    )  # fmt: skip
    paid = counter.take_payment(db, clerk, form, uuid.uuid4().hex)
    request = applications.RefundRequest(
        account_id=acc.account_id, applicant_id=acc.customer_id, passport="7101 999999",
        amount=Decimal("100.00"), reason=RefundReason.DOUBLE_PAYMENT,
        payout=RefundPayout.CASH, payment_ids=(paid.payment_id,),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="не совпадает"):
        applications.register_refund(db, clerk, request)
    right = f"{stored.series} {stored.number}"
    registered = applications.register_refund(
        db, clerk, dataclasses.replace(request, passport=right)
    )
    assert registered.summary.amount == Decimal("100.00")
    actions = [e.action for e in _events(db)]
    for expected in ("customer.set_identity", "customer.replace_passport",
                     "customer.reveal_passport", "customer.search_passport",
                     "customer.search_person"):  # fmt: skip
        assert expected in actions
    _no_secret_in(_events(db))
    for e in _events(db):
        assert "000111" not in json.dumps([e.before, e.after]), e.action


# --- an existing database is upgraded in place ------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database of either kind, migrated by the test itself."""
    from console.services.core.database import create_db_engine

    if request.param == "sqlite":
        db = Database(create_db_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}"))
        yield db
        db.dispose()
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(server.url("postgres"))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(create_db_engine(server.url(name)))
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_plain_passports_of_an_old_database_are_sealed_in_place(empty_db: Database) -> None:
    from console.services.core.schema import upgrade
    from console.services.privacy import identity

    db = empty_db
    upgrade(db, "0004_lean_indexes" if not db.is_postgres else "0005_security_boundary")
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO customers (id, last_name, first_name, birth_date, passport_series, "
            "passport_number, passport_issued_by, passport_issued_on, passport_division_code, "
            "snils, search_text, mailing_consent, version, created_at) VALUES "
            "(1, 'Смирнова', 'Анна', '1985-04-03', '7109', '654321', 'ОВД', '2005-05-12', "
            "'720-001', '11223344595', 'смирнова анна', false, 1, CURRENT_TIMESTAMP), "
            "(2, 'Петров', 'Пётр', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'петров петр', "
            "false, 1, CURRENT_TIMESTAMP)"
        ))  # fmt: skip
        conn.execute(text(
            "INSERT INTO passport_records (customer_id, series, number, issued_by, issued_on, "
            "division_code, created_at) VALUES (1, '7101', '111111', 'ОВД', '1999-05-12', "
            "'720-001', CURRENT_TIMESTAMP)"
        ))  # fmt: skip
    upgrade(db)
    assert stored_identity(db, 1) == identity.Identity(
        series=SERIES, number=NUMBER, issued_by="ОВД", issued_on=dt.date(2005, 5, 12),
        division_code="720-001", snils=SNILS, birth_date=dt.date(1985, 4, 3),
    )  # fmt: skip
    assert stored_identity(db, 2) == identity.Identity()
    with db.read() as session:
        masks = session.execute(text("SELECT id, passport_masked FROM customers ORDER BY id"))
        assert masks.all() == [(1, "71 ** ******"), (2, None)]
        record = session.execute(text("SELECT passport_masked, sealed FROM passport_records"))
        masked, sealed = record.one()
        assert masked == "71 ** ******"
        assert (b"111111" in bytes(sealed)) is not db.is_postgres
    # The hash made by the migration is the one the functions compare with.
    clerk = make_staff(db, "clerk-old", StaffRole.CLERK)
    with db.transaction() as session:
        assert identity.find(session, clerk, SERIES, NUMBER) == 1
        assert identity.matches(session, clerk, 1, SERIES, NUMBER)

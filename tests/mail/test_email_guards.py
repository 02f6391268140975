"""PostgreSQL holds the e-mail log's rules for staff logins (migration 0012): the run and the
card's send work through a supervisor's and a clerk's own logins; a clerk in psql cannot forge
«sent», rewrite an address, queue the monthly run, delete a row or invent a paper refusal."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import exc, select, text

from console.models import EmailDelivery, PaperRefusal
from console.models.enums import EmailKind, EmailStatus, StaffRole
from console.services.core.database import Database
from console.services.core.errors import ConsoleError, PermissionDeniedError
from console.services.core.formatting import add_months, first_of_month
from console.services.documents import emailing
from console.services.registration import customer as reg
from console.services.registration.forms import BindingRequest
from console.services.staff.actor import Actor
from tests.mail.test_emailing import SEP, by_email, config
from tests.mail.test_paper_refusal import request
from tests.support.factories import (
    AccountIds,
    add_statement,
    connect_as,
    make_account,
    make_closed_month,
    make_login,
)
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.postgres
PASSWORD = "Пароль-2026!"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def desks(pg_db: Database) -> Iterator[dict[str, tuple[Database, Actor]]]:
    made = {}
    tag = uuid.uuid4().hex[:6]  # login roles belong to the whole server the tests share
    for name, role in (("clerk", StaffRole.CLERK), ("boss", StaffRole.SUPERVISOR)):
        login = f"{name}.{tag}"
        actor = make_login(pg_db, login, role, PASSWORD)
        made[name] = (connect_as(pg_db, login, PASSWORD), actor)
    try:
        yield made
    finally:
        for db, _actor in made.values():
            db.dispose()


@pytest.fixture
def account(pg_db: Database) -> AccountIds:
    ids = make_account(pg_db, number="7200000201", last_taken_on=dt.date(2026, 8, 20))
    make_closed_month(pg_db, ids, SEP, volume=Decimal("120"))
    by_email(pg_db, ids, "sidorov@example.ru")
    return ids


def refused(db: Database, statement: str, **params: object) -> str:
    """The server's refusal, as the console shows it and as psql would (the original)."""
    with pytest.raises((exc.DBAPIError, ConsoleError)) as caught, db.transaction() as session:
        session.execute(text(statement), params)
    return f"{caught.value} {caught.value.__cause__}"


def test_staff_logins_send_and_cannot_forge_the_log(
    pg_db: Database,
    desks: dict[str, tuple[Database, Actor]],
    account: AccountIds,
    smtp: SmtpServer,
) -> None:
    clerk_db, clerk = desks["clerk"]
    boss_db, boss = desks["boss"]
    # A clerk may not run the month's mailing; the supervisor's run goes through the guards.
    with pytest.raises(PermissionDeniedError, match="руководитель офиса"):
        emailing.email_month(clerk_db, clerk, config(smtp), SEP)  # the console says so first
    posing = dataclasses.replace(clerk, role=StaffRole.SUPERVISOR)  # and the server holds it
    with pytest.raises(PermissionDeniedError, match="руководитель офиса"):
        emailing.email_month(clerk_db, posing, config(smtp), SEP)
    assert not smtp.messages
    result = emailing.email_month(boss_db, boss, config(smtp), SEP)
    assert result.sent == 1 and len(smtp.messages) == 1
    with pg_db.read() as session:
        row = session.scalar(select(EmailDelivery).where(EmailDelivery.kind == EmailKind.MONTHLY))
        assert row is not None
        assert (row.status, row.staff_id, row.sent_by_staff_id) == (
            EmailStatus.SENT, boss.staff_id, boss.staff_id
        )  # fmt: skip
    # The clerk's «Отправить по e-mail» works through the clerk's own login.
    line = emailing.email_document(clerk_db, clerk, config(smtp), account.account_id, SEP)
    assert line.status is EmailStatus.SENT and len(smtp.messages) == 2

    # A clerk in psql: a queued row of their own, then every shortcut to «sent».
    document = (
        pg_db.engine.connect()
        .execute(
            text("SELECT id, sha256 FROM issued_documents WHERE account_id = :a"),
            {"a": account.account_id},
        )
        .one()
    )
    insert = (
        "INSERT INTO email_deliveries (account_id, period, kind, copy, document_id, sha256,"
        " address, status, attempts, created_at, updated_at) VALUES (:a, :p, 'manual', 9, :d,"
        " :h, :addr, :s, 0, now(), now())"
    )
    values = {"a": account.account_id, "p": SEP, "d": document.id, "h": document.sha256}
    assert "в очереди" in refused(clerk_db, insert, s="sent", addr="sidorov@example.ru", **values)
    assert "адрес доставки" in refused(
        clerk_db, insert, s="queued", addr="thief@example.ru", **values
    )
    with clerk_db.transaction() as session:
        session.execute(text(insert), {"s": "queued", "addr": "sidorov@example.ru", **values})
    queued = "SELECT id FROM email_deliveries WHERE copy = 9"
    assert "«queued» в «sent»" in refused(
        clerk_db, f"UPDATE email_deliveries SET status = 'sent' WHERE id = ({queued})"
    )
    assert "permission denied" in refused(  # no column grant for the address
        clerk_db,
        f"UPDATE email_deliveries SET address = 'thief@example.ru' WHERE id = ({queued})",
    )
    assert "Message-ID" in refused(
        clerk_db, f"UPDATE email_deliveries SET status = 'sending' WHERE id = ({queued})"
    )
    assert "завершена" in refused(
        clerk_db,
        "UPDATE email_deliveries SET status = 'sending', message_id = '<x@y>' "
        "WHERE kind = 'monthly'",
    )
    assert "permission denied" in refused(clerk_db, "DELETE FROM email_deliveries")
    # «sent» only from «sending», by the login that was sending: another clerk's attempt is not
    # theirs to close.
    with clerk_db.transaction() as session:
        session.execute(
            text(
                "UPDATE email_deliveries SET status = 'sending', message_id = '<m@vostok>' "
                f"WHERE id = ({queued})"
            )
        )
    with pg_db.read() as session:
        sending = session.scalar(select(EmailDelivery).where(EmailDelivery.copy == 9))
        assert sending is not None and sending.attempts == 1
        assert sending.sent_by_staff_id == clerk.staff_id
    assert "тот, кто отправлял" in refused(
        boss_db, f"UPDATE email_deliveries SET status = 'sent' WHERE id = ({queued})"
    )


def test_a_paper_refusal_needs_the_switch_to_e_mail(
    pg_db: Database, desks: dict[str, tuple[Database, Actor]]
) -> None:
    clerk_db, _clerk = desks["clerk"]
    paper = make_account(pg_db, number="7200000202")
    message = refused(
        clerk_db,
        "INSERT INTO paper_refusals (number, account_id, customer_id, email, signed_on,"
        " created_at) VALUES ('ЭД-2026-999999', :a, :c, 'x@example.ru', now(), now())",
        a=paper.account_id,
        c=paper.customer_id,
    )
    assert "при переводе счёта на доставку по e-mail" in message


def test_a_clerk_switching_to_e_mail_records_the_application_through_the_guard(
    pg_db: Database, desks: dict[str, tuple[Database, Actor]]
) -> None:
    clerk_db, clerk = desks["clerk"]
    account = make_account(pg_db, number="7200000203")
    add_statement(pg_db, account.account_id, add_months(first_of_month(dt.date.today()), -1),
                  Decimal("1523.40"), Decimal("643.20"))  # fmt: skip
    bind = BindingRequest(account.account_id, "owner", "bill_total", "1 523,40")
    result = reg.register(clerk_db, clerk, request(bindings=(bind,), bill_delivery="email"))
    (refusal_id,) = result.paper_refusals
    with pg_db.read() as session:
        row = session.get(PaperRefusal, refusal_id)
        assert row is not None and row.staff_id == clerk.staff_id  # stamped by the server
        assert row.email == "anna@example.ru" and row.signed_on == dt.date.today()

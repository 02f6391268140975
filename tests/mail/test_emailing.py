"""Payment documents by e-mail through a real SMTP server the test starts (aiosmtpd), on SQLite
and PostgreSQL: what arrives, once; refusals and dropped connections leave a retry."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update

from console.models import Account, AuditEvent, EmailDelivery, IssuedDocument
from console.models.enums import BillDelivery, EmailKind, EmailStatus, StaffRole
from console.services.core.database import Database
from console.services.documents import emailing
from console.services.mail.transport import SmtpConfig
from console.services.staff.actor import Actor
from tests.support.factories import AccountIds, make_account, make_closed_month, make_staff
from tests.support.smtp import SmtpServer, self_signed

SEP = dt.date(2026, 9, 1)
NOW = dt.timedelta(0)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def config(server: SmtpServer) -> SmtpConfig:
    return SmtpConfig(host="127.0.0.1", port=server.port, security="none", login="",
                      sender="bills@vostok-electra.ru", timeout_s=5)  # fmt: skip


@pytest.fixture
def boss(db: Database) -> Actor:
    return make_staff(db, "boss", StaffRole.SUPERVISOR)


def by_email(db: Database, account: AccountIds, address: str | None) -> None:
    with db.transaction() as session:
        row = session.get(Account, account.account_id)
        assert row is not None
        row.bill_delivery = BillDelivery.EMAIL if address else BillDelivery.PAPER
        row.delivery_email = address


@pytest.fixture
def month(db: Database) -> list[AccountIds]:
    """Three accounts billed for September: two get their bills by e-mail, one on paper."""
    accounts = []
    wanted = (
        ("7200000101", "ivanov@example.ru"),
        ("7200000102", "petrova@example.ru"),
        ("7200000103", None),
    )
    for number, address in wanted:
        account = make_account(db, number=number, last_taken_on=dt.date(2026, 8, 20))
        make_closed_month(db, account, SEP, volume=Decimal("165"))
        by_email(db, account, address)
        accounts.append(account)
    return accounts


def stored_pdf(db: Database, account_id: int) -> bytes:
    with db.read() as session:
        content = session.scalar(
            select(IssuedDocument.content).where(IssuedDocument.account_id == account_id)
        )
    assert content is not None
    return content


def rows(db: Database) -> list[EmailDelivery]:
    with db.read() as session:
        found = list(session.scalars(select(EmailDelivery).order_by(EmailDelivery.id)))
        session.expunge_all()
        return found


def test_month_is_emailed_once_per_account_with_the_stored_pdf(
    db: Database, boss: Actor, month: list[AccountIds], smtp: SmtpServer
) -> None:
    result = emailing.email_month(db, boss, config(smtp), SEP)
    assert (result.accounts, result.sent, result.failed, result.bounced) == (2, 2, 0, 0)
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == ["ivanov@example.ru",
                                                            "petrova@example.ru"]  # fmt: skip
    for received, account in zip(
        sorted(smtp.messages, key=lambda m: m.rcpt_tos[0]), month[:2], strict=True
    ):
        message = received.message
        assert message["Subject"] == (
            f"Платёжный документ за сентябрь 2026 г., лицевой счёт {account.number}"
        )
        assert "АО «ЭК «Восток»" in message["From"] or "Восток" in message["From"]
        assert message["From"].addresses[0].addr_spec == "bills@vostok-electra.ru"
        assert message["Reply-To"].addresses[0].addr_spec == "info@vostok-electra.ru"
        text = message.get_body(("plain",)).get_content()
        assert (
            f"Направляем платёжный документ за сентябрь 2026 г. по лицевому счёту {account.number}"
            in text
        )
        assert "отказались от платёжного документа на бумажном носителе" in text
        (attachment,) = list(message.iter_attachments())
        assert attachment.get_filename() == f"Платёжный документ {account.number} 2026-09.pdf"
        assert "filename*0*=utf-8''" in received.raw.decode("ascii").lower()  # RFC 2231
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_content() == stored_pdf(db, account.account_id)  # byte-identical
        assert message["Message-ID"].strip() in {r.message_id for r in rows(db)}
    assert {r.status for r in rows(db)} == {EmailStatus.SENT}

    again = emailing.email_month(db, boss, config(smtp), SEP)
    assert (again.sent, again.already_sent) == (0, 2)
    assert len(smtp.messages) == 2  # a rerun sends nothing twice
    with db.read() as session:
        sent = session.scalars(
            select(AuditEvent.after).where(AuditEvent.action == "document.email_sent")
        ).all()
    assert len(sent) == 2 and all("@example.ru" in str(a) and "ivanov@" not in str(a)
                                  for a in sent)  # fmt: skip


@pytest.mark.parametrize("mode", ["refuse_data", "drop", "busy"])
def test_a_refusing_server_leaves_a_retry_and_a_later_run_delivers(
    db: Database,
    boss: Actor,
    month: list[AccountIds],
    smtp: SmtpServer,
    mode: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("INFO")
    smtp.set_mode(mode)
    first = emailing.email_month(db, boss, config(smtp), SEP)
    assert (first.sent, first.failed, first.bounced) == (0, 2, 0)
    failed = rows(db)
    assert {r.status for r in failed} == {EmailStatus.FAILED}
    assert all(r.next_attempt_at is not None and r.attempts == 1 for r in failed)
    assert all("будет повтор" in (r.last_error or "") for r in failed)
    assert all("example.ru" not in (r.last_error or "") for r in failed)
    # Not due yet: a run right away leaves them waiting.
    smtp.set_mode("accept")
    waiting = emailing.email_month(db, boss, config(smtp), SEP)
    assert (waiting.sent, waiting.waiting) == (0, 2) and not smtp.messages
    later = emailing.email_month(db, boss, config(smtp), SEP, retry_after=NOW)
    assert later.sent == 0  # retry_after applies to new failures; these were due at +30 min
    with db.transaction() as session:
        due = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        session.execute(update(EmailDelivery).values(next_attempt_at=due))
    delivered = emailing.email_month(db, boss, config(smtp), SEP)
    assert delivered.sent == 2 and len(smtp.messages) == 2
    assert {(r.status, r.attempts) for r in rows(db)} == {(EmailStatus.SENT, 2)}
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("console"))
    assert "pe***@example.ru" in ours and "petrova@" not in ours  # the console's log: masked
    log = emailing.delivery_log(db, month[0].account_id)
    assert [(line.status, line.address_masked) for line in log] == [
        (EmailStatus.SENT, "iv***@example.ru")
    ]


def test_a_refused_recipient_is_bounced_and_not_sent_again(
    db: Database, boss: Actor, month: list[AccountIds], smtp: SmtpServer
) -> None:
    smtp.set_mode("refuse_rcpt")
    result = emailing.email_month(db, boss, config(smtp), SEP)
    assert (result.bounced, result.failed) == (2, 0)
    assert {(r.status, r.smtp_code) for r in rows(db)} == {(EmailStatus.BOUNCED, 550)}
    smtp.set_mode("accept")
    assert emailing.email_month(db, boss, config(smtp), SEP).sent == 0
    assert not smtp.messages
    (line,) = emailing.delivery_log(db, month[1].account_id)
    assert line.status_label == "Адрес не принят" and "550" in line.last_error


def test_a_send_cut_off_before_commit_is_sent_again_with_the_same_message_id(
    db: Database, boss: Actor, month: list[AccountIds], smtp: SmtpServer
) -> None:
    """At least once: a row left «sending» (the desk died after the server's answer) is sent
    again by a later run, under the Message-ID chosen before the first try."""
    emailing.email_month(db, boss, config(smtp), SEP)
    first_ids = {m.message["Message-ID"].strip() for m in smtp.messages}
    stale = dt.datetime.now(dt.UTC) - emailing.STALE_SENDING - dt.timedelta(minutes=1)
    with db.transaction() as session:  # the owner rewinds, as a crash would have left it
        session.execute(
            update(EmailDelivery)
            .where(EmailDelivery.account_id == month[0].account_id)
            .values(status=EmailStatus.SENDING, sent_at=None, updated_at=stale)
        )
        session.execute(
            update(EmailDelivery)
            .where(EmailDelivery.account_id == month[1].account_id)
            .values(status=EmailStatus.SENDING, sent_at=None, updated_at=dt.datetime.now(dt.UTC))
        )
    result = emailing.email_month(db, boss, config(smtp), SEP)
    assert result.sent == 1  # the fresh «sending» is another desk's, left alone
    assert len(smtp.messages) == 3
    assert smtp.messages[-1].message["Message-ID"].strip() in first_ids
    assert smtp.messages[-1].rcpt_tos == ["ivanov@example.ru"]


def test_one_document_from_the_card_is_recorded_as_a_copy(
    db: Database, boss: Actor, month: list[AccountIds], smtp: SmtpServer
) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    emailing.email_month(db, boss, config(smtp), SEP)
    line = emailing.email_document(db, clerk, config(smtp), month[0].account_id, SEP)
    assert line.status is EmailStatus.SENT and line.kind_label == "Отправлено сотрудником"
    second = emailing.email_document(db, clerk, config(smtp), month[0].account_id, SEP)
    assert second.id != line.id
    assert len(smtp.messages) == 4
    kinds = [(r.kind, r.copy) for r in rows(db) if r.account_id == month[0].account_id]
    assert kinds == [(EmailKind.MONTHLY, 1), (EmailKind.MANUAL, 1), (EmailKind.MANUAL, 2)]
    assert smtp.messages[-1].message.get_body(("plain",)) is not None
    paper = month[2]
    with pytest.raises(Exception, match="не указан адрес e-mail"):
        emailing.email_document(db, clerk, config(smtp), paper.account_id, SEP)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_starttls_with_the_offices_ca_and_a_login(sqlite_db: Database, tmp_path: Path) -> None:
    """STARTTLS (the default), the certificate checked against smtp_cafile, then AUTH."""
    db = sqlite_db
    boss = make_staff(db, "boss", StaffRole.SUPERVISOR)
    account = make_account(db, number="7200000109", last_taken_on=dt.date(2026, 8, 20))
    make_closed_month(db, account, SEP)
    by_email(db, account, "tls@example.ru")
    context, cert = self_signed(tmp_path)
    with SmtpServer(login="bills", password="секрет-2026", tls=context) as server:
        base = dataclasses.replace(config(server), security="starttls", login="bills")
        untrusted = emailing.email_month(db, boss, base, SEP, password="секрет-2026",
                                         retry_after=NOW)  # fmt: skip
        assert untrusted.failed == 1 and not server.messages  # not our CA: nothing sent
        (row,) = rows(db)
        assert row.last_error == "Ошибка TLS при подключении к почтовому серверу; будет повтор."
        trusted = dataclasses.replace(base, cafile=str(cert))
        wrong = emailing.email_month(db, boss, trusted, SEP, password="неверный",
                                     retry_after=NOW)  # fmt: skip
        assert wrong.failed == 1 and not server.messages
        assert "логин или пароль (код 535)" in (rows(db)[0].last_error or "")
        done = emailing.email_month(db, boss, trusted, SEP, password="секрет-2026")
        assert done.sent == 1 and server.messages[0].rcpt_tos == ["tls@example.ru"]

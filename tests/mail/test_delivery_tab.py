"""The card's «Доставка по e-mail» tab and «Отправить по e-mail», offscreen, with a real SMTP
server: the clerk sees per month what was sent, when, to which masked address, what was refused
and what waits for a retry."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QTableView

from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.documents import emailing
from console.views.card.window import AccountCard
from console.views.common.context import ViewContext
from console.views.mail import plugin
from console.views.mail.run_dialog import MailRunDialog
from tests.mail.test_emailing import by_email, config
from tests.support.factories import AccountIds, make_account, make_closed_month, make_staff
from tests.support.smtp import SmtpServer
from tests.support.ui import grab, view_context

pytestmark = pytest.mark.qt
AUG, SEP = dt.date(2026, 8, 1), dt.date(2026, 9, 1)
SHOTS = os.environ.get("CONSOLE_SHOTS", "")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def ctx(sqlite_db: Database, smtp: SmtpServer) -> Iterator[ViewContext]:
    clerk = make_staff(sqlite_db, "clerk1", StaffRole.CLERK)
    with view_context(
        sqlite_db, clerk, database_url=str(sqlite_db.engine.url), smtp_host="127.0.0.1",
        smtp_port=smtp.port, smtp_security="none", smtp_from="bills@vostok-electra.ru",
    ) as made:  # fmt: skip
        yield made


@pytest.fixture
def account(ctx: ViewContext, smtp: SmtpServer) -> AccountIds:
    """August delivered after a retry, September refused by the recipient's server."""
    db = ctx.db
    boss = make_staff(db, "boss", StaffRole.SUPERVISOR)
    ids = make_account(db, number="7200000301", last_taken_on=dt.date(2026, 7, 20))
    make_closed_month(db, ids, AUG, volume=Decimal("140"))
    make_closed_month(db, ids, SEP, volume=Decimal("150"))
    by_email(db, ids, "ivanov.petr@example.ru")
    smtp.set_mode("busy")
    emailing.email_month(db, boss, config(smtp), AUG, retry_after=dt.timedelta(0))
    smtp.set_mode("accept")
    emailing.email_month(db, boss, config(smtp), AUG)
    smtp.set_mode("refuse_rcpt")
    emailing.email_month(db, boss, config(smtp), SEP)
    smtp.set_mode("busy")
    return ids


def rows(table: QTableView) -> list[list[str]]:
    model = table.model()
    return [
        [str(model.data(model.index(r, c))) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_the_card_shows_the_delivery_log_and_sends_one_document(
    qtbot, ctx: ViewContext, account: AccountIds, smtp: SmtpServer, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    card = AccountCard(ctx, account.account_id, account.number)
    qtbot.addWidget(card)
    card.resize(1366, 768)
    card.show()
    titles = [card.tabs.tabText(i) for i in range(card.tabs.count())]
    assert "Доставка по e-mail" in titles
    card.tabs.setCurrentIndex(titles.index("Доставка по e-mail"))
    table = card.findChild(QTableView, "deliveryLog")
    qtbot.waitUntil(lambda: table.model().rowCount() == 2, timeout=10_000)
    shown = rows(table)
    assert shown[0][:2] == ["Сентябрь 2026", "Адрес не принят"]
    assert shown[0][3] == "iv***@example.ru" and "550" in shown[0][6]
    assert shown[1][:2] == ["Август 2026", "Отправлено"] and shown[1][5] == "2"
    assert "ivanov.petr" not in str(shown)
    assert card.findChild(QPushButton, "sendByEmail").isEnabled()
    summary = card.findChild(QLabel, "deliverySummary")
    assert summary.text() == "Платёжные документы приходят по e-mail на iv***@example.ru."
    if SHOTS:
        grab(card, f"{SHOTS}/card-email-log.png")

    # «Отправить по e-mail» for August: the server is busy (4xx), the log shows a retry.
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: said.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: said.append(text))
    picker = plugin.send_by_email(card)
    qtbot.waitUntil(lambda: picker.months.count() == 2, timeout=10_000)
    assert picker.ok_button.text() == "Отправить"
    if SHOTS:
        grab(picker, f"{SHOTS}/card-email-picker.png")
    picker.months.setCurrentRow(1)  # August
    picker.accept()
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert said[0].startswith("Ошибка, будет повтор: iv***@example.ru")
    qtbot.waitUntil(lambda: table.model().rowCount() == 3, timeout=10_000)
    assert rows(table)[1][:2] == ["Август 2026", "Ошибка, будет повтор"]
    assert rows(table)[1][2].startswith("повтор после ")
    assert rows(table)[1][4] == "Отправлено сотрудником"

    smtp.set_mode("accept")
    plugin.send_month(card, AUG)
    qtbot.waitUntil(lambda: len(said) == 2, timeout=10_000)
    assert said[1] == "Отправлено: iv***@example.ru"
    qtbot.waitUntil(lambda: table.model().rowCount() == 4, timeout=10_000)
    (message,) = smtp.messages[-1:]
    assert message.rcpt_tos == ["ivanov.petr@example.ru"]
    assert "за август 2026 г." in message.message["Subject"]
    if SHOTS:
        grab(card, f"{SHOTS}/card-email-log-after.png")


def test_the_office_menu_runs_the_month(qtbot, sqlite_db: Database, smtp: SmtpServer) -> None:  # type: ignore[no-untyped-def]
    boss = make_staff(sqlite_db, "boss", StaffRole.SUPERVISOR)
    ids = make_account(sqlite_db, number="7200000311", last_taken_on=dt.date(2026, 7, 20))
    make_closed_month(sqlite_db, ids, AUG, volume=Decimal("140"))
    make_closed_month(sqlite_db, ids, SEP, volume=Decimal("150"))
    by_email(sqlite_db, ids, "office@example.ru")
    with view_context(
        sqlite_db, boss, database_url=str(sqlite_db.engine.url), smtp_host="127.0.0.1",
        smtp_port=smtp.port, smtp_security="none", smtp_from="bills@vostok-electra.ru",
    ) as ctx:  # fmt: skip
        dialog = MailRunDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.month.count() == 2, timeout=10_000)
        assert dialog.month.currentText() == "Сентябрь 2026"
        dialog.run_button.click()
        qtbot.waitUntil(lambda: "Отправлено сейчас" in dialog.outcome.text(), timeout=10_000)
        assert "Отправлено сейчас: 1" in dialog.outcome.text()
        assert [m.rcpt_tos for m in smtp.messages] == [["office@example.ru"]]
        dialog.run_button.click()  # again: nothing twice
        qtbot.waitUntil(lambda: "отправлено ранее: 1" in dialog.outcome.text(), timeout=10_000)
        assert "Отправлено сейчас: 0" in dialog.outcome.text() and len(smtp.messages) == 1
        assert dialog.width() <= 1366 and dialog.height() <= 768
        if SHOTS:
            grab(dialog, f"{SHOTS}/mail-run-dialog.png")

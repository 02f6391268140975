"""The account card widget: header, notifications, every tab, the plugin interface."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QTableView, QTableWidget, QTreeWidget
from sqlalchemy import func, select

from console.models import AuditEvent, Meter
from console.models.enums import LedgerKind, VolumeMethod
from console.views.card.table_model import Column, RowsModel
from console.views.card.window import AccountCard
from console.views.common import plugins
from console.views.common.context import ViewContext
from tests.support.card_factories import (
    add_charge,
    add_ledger,
    add_payment,
    add_statement,
)
from tests.support.factories import AccountIds, make_account


@pytest.fixture
def account(view_context: ViewContext) -> AccountIds:
    db = view_context.db
    ids = make_account(db, number="110022334455", street="Прямая", house="1", flat="11", zones=2)
    with db.transaction() as session:
        session.get(Meter, ids.meter_id).next_verification_on = dt.date.today() + dt.timedelta(
            days=40
        )
    month = dt.date.today().replace(day=1)
    previous = month
    for back in range(14, 0, -1):
        period = dt.date(month.year, month.month, 1)
        index = period.year * 12 + period.month - 1 - back
        period = dt.date(index // 12, index % 12 + 1, 1)
        day, night = 150 + (back * 37) % 90, 60 + (back * 11) % 40
        add_charge(
            db,
            ids.account_id,
            period,
            volume=str(day),
            tariff="5.51",
            zone=1,
            meter_id=ids.meter_id,
            reading_from="1000",
            reading_to=str(1000 + day),
        )
        add_charge(
            db,
            ids.account_id,
            period,
            volume=str(night),
            tariff="2.64",
            zone=2,
            meter_id=ids.meter_id,
            method=VolumeMethod.AVERAGE if back == 3 else VolumeMethod.METER,
            explanation="среднее за 6 мес." if back == 3 else None,
        )
        add_charge(db, ids.account_id, period, volume="1", tariff="48.60", service="vdgo")
        add_payment(
            db,
            ids.account_id,
            "900.00",
            dt.datetime(period.year, period.month, 8, 10, tzinfo=dt.UTC),
            period=period,
        )
        previous = period
    add_ledger(db, ids.account_id, previous, LedgerKind.RECALCULATION, "42.50")
    add_statement(db, ids.account_id, previous, "120.00", "1000.00", "42.50", "900.00")
    return ids  # fmt: skip


def wait_idle(qtbot, ctx: ViewContext) -> None:  # type: ignore[no-untyped-def]
    """Let queued loads finish: the fixture's TaskRunner.shutdown() cancels pending ones."""
    qtbot.waitUntil(lambda: ctx.tasks._running == 0, timeout=10_000)


def open_card(qtbot, ctx: ViewContext, account_id: int) -> AccountCard:  # type: ignore[no-untyped-def]
    card = AccountCard(ctx, account_id)
    qtbot.addWidget(card)
    card.resize(1250, 820)
    card.show()
    qtbot.waitUntil(lambda: card.data is not None, timeout=10_000)
    return card


def test_header_and_notifications(qtbot, view_context: ViewContext, account: AccountIds) -> None:  # type: ignore[no-untyped-def]
    card = open_card(qtbot, view_context, account.account_id)
    assert card.account_number == "110022334455"
    title = card.findChild(QLabel, "cardTitle")
    assert title is not None and "110022334455" in title.text()
    passport = card.findChild(QLabel, "passport")
    assert passport is not None and "71 ** ******" in passport.text()
    balance = card.findChild(QLabel, "balance")
    assert balance is not None and balance.text().startswith(("Долг", "Переплата"))
    notes = [w for w in card.notes_box.findChildren(QLabel) if w.property("severity")]
    severities = {w.objectName(): w.property("severity") for w in notes}
    assert severities["note_verification_due"] == "warning"
    assert severities["note_readings_missing"] in ("info", "warning")
    qtbot.waitUntil(lambda: card.tabs.currentWidget().model.rowCount() > 0, timeout=10_000)
    assert card.grab().save("/tmp/lookup-card-charges.png")


def test_reveal_passport_is_recorded(qtbot, view_context: ViewContext, account: AccountIds) -> None:  # type: ignore[no-untyped-def]
    card = open_card(qtbot, view_context, account.account_id)
    button = card.findChild(QPushButton, "revealPassport")
    assert button is not None
    button.click()
    passport = card.findChild(QLabel, "passport")
    qtbot.waitUntil(lambda: "71 01 " in passport.text(), timeout=10_000)
    with view_context.db.read() as session:
        count = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "customer.reveal_passport")
        )
    assert count == 1


def test_charges_tab_shows_the_formula(
    qtbot, view_context: ViewContext, account: AccountIds
) -> None:  # type: ignore[no-untyped-def]
    card = open_card(qtbot, view_context, account.account_id)
    table = card.findChild(QTableView, "chargesTable")
    qtbot.waitUntil(lambda: table.model().rowCount() == 3, timeout=10_000)  # 2 services + total
    model = table.model()
    assert model.data(model.index(0, 0)) == "Электроснабжение"
    assert " / " in model.data(model.index(0, 1))  # day / night tariffs
    assert model.data(model.index(2, 0)) == "Итого"
    details = card.findChild(QLabel, "chargeDetails")
    assert "Начислено = объём × тариф" in details.text()
    assert "(день)" in details.text()


def test_every_tab_loads_and_is_grabbed(
    qtbot, view_context: ViewContext, account: AccountIds
) -> None:  # type: ignore[no-untyped-def]
    card = open_card(qtbot, view_context, account.account_id)
    names = ["charges", "readings", "history", "requisites", "statistics"]
    for index, name in enumerate(names):
        card.tabs.setCurrentIndex(index)
        qtbot.wait(50)
        if name == "readings":
            readings = card.findChild(QTableView, "readingsTable")
            qtbot.waitUntil(lambda r=readings: r.model().rowCount() > 0, timeout=10_000)
        if name == "history":
            tree = card.findChild(QTreeWidget, "historyTree")
            qtbot.waitUntil(lambda t=tree: t.topLevelItemCount() > 0, timeout=10_000)
        if name == "statistics":
            total = card.findChild(QLabel, "total")
            qtbot.waitUntil(lambda t=total: "Всего за год" in t.text(), timeout=10_000)
            assert card.findChild(QLabel, "largest").text().startswith("Наибольшее: ")
        if name == "requisites":
            body = card.tabs.currentWidget().body
            qtbot.waitUntil(lambda b=body: len(b.findChildren(QTableWidget)) == 1, timeout=10_000)
            qtbot.wait(100)
        assert card.grab().save(f"/tmp/lookup-card-{name}.png")


def test_plugin_interface(
    qtbot, view_context: ViewContext, account: AccountIds, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    installed: list[AccountCard] = []
    monkeypatch.setattr(plugins, "CARD_PLUGINS", ["_test_card_plugin"])
    import sys
    import types

    module = types.ModuleType("console.views._test_card_plugin")

    def install_card(card: AccountCard) -> None:
        installed.append(card)
        pressed: list[int] = []
        card.add_action("Оплата", "F9", lambda: pressed.append(card.account_id))
        card.add_tab(QLabel("Обращения"), "Обращения")
        card.pressed = pressed  # type: ignore[attr-defined]

    module.install_card = install_card  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "console.views._test_card_plugin", module)
    card = open_card(qtbot, view_context, account.account_id)
    assert installed == [card]
    assert card.tabs.tabText(card.tabs.count() - 1) == "Обращения"
    action = next(a for a in card.toolbar.actions() if a.text() == "Оплата")
    action.trigger()
    assert card.pressed == [account.account_id]  # type: ignore[attr-defined]
    with qtbot.waitSignal(card.changed, timeout=5000):
        card.refresh()
    wait_idle(qtbot, view_context)


def test_rows_model_passes_qtmodeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = RowsModel(
        [Column("Номер", lambda r: r[0]), Column("Сумма", lambda r: r[1], right=True,
                                                   colour=lambda r: "#b3261e")],
        bold_last=True,
    )  # fmt: skip
    model.set_rows([("1", "10,00"), ("2", "20,00"), ("Итого", "30,00")])
    qtmodeltester.check(model)
    assert model.data(model.index(2, 0)) == "Итого"
    assert model.row_at(5) is None
    _ = Decimal

"""The search box in the main window: type, see results, open the right card by keyboard."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from console.services.lookup.search import SearchRow
from console.views.card.window import AccountCard
from console.views.common.context import ViewContext
from console.views.main_window import MainWindow
from console.views.search.model import SearchResultsModel
from console.views.search.panel import SearchPanel
from tests.support.factories import AccountIds, make_account


@pytest.fixture
def accounts(view_context: ViewContext) -> dict[str, AccountIds]:
    db = view_context.db
    return {
        "ivanov": make_account(db, number="4500012345", settlement="Курган", street="Ленина",
                               house="12", flat="34"),
        "petrov": make_account(db, number="4500012346", settlement="Курган", street="Ленина",
                               house="12", flat="35", last_name="Петров", first_name="Иван"),
        "sidorov": make_account(db, number="4500099999", street="Прямая", house="1", flat="11",
                                last_name="Сидоров"),
    }  # fmt: skip


@pytest.fixture
def window(qtbot, view_context: ViewContext) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow(view_context)
    qtbot.addWidget(win)
    win.resize(1200, 760)
    win.show()
    qtbot.waitExposed(win)
    return win


def panel_of(window: MainWindow) -> SearchPanel:
    panel = window.workspace.widget(0)
    assert isinstance(panel, SearchPanel)
    return panel


def type_text(widget: QWidget, text: str) -> None:
    """Key presses carrying Cyrillic text (QTest.keyClicks only knows ASCII)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def type_and_wait(qtbot, panel: SearchPanel, text: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(panel.searched, timeout=10_000):
        panel.box.clear()
        type_text(panel.box, text)


def current_card(window: MainWindow) -> AccountCard:
    card = window.workspace.currentWidget()
    assert isinstance(card, AccountCard)
    return card


def test_search_is_the_first_tab_and_has_focus(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = panel_of(window)
    assert window.workspace.tabText(0) == "Поиск лицевого счёта"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.box)
    window.workspace.addTab(QLabel("другая вкладка"), "x")
    window.workspace.setCurrentIndex(1)
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert window.workspace.currentIndex() == 0
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.box)


def test_type_address_arrows_and_enter_open_the_card(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, accounts: dict[str, AccountIds]
) -> None:
    panel = panel_of(window)
    type_and_wait(qtbot, panel, "ленина 12")
    assert panel.model.rowCount() == 2
    assert "Найдено: 2" in panel.hint.text()
    qtbot.keyClick(panel.box, Qt.Key.Key_Down)
    assert panel.table.hasFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    second = panel.model.row_at(panel.table.currentIndex().row())
    assert second is not None
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.workspace.currentWidget(), AccountCard))
    card = current_card(window)
    assert card.account_id == second.account_id
    # Esc in the table returns to the box.
    window.workspace.setCurrentIndex(0)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Escape)
    assert panel.box.hasFocus()


def test_unique_exact_account_number_opens_directly(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, accounts: dict[str, AccountIds]
) -> None:
    panel = panel_of(window)
    type_and_wait(qtbot, panel, "4500099999")
    qtbot.waitUntil(lambda: isinstance(window.workspace.currentWidget(), AccountCard))
    card = current_card(window)
    assert card.account_id == accounts["sidorov"].account_id
    assert window.workspace.tabText(window.workspace.currentIndex()) == "ЛС 4500099999"
    qtbot.waitUntil(lambda: card.data is not None, timeout=10_000)
    # Opening the same account again shows the same tab.
    count = window.workspace.count()
    panel.open_account.emit(card.account_id, card.account_number)
    assert window.workspace.count() == count
    # Ctrl+W closes the card.
    window.workspace.setCurrentWidget(card)
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.count() == count - 1


def test_enter_before_the_debounce_searches_and_opens_a_single_hit(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, accounts: dict[str, AccountIds]
) -> None:
    panel = panel_of(window)
    panel.box.setText("прямая д1 кв11")
    qtbot.keyClick(panel.box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.workspace.currentWidget(), AccountCard))
    assert current_card(window).account_id == accounts["sidorov"].account_id


def test_a_newer_query_wins_over_an_older_one(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, accounts: dict[str, AccountIds]
) -> None:
    panel = panel_of(window)
    queries = ["Сидоров", "Иванов", "4500012", "Петров"]
    shown: list[str] = []
    panel.searched.connect(lambda r: shown.append(r.rows[0].holder if r.rows else ""))
    for query in queries:  # faster than any answer can come back
        panel.box.setText(query)
        panel.run_search()
    qtbot.waitUntil(lambda: bool(shown) and shown[-1] == "Петров Иван Сергеевич", timeout=10_000)
    qtbot.wait(300)
    # Whatever arrived, arrived in order, and nothing older came after the newest.
    assert shown[-1] == "Петров Иван Сергеевич"
    assert shown.count("Петров Иван Сергеевич") == 1
    assert panel.model.row_at(0).number == "4500012346"


def test_nothing_found_and_hostile_text_say_so(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, accounts: dict[str, AccountIds]
) -> None:
    panel = panel_of(window)
    type_and_wait(qtbot, panel, "'; drop table accounts; --")
    assert panel.model.rowCount() == 0
    assert "Ничего не найдено" in panel.hint.text()
    type_and_wait(qtbot, panel, "%_")
    assert "ни букв, ни цифр" in panel.hint.text()


def test_truncated_results_ask_to_refine(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, view_context: ViewContext
) -> None:
    for flat in range(1, 5):
        make_account(view_context.db, street="Мира", house="3", flat=str(flat))
    panel = panel_of(window)
    panel.ctx = ViewContext(
        db=view_context.db, settings=view_context.settings.__class__(search_limit=3),
        actor=view_context.actor, tasks=view_context.tasks,
    )  # fmt: skip
    type_and_wait(qtbot, panel, "мира 3")
    assert panel.model.total == 3
    assert "уточните запрос" in panel.hint.text()


def test_results_model_passes_qtmodeltester_and_fetches_lazily(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = SearchResultsModel()
    rows = [
        SearchRow(i, f"45000{i:05d}", "Иванов Пётр", "г. Курган, ул. Ленина, д. 1",
                  Decimal(i - 60), "active" if i % 2 else "closed", "АО «ЭК «Восток»", "address")
        for i in range(120)
    ]  # fmt: skip
    model.set_rows(rows)
    assert model.rowCount() == 50
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 100
    qtmodeltester.check(model)
    model.fetchMore()
    assert model.rowCount() == 120 and not model.canFetchMore()
    assert model.data(model.index(0, 3)) == "−60,00"
    model.clear()
    qtmodeltester.check(model)


def test_search_panel_screenshot(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, accounts: dict[str, AccountIds]
) -> None:
    panel = panel_of(window)
    type_and_wait(qtbot, panel, "ленина")
    assert window.grab().save("/tmp/lookup-search.png")

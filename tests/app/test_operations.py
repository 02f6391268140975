"""The operation API of the views: results, field errors, stale and orphaned results, busy
state, the render pool and the change announcement between two cards of one account."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from console.services.core.errors import FieldRef, ValidationError, ZoneField
from console.views.card.window import AccountCard
from console.views.common.context import ViewContext
from console.views.common.operations import Operation, run_op
from console.views.common.tasks import TaskRunner, message_for
from console.views.payments.dialog import PaymentDialog
from tests.support.factories import add_charge, make_account


def owner(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_success_reaches_the_callback(qtbot: QtBot, view_context: ViewContext) -> None:
    seen: list[int] = []
    Operation(owner(qtbot), lambda: 6 * 7).success(seen.append).run(view_context)
    qtbot.waitUntil(lambda: seen == [42], timeout=5000)


def test_a_validation_error_reaches_the_field_callback(
    qtbot: QtBot, view_context: ViewContext
) -> None:
    fields: list[tuple[str, FieldRef]] = []
    failures: list[Exception] = []

    def bad() -> None:
        raise ValidationError("Показание меньше предыдущего.", ZoneField(2, meter_id=7))

    Operation(owner(qtbot), bad).invalid(lambda m, f: fields.append((m, f))).failure(
        failures.append
    ).run(view_context)
    qtbot.waitUntil(lambda: bool(fields), timeout=5000)
    assert fields == [("Показание меньше предыдущего.", ZoneField(2, "value", meter_id=7))]
    assert failures == []


def test_an_unexpected_error_becomes_the_russian_message(
    qtbot: QtBot, view_context: ViewContext, caplog
) -> None:  # type: ignore[no-untyped-def]
    label = QLabel()
    qtbot.addWidget(label)
    label.show()

    def broken() -> None:
        raise KeyError("internal detail")

    Operation(owner(qtbot), broken).error_label(label).run(view_context)
    qtbot.waitUntil(label.isVisible, timeout=5000)
    assert label.text() == message_for(KeyError())
    assert label.text().startswith("Непредвиденная ошибка")
    assert "internal detail" not in label.text()
    assert "KeyError" in caplog.text  # the traceback went to the log instead


def test_without_handlers_the_message_goes_to_the_status_bar(
    qtbot: QtBot, view_context: ViewContext
) -> None:
    def refused() -> None:
        raise ValidationError("Период закрыт.")

    with qtbot.waitSignal(view_context.tasks.failed, timeout=5000) as blocker:
        run_op(view_context, owner(qtbot), refused)
    assert blocker.args == ["Период закрыт."]


def test_a_newer_operation_under_the_key_drops_the_older_result(
    qtbot: QtBot, view_context: ViewContext
) -> None:
    delivered: list[str] = []

    def slow() -> str:
        time.sleep(0.2)
        return "старый"

    widget = owner(qtbot)
    Operation(widget, slow).success(delivered.append).stale_key("search").run(view_context)
    Operation(widget, lambda: "новый").success(delivered.append).stale_key("search").run(
        view_context
    )
    qtbot.waitUntil(lambda: "новый" in delivered, timeout=5000)
    qtbot.wait(300)
    assert delivered == ["новый"]


def test_a_destroyed_widget_gets_no_callback(qtbot: QtBot, view_context: ViewContext) -> None:
    gate = threading.Event()
    called: list[object] = []
    widget = QWidget()
    Operation(widget, lambda: gate.wait(5)).success(called.append).failure(called.append).run(
        view_context
    )
    widget.deleteLater()
    qtbot.waitUntil(lambda: not _alive(widget), timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: view_context.tasks._running == 0, timeout=5000)
    assert called == []


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)


def test_busy_state_is_set_and_cleared(qtbot: QtBot, view_context: ViewContext) -> None:
    gate = threading.Event()
    done: list[object] = []
    button = QPushButton("Провести")
    qtbot.addWidget(button)
    Operation(button, lambda: gate.wait(5)).busy(button).success(done.append).run(view_context)
    assert not button.isEnabled()
    gate.set()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert button.isEnabled()

    gate.clear()
    done.clear()
    Operation(button, lambda: gate.wait(5)).busy().success(done.append).run(view_context)
    cursor = QApplication.overrideCursor()
    assert cursor is not None and cursor.shape() == Qt.CursorShape.WaitCursor
    gate.set()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert QApplication.overrideCursor() is None


def test_a_stale_result_still_ends_the_busy_state(qtbot: QtBot, view_context: ViewContext) -> None:
    button = QPushButton("Найти")
    qtbot.addWidget(button)
    seen: list[str] = []

    def slow() -> str:
        time.sleep(0.2)
        return "старый"

    Operation(button, slow).busy(button).stale_key("find").run(view_context)
    Operation(button, lambda: "новый").busy(button).stale_key("find").success(seen.append).run(
        view_context
    )
    qtbot.waitUntil(lambda: view_context.tasks._running == 0, timeout=5000)
    assert seen == ["новый"]
    assert button.isEnabled()


def test_render_operations_run_on_the_render_pool(qtbot: QtBot, view_context: ViewContext) -> None:
    threads: list[str] = []
    Operation(owner(qtbot), lambda: threading.current_thread().name, render=True).success(
        threads.append
    ).run(view_context)
    Operation(owner(qtbot), lambda: threading.current_thread().name).success(threads.append).run(
        view_context
    )
    qtbot.waitUntil(lambda: len(threads) == 2, timeout=5000)
    assert sorted(name.split("_")[0] for name in threads) == ["db", "render"]


def test_a_bare_runner_works_before_sign_in(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: list[str] = []
    Operation(owner(qtbot), lambda: "офисы").success(seen.append).run(runner)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    runner.shutdown()


def test_a_write_announces_its_account(qtbot: QtBot, view_context: ViewContext) -> None:
    heard: list[int] = []
    view_context.changes.account_changed.connect(heard.append)
    Operation(owner(qtbot), lambda: None).changes_account(17).run(view_context)
    qtbot.waitUntil(lambda: heard == [17], timeout=5000)

    failing = Operation(owner(qtbot), _refuse).failure(lambda _e: None).changes_account(18)
    failing.run(view_context)
    qtbot.waitUntil(lambda: view_context.tasks._running == 0, timeout=5000)
    assert heard == [17]  # nothing was written: nothing to announce


def _refuse() -> None:
    raise ValidationError("Нельзя.")


def test_a_payment_in_one_card_refreshes_the_other(qtbot: QtBot, view_context: ViewContext) -> None:
    db = view_context.db
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("250.00"))
    cards = []
    for _ in range(2):
        card = AccountCard(view_context, acc.account_id)
        qtbot.addWidget(card)
        card.show()
        cards.append(card)
    first, second = cards
    qtbot.waitUntil(lambda: all(c.data is not None for c in cards), timeout=10_000)
    assert second.data is not None and second.data.balance == Decimal("250.00")

    dialog = PaymentDialog(view_context, acc.account_id, first)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    dialog.received_edit.setText("300")
    dialog.confirm.setChecked(True)
    with qtbot.waitSignal(second.changed, timeout=10_000):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: second.data is not None and second.data.balance == Decimal("0.00"),
        timeout=10_000,
    )
    assert first.data is not None
    qtbot.waitUntil(
        lambda: first.data is not None and first.data.balance == Decimal("0.00"), timeout=10_000
    )
    qtbot.waitUntil(lambda: view_context.tasks._running == 0, timeout=10_000)

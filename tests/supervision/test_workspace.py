"""The supervisor's workspace: queue counts, filters, sorting, opening, the printable summary."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from console.models.enums import StaffRole
from console.services.appeals import intake, workflow
from console.services.core.database import Database
from console.services.supervision.queues import Queue, QueueItem, SummaryRow
from console.views.common.watch import ChangeWatcher
from console.views.refunds.review_dialog import RefundReviewDialog
from console.views.supervision.model import QueueItemsModel, SummaryModel
from console.views.supervision.workspace import SupervisorWorkspace, to_qdate
from tests.appeals.helpers import grab, view_context
from tests.appeals.test_appeals import draft, topic_id
from tests.staff.test_changes import another_desk
from tests.support.factories import make_account, make_decided_refund, make_staff


def seed(db: Database):  # type: ignore[no-untyped-def]
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    orb = make_staff(db, "clerk2", StaffRole.CLERK, "ORB-1")
    boss = make_staff(db, "boss", StaffRole.SUPERVISOR)
    acc = make_account(db)
    make_decided_refund(
        db, acc.account_id, registered_by=clerk, reviewed_by=None, status="under_review"
    )
    now = dt.datetime.now(dt.UTC)
    for days, topic in ((45, "payment"), (40, "complaint"), (28, "readings"), (2, "payment")):
        form = draft(db, topic_id=topic_id(db, topic), account_id=acc.account_id)
        intake.register(db, clerk, form, now=now - dt.timedelta(days=days))
    done = intake.register(db, clerk, draft(db), now=now - dt.timedelta(days=10))
    workflow.take(db, clerk, done.id)
    workflow.answer(db, clerk, done.id, "Ответ")
    workflow.close(db, clerk, done.id)
    intake.register(db, orb, draft(db))
    return clerk, boss


def _review_dialog(ws: SupervisorWorkspace) -> RefundReviewDialog:
    shown = [d for d in ws.findChildren(RefundReviewDialog) if d.isVisible()]
    assert len(shown) == 1, "Enter on a refund opens its review dialog"
    return shown[0]


def test_queues_filters_sorting_and_opening(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    _, boss = seed(sqlite_db)
    opened: list[QueueItem] = []
    with view_context(sqlite_db, boss) as ctx:
        ws = SupervisorWorkspace(ctx, open_appeal=opened.append)
        qtbot.addWidget(ws)
        ws.resize(1280, 700)
        ws.show()
        qtbot.waitUntil(lambda: ws.model.rowCount() > 0)
        texts = [ws.queues.item(i).text() for i in range(ws.queues.count())]
        # The office filter starts at the supervisor's own office: ORB's appeal is not counted.
        assert texts == [
            "Возвраты: ждут рассмотрения — 1",
            "Обращения без исполнителя — 4",
            "Мои (назначены мне) — 0",
            "Все открытые в офисе — 4",
            "Срок истекает в ближайшие 3 дня — 1",
            "Просрочены — 2",
        ]
        grab(ws, "workspace-queues")
        ws.office.setCurrentIndex(0)  # «Все офисы»
        qtbot.waitUntil(lambda: ws.queues.item(1).text().endswith("— 5"))
        ws.topic.setCurrentIndex(ws.topic.findText("Жалоба"))
        qtbot.waitUntil(lambda: ws.queues.item(1).text().endswith("— 1"))
        ws.topic.setCurrentIndex(0)
        qtbot.waitUntil(lambda: ws.queues.item(1).text().endswith("— 5"))

        ws.queues.setCurrentRow(list(Queue).index(Queue.OVERDUE))
        qtbot.waitUntil(lambda: ws.model.rowCount() == 2)
        first = ws.proxy.index(0, 0).data()
        ws.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        assert ws.proxy.index(0, 0).data() != first  # sorting by the deadline flips them
        ws.table.setFocus()
        ws.table.setCurrentIndex(ws.proxy.index(0, 0))
        qtbot.keyClick(ws.table, Qt.Key.Key_Return)
        assert [o.number for o in opened] == [ws.proxy.index(0, 0).data()]

        ws.queues.setCurrentRow(0)  # refunds: Enter opens the review dialog right here (#19c)
        qtbot.waitUntil(lambda: ws.model.rowCount() == 1 and ws.model.rows()[0].kind == "refund")
        refund = ws.model.rows()[0]
        ws.table.setCurrentIndex(ws.proxy.index(0, 0))
        qtbot.keyClick(ws.table, Qt.Key.Key_Return)
        review = _review_dialog(ws)
        assert review.refund_id == refund.id
        qtbot.waitUntil(lambda: review.details is not None)
        assert refund.number in review.fields["number"].text()
        review.reject()
        review.deleteLater()
        qtbot.waitUntil(lambda: not ws.findChildren(RefundReviewDialog))
        rect = ws.table.visualRect(ws.proxy.index(0, 1))
        # A real double click: the press of the first click, then the double click.
        qtbot.mouseClick(ws.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(ws.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert _review_dialog(ws).refund_id == refund.id  # a double click does the same
        _review_dialog(ws).reject()

        ws.queues.setCurrentRow(1)
        qtbot.waitUntil(lambda: ws.model.rowCount() == 5)
        ws.date_from.setDate(to_qdate(dt.date.today() - dt.timedelta(days=20)))
        ws.date_to.setDate(to_qdate(dt.date.today()))
        ws.use_period.setChecked(True)
        qtbot.waitUntil(lambda: ws.model.rowCount() == 2)  # registered 2 days ago and today


def test_summary_table_chart_and_print(qtbot, sqlite_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, boss = seed(sqlite_db)
    with view_context(sqlite_db, boss) as ctx:
        ws = SupervisorWorkspace(ctx)
        qtbot.addWidget(ws)
        ws.resize(1280, 700)
        ws.show()
        ws.tabs.setCurrentIndex(1)
        page = ws.summary
        page.date_from.setDate(page.date_from.date().addDays(-60))
        page.refresh()
        qtbot.waitUntil(lambda: page.data is not None and page.data.total.received == 6)
        rows = {r.name: r for r in page.offices_model.rows()}
        assert rows["Итого"].received == 6 and rows["Итого"].closed_in_time == 1
        assert rows["Итого"].overdue == 2
        assert len(page.chart.series()) == 1 and page.chart.series()[0].count() == 3
        qtbot.wait(100)  # the chart lays out its axes on the next events
        grab(ws, "workspace-summary")

        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        out = Path("/tmp/appeals/summary.pdf")
        printer.setOutputFileName(str(out))
        page.print_to(printer)
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
        assert "Сводка по обращениям" in text and "Итого" in text and "Жалоба" in text
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(out), "/tmp/appeals/summary-print"], check=True
        )


def test_workspace_models_pass_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
    items = QueueItemsModel()
    items.set_rows(
        [
            QueueItem(
                "appeal",
                1,
                "VOS-2026-000001",
                now,
                dt.date(2026, 11, 2),
                "Иванов",
                "72",
                "Оплата",
                "Зарегистрировано",
                "Офис",
                "",
                True,
                False,
            ),
            QueueItem(
                "refund",
                2,
                "R-1",
                now,
                dt.date(2026, 12, 2),
                "Петров",
                "73",
                "Возврат 1,00 ₽",
                "На рассмотрении",
                "Офис",
                "",
                False,
                True,
            ),
        ]
    )
    qtmodeltester.check(items)
    summary = SummaryModel("Офис")
    summary.set_rows([SummaryRow("Офис", 3, 1, 1, 1), SummaryRow("Итого", 3, 1, 1, 1)])
    qtmodeltester.check(summary)
    assert summary.data(summary.index(0, 1), Qt.ItemDataRole.TextAlignmentRole) is not None


def test_another_desks_write_shows_up_without_f5(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    """Issue #19b: the queues refresh by themselves, and open cards hear of their account."""
    clerk, boss = seed(db)
    acc = make_account(db, number="7200000099", last_name="Сидоров")
    with view_context(db, boss) as ctx:
        ws = SupervisorWorkspace(ctx)
        qtbot.addWidget(ws)
        ws.show()
        unassigned = list(Queue).index(Queue.UNASSIGNED)
        qtbot.waitUntil(lambda: ws.queues.item(unassigned).text().endswith("— 4"))
        ws.table.setCurrentIndex(ws.proxy.index(1, 0))
        chosen = ws.proxy.index(1, 0).data()
        watcher = ChangeWatcher(ctx, ws, every_ms=100)
        watcher.start()
        qtbot.waitUntil(lambda: watcher.mark is not None)

        heard: list[int] = []
        ctx.changes.account_changed.connect(heard.append)
        with another_desk(db) as other:  # a clerk at another desk registers an appeal
            done = intake.register(other, clerk, draft(other, account_id=acc.account_id))
        qtbot.waitUntil(lambda: ws.queues.item(unassigned).text().endswith("— 5"), timeout=5000)
        qtbot.waitUntil(lambda: ws.model.rowCount() == 5)
        assert done.number in {i.number for i in ws.model.rows()}
        assert ws.proxy.index(ws.table.currentIndex().row(), 0).data() == chosen  # kept
        assert acc.account_id in heard  # an open card of the account reloads on this
        watcher.stop()

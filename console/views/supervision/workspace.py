"""The supervisor's workspace tab: queues with counts, filters, sortable items, the summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QModelIndex, QSortFilterProxyModel, Qt, QTimer, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.services.supervision import queues
from console.services.supervision.queues import (
    FilterChoices,
    Queue,
    QueueCount,
    QueueFilter,
    QueueItem,
)
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.rows_model import SORT_ROLE
from console.views.common.tasks import message_for
from console.views.refunds.review_dialog import RefundReviewDialog
from console.views.supervision.model import QueueItemsModel
from console.views.supervision.summary import SummaryPage, fill_choices

ItemOpener = Callable[[QueueItem], None]
#: Journal entities whose writes can change a queue (ChangeHub.data_changed).
QUEUE_ENTITIES = frozenset({"appeal", "refund_application"})


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def date_edit(parent: QWidget, day: dt.date) -> QDateEdit:
    edit = QDateEdit(to_qdate(day), parent)
    edit.setDisplayFormat("dd.MM.yyyy")
    edit.setCalendarPopup(True)
    return edit


class SupervisorWorkspace(QWidget):
    """«Рабочее место руководителя». Open only for supervisors and administrators."""

    def __init__(
        self,
        ctx: ViewContext,
        parent: QWidget | None = None,
        *,
        open_appeal: ItemOpener | None = None,
        open_refund: ItemOpener | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.open_appeal = open_appeal
        self.open_refund = open_refund
        self.current_queue = Queue.UNASSIGNED
        self.setObjectName("SupervisorWorkspace")
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._queues_page(), "Очереди")
        self.summary = SummaryPage(ctx, self)
        self.tabs.addTab(self.summary, "Сводка по офисам")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        QShortcut(QKeySequence("F5"), self, self.refresh)
        # Writes of any desk refresh the queues by themselves (views/common/watch.py).
        self._refresh_pending = False
        ctx.changes.data_changed.connect(self._data_changed)
        run_op(
            self.ctx,
            self,
            lambda: queues.filter_choices(ctx.db, ctx.actor),
            self._choices,
            self._failed,
        )

    # --- construction -------------------------------------------------------------------
    def _queues_page(self) -> QWidget:
        page = QWidget(self)
        self.office = QComboBox(page)
        self.topic = QComboBox(page)
        self.staff = QComboBox(page)
        for combo in (self.office, self.topic, self.staff):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumWidth(160)
        self.use_period = QCheckBox("Поступили с", page)
        today = dt.date.today()
        self.date_from = date_edit(page, today.replace(day=1))
        self.date_to = date_edit(page, today)
        refresh = QPushButton("Обновить (F5)", page)
        refresh.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        for caption, widget in (
            ("Офис:", self.office),
            ("Тема:", self.topic),
            ("Сотрудник:", self.staff),
        ):
            bar.addWidget(QLabel(caption, page))
            bar.addWidget(widget)
        bar.addWidget(self.use_period)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("по", page))
        bar.addWidget(self.date_to)
        bar.addStretch(1)
        bar.addWidget(refresh)

        self.queues = QListWidget(page)
        self.queues.setObjectName("queueList")
        self.queues.setMinimumWidth(300)
        self.queues.setSpacing(3)
        for queue in Queue:
            item = QListWidgetItem(queues.QUEUE_LABELS[queue])
            item.setData(Qt.ItemDataRole.UserRole, queue.value)
            self.queues.addItem(item)
        self.queues.setCurrentRow(list(Queue).index(self.current_queue))
        self.queues.currentRowChanged.connect(self._queue_chosen)
        self.model = QueueItemsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(page)
        self.table.setObjectName("queueItems")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.verticalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header.hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(self._open)
        self.status = QLabel("", page)
        self.status.setObjectName("queueStatus")
        self.status.setWordWrap(True)

        split = QSplitter(page)
        split.addWidget(self.queues)
        split.addWidget(self.table)
        split.setStretchFactor(1, 1)
        split.setSizes([360, 900])
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        for combo in (self.office, self.topic, self.staff):
            combo.currentIndexChanged.connect(self.refresh)
        self.use_period.toggled.connect(self.refresh)
        self.date_from.dateChanged.connect(self._period_changed)
        self.date_to.dateChanged.connect(self._period_changed)
        return page

    # --- data ---------------------------------------------------------------------------
    def _choices(self, choices: FilterChoices) -> None:
        fill_choices(self.office, "Все офисы", choices.offices, self.ctx.actor.office_id)
        fill_choices(self.topic, "Все темы", choices.topics)
        fill_choices(self.staff, "Все сотрудники", choices.staff)
        self.summary.set_choices(choices)
        self.refresh()

    def current_filter(self) -> QueueFilter:
        period = self.use_period.isChecked()
        return QueueFilter(
            office_id=self.office.currentData(),
            topic_id=self.topic.currentData(),
            staff_id=self.staff.currentData(),
            date_from=from_qdate(self.date_from.date()) if period else None,
            date_to=from_qdate(self.date_to.date()) if period else None,
        )

    def refresh(self) -> None:
        db, actor, queue, filt = (
            self.ctx.db,
            self.ctx.actor,
            self.current_queue,
            self.current_filter(),
        )

        def load() -> tuple[tuple[QueueCount, ...], tuple[QueueItem, ...]]:
            return (
                queues.queue_counts(db, actor, filt),
                queues.queue_items(db, actor, queue, filt),
            )

        run_op(self.ctx, self, load, self._loaded, self._failed, key=f"queues-{id(self)}")

    @Slot(object)
    def _data_changed(self, entities: frozenset[str]) -> None:
        """Someone wrote an appeal or a refund: reload the queues once, keeping the selection."""
        if self._refresh_pending or not (set(entities) & QUEUE_ENTITIES):
            return
        self._refresh_pending = True
        QTimer.singleShot(0, self, self._refresh_announced)

    def _refresh_announced(self) -> None:
        self._refresh_pending = False
        self.refresh()

    def _selected(self) -> tuple[str, int] | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        item = self.model.row_at(self.proxy.mapToSource(index).row())
        return (item.kind, item.id) if item is not None else None

    def _reselect(self, key: tuple[str, int] | None) -> None:
        if key is None:
            return
        for row, item in enumerate(self.model.rows()):
            if (item.kind, item.id) == key:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.table.setCurrentIndex(index)
                return

    def _loaded(self, data: tuple[tuple[QueueCount, ...], tuple[QueueItem, ...]]) -> None:
        counts, items = data
        selected = self._selected()
        for row, count in enumerate(counts):
            item = self.queues.item(row)
            if item is not None:
                item.setText(f"{count.label} — {count.count}")
                font = item.font()
                font.setBold(count.count > 0 and count.queue in (Queue.OVERDUE, Queue.REFUNDS))
                item.setFont(font)
        self.model.set_rows(items)
        self._reselect(selected)
        self.table.resizeColumnsToContents()
        shown = "Показано: {0}".format(len(items))
        if len(items) >= queues.MAX_ITEMS:
            shown += " (первые {0}; уточните фильтр)".format(queues.MAX_ITEMS)
        self.status.setText(shown + ". Enter — открыть.")

    def _period_changed(self) -> None:
        if self.use_period.isChecked():
            self.refresh()

    def _queue_chosen(self, row: int) -> None:
        if 0 <= row < len(Queue):
            self.current_queue = list(Queue)[row]
            self.refresh()

    def _open(self, index: QModelIndex) -> None:
        item = self.model.row_at(self.proxy.mapToSource(index).row())
        if item is None:
            return
        opener = self.open_appeal if item.kind == "appeal" else self.open_refund
        if opener is not None:
            opener(item)
        elif item.kind == "refund":
            self.review_refund(item.id)

    def review_refund(self, refund_id: int) -> RefundReviewDialog:
        """The refund's review dialog right here; a decision refreshes the queues."""
        dialog = RefundReviewDialog(self.ctx, refund_id, self)
        dialog.changed.connect(self._reviewed)
        dialog.open()
        return dialog

    def _reviewed(self, _details: object) -> None:
        self.refresh()

    def _failed(self, err: Exception) -> None:
        self.status.setText(message_for(err))

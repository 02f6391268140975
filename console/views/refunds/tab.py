"""The card's «Возвраты» tab and the supervisor's queue of applications awaiting review."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.services.refunds import applications
from console.services.refunds.queries import RefundSummary
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.tasks import message_for
from console.views.refunds.dialogs import RefundRegisterDialog
from console.views.refunds.model import RefundsModel
from console.views.refunds.review_dialog import RefundReviewDialog


def _table(parent: QWidget, model: RefundsModel) -> QTableView:
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(26)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


class _RefundList(QWidget):
    """A list of applications; Enter or a double click opens one."""

    changed = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None, *, show_account: bool) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = RefundsModel(self, show_account=show_account)
        self.table = _table(self, self.model)
        self.table.activated.connect(self._open_index)
        self.status = QLabel(self)
        self.open_button = QPushButton("Открыть", self)
        self.open_button.clicked.connect(lambda: self._open_index(self.table.currentIndex()))
        refresh = QPushButton("Обновить", self)
        refresh.clicked.connect(self.reload)
        self.bar = QHBoxLayout()
        self.bar.addWidget(self.status, 1)
        self.bar.addWidget(self.open_button)
        self.bar.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.bar)

    def load(self) -> tuple[RefundSummary, ...]:
        raise NotImplementedError

    def reload(self) -> None:
        run_op(
            self.ctx,
            self,
            self.load,
            self._loaded,
            lambda err: self.status.setText(message_for(err)),
            key=f"refunds-{id(self)}",
        )

    def _loaded(self, rows: tuple[RefundSummary, ...]) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        overdue = sum(1 for r in rows if r.deadline == "overdue")
        soon = sum(1 for r in rows if r.deadline == "due_soon")
        text = "Заявлений: {0}".format(len(rows))
        if overdue:
            text += " · просрочено: {0}".format(overdue)
        if soon:
            text += " · срок истекает: {0}".format(soon)
        self.status.setText(text)

    def _after_write(self, *_args: object) -> None:
        self.reload()
        self.changed.emit()

    def _open_index(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_refund(row.refund_id)

    def open_refund(self, refund_id: int) -> RefundReviewDialog:
        dialog = RefundReviewDialog(self.ctx, refund_id, self)
        dialog.changed.connect(self._after_write)
        dialog.open()
        return dialog


class RefundsTab(_RefundList):
    """«Возвраты»: the account's applications with their deadlines."""

    def __init__(self, ctx: ViewContext, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, show_account=False)
        self.account_id = account_id
        new = QPushButton("Новое заявление…", self)
        new.clicked.connect(self.new_refund)
        self.bar.insertWidget(1, new)
        self.reload()

    def load(self) -> tuple[RefundSummary, ...]:
        return applications.list_for_account(self.ctx.db, self.account_id)

    def new_refund(self) -> RefundRegisterDialog:
        dialog = RefundRegisterDialog(self.ctx, self.account_id, self)
        dialog.registered.connect(self._after_write)
        dialog.open()
        return dialog


class RefundQueueWidget(_RefundList):
    """Applications of the office awaiting review, nearest deadline first."""

    def __init__(
        self, ctx: ViewContext, office_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent, show_account=True)
        self.office_id = office_id
        # Refunds registered or decided at other desks show up by themselves (#19b).
        ctx.changes.data_changed.connect(self._data_changed)
        self.reload()

    @Slot(object)
    def _data_changed(self, entities: frozenset[str]) -> None:
        if "refund_application" in entities:
            self.reload()

    def load(self) -> tuple[RefundSummary, ...]:
        return applications.review_queue(self.ctx.db, self.office_id)

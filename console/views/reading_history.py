"""The «Показания» tab of the account card: every reading with its status and who entered it."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from console.services.readings import HistoryRow, account_history
from console.views.context import ViewContext
from console.views.reading_history_model import ReadingHistoryModel
from console.views.tasks import message_for

ROW_HEIGHT = 24


class ReadingHistoryWidget(QWidget):
    """History of readings of all the account's meters, newest first."""

    def __init__(self, ctx: ViewContext, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.setObjectName("ReadingHistoryWidget")
        layout = QVBoxLayout(self)
        self.status = QLabel(self.tr("Загрузка…"), self)
        self.status.setObjectName("historyStatus")
        layout.addWidget(self.status)
        self.model = ReadingHistoryModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("historyTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        self.loaded = False
        self.refresh()

    def refresh(self) -> None:
        ctx, account_id = self.ctx, self.account_id
        self.ctx.tasks.run(
            lambda: account_history(ctx.db, account_id),
            self._show,
            lambda err: self.status.setText(message_for(err)),
            key=f"reading-history-{account_id}",
        )

    def _show(self, rows: tuple[HistoryRow, ...]) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        accepted = sum(1 for r in rows if r.status.value == "accepted")
        self.status.setText(
            self.tr("Показаний: {0}, из них принято {1}.").format(len(rows), accepted)
            if rows
            else self.tr("Показаний ещё нет.")
        )
        self.loaded = True

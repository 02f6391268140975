"""Tab «Доставка по e-mail»: each e-mail of the account's documents, month by month — sent and
when, to which (masked) address, refused or waiting for a retry — and «Отправить по e-mail»."""

from __future__ import annotations

from PySide6.QtCore import Slot
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

from console.services.core.formatting import date_time, month_year
from console.services.documents.emailing import DeliveryLine, DeliveryOverview, delivery_overview
from console.views.card.table_model import Column, RowsModel
from console.views.card.util import error_line
from console.views.common.context import ViewContext
from console.views.common.operations import Operation

#: By the stored status code (views don't import the models' enums).
STATUS_COLOURS = {
    "sent": "#1b5e20",
    "failed": "#b26a00",
    "sending": "#b26a00",
    "bounced": "#b3261e",
}


def _colour(line: DeliveryLine) -> str | None:
    return STATUS_COLOURS.get(str(line.status))


def _when(line: DeliveryLine) -> str:
    if line.status == "sent":
        return date_time(line.sent_at)
    if line.status == "failed" and line.next_attempt_at is not None:
        return f"повтор после {date_time(line.next_attempt_at)}"
    return ""


COLUMNS = (
    Column("Месяц", lambda r: month_year(r.period)),
    Column("Состояние", lambda r: r.status_label, colour=_colour),
    Column("Отправлено / повтор", _when),
    Column("Адрес", lambda r: r.address_masked),
    Column("Как", lambda r: r.kind_label),
    Column("Попыток", lambda r: str(r.attempts), right=True),
    Column("Причина", lambda r: r.last_error, tooltip=lambda r: r.last_error),
)


class DeliveryTab(QWidget):
    def __init__(
        self,
        ctx: ViewContext,
        account_id: int,
        on_send: object = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.setObjectName("emailDeliveryTab")
        self._loaded = False
        self.summary = QLabel(self)
        self.summary.setObjectName("deliverySummary")
        self.summary.setWordWrap(True)
        self.send_button = QPushButton("Отправить по e-mail… (Ctrl+E)", self)
        self.send_button.setObjectName("sendByEmail")
        if callable(on_send):
            self.send_button.clicked.connect(lambda _checked=False: on_send())
        self.model = RowsModel(COLUMNS, self)
        self.table = QTableView(self)
        self.table.setObjectName("deliveryLog")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        for column, width in enumerate((110, 160, 215, 150, 190, 70)):
            self.table.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        self.empty = QLabel("Платёжные документы по этому счёту по e-mail не отправлялись.", self)
        self.empty.setObjectName("deliveryEmpty")
        self.error = error_line(self)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self.refresh()

    @Slot()
    def reload_if_loaded(self) -> None:
        """The card reloaded (a send announced this account): a shown log follows."""
        if self._loaded:
            self.refresh()

    def refresh(self) -> None:
        self._loaded = True
        db, account_id = self.ctx.db, self.account_id
        Operation(self, lambda: delivery_overview(db, account_id)).success(self._show).error_label(
            self.error
        ).stale_key(f"card.email.{id(self)}").run(self.ctx)

    def _show(self, overview: DeliveryOverview) -> None:
        if overview.by_email:
            self.summary.setText(
                f"Платёжные документы приходят по e-mail на {overview.address_masked}."
            )
        elif overview.address_masked:
            self.summary.setText(
                f"Платёжные документы доставляются на бумаге; адрес e-mail "
                f"{overview.address_masked} — для отправки по просьбе клиента."
            )
        else:
            self.summary.setText(
                "Платёжные документы доставляются на бумаге; адрес e-mail не указан (его вносят "
                "в анкете клиента при выборе доставки по e-mail)."
            )
        self.send_button.setEnabled(bool(overview.address_masked))
        lines = overview.lines
        self.model.set_rows(lines)
        self.empty.setVisible(not lines)
        self.table.setVisible(bool(lines))

"""«Журнал действий»: the audit trail per account, staff member and period, for supervisors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.services.core.errors import ValidationError
from console.services.core.formatting import add_months, first_of_month
from console.services.staff import audit_trail
from console.services.staff import members as staff
from console.services.staff.audit_trail import AuditFilter, AuditRow
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.plugins import CardHost, WindowHost
from console.views.common.tasks import message_for
from console.views.staff.audit_model import AuditTableModel
from console.views.staff.sign_in import error_label, show_error

PRESETS = ("Последние 30 дней", "Сегодня", "Этот месяц", "Прошлый месяц", "Всё время", "Даты…")
ROW_HEIGHT = 24


class AuditView(QWidget):
    """Filter bar, a lazily filled table and CSV export."""

    def __init__(self, ctx: ViewContext, account_number: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("AuditView")
        self.model = AuditTableModel(self)
        self.model.fetch_requested.connect(self._fetch_more)
        self._build(account_number)
        self._apply_preset(0)
        run_op(ctx, self, lambda: staff.list_staff(ctx.db), self._fill_staff, lambda _e: None)
        self.reload()

    # --- construction -----------------------------------------------------------------
    def _build(self, account_number: str) -> None:
        layout = QVBoxLayout(self)
        bar = QGridLayout()
        self.account_edit = QLineEdit(account_number, self)
        self.account_edit.setObjectName("accountFilter")
        self.account_edit.setPlaceholderText("номер лицевого счёта")
        self.account_edit.returnPressed.connect(self.reload)
        self.account_edit.setMinimumWidth(150)
        self.account_error = error_label(self, "accountError")
        self.staff_combo = QComboBox(self)
        self.staff_combo.setObjectName("staffFilter")
        self.staff_combo.addItem("Все сотрудники", None)
        self.staff_combo.setMinimumWidth(220)
        self.period_combo = QComboBox(self)
        self.period_combo.setObjectName("periodFilter")
        for preset in PRESETS:
            self.period_combo.addItem(preset)
        self.period_combo.currentIndexChanged.connect(self._apply_preset)
        self.date_from = self._date_edit("dateFrom")
        self.date_to = self._date_edit("dateTo")
        self.date_error = error_label(self, "dateError")
        self.show_button = QPushButton("Показать (F5)", self)
        self.show_button.setObjectName("showButton")
        self.show_button.clicked.connect(self.reload)
        self.export_button = QPushButton("Выгрузить в CSV…", self)
        self.export_button.setObjectName("exportButton")
        # clicked(bool) would hand its `checked` flag over as the path: a slot without arguments.
        self.export_button.clicked.connect(self.choose_export)

        bar.addWidget(QLabel("Лицевой счёт:", self), 0, 0)
        bar.addWidget(self.account_edit, 0, 1)
        bar.addWidget(QLabel("Сотрудник:", self), 0, 2)
        bar.addWidget(self.staff_combo, 0, 3)
        bar.addWidget(QLabel("Период:", self), 0, 4)
        bar.addWidget(self.period_combo, 0, 5)
        dates = QHBoxLayout()
        dates.addWidget(QLabel("с", self))
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("по", self))
        dates.addWidget(self.date_to)
        bar.addLayout(dates, 0, 6)
        bar.addWidget(self.account_error, 1, 1, 1, 3)
        bar.addWidget(self.date_error, 1, 5, 1, 2)
        bar.setColumnStretch(7, 1)
        layout.addLayout(bar)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.table = QTableView(self)
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        vertical.hide()
        header = self.table.horizontalHeader()
        for column, width in enumerate((120, 175, 135, 105, 170, 110, 105)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.status = QLabel("", self)
        self.status.setObjectName("auditStatus")
        layout.addWidget(self.status)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.reload)

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd.MM.yyyy")
        edit.dateChanged.connect(self._dates_edited)
        return edit

    def _fill_staff(self, members: tuple[staff.StaffMember, ...]) -> None:
        for member in members:
            suffix = "" if member.is_active else " — отключён"
            self.staff_combo.addItem(f"{member.full_name} ({member.login}){suffix}", member.id)

    # --- filter -----------------------------------------------------------------------
    def _apply_preset(self, index: int) -> None:
        today = dt.date.today()
        start: dt.date | None
        end: dt.date | None = today
        if index == 0:
            start = today - dt.timedelta(days=30)
        elif index == 1:
            start = today
        elif index == 2:
            start = first_of_month(today)
        elif index == 3:
            start = add_months(first_of_month(today), -1)
            end = first_of_month(today) - dt.timedelta(days=1)
        elif index == 4:
            start = end = None
        else:
            return  # "Даты…": whatever is in the date fields
        self._setting_dates = True
        for edit, value in ((self.date_from, start), (self.date_to, end)):
            edit.setEnabled(value is not None)
            if value is not None:
                edit.setDate(QDate(value.year, value.month, value.day))
        self._setting_dates = False

    def _dates_edited(self, _date: QDate) -> None:
        if not getattr(self, "_setting_dates", False):
            self.period_combo.setCurrentIndex(len(PRESETS) - 1)

    def current_filter(self) -> AuditFilter:
        everything = self.period_combo.currentIndex() == 4
        return AuditFilter(
            account_number=self.account_edit.text(),
            staff_id=self.staff_combo.currentData(),
            date_from=None if everything else _to_date(self.date_from.date()),
            date_to=None if everything else _to_date(self.date_to.date()),
        )

    # --- loading ----------------------------------------------------------------------
    def reload(self) -> None:
        show_error(self.account_error, "")
        show_error(self.date_error, "")
        flt = self.current_filter()
        ctx = self.ctx
        self.status.setText("Загрузка…")
        run_op(
            ctx,
            self,
            lambda: audit_trail.page(ctx.db, ctx.actor, flt),
            lambda rows: self._loaded(flt, rows),
            self._failed,
            key="audit-page",
        )

    def _loaded(self, flt: AuditFilter, rows: tuple[AuditRow, ...]) -> None:
        self._filter = flt
        self.model.reset(rows, exhausted=len(rows) < audit_trail.PAGE_SIZE)
        self._update_status()

    def _fetch_more(self, before_id: Any) -> None:
        ctx, flt = self.ctx, self._filter
        run_op(
            ctx,
            self,
            lambda: audit_trail.page(ctx.db, ctx.actor, flt, before_id=before_id),
            self._more_loaded,
            self._more_failed,
            key="audit-page",
        )

    def _more_loaded(self, rows: tuple[AuditRow, ...]) -> None:
        self.model.append(rows, exhausted=len(rows) < audit_trail.PAGE_SIZE)
        self._update_status()

    def _more_failed(self, error: Exception) -> None:
        self.model.fetch_failed()
        self.status.setText(message_for(error))

    def _failed(self, error: Exception) -> None:
        if isinstance(error, ValidationError) and error.field == "account":
            show_error(self.account_error, str(error))
            self.account_edit.setFocus()
        elif isinstance(error, ValidationError) and error.field in ("date_from", "date_to"):
            show_error(self.date_error, str(error))
        self.status.setText(message_for(error))

    def _update_status(self) -> None:
        count = self.model.rowCount()
        if count == 0:
            self.status.setText("Записей нет: измените условия отбора.")
        elif self.model.exhausted:
            self.status.setText("Записей: {0}.".format(count))
        else:
            self.status.setText(
                "Показано {0} записей; прокрутите вниз, чтобы загрузить ещё.".format(count)
            )

    # --- export -----------------------------------------------------------------------
    def choose_export(self) -> None:
        """«Выгрузить в CSV…»: ask where, then export the whole filtered trail there."""
        suggested = f"журнал-{dt.date.today():%Y-%m-%d}.csv"
        path, _ = QFileDialog.getSaveFileName(
            self, "Выгрузить журнал действий", suggested, "CSV (*.csv)"
        )
        if path:
            self.export(path)

    def export(self, path: str) -> None:
        """Write the whole filtered trail to the CSV file ``path``."""
        if not path:
            return
        ctx, flt = self.ctx, self.current_filter()
        self.export_button.setEnabled(False)
        self.status.setText("Выгрузка…")
        run_op(
            ctx,
            self,
            lambda: audit_trail.export_csv_file(ctx.db, ctx.actor, flt, path),
            lambda count: self._exported(count, path),
            self._export_failed,
            key="audit-export",
        )

    def _exported(self, count: int, path: str) -> None:
        self.export_button.setEnabled(True)
        self.status.setText("Выгружено записей: {0} — {1}".format(count, path))

    def _export_failed(self, error: Exception) -> None:
        self.export_button.setEnabled(True)
        self._failed(error)


def _to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def open_audit(window: QWidget, ctx: ViewContext, account_number: str = "") -> QWidget:
    """Show the trail as a workspace tab (one per account, one for the whole office)."""
    view = AuditView(ctx, account_number)
    title = "Журнал: {0}".format(account_number) if account_number else None
    key = f"audit:{account_number}" if account_number else "audit"
    if not isinstance(window, WindowHost):
        view.show()
        return view
    return window.open_tab(view, title or "Журнал действий", key)


def install_window(window: WindowHost) -> None:
    """«Офис → Журнал действий» for supervisors and administrators."""
    ctx = window.ctx
    if not ctx.actor.is_supervisor:
        return
    action = QAction("Журнал действий", window)
    action.setObjectName("auditAction")
    action.setShortcut(QKeySequence("Ctrl+Shift+J"))
    action.triggered.connect(lambda: open_audit(window, ctx))
    window.office_menu.addAction(action)


def install_card(card: CardHost) -> None:
    """«Журнал по счёту» in the account card, for supervisors."""
    if not card.ctx.actor.is_supervisor:
        return

    def show() -> None:
        window = card.window()
        open_audit(window, card.ctx, card.account_number)

    card.add_action("Журнал по счёту", None, show)

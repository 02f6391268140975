"""Замена счётчика: the old meter's final readings and the new meter with its initial ones."""

from __future__ import annotations

import datetime as dt
import functools
import uuid

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console.services.core.errors import FieldRef, ZoneField
from console.services.core.formatting import date, plain
from console.services.readings.checks import MeterState
from console.services.readings.entry import AccountReadingState, ZoneEntry, reading_state
from console.services.readings.meter_replacement import (
    NewMeter,
    ReplacementForm,
    ReplacementResult,
    replace_meter,
)
from console.views.common.context import ViewContext
from console.views.common.form_widgets import clear_on_edit, on_edit
from console.views.common.keyboard import default_button_per_page, enter_moves_to
from console.views.common.operations import Operation, run_op
from console.views.common.tasks import message_for
from console.views.common.unsaved import UnsavedGuard
from console.views.readings.confirmation_block import ConfirmationBlock
from console.views.readings.rows import ERROR_STYLE, ZoneRow

VERIFICATION_YEARS = 16
#: The error line under the new meter's initial readings (any ZoneField of the new meter).
INITIAL_VALUES = "new.initial_values"


def _same(widget: QWidget) -> QWidget:
    return widget


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(edit: QDateEdit) -> dt.date:
    value = edit.date()
    return dt.date(value.year(), value.month(), value.day())


def date_edit(parent: QWidget, day: dt.date, name: str) -> QDateEdit:
    edit = QDateEdit(qdate(day), parent)
    edit.setObjectName(name)
    edit.setDisplayFormat("dd.MM.yyyy")
    edit.setCalendarPopup(True)
    return edit


class MeterReplacementDialog(QDialog):
    """One step for the clerk: both meters, checked together, stored together."""

    replaced = Signal(object)  # ReplacementResult

    def __init__(
        self,
        ctx: ViewContext,
        account_id: int,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.today = today or dt.date.today()
        self.key = uuid.uuid4().hex
        self.state: AccountReadingState | None = None
        self.rows: list[ZoneRow] = []
        self.errors: dict[str, QLabel] = {}
        self.initial: list[QLineEdit] = []
        self.setObjectName("MeterReplacementDialog")
        self.setWindowTitle("Замена счётчика")
        self.setMinimumWidth(760)
        layout = QVBoxLayout(self)
        self.banner = QLabel(self)
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(f"{ERROR_STYLE} font-weight: bold;")
        self.banner.setVisible(False)
        layout.addWidget(self.banner)
        self._banner_about_fields = False
        self.pages = QStackedWidget(self)
        layout.addWidget(self.pages)
        self._build_form_page()
        self._build_confirm_page()
        self._build_done_page()
        # Enter is the button of the step on screen: «Далее», «Подтвердить» (while the check is
        # unticked it is disabled and Enter does nothing), «Закрыть».
        default_button_per_page(
            self.pages,
            {0: self.next_button, 1: self.confirmation.confirm_button, 2: self.close_button},
        )
        ctx_, account, day = ctx, account_id, self.today
        run_op(
            ctx,
            self,
            lambda: reading_state(ctx_.db, account, today=day, settings=ctx_.settings),
            self._loaded,
            self._show_error,
            key=f"replacement-state-{account_id}",
        )

    def is_ready(self) -> bool:
        return self.state is not None

    # --- form -------------------------------------------------------------------------------
    def _error_label(self, parent: QWidget, field: str) -> QLabel:
        label = QLabel(parent)
        label.setObjectName(f"error_{field}")
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.setVisible(False)
        self.errors[field] = label
        return label

    def _build_form_page(self) -> None:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        old_box = QGroupBox("Снимаемый счётчик", page)
        old_form = QFormLayout(old_box)
        self.old_meter = QComboBox(old_box)
        self.old_meter.setObjectName("oldMeter")
        self.old_meter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.old_meter.currentIndexChanged.connect(self._old_chosen)
        self.removed_on = date_edit(old_box, self.today, "removedOn")
        self.removed_on.setMaximumDate(qdate(self.today))
        self.removed_on.dateChanged.connect(self._removal_date_changed)
        old_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        old_form.addRow("Счётчик:", self.old_meter)
        old_form.addRow("Дата снятия:", self.removed_on)
        old_form.addRow("", self._error_label(old_box, "removed_on"))
        self.final_box = QWidget(old_box)
        self.final_grid = QGridLayout(self.final_box)
        self.final_grid.setContentsMargins(0, 0, 0, 0)
        self.final_grid.setColumnStretch(6, 1)
        for column, head in enumerate(
            ("Зона", "Предыдущее", "Конечное показание",
             "Расход", "Сумма ≈")
        ):  # fmt: skip
            label = QLabel(head, self.final_box)
            label.setStyleSheet("color: #555;")
            self.final_grid.addWidget(label, 0, column)
        old_form.addRow(self.final_box)
        layout.addWidget(old_box)
        new_box = QGroupBox("Устанавливаемый счётчик", page)
        form = QFormLayout(new_box)
        self.serial = QLineEdit(new_box)
        self.serial.setObjectName("newSerial")
        self.model = QLineEdit(new_box)
        self.model.setObjectName("newModel")
        self.zones = QSpinBox(new_box)
        self.zones.setObjectName("newZones")
        self.zones.setRange(1, 3)
        self.zones.valueChanged.connect(self._rebuild_initial)
        self.digits = QSpinBox(new_box)
        self.digits.setObjectName("newDigits")
        self.digits.setRange(3, 9)
        self.digits.setValue(6)
        self.ratio = QLineEdit("1", new_box)
        self.ratio.setObjectName("newRatio")
        self.installed_on = date_edit(new_box, self.today, "newInstalledOn")
        self.last_verified = date_edit(new_box, self.today, "newLastVerified")
        self.next_verification = date_edit(
            new_box, self.today.replace(year=self.today.year + VERIFICATION_YEARS),
            "newNextVerification",
        )  # fmt: skip
        self.place = QLineEdit(new_box)
        self.place.setObjectName("newPlace")
        self.initial_box = QWidget(new_box)
        self.initial_layout = QHBoxLayout(self.initial_box)
        self.initial_layout.setContentsMargins(0, 0, 0, 0)
        for caption, widget, field in (
            ("Заводской номер:", self.serial, "new.serial"),
            ("Модель:", self.model, "new.model"),
            ("Тарифных зон:", self.zones, "new.zones"),
            ("Значность:", self.digits, "new.digits"),
            ("Коэффициент трансформации:", self.ratio, "new.ratio"),
            ("Дата установки:", self.installed_on, "new.installed_on"),
            ("Дата поверки:", self.last_verified, "new.last_verified_on"),
            ("Следующая поверка:", self.next_verification, "new.next_verification_on"),
            ("Место установки:", self.place, "new.place"),
            ("Начальные показания:", self.initial_box, INITIAL_VALUES),
        ):
            form.addRow(caption, widget)
            form.addRow("", self._error_label(new_box, field))
            if widget is not self.initial_box:
                clear_on_edit(widget, self.errors[field])
                on_edit(widget, self._field_edited)
        layout.addWidget(new_box)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.next_button = QPushButton("Далее", page)
        self.next_button.setObjectName("nextButton")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.to_confirmation)
        cancel = QPushButton("Отмена", page)
        cancel.setObjectName("cancelButton")
        cancel.setAutoDefault(False)
        self.guard = UnsavedGuard(self, self.has_input)
        cancel.clicked.connect(self.guard.cancel)
        buttons.addWidget(self.next_button)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.pages.addWidget(page)
        self._rebuild_initial(1)
        # Enter goes field by field down the form (a spin box or a date passed Enter on to
        # «Далее»: the confirmation came up before the new meter was typed); in the last initial
        # reading it is «Далее».
        chain: list[QWidget] = [
            self.serial, self.model, self.zones, self.digits, self.ratio, self.installed_on,
            self.last_verified, self.next_verification, self.place,
        ]  # fmt: skip
        for before, after in zip(chain, chain[1:], strict=False):
            enter_moves_to(before, functools.partial(_same, after))
        enter_moves_to(self.place, lambda: self.initial[0] if self.initial else None)

    def _rebuild_initial(self, zones: int) -> None:
        typed = [e.text() for e in self.initial]
        for edit in self.initial:
            edit.deleteLater()
        self.initial = []
        names = {1: ["Т1"], 2: ["Т1 день", "Т2 ночь"], 3: ["Т1 пик", "Т2 полупик", "Т3 ночь"]}
        for zone in range(1, zones + 1):
            edit = QLineEdit(typed[zone - 1] if zone - 1 < len(typed) else "0", self.initial_box)
            edit.setObjectName(f"initial_{zone}")
            edit.setPlaceholderText(names[zones][zone - 1])
            edit.setToolTip(names[zones][zone - 1])
            clear_on_edit(edit, self.errors[INITIAL_VALUES])
            on_edit(edit, self._field_edited)
            self.initial_layout.addWidget(edit)
            self.initial.append(edit)
            enter_moves_to(edit, functools.partial(self._after_initial, edit))
        if hasattr(self, "next_button"):  # (the first ones are made with the form, in order)
            self._tab_through([self.place, *self.initial, self.next_button])

    @staticmethod
    def _tab_through(widgets: list[QWidget]) -> None:
        for first, second in zip(widgets, widgets[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _after_initial(self, edit: QLineEdit) -> QWidget | None:
        index = self.initial.index(edit) if edit in self.initial else len(self.initial)
        return self.initial[index + 1] if index + 1 < len(self.initial) else None

    def _loaded(self, state: AccountReadingState) -> None:
        self.state = state
        self.old_meter.clear()
        for meter in state.meters:
            self.old_meter.addItem(f"№ {meter.serial} · {meter.model}", meter.meter_id)
        if not state.meters:
            self._show_error("На лицевом счёте нет действующего счётчика.")
            self.next_button.setEnabled(False)
        self.setWindowTitle("Замена счётчика — ЛС {0}".format(state.account_number))

    def current_meter(self) -> MeterState | None:
        if self.state is None or self.old_meter.currentIndex() < 0:
            return None
        return self.state.meter(self.old_meter.currentData())

    def _old_chosen(self) -> None:
        meter = self.current_meter()
        for row in self.rows:
            for widget in (row.label, row.previous, row.edit, row.consumption, row.amount,
                           row.rollover, row.message):  # fmt: skip
                widget.deleteLater()
        self.rows = []
        if meter is None:
            return
        for index, zone in enumerate(meter.zone_states):
            row = ZoneRow(self.final_box, self.final_grid, 1 + index * 2, meter, zone)
            enter_moves_to(row.edit, functools.partial(self._after_final, index))
            row.edited.connect(self._recheck)
            row.edited.connect(self._field_edited)
            self.rows.append(row)
        # Widgets made after the form join the end of the Tab chain (after «Отмена»): put the
        # final readings back where they stand, between the removal date and the new meter.
        chain: list[QWidget] = [self.removed_on]
        for row in self.rows:
            chain += [row.edit, row.rollover]
        self._tab_through([*chain, self.serial])
        self.model.setText(meter.model)
        self.zones.setValue(meter.zones)
        self.place.setText(meter.place or "")

    def _after_final(self, index: int) -> QWidget:
        """The next zone's final reading, then the new meter's serial."""
        return self.rows[index + 1].edit if index + 1 < len(self.rows) else self.serial

    def _removal_date_changed(self) -> None:
        self.installed_on.setDate(self.removed_on.date())
        self._recheck()

    def _recheck(self) -> None:
        if self.state is None:
            return
        for row in self.rows:
            row.recheck(pydate(self.removed_on), self.today, self.state.period.period,
                        self.ctx.settings.reading_limits)  # fmt: skip

    # --- confirmation and submit ---------------------------------------------------------------
    def _build_confirm_page(self) -> None:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.summary = QLabel(page)
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.confirmation = ConfirmationBlock(self.ctx, "Данные сверены с актом замены", page)
        self.confirmation.confirm_button.clicked.connect(self.submit)
        self.confirmation.back_button.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        layout.addWidget(self.confirmation, 1)
        self.pages.addWidget(page)

    def _build_done_page(self) -> None:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        title = QLabel("Счётчик заменён", page)
        title.setObjectName("doneTitle")
        title.setStyleSheet("font-size: 16pt; font-weight: bold; color: #1b5e20;")
        self.done_details = QLabel(page)
        self.done_details.setObjectName("doneDetails")
        self.done_details.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(self.done_details)
        layout.addStretch(1)
        close = QPushButton("Закрыть", page)
        close.setObjectName("closeButton")
        close.clicked.connect(self.accept)
        self.close_button = close
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.pages.addWidget(page)

    def to_confirmation(self) -> None:
        self._recheck()
        for label in self.errors.values():
            label.setVisible(False)
        meter = self.current_meter()
        if meter is None:
            return
        for row in self.rows:
            if row.check is None or row.check.errors:
                row.edit.setFocus()
                if row.check is None:
                    row.show_message("Введите конечное показание.", ERROR_STYLE)
                self._show_error(
                    "Проверьте конечные показания снимаемого счётчика.", about_fields=True
                )
                return
        self.banner.setVisible(False)
        checks = [r.check for r in self.rows if r.check is not None]
        finals = ", ".join(f"{r.zone.label}: {r.text}" for r in self.rows)
        initial = ", ".join(e.text() for e in self.initial)
        self.summary.setText(
            ("Снять счётчик № {0} ({1}) {2}, конечные показания — {3}.\n"
                    "Установить счётчик № {4} ({5}, зон: {6}, значность {7}) {8}, начальные "
                    "показания — {9}; следующая поверка {10}.\n{11}").format(
                meter.serial, meter.model, date(pydate(self.removed_on)), finals,
                self.serial.text(), self.model.text(), self.zones.value(), self.digits.value(),
                date(pydate(self.installed_on)), initial, date(pydate(self.next_verification)),
                self.state.period.note if self.state else "",
            )
        )  # fmt: skip
        self.confirmation.prepare(
            [i.message for c in checks for i in c.warnings],
            any(c.needs_supervisor for c in checks),
        )
        self.pages.setCurrentIndex(1)
        block = self.confirmation
        (block.confirm_check if block.needs_confirmation else block.confirm_button).setFocus()

    def form(self) -> ReplacementForm:
        meter = self.current_meter()
        assert meter is not None
        return ReplacementForm(
            self.account_id, meter.meter_id, pydate(self.removed_on),
            tuple(ZoneEntry(meter.meter_id, r.zone.zone, r.text, r.rollover.isChecked(),
                            r.zone.previous_reading_id) for r in self.rows),
            NewMeter(
                serial=self.serial.text(), model=self.model.text(), zones=self.zones.value(),
                digits=self.digits.value(), installed_on=pydate(self.installed_on),
                initial_values=tuple(e.text() for e in self.initial), ratio=self.ratio.text(),
                last_verified_on=pydate(self.last_verified),
                next_verification_on=pydate(self.next_verification), place=self.place.text(),
            ),
            confirmed=self.confirmation.confirmed(), approval=self.confirmation.approval(),
        )  # fmt: skip

    def submit(self) -> None:
        form, key, ctx, today = self.form(), self.key, self.ctx, self.today
        self.confirmation.confirm_button.setEnabled(False)
        Operation(
            self,
            lambda: replace_meter(ctx.db, ctx.actor, form, key, today=today, settings=ctx.settings),
        ).success(self._done).invalid(self._invalid).failure(self._failed).stale_key(
            f"replace-meter-{self.account_id}"
        ).changes_account(self.account_id).run(ctx)

    def _done(self, result: ReplacementResult) -> None:
        initial = ", ".join(plain(r.value) for r in result.initial)
        self.done_details.setText(
            "Счётчик № {0} снят, установлен № {1} с начальными показаниями {2}.".format(
                result.old_serial, result.new_serial, initial
            )
        )
        self.pages.setCurrentIndex(2)
        self.close_button.setFocus()
        self.replaced.emit(result)

    def _invalid(self, message: str, field: FieldRef) -> None:
        """A ValidationError with a field: the message goes beside it (and into the banner)."""
        self.confirmation.update_button()
        if field in ("confirm", "supervisor"):
            self.confirmation.message.setText(message)
            return
        self.pages.setCurrentIndex(0)
        if isinstance(field, ZoneField) and field.meter == "old":
            self.rows[field.zone - 1].show_message(message, ERROR_STYLE)
        else:
            label = self.errors.get(INITIAL_VALUES if isinstance(field, ZoneField) else field)
            if label is not None:
                label.setText(message)
                label.setVisible(True)
        self._show_error(message, about_fields=True)

    def _failed(self, error: Exception) -> None:
        self.confirmation.update_button()
        self.pages.setCurrentIndex(0)
        self._show_error(error)

    def has_input(self) -> bool:
        """Something typed that closing the form would lose (before it is stored)."""
        if self.pages.currentIndex() == 2:
            return False
        typed = [self.serial, self.ratio, *self.initial] + [r.edit for r in self.rows]
        return any(e.isModified() and e.text().strip() for e in typed)

    def _field_edited(self) -> None:
        if self._banner_about_fields:
            self.banner.setVisible(False)
            self._banner_about_fields = False

    def _show_error(self, error: object, *, about_fields: bool = False) -> None:
        self._banner_about_fields = about_fields
        self.banner.setText(error if isinstance(error, str) else message_for(error))  # type: ignore[arg-type]
        self.banner.setVisible(True)

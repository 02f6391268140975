"""One meter register on the reading entry form: previous value, the new one, live figures."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QLineEdit, QWidget

from console.services.core.formatting import date, money, plain
from console.services.readings.checks import MeterState, ReadingCheck, ZoneState, check_reading
from console.settings import ReadingLimits

ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #8a5a00;"
INFO_STYLE = "color: #1f4e8c;"


class ZoneRow(QObject):
    """The widgets of one register, placed on rows ``row`` and ``row + 1`` of a grid."""

    edited = Signal()

    def __init__(
        self,
        parent: QWidget,
        grid: QGridLayout,
        row: int,
        meter: MeterState,
        zone: ZoneState,
        typed: str = "",
    ) -> None:
        super().__init__(parent)
        self.meter = meter
        self.zone = zone
        self.check: ReadingCheck | None = None
        suffix = f"{meter.meter_id}_{zone.zone}"
        self.label = QLabel(zone.label, parent)
        previous = (
            f"{plain(zone.previous_value)}  ({date(zone.previous_taken_on)})"
            if zone.previous_value is not None
            else "нет показаний"
        )
        self.previous = QLabel(previous, parent)
        self.previous.setObjectName(f"previous_{suffix}")
        self.edit = QLineEdit(typed, parent)
        self.edit.setObjectName(f"value_{suffix}")
        self.edit.setMaxLength(24)
        self.edit.setPlaceholderText("0" * meter.digits)
        self.edit.setMinimumWidth(120)
        self.consumption = QLabel(parent)
        self.consumption.setObjectName(f"consumption_{suffix}")
        self.amount = QLabel(parent)
        self.amount.setObjectName(f"amount_{suffix}")
        for figure in (self.consumption, self.amount):
            figure.setMinimumWidth(100)  # room for "12 345 кВт·ч" as the clerk types
        self.rollover = QCheckBox("Переход через ноль", parent)
        self.rollover.setObjectName(f"rollover_{suffix}")
        self.rollover.setVisible(False)
        self.message = QLabel(parent)
        self.message.setObjectName(f"message_{suffix}")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        for column, widget in enumerate(
            (self.label, self.previous, self.edit, self.consumption, self.amount, self.rollover)
        ):
            grid.addWidget(widget, row, column)
        grid.addWidget(self.message, row + 1, 1, 1, 5)
        self.edit.textChanged.connect(self.edited)
        self.rollover.toggled.connect(self.edited)

    @property
    def key(self) -> tuple[int, int]:
        return (self.meter.meter_id, self.zone.zone)

    @property
    def text(self) -> str:
        return self.edit.text()

    def is_empty(self) -> bool:
        return not self.edit.text().strip()

    def recheck(
        self, taken_on: dt.date, today: dt.date, period: dt.date, limits: ReadingLimits
    ) -> ReadingCheck | None:
        """Re-run the checks on the typed text and show figures and messages beside it."""
        if self.is_empty():
            self.check = None
            self.consumption.setText("")
            self.amount.setText("")
            self.rollover.setVisible(False)
            self.show_message("", "")
            return None
        check = check_reading(
            self.meter, self.zone.zone, self.text, taken_on, today=today, period=period,
            limits=limits, rollover=self.rollover.isChecked(),
        )  # fmt: skip
        self.check = check
        lower = any(i.code in ("lower_than_previous", "rollover") for i in check.issues)
        self.rollover.setVisible(lower)
        self.consumption.setText(
            "{0} кВт·ч".format(plain(check.consumption)) if check.consumption is not None else ""
        )
        self.amount.setText(money(check.amount, currency=True) if check.amount is not None else "")
        value_issues = [i for i in check.issues if i.field == "value"]
        errors = [i for i in value_issues if i.level == "error"]
        warnings = [i for i in value_issues if i.level in ("confirm", "supervisor")]
        infos = [i for i in value_issues if i.level == "info"]
        if errors:
            self.show_message(errors[0].message, ERROR_STYLE)
        elif warnings:
            self.show_message(" ".join(i.message for i in warnings), WARNING_STYLE)
        elif infos:
            self.show_message(" ".join(i.message for i in infos), INFO_STYLE)
        else:
            self.show_message("", "")
        return check

    def show_message(self, text: str, style: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(style)
        self.message.setVisible(bool(text))

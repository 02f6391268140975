"""The foot of a confirmation step: warnings, «сверено», a supervisor, «Подтвердить»."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.services.staff.approvals import SupervisorApproval
from console.views.common.context import ViewContext
from console.views.readings.rows import ERROR_STYLE, WARNING_STYLE
from console.views.staff.supervisor_approval import SupervisorApprovalBox


class ConfirmationBlock(QWidget):
    """Enables «Подтвердить» once the warnings are ticked off and, if needed, a supervisor approved.

    The dialog places the block under its summary with stretch 1 (the free space goes above the
    buttons) and connects ``confirm_button`` and ``back_button`` to its own steps.
    """

    def __init__(
        self,
        ctx: ViewContext,
        check_text: str,
        parent: QWidget | None = None,
        *,
        hide_empty_warnings: bool = False,
    ) -> None:
        super().__init__(parent)
        self.hide_empty_warnings = hide_empty_warnings
        self.needs_confirmation = self.needs_supervisor = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.warnings = QLabel(self)
        self.warnings.setObjectName("warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARNING_STYLE)
        layout.addWidget(self.warnings)
        self.confirm_check = QCheckBox(check_text, self)
        self.confirm_check.setObjectName("confirmCheck")
        self.confirm_check.toggled.connect(self.update_button)
        layout.addWidget(self.confirm_check)
        self.supervisor = SupervisorApprovalBox(ctx, self)
        self.supervisor.changed.connect(self.update_button)
        layout.addWidget(self.supervisor)
        self.message = QLabel(self)
        self.message.setObjectName("confirmMessage")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.confirm_button = QPushButton("Подтвердить", self)
        self.confirm_button.setObjectName("confirmButton")
        self.back_button = QPushButton("Исправить", self)
        self.back_button.setObjectName("backButton")
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.back_button)
        layout.addLayout(buttons)

    def prepare(self, warnings: list[str], needs_supervisor: bool) -> None:
        """Start the step afresh: the warnings to tick off, unticked, no approval, no message."""
        self.warnings.setText("\n".join(warnings))
        if self.hide_empty_warnings:
            self.warnings.setVisible(bool(warnings))
        self.needs_confirmation = bool(warnings)
        self.needs_supervisor = needs_supervisor
        self.confirm_check.setChecked(False)
        self.confirm_check.setVisible(self.needs_confirmation)
        self.supervisor.reset()
        self.supervisor.setVisible(self.needs_supervisor)
        self.message.setText("")
        # The dialog shows the page right away: its layout must not size it from stale hints.
        self.updateGeometry()
        self.update_button()

    def update_button(self) -> None:
        ok = not self.needs_confirmation or self.confirm_check.isChecked()
        if self.needs_supervisor:
            ok = ok and self.supervisor.approval is not None
        self.confirm_button.setEnabled(ok)

    def confirmed(self) -> bool:
        return self.confirm_check.isChecked()

    def approval(self) -> SupervisorApproval | None:
        """The supervisor's approval when the step needs one (a stale one is not sent)."""
        return self.supervisor.approval if self.needs_supervisor else None

"""A box where a supervisor confirms a very-high reading at the clerk's desk."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from console.services.staff.approvals import SupervisorApproval, verify_supervisor
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.tasks import message_for


class SupervisorApprovalBox(QGroupBox):
    """The signed-in supervisor ticks a box; a clerk's supervisor types login and password."""

    changed = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.approval: SupervisorApproval | None = None
        self.setTitle("Подтверждение руководителя")
        self.setObjectName("supervisorBox")
        layout = QFormLayout(self)
        self.status = QLabel(self)
        self.status.setObjectName("supervisorStatus")
        self.status.setWordWrap(True)
        if ctx.actor.is_supervisor:
            self.self_check = QCheckBox(
                "Подтверждаю как руководитель офиса ({0})".format(ctx.actor.full_name),
                self,
            )
            self.self_check.setObjectName("supervisorSelf")
            self.self_check.toggled.connect(self._self_toggled)
            layout.addRow(self.self_check)
        else:
            self.login = QLineEdit(self)
            self.login.setObjectName("supervisorLogin")
            self.password = QLineEdit(self)
            self.password.setObjectName("supervisorPassword")
            self.password.setEchoMode(QLineEdit.EchoMode.Password)
            self.verify = QPushButton("Подтвердить", self)
            self.verify.setObjectName("supervisorVerify")
            self.verify.clicked.connect(self._verify)
            self.password.returnPressed.connect(self._verify)
            row = QHBoxLayout()
            row.addWidget(self.password)
            row.addWidget(self.verify)
            layout.addRow("Логин руководителя:", self.login)
            layout.addRow("Пароль:", row)
        layout.addRow(self.status)

    def reset(self) -> None:
        self.approval = None
        self.status.setText("")
        if self.ctx.actor.is_supervisor:
            self.self_check.setChecked(False)
        else:
            self.password.clear()

    def _self_toggled(self, on: bool) -> None:
        self.approval = SupervisorApproval.of(self.ctx.actor) if on else None
        self.changed.emit()

    def _verify(self) -> None:
        login, password = self.login.text(), self.password.text()
        self.verify.setEnabled(False)
        self.status.setText("Проверка…")
        run_op(
            self.ctx,
            self,
            lambda: verify_supervisor(self.ctx.db, login, password),
            self._verified,
            self._refused,
            key="supervisor-approval",
        )

    def _verified(self, approval: SupervisorApproval) -> None:
        self.verify.setEnabled(True)
        self.password.clear()
        self.approval = approval
        self.status.setStyleSheet("color: #1b5e20;")
        self.status.setText("Подтверждено: {0}".format(approval.full_name))
        self.changed.emit()

    def _refused(self, error: Exception) -> None:
        self.verify.setEnabled(True)
        self.password.clear()
        self.approval = None
        self.status.setStyleSheet("color: #b00020;")
        self.status.setText(message_for(error))
        self.changed.emit()

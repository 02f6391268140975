"""Locking the console after inactivity: every window is covered, nothing open is closed.

A curtain hides each visible window (customers' data is not left on screen), and a modal
prompt asks for the signed-in person's password. Open cards, dialogs and typed input stay
exactly as they were underneath; the prompt is modal over them all, even over a modal dialog.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.services.staff import auth
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.plugins import WindowHost
from console.views.common.tasks import message_for
from console.views.staff.sign_in import error_label, show_error

#: Wrong passwords before each further attempt waits (growing), and before the console signs out.
SLOW_AFTER = 3
SIGN_OUT_AFTER = 5
_MAX_DELAY_MS = 60_000


def retry_delay_ms(failures: int, unit_ms: int = 1000) -> int:
    """How long the prompt waits after ``failures`` wrong passwords: none for the first two,
    then 2, 4, 8 … seconds (at most a minute), so guessing from the keyboard is slow."""
    if failures < SLOW_AFTER:
        return 0
    return int(min(2 * unit_ms * 2 ** (failures - SLOW_AFTER), _MAX_DELAY_MS))


#: What counts as someone at the keyboard.
_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class Curtain(QWidget):
    """An opaque cover over one window while the console is locked."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("lockCurtain")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#lockCurtain { background: #2b3a4a; }")
        layout = QVBoxLayout(self)
        text = QLabel("Пульт заблокирован", self)
        text.setStyleSheet("color: white; font-size: 18pt;")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(text)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
            self.raise_()
        return False


class UnlockDialog(QDialog):
    """The password prompt over the locked console. Esc does not close it.

    Each wrong password is recorded by the service; after SLOW_AFTER of them every further
    attempt waits longer, and after SIGN_OUT_AFTER the prompt gives up (``given_up``) and the
    console signs out.
    """

    given_up = Signal()
    #: One second of the delay; tests shorten it.
    delay_unit_ms = 1000

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.failures = 0
        self.wait_left_s = 0
        self.wait_step_ms = self.delay_unit_ms
        self.reason = ""
        self.wait_timer = QTimer(self)
        self.wait_timer.setSingleShot(True)
        self.wait_timer.timeout.connect(self._tick)
        self.setObjectName("UnlockDialog")
        self.setWindowTitle("Пульт заблокирован")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        heading = QLabel("Пульт заблокирован", self)
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        layout.addWidget(heading)
        minutes = ctx.settings.lock_after_minutes
        actor = ctx.actor
        info = QLabel(
            (
                "Пульт заблокирован после {0} мин без действий. Открытые карточки и введённые "
                "данные сохранены.\nСотрудник: {1} ({2}). Введите пароль, чтобы продолжить."
            ).format(minutes, actor.full_name, actor.login),
            self,
        )
        info.setWordWrap(True)
        layout.addWidget(info)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("unlockPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("пароль")
        layout.addWidget(self.password_edit)
        self.error = error_label(self, "unlockError")
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.unlock_button = QPushButton("Разблокировать", self)
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.submit)
        row.addWidget(self.unlock_button)
        layout.addLayout(row)

    def submit(self) -> None:
        if self.waiting or self.failures >= SIGN_OUT_AFTER:
            return
        show_error(self.error, "")
        password = self.password_edit.text()
        ctx = self.ctx
        self.unlock_button.setEnabled(False)
        run_op(
            ctx,
            self,
            lambda: auth.verify_password(ctx.db, ctx.actor, password, ctx.settings),
            lambda _none: self.accept(),
            self._failed,
            key="unlock",
        )

    @property
    def waiting(self) -> bool:
        return self.wait_left_s > 0

    def _failed(self, error: Exception) -> None:
        if isinstance(error, auth.BadCredentialsError):
            self.failures += 1
            if self.failures >= SIGN_OUT_AFTER:
                self.password_edit.clear()
                self.password_edit.setEnabled(False)
                show_error(
                    self.error,
                    "Пароль неверен {0} раз подряд: пульт закрывает сеанс.".format(self.failures),
                )
                self.given_up.emit()
                return
            delay = retry_delay_ms(self.failures, self.delay_unit_ms)
            if delay:
                self._wait(delay, message_for(error))
                return
        self.unlock_button.setEnabled(True)
        show_error(self.error, message_for(error))
        self.password_edit.selectAll()
        self.password_edit.setFocus()

    def _wait(self, delay_ms: int, reason: str) -> None:
        """Refuse input for ``delay_ms``, counting down next to the field."""
        self.reason = reason
        self.password_edit.clear()
        self.password_edit.setEnabled(False)
        self.unlock_button.setEnabled(False)
        self.wait_step_ms = max(1, self.delay_unit_ms)
        self.wait_left_s = max(1, -(-delay_ms // self.wait_step_ms))
        self._show_wait()
        self.adjustSize()  # room for the two-line message at once
        self.wait_timer.start(self.wait_step_ms)

    def _show_wait(self) -> None:
        show_error(
            self.error,
            "{0}\nСледующая попытка — через {1} с.".format(self.reason, self.wait_left_s),
        )

    def _tick(self) -> None:
        self.wait_left_s -= 1
        if self.wait_left_s > 0:
            self._show_wait()
            self.wait_timer.start(self.wait_step_ms)
            return
        show_error(self.error, self.reason)
        self.password_edit.setEnabled(True)
        self.unlock_button.setEnabled(True)
        self.password_edit.setFocus()

    def reject(self) -> None:
        """Esc and the window's close button leave the console locked."""

    def dismiss(self) -> None:
        """Close the prompt for good (the console is signing out)."""
        self.wait_timer.stop()
        super().reject()

    def accept(self) -> None:
        self.password_edit.clear()
        super().accept()


class InactivityLock(QObject):
    """Watches for input anywhere in the application and locks after the set idle time."""

    locked_changed = Signal(bool)
    #: Too many wrong passwords: the session ended and the window is closing.
    signed_out = Signal()

    def __init__(self, window: QMainWindow, ctx: ViewContext) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.curtains: list[Curtain] = []
        self.prompt: UnlockDialog | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        minutes = ctx.settings.lock_after_minutes
        if minutes > 0:
            self.timer.setInterval(minutes * 60_000)
            self.timer.start()
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)

    @property
    def is_locked(self) -> bool:
        return self.prompt is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _ACTIVITY and not self.is_locked:
            self.timer.start()
        return False

    def lock(self) -> None:
        """Cover every open window and ask for the password."""
        if self.is_locked:
            return
        self.timer.stop()
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and widget.isWindow() and not _is_popup(widget):
                self.curtains.append(Curtain(widget))
        self.prompt = UnlockDialog(self.ctx, self.window)
        self.prompt.accepted.connect(self.unlock)
        self.prompt.given_up.connect(self.sign_out)
        self.prompt.show()  # open() would force window-modal; this one is application-modal
        self.prompt.password_edit.setFocus()
        self.locked_changed.emit(True)

    def unlock(self) -> None:
        for curtain in self.curtains:
            covered = curtain.parentWidget()
            if covered is not None:
                covered.removeEventFilter(curtain)
            curtain.deleteLater()
        self.curtains.clear()
        if self.prompt is not None:
            self.prompt.deleteLater()
            self.prompt = None
        if self.ctx.settings.lock_after_minutes > 0:
            self.timer.start()
        self.locked_changed.emit(False)

    def sign_out(self) -> None:
        """End the session after too many wrong passwords: record it, then close the console
        (the curtains stay until the window is gone; nothing is shown to whoever is guessing)."""
        ctx = self.ctx
        self.timer.stop()
        run_op(
            ctx,
            self,
            lambda: auth.sign_out(ctx.db, ctx.actor, "unlock_failed"),
            lambda _none: self._close(),
            lambda _error: self._close(),
            key="sign-out",
        )

    def _close(self) -> None:
        if self.prompt is not None:
            self.prompt.dismiss()
        self.signed_out.emit()
        self.window.close()


def _is_popup(widget: QWidget) -> bool:
    return widget.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)


def install_window(window: WindowHost) -> None:
    """The idle lock, and «Файл → Заблокировать» (Ctrl+L) for leaving the desk at once."""
    ctx = window.ctx
    lock = InactivityLock(window, ctx)
    window.setProperty("inactivityLock", True)
    window.inactivity_lock = lock  # type: ignore[attr-defined]
    action = QAction("Заблокировать пульт", window)
    action.setObjectName("lockAction")
    action.setShortcut(QKeySequence("Ctrl+L"))
    action.triggered.connect(lock.lock)
    file_menu = getattr(window, "file_menu", None)
    if file_menu is not None:
        first = file_menu.actions()[0] if file_menu.actions() else None
        file_menu.insertAction(first, action)
    window.addAction(action)

"""app.sign_in / bootstrap: autologin for demos, first start, the sign-in window, cancel."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from console import app
from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.core.errors import ConsoleError
from console.services.core.reference_data import ensure_reference_data
from console.services.staff import passwords
from console.settings import Settings, load_settings
from console.views.common.tasks import TaskRunner
from console.views.main_window import MainWindow
from console.views.staff.sign_in import FirstStartDialog, SignInDialog
from tests.support.factories import make_login

PASSWORD = "Пароль-2026!"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=256))


@pytest.fixture
def desk(sqlite_db: Database, qtbot) -> Database:  # type: ignore[no-untyped-def]
    with sqlite_db.transaction() as session:
        ensure_reference_data(session)
    QSettings().remove("sign_in")
    return sqlite_db


@pytest.fixture
def tasks() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def when_shown(kind: type[QWidget], act: Callable[[QWidget], None]) -> None:
    """Act on the modal window of ``kind`` once ``exec()`` has shown it."""

    def poll() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, kind) and modal.isVisible():
            act(modal)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def _settings(db: Database, **extra: str) -> Settings:
    return load_settings(str(db.engine.url), workstation="desk-5", **extra)


def test_autologin_signs_in_without_a_window(desk: Database, tasks: TaskRunner) -> None:
    signed = app.sign_in(_settings(desk, autologin="admin", office_code="TMN-1"), tasks, desk)
    assert signed is not None and signed.actor.is_admin and signed.actor.office_name


def test_autologin_is_refused_on_a_server(tasks: TaskRunner) -> None:
    settings = Settings(database_url="postgresql://x@127.0.0.1:1/console", autologin="admin")
    with pytest.raises(ConsoleError, match="только со встроенной базой"):
        app.sign_in(settings, tasks, None)


def test_fresh_desk_asks_the_administrator_for_a_password(
    desk: Database, tasks: TaskRunner
) -> None:
    def set_password(dialog: QWidget) -> None:
        assert isinstance(dialog, FirstStartDialog)
        dialog.password_edit.setText(PASSWORD)
        dialog.repeat_edit.setText(PASSWORD)
        dialog.submit()

    when_shown(FirstStartDialog, set_password)
    signed = app.sign_in(_settings(desk), tasks, desk)
    assert signed is not None and signed.actor.login == "admin"

    def sign_in_as_admin(dialog: QWidget) -> None:  # the next start asks for it
        assert isinstance(dialog, SignInDialog)
        dialog.login_edit.setText("admin")
        dialog.password_edit.setText(PASSWORD)
        dialog.submit()

    when_shown(SignInDialog, sign_in_as_admin)
    again = app.sign_in(_settings(desk), tasks, desk)
    assert again is not None and again.actor.staff_id == signed.actor.staff_id


def test_cancelling_the_sign_in_window_returns_none(desk: Database, tasks: TaskRunner) -> None:
    make_login(desk, "ivanova.a", StaffRole.CLERK, PASSWORD)
    when_shown(SignInDialog, lambda dialog: dialog.close())
    assert app.sign_in(_settings(desk), tasks, desk) is None


@pytest.mark.skipif(
    importlib.util.find_spec("console.services.demo.api") is None,
    reason="the demo data generator (demo branch) is not merged yet",
)
def test_console_without_arguments_opens_the_main_window(
    tmp_path,
    monkeypatch: pytest.MonkeyPatch,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr(app, "EMBEDDED_DEMO_ACCOUNTS", 20)
    settings = load_settings(f"sqlite:///{tmp_path / 'desk.sqlite3'}", autologin="admin")
    seen: list[str] = []

    def close_main() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                seen.append(widget.windowTitle())
                widget.close()
                return
        QTimer.singleShot(50, close_main)

    QTimer.singleShot(0, close_main)
    assert app.bootstrap(settings) == 0
    assert seen and "операторский пульт" in seen[0]

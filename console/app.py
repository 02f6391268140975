"""bootstrap(): settings → database → services → main window. The only wiring place."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Sequence

from console.services import schema
from console.services.credentials import open_database
from console.services.database import Database
from console.services.staff import resolve_actor
from console.settings import Settings, data_dir

log = logging.getLogger(__name__)

EMBEDDED_DEMO_ACCOUNTS = 2000


def prepare_embedded(db: Database) -> None:
    """First start on the single-desk database: create, migrate and fill a small demo data set."""
    from console.services import demo_data

    schema.upgrade(db)
    if not demo_data.has_accounts(db):
        demo_data.generate(db, accounts=EMBEDDED_DEMO_ACCOUNTS, seed=1)


def configure_logging() -> None:
    folder = data_dir() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=folder / "console.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def _headless_fallback() -> None:
    """On a Linux box without a display, run offscreen instead of aborting inside Qt."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        print(
            "console: графический дисплей не найден — окно открыто без экрана (offscreen). "
            "Запустите пульт на рабочем столе или под Xvfb, чтобы его увидеть.",
            file=sys.stderr,
        )


def bootstrap(settings: Settings, argv: Sequence[str] | None = None) -> int:
    """Start the GUI and run it until the window closes; returns the exit code."""
    started = time.perf_counter()
    configure_logging()
    _headless_fallback()
    from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox

    from console.views.context import ViewContext
    from console.views.main_window import MainWindow
    from console.views.tasks import TaskRunner

    app = QApplication.instance() or QApplication(list(argv or sys.argv))
    app.setOrganizationName("console")
    app.setApplicationName("service-console")

    def ask_password(login: str) -> str | None:
        value, ok = QInputDialog.getText(
            None, "Пароль базы данных", f"Пароль для {login}:", QLineEdit.EchoMode.Password
        )
        return value if ok else None

    try:
        db = open_database(
            settings.database_url,
            pool_size=settings.db_pool_size,
            connect_timeout=settings.db_connect_timeout_s,
            ask_password=ask_password,
        )
        if settings.is_embedded:
            prepare_embedded(db)
        elif not schema.is_current(db):
            raise RuntimeError("Схема базы данных устарела: выполните «console db upgrade».")
        actor = resolve_actor(db, "", settings.office_code, settings.workstation)
    except Exception as err:  # noqa: BLE001 - shown to the person, logged in full
        log.exception("start-up failed")
        QMessageBox.critical(None, "Операторский пульт", str(err))
        return 2
    tasks = TaskRunner()
    window = MainWindow(ViewContext(db=db, settings=settings, actor=actor, tasks=tasks))
    window.show()
    log.info("main window shown in %.3f s", time.perf_counter() - started)
    code = app.exec()
    tasks.shutdown()
    db.dispose()
    return int(code)

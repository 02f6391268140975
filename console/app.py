"""bootstrap(): settings → database → services → main window. The only wiring place."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from console import __version__
from console.logs import configure_logging
from console.services.core import schema
from console.services.core.database import Database
from console.services.core.errors import ConsoleError
from console.services.staff import auth
from console.services.staff.credentials import open_database
from console.settings import Settings

if TYPE_CHECKING:
    from console.views.common.tasks import TaskRunner

log = logging.getLogger(__name__)

EMBEDDED_DEMO_ACCOUNTS = 2000


def prepare_embedded(db: Database) -> None:
    """First start on the single-desk database: create, migrate and fill a small demo data set.
    A warm start only looks: neither Alembic nor the generator is imported then."""
    from console.services.demo.presence import has_accounts

    schema.upgrade_if_needed(db)
    if not has_accounts(db):
        from console.services.demo import api

        api.generate(db, accounts=EMBEDDED_DEMO_ACCOUNTS, seed=1)


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


def sign_in(settings: Settings, tasks: TaskRunner, db: Database | None) -> auth.SignedIn | None:
    """Who is at the keyboard: CONSOLE_AUTOLOGIN (embedded only), first start, or the sign-in
    window. ``db`` is the open embedded database (None on PostgreSQL: signing in opens it).
    Returns None when the person cancels."""
    from PySide6.QtWidgets import QDialog

    from console.views.staff.sign_in import FirstStartDialog, SignInDialog

    if settings.autologin:
        if db is None:
            raise ConsoleError(
                "Автоматический вход (CONSOLE_AUTOLOGIN) возможен только со встроенной базой."
            )
        log.warning("automatic sign-in as %s (tests and demonstrations only)", settings.autologin)
        actor = auth.actor_for_login(
            db, settings.autologin, office_code=settings.office_code,
            workstation=settings.workstation,
        )  # fmt: skip
        return auth.SignedIn(db, actor)
    gate = auth.Gate(settings, db)
    if db is not None and auth.needs_first_password(db):
        first = FirstStartDialog(gate, tasks)
        if first.exec() != QDialog.DialogCode.Accepted or first.actor is None:
            return None
        return auth.SignedIn(db, first.actor)
    dialog = SignInDialog(gate, tasks)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.signed_in is None:
        return None
    signed = dialog.signed_in
    if db is None and not schema.is_current(signed.db):
        signed.db.dispose()
        raise ConsoleError("Схема базы данных устарела: выполните «console db upgrade».")
    return signed


def bootstrap(settings: Settings, argv: Sequence[str] | None = None) -> int:
    """Start the GUI and run it until the window closes; returns the exit code."""
    started = time.perf_counter()
    configure_logging()  # done already when started by console.cli.main: the same log
    log.info(
        "console %s starting on the %s database",
        __version__,
        "embedded" if settings.is_embedded else "PostgreSQL",
    )
    _headless_fallback()
    from PySide6.QtWidgets import QApplication, QMessageBox

    from console.views.common.context import ViewContext
    from console.views.common.tasks import TaskRunner
    from console.views.common.translations import install_russian
    from console.views.main_window import MainWindow

    app = QApplication.instance() or QApplication(list(argv or sys.argv))
    app.setOrganizationName("console")
    app.setApplicationName("service-console")
    install_russian(app)
    tasks = TaskRunner()
    embedded: Database | None = None
    try:
        if settings.is_embedded:
            embedded = open_database(settings.database_url)
            prepare_embedded(embedded)
        signed = sign_in(settings, tasks, embedded)
    except Exception as err:  # noqa: BLE001 - shown to the person, logged in full
        log.exception("start-up failed")
        QMessageBox.critical(None, "Операторский пульт", str(err))
        tasks.shutdown()
        if embedded is not None:
            embedded.dispose()
        return 2
    if signed is None:  # the sign-in window was cancelled
        log.info("sign-in cancelled; exiting")
        tasks.shutdown()
        if embedded is not None:
            embedded.dispose()
        return 0
    window = MainWindow(
        ViewContext(db=signed.db, settings=settings, actor=signed.actor, tasks=tasks)
    )
    window.show()
    log.info("main window shown in %.3f s", time.perf_counter() - started)
    code = app.exec()
    log.info("main window closed (exit code %s)", code)
    tasks.shutdown()
    signed.db.dispose()
    return int(code)

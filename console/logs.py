"""The log: ``logs/console.log`` in the data folder, rotated, for the window and the sub-commands.

:func:`configure_logging` is the one place that sets logging up; ``console.cli.main`` calls it
before anything else (the window and every sub-command), ``console.app.bootstrap`` calls it again
for callers that start the window directly (a no-op once done). Modules log through their own
``logging.getLogger(__name__)``.

What goes into the log: sign-in outcomes (the login, never a password), database connections
lost and regained, the billing run, imports, demo loading, printing, and errors the windows'
task runner catches. What never does: passwords, passport data, names, phone numbers, addresses
(a log file is read by whoever fixes the desk; it is not the audited trail). Account numbers,
staff logins and counts are fine. SQLAlchemy is told to keep statement parameters out of its
error texts (``hide_parameters``), so a traceback cannot carry a customer's data either.
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from console.settings import data_dir

LOG_NAME = "console.log"
MAX_BYTES = 5 * 1024 * 1024  # 5 MB a file…
BACKUP_COUNT = 5  # …and five older ones: console.log.1 … console.log.5
#: Third-party loggers whose INFO lines say nothing a desk's log needs.
QUIET = ("alembic.runtime.plugins",)
FORMAT = "%(asctime)s %(levelname)s %(process)d %(threadName)s %(name)s: %(message)s"


class ConsoleLogHandler(RotatingFileHandler):
    """The console's own handler on the root logger (found again by its class)."""


def log_folder() -> Path:
    return data_dir() / "logs"


def configure_logging(
    folder: Path | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    backup_count: int = BACKUP_COUNT,
    level: int = logging.INFO,
) -> Path | None:
    """Send the root logger to ``folder/console.log`` (default: the data folder's ``logs``),
    rotated at ``max_bytes`` with ``backup_count`` older files, in UTF-8. Calling it again with
    the same file changes nothing; with another file it moves the log there. Returns the log's
    path, or None when the folder cannot be written (then warnings go to stderr)."""
    path = (folder or log_folder()) / LOG_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, ConsoleLogHandler):
            if Path(handler.baseFilename) == path.resolve() and handler.maxBytes == max_bytes:
                root.setLevel(level)
                return path
            root.removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = ConsoleLogHandler(
            path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8", delay=True
        )
    except OSError as err:
        print(f"console: журнал не ведётся ({path}: {err})", file=sys.stderr)
        logging.basicConfig(level=logging.WARNING)
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return path

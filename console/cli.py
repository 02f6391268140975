"""``console``: the GUI with no sub-command, or one of the sub-commands in console.commands."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import traceback
from collections.abc import Sequence

from console import __version__, argparse_ru
from console.commands import COMMAND_MODULES
from console.logs import configure_logging
from console.services.core.errors import ConsoleError

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: ошибка: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    argparse_ru.install()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database",
        metavar="URL",
        # SUPPRESS: a sub-command's default must not wipe `console --database URL db upgrade`.
        default=argparse.SUPPRESS,
        help="адрес базы данных (по умолчанию — встроенная SQLite); пароль в адресе не допускается",
    )
    parser = _Parser(
        prog="console",
        description="Операторский пульт клиентского зала энергосбытовой компании.",
        parents=[common],
    )
    parser.add_argument(
        "--version", action="version", version=f"console {__version__}",
        help="показать версию программы и выйти",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="command", metavar="КОМАНДА", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"console.commands.{name}").register(sub, common)
    return parser


def _window_only(argv: Sequence[str]) -> argparse.Namespace | None:
    """``console`` or ``console --database URL``: the window, parsed without importing the
    sub-commands and the services behind them (start-up time). None for anything else."""
    quick = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    quick.add_argument("--database", default=argparse.SUPPRESS)
    try:
        args, rest = quick.parse_known_args(argv)
    except argparse.ArgumentError:  # "--database" without a value: the full parser says so
        return None
    return None if rest else args


def main(argv: Sequence[str] | None = None) -> int:
    configure_logging()  # the window and every sub-command: one log (console/logs.py)
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = _window_only(arguments) or build_parser().parse_args(arguments)
    handler = getattr(args, "handler", None)
    if handler is not None:
        log.info("console %s %s", __version__, args.command)
    try:
        if handler is None:
            from console.app import bootstrap
            from console.settings import load_settings

            return bootstrap(load_settings(getattr(args, "database", None)))
        return int(handler(args))
    except ConsoleError as err:
        log.warning("console %s refused: %s", getattr(args, "command", None) or "window",
                    type(err).__name__)  # fmt: skip
        print(f"console: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("console: прервано.", file=sys.stderr)
        return 130
    except Exception as err:
        command = getattr(args, "command", None) or "window"
        if handler is None:
            log.exception("console %s failed", command)
            raise
        print(f"console: {_unexpected(command, err)}", file=sys.stderr)
        return 1


def _unexpected(command: str, err: Exception) -> str:
    """A sub-command's unforeseen failure: one Russian line, and the log gets where it happened
    — the frames and the exception's type, never its text (it may quote a statement's values,
    a payer or a passport)."""
    from sqlalchemy import exc

    from console.services.core.database import permission_denied, storage_failure

    frames = "".join(traceback.format_tb(err.__traceback__))
    log.error("console %s failed: %s\n%s", command, type(err).__name__, frames.rstrip())
    if isinstance(err, exc.DBAPIError):
        known = permission_denied(err) or storage_failure(err)
        if known is not None:
            return str(known)
        return (
            "база данных отказала в операции. Подробности (без персональных данных) — "
            "в журнале программы; повторите или обратитесь к администратору."
        )
    if isinstance(err, OSError):
        return f"ошибка ввода-вывода ({err.strerror or type(err).__name__})."
    return (
        f"внутренняя ошибка программы ({type(err).__name__}): команда не выполнена. "
        "Подробности — в журнале программы."
    )

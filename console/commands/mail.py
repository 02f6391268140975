"""``console mail set-password`` (the SMTP password into the OS keyring) and
``console documents email --period ГГГГ-ММ`` (the month's payment documents by e-mail)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from console.commands.common import connect, settings_from
from console.commands.print_document import _period
from console.commands.staff import read_password
from console.services.core.errors import ValidationError
from console.services.core.formatting import month_year
from console.services.documents import emailing
from console.services.mail.transport import SmtpConfig, remember_password
from console.services.staff.auth import command_line_actor


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    mail = sub.add_parser("mail", help="почтовый сервер для отправки платёжных документов")
    mail_sub = mail.add_subparsers(dest="mail_command", required=True, metavar="КОМАНДА")
    pwd = mail_sub.add_parser(
        "set-password", parents=[common],
        help="сохранить пароль почтового сервера (smtp_login) в хранилище паролей системы",
    )  # fmt: skip
    pwd.add_argument(
        "--password-stdin", action="store_true", help="прочитать пароль из стандартного ввода"
    )
    pwd.set_defaults(handler=run_set_password)

    documents = sub.add_parser("documents", help="платёжные документы: рассылка по e-mail")
    documents_sub = documents.add_subparsers(
        dest="documents_command", required=True, metavar="КОМАНДА"
    )
    email = documents_sub.add_parser(
        "email", parents=[common],
        help="отправить платёжные документы месяца счетам с доставкой по e-mail (повтор не "
        "отправляет дважды)",
    )  # fmt: skip
    email.add_argument(
        "--period", metavar="ГГГГ-ММ", help="расчётный месяц (по умолчанию — последний закрытый)"
    )
    email.set_defaults(handler=run_email)


def run_set_password(args: argparse.Namespace) -> int:
    config = SmtpConfig.from_settings(settings_from(args))
    if not config.login:
        raise ValidationError("В settings.toml не указан smtp_login: пароль не нужен.")
    password = read_password(args.password_stdin)
    if not password:
        raise ValidationError("Пароль пустой.", "password")
    remember_password(config, password)
    print(f"Пароль {config.login}@{config.host} сохранён в хранилище паролей системы.")
    return 0


def run_email(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    config = SmtpConfig.from_settings(settings)
    database = connect(settings)
    show = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show:
            print(f"\r{done} из {total}", end="", file=sys.stderr, flush=True)

    try:
        actor = command_line_actor(database, settings.workstation, settings.office_code)
        result = emailing.email_month(
            database, actor, config, _period(args.period), progress=progress,
            retry_after=dt.timedelta(minutes=settings.smtp_retry_minutes),
        )  # fmt: skip
    finally:
        database.dispose()
    if show:
        print(file=sys.stderr)
    print(
        f"Рассылка за {month_year(result.period)}: счетов с доставкой по e-mail "
        f"{result.accounts}; отправлено {result.sent}, ошибка (будет повтор) {result.failed}, "
        f"адрес не принят {result.bounced}, отправлено ранее {result.already_sent}, "
        f"ждут повтора {result.waiting}."
        + (
            f" Не удалось выпустить документ: {result.not_queued} (подробности в журнале)."
            if result.not_queued
            else ""
        )
    )
    return 1 if result.failed or result.bounced or result.not_queued else 0

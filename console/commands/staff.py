"""``console staff add|disable|password|list``: staff accounts (on PostgreSQL, login roles)."""

from __future__ import annotations

import argparse
import getpass
import sys

from console.commands.common import connect, print_json, settings_from
from console.models.enums import StaffRole
from console.services.core import schema
from console.services.core.database import Database
from console.services.core.errors import ValidationError
from console.services.core.reference_data import ensure_reference_data
from console.services.staff import auth
from console.services.staff import members as staff
from console.services.vocabulary.labels import label
from console.settings import Settings


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("staff", help="сотрудники: добавить, отключить, сменить пароль")
    staff_sub = p.add_subparsers(dest="staff_command", required=True, metavar="КОМАНДА")

    add = staff_sub.add_parser("add", parents=[common], help="добавить сотрудника")
    add.add_argument("login", metavar="ЛОГИН", help="например, ivanova.a")
    add.add_argument("--role", required=True, choices=sorted(StaffRole), help="роль")
    add.add_argument("--office", metavar="КОД", default="", help="код офиса, например TMN-1")
    add.add_argument("--name", metavar="ФИО", default="", help="фамилия, имя, отчество")
    add.add_argument(
        "--password-stdin", action="store_true", help="прочитать пароль из стандартного ввода"
    )
    add.set_defaults(handler=run_add)

    off = staff_sub.add_parser("disable", parents=[common], help="отключить вход сотрудника")
    off.add_argument("login", metavar="ЛОГИН")
    off.set_defaults(handler=run_disable)

    pwd = staff_sub.add_parser("password", parents=[common], help="задать пароль сотрудника")
    pwd.add_argument("login", metavar="ЛОГИН")
    pwd.add_argument(
        "--password-stdin", action="store_true", help="прочитать пароль из стандартного ввода"
    )
    pwd.set_defaults(handler=run_password)

    ls = staff_sub.add_parser("list", parents=[common], help="список сотрудников (JSON)")
    ls.set_defaults(handler=run_list)


def read_password(from_stdin: bool) -> str:
    """The new password: one line of standard input, or typed twice on a terminal."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ValidationError("Пароль не введён: укажите --password-stdin и подайте его на вход.")
    first = getpass.getpass("Новый пароль: ")
    if getpass.getpass("Повторите пароль: ") != first:
        raise ValidationError("Пароли не совпадают.", "password")
    return first


def _open(settings: Settings) -> Database:
    database = connect(settings)
    if settings.is_embedded:
        # A desk set up from the command line before the console ever started.
        schema.upgrade(database)
        with database.transaction() as session:
            ensure_reference_data(session)
    return database


def run_add(args: argparse.Namespace) -> int:
    password = read_password(args.password_stdin)
    settings = settings_from(args)
    database = _open(settings)
    try:
        actor = auth.command_line_actor(database, settings.workstation)
        member = staff.add_staff(
            database, actor, args.login, args.role, args.office, password, args.name
        )
    finally:
        database.dispose()
    office = f", офис {member.office_code}" if member.office_code else ""
    print(f"Сотрудник {member.login} добавлен: {label(member.role).lower()}{office}.")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    database = _open(settings)
    try:
        actor = auth.command_line_actor(database, settings.workstation)
        member = staff.disable_staff(database, actor, args.login)
    finally:
        database.dispose()
    print(f"Вход сотрудника {member.login} отключён.")
    return 0


def run_password(args: argparse.Namespace) -> int:
    password = read_password(args.password_stdin)
    settings = settings_from(args)
    database = _open(settings)
    try:
        actor = auth.command_line_actor(database, settings.workstation)
        staff.set_password(database, actor, args.login, password)
    finally:
        database.dispose()
    print(f"Пароль сотрудника {args.login.strip().lower()} изменён.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    database = _open(settings_from(args))
    try:
        members = staff.list_staff(database)
    finally:
        database.dispose()
    print_json(
        [
            {
                "login": m.login,
                "full_name": m.full_name,
                "role": m.role.value,
                "office": m.office_code,
                "active": m.is_active,
                "has_password": m.has_password,
            }
            for m in members
        ]
    )
    return 0

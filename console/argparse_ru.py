"""argparse in Russian: the usage line, section titles and every error a person can cause.

argparse looks its texts up through ``gettext`` at the moment it needs them, under the names
``_`` and ``ngettext`` of its own module; pointing those at this table makes ``console --help``
and ``console search`` (no query) speak Russian without touching argparse's logic. Texts not in
the table (programming errors in a parser's definition) stay as they are.
"""

from __future__ import annotations

import argparse

RUSSIAN: dict[str, str] = {
    "usage: ": "использование: ",
    "positional arguments": "аргументы",
    "options": "параметры",
    "show this help message and exit": "показать эту справку и выйти",
    "show program's version number and exit": "показать версию программы и выйти",
    "%(prog)s: error: %(message)s\n": "%(prog)s: ошибка: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "аргумент %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "не указаны обязательные аргументы: %s",
    "unrecognized arguments: %s": "непонятные аргументы: %s",
    "expected one argument": "нужно одно значение",
    "expected at most one argument": "нужно не больше одного значения",
    "expected at least one argument": "нужно хотя бы одно значение",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "недопустимое значение: %(value)r (выберите из %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "недопустимое значение (%(type)s): %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": (
        "неоднозначный параметр: %(option)s может быть %(matches)s"
    ),
    "not allowed with argument %s": "нельзя вместе с аргументом %s",
    "one of the arguments %s is required": "нужен один из аргументов %s",
    "ignored explicit argument %r": "лишнее значение %r",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "неизвестная команда %(parser_name)r (есть: %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": "не удаётся открыть «%(filename)s»: %(error)s",
}

_PLURAL: dict[str, tuple[str, str, str]] = {
    # (one, few, many): 1 значение, 2 значения, 5 значений
    "expected %s argument": ("нужно %s значение", "нужно %s значения", "нужно %s значений"),
}


def gettext(text: str) -> str:
    return RUSSIAN.get(text, text)


def ngettext(singular: str, plural: str, n: int) -> str:
    forms = _PLURAL.get(singular)
    if forms is None:
        return singular if n == 1 else plural
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def install() -> None:
    """Make every argparse parser of this process speak Russian."""
    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]

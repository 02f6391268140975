"""Reading a text file a bank or an inspector sent: per-line encoding, binary and junk checks.

A file saved by hand is often mixed: lines pasted from a UTF-8 source into a windows-1251 file
(or the other way round). Each line is decoded on its own — UTF-8 first, else windows-1251 — so
one bad line never garbles the others. Messages about a line never repeat the line's content
beyond a short, truncated piece: the lines carry payers' names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from console.services.core.errors import ConsoleError

MAX_BYTES = 50 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
#: C0 controls except tab, DEL, C1 controls; U+FFFD (an undecodable byte); the BOM mid-file.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd\ufeff]")
_BINARY_SAMPLE = 64 * 1024


@dataclass(frozen=True)
class TextLines:
    """The decoded lines (without line ends) and the encoding to report."""

    lines: tuple[str, ...]
    encoding: str


def check_size(size: int, name: str) -> None:
    """Refuse a file too big to be an import (a wrong file chosen, as a rule)."""
    if size > MAX_BYTES:
        raise ConsoleError(f"Файл {name} больше 50 МБ: разделите его на части.")


def looks_binary(raw: bytes) -> bool:
    """A NUL in the first bytes, or many control bytes: not a text file (a picture, an archive)."""
    sample = raw[:_BINARY_SAMPLE]
    if not sample:
        return False
    controls = sum(1 for b in sample if b < 0x20 and b not in (0x09, 0x0A, 0x0D))
    return b"\x00" in sample[:1024] or controls * 20 > len(sample)


def decode_lines(raw: bytes, name: str) -> TextLines:
    """Split into lines and decode each (UTF-8, else windows-1251); refuse a binary file."""
    if looks_binary(raw):
        raise ConsoleError(
            f"Файл {name} не похож на текстовый (двоичные данные): выберите файл CSV "
            "или текстовый реестр. Ничего не загружено."
        )
    raw = raw.removeprefix(_BOM)
    lines: list[str] = []
    utf8 = cp1251 = 0
    for chunk in raw.splitlines():
        try:
            line = chunk.decode("utf-8")
            utf8 += not chunk.isascii()
        except UnicodeDecodeError:
            line = chunk.decode("cp1251", errors="replace")
            cp1251 += 1
        lines.append(line)
    if utf8 and cp1251:
        encoding = "utf-8 и windows-1251 по строкам"
    else:
        encoding = "windows-1251" if cp1251 else "utf-8"
    return TextLines(tuple(lines), encoding)


def has_control(text: str) -> bool:
    """Control characters, a NUL or an undecodable byte: the line cannot be stored as it is."""
    return _CONTROL.search(text) is not None


#: A Russian word in a field: perhaps a name or a street slipped into the wrong column.
_WORD = re.compile(r"[А-Яа-яЁё]{3,}")


def shown(text: str, limit: int = 30) -> str:
    """A piece of a field for a message: at most ``limit`` characters, controls replaced, and
    Russian words (a payer's name in the date's column…) replaced by «***»: a message or a log
    line never carries personal data, whatever the file put where."""
    cleaned = _WORD.sub("***", _CONTROL.sub("?", text))
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"

"""The UI is Russian by design: no tr()/translate() without a catalogue behind it (#19e).

scripts/untr.py removed them; run it again when a merge brings new ones. Qt's own words still
come from Qt's catalogue qtbase_ru (views/common/translations.py, tests/app/test_russian.py).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _untr() -> ModuleType:
    spec = importlib.util.spec_from_file_location("untr", ROOT / "scripts" / "untr.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_tr_call_is_left_in_the_console() -> None:
    untr = _untr()
    left = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "console").rglob("*.py"))
        for line in untr.remaining(path)
    ]
    assert not left, "tr() with no catalogue — run scripts/untr.py: " + ", ".join(left)


def test_the_script_rewrites_every_shape_of_pretend_translation() -> None:
    source = """from PySide6.QtCore import QCoreApplication
from console.views.appeals.model import Column, tr

__all__ = ["Column", "tr"]


def tr(text: str) -> str:
    return QCoreApplication.translate("Ctx", text)


class View:
    def build(self, n):
        alias = self.tr
        a = self.tr("Показано: {0}").format(n)
        b = self.tr(
            "Длинная "
            "фраза"
        ).upper()
        c = tr("Номер") + alias("Срок") + window.tr(title)
        d = QCoreApplication.translate("X", "Офис")
        e = self.tr("Вложенный: {0}").format(self.tr("текст"))
        f = self.tr("x", "disambiguation")
"""
    text, odd = _untr().rewrite(source)
    assert 'a = "Показано: {0}".format(n)' in text
    assert 'b = ("Длинная "\n            "фраза").upper()' in text  # ruff format tidies it
    assert 'c = "Номер" + "Срок" + title' in text
    assert 'd = "Офис"' in text
    assert 'e = "Вложенный: {0}".format("текст")' in text
    assert "def tr" not in text and "alias = " not in text and '"tr"' not in text
    assert "import Column\n" in text
    # A call with a disambiguation is left, and reported by its line in the rewritten text.
    assert [text.splitlines()[line - 1].strip() for line in odd] == [
        'f = self.tr("x", "disambiguation")'
    ]

"""Qt's own dialogs and argparse speak Russian, as the rest of the console does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from console.views.common.translations import install_russian

ROOT = Path(__file__).resolve().parents[2]


def test_message_box_buttons_and_the_text_fields_menu_are_russian(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert app is not None
    assert install_russian(app)
    box = QMessageBox(QMessageBox.Icon.Question, "Пульт", "Сохранить?")
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = {box.button(b).text().replace("&", "") for b in (
        QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Cancel)}  # fmt: skip
    assert texts == {"Да", "Отмена"}
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.StandardButton.Close).text().replace("&", "") == (
        "Закрыть"
    )
    edit = QLineEdit()
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    words = {a.text().split("\t")[0].replace("&", "") for a in menu.actions() if a.text()}
    assert {"Копировать", "Вставить", "Выделить всё"} <= words
    assert QCoreApplication.translate("QFileDialog", "Open") == "Открыть"


def _console(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_command_line_help_and_errors_are_russian() -> None:
    helped = _console("search", "--help")
    assert helped.returncode == 0
    assert "использование: console search" in helped.stdout
    assert "показать эту справку и выйти" in helped.stdout and "show this help" not in helped.stdout
    missing = _console("search")
    assert missing.returncode == 2
    assert "ошибка: не указаны обязательные аргументы: ЗАПРОС" in missing.stderr
    wrong = _console("no-such-command")
    assert "недопустимое значение: 'no-such-command'" in wrong.stderr
    assert "invalid choice" not in wrong.stderr

"""The demo-data summary line and the terminal progress bar."""

from __future__ import annotations

import io

import pytest

from console.services.demo.api import DemoSummary, TerminalProgress


@pytest.mark.parametrize(
    ("accounts", "words"),
    [(1, "1 лицевой счёт"), (3, "3 лицевых счёта"), (11, "11 лицевых счетов"),
     (21, "21 лицевой счёт"), (2000, "2\u00a0000 лицевых счетов")],
)  # fmt: skip
def test_summary_is_one_russian_line(accounts: int, words: str) -> None:
    summary = DemoSummary(accounts, 7, 3.25, {"accounts": accounts, "ledger_entries": 1001})
    line = summary.describe()
    assert words in line and "\n" not in line
    assert "строк" in line and "3,2 с" in line and "зерно 7" in line


def test_terminal_progress_draws_a_bar() -> None:
    out = io.StringIO()
    progress = TerminalProgress(out, width=10, interval=0)
    progress.start(200, "Демоданные")
    progress.advance(50)
    progress.advance(50)
    progress.finish()
    text = out.getvalue()
    assert "Демоданные [█████░░░░░]  50 %" in text
    assert "100\u00a0из\u00a0200" in text or "100 из 200" in text
    assert text.endswith("\n")

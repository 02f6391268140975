"""The house rules as checks that fail the build: layers (import-linter), ruff, mypy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> list[str]:
    local = Path(sys.executable).parent / name
    if local.exists():
        return [str(local)]
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return [found]


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_layers_views_services_models() -> None:
    result = _run(_tool("lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lint_and_format() -> None:
    lint = _run([*_tool("ruff"), "check", "console", "tests", "benchmarks"])
    assert lint.returncode == 0, lint.stdout
    fmt = _run([*_tool("ruff"), "format", "--check", "console", "tests", "benchmarks"])
    assert fmt.returncode == 0, fmt.stdout


def test_mypy_strict_everywhere() -> None:
    result = _run(_tool("mypy"))
    assert result.returncode == 0, result.stdout

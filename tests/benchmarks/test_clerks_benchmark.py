"""The clerks benchmark cannot hide a failure: a dead clerk thread is an error and fails the run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from console.services.core.database import Database, create_db_engine
from console.services.core.schema import upgrade
from console.services.demo.runner import generate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('clerks') / 'demo.sqlite3'}"
    db = Database(create_db_engine(url))
    upgrade(db)
    generate(db, accounts=60, seed=3)
    db.dispose()
    return url


def _run(url: str, *extra: str) -> tuple[int, dict[str, object], str]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.clerks", "--database", url, "--clerks", "3",
         "--seconds", "3", "--think", "0.2", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    last = done.stdout.strip().splitlines()[-1]
    return done.returncode, json.loads(last), done.stderr


def test_a_clean_run_exits_zero_with_no_errors(demo_url: str) -> None:
    code, figures, stderr = _run(demo_url)
    assert (code, figures["errors"], figures["lost"], figures["duplicates"]) == (0, 0, 0, 0), stderr
    assert figures["operations"] > 0


def test_a_clerk_thread_that_dies_is_reported_and_fails_the_run(demo_url: str) -> None:
    code, figures, stderr = _run(demo_url, "--sabotage")
    assert code == 1
    assert figures["errors"] >= 1
    assert "dies on purpose" in stderr

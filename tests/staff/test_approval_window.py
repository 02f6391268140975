"""The supervisor's confirmation at a desk stands as long on SQLite as PostgreSQL's one-time token
does: one window, one home (it was 30 minutes at the desk, 15 in the database)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from console.services.staff.approvals import APPROVAL_VALID_FOR

VERSIONS = Path(__file__).parents[2] / "console/migrations/versions"


def test_the_desks_window_is_the_databases() -> None:
    """Every token check in the migrations (0005 readings, 0009 ceiling, 0010 cash day)."""
    found = {
        minutes
        for path in VERSIONS.glob("*.py")
        for minutes in re.findall(r"interval '(\d+) minutes'", path.read_text(encoding="utf-8"))
    }
    assert found == {str(int(APPROVAL_VALID_FOR / dt.timedelta(minutes=1)))}

"""Bundled resources (fonts, icons, templates), found the same way installed, editable or frozen."""

from __future__ import annotations

from contextlib import ExitStack
from importlib import resources
from pathlib import Path

_keep_open = ExitStack()


def resource_path(*parts: str) -> Path:
    """A real filesystem path of a bundled resource: ``resource_path("fonts", "X.ttf")``."""
    ref = resources.files(__name__).joinpath(*parts)
    # as_file() extracts from a zip only when needed; keep it alive for the process.
    return Path(_keep_open.enter_context(resources.as_file(ref)))


def read_bytes(*parts: str) -> bytes:
    """Return the bytes of a bundled resource."""
    return resources.files(__name__).joinpath(*parts).read_bytes()

"""Bundled resources (fonts, icons, templates), found the same way installed, editable or frozen.

The files live in the repository's top-level ``resources/`` folder. Builds copy them into this
package: the wheel (``setup.py``'s build step) and the PyInstaller bundle (``build.spec``'s
datas) both ship them as ``console/resources/…``, where ``importlib.resources`` finds them. A
source checkout or an editable install has them only at the top, next to the package.
"""

from __future__ import annotations

from contextlib import ExitStack
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

_keep_open = ExitStack()
# A checkout (source tree, `pip install -e .`): the files are in <repo>/resources.
_CHECKOUT = Path(__file__).resolve().parents[2] / "resources"


def root() -> Traversable:
    """The folder holding ``fonts/``, ``icons/`` …: inside the package when built, else the
    checkout's top-level ``resources/``."""
    packaged = resources.files(__name__)
    if packaged.joinpath("fonts").is_dir():
        return packaged
    return _CHECKOUT


def resource_path(*parts: str) -> Path:
    """A real filesystem path of a bundled resource: ``resource_path("fonts", "X.ttf")``."""
    ref = root().joinpath(*parts)
    # as_file() extracts from a zip only when needed; keep it alive for the process.
    return Path(_keep_open.enter_context(resources.as_file(ref)))


def read_bytes(*parts: str) -> bytes:
    """Return the bytes of a bundled resource."""
    return root().joinpath(*parts).read_bytes()

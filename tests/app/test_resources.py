"""The top-level resources/ folder: found from a checkout, shipped inside the wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from console import resources

ROOT = Path(__file__).resolve().parents[2]


def test_a_checkout_reads_the_top_level_folder() -> None:
    assert not (ROOT / "console" / "resources" / "fonts").exists()
    font = resources.resource_path("fonts", "DejaVuSans.ttf")
    assert font == ROOT / "resources" / "fonts" / "DejaVuSans.ttf"
    assert resources.read_bytes("icons", "console.png").startswith(b"\x89PNG")
    assert resources.root().joinpath("fonts", "LICENSE-DejaVu.txt").is_file()


@pytest.mark.slow
def test_the_wheel_carries_the_resources_inside_the_package(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("console", "resources"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("setup.py", "pyproject.toml", "README.md", "MANIFEST.in"):
        shutil.copy(ROOT / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "out"),
         str(source)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (tmp_path / "out").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for path in (ROOT / "resources").rglob("*"):
        if path.is_file():
            assert f"console/resources/{path.relative_to(ROOT / 'resources').as_posix()}" in names
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    probe = (
        "import console.resources as r; from console.services.documents import fonts;"
        "fonts.register_fonts(); print(r.__file__);"
        "print(r.resource_path('fonts', 'DejaVuSans.ttf'))"
    )
    run = subprocess.run(
        [sys.executable, "-P", "-c", probe], cwd=tmp_path, env={"PYTHONPATH": str(installed)},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    module, font = run.stdout.split()
    assert Path(module).is_relative_to(installed) and Path(font).is_relative_to(installed)

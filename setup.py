"""The build step pyproject.toml cannot state: ship the top-level resources/ inside the package.

Fonts (with their licence), icons and other bundled files live in ``resources/`` at the top of the
repository; the wheel carries them as ``console/resources/…`` so that ``console.resources`` finds
them with ``importlib.resources``. Editable installs need no copy: the helper reads the checkout's
``resources/`` (see console/resources/__init__.py). Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RESOURCES = Path(__file__).resolve().parent / "resources"
TARGET = ("console", "resources")


class BuildPyWithResources(build_py):
    """build_py that also copies resources/** into <build_lib>/console/resources/."""

    def _resource_files(self) -> list[tuple[Path, Path]]:
        target = Path(self.build_lib, *TARGET)
        return [
            (path, target / path.relative_to(RESOURCES))
            for path in sorted(RESOURCES.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts
        ]

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # the helper reads the checkout's resources/ directly
        for source, target in self._resource_files():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            outputs += [str(target) for _, target in self._resource_files()]
        return outputs


setup(cmdclass={"build_py": BuildPyWithResources})

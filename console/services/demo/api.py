"""Demo data (демонстрационные данные): the API the app and ``console demo-data`` call.

The generator lives in console.services.demo; this module keeps the stable entry points."""

from __future__ import annotations

from console.services.demo.presence import has_accounts
from console.services.demo.progress import Progress, TerminalProgress
from console.services.demo.runner import DemoSummary, generate

__all__ = ["DemoSummary", "Progress", "TerminalProgress", "generate", "has_accounts"]

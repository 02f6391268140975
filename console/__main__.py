"""``python -m console``: the same as the ``console`` command."""

from console.cli import main

raise SystemExit(main())

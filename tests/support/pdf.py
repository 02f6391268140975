"""Reading a PDF back as text the way a person reads it (pdftotext), spaces normalised."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(content)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(out.replace("\u00a0", " ").split())

"""A batch of payment documents for the printing tests and benchmark, and how to read a print.

:func:`batch_pdf` seeds a demo SQLite database (accounts on several streets, one and two tariff
zones, every fifth with a second payee for ВДГО, a closed month) and renders their documents
with the real batch renderer (services/documents/batch.py), one page per account.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import zxingcpp
from PIL import Image
from sqlalchemy import event

from console.models.enums import StaffRole
from console.services.core.database import Database, create_db_engine
from console.services.core.schema import upgrade
from console.services.documents import batch
from tests.support.factories import make_account, make_closed_month, make_staff
from tests.support.pdf_tools import page_image, zbar_read
from tests.support.pdf_tools import page_sizes as page_sizes

PERIOD = dt.date(2026, 9, 1)


def seed(path: Path, accounts: int) -> Database:
    """A demo database with ``accounts`` billed accounts for :data:`PERIOD`."""
    engine = create_db_engine(f"sqlite:///{path}")
    # A throwaway database: no fsync per commit.
    event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA synchronous=OFF"))
    db = Database(engine)
    upgrade(db)
    for i in range(accounts):
        account = make_account(
            db, street=f"Улица {i // 200 + 1}", house=str(i // 20 % 10 + 1), flat=str(i % 20 + 1),
            zones=1 + i % 2, last_taken_on=dt.date(2026, 8, 20),
        )  # fmt: skip
        make_closed_month(
            db, account, PERIOD, volume=Decimal(100 + i % 150), paid=Decimal(i % 7 * 100),
            opening=Decimal(i % 13 * 37), vdgo=i % 5 == 0,
        )  # fmt: skip
    return db


def batch_pdf(accounts: int) -> bytes:
    """One PDF with the payment documents of ``accounts`` accounts, one page each."""
    folder = Path(tempfile.mkdtemp(prefix="console-print-batch-"))
    try:
        db = seed(folder / "demo.sqlite3", accounts)
        try:
            boss = make_staff(db, "print-boss", StaffRole.SUPERVISOR)
            ids = batch.select_accounts(db, PERIOD, batch.BatchSelection())
            result = batch.render_batch(db, boss, PERIOD, ids)
        finally:
            db.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert result.pdf is not None and result.pages == accounts
    return result.pdf


@dataclass(frozen=True)
class PdfImage:
    """A row of ``pdfimages -list``."""

    page: int
    kind: str
    width: int
    height: int
    color: str
    bpc: int
    encoding: str


def pdf_images(pdf: bytes) -> list[PdfImage]:
    """Every image of the PDF as poppler lists it (``smask`` rows are soft masks)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(pdf)
        listing = subprocess.run(
            ["pdfimages", "-list", str(source)], capture_output=True, text=True, check=True
        ).stdout
    rows = []
    for line in listing.splitlines()[2:]:
        cells = line.split()
        rows.append(
            PdfImage(
                int(cells[0]), cells[2], int(cells[3]), int(cells[4]), cells[5], int(cells[7]),
                cells[8],
            )
        )  # fmt: skip
    return rows


Box = tuple[int, int, int, int]


def qr_boxes(image: Image.Image) -> list[tuple[str, Box]]:
    """Each QR code on the image with its bounding box in pixels (left, top, right, bottom)."""
    found = []
    for result in zxingcpp.read_barcodes(image):
        if result.format != zxingcpp.BarcodeFormat.QRCode:
            continue
        p = result.position
        xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
        ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
        found.append((result.text, (min(xs), min(ys), max(xs), max(ys))))
    # Top to bottom, then left to right: codes one under another (a column of payees) sort by
    # their rows, never by a pixel of difference in their left edges.
    return sorted(found, key=lambda item: (item[1][1], item[1][0]))


def page_pictures(pdf: bytes) -> list[PdfImage]:
    """Images in a PDF other than the payment documents' QR codes (small square 1-bit
    stencils): a PDF passed through as it is has none — no picture of a page."""
    return [
        i for i in pdf_images(pdf)
        if not (i.kind == "stencil" and i.width == i.height and i.width < 1000)
    ]  # fmt: skip


def page_qr_boxes(pdf: bytes, page: int, dpi: int = 150) -> list[tuple[str, Box]]:
    return qr_boxes(page_image(pdf, dpi=dpi, page=page))


def zbar_texts(pdf: bytes, page: int, dpi: int = 200) -> list[str]:
    """The QR texts ZBar (an independent decoder) reads on the page, sorted. At 200 dpi: ZBar
    misses some codes of the vector source at 150 and 300 dpi (smoothed module edges)."""
    return zbar_read(page_image(pdf, dpi=dpi, page=page))

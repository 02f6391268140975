"""The print path with 1 000 pages: bytes a page and seconds, on both ways a page can go.

    python benchmarks/print_path.py [--pages 1000]

Makes the pages with the real batch renderer from a demo SQLite database it seeds
(tests/support/print_batch.py), then prints them through ``views/printing/printer.py``:

- ``raster``: the lean raster (opaque 1-bit grayscale at 300 dpi) to Qt's own PDF printer,
  offscreen — what Qt hands a printer that does not take PDF;
- ``pdf``: the PDF itself to a CUPS queue that takes PDF, on a private cupsd with a PDF printer
  (tests/support/cups.py) — timed until CUPS has finished the job; left out, and said so,
  where CUPS is not installed.

Each output is checked (pages, A4, no soft mask / no page images, the QR codes of a few pages
in place and readable by ZBar); any failure exits non-zero. Goal (issue 18): ≤ 60 KB a page and
≤ 60 s. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtPrintSupport import QPrinter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from console.settings import Settings  # noqa: E402
from console.views.printing import cups  # noqa: E402
from console.views.printing import printer as printing  # noqa: E402
from tests.support import cups as private_cups  # noqa: E402
from tests.support.print_batch import (  # noqa: E402
    batch_pdf,
    page_pictures,
    page_qr_boxes,
    page_sizes,
    pdf_images,
    zbar_texts,
)

GOAL_PAGE_BYTES = 60_000
GOAL_SECONDS = 60.0
A4 = (595, 842)


def check_qr(source: bytes, printed: bytes, pages: list[int]) -> None:
    for page in pages:
        want, got = page_qr_boxes(source, page), page_qr_boxes(printed, page)
        assert want and [t for t, _ in got] == [t for t, _ in want], f"QR of page {page}"
        for (_, a), (_, b) in zip(want, got, strict=True):
            assert all(abs(x - y) <= 3 for x, y in zip(a, b, strict=True)), f"page {page} moved"
        assert zbar_texts(printed, page) == sorted(t for t, _ in want), f"ZBar, page {page}"


def raster(source: bytes, pages: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "printed.pdf"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        document, buffer = printing.load_pdf(source)
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            sent = printing.print_document(document, printer, source, file_copy=False)
        finally:
            document.close()
            buffer.close()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        printed = out.read_bytes()
    assert sent == pages, f"{sent} of {pages} pages sent"
    assert page_sizes(printed) == [A4] * pages
    images = pdf_images(printed)
    assert [i.page for i in images] == list(range(1, pages + 1)), "one image a page"
    assert all(i.kind == "image" for i in images), "a soft mask"
    assert all((i.color, i.bpc) == ("gray", 1) for i in images), "not 1-bit gray"
    check_qr(source, printed, sorted({1, pages // 2 + 1, pages}))
    largest = max(i for i in _page_bytes(printed))
    return {
        "s": round(seconds, 1),
        "cpu_s": round(cpu, 1),
        "ms_per_page": round(seconds * 1000 / pages, 1),
        "kb_per_page": round(len(printed) / pages / 1000, 1),
        "largest_page_image_kb": round(largest / 1000, 1),
        "mb": round(len(printed) / 1e6, 1),
        "dpi": printing.MAX_RASTER_DPI,
    }


def _page_bytes(pdf: bytes) -> list[int]:
    """The stored size of each page's image (pdfimages -list 'size' is rounded; read it)."""
    import io

    from pypdf import PdfReader

    sizes = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = page["/Resources"]
        for item in resources["/XObject"].values():
            obj = item.get_object()
            sizes.append(len(obj._data))  # noqa: SLF001 - the encoded stream as stored
    return sizes


def pass_through(source: bytes, pages: int) -> dict[str, Any]:
    missing = private_cups.missing()
    if missing:
        return {"skipped": missing}
    server = private_cups.start_cupsd()
    cups.use_server(str(server.socket))
    try:
        t0 = time.perf_counter()
        assert printing.print_pdf(None, source, Settings(printer_name="PDF"), "Пакет", choose=_no)
        submitted = time.perf_counter() - t0
        printed = server.printed_pdf("PDF", timeout=600)
        seconds = time.perf_counter() - t0
    finally:
        cups.use_server(None)
        server.stop()
    assert page_sizes(printed) == [A4] * pages
    assert page_pictures(printed) == [], "page images in a PDF pass-through"
    check_qr(source, printed, sorted({1, pages // 2 + 1, pages}))
    return {
        "s": round(seconds, 1),
        "submit_s": round(submitted, 2),
        "kb_per_page": round(len(printed) / pages / 1000, 1),
        "mb": round(len(printed) / 1e6, 1),
    }


def _no(*args: object) -> bool:
    raise AssertionError("the print dialog was shown although a printer is configured")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    t0 = time.perf_counter()
    source = batch_pdf(args.pages)
    figures: dict[str, Any] = {
        "load_average_1min": Path("/proc/loadavg").read_text().split()[0]
        if Path("/proc/loadavg").exists()
        else "",
        "pages": args.pages,
        "setup_s": round(time.perf_counter() - t0, 1),
        "source_kb_per_page": round(len(source) / args.pages / 1000, 1),
    }
    failed = False
    for name, run in (("pdf", pass_through), ("raster", raster)):
        try:
            result = run(source, args.pages)
        except Exception as error:  # noqa: BLE001 - reported in the JSON line, exit 1
            failed = True
            result = {"error": f"{type(error).__name__}: {error}"}
        if "kb_per_page" in result:
            result["goal_met"] = (
                result["kb_per_page"] * 1000 <= GOAL_PAGE_BYTES and result["s"] <= GOAL_SECONDS
            )
        figures[name] = result
        print(f"{name}: {result}", flush=True)
    figures["goal_kb_per_page"] = GOAL_PAGE_BYTES // 1000
    figures["goal_s"] = GOAL_SECONDS
    print(json.dumps(figures, ensure_ascii=False))
    del app
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

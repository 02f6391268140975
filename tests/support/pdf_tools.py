"""Reading PDFs the way a person and a bank app do: text via pdftotext, QR via pdftoppm + zxing."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image


def pdf_text(pdf: bytes, *, layout: bool = False, page: int | None = None) -> str:
    """The text poppler extracts; non-breaking spaces become plain ones for easy matching."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    out = subprocess.run([*args, "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return out.decode("utf-8").replace("\u00a0", " ")


def page_count(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    for line in info.decode().splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo printed no page count")


def page_image(pdf: bytes, *, dpi: int = 150, page: int = 1) -> Image.Image:
    """One page rasterised by pdftoppm, as a printer driver or a scanner would see it."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page),
             "-singlefile", str(source), str(Path(folder) / "page")],
            check=True,
        )  # fmt: skip
        with Image.open(Path(folder) / "page.png") as image:
            return image.convert("L")


def decode_qr(image: Image.Image) -> list[str]:
    """Texts of the QR codes a real decoder finds on the image."""
    return [
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


def parse_gost(text: str) -> tuple[str, list[tuple[str, str]]]:
    """ГОСТ Р 56042-2014 text → (header, [(key, value), …]) in the order written."""
    header, *pairs = text.split("|")
    return header, [tuple(p.split("=", 1)) for p in pairs]  # type: ignore[misc]


def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """Each page's size in points, rounded."""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "100000", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return [
        (round(float(w)), round(float(h)))
        for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+)", info)
    ]


def zbar_read(image: Image.Image) -> list[str]:
    """The QR texts ZBar's own command-line reader (an independent decoder) finds on the image,
    sorted; [] when it finds none (its exit status 4), an error for anything else."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.png"
        image.save(path)
        done = subprocess.run(
            ["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
            capture_output=True, check=False,
        )  # fmt: skip
    if done.returncode not in (0, 4):
        raise subprocess.CalledProcessError(done.returncode, "zbarimg", done.stdout, done.stderr)
    return sorted(line for line in done.stdout.decode("utf-8").splitlines() if line)

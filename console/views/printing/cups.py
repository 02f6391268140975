"""The print system's own door for a PDF: CUPS (Linux, macOS) through libcups.

Qt itself prints through libcups on these systems, so the library is there wherever a printer
is; the ``lp`` command may not be (Debian's cups-client is a separate package). Used through
ctypes, only for what Qt does not offer:

- :func:`accepts_pdf` — does the queue take ``application/pdf`` (its ``document-format-supported``
  as CUPS reports it: a queue with a PDF-capable driver or filters does, a raw queue to a
  PCL-only printer does not);
- :func:`submit` — the PDF file as the job, with the job's options (copies, 1:1, duplex).

Where there is no libcups (Windows) every function says so and the caller prints through Qt.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys
from collections.abc import Mapping
from pathlib import Path


class CupsError(OSError):
    """CUPS refused the job; the message is CUPS' own (cupsLastErrorString)."""


@functools.cache
def _library() -> ctypes.CDLL | None:
    if sys.platform == "win32":
        return None
    name = ctypes.util.find_library("cups")
    candidates = [name] if name else []
    candidates += ["libcups.so.2", "/usr/lib/libcups.2.dylib"]
    for candidate in candidates:
        try:
            lib = ctypes.CDLL(candidate)
        except OSError:
            continue
        _declare(lib)
        return lib
    return None


def _declare(lib: ctypes.CDLL) -> None:
    ptr, text, num = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    signatures: dict[str, tuple[list[object], object]] = {
        "cupsGetNamedDest": ([ptr, text, text], ptr),
        "cupsCopyDestInfo": ([ptr, ptr], ptr),
        "cupsFindDestSupported": ([ptr, ptr, ptr, text], ptr),
        "ippContainsString": ([ptr, text], num),
        "cupsFreeDestInfo": ([ptr], None),
        "cupsFreeDests": ([num, ptr], None),
        "cupsAddOption": ([text, text, num, ctypes.POINTER(ptr)], num),
        "cupsFreeOptions": ([num, ptr], None),
        "cupsPrintFile": ([text, text, text, num, ptr], num),
        "cupsLastErrorString": ([], text),
        "cupsSetServer": ([text], None),
    }
    for function, (args, result) in signatures.items():
        entry = getattr(lib, function)
        entry.argtypes = args
        entry.restype = result


def available() -> bool:
    """True where libcups can be loaded (the print system is CUPS)."""
    return _library() is not None


def use_server(server: str | None) -> None:
    """Talk to ``server`` (a host or a socket path; None: the default again) from now on."""
    lib = _library()
    if lib is not None:
        lib.cupsSetServer(server.encode() if server else None)


def accepts_pdf(queue: str) -> bool:
    """True when the CUPS queue ``queue`` exists and takes application/pdf."""
    lib = _library()
    if lib is None or not queue:
        return False
    dest = lib.cupsGetNamedDest(None, queue.encode(), None)
    if not dest:
        return False
    try:
        info = lib.cupsCopyDestInfo(None, dest)
        if not info:
            return False
        try:
            formats = lib.cupsFindDestSupported(None, dest, info, b"document-format")
            return bool(formats) and bool(lib.ippContainsString(formats, b"application/pdf"))
        finally:
            lib.cupsFreeDestInfo(info)
    finally:
        lib.cupsFreeDests(1, dest)


def submit(queue: str, path: Path, title: str, options: Mapping[str, str]) -> int:
    """Print the PDF file ``path`` on ``queue`` as one job; returns the CUPS job id."""
    lib = _library()
    if lib is None:
        raise CupsError("CUPS is not available here")
    pointer = ctypes.c_void_p()
    count = 0
    for name, value in options.items():
        count = lib.cupsAddOption(name.encode(), value.encode(), count, ctypes.byref(pointer))
    try:
        job = int(
            lib.cupsPrintFile(
                queue.encode(), str(path).encode(), title.encode("utf-8"), count, pointer
            )
        )
    finally:
        lib.cupsFreeOptions(count, pointer)
    if job <= 0:
        reason = lib.cupsLastErrorString() or b""
        raise CupsError(reason.decode("utf-8", "replace") or "the job was refused")
    return job

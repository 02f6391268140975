"""A private CUPS scheduler (Debian's ``cups``) for the printing tests: its own config, spool and
log folders under a temporary folder, reached through its own Unix socket (``CUPS_SERVER``), in
the foreground (``cupsd -f``); the machine's own CUPS, if any, is never touched.

Its queue prints into a file (``FileDevice Yes``) so a test reads what a printer would receive:

- ``PDF``: a PDF printer (cups-filters' «Generic PDF Printer» PPD, A4): CUPS runs its real
  filter chain (pdftopdf: page ranges, copies, scaling) and writes the PJL-wrapped PDF the
  printer gets; :meth:`Cupsd.printed_pdf` unwraps it;
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

GENERIC_PDF_PPD = Path("/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd")


def find_cupsd() -> str | None:
    found = shutil.which("cupsd") or (
        "/usr/sbin/cupsd" if Path("/usr/sbin/cupsd").exists() else None
    )
    return found


def _lpadmin() -> str | None:
    return shutil.which("lpadmin") or (
        "/usr/sbin/lpadmin" if Path("/usr/sbin/lpadmin").exists() else None
    )


def missing() -> str:
    """What is missing for a private CUPS here ('' when nothing is)."""
    if find_cupsd() is None:
        return "cupsd not found (apt-get install cups)"
    if _lpadmin() is None or shutil.which("lpstat") is None:
        return "lpadmin/lpstat not found (apt-get install cups-client)"
    if not GENERIC_PDF_PPD.exists():
        return f"{GENERIC_PDF_PPD} not found (apt-get install cups-filters)"
    return ""


def require_cupsd() -> None:
    """Skip loudly where CUPS is not installed; with CI=true that is a failure."""
    import pytest

    reason = missing()
    if not reason:
        return
    reason += ": real CUPS printing tests NOT RUN"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + " (CI=true makes this a failure)")
    pytest.skip(reason)


@dataclass
class Cupsd:
    """A running private cupsd; ``env`` reaches it (CUPS_SERVER) from a subprocess."""

    folder: Path
    socket: Path
    process: subprocess.Popen[bytes]

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "CUPS_SERVER": str(self.socket)}

    def output(self, queue: str) -> Path:
        return self.folder / "out" / f"{queue}.out"

    def add_queue(self, queue: str) -> None:
        """A PDF printer (A4) called ``queue`` printing into :meth:`output`."""
        lpadmin = _lpadmin()
        assert lpadmin is not None
        model = ["-P", str(GENERIC_PDF_PPD), "-o", "PageSize=A4"]
        subprocess.run(
            [lpadmin, "-p", queue, "-E", "-v", f"file://{self.output(queue)}", *model],
            env=self.env, check=True, capture_output=True,
        )  # fmt: skip

    def clear(self, queue: str) -> None:
        self.output(queue).unlink(missing_ok=True)

    def wait_done(self, queue: str, timeout: float = 60) -> bytes:
        """The bytes the queue's printer received once no job of it is pending."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pending = subprocess.run(
                ["lpstat", "-o", queue], env=self.env, capture_output=True, text=True
            ).stdout.strip()
            out = self.output(queue)
            if not pending and out.exists() and out.stat().st_size > 0:
                return out.read_bytes()
            time.sleep(0.2)
        raise AssertionError(f"CUPS did not finish the job on {queue}: {self.log()[-2000:]}")

    def printed_pdf(self, queue: str, timeout: float = 60) -> bytes:
        """The PDF inside what a PDF printer received (without the PJL around it)."""
        data = self.wait_done(queue, timeout)
        start, end = data.find(b"%PDF"), data.rfind(b"%%EOF")
        assert start >= 0 and end > start, f"no PDF in the printer's data: {data[:200]!r}"
        return data[start : end + len(b"%%EOF")]

    def log(self) -> str:
        path = self.folder / "error_log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cupsd() -> Cupsd:
    """Start a private cupsd with the ``PDF`` queue (see the module's docstring)."""
    binary = find_cupsd()
    if binary is None:
        raise RuntimeError("cupsd is not installed (apt-get install cups)")
    folder = Path(tempfile.mkdtemp(prefix="console-cups-"))
    folder.chmod(0o755)  # the filters run as lp
    for name in ("spool", "tmp", "cache", "state", "out"):
        (folder / name).mkdir()
    (folder / "out").chmod(0o777)  # the file: device is written by the filter chain's user
    sock = folder / "cups.sock"
    (folder / "cupsd.conf").write_text(
        f"Listen {sock}\nLogLevel warn\nBrowsing No\nWebInterface No\n"
        "DefaultAuthType None\nMaxJobs 0\nPreserveJobHistory No\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  JobPrivateAccess all\n  JobPrivateValues none\n"
        "  SubscriptionPrivateAccess all\n  SubscriptionPrivateValues none\n"
        "  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
    )
    (folder / "cups-files.conf").write_text(
        f"ServerRoot {folder}\nServerBin /usr/lib/cups\nDataDir /usr/share/cups\n"
        f"RequestRoot {folder / 'spool'}\nTempDir {folder / 'tmp'}\n"
        f"CacheDir {folder / 'cache'}\nStateDir {folder / 'state'}\n"
        f"ErrorLog {folder / 'error_log'}\nAccessLog {folder / 'access_log'}\n"
        f"PageLog {folder / 'page_log'}\nFileDevice Yes\n"
    )
    process = subprocess.Popen(  # noqa: S603 - our own binary and config
        [binary, "-f", "-c", str(folder / "cupsd.conf"), "-s", str(folder / "cups-files.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Cupsd(folder, sock, process)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = server.log()
            server.stop()
            raise RuntimeError(f"cupsd exited at start: {log[-2000:]}")
        ready = subprocess.run(["lpstat", "-r"], env=server.env, capture_output=True, text=True)
        if sock.exists() and "is running" in ready.stdout and "not" not in ready.stdout:
            server.add_queue("PDF")
            return server
        time.sleep(0.1)
    server.stop()
    raise RuntimeError("cupsd did not start")

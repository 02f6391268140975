"""A ККТ emulator speaking ATOL's web server API v2 (what services/fiscal/atol.py talks to).

Run as its own process: ``python -m tests.support.kkt_emulator --port N --journal FILE``.
It keeps a journal on disk (JSON lines, flushed and fsynced before any answer), so killing and
restarting it loses nothing: every accepted request and its result, and the shift state, are
replayed at start. A uuid it already holds is refused with 409 (the first task stands), as the
real server does; ``GET /api/v2/requests/<uuid>`` answers the stored result.

Faults, set with ``--fault NAME`` or ``POST /control {"fault": NAME, "count": n}`` (n
registrations; -1 = until cleared with ``{"fault": ""}``):
- ``die_after_print``: registers the cheque (journal written), then the process exits at once
  without answering (a power cut after printing);
- ``hang_after_print``: registers, then never answers that POST (a timeout after printing);
- ``paper_out`` (44), ``shift_expired`` (68), ``fn_full`` (150): the task ends in ``error``
  (a cheque's; ``paper_out`` also fails ``openShift`` and ``closeShift``, which print their
  report — the Z report cannot be taken without paper).
The clock: ``POST /control {"advance_s": s}`` moves it forward (a shift older than 24 h then
refuses every cheque with 68 until closed). ``GET /journal`` returns every registered cheque.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FN_NUMBER = "9999078900012345"
REG_NUMBER = "0000000001012345"
FNS_URL = "www.nalog.gov.ru"
ERRORS = {
    "paper_out": (44, "Нет бумаги"),
    "shift_expired": (68, "Смена превысила 24 часа"),
    "fn_full": (150, "Исчерпан ресурс ФН"),
}
CHEQUES = ("sell", "sellReturn", "sellCorrection", "sellReturnCorrection")
SHIFT_REPORTS = ("openShift", "closeShift")


class Kkt:
    """The device and its server's request store, rebuilt from the journal."""

    def __init__(self, journal: Path) -> None:
        self.path = journal
        self.lock = threading.Lock()
        self.requests: dict[str, dict[str, Any]] = {}  # uuid -> {"request", "results"}
        self.fd = 0
        self.shift = 0
        self.shift_open = False
        self.opened_at = 0.0
        self.in_shift = 0
        self.totals: dict[str, Any] = self._zero()
        self.clock_offset = 0.0
        self.fault = ""
        self.fault_count = 0
        if journal.exists():
            for raw in journal.read_text(encoding="utf-8").splitlines():
                if raw.strip():
                    self._apply(json.loads(raw))
        self._fh = journal.open("a", encoding="utf-8")

    @staticmethod
    def _zero() -> dict[str, Any]:
        return {"sell": {"cash": "0", "electronically": "0", "count": 0},
                "sellReturn": {"cash": "0", "electronically": "0", "count": 0}}  # fmt: skip

    def now(self) -> float:
        return time.time() + self.clock_offset

    # --- the journal: every state change is one record, applied the same way live and at start
    def _write(self, record: dict[str, Any]) -> None:
        self._apply(record)
        self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def _apply(self, record: dict[str, Any]) -> None:
        kind = record["record"]
        if kind == "clock":
            self.clock_offset = record["offset"]
        elif kind == "request":
            self.requests[record["uuid"]] = {"request": record["request"],
                                             "results": record["results"]}  # fmt: skip
            self.fd = max(self.fd, record.get("fd", self.fd))
            state = record.get("state")
            if state:
                self.shift, self.shift_open = state["shift"], state["open"]
                self.opened_at, self.in_shift = state["opened_at"], state["in_shift"]
                self.totals = state["totals"]

    def _state(self) -> dict[str, Any]:
        return {"shift": self.shift, "open": self.shift_open, "opened_at": self.opened_at,
                "in_shift": self.in_shift, "totals": self.totals}  # fmt: skip

    # --- tasks ---------------------------------------------------------------------------
    def _fiscal(self, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        self.fd += 1
        moment = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(self.now()))
        sign = str(int.from_bytes(os.urandom(4), "big") % 4_000_000_000).rjust(10, "0")
        params = {"fnNumber": FN_NUMBER, "fiscalDocumentNumber": self.fd,
                  "fiscalDocumentSign": sign, "shiftNumber": self.shift,
                  "fiscalDocumentDateTime": moment, "registrationNumber": REG_NUMBER,
                  "fnsUrl": FNS_URL}  # fmt: skip
        params.update(extra or {})
        return params

    def _totals(self) -> dict[str, Any]:
        receipts = {
            k: {"count": v["count"], "payments": {"cash": float(Decimal(v["cash"])),
                                                  "electronically": float(Decimal(v["electronically"]))}}  # noqa: E501
            for k, v in self.totals.items()
        }  # fmt: skip
        opened = (time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(self.opened_at))
                  if self.shift_open else None)  # fmt: skip
        return {"shiftNumber": self.shift, "openedAt": opened, "receipts": receipts}

    def _open(self) -> None:
        self.shift += 1
        self.shift_open = True
        self.opened_at = self.now()
        self.in_shift = 0
        self.totals = self._zero()

    def _expired(self) -> bool:
        return self.shift_open and self.now() - self.opened_at > 24 * 3600

    def run_task(self, task: dict[str, Any]) -> dict[str, Any]:
        kind = task.get("type")
        error = None
        printed = kind in CHEQUES or (self.fault == "paper_out" and kind in SHIFT_REPORTS)
        if printed and self.fault in ERRORS and self.fault_count != 0:
            error = ERRORS[self.fault]
            self._spend_fault()
        if error is None and kind in CHEQUES and self._expired():
            error = ERRORS["shift_expired"]
        if error is not None:
            return {"status": "error", "errorCode": error[0], "errorDescription": error[1]}
        if kind in CHEQUES:
            if not self.shift_open:
                self._open()  # ATOL opens the shift with the first cheque
            self.in_shift += 1
            base = "sellReturn" if kind.startswith("sellReturn") else "sell"
            for pay in task.get("payments", []):
                tender = "cash" if pay.get("type") == "cash" else "electronically"
                bucket = self.totals[base]
                amount = Decimal(str(task.get("total", pay.get("sum", 0))))
                bucket[tender] = str(Decimal(bucket[tender]) + amount)
                break
            self.totals[base]["count"] += 1
            params = self._fiscal({"fiscalReceiptNumber": self.in_shift})
            return {"status": "ready", "errorCode": 0, "errorDescription": "Ошибок нет",
                    "result": {"fiscalParams": params}}  # fmt: skip
        if kind == "openShift":
            if self.shift_open:
                return {"status": "error", "errorCode": 69, "errorDescription": "Смена открыта"}
            self._open()
            return {"status": "ready", "errorCode": 0, "result": {"fiscalParams": self._fiscal()}}
        if kind == "closeShift":
            if not self.shift_open:
                return {"status": "error", "errorCode": 67, "errorDescription": "Смена закрыта"}
            totals = self._totals()
            params = self._fiscal()
            self.shift_open = False
            return {"status": "ready", "errorCode": 0,
                    "result": {"fiscalParams": params, "shiftTotals": totals}}  # fmt: skip
        if kind in ("reportX", "getShiftTotals"):
            return {"status": "ready", "errorCode": 0, "result": {"shiftTotals": self._totals()}}
        if kind in ("getDeviceStatus", "getShiftStatus"):
            shift = "expired" if self._expired() else ("opened" if self.shift_open else "closed")
            status = {"shift": shift, "currentShiftNumber": self.shift, "fnNumber": FN_NUMBER,
                      "paperPresent": self.fault != "paper_out"}  # fmt: skip
            result = {"deviceStatus": status, "shiftStatus": status}
            return {"status": "ready", "errorCode": 0, "result": result}
        return {"status": "error", "errorCode": 9, "errorDescription": "Неизвестное задание"}

    def _spend_fault(self) -> None:
        if self.fault_count > 0:
            self.fault_count -= 1
            if self.fault_count == 0:
                self.fault = ""

    def submit(self, uuid: str, tasks: list[dict[str, Any]]) -> tuple[int, str]:
        """Store and run a request; returns (HTTP status, what to do after answering)."""
        with self.lock:
            if uuid in self.requests:
                return 409, ""
            is_cheque = any(t.get("type") in CHEQUES for t in tasks)
            after = ""
            if is_cheque and self.fault in ("die_after_print", "hang_after_print"):
                after = self.fault
                self._spend_fault()
            results = [self.run_task(t) for t in tasks]
            self._write({"record": "request", "uuid": uuid, "request": tasks,
                         "results": results, "fd": self.fd, "state": self._state()})  # fmt: skip
            return 201, after

    def control(self, body: dict[str, Any]) -> None:
        with self.lock:
            if "fault" in body:
                self.fault = str(body["fault"] or "")
                self.fault_count = int(body.get("count", -1)) if self.fault else 0
            if "advance_s" in body:
                self._write({"record": "clock",
                             "offset": self.clock_offset + float(body["advance_s"])})  # fmt: skip

    def journal(self) -> list[dict[str, Any]]:
        with self.lock:
            out = []
            for uuid, item in self.requests.items():
                for task, result in zip(item["request"], item["results"], strict=False):
                    if task.get("type") in CHEQUES and result.get("status") == "ready":
                        out.append({"uuid": uuid, "type": task["type"], "task": task,
                                    "fiscalParams": result["result"]["fiscalParams"]})  # fmt: skip
            return out


class Handler(BaseHTTPRequestHandler):
    kkt: Kkt
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _send(self, status: int, payload: Any) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length).decode() or "null") if length else None

    def do_POST(self) -> None:  # noqa: N802
        body = self._body() or {}
        if self.path == "/control":
            self.kkt.control(body)
            self._send(200, {"ok": True})
            return
        if self.path != "/api/v2/requests":
            self._send(404, {"error": {"code": 404, "description": "Not found"}})
            return
        uuid = str(body.get("uuid") or "")
        tasks = body.get("request")
        if not uuid or not isinstance(tasks, list):
            self._send(400, {"error": {"code": 400, "description": "uuid и request обязательны"}})
            return
        status, after = self.kkt.submit(uuid, tasks)
        if after == "die_after_print":
            os._exit(3)
        if after == "hang_after_print":
            time.sleep(3600)
            return
        if status == 409:
            self._send(409, {"error": {"code": 409, "description": "Задание с таким uuid есть"}})
            return
        self._send(201, {})

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/journal":
            self._send(200, self.kkt.journal())
            return
        if self.path == "/health":
            self._send(200, {"ok": True, "pid": os.getpid()})
            return
        prefix = "/api/v2/requests/"
        if self.path.startswith(prefix):
            item = self.kkt.requests.get(self.path[len(prefix) :])
            if item is None:
                self._send(404, {"error": {"code": 404, "description": "Задание не найдено"}})
                return
            self._send(200, {"results": item["results"]})
            return
        self._send(404, {"error": {"code": 404, "description": "Not found"}})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=16732)
    parser.add_argument("--journal", type=Path, required=True)
    parser.add_argument("--fault", default="")
    parser.add_argument("--fault-count", type=int, default=-1)
    args = parser.parse_args(argv)
    kkt = Kkt(args.journal)
    if args.fault:
        kkt.control({"fault": args.fault, "count": args.fault_count})
    Handler.kkt = kkt
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()

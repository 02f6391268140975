"""ATOL driver v10 JSON tasks over the driver's local web server (fptr10 web server).

The protocol, as ATOL documents it for its web server (default port 16732) and as the
driver's ``processJson`` accepts the same tasks:

- ``POST /api/v2/requests`` with ``{"uuid": "<key>", "request": [task, …]}`` queues the tasks
  (201 Created); a uuid the server already holds is refused (409 Conflict) — the first task
  stands, so the console treats 409 as "ask for its result".
- ``GET /api/v2/requests/<uuid>`` answers ``{"results": [{"status": …, "errorCode": n,
  "errorDescription": "…", "result": {…}}]}`` with ``status`` one of ``wait``,
  ``inProgress``, ``ready``, ``error``, ``interrupted``, ``blocked``, ``canceled``; 404 for a
  uuid it never received.
- Tasks: ``sell``, ``sellReturn``, ``sellCorrection``, ``openShift``, ``closeShift``,
  ``reportX``, ``getDeviceStatus``, ``getShiftTotals``; a cheque's ``items`` are
  ``{"type": "position", "name", "price", "quantity", "amount", "tax": {"type": "none"|…},
  "paymentMethod": "fullPayment"|"creditPayment"|…, "paymentObject": "service",
  "agentInfo": {"agents": ["payingAgent"]}, "supplierInfo": {"name", "vatin", "phones"}}``,
  ``payments: [{"type": "cash"|"electronically", "sum"}]``, ``clientInfo:
  {"emailOrPhone"}``, ``operator: {"name", "vatin"}``; a registered document's result carries
  ``fiscalParams`` (``fnNumber``, ``fiscalDocumentNumber``, ``fiscalDocumentSign``,
  ``shiftNumber``, ``fiscalReceiptNumber``, ``fiscalDocumentDateTime``,
  ``registrationNumber``, ``fnsUrl``).

Sources: ATOL «Драйвер ККТ v10. Руководство программиста», sections «JSON-задания» and
«Web-сервер: REST API v2» (the public PDF shipped with the driver); the search tools of this
project found no copy of it, so the names above are from that manual as remembered, and the
error codes below are the libfptr10 ``LIBFPTR_ERROR_*`` numbers for the cases the console
explains (2 no connection, 44 no paper, 68 shift over 24 hours, 67 shift closed, and the ФН
group). Anything else is shown with the device's own description. The emulator
(tests/support/kkt_emulator.py) speaks exactly this, so a mismatch with a real server shows up
in one place: this module's constants.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import socket
import time
import urllib.error
import urllib.request
from decimal import Decimal
from typing import Any

from console.services.fiscal.device import (
    Cashier,
    Cheque,
    ChequeKind,
    DeviceStatus,
    FiscalAttributes,
    KktError,
    KktFault,
    ShiftState,
    ShiftTotals,
)

DEFAULT_PORT = 16732
FINAL = ("ready", "error", "interrupted", "blocked", "canceled")

#: libfptr10 error codes the console explains to the clerk.
ERROR_NO_CONNECTION = 2
ERROR_NO_PAPER = 44
ERROR_SHIFT_CLOSED = 67  # операция невозможна при закрытой смене
ERROR_SHIFT_EXPIRED = 68  # смена превысила 24 часа
ERROR_FN_FULL = 150  # исчерпан ресурс / архив ФН переполнен
ERROR_FN_BLOCKED = 152  # ФН заблокирован (не передан документ 30 дней, срок истёк)
ERROR_BUSY = 160

MESSAGES: dict[KktFault, str] = {
    KktFault.UNREACHABLE: (
        "Нет связи с кассой (ККТ): проверьте, что касса включена и подключена к компьютеру; "
        "оплата сохранена, чек будет пробит при восстановлении связи."
    ),
    KktFault.TIMEOUT: (
        "Касса (ККТ) не ответила вовремя: пульт уточнит у кассы, пробит ли чек, и не пробьёт "
        "его второй раз; оплата сохранена."
    ),
    KktFault.PAPER_OUT: (
        "В кассе закончилась бумага: вставьте новый рулон и закройте крышку; оплата "
        "сохранена, чек будет пробит повторно."
    ),
    KktFault.SHIFT_EXPIRED: (
        "Смена открыта более 24 часов: закройте смену (Z-отчёт) и откройте новую; оплата "
        "сохранена, чек будет пробит в новой смене."
    ),
    KktFault.SHIFT_CLOSED: "Смена на кассе закрыта: откройте смену; оплата сохранена.",
    KktFault.FN_FULL: (
        "Фискальный накопитель кассы заполнен или его срок истёк: замените ФН (обратитесь в "
        "сервисный центр); оплата сохранена, чек будет пробит после замены."
    ),
    KktFault.FN_BLOCKED: (
        "Фискальный накопитель заблокирован (документы не переданы в ОФД более 30 дней или "
        "ошибка ФН): проверьте связь кассы с ОФД и обратитесь в сервисный центр; оплата "
        "сохранена."
    ),
    KktFault.BUSY: "Касса занята другой операцией: повторите через минуту; оплата сохранена.",
    KktFault.REJECTED: "Касса отказала в регистрации чека",
}

CODES: dict[int, KktFault] = {
    ERROR_NO_CONNECTION: KktFault.UNREACHABLE,
    ERROR_NO_PAPER: KktFault.PAPER_OUT,
    ERROR_SHIFT_CLOSED: KktFault.SHIFT_CLOSED,
    ERROR_SHIFT_EXPIRED: KktFault.SHIFT_EXPIRED,
    ERROR_FN_FULL: KktFault.FN_FULL,
    ERROR_FN_BLOCKED: KktFault.FN_BLOCKED,
    ERROR_BUSY: KktFault.BUSY,
}


def device_error(code: int, description: str) -> KktError:
    """The clerk's sentence for an ATOL error code (the device's own words when unknown)."""
    fault = CODES.get(code, KktFault.REJECTED)
    message = MESSAGES[fault]
    if fault is KktFault.REJECTED:
        detail = (description or "").strip()[:200]
        message = f"{message} (код {code}{': ' + detail if detail else ''}); оплата сохранена."
    return KktError(fault, message, code=code)


def _money(value: Decimal) -> float:
    # The driver takes JSON numbers; two decimals are exact enough for float round-trip.
    return float(value.quantize(Decimal("0.01")))


def cheque_task(cheque: Cheque) -> dict[str, Any]:
    """The ``sell``/``sellReturn`` task of a cheque (ФФД 1.2 fields)."""
    items: list[dict[str, Any]] = []
    for line in cheque.lines:
        item: dict[str, Any] = {
            "type": "position",
            "name": line.name[:128],
            "price": _money(line.amount),
            "quantity": 1,
            "amount": _money(line.amount),
            "measurementUnit": 0,  # штуки/единицы (tag 2108)
            "paymentMethod": line.method.value,
            "paymentObject": line.subject,
            "tax": {"type": line.vat.value},
        }
        if line.agent is not None:
            item["agentInfo"] = {"agents": [line.agent.agent_type]}
            item["supplierInfo"] = {
                "name": line.agent.supplier_name,
                "vatin": line.agent.supplier_inn,
                "phones": list(line.agent.supplier_phones),
            }
        items.append(item)
    task: dict[str, Any] = {
        "type": cheque.kind.value,
        "taxationType": "osn",
        "operator": {"name": cheque.cashier.name[:64]},
        "items": items,
        "payments": [{"type": cheque.tender.value, "sum": _money(cheque.paid or cheque.total)}],
        "total": _money(cheque.total),
    }
    if cheque.cashier.inn:
        task["operator"]["vatin"] = cheque.cashier.inn
    if cheque.customer_contact:
        task["clientInfo"] = {"emailOrPhone": cheque.customer_contact}
    return task


def _datetime(raw: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        return dt.datetime.now(dt.UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def fiscal_attributes(result: dict[str, Any]) -> FiscalAttributes:
    params = result.get("fiscalParams") or {}
    return FiscalAttributes(
        fn_number=str(params.get("fnNumber", "")),
        fd_number=int(params.get("fiscalDocumentNumber", 0)),
        fiscal_sign=str(params.get("fiscalDocumentSign", "")),
        shift_number=int(params.get("shiftNumber", 0)),
        number_in_shift=int(
            params.get("fiscalReceiptNumber", params.get("receiptsChequeNumber", 0))
        ),
        registered_at=_datetime(str(params.get("fiscalDocumentDateTime", ""))),
        registration_number=str(params.get("registrationNumber", "")),
        ofd_site=str(params.get("fnsUrl", "")),
    )


def _totals(result: dict[str, Any]) -> ShiftTotals:
    totals = result.get("shiftTotals") or {}
    sell = totals.get("receipts", {}).get("sell", {}).get("payments", {})
    ret = totals.get("receipts", {}).get("sellReturn", {}).get("payments", {})
    opened = totals.get("openedAt")
    return ShiftTotals(
        shift_number=int(totals.get("shiftNumber", 0)),
        opened_at=_datetime(opened) if opened else None,
        sell_cash=Decimal(str(sell.get("cash", 0))).quantize(Decimal("0.01")),
        sell_electronically=Decimal(str(sell.get("electronically", 0))).quantize(Decimal("0.01")),
        return_cash=Decimal(str(ret.get("cash", 0))).quantize(Decimal("0.01")),
        return_electronically=Decimal(str(ret.get("electronically", 0))).quantize(Decimal("0.01")),
        sell_count=int(totals.get("receipts", {}).get("sell", {}).get("count", 0)),
        return_count=int(totals.get("receipts", {}).get("sellReturn", {}).get("count", 0)),
        fiscal=fiscal_attributes(result) if result.get("fiscalParams") else None,
    )


class AtolWebServer:
    """A ККТ behind ATOL's web server. ``Cheque.key`` is sent as the request's uuid."""

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 10.0,
        auth: tuple[str, str] | None = None,
        poll_s: float = 0.05,
    ) -> None:
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s
        self.poll_s = poll_s
        self._auth = auth
        self._serial = 0

    @property
    def fiscal(self) -> bool:
        return True

    # --- transport ----------------------------------------------------------------------
    def _call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json; charset=utf-8")
        if self._auth is not None:
            token = base64.b64encode(f"{self._auth[0]}:{self._auth[1]}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as err:
            raw = err.read()
            status = err.code
        except TimeoutError as err:
            raise KktError(
                KktFault.TIMEOUT, MESSAGES[KktFault.TIMEOUT], outcome_unknown=method == "POST"
            ) from err
        except (urllib.error.URLError, ConnectionError, http.client.HTTPException, OSError) as err:
            reason = getattr(err, "reason", err)
            if isinstance(reason, TimeoutError | socket.timeout):
                raise KktError(
                    KktFault.TIMEOUT, MESSAGES[KktFault.TIMEOUT], outcome_unknown=method == "POST"
                ) from err
            # Refused before the request went out: nothing was registered. A connection
            # dropped after sending (the server died printing) may have registered it.
            refused = isinstance(reason, ConnectionRefusedError)
            raise KktError(
                KktFault.UNREACHABLE,
                MESSAGES[KktFault.UNREACHABLE],
                outcome_unknown=method == "POST" and not refused,
            ) from err
        try:
            payload = json.loads(raw.decode() or "null") if raw else None
        except ValueError:
            payload = None
        return status, payload

    def _poll(self, uuid: str, *, deadline: float) -> dict[str, Any] | None:
        """The first task's result of ``uuid`` once final; None if the server never had it."""
        while True:
            status, payload = self._call("GET", f"/api/v2/requests/{uuid}")
            if status == 404:
                return None
            results = (payload or {}).get("results") or []
            if status == 200 and results and results[0].get("status") in FINAL:
                first: dict[str, Any] = results[0]
                return first
            if time.monotonic() > deadline:
                raise KktError(KktFault.TIMEOUT, MESSAGES[KktFault.TIMEOUT], outcome_unknown=True)
            time.sleep(self.poll_s)

    def _run(self, uuid: str, task: dict[str, Any]) -> dict[str, Any]:
        """Send one task under ``uuid`` (or find the earlier one) and wait for its result."""
        deadline = time.monotonic() + self.timeout_s
        status, payload = self._call("POST", "/api/v2/requests", {"uuid": uuid, "request": [task]})
        if status not in (200, 201, 409):
            description = (payload or {}).get("error", {}).get("description", "")
            raise KktError(KktFault.REJECTED, f"{MESSAGES[KktFault.REJECTED]}: {description}")
        result = self._poll(uuid, deadline=deadline)
        if result is None:  # accepted, then lost (a restarted server without a journal)
            raise KktError(KktFault.TIMEOUT, MESSAGES[KktFault.TIMEOUT], outcome_unknown=True)
        return self._final(result)

    def _final(self, result: dict[str, Any]) -> dict[str, Any]:
        if result.get("status") == "ready":
            body: dict[str, Any] = result.get("result") or {}
            return body
        raise device_error(int(result.get("errorCode", -1)), str(result.get("errorDescription")))

    def _service_uuid(self, name: str) -> str:
        self._serial += 1
        return f"console-{name}-{time.time_ns()}-{self._serial}"

    # --- the contract --------------------------------------------------------------------
    def status(self) -> DeviceStatus:
        result = self._run(self._service_uuid("status"), {"type": "getDeviceStatus"})
        info = result.get("deviceStatus") or {}
        state = str(info.get("shift", "closed"))
        return DeviceStatus(
            shift=ShiftState(state)
            if state in ShiftState._value2member_map_
            else ShiftState.CLOSED,
            shift_number=int(info.get("currentShiftNumber", 0)),
            paper_present=bool(info.get("paperPresent", True)),
            fn_number=str(info.get("fnNumber", "")),
        )

    def open_shift(self, cashier: Cashier) -> FiscalAttributes:
        operator = {"name": cashier.name, **({"vatin": cashier.inn} if cashier.inn else {})}
        task = {"type": "openShift", "operator": operator}
        return fiscal_attributes(self._run(self._service_uuid("open"), task))

    def close_shift(self, cashier: Cashier) -> ShiftTotals:
        operator = {"name": cashier.name, **({"vatin": cashier.inn} if cashier.inn else {})}
        task = {"type": "closeShift", "operator": operator}
        return _totals(self._run(self._service_uuid("close"), task))

    def x_report(self) -> ShiftTotals:
        return _totals(self._run(self._service_uuid("x"), {"type": "reportX"}))

    def register(self, cheque: Cheque) -> FiscalAttributes:
        return fiscal_attributes(self._run(cheque.key, cheque_task(cheque)))

    def result_of(self, key: str) -> FiscalAttributes | None:
        """The cheque of ``key``: attributes if registered; None if the server never received
        it or refused it (then it was not registered and may be sent under a new key)."""
        result = self._poll(key, deadline=time.monotonic() + self.timeout_s)
        if result is None or result.get("status") != "ready":
            return None
        return fiscal_attributes(result.get("result") or {})

    def correction(self, cheque: Cheque, reason: str) -> FiscalAttributes:
        task = cheque_task(cheque)
        task["type"] = (
            "sellCorrection" if cheque.kind is ChequeKind.SELL else "sellReturnCorrection"
        )
        task["correctionType"] = "self"
        task["correctionBaseDate"] = dt.date.today().isoformat()
        task["correctionBaseNumber"] = reason[:32]
        return fiscal_attributes(self._run(cheque.key, task))

"""The ATOL web-server adapter over HTTP against the emulator process: the uuid as idempotency
key (a repeated POST is refused with 409 and answered with the first result), shifts, reports,
status, and the Russian sentence for each device error code."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from decimal import Decimal

import pytest

from console.services.fiscal.atol import AtolWebServer, cheque_task, device_error
from console.services.fiscal.device import (
    AgentInfo,
    Cashier,
    Cheque,
    ChequeKind,
    ChequeLine,
    KktError,
    KktFault,
    PaymentMethodSign,
    ShiftState,
    Tender,
    Vat,
)
from tests.support.kkt_process import KktEmulator, free_port

LINE = ChequeLine("Электроснабжение", Decimal("100.50"))


def _cheque(key: str, kind: ChequeKind = ChequeKind.SELL) -> Cheque:
    cashier = Cashier("Иванова А. А.", "720400000000")
    return Cheque(key, kind, (LINE,), Tender.CASH, cashier, paid=Decimal("200"))


def test_a_repeated_uuid_gives_the_first_cheque_not_a_second(kkt_emulator: KktEmulator) -> None:
    kkt = AtolWebServer(kkt_emulator.url, timeout_s=3)
    first = kkt.register(_cheque("u-1"))
    # The server itself refuses the duplicate uuid.
    body = json.dumps({"uuid": "u-1", "request": [cheque_task(_cheque("u-1"))]}).encode()
    headers = {"Content-Type": "application/json"}
    url = kkt_emulator.url + "/api/v2/requests"
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=3)
    assert refused.value.code == 409
    assert kkt.register(_cheque("u-1")) == first  # the adapter reads the first result
    assert kkt.result_of("u-1") == first and kkt.result_of("never-sent") is None
    assert len(kkt_emulator.journal()) == 1
    assert first.fd_number == 1 and first.shift_number == 1 and first.number_in_shift == 1
    assert first.registered_at.tzinfo is not None
    assert abs(first.registered_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


def test_shift_reports_and_status(kkt_emulator: KktEmulator) -> None:
    kkt = AtolWebServer(kkt_emulator.url, timeout_s=3)
    assert kkt.fiscal is True and kkt.status().shift is ShiftState.CLOSED
    kkt.open_shift(Cashier("Иванова"))
    with pytest.raises(KktError):
        kkt.open_shift(Cashier("Иванова"))  # already open
    kkt.register(_cheque("s-1"))
    kkt.register(Cheque(key="s-2", kind=ChequeKind.SELL, lines=(LINE,),
                        tender=Tender.ELECTRONICALLY, cashier=Cashier("И")))  # fmt: skip
    kkt.register(_cheque("s-3", ChequeKind.SELL_RETURN))
    x = kkt.x_report()
    assert (x.sell_cash, x.sell_electronically, x.return_cash) == (
        Decimal("100.50"), Decimal("100.50"), Decimal("100.50"),
    )  # fmt: skip
    assert (x.sell_count, x.return_count, x.shift_number) == (2, 1, 1)
    z = kkt.close_shift(Cashier("Иванова"))
    assert z.sell_count == 2 and z.fiscal is not None and z.fiscal.fd_number == 5
    assert kkt.status().shift is ShiftState.CLOSED
    with pytest.raises(KktError) as closed:
        kkt.close_shift(Cashier("Иванова"))
    assert closed.value.fault is KktFault.SHIFT_CLOSED and "откройте смену" in str(closed.value)


def test_no_server_is_unreachable_and_nothing_was_sent() -> None:
    kkt = AtolWebServer(f"http://127.0.0.1:{free_port()}", timeout_s=1)
    with pytest.raises(KktError) as caught:
        kkt.register(_cheque("x"))
    assert caught.value.fault is KktFault.UNREACHABLE and not caught.value.outcome_unknown
    assert str(caught.value).startswith("Нет связи с кассой")
    assert "чек будет пробит при восстановлении связи" in str(caught.value)


@pytest.mark.parametrize(
    ("code", "fault", "words"),
    [
        (44, KktFault.PAPER_OUT, "закончилась бумага"),
        (68, KktFault.SHIFT_EXPIRED, "Смена открыта более 24 часов: закройте смену (Z-отчёт)"),
        (150, KktFault.FN_FULL, "замените ФН"),
        (152, KktFault.FN_BLOCKED, "заблокирован"),
        (2, KktFault.UNREACHABLE, "Нет связи с кассой"),
        (999, KktFault.REJECTED, "код 999: Что-то своё"),
    ],
)
def test_device_codes_become_russian_advice(code: int, fault: KktFault, words: str) -> None:
    err = device_error(code, "Что-то своё")
    assert err.fault is fault and words in str(err) and err.code == code
    assert "оплата сохранена" in str(err)


def test_the_task_carries_ffd_12_fields() -> None:
    agent = AgentInfo("АО «Газпром газораспределение Оренбург»", "5600000000", ("+73532000000",))
    cheque = Cheque(
        key="t", kind=ChequeKind.SELL, tender=Tender.ELECTRONICALLY,
        lines=(ChequeLine("Техническое обслуживание ВДГО", Decimal("48.60"), Vat.VAT20,
                          PaymentMethodSign.CREDIT_PAYMENT, "service", agent),),
        cashier=Cashier("Иванова"), customer_contact="+79123456789",
    )  # fmt: skip
    task = cheque_task(cheque)
    (item,) = task["items"]
    assert item == {
        "type": "position", "name": "Техническое обслуживание ВДГО", "price": 48.6,
        "quantity": 1, "amount": 48.6, "measurementUnit": 0, "paymentMethod": "creditPayment",
        "paymentObject": "service", "tax": {"type": "vat20"},
        "agentInfo": {"agents": ["payingAgent"]},
        "supplierInfo": {"name": "АО «Газпром газораспределение Оренбург»",
                         "vatin": "5600000000", "phones": ["+73532000000"]},
    }  # fmt: skip
    assert task["payments"] == [{"type": "electronically", "sum": 48.6}]
    assert task["clientInfo"] == {"emailOrPhone": "+79123456789"}
    assert task["operator"] == {"name": "Иванова"}

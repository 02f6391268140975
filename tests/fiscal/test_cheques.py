"""Fiscal cheques for counter payments against the ККТ emulator in its own process: content,
exactly once across crashes and faults, Russian device errors, totals equal to the ledger."""

from __future__ import annotations

import random
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from console.models import AuditEvent, FiscalCheque, Payment
from console.models.enums import FiscalChequeStatus, PaymentMethod, StaffRole
from console.services.core.database import Database
from console.services.core.errors import ValidationError
from console.services.fiscal import journal
from console.services.fiscal.atol import AtolWebServer
from console.services.fiscal.factory import cash_register
from console.services.fiscal.none import NoCashRegister
from console.services.payments import counter
from console.settings import Settings
from tests.support.factories import add_charge, make_account, make_staff
from tests.support.kkt_process import KktEmulator


def _settings(emulator: KktEmulator, **kw: Any) -> Settings:
    return Settings(kkt_url=emulator.url, kkt_timeout_s=3.0, **kw)


def _form(db: Database, account_id: int, total: str, **kw: Any) -> counter.PaymentForm:
    dues = counter.account_dues(db, account_id)
    parts = counter.split(Decimal(total), dues.dues(), main=dues.main_service_id)
    values: dict[str, Any] = {"method": PaymentMethod.CASH, "confirmed": True,
                              "cash_received": Decimal(total)}  # fmt: skip
    values.update(kw)
    return counter.PaymentForm(account_id, Decimal(total), parts, **values)


def _cheques(db: Database) -> list[FiscalCheque]:
    with db.read() as session:
        return list(session.scalars(select(FiscalCheque).order_by(FiscalCheque.id)))


def test_the_factory_picks_the_adapter_from_the_settings() -> None:
    assert isinstance(cash_register(Settings()), NoCashRegister)
    assert cash_register(Settings()).fiscal is False
    kkt = cash_register(Settings(kkt_url="http://127.0.0.1:16732/"))
    assert isinstance(kkt, AtolWebServer) and kkt.url == "http://127.0.0.1:16732"


def test_a_payment_gets_one_cheque_per_ffd_12(db: Database, kkt_emulator: KktEmulator) -> None:
    clerk = make_staff(db, "kassa1", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("686.00"))
    add_charge(db, acc.account_id, Decimal("48.60"), service_code="vdgo")
    settings = _settings(kkt_emulator, kkt_cashier_inn="720400000000",
                         fiscal_payment_scheme="debt", fiscal_vat=(("*", "vat20"),))  # fmt: skip
    form = _form(db, acc.account_id, "1000.00", customer_contact=" 8 (912) 345-67-89 ",
                 cash_received=Decimal("1500.00"))  # fmt: skip
    result = counter.take_payment(db, clerk, form, "form-1", settings=settings)
    assert result.cheque_id is not None
    assert journal.cheque_of_payment(db, result.payment_id).status is FiscalChequeStatus.PENDING  # type: ignore[union-attr]
    kkt = cash_register(settings)
    state = counter.register_cheque(db, kkt, clerk, result)
    assert state is not None and state.registered and state.fiscal is not None
    assert state.fiscal.fn_number and state.fiscal.fd_number == 1 and state.fiscal.fiscal_sign
    # A double submission of the form finds the payment and its registered cheque: no second.
    again = counter.take_payment(db, clerk, form, "form-1", settings=settings)
    assert again.replayed and again.cheque_id == result.cheque_id
    assert counter.register_cheque(db, kkt, clerk, again).fiscal == state.fiscal  # type: ignore[union-attr]
    (printed,) = kkt_emulator.journal()
    task = printed["task"]
    assert printed["uuid"] == "pay-form-1.1" and task["type"] == "sell"
    assert task["payments"] == [{"type": "cash", "sum": 1500.0}] and task["total"] == 1000.0
    assert task["clientInfo"] == {"emailOrPhone": "+79123456789"}
    assert task["operator"] == {"name": "Сотрудник kassa1", "vatin": "720400000000"}
    items = [(i["name"], i["amount"], i["paymentMethod"]) for i in task["items"]]
    assert items == [
        ("Электроснабжение", 686.0, "creditPayment"),
        ("Электроснабжение", 265.4, "fullPayment"),
        ("Техническое обслуживание ВДГО", 48.6, "creditPayment"),
    ]
    assert {i["paymentObject"] for i in task["items"]} == {"service"}
    assert {i["tax"]["type"] for i in task["items"]} == {"vat20"}
    vdgo = task["items"][2]
    assert vdgo["agentInfo"] == {"agents": ["payingAgent"]}
    assert vdgo["supplierInfo"]["name"].startswith("АО «Газпром газораспределение")
    assert vdgo["supplierInfo"]["vatin"]
    assert "agentInfo" not in task["items"][0]
    (row,) = _cheques(db)
    assert row.customer_contact is None  # sent with the cheque, not kept
    with db.read() as session:
        trail = " ".join(
            str(a.after) for a in session.scalars(select(AuditEvent))
        )  # the contact never reaches the audit trail
    assert "9123456789" not in trail and "345-67" not in trail


def test_full_scheme_and_card_tender(db: Database, kkt_emulator: KktEmulator) -> None:
    clerk = make_staff(db, "kassa1", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("686.00"))
    settings = _settings(kkt_emulator)
    form = _form(db, acc.account_id, "700.00", method=PaymentMethod.CARD, cash_received=None,
                 customer_contact="Ivanova@Mail.ru")  # fmt: skip
    result = counter.take_payment(db, clerk, form, uuid.uuid4().hex, settings=settings)
    assert counter.register_cheque(db, cash_register(settings), clerk, result).registered  # type: ignore[union-attr]
    task = kkt_emulator.journal()[0]["task"]
    assert task["payments"] == [{"type": "electronically", "sum": 700.0}]
    assert {i["paymentMethod"] for i in task["items"]} == {"fullPayment"}
    assert {i["tax"]["type"] for i in task["items"]} == {"none"}
    assert task["clientInfo"] == {"emailOrPhone": "Ivanova@Mail.ru"}


@pytest.mark.parametrize("contact", ["kto@", "12345", "почта", "+7 922 111-22-3"])
def test_a_bad_contact_is_refused_in_russian_before_anything_is_written(
    sqlite_db: Database, contact: str
) -> None:
    clerk = make_staff(sqlite_db, "kassa1", StaffRole.CLERK)
    acc = make_account(sqlite_db)
    form = _form(sqlite_db, acc.account_id, "100", customer_contact=contact)
    with pytest.raises(ValidationError) as caught:
        counter.take_payment(sqlite_db, clerk, form, "k1", settings=Settings(kkt_url="x"))
    assert caught.value.field == "customer_contact"
    assert contact not in str(caught.value) and "чек" in str(caught.value)
    with sqlite_db.read() as session:
        assert session.scalar(select(func.count(Payment.id))) == 0


def test_no_kkt_means_no_cheque_row(sqlite_db: Database) -> None:
    clerk = make_staff(sqlite_db, "kassa1", StaffRole.CLERK)
    acc = make_account(sqlite_db)
    result = counter.take_payment(sqlite_db, clerk, _form(sqlite_db, acc.account_id, "100"), "k")
    assert result.cheque_id is None
    assert counter.register_cheque(sqlite_db, NoCashRegister(), clerk, result) is None
    assert _cheques(sqlite_db) == []


def test_killed_after_printing_gives_exactly_one_cheque_after_recovery(
    db: Database, kkt_emulator: KktEmulator
) -> None:
    clerk = make_staff(db, "kassa1", StaffRole.CLERK)
    acc = make_account(db)
    settings = _settings(kkt_emulator)
    kkt = cash_register(settings)
    result = counter.take_payment(db, clerk, _form(db, acc.account_id, "300"), "k-dies",
                                  settings=settings)  # fmt: skip
    kkt_emulator.fault("die_after_print", 1)
    state = counter.register_cheque(db, kkt, clerk, result)
    assert state is not None and not state.registered
    assert state.status is FiscalChequeStatus.PENDING
    assert "Нет связи с кассой" in state.error and "оплата сохранена" in state.error
    kkt_emulator.wait_dead()
    # Still dead: the retry changes nothing and says so.
    summary = journal.retry_pending(db, kkt, clerk)
    assert summary.registered == 0 and summary.still_pending == 1
    kkt_emulator.start()
    summary = journal.retry_pending(db, kkt, clerk)
    assert summary.registered == 1 and summary.still_pending == 0
    assert len(kkt_emulator.journal()) == 1  # the one printed before the crash, no second
    (row,) = _cheques(db)
    assert row.status is FiscalChequeStatus.REGISTERED and row.attempt == 1
    assert row.fd_number == kkt_emulator.journal()[0]["fiscalParams"]["fiscalDocumentNumber"]


def test_a_timeout_after_printing_asks_before_sending_again(
    sqlite_db: Database, kkt_emulator: KktEmulator
) -> None:
    clerk = make_staff(sqlite_db, "kassa1", StaffRole.CLERK)
    acc = make_account(sqlite_db)
    settings = Settings(kkt_url=kkt_emulator.url, kkt_timeout_s=0.5)
    kkt = cash_register(settings)
    result = counter.take_payment(sqlite_db, clerk, _form(sqlite_db, acc.account_id, "300"),
                                  "k-hangs", settings=settings)  # fmt: skip
    kkt_emulator.fault("hang_after_print", 1)
    state = counter.register_cheque(sqlite_db, kkt, clerk, result)
    assert state is not None and not state.registered and "не ответила" in state.error
    assert journal.pending_count(sqlite_db) == 1
    assert journal.retry_pending(sqlite_db, kkt, clerk).registered == 1
    assert len(kkt_emulator.journal()) == 1


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("paper_out", "закончилась бумага"),
        ("fn_full", "Фискальный накопитель"),
        ("shift_expired", "Смена открыта более 24 часов: закройте смену (Z-отчёт) и откройте"),
    ],
)
def test_device_errors_reach_the_clerk_in_russian_and_the_payment_stays(
    sqlite_db: Database, kkt_emulator: KktEmulator, fault: str, words: str
) -> None:
    clerk = make_staff(sqlite_db, "kassa1", StaffRole.CLERK)
    acc = make_account(sqlite_db)
    settings = _settings(kkt_emulator)
    kkt = cash_register(settings)
    result = counter.take_payment(sqlite_db, clerk, _form(sqlite_db, acc.account_id, "300"),
                                  "k", settings=settings)  # fmt: skip
    kkt_emulator.fault(fault)
    state = counter.register_cheque(sqlite_db, kkt, clerk, result)
    assert state is not None and words in state.error and "оплата сохранена" in state.error
    assert kkt_emulator.journal() == []
    kkt_emulator.fault("")
    assert journal.retry_pending(sqlite_db, kkt, clerk).registered == 1
    (row,) = _cheques(sqlite_db)
    assert row.attempt == 2  # the refused uuid is never reused
    assert len(kkt_emulator.journal()) == 1


def test_an_expired_shift_by_the_clock(sqlite_db: Database, kkt_emulator: KktEmulator) -> None:
    clerk = make_staff(sqlite_db, "kassa1", StaffRole.CLERK)
    acc = make_account(sqlite_db)
    settings = _settings(kkt_emulator)
    kkt = cash_register(settings)
    first = counter.take_payment(sqlite_db, clerk, _form(sqlite_db, acc.account_id, "100"), "a",
                                 settings=settings)  # fmt: skip
    assert counter.register_cheque(sqlite_db, kkt, clerk, first).registered  # type: ignore[union-attr]
    kkt_emulator.advance(25 * 3600)
    second = counter.take_payment(sqlite_db, clerk, _form(sqlite_db, acc.account_id, "100"), "b",
                                  settings=settings)  # fmt: skip
    state = counter.register_cheque(sqlite_db, kkt, clerk, second)
    assert state is not None and state.error_code == "68"
    assert kkt.status().shift.value == "expired"


def test_200_payments_with_random_faults(db: Database, kkt_emulator: KktEmulator) -> None:
    """Cheques in the ККТ's journal = payments, and its cash total = the ledger's cash."""
    clerk = make_staff(db, "kassa1", StaffRole.CLERK)
    accounts = [make_account(db, number=f"10000{i:05d}") for i in range(5)]
    settings = Settings(kkt_url=kkt_emulator.url, kkt_timeout_s=0.5)
    kkt = cash_register(settings)
    rng = random.Random(17)
    faults = ["paper_out", "die_after_print", "hang_after_print", "fn_full", "kill"]
    payments: list[counter.PaymentResult] = []
    for n in range(200):
        if rng.random() < 0.15:
            fault = rng.choice(faults)
            if fault == "kill":
                kkt_emulator.kill()
            elif kkt_emulator.alive():
                kkt_emulator.fault(fault, 1)
        if not kkt_emulator.alive() and rng.random() < 0.5:
            kkt_emulator.wait_dead() if kkt_emulator.proc else None
            kkt_emulator.start()
        method = PaymentMethod.CASH if n % 3 else PaymentMethod.CARD
        total = f"{rng.randint(50, 3000)}.{rng.randint(0, 99):02d}"
        cash = Decimal(total) if method is PaymentMethod.CASH else None
        form = _form(db, accounts[n % 5].account_id, total, method=method, cash_received=cash)
        result = counter.take_payment(db, clerk, form, f"p{n}", settings=settings)
        payments.append(result)
        counter.register_cheque(db, kkt, clerk, result)
        if not kkt_emulator.alive() and kkt_emulator.proc is not None:
            kkt_emulator.wait_dead()
    if not kkt_emulator.alive():
        kkt_emulator.start()
    kkt_emulator.fault("")
    for _ in range(5):
        if journal.retry_pending(db, kkt, clerk, limit=500).still_pending == 0:
            break
    assert journal.pending_count(db) == 0
    printed = kkt_emulator.journal()
    assert len(printed) == len(payments) == 200
    assert sorted(p["uuid"].rsplit(".", 1)[0] for p in printed) == sorted(
        f"pay-p{n}" for n in range(200)
    )
    with db.read() as session:
        ledger_cash = session.scalar(
            select(func.sum(Payment.amount)).where(Payment.method == PaymentMethod.CASH)
        )
        ledger_card = session.scalar(
            select(func.sum(Payment.amount)).where(Payment.method == PaymentMethod.CARD)
        )
    totals = kkt.x_report()
    assert totals.sell_count == 200
    assert totals.sell_cash == ledger_cash and totals.sell_electronically == ledger_card
    fds = [r.fd_number for r in _cheques(db)]
    assert len(set(fds)) == 200
    with db.read() as session:
        errors = session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "fiscal.cheque_error")
        )
    assert (errors or 0) >= 10  # the faults did happen
    assert sum(1 for r in _cheques(db) if r.attempt > 1) >= 3  # and refused uuids moved on


def test_a_refund_cheque_through_the_journal(
    sqlite_db: Database, kkt_emulator: KktEmulator
) -> None:
    """What the cash desk's refunds use: a «возврат прихода» row pending with the refund, sent
    once; the ККТ's shift totals count it as a return."""
    from console.models import RefundApplication
    from console.services.fiscal.device import Cashier, Cheque, ChequeKind, ChequeLine, Tender
    from tests.support.factories import make_decided_refund

    clerk = make_staff(sqlite_db, "kassa1", StaffRole.CLERK)
    boss = make_staff(sqlite_db, "boss1", StaffRole.SUPERVISOR)
    acc = make_account(sqlite_db)
    refund_id = make_decided_refund(
        sqlite_db, acc.account_id, registered_by=clerk, reviewed_by=boss, status="approved",
        amount=Decimal("100.00"),
    )  # fmt: skip
    kkt = cash_register(_settings(kkt_emulator))
    cheque = Cheque(
        key=f"refund-{refund_id}", kind=ChequeKind.SELL_RETURN,
        lines=(ChequeLine("Электроснабжение", Decimal("100.00")),), tender=Tender.CASH,
        cashier=Cashier(clerk.full_name),
    )  # fmt: skip
    with sqlite_db.transaction() as session:
        assert session.get(RefundApplication, refund_id) is not None
        journal.add_pending(session, clerk, cheque, refund_id=refund_id)
    state = journal.register_refund_cheque(sqlite_db, kkt, clerk, refund_id)
    assert state is not None and state.registered
    assert journal.register_refund_cheque(sqlite_db, kkt, clerk, refund_id) == state
    totals = kkt.x_report()
    assert totals.return_cash == Decimal("100.00") and totals.return_count == 1
    assert [p["type"] for p in kkt_emulator.journal()] == ["sellReturn"]


def test_the_kkt_servers_login_comes_from_the_keyring() -> None:
    import keyring

    from console.services.fiscal.factory import KEYRING_SERVICE, keyring_user

    url = "http://10.0.0.7:16732"
    assert cash_register(Settings(kkt_url=url))._auth is None  # type: ignore[attr-defined]
    keyring.set_password(KEYRING_SERVICE, keyring_user(url + "/"), "kassa:секрет")
    try:
        kkt = cash_register(Settings(kkt_url=url))
        assert kkt._auth == ("kassa", "секрет")  # type: ignore[attr-defined]
    finally:
        keyring.delete_password(KEYRING_SERVICE, keyring_user(url))


@pytest.mark.parametrize("reached_the_kkt", [True, False])
def test_the_console_crashing_mid_send_never_doubles_or_loses_a_cheque(
    sqlite_db: Database, kkt_emulator: KktEmulator, reached_the_kkt: bool
) -> None:
    """The console died after committing «sent» — with the cheque at the ККТ or not. The next
    start asks the ККТ for the uuid before sending: one cheque either way."""
    import datetime as dt

    clerk = make_staff(sqlite_db, "kassa1", StaffRole.CLERK)
    acc = make_account(sqlite_db)
    settings = _settings(kkt_emulator)
    kkt = cash_register(settings)
    result = counter.take_payment(sqlite_db, clerk, _form(sqlite_db, acc.account_id, "300"),
                                  "crash", settings=settings)  # fmt: skip
    with sqlite_db.transaction() as session:  # what send() commits before it sends
        row = session.get(FiscalCheque, result.cheque_id)
        assert row is not None
        row.sent_at, row.attempts = dt.datetime.now(dt.UTC), 1
        content, contact = row.content, row.customer_contact
    if reached_the_kkt:  # …and the ККТ printed it; then the console died before recording it
        kkt.register(journal.cheque_from_content("pay-crash.1", content, contact))
    summary = journal.retry_pending(sqlite_db, kkt, clerk)  # the next start
    assert summary.registered == 1 and summary.still_pending == 0
    printed = kkt_emulator.journal()
    assert len(printed) == 1
    assert printed[0]["uuid"] == ("pay-crash.1" if reached_the_kkt else "pay-crash.2")
    (row,) = _cheques(sqlite_db)
    assert row.fd_number == printed[0]["fiscalParams"]["fiscalDocumentNumber"]

"""A payment far above what is due asks for confirmation with the sum in words; above the hard
ceiling a supervisor must approve. And the sum-in-words function itself."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from console.models import AuditEvent, Payment
from console.models.enums import PaymentMethod, StaffRole
from console.services.core.database import Database
from console.services.core.words import amount_in_words, number_in_words, plural
from console.services.payments import counter
from console.settings import Settings
from tests.support.factories import add_charge, make_account, make_staff


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0.05", "ноль рублей 05 копеек"),
        ("1", "один рубль 00 копеек"),
        ("2.01", "два рубля 01 копейка"),
        ("11.11", "одиннадцать рублей 11 копеек"),
        ("21.21", "двадцать один рубль 21 копейка"),
        ("112", "сто двенадцать рублей 00 копеек"),
        ("1000", "одна тысяча рублей 00 копеек"),
        ("2000", "две тысячи рублей 00 копеек"),
        ("5000", "пять тысяч рублей 00 копеек"),
        ("1001000.50", "один миллион одна тысяча рублей 50 копеек"),
        (
            "99999999",
            "девяносто девять миллионов девятьсот девяносто девять тысяч девятьсот "
            "девяносто девять рублей 00 копеек",
        ),
        ("1000000000", "один миллиард рублей 00 копеек"),
    ],
)
def test_amount_in_words(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


def test_numbers_and_plurals() -> None:
    assert number_in_words(0) == "ноль"
    assert number_in_words(12, feminine=True) == "двенадцать"
    assert number_in_words(22, feminine=True) == "двадцать две"
    assert number_in_words(-3) == "минус три"
    assert [plural(n, "рубль", "рубля", "рублей") for n in (1, 3, 5, 11, 14, 21, 111)] == [
        "рубль", "рубля", "рублей", "рублей", "рублей", "рубль", "рублей",
    ]  # fmt: skip


def _form(db: Database, account_id: int, total: str, **kw: object) -> counter.PaymentForm:
    dues = counter.account_dues(db, account_id)
    parts = counter.split(Decimal(total), dues.dues(), main=dues.main_service_id)
    values: dict[str, object] = {"method": PaymentMethod.CARD, "confirmed": True}
    values.update(kw)
    return counter.PaymentForm(account_id, Decimal(total), parts, **values)  # type: ignore[arg-type]


def _payments(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count(Payment.id))) or 0)


def test_far_above_the_due_asks_for_confirmation_in_words(db: Database) -> None:
    clerk = make_staff(db, "kassa", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("1200.00"))
    with pytest.raises(counter.LargePaymentError) as caught:
        counter.take_payment(db, clerk, _form(db, acc.account_id, "12000.01"), "k1")
    assert not caught.value.needs_supervisor
    assert "двенадцать тысяч рублей 01 копейка" in str(caught.value)
    assert _payments(db) == 0
    # Ten times the due is still plausible; confirmed, the large one goes through, audited.
    counter.take_payment(db, clerk, _form(db, acc.account_id, "12000.00"), "k2")
    counter.take_payment(db, clerk, _form(db, acc.account_id, "12000.01",
                                          large_confirmed=True), "k3")  # fmt: skip
    with db.read() as session:
        assert (
            session.scalar(
                select(func.count(AuditEvent.id)).where(
                    AuditEvent.action == "payment.large_confirmed"
                )
            )
            == 1
        )


def test_cash_above_the_office_ceiling_asks(sqlite_db: Database) -> None:
    clerk = make_staff(sqlite_db, "kassa", StaffRole.CLERK)
    acc = make_account(sqlite_db)
    add_charge(sqlite_db, acc.account_id, Decimal("60000.00"))
    settings = Settings(payment_office_ceiling=Decimal("50000"))
    cash = {"method": PaymentMethod.CASH, "cash_received": Decimal("60000")}
    with pytest.raises(counter.LargePaymentError, match="предела офиса"):
        counter.take_payment(sqlite_db, clerk, _form(sqlite_db, acc.account_id, "60000", **cash),
                             "k1", settings=settings)  # fmt: skip
    # The same sum by card is what is due: nothing to ask.
    counter.take_payment(sqlite_db, clerk, _form(sqlite_db, acc.account_id, "60000"), "k2",
                         settings=settings)  # fmt: skip


def test_above_the_hard_ceiling_a_supervisor_approves(db: Database) -> None:
    clerk = make_staff(db, "kassa", StaffRole.CLERK)
    boss = make_staff(db, "boss", StaffRole.SUPERVISOR)
    acc = make_account(db)
    big = "99999999"
    with pytest.raises(counter.LargePaymentError) as caught:
        counter.take_payment(db, clerk, _form(db, acc.account_id, big), "k1")
    assert caught.value.needs_supervisor
    assert "девяносто девять миллионов" in str(caught.value)
    with pytest.raises(counter.LargePaymentError):  # confirmed by the clerk alone: not enough
        counter.take_payment(db, clerk, _form(db, acc.account_id, big, large_confirmed=True), "k2")
    assert _payments(db) == 0
    # The supervisor signed in at their own desk approves by taking it.
    paid = counter.take_payment(db, boss, _form(db, acc.account_id, big, large_confirmed=True),
                                "k3")  # fmt: skip
    assert paid.amount == Decimal(big)

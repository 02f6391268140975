"""Refund registration under a real keyboard: Enter goes down the form and registers only from
the last field; Esc asks before the typed application is thrown away."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from console.models import RefundApplication
from console.models.enums import PaymentMethod, StaffRole
from console.services.core.database import Database
from console.services.payments import counter
from tests.support.factories import add_charge, make_account, make_staff, stored_identity
from tests.support.xserver import Desk, XServer


def _refunds(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(RefundApplication)) or 0)


@pytest.fixture
def overpaid(sqlite_db: Database) -> tuple[int, str]:
    clerk = make_staff(sqlite_db, "clerk", StaffRole.CLERK)
    acc = make_account(sqlite_db)
    add_charge(sqlite_db, acc.account_id, Decimal("100.00"))
    dues = counter.account_dues(sqlite_db, acc.account_id)
    form = counter.PaymentForm(
        acc.account_id, Decimal("600.00"), counter.split(Decimal("600.00"), dues.dues()),
        PaymentMethod.CARD, confirmed=True,
    )  # fmt: skip
    counter.take_payment(sqlite_db, clerk, form, uuid.uuid4().hex)
    stored = stored_identity(sqlite_db, acc.customer_id)
    return acc.account_id, f"{stored.series} {stored.number}"


@pytest.fixture
def refund_desk(
    xserver: XServer, sqlite_db: Database, overpaid: tuple[int, str]
) -> Iterator[tuple[Desk, int]]:
    desk = Desk(
        xserver, "--database", str(sqlite_db.engine.url), "--login", "clerk",
        "--dialog", "refund", "--account", str(overpaid[0]), "--settle", "300",
        "--shot", "/tmp/screens-png/refund-xvfb-1366x768.png",
    )  # fmt: skip
    try:
        _, window, x, y, width, height = desk.expect("READY").split()
        assert int(y) + int(height) <= xserver.height and int(x) + int(width) <= xserver.width
        yield desk, int(window)
    finally:
        desk.close()


def test_enter_goes_down_the_form_and_registers_from_the_last_field(
    xserver: XServer, sqlite_db: Database, overpaid: tuple[int, str],
    refund_desk: tuple[Desk, int],
) -> None:  # fmt: skip
    desk, window = refund_desk
    xserver.type(window, overpaid[1])  # the focus starts in the passport
    xserver.key(window, "Return")  # → amount, nothing registered
    desk.settle(1.0)
    assert desk.said("PAGE") == [] and _refunds(sqlite_db) == 0
    xserver.key(window, "Return", "Return", "space", "Return")  # reason, payments (ticked), payout
    xserver.key(window, "Right")  # cash at the office: the bank fields go grey
    xserver.key(window, "Return")  # the last field: «Зарегистрировать»
    desk.expect("PAGE 1", timeout=20)
    assert _refunds(sqlite_db) == 1
    xserver.key(window, "Escape")  # registered: nothing to lose, closes without a question
    desk.expect("DONE 0")
    assert desk.said("MODAL") == []


def test_escape_with_a_typed_passport_asks(
    xserver: XServer, overpaid: tuple[int, str], refund_desk: tuple[Desk, int]
) -> None:
    desk, window = refund_desk
    xserver.type(window, overpaid[1])
    xserver.key(window, "Escape")
    assert "Закрыть_без_сохранения?" in desk.expect("MODAL")
    xserver.key_focused("Escape")  # «Нет»
    desk.expect("CLOSED")
    desk.settle(0.5)
    assert desk.said("DONE") == []

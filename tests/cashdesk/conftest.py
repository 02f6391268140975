"""A world for the cash desk: a clerk, two supervisors, an account with an overpayment."""

from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal
from typing import Any

from console.models.enums import PaymentMethod, RefundPayout, RefundReason, StaffRole
from console.services.core.database import Database
from console.services.fiscal.device import CashRegister
from console.services.fiscal.factory import cash_register
from console.services.payments import counter
from console.services.refunds import applications
from console.services.refunds.applications import RefundRequest
from console.services.staff.actor import Actor
from console.settings import Settings
from tests.support.factories import AccountIds, add_charge, make_account, make_staff
from tests.support.factories import stored_identity as stored_identity
from tests.support.kkt_process import KktEmulator


@dataclasses.dataclass
class Desk:
    clerk: Actor
    boss: Actor
    boss2: Actor
    acc: AccountIds
    passport: str


def make_desk(db: Database) -> Desk:
    tag = uuid.uuid4().hex[:6]
    clerk = make_staff(db, f"kassa{tag}", StaffRole.CLERK)
    boss = make_staff(db, f"boss{tag}", StaffRole.SUPERVISOR)
    boss2 = make_staff(db, f"chief{tag}", StaffRole.SUPERVISOR)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("100.00"))
    stored = stored_identity(db, acc.customer_id)
    return Desk(clerk, boss, boss2, acc, f"{stored.series} {stored.number}")


def register_of(emulator: KktEmulator) -> CashRegister:
    """The console's own ATOL adapter talking to the emulator process, as a desk would."""
    return cash_register(Settings(kkt_url=emulator.url, kkt_timeout_s=2))


def returns(emulator: KktEmulator) -> list[dict[str, Any]]:
    """The «возврат прихода» cheques the emulator registered, in order."""
    return [task for task in emulator.journal() if task["type"] == "sellReturn"]


def pay(db: Database, actor: Actor, account_id: int, total: str, cash: bool = True) -> int:
    dues = counter.account_dues(db, account_id)
    amount = Decimal(total)
    form = counter.PaymentForm(
        account_id, amount, counter.split(amount, dues.dues()),
        PaymentMethod.CASH if cash else PaymentMethod.CARD, confirmed=True,
        cash_received=amount if cash else None,
    )  # fmt: skip
    return counter.take_payment(db, actor, form, uuid.uuid4().hex).payment_id


def approved_refund(
    db: Database,
    desk: Desk,
    amount: str,
    payout: RefundPayout = RefundPayout.CASH,
    *,
    boss_db: Database | None = None,
) -> int:
    """An application registered by the clerk and approved by the first supervisor (over
    ``boss_db``, the supervisor's own connection, where given)."""
    extra: dict[str, object] = {}
    if payout is RefundPayout.BANK_TRANSFER:
        extra = {"recipient_name": "Иванов Пётр Сергеевич", "bic": "045354601",
                 "settlement_account": "40702810946000003481"}  # fmt: skip
    request = RefundRequest(
        account_id=desk.acc.account_id, applicant_id=desk.acc.customer_id,
        passport=desk.passport, amount=Decimal(amount), reason=RefundReason.OVERPAYMENT,
        payout=payout, **extra,  # type: ignore[arg-type]
    )  # fmt: skip
    rid = applications.register_refund(db, desk.clerk, request).summary.refund_id
    applications.approve(boss_db or db, desk.boss, rid)
    return rid

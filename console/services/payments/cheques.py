"""A counter payment's fiscal cheque (ФФД 1.2) and its plausibility check.

Content of the cheque:
- one position per service of the payment's split, named as in the services table;
- признак способа расчёта by the ``fiscal_payment_scheme`` setting: ``full`` — «полный расчёт»
  for every position; ``debt`` — «оплата кредита» for the part of a service's sum that covers
  its debt already charged (the ledger balance due), «полный расчёт» for the rest (a position
  is then split in two). Which one applies is the retailer's tax adviser's call, hence a setting;
- признак предмета расчёта «услуга» (``service``);
- НДС from ``fiscal_vat``, a map of supplier code → rate ("*" is the default): a setting
  rather than a suppliers' column because the rate depends on the retailer's and the agent's
  tax regime as configured at their ККТ, not on reference data clerks see; a column is the
  natural next step once the reference data gets an editor for it;
- for a service collected for another supplier (``services.recipient_id``: ВДГО for АО
  «Газпром газораспределение…» on the demo data) the agent data: «платёжный агент», the
  supplier's name, ИНН and phone (tags 1222, 1224–1226);
- tender: cash for cash, «безналичными» for a card;
- the customer's e-mail or phone (tag 1008) when given in the payment dialog, so the ОФД sends
  the electronic copy. It is validated here and never written to a log or the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import Account, Service, Supplier
from console.models.enums import PaymentMethod
from console.services.core.errors import ValidationError
from console.services.core.formatting import money
from console.services.core.words import amount_in_words
from console.services.fiscal.device import (
    AgentInfo,
    Cashier,
    Cheque,
    ChequeKind,
    ChequeLine,
    PaymentMethodSign,
    Tender,
    Vat,
)
from console.services.staff.actor import Actor
from console.settings import Settings

EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def customer_contact(raw: str | None) -> str:
    """The customer's e-mail or phone for tag 1008, normalised ("" when none was given).

    A phone becomes +7XXXXXXXXXX (a leading 8 is read as +7); anything else must be an e-mail."""
    text = (raw or "").strip()
    if not text:
        return ""
    if "@" in text:
        if len(text) > 64 or not EMAIL.match(text):
            raise ValidationError(
                "Электронная почта для чека указана неверно: например, ivanova@mail.ru.",
                "customer_contact",
            )
        return text
    digits = re.sub(r"[\s()+-]", "", text)
    if not digits.isdigit():
        raise ValidationError(
            "Для чека укажите электронную почту или телефон (например, +7 912 345-67-89).",
            "customer_contact",
        )
    international = text.startswith("+")
    if len(digits) == 11 and (digits[0] == "7" or (digits[0] == "8" and not international)):
        digits = digits[1:]
    elif international:
        digits = ""
    if len(digits) != 10:
        raise ValidationError(
            "Телефон для чека — 10 цифр после +7, например +7 912 345-67-89.", "customer_contact"
        )
    return "+7" + digits


def vat_for(settings: Settings, supplier_code: str) -> Vat:
    table = dict(settings.fiscal_vat)
    raw = table.get(supplier_code, table.get("*", "none"))
    return Vat(raw) if raw in Vat._value2member_map_ else Vat.NONE


def build_cheque(
    session: Session,
    actor: Actor,
    account: Account,
    parts: Mapping[int, Decimal],
    dues: Mapping[int, Decimal],
    *,
    key: str,
    method: PaymentMethod,
    cash_received: Decimal | None,
    contact: str,
    settings: Settings,
) -> Cheque:
    """The «приход» cheque of a counter payment split as ``parts`` (service id → sum)."""
    services = {s.id: s for s in session.scalars(select(Service).where(Service.id.in_(parts)))}
    wanted = {account.supplier_id} | {s.recipient_id for s in services.values() if s.recipient_id}
    suppliers = {s.id: s for s in session.scalars(select(Supplier).where(Supplier.id.in_(wanted)))}
    own = suppliers[account.supplier_id]
    lines: list[ChequeLine] = []
    for sid, part in parts.items():
        if part <= 0:
            continue
        service = services[sid]
        recipient = suppliers.get(service.recipient_id) if service.recipient_id else None
        agent = None
        if recipient is not None and recipient.id != own.id:
            phones = (recipient.phone,) if recipient.phone else ()
            agent = AgentInfo(recipient.name, recipient.inn, phones, "payingAgent")
        vat = vat_for(settings, (recipient or own).code)
        portions: list[tuple[Decimal, PaymentMethodSign]] = [(part, PaymentMethodSign.FULL_PAYMENT)]
        if settings.fiscal_payment_scheme == "debt":
            debt = min(part, max(dues.get(sid, Decimal("0.00")), Decimal("0.00")))
            portions = [
                (debt, PaymentMethodSign.CREDIT_PAYMENT),
                (part - debt, PaymentMethodSign.FULL_PAYMENT),
            ]
        for amount, sign in portions:
            if amount > 0:
                lines.append(ChequeLine(service.name, amount, vat, sign, "service", agent))
    return Cheque(
        key=key,
        kind=ChequeKind.SELL,
        lines=tuple(lines),
        tender=Tender.CASH if method is PaymentMethod.CASH else Tender.ELECTRONICALLY,
        cashier=Cashier(actor.full_name, settings.kkt_cashier_inn),
        customer_contact=contact,
        paid=cash_received if method is PaymentMethod.CASH else None,
    )


@dataclass(frozen=True)
class Plausibility:
    """Whether a sum needs a confirmation (``confirm``) or a supervisor (``supervisor``)."""

    confirm: bool
    supervisor: bool
    message: str = ""


def plausibility(
    total: Decimal, total_due: Decimal, method: PaymentMethod, settings: Settings
) -> Plausibility:
    """A payment far above what is due (more than ``payment_confirm_factor`` × the amount due,
    the due taken as at least ``payment_confirm_floor`` so that a small advance on a settled
    account asks nothing), or above the office's cash ceiling, asks for confirmation with the sum
    in words; above ``payment_hard_ceiling`` a supervisor must approve."""
    words = f"{money(total, currency=True)} ({amount_in_words(total)})"
    if total > settings.payment_hard_ceiling:
        return Plausibility(
            True, True,
            f"Сумма {words} больше {money(settings.payment_hard_ceiling, currency=True)}: "
            "такой платёж принимается только с подтверждением руководителя офиса.",
        )  # fmt: skip
    basis = max(total_due, settings.payment_confirm_floor)
    if total > basis * settings.payment_confirm_factor:
        return Plausibility(
            True, False,
            f"Сумма {words} намного больше начисленного к оплате "
            f"({money(total_due, currency=True)}). Проверьте сумму и подтвердите.",
        )  # fmt: skip
    if method is PaymentMethod.CASH and total > settings.payment_office_ceiling:
        return Plausibility(
            True, False,
            f"Наличными {words} — больше предела офиса "
            f"{money(settings.payment_office_ceiling, currency=True)}. Проверьте сумму и "
            "подтвердите.",
        )  # fmt: skip
    return Plausibility(False, False)

"""``console account NUMBER [--supplier CODE] [--json]``: what the account card shows."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from console.commands.common import connect, print_json, settings_from
from console.services.core.formatting import date, money, period_key

if TYPE_CHECKING:
    from console.services.account.card import AccountCardData, StatementLine


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("account", parents=[common], help="карточка лицевого счёта")
    p.add_argument("number", metavar="НОМЕР", help="номер лицевого счёта")
    p.add_argument("--supplier", metavar="КОД", help="код поставщика, если номер не уникален")
    p.add_argument("--json", action="store_true", help="вывести карточку в JSON")
    p.set_defaults(handler=run)


def plain(value: Decimal | None) -> str | None:
    """A register value without trailing zeros: Decimal("1200.000") → "1200"."""
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def run(args: argparse.Namespace) -> int:
    from console.services.account import card as account_card

    settings = settings_from(args)
    database = connect(settings)
    try:
        account_id = account_card.find_account_id(database, args.number, args.supplier)
        card = account_card.load_card(
            database, account_id, reading_window_last_day=settings.reading_window_last_day
        )
        statements = account_card.statements(database, account_id)
    finally:
        database.dispose()
    data = card_json(card, statements)
    if args.json:
        print_json(data)
    else:
        _print_text(card)
    return 0


def card_json(card: AccountCardData, statements: tuple[StatementLine, ...]) -> dict[str, Any]:
    """The card as JSON: money as strings with two decimals, dates as ISO, periods "YYYY-MM"."""
    return {
        "number": card.number,
        "supplier": card.supplier,
        "status": card.status,
        "holder": card.holder.name if card.holder else None,
        "people": [
            {"name": p.name, "relation": p.relation, "passport": p.passport_masked}
            for p in ((card.holder,) if card.holder else ()) + card.others
        ],
        "address": card.address,
        "area": None if card.area is None else f"{card.area:.2f}",
        "rooms": card.rooms,
        "residents": card.residents,
        "balance": f"{card.balance:.2f}",
        "amount_due": f"{card.amount_due:.2f}",
        "last_payment": None
        if card.last_payment_at is None
        else {
            "date": card.last_payment_at.date().isoformat(),
            "amount": f"{card.last_payment_amount:.2f}",
        },
        "meters": [
            {
                "serial": m.serial,
                "model": m.model,
                "status": m.status,
                "next_verification_on": m.next_verification_on.isoformat()
                if m.next_verification_on
                else None,
                "zones": [
                    {
                        "zone": z.zone,
                        "name": z.zone_name,
                        "last_reading": plain(z.last_reading),
                        "last_taken_on": z.last_taken_on.isoformat() if z.last_taken_on else None,
                    }
                    for z in m.readings
                ],
            }
            for m in card.meters
        ],
        "statements": [
            {
                "period": period_key(s.period),
                "opening": f"{s.opening:.2f}",
                "charged": f"{s.charged:.2f}",
                "recalculated": f"{s.recalculated:.2f}",
                "paid": f"{s.paid:.2f}",
                "closing": f"{s.closing:.2f}",
            }
            for s in statements
        ],
        "notifications": [{"severity": n.severity, "text": n.text} for n in card.notifications],
    }


def _print_text(card: AccountCardData) -> None:
    print(f"Лицевой счёт {card.number} · {card.supplier} · {card.status_label}")
    if card.holder:
        print(f"Владелец: {card.holder.name} ({card.holder.relation_label})")
    print(f"Адрес: {card.address}")
    print(f"{card.balance_label}: {money(abs(card.balance), currency=True)}")
    if card.last_payment_at is not None:
        print(
            f"Последний платёж: {date(card.last_payment_at.date())}, "
            f"{money(card.last_payment_amount, currency=True)}"
        )
    for m in card.meters:
        zones = ", ".join(
            f"{z.zone_name} {plain(z.last_reading) or '—'} ({date(z.last_taken_on)})"
            for z in m.readings
        )
        print(f"Счётчик {m.serial} {m.model}: {zones}")
    for n in card.notifications:
        print(f"! {n.text}")

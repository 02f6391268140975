"""How an address and a name are written on screen: "г. Тюмень, ул. Ленина, д. 12, кв. 34"."""

from __future__ import annotations

from console.models import Customer, Premise


def format_address(
    settlement_type: str | None,
    settlement: str | None,
    street_type: str | None,
    street: str | None,
    house: str | None,
    building: str | None = None,
    flat: str | None = None,
) -> str:
    """The address as printed on a bill."""
    parts: list[str] = []
    if settlement:
        parts.append(f"{settlement_type} {settlement}" if settlement_type else settlement)
    if street:
        parts.append(f"{street_type} {street}" if street_type else street)
    if house:
        parts.append(f"д. {house}")
    if building:
        parts.append(f"корп. {building}")
    if flat:
        parts.append(f"кв. {flat}")
    return ", ".join(parts)


def person_name(person: Customer) -> str:
    """A customer's full name as the services write it: "Иванов Пётр Сергеевич"."""
    return full_name(person.last_name, person.first_name, person.middle_name)


def premise_address(premise: Premise) -> str:
    """A premise's address as printed on a bill: the one way the services write it."""
    return format_address(
        premise.settlement_type, premise.settlement, premise.street_type, premise.street,
        premise.house, premise.building, premise.flat,
    )  # fmt: skip


def full_name(last_name: str | None, first_name: str | None, middle_name: str | None) -> str:
    """ "Иванов Пётр Сергеевич"."""
    return " ".join(p for p in (last_name, first_name, middle_name) if p)

"""Batch printing: a street or a list of accounts in one PDF, with progress and cancel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.core.errors import PermissionDeniedError, ValidationError
from console.services.documents.batch import BatchSelection, render_batch, select_accounts
from tests.support.factories import AccountIds, make_account, make_closed_month, make_staff
from tests.support.pdf_tools import page_count, pdf_text

SEP = dt.date(2026, 9, 1)


@pytest.fixture
def street(db: Database) -> list[AccountIds]:
    made = []
    for house, flat in (("12", "10"), ("3", "2"), ("12", "9")):
        account = make_account(db, street="Лесная", house=house, flat=flat,
                               last_taken_on=dt.date(2026, 8, 20))  # fmt: skip
        make_closed_month(db, account, SEP, volume=Decimal("120"))
        made.append(account)
    other = make_account(db, street="Ленина", last_taken_on=dt.date(2026, 8, 20))
    make_closed_month(db, other, SEP)
    make_account(db, street="Лесная", house="40")  # not billed in September: not printed
    return made


def test_a_street_in_delivery_order_one_page_each(db: Database, street: list[AccountIds]) -> None:
    boss = make_staff(db, "boss", StaffRole.SUPERVISOR)
    ids = select_accounts(db, SEP, BatchSelection(street="лесная"))
    # д. 3 before д. 12; кв. 9 before кв. 10
    assert ids == (street[1].account_id, street[2].account_id, street[0].account_id)
    seen: list[tuple[int, int]] = []
    result = render_batch(db, boss, SEP, ids, progress=lambda d, t: seen.append((d, t)))
    assert result.pdf is not None and not result.cancelled
    assert page_count(result.pdf) == 3
    assert seen == [(1, 3), (2, 3), (3, 3)]
    for page, account in enumerate((street[1], street[2], street[0]), start=1):
        assert f"ЛИЦЕВОЙ СЧЕТ {account.number}" in pdf_text(result.pdf, page=page)
    one_house = select_accounts(db, SEP, BatchSelection(street="Лесная", house="12"))
    assert one_house == (street[2].account_id, street[0].account_id)


def test_a_list_keeps_its_order_and_names_unknown_numbers(
    db: Database, street: list[AccountIds]
) -> None:
    numbers = (street[2].number, street[0].number)
    ids = select_accounts(db, SEP, BatchSelection(account_numbers=numbers))
    assert ids == (street[2].account_id, street[0].account_id)
    with pytest.raises(ValidationError, match="9999999999"):
        select_accounts(db, SEP, BatchSelection(account_numbers=(*numbers, "9999999999")))
    assert len(select_accounts(db, SEP, BatchSelection(limit=2))) == 2


def test_cancel_stops_and_a_clerk_may_not_batch(db: Database, street: list[AccountIds]) -> None:
    boss = make_staff(db, "boss2", StaffRole.SUPERVISOR)
    ids = select_accounts(db, SEP, BatchSelection(street="Лесная"))
    pages: list[int] = []
    result = render_batch(
        db, boss, SEP, ids, progress=lambda d, t: pages.append(d), cancelled=lambda: len(pages) >= 1
    )
    assert result.cancelled and result.pdf is None and pages == [1]
    clerk = make_staff(db, "clerk3", StaffRole.CLERK)
    with pytest.raises(PermissionDeniedError):
        render_batch(db, clerk, SEP, ids)

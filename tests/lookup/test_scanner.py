"""A keyboard-wedge scanner at the counter: the bill's payment QR code (ГОСТ Р 56042) or a barcode
of the account number, typed into the search box with an Enter, opens that account's card."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from console.services.core.database import Database
from console.services.lookup.query import classify, payment_code_account
from console.services.lookup.search import search
from console.views.card.window import AccountCard
from console.views.main_window import MainWindow
from tests.lookup.test_search_panel import accounts, panel_of, type_text, window  # noqa: F401
from tests.support.factories import AccountIds, make_account

PAYLOAD = (
    "ST00012|Name=АО «ЭК «Восток»|PersonalAcc=40702810900000000001|BankName=ПАО Сбербанк"
    "|BIC=047102651|CorrespAcc=30101810800000000651|PayeeINN=7203000000|LastName=Сидоров"
    "|PersAcc={acc}|PaymPeriod=102026|Sum=154300|Purpose=Электроэнергия"
)


def test_the_account_is_the_persacc_field_not_the_payees_account() -> None:
    code = PAYLOAD.format(acc="4500099999")
    assert payment_code_account(code) == "4500099999"
    assert classify(code).kind == "payment_code"  # longer than a typed query may be: still read
    assert payment_code_account("ST00012|Name=X|PersonalAcc=40702810900000000001") == ""
    assert payment_code_account("4500099999") is None
    # Scanned while the Russian layout was on: the same letters on the same keys.
    typed_in_russian = "ЫЕ00012/Тфьу=Ч/ЗукыФсс=4500099999/Ызь=1"
    assert payment_code_account(typed_in_russian) == "4500099999"


def test_search_finds_the_account_of_the_code(sqlite_db: Database) -> None:
    make_account(sqlite_db, number="4500099999")
    found = search(sqlite_db, PAYLOAD.format(acc="4500099999"))
    assert [r.number for r in found.rows] == ["4500099999"]
    assert found.unique_exact is not None


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (PAYLOAD.format(acc="7299999999"), "Лицевой счёт 7299999999 из QR-кода не найден"),
        ("ST00012|Name=X|PersonalAcc=40702810900000000001", "нет номера лицевого счёта"),
    ],
)
def test_a_code_for_an_unknown_account_says_so(sqlite_db: Database, code: str, says: str) -> None:
    make_account(sqlite_db, number="4500099999")
    found = search(sqlite_db, code)
    assert found.rows == () and says in found.message


@pytest.mark.parametrize("scanned", [PAYLOAD.format(acc="4500099999"), "4500099999"])
def test_scanning_opens_the_card(  # type: ignore[no-untyped-def]
    qtbot,
    window: MainWindow,  # noqa: F811
    accounts: dict[str, AccountIds],  # noqa: F811
    scanned: str,
) -> None:
    panel = panel_of(window)
    type_text(panel.box, scanned)
    qtbot.keyClick(panel.box, Qt.Key.Key_Return)  # the scanner's own Enter, at once
    qtbot.waitUntil(lambda: isinstance(window.workspace.currentWidget(), AccountCard))
    card = window.workspace.currentWidget()
    assert isinstance(card, AccountCard)
    assert card.account_id == accounts["sidorov"].account_id


def test_scanning_an_unknown_account_says_so_in_the_hint(  # type: ignore[no-untyped-def]
    qtbot,
    window: MainWindow,  # noqa: F811
    accounts: dict[str, AccountIds],  # noqa: F811
) -> None:
    panel = panel_of(window)
    type_text(panel.box, PAYLOAD.format(acc="7299999999"))
    with qtbot.waitSignal(panel.searched, timeout=10_000):
        qtbot.keyClick(panel.box, Qt.Key.Key_Return)
    assert "7299999999 из QR-кода не найден" in panel.hint.text()
    assert window.workspace.currentWidget() is panel

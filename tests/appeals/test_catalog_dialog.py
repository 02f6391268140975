"""The administrator keeps deadlines per topic and the price list; a supervisor is refused."""

from __future__ import annotations

from decimal import Decimal

from console.models.enums import StaffRole
from console.services.appeals import catalog
from console.services.core.database import Database
from console.views.appeals.catalog_dialog import AppealCatalogDialog, PriceListModel
from tests.appeals.helpers import grab, view_context
from tests.support.factories import make_staff


def test_admin_edits_deadlines_and_prices(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    admin = make_staff(sqlite_db, "root", StaffRole.ADMIN)
    with view_context(sqlite_db, admin) as ctx:
        dialog = AppealCatalogDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 6 and bool(dialog.spins))
        complaint = next(t for t in dialog.topics if t.name == "Жалоба")
        spin = dialog.spins[complaint.id]
        spin.setValue(10)
        spin.editingFinished.emit()
        qtbot.waitUntil(lambda: "10 дн." in dialog.status.text())
        grab(dialog, "catalog-topics")

        dialog.tabs.setCurrentIndex(1)
        dialog.code.setText("meter_move")
        dialog.name.setText("Перенос прибора учёта")
        dialog.price.setText("12,5x")
        dialog.unit.setText("шт.")
        dialog.add_service()
        qtbot.waitUntil(dialog.errors["price"].isVisible)
        dialog.price.setText("1 200,50")
        dialog.add_service()
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 7)
        row = next(i for i, s in enumerate(dialog.model.rows()) if s.code == "meter_move")
        dialog.table.setCurrentIndex(dialog.model.index(row, 0))
        assert dialog.price.text() == "1 200,50"
        dialog.active.setChecked(False)
        dialog.save_service()
        qtbot.waitUntil(lambda: "Сохранено" in dialog.status.text())
        grab(dialog, "catalog-prices")
    assert {t.name: t.deadline_days for t in catalog.topics(sqlite_db)}["Жалоба"] == 10
    items = {s.code: s for s in catalog.paid_services(sqlite_db, active_only=False)}
    assert items["meter_move"].price == Decimal("1200.50") and not items["meter_move"].is_active


def test_a_supervisor_cannot_change_the_catalog(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    boss = make_staff(sqlite_db, "boss", StaffRole.SUPERVISOR)
    with view_context(sqlite_db, boss) as ctx:
        dialog = AppealCatalogDialog(ctx)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 6)
        first = next(iter(dialog.spins.values()))
        first.setValue(5)
        first.editingFinished.emit()
        qtbot.waitUntil(lambda: "администратор" in dialog.status.text())


def test_price_list_model(qtmodeltester, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    make_staff(sqlite_db, "x", StaffRole.CLERK)
    model = PriceListModel()
    model.set_rows(catalog.paid_services(sqlite_db))
    qtmodeltester.check(model)

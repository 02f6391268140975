"""Card plugin: «Ввести показания» (F6) and «Замена счётчика» on the account card."""

from __future__ import annotations

from console.views.common.plugins import CardHost
from console.views.readings.entry import ReadingEntryDialog
from console.views.readings.meter_replacement import MeterReplacementDialog


def install_card(card: CardHost) -> None:
    """Add the readings actions. The dialogs announce their writes (ctx.changes), so the card
    and every other open card of the account reload (their «Показания» tabs too)."""

    def enter_readings() -> None:
        ReadingEntryDialog(card.ctx, card.account_id, card).exec()

    def replace() -> None:
        MeterReplacementDialog(card.ctx, card.account_id, card).exec()

    # F6 next to F7 (клиент), F8 (обращение), F9 (оплата); F5 is the card's «Обновить».
    card.add_action("Ввести показания", "F6", enter_readings)
    card.add_action("Замена счётчика", None, replace)

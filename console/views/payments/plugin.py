"""Payments on the account card (F9, «Платежи и сторно») and the day's closing (office menu)."""

from __future__ import annotations

from PySide6.QtGui import QAction

from console.services.fiscal.device import CashRegister
from console.services.fiscal.factory import cash_register
from console.settings import Settings
from console.views.common.plugins import CardHost, WindowHost
from console.views.payments.cash_day_dialog import CashDayDialog
from console.views.payments.day_closing_dialog import DayClosingDialog
from console.views.payments.dialog import PaymentDialog
from console.views.payments.reversal_dialog import PaymentReversalDialog


def desk_register(settings: Settings) -> CashRegister | None:
    """The desk's fiscal cash register, or None where it has none (no reconciliation then)."""
    register = cash_register(settings)
    return register if register.fiscal else None


def install_card(card: CardHost) -> None:
    """«Принять оплату» and «Платежи» on an AccountCard.

    The dialogs announce payments and reversals on ``ctx.changes``: the card reloads itself.
    """
    ctx = card.ctx

    def take_payment() -> PaymentDialog:
        dialog = PaymentDialog(ctx, card.account_id, card)
        dialog.open()
        return dialog

    def payments_history() -> PaymentReversalDialog:
        dialog = PaymentReversalDialog(ctx, card.account_id, card)
        dialog.open()
        return dialog

    card.add_action("Принять оплату", "F9", take_payment)
    card.add_action(
        "Платежи и сторно" if ctx.actor.is_supervisor else "Платежи", None,
        payments_history,
    )  # fmt: skip


def install_window(window: WindowHost) -> None:
    """Office menu: closing the cash day (everyone at a till), the day's report (supervisors)."""
    ctx = window.ctx
    cash_day = QAction("Закрытие кассовой смены…", window)
    # This desk's cash register (kkt_url; the no-device register when there is none).
    cash_day.triggered.connect(
        lambda: CashDayDialog(ctx, window, register=desk_register(ctx.settings)).open()
    )
    window.office_menu.addAction(cash_day)
    if not ctx.actor.is_supervisor:
        return
    closing = QAction("Закрытие дня…", window)
    closing.triggered.connect(lambda: DayClosingDialog(ctx, window).open())
    window.office_menu.addAction(closing)

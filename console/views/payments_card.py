"""Payments and refunds on the account card (F9, «Возвраты») and in the office menu."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction

from console.views.day_closing_dialog import DayClosingDialog
from console.views.payment_dialog import PaymentDialog
from console.views.payment_reversal_dialog import PaymentReversalDialog
from console.views.refund_dialogs import RefundRegisterDialog
from console.views.refunds_tab import RefundQueueWidget, RefundsTab


def _tr(text: str) -> str:
    return QCoreApplication.translate("payments_card", text)


def install_card(card: Any) -> None:
    """Actions and the «Возвраты» tab on an AccountCard (see the card interface in PREAMBLE)."""
    ctx = card.ctx
    tab = RefundsTab(ctx, card.account_id, card)
    tab.changed.connect(card.refresh)
    if hasattr(card, "changed"):
        card.changed.connect(tab.reload)

    def take_payment() -> PaymentDialog:
        dialog = PaymentDialog(ctx, card.account_id, card)
        dialog.paid.connect(lambda _result: card.refresh())
        dialog.open()
        return dialog

    def new_refund() -> RefundRegisterDialog:
        dialog = tab.new_refund()
        return dialog

    def payments_history() -> PaymentReversalDialog:
        dialog = PaymentReversalDialog(ctx, card.account_id, card)
        dialog.reversed.connect(lambda _result: card.refresh())
        dialog.open()
        return dialog

    card.add_action(_tr("Принять оплату"), "F9", take_payment)
    card.add_action(_tr("Заявление на возврат"), None, new_refund)
    card.add_action(
        _tr("Платежи и сторно") if ctx.actor.is_supervisor else _tr("Платежи"), None,
        payments_history,
    )  # fmt: skip
    card.add_tab(tab, _tr("Возвраты"))


def install_window(window: Any) -> None:
    """Office menu: the day's closing and the queue of refund applications (supervisors)."""
    ctx = window.ctx
    if not ctx.actor.is_supervisor:
        return
    closing = QAction(_tr("Закрытие дня…"), window)
    closing.triggered.connect(lambda: DayClosingDialog(ctx, window).open())
    queue = QAction(_tr("Заявления на возврат на рассмотрении"), window)
    queue.triggered.connect(
        lambda: window.open_tab(
            RefundQueueWidget(ctx, ctx.actor.office_id), _tr("Возвраты: очередь"), "refund-queue"
        )
    )
    window.office_menu.addAction(closing)
    window.office_menu.addAction(queue)

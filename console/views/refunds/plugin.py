"""Refunds on the account card («Заявление на возврат», the «Возвраты» tab) and the supervisor's
queue of applications in the office menu."""

from __future__ import annotations

from PySide6.QtGui import QAction

from console.views.common.plugins import CardHost, WindowHost
from console.views.refunds.dialogs import RefundRegisterDialog
from console.views.refunds.tab import RefundQueueWidget, RefundsTab


def install_card(card: CardHost) -> None:
    """«Заявление на возврат» and the «Возвраты» tab on an AccountCard.

    Registering and deciding announce the account on ``ctx.changes``: the card reloads itself.
    """
    ctx = card.ctx
    tab = RefundsTab(ctx, card.account_id, card)
    if hasattr(card, "changed"):
        card.changed.connect(tab.reload)

    def new_refund() -> RefundRegisterDialog:
        return tab.new_refund()

    card.add_action("Заявление на возврат", None, new_refund)
    card.add_tab(tab, "Возвраты")


def install_window(window: WindowHost) -> None:
    """Office menu: the queue of refund applications awaiting review (supervisors)."""
    ctx = window.ctx
    if not ctx.actor.is_supervisor:
        return
    queue = QAction("Заявления на возврат на рассмотрении", window)
    queue.triggered.connect(
        lambda: window.open_tab(
            RefundQueueWidget(ctx, ctx.actor.office_id), "Возвраты: очередь", "refund-queue"
        )
    )
    window.office_menu.addAction(queue)

"""Plugin: the card's «Доставка по e-mail» tab and «Отправить по e-mail» (Ctrl+E): the month's
stored document to the account's address, recorded in the same log as the monthly run; and
«Офис» → «Рассылка платёжных документов по e-mail…» in the main window."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from console.services.documents.emailing import DeliveryLine, describe, email_document
from console.services.mail.transport import SmtpConfig
from console.views.common.context import ViewContext
from console.views.common.operations import Operation
from console.views.common.plugins import CardHost, WindowHost
from console.views.common.tasks import message_for
from console.views.documents.month_picker import MonthPickerDialog
from console.views.mail.delivery_tab import DeliveryTab
from console.views.mail.run_dialog import MailRunDialog

SEND_SHORTCUT = "Ctrl+E"
TAB_TITLE = "Доставка по e-mail"


def install_card(card: CardHost) -> None:
    tab = DeliveryTab(card.ctx, card.account_id, lambda: send_by_email(card), card)
    card.add_tab(tab, TAB_TITLE)
    card.add_action("Отправить по e-mail", SEND_SHORTCUT, lambda: send_by_email(card))
    card.changed.connect(tab.reload_if_loaded)


def install_window(window: WindowHost) -> None:
    """«Офис» → the month's mailing (a supervisor's, as batch printing is)."""
    action = QAction("Рассылка платёжных документов по e-mail…", window)
    action.setEnabled(window.ctx.actor.is_supervisor)
    action.triggered.connect(lambda: open_run(window))
    window.office_menu.addAction(action)


def open_run(window: QWidget) -> MailRunDialog:
    dialog = MailRunDialog(window.ctx, window)  # type: ignore[attr-defined]
    dialog.show()
    return dialog


def send_by_email(card: Any) -> MonthPickerDialog:
    """Month picker → the stored document e-mailed to the account's address → the outcome."""
    ctx: ViewContext = card.ctx
    account_id = card.account_id
    picker = MonthPickerDialog(ctx, account_id, card.account_number, card, offer_interim=False)
    picker.setWindowTitle(f"Отправить по e-mail — лицевой счёт {card.account_number}")
    picker.ok_button.setText("Отправить")

    def chosen() -> None:
        period = picker.selected_period()
        if period is not None:
            send_month(card, period)

    picker.accepted.connect(chosen)
    picker.open()
    return picker


def send_month(card: Any, period: dt.date) -> None:
    ctx: ViewContext = card.ctx
    account_id = card.account_id
    retry = dt.timedelta(minutes=ctx.settings.smtp_retry_minutes)

    def work() -> DeliveryLine:
        config = SmtpConfig.from_settings(ctx.settings)
        return email_document(ctx.db, ctx.actor, config, account_id, period, retry_after=retry)

    def done(line: DeliveryLine) -> None:
        title = "Отправка по e-mail"
        if line.status_label and line.last_error:
            QMessageBox.warning(card, title, describe(line))
        else:
            QMessageBox.information(card, title, describe(line))

    Operation(card, work).success(done).failure(
        lambda err: QMessageBox.warning(card, "Отправка по e-mail", message_for(err))
    ).changes_account(account_id).stale_key(f"email-{account_id}").run(ctx)

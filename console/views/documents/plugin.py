"""Plugin: «Платёжный документ» and «Отчёты» on the account card; batch printing and the office
day report in the main window's «Офис» menu."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from console.services.core.formatting import month_year
from console.services.documents.interim import InterimDocument, interim_document
from console.services.documents.issue import IssuedPaymentDocument, issue_payment_document
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.plugins import CardHost, WindowHost
from console.views.common.tasks import message_for
from console.views.documents.batch_print_dialog import BatchPrintDialog
from console.views.documents.month_picker import MonthPickerDialog
from console.views.documents.preview import show_preview
from console.views.documents.reports_dialog import ReportsDialog

DOCUMENT_SHORTCUT = "Ctrl+P"  # F8 is the appeal, F9 the payment
REPORTS_SHORTCUT = "Ctrl+Shift+P"


def install_card(card: CardHost) -> None:
    """Add the two actions to an AccountCard (interface: ctx, account_id, account_number)."""
    card.add_action("Платёжный документ", DOCUMENT_SHORTCUT, lambda: open_document(card))
    card.add_action("Отчёты", REPORTS_SHORTCUT, lambda: open_reports(card))


def open_document(card: Any, *, prefer_interim: bool = False) -> MonthPickerDialog:
    """Month picker → the stored (or newly issued) document → the preview; the month in
    progress gives the interim document (after readings: ``prefer_interim``)."""
    ctx: ViewContext = card.ctx
    account_id = card.account_id
    picker = MonthPickerDialog(
        ctx, account_id, card.account_number, card, prefer_interim=prefer_interim
    )

    def done(document: IssuedPaymentDocument) -> None:
        title = "Документ {0} · {1}".format(document.account_number, month_year(document.period))
        show_preview(card, document.content, document.file_name, title, ctx.settings)

    def done_interim(document: InterimDocument) -> None:
        title = "Предварительный расчёт {0} · {1}".format(
            document.account_number, month_year(document.period)
        )
        show_preview(card, document.content, document.file_name, title, ctx.settings)

    def chosen() -> None:
        period = picker.selected_period()
        if period is None:
            return
        if picker.selected_interim():
            run_op(
                ctx,
                card,
                lambda: interim_document(ctx.db, ctx.actor, account_id),
                done_interim,
                lambda error: _warn(card, "Предварительный расчёт", error),
                key=f"interim-{account_id}",
            )
            return
        run_op(
            ctx,
            card,
            lambda: issue_payment_document(ctx.db, ctx.actor, account_id, period),
            done,
            lambda error: _warn(card, "Платёжный документ", error),
            key=f"document-{account_id}",
        )

    picker.accepted.connect(chosen)
    picker.open()
    return picker


def open_reports(card: Any) -> ReportsDialog:
    dialog = ReportsDialog(
        card.ctx,
        card.account_id,
        card.account_number,
        on_preview=lambda pdf, name, title: show_preview(card, pdf, name, title, card.ctx.settings),
        parent=card,
    )
    dialog.show()
    return dialog


def install_window(window: WindowHost) -> None:
    """«Офис» → batch printing (supervisor) and the day's payments per clerk."""
    ctx: ViewContext = window.ctx
    batch_action = QAction("Пакетная печать платёжных документов…", window)
    batch_action.setEnabled(ctx.actor.is_supervisor)
    batch_action.triggered.connect(lambda: open_batch(window))
    window.office_menu.addAction(batch_action)
    day_action = QAction("Платежи за день по сотрудникам…", window)
    day_action.triggered.connect(lambda: open_office_reports(window))
    window.office_menu.addAction(day_action)


def open_batch(window: Any) -> BatchPrintDialog:
    dialog = BatchPrintDialog(
        window.ctx,
        on_ready=lambda pdf, name, title: show_preview(
            window, pdf, name, title, window.ctx.settings
        ),
        parent=window,
    )
    dialog.show()
    return dialog


def open_office_reports(window: Any) -> ReportsDialog:
    dialog = ReportsDialog(
        window.ctx,
        on_preview=lambda pdf, name, title: show_preview(
            window, pdf, name, title, window.ctx.settings
        ),
        parent=window,
    )
    dialog.show()
    return dialog


def _warn(parent: QWidget, title: str, error: Exception) -> None:
    QMessageBox.warning(parent, title, message_for(error))

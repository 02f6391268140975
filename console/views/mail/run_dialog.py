"""«Офис» → «Рассылка платёжных документов по e-mail…»: the monthly run for a closed month, from
the window (the same service as ``console documents email``). A rerun sends nothing twice."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from console.services.core.formatting import month_year
from console.services.documents.emailing import MailRunResult, email_month, mailing_months
from console.services.mail.transport import SmtpConfig
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.tasks import message_for


class MailRunDialog(QDialog):
    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mailRunDialog")
        self.setWindowTitle("Рассылка платёжных документов по e-mail")
        self.month = QComboBox(self)
        self.month.setObjectName("mailMonth")
        note = QLabel(
            "Каждому лицевому счёту с доставкой по e-mail отправляется его платёжный документ "
            "за месяц (сохранённый экземпляр). Повторный запуск не отправляет документ второй "
            "раз, а только повторяет неудавшиеся отправки.",
            self,
        )
        note.setWordWrap(True)
        self.outcome = QLabel("", self)
        self.outcome.setObjectName("mailResult")
        self.outcome.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.run_button = self.buttons.addButton(
            "Отправить", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.run_button.setObjectName("mailRun")
        self.run_button.setEnabled(False)
        close = self.buttons.addButton("Закрыть", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        self.run_button.clicked.connect(self.start)
        form = QFormLayout()
        form.addRow("Расчётный месяц:", self.month)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(560, 260)
        run_op(ctx, self, lambda: mailing_months(ctx.db), self._months, self._failed)

    def _months(self, months: tuple[dt.date, ...]) -> None:
        for period in months:
            self.month.addItem(month_year(period), period)
        self.run_button.setEnabled(bool(months))
        if not months:
            self.outcome.setText("Нет закрытых расчётных месяцев: отправлять нечего.")

    def start(self) -> None:
        period = self.month.currentData()
        if period is None:
            return
        ctx = self.ctx
        retry = dt.timedelta(minutes=ctx.settings.smtp_retry_minutes)
        self.run_button.setEnabled(False)
        self.outcome.setText("Отправка…")

        def work() -> MailRunResult:
            config = SmtpConfig.from_settings(ctx.settings)
            return email_month(ctx.db, ctx.actor, config, period, retry_after=retry)

        run_op(ctx, self, work, self._done, self._failed, key=f"mail-run-{id(self)}")

    def _done(self, r: MailRunResult) -> None:
        self.run_button.setEnabled(True)
        self.outcome.setText(
            f"{month_year(r.period)}: счетов с доставкой по e-mail — {r.accounts}. Отправлено "
            f"сейчас: {r.sent}; ошибка, будет повтор: {r.failed}; адрес не принят: {r.bounced}; "
            f"отправлено ранее: {r.already_sent}; ждут повтора: {r.waiting}."
            + (f" Не удалось выпустить документ: {r.not_queued}." if r.not_queued else "")
        )

    def _failed(self, error: Exception) -> None:
        self.run_button.setEnabled(True)
        self.outcome.setText(message_for(error))

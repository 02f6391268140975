"""Registration wizard page 5: the form with the consent, previewed, printed or saved as PDF."""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from console.services.documents import paper_refusal, registration_form
from console.services.registration.forms import HolderRelation, Person
from console.services.vocabulary.labels import label_of
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.tasks import message_for
from console.views.printing.printer import print_pdf
from console.views.registration.pages import wizard_of
from console.views.registration.widgets import error_label, show_error


class PrintPage(QWizardPage):
    """5. Печать: the registration form with the consent, for the customer's signature."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setTitle("Печать")
        self.setSubTitle("Распечатайте анкету и согласие и дайте клиенту подписать.")
        self.setFinalPage(True)
        self.pdf: bytes | None = None
        self.summary = QLabel(self)
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.error = error_label(self)
        self.print_button = QPushButton("&Печать… (Ctrl+P)", self)
        self.print_button.setObjectName("printForm")
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.save_button = QPushButton("Сохранить &PDF…", self)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("preview")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._buffer: QBuffer | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.view, 1)
        self.print_button.clicked.connect(self.print_form)
        self.save_button.clicked.connect(self._save_pdf)

    def form_data(self) -> registration_form.RegistrationFormData:
        wizard = wizard_of(self)
        result = wizard.outcome
        assert result is not None
        request = wizard.contacts_page.request()
        accounts = tuple(
            registration_form.FormAccount(b.number, b.address, label_of(HolderRelation, r.relation))
            for b, r in wizard.bindings
        )
        suppliers = sorted({b.supplier for b, _ in wizard.bindings if b.supplier})
        actor = self.ctx.actor
        return registration_form.RegistrationFormData(
            person=request.person,
            accounts=accounts,
            bill_delivery=request.bill_delivery,
            mailing_consent=request.consents.mailing,
            operator=", ".join(suppliers) or actor.office_name,
            office=actor.office_name,
            staff_name=actor.full_name,
            signed_on=dt.date.today(),
            customer_id=result.customer.id,
            delivery_kept=result.delivery_kept,
        )

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        result = wizard_of(self).outcome
        assert result is not None
        verb = "зарегистрирован(а)" if result.created else "обновлён(а)"
        accounts = ", ".join(result.bound) or "нет"
        text = "Клиент {0} {1}, № {2}. Привязанные счета: {3}.".format(
            result.customer.full_name, verb, result.customer.id, accounts
        )
        if result.delivery_kept:
            text += " " + (
                "Способ доставки квитанций по счетам {0} не изменён: его меняет собственник "
                "или владелец счёта."
            ).format(", ".join(result.delivery_kept))
        if result.paper_refusals:
            text += " " + (
                "Доставка по e-mail: клиент подписывает заявление об отказе от бумажного "
                "платёжного документа ({0})."
            ).format(
                "последняя страница"
                if len(result.paper_refusals) == 1
                else f"последние страницы: {len(result.paper_refusals)}"
            )
        self.summary.setText(text)
        data = self.form_data()
        db, actor, customer_id = self.ctx.db, self.ctx.actor, result.customer.id
        refusal_ids = result.paper_refusals

        def stored() -> tuple[Person, list[paper_refusal.PaperRefusalData]]:
            # The printed passport is the stored one, read through the audited function.
            person = registration_form.form_person(db, actor, customer_id, data.person)
            return person, paper_refusal.gather(db, refusal_ids)

        run_op(
            self.ctx,
            self,
            stored,
            lambda found: self._render(dataclasses.replace(data, person=found[0]), found[1]),
            lambda err: show_error(self.error, message_for(err)),
        )

    def _render(
        self,
        data: registration_form.RegistrationFormData,
        refusals: list[paper_refusal.PaperRefusalData],
    ) -> None:
        run_op(
            self.ctx,
            self,
            lambda: registration_form.render(data, refusals),
            self._rendered,
            lambda err: show_error(self.error, message_for(err)),
            render=True,
        )

    def _rendered(self, pdf: bytes) -> None:
        self.pdf = pdf
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.print_button.setFocus()

    def print_form(self) -> None:
        if self.pdf is None:
            return
        print_pdf(self, self.pdf, self.ctx.settings, "Анкета клиента")

    def _save_pdf(self) -> None:
        if self.pdf is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Сохранить анкету", "anketa.pdf", "PDF (*.pdf)")
        if path:
            with open(path, "wb") as handle:
                handle.write(self.pdf)

"""Registration wizard pages 3–4: binding accounts, contacts and consents (saving)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from console.services.core import validators as v
from console.services.core.errors import ValidationError
from console.services.core.formatting import date
from console.services.lookup import search
from console.services.lookup.search import SearchRow
from console.services.registration import binding, customer
from console.services.registration.forms import (
    AccountBrief,
    BindingProof,
    BindingRequest,
    Consents,
    HolderRelation,
    RegistrationRequest,
    RegistrationResult,
)
from console.services.vocabulary.labels import choices, label_of, proof_hint
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.tasks import message_for
from console.views.registration.widgets import (
    CheckedField,
    add_row,
    error_label,
    show_error,
)
from console.views.registration.wizard import RegistrationWizard

SEARCH_LIMIT = 50


class EnterLineEdit(QLineEdit):
    """Enter acts on this field (search, add) instead of pressing the wizard's «Далее»."""

    entered = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.entered.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def wizard_of(page: QWizardPage) -> RegistrationWizard:
    wizard = page.wizard()
    assert isinstance(wizard, RegistrationWizard)
    return wizard


class BindingPage(QWizardPage):
    """3. Привязка лицевых счетов: find, choose the relation, prove the link."""

    def __init__(
        self, ctx: ViewContext, preset: AccountBrief | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setTitle("Привязка лицевых счетов")
        self.setSubTitle(
            "Найдите счёт, выберите отношение и подтверждение связи, нажмите «Привязать»."
        )
        self.search = EnterLineEdit(self)
        self.search.setObjectName("accountSearch")
        self.search.setPlaceholderText(
            "номер лицевого счёта, адрес, ФИО владельца или номер счётчика"
        )
        self.results = QListWidget(self)
        self.results.setObjectName("accountResults")
        self.results.setUniformItemSizes(True)
        self.relation = QComboBox(self)
        self.relation.setObjectName("relation")
        for relation, text in choices(HolderRelation):
            self.relation.addItem(text, relation.value)
        self.proof = QComboBox(self)
        self.proof.setObjectName("proof")
        for proof, text in choices(BindingProof):
            self.proof.addItem(text, proof.value)
        self.answer = EnterLineEdit(self)
        self.answer.setObjectName("answer")
        self.answer_error = error_label(self)
        self.answer_error.setObjectName("answer_error")
        self.add_button = QPushButton("&Привязать счёт", self)
        self.add_button.setObjectName("addBinding")
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("bindings")
        self.table.setHorizontalHeaderLabels(
            [
                "Лицевой счёт",
                "Адрес",
                "Отношение",
                "Подтверждение",
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.remove_button = QPushButton("&Убрать", self)
        self.remove_button.setObjectName("removeBinding")
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, self._remove)

        layout = QVBoxLayout(self)
        form = QFormLayout()
        add_row(form, "&Счёт:", self.search)
        layout.addLayout(form)
        layout.addWidget(self.results, 2)
        form2 = QFormLayout()
        add_row(form2, "&Отношение к счёту:", self.relation)
        add_row(form2, "&Чем подтверждено:", self.proof)
        answer_box = QVBoxLayout()
        answer_box.setSpacing(1)
        answer_box.addWidget(self.answer)
        answer_box.addWidget(self.answer_error)
        answer_label = QLabel("&Ответ клиента:", self)
        answer_label.setBuddy(self.answer)
        form2.addRow(answer_label, answer_box)
        layout.addLayout(form2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 2)

        self.search.textChanged.connect(self._search)
        self.search.entered.connect(lambda: self.results.setFocus())
        self.answer.entered.connect(self._add)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        self.proof.currentIndexChanged.connect(self._proof_changed)
        self.results.itemActivated.connect(lambda _item: self.relation.setFocus())
        self._proof_changed()
        if preset is not None:
            self.search.setText(preset.number)

    def _search(self, text: str) -> None:
        if len(text.strip()) < 3:
            self.results.clear()
            return
        ctx = self.ctx
        run_op(
            self.ctx,
            self,
            lambda: search.search(ctx.db, text, limit=SEARCH_LIMIT, actor=ctx.actor).rows,
            self._show_results,
            lambda err: show_error(self.answer_error, message_for(err)),
            key="registration.accounts",
        )

    def _show_results(self, accounts: tuple[SearchRow, ...]) -> None:
        self.results.clear()
        for a in accounts:
            state = "" if a.status == "active" else " (закрыт)"
            item = QListWidgetItem(f"{a.number}{state} — {a.holder} — {a.address}")
            item.setData(Qt.ItemDataRole.UserRole, a)
            self.results.addItem(item)
        if accounts:
            self.results.setCurrentRow(0)

    def _proof_changed(self) -> None:
        code = self.proof.currentData()
        self.answer.setPlaceholderText(proof_hint(code))
        self.answer.setEnabled(code != "holder_name")
        show_error(self.answer_error, None)

    def _add(self) -> None:
        item = self.results.currentItem()
        if item is None:
            show_error(self.answer_error, "Сначала найдите и выберите лицевой счёт.")
            self.search.setFocus()
            return
        account: SearchRow = item.data(Qt.ItemDataRole.UserRole)
        wizard = wizard_of(self)
        if any(b.account_id == account.account_id for _, b in wizard.bindings):
            show_error(self.answer_error, "Этот счёт уже в списке привязки.")
            return
        request = BindingRequest(
            account_id=account.account_id,
            relation=self.relation.currentData(),
            proof=self.proof.currentData(),
            answer=self.answer.text() if self.answer.isEnabled() else "",
        )
        person = wizard.person
        assert person is not None
        names = (person.last_name, person.first_name, person.middle_name)
        show_error(self.answer_error, "Проверяем…")
        self.add_button.setEnabled(False)
        run_op(
            self.ctx,
            self,
            lambda: binding.preview_binding(self.ctx.db, self.ctx.actor, request, names),
            lambda brief: self._added(brief, request),
            self._add_failed,
        )

    def _added(self, brief: AccountBrief, request: BindingRequest) -> None:
        self.add_button.setEnabled(True)
        show_error(self.answer_error, None)
        request = dataclasses.replace(request, account_version=brief.version)
        wizard_of(self).bindings.append((brief, request))
        self.answer.clear()
        self._fill_table()
        self.search.setFocus()
        self.search.selectAll()

    def _add_failed(self, error: Exception) -> None:
        self.add_button.setEnabled(True)
        show_error(self.answer_error, message_for(error))
        self.answer.setFocus()

    def _remove(self) -> None:
        row = self.table.currentRow()
        bindings = wizard_of(self).bindings
        if 0 <= row < len(bindings):
            del bindings[row]
            self._fill_table()

    def _fill_table(self) -> None:
        bindings = wizard_of(self).bindings
        self.table.setRowCount(len(bindings))
        for row, (brief, request) in enumerate(bindings):
            cells = (
                brief.number,
                brief.address,
                label_of(HolderRelation, request.relation),
                label_of(BindingProof, request.proof),
            )
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnToContents(0)


class ContactsPage(QWizardPage):
    """4. Контакты и согласия; «Сохранить» writes everything in one transaction."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setTitle("Контакты и согласия")
        self.setSubTitle("Проверьте контакты и отметьте согласия клиента, затем сохраните.")
        self.setCommitPage(True)
        self.phone = CheckedField("phone", v.phone, placeholder="8 (912) 345-67-89", parent=self)
        self.email = CheckedField("email", v.email, placeholder="name@mail.ru", parent=self)
        self.paper = QRadioButton("&Бумажная квитанция", self)
        self.paper.setObjectName("deliveryPaper")
        self.paper.setChecked(True)
        self.by_email = QRadioButton(
            "По &электронной почте (клиент отказывается от бумажной)", self
        )
        self.by_email.setObjectName("deliveryEmail")
        self.pd_consent = QCheckBox(
            "Клиент дал &согласие на обработку персональных данных (обязательно)", self
        )
        self.pd_consent.setObjectName("pdConsent")
        self.pd_note = QLabel(
            "Согласие запишется с датой {0} и сотрудником {1}.".format(
                date(dt.date.today()), ctx.actor.full_name
            ),
            self,
        )
        self.pd_error = error_label(self)
        self.pd_error.setObjectName("pdConsent_error")
        self.mailing = QCheckBox("Согласие на информационные &рассылки", self)
        self.mailing.setObjectName("mailingConsent")
        self.save_error = error_label(self)
        self.save_error.setObjectName("saveError")
        self.saving = False

        form = QFormLayout(self)
        add_row(form, "&Телефон:", self.phone)
        add_row(form, "E-&mail:", self.email)
        form.addRow("Доставка квитанций:", self.paper)
        form.addRow("", self.by_email)
        form.addRow("", self.pd_consent)
        form.addRow("", self.pd_note)
        form.addRow("", self.pd_error)
        form.addRow("", self.mailing)
        form.addRow("", self.save_error)
        self.pd_consent.toggled.connect(self._consent_toggled)

    def _consent_toggled(self, on: bool) -> None:
        if on:
            show_error(self.pd_error, None)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        existing = wizard_of(self).existing
        if existing is not None:
            if not self.phone.text() and existing.phone:
                self.phone.setText(existing.phone)
            if not self.email.text() and existing.email:
                self.email.setText(existing.email)

    def request(self) -> RegistrationRequest:
        wizard = wizard_of(self)
        assert wizard.person is not None
        person = dataclasses.replace(
            wizard.person,
            phone=v.phone(self.phone.text()) if self.phone.text().strip() else None,
            email=v.email(self.email.text()) if self.email.text().strip() else None,
        )
        return RegistrationRequest(
            person=person,
            consents=Consents(self.pd_consent.isChecked(), self.mailing.isChecked()),
            bindings=tuple(b for _, b in wizard.bindings),
            bill_delivery="email" if self.by_email.isChecked() else "paper",
            existing_customer_id=wizard.existing.id if wizard.existing else None,
            existing_version=wizard.existing.version if wizard.existing else None,
            replace_passport=wizard.replace_passport,
        )

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        wizard = wizard_of(self)
        if wizard.saved:
            return True
        if self.saving:
            return False
        ok = self.phone.validate() and self.email.validate()
        if self.by_email.isChecked() and not self.email.text().strip():
            self.email.set_error("Для доставки по электронной почте укажите e-mail.")
            ok = False
        if not self.pd_consent.isChecked():
            show_error(
                self.pd_error,
                "Без согласия на обработку персональных данных регистрация невозможна.",
            )
            ok = False
        if not ok:
            return False
        request = self.request()
        self._set_saving(True)
        run_op(
            self.ctx,
            self,
            lambda: customer.register(self.ctx.db, self.ctx.actor, request),
            self._saved,
            self._save_failed,
        )
        return False

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        show_error(self.save_error, "Сохранение…" if saving else None)
        for button in (
            self.wizard().button(b)
            for b in (
                self.wizard().WizardButton.CommitButton,
                self.wizard().WizardButton.BackButton,
            )
        ):
            button.setEnabled(not saving)

    def _saved(self, result: RegistrationResult) -> None:
        self._set_saving(False)
        wizard = wizard_of(self)
        if result.duplicate:
            # Another desk registered the same passport meanwhile: continue with that customer.
            wizard.existing = result.customer
            wizard.replace_passport = False
            show_error(
                self.save_error,
                (
                    "Этот паспорт только что зарегистрирован: {0}. Нажмите «Сохранить» ещё "
                    "раз, чтобы привязать счета к этому клиенту."
                ).format(result.customer.full_name),
            )
            return
        wizard.outcome = result
        wizard.next()

    def _save_failed(self, error: Exception) -> None:
        self._set_saving(False)
        message = message_for(error)
        if isinstance(error, ValidationError) and error.field in ("phone", "email"):
            getattr(self, error.field).set_error(message)
        if isinstance(error, ValidationError) and error.field in ("answer", "proof"):
            message += " " + "Вернитесь к шагу «Привязка лицевых счетов»."
        show_error(self.save_error, message)

"""Мастер регистрации клиента: паспорт → дубликаты → привязка счетов → контакты → печать."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from console.services.core import validators as v
from console.services.core.errors import ValidationError
from console.services.core.formatting import date
from console.services.registration import customer as registration
from console.services.registration.forms import (
    AccountBrief,
    BindingRequest,
    CustomerSummary,
    DuplicateCheck,
    Person,
    PersonForm,
    RegistrationResult,
)
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.tasks import message_for
from console.views.registration.widgets import (
    CheckedField,
    add_row,
    error_label,
    show_error,
)

PAGE_PERSON, PAGE_DUPLICATES, PAGE_BINDING, PAGE_CONTACTS, PAGE_PRINT = range(5)


def _date_or_none(text: str) -> dt.date | None:
    try:
        return v.parse_date(text, what="дату", field="d")
    except ValidationError:
        return None


class PersonPage(QWizardPage):
    """1. Паспорт и личные данные."""

    FIELDS = (
        "last_name", "first_name", "middle_name", "birth_date", "passport_series",
        "passport_number", "passport_issued_on", "passport_issued_by", "passport_division_code",
        "registration_address", "snils",
    )  # fmt: skip

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Паспорт и личные данные")
        self.setSubTitle("Введите данные по паспорту клиента. Ошибки видны сразу под полем.")
        date_hint = "ДД.ММ.ГГГГ"
        self.fields: dict[str, CheckedField] = {
            "last_name": CheckedField(
                "last_name",
                lambda t: v.person_name(t, label="Фамилия", field="last_name"),
                required=True,
            ),
            "first_name": CheckedField(
                "first_name",
                lambda t: v.person_name(t, label="Имя", field="first_name"),
                required=True,
            ),
            "middle_name": CheckedField(
                "middle_name",
                lambda t: v.person_name(t, label="Отчество", field="middle_name", required=False),
                placeholder="если есть",
            ),
            "birth_date": CheckedField(
                "birth_date",
                lambda t: v.birth_date(v.parse_date(t, what="дату рождения", field="birth_date")),
                placeholder=date_hint,
                required=True,
            ),
            "passport_series": CheckedField(
                "passport_series",
                lambda t: v.passport(t, "000000"),
                placeholder="4 цифры",
                required=True,
            ),
            "passport_number": CheckedField(
                "passport_number",
                lambda t: v.passport("0000", t),
                placeholder="6 цифр",
                required=True,
            ),
            "passport_issued_on": CheckedField(
                "passport_issued_on",
                lambda t: v.passport_issue_date(
                    v.parse_date(t, what="дату выдачи паспорта", field="passport_issued_on"),
                    _date_or_none(self.fields["birth_date"].text()),
                ),
                placeholder=date_hint,
                required=True,
            ),
            "passport_issued_by": CheckedField(
                "passport_issued_by",
                lambda t: v.required_text(
                    t, what="кем выдан паспорт", field="passport_issued_by", max_length=250
                ),
                required=True,
            ),
            "passport_division_code": CheckedField(
                "passport_division_code",
                v.division_code,
                placeholder="NNN-NNN",
                required=True,
            ),
            "registration_address": CheckedField(
                "registration_address",
                lambda t: v.required_text(
                    t, what="адрес регистрации", field="registration_address", max_length=300
                ),
                required=True,
            ),
            "snils": CheckedField("snils", v.snils, placeholder="необязательно"),
        }
        form = QFormLayout(self)
        labels = (
            "&Фамилия", "&Имя", "&Отчество", "Дата &рождения", "&Серия паспорта",
            "&Номер паспорта", "&Дата выдачи", "&Кем выдан", "&Код подразделения",
            "&Адрес регистрации", "СНИ&ЛС",
        )  # fmt: skip
        for name, label in zip(self.FIELDS, labels, strict=True):
            add_row(form, label, self.fields[name])
        birth = self.fields["birth_date"]
        birth.changed.connect(lambda: self._recheck("passport_issued_on"))

    def _recheck(self, name: str) -> None:
        if self.fields[name].text().strip():
            self.fields[name].validate(show_empty=False)

    def form(self, phone: str = "", email: str = "") -> PersonForm:
        values = {name: field.text() for name, field in self.fields.items()}
        return PersonForm(**values, phone=phone, email=email)

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        wizard = self.wizard()
        assert isinstance(wizard, RegistrationWizard)
        ok = [field.validate(show_empty=True) for field in self.fields.values()]
        if not all(ok):
            bad = next(f for f, good in zip(self.fields.values(), ok, strict=True) if not good)
            bad.edit.setFocus()
            return False
        person, errors = registration.check_person(self.form())
        for name, message in errors.items():
            if name in self.fields:
                self.fields[name].set_error(message)
        if person is None:
            return False
        wizard.person = person
        return True


class DuplicatesPage(QWizardPage):
    """2. Поиск дубликатов: the same passport, or the same name and birth date."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setTitle("Поиск дубликатов")
        self.setSubTitle("Нет ли этого клиента в базе (по паспорту, ФИО и дате рождения).")
        self.check: DuplicateCheck | None = None
        self.layout_ = QVBoxLayout(self)
        self.status = QLabel(self)
        self.status.setObjectName("duplicatesStatus")
        self.status.setWordWrap(True)
        self.error = error_label(self)
        self.retry = QPushButton("&Повторить поиск", self)
        self.retry.clicked.connect(self.initializePage)
        self.retry.setVisible(False)
        self.choices = QButtonGroup(self)
        self.choice_box = QWidget(self)
        self.choice_layout = QVBoxLayout(self.choice_box)
        self.choice_layout.setContentsMargins(12, 0, 0, 0)
        self.layout_.addWidget(self.status)
        self.layout_.addWidget(self.choice_box)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.retry)
        self.layout_.addStretch(1)
        self.choices.buttonToggled.connect(lambda *_: self.completeChanged.emit())

    def _wizard(self) -> RegistrationWizard:
        wizard = self.wizard()
        assert isinstance(wizard, RegistrationWizard)
        return wizard

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.check = None
        self._clear_choices()
        show_error(self.error, None)
        self.retry.setVisible(False)
        self.status.setText("Ищем клиента в базе…")
        person = self._wizard().person
        assert person is not None
        run_op(
            self.ctx,
            self,
            lambda: registration.find_duplicates(self.ctx.db, self.ctx.actor, person),
            self._found,
            self._failed,
            key="registration.duplicates",
        )
        self.completeChanged.emit()

    def _clear_choices(self) -> None:
        for button in self.choices.buttons():
            self.choices.removeButton(button)
        while self.choice_layout.count():
            item = self.choice_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def _failed(self, error: Exception) -> None:
        self.status.setText("")
        show_error(self.error, message_for(error))
        self.retry.setVisible(True)

    def _choice(self, text: str, key: str, customer: CustomerSummary | None) -> QRadioButton:
        button = QRadioButton(text, self.choice_box)
        button.setProperty("choiceKey", key)
        button.setProperty("customerId", customer.id if customer else None)
        button.setObjectName(f"choice_{key}_{customer.id if customer else 'new'}")
        self.choices.addButton(button)
        self.choice_layout.addWidget(button)
        return button

    def _found(self, check: DuplicateCheck) -> None:
        self.check = check
        notes = "".join(f"{w}\n\n" for w in check.warnings)
        if check.same_passport is not None:
            c = check.same_passport
            self.status.setText(
                notes
                + (
                    "Этот паспорт уже есть в базе: {0}. Второго клиента с тем же паспортом "
                    "создать нельзя — продолжите с найденным."
                ).format(describe(c))
            )
            self._choice(
                "Продолжить с этим клиентом (привязать счета, обновить контакты)",
                "existing",
                c,
            ).setChecked(True)
        elif check.same_person or check.similar:
            if check.same_person:
                text = (
                    "В базе есть клиент с теми же ФИО и датой рождения, но другим паспортом. "
                    "Возможно, паспорт заменён. Выберите, как поступить:"
                )
            else:
                text = (
                    "Возможный дубликат: в базе есть клиент с той же датой рождения и почти "
                    "такими же ФИО (отличие в букву-две). Сверьте написание с паспортом; "
                    "если это тот же человек, вернитесь и исправьте ФИО или замените паспорт. "
                    "Выберите, как поступить:"
                )
            self.status.setText(notes + text)
            for c in (*check.same_person, *check.similar):
                text = "Это он(а): заменить паспорт у клиента {0} (старый сохранится в истории)"
                self._choice(text.format(describe(c)), "replace", c)
            self._choice("Это другой человек: зарегистрировать нового клиента", "new", None)
        else:
            self.status.setText(notes + "Дубликатов не найдено: будет создан новый клиент.")
            self._choice("Зарегистрировать нового клиента", "new", None).setChecked(True)
        first = self.choices.checkedButton() or next(iter(self.choices.buttons()), None)
        if first is not None:
            first.setFocus()
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.check is not None and self.choices.checkedButton() is not None

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        button = self.choices.checkedButton()
        assert button is not None and self.check is not None
        key = button.property("choiceKey")
        wizard = self._wizard()
        customer_id = button.property("customerId")
        pool = (self.check.same_passport, *self.check.same_person, *self.check.similar)
        wizard.existing = next((c for c in pool if c is not None and c.id == customer_id), None)
        wizard.replace_passport = key == "replace"
        return True


def describe(c: CustomerSummary) -> str:
    accounts = ", ".join(c.accounts) if c.accounts else "без счетов"
    born = f"{date(c.birth_date)} г. р., " if c.birth_date else ""
    return f"{c.full_name}, {born}паспорт {c.passport_masked}, {accounts}"


class RegistrationWizard(QWizard):
    """The whole registration; keeps everything typed until saved or cancelled on purpose."""

    def __init__(
        self,
        ctx: ViewContext,
        *,
        account: AccountBrief | None = None,
        parent: QWidget | None = None,
    ) -> None:
        from console.views.registration.pages import BindingPage, ContactsPage
        from console.views.registration.print_page import PrintPage

        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("RegistrationWizard")
        self.setWindowTitle("Регистрация клиента")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, "Далее >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< Назад")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Отмена")
        self.setButtonText(QWizard.WizardButton.FinishButton, "Готово")
        self.setButtonText(QWizard.WizardButton.CommitButton, "Сохранить")
        self.resize(760, 640)
        self.person: Person | None = None
        self.existing: CustomerSummary | None = None
        self.replace_passport = False
        self.bindings: list[tuple[AccountBrief, BindingRequest]] = []
        self.outcome: RegistrationResult | None = None
        #: Ask before closing with unsaved input (tests switch it off before tearing down).
        self.confirm_on_cancel = True
        self.person_page = PersonPage(self)
        self.duplicates_page = DuplicatesPage(ctx, self)
        self.binding_page = BindingPage(ctx, account, self)
        self.contacts_page = ContactsPage(ctx, self)
        self.print_page = PrintPage(ctx, self)
        for page_id, page in enumerate(
            (
                self.person_page,
                self.duplicates_page,
                self.binding_page,
                self.contacts_page,
                self.print_page,
            )
        ):
            self.setPage(page_id, page)
        self.setStartId(PAGE_PERSON)

    @property
    def saved(self) -> bool:
        return self.outcome is not None

    def has_input(self) -> bool:
        return any(f.text().strip() for f in self.person_page.fields.values()) or bool(
            self.bindings
        )

    def reject(self) -> None:
        """Esc, «Отмена» or the window's ✕: ask before throwing typed data away."""
        unsaved = self.confirm_on_cancel and not self.saved and self.has_input()
        if unsaved and not self.confirm_cancel():
            return
        super().reject()

    def confirm_cancel(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Прервать регистрацию?",
            "Регистрация не сохранена. Закрыть мастер и потерять введённые данные?",
            parent=self,
        )
        box.setObjectName("confirmCancel")
        leave = box.addButton("Закрыть без сохранения", QMessageBox.ButtonRole.YesRole)
        stay = box.addButton("Вернуться к вводу", QMessageBox.ButtonRole.NoRole)
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.exec()
        return box.clickedButton() is leave

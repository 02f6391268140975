"""Изменение данных клиента: contacts, a surname after marriage, a new passport (old one kept)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.services.core import validators as v
from console.services.core.errors import ValidationError
from console.services.core.formatting import date, snils_text
from console.services.privacy.identity import Identity
from console.services.registration import edit
from console.services.registration.forms import CustomerDetails
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.tasks import message_for
from console.views.common.unsaved import UnsavedGuard
from console.views.registration.widgets import (
    CheckedField,
    add_row,
    error_label,
    show_error,
)


class CustomerEditDialog(QDialog):
    """Edits one customer; every saved change lands in the audit trail with before/after."""

    def __init__(self, ctx: ViewContext, customer_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id = customer_id
        self.details: CustomerDetails | None = None
        self.setObjectName("CustomerEditDialog")
        self.setWindowTitle("Изменение данных клиента")
        self.resize(620, 640)
        self.fields = {
            "last_name": CheckedField(
                "last_name", lambda t: v.person_name(t, label="Фамилия", field="last_name"),
                required=True,
            ),
            "first_name": CheckedField(
                "first_name", lambda t: v.person_name(t, label="Имя", field="first_name"),
                required=True,
            ),
            "middle_name": CheckedField(
                "middle_name",
                lambda t: v.person_name(t, label="Отчество", field="middle_name", required=False),
            ),
            "registration_address": CheckedField("registration_address"),
            # Sealed like the passport: empty keeps the stored number, a new one replaces it.
            "snils": CheckedField(
                "snils", v.snils, placeholder="не показывается; введите, чтобы заменить"
            ),
            "phone": CheckedField("phone", v.phone, placeholder="8 (912) 345-67-89"),
            "email": CheckedField("email", v.email),
        }  # fmt: skip
        self.mailing = QCheckBox("Согласие на информационные &рассылки", self)
        self.passport_label = QLabel(self)
        self.passport_label.setObjectName("passportMasked")
        self.reveal = QPushButton("Показать паспорт", self)
        self.reveal.setObjectName("revealPassport")
        self.reveal.setToolTip("Просмотр паспорта записывается в журнал действий.")
        self.new_passport = QGroupBox("&Новый паспорт (старый сохранится в истории)", self)
        self.new_passport.setCheckable(True)
        self.new_passport.setChecked(False)
        self.passport_fields = {
            "passport_series": CheckedField("passport_series", lambda t: v.passport(t, "000000")),
            "passport_number": CheckedField("passport_number", lambda t: v.passport("0000", t)),
            "passport_issued_on": CheckedField(
                "passport_issued_on",
                lambda t: v.passport_issue_date(
                    v.parse_date(t, what="дату выдачи паспорта", field="passport_issued_on"),
                    None,  # the birth date is sealed: the save checks the 14th birthday
                ),
                placeholder="ДД.ММ.ГГГГ",
            ),
            "passport_issued_by": CheckedField("passport_issued_by"),
            "passport_division_code": CheckedField("passport_division_code", v.division_code),
        }
        self.error = error_label(self)
        self.error.setObjectName("dialogError")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Сохранить")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")

        layout = QVBoxLayout(self)
        form = QFormLayout()
        labels = ("&Фамилия", "&Имя", "&Отчество", "&Адрес регистрации", "СНИ&ЛС", "&Телефон",
                  "E-&mail")  # fmt: skip
        for (_name, field), label in zip(self.fields.items(), labels, strict=True):
            add_row(form, label, field)
        form.addRow("", self.mailing)
        passport_row = QHBoxLayout()
        passport_row.addWidget(self.passport_label, 1)
        passport_row.addWidget(self.reveal)
        form.addRow("Паспорт:", passport_row)
        layout.addLayout(form)
        pform = QFormLayout(self.new_passport)
        plabels = ("Серия", "Номер", "Дата выдачи", "Кем выдан", "Код подразделения")
        for field, label in zip(self.passport_fields.values(), plabels, strict=True):
            add_row(pform, label, field)
        layout.addWidget(self.new_passport)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        # Esc, «Отмена» and the close button ask before what was typed is thrown away.
        self._loaded_texts: dict[str, str] = {}
        self._loaded_mailing = False
        self.guard = UnsavedGuard(self, self.has_input)
        self.buttons.rejected.connect(self.guard.cancel)
        self.reveal.clicked.connect(self._reveal)
        self.setEnabled(False)
        run_op(
            ctx,
            self,
            lambda: edit.customer_details(ctx.db, customer_id),
            self._loaded,
            self._failed,
        )

    def _loaded(self, details: CustomerDetails) -> None:
        self.details = details
        self.setEnabled(True)
        values = {
            "last_name": details.last_name, "first_name": details.first_name,
            "middle_name": details.middle_name,
            "registration_address": details.registration_address,
            "phone": details.phone, "email": details.email,
        }  # fmt: skip
        for name, value in values.items():
            if not self.fields[name].text():  # never overwrite what the clerk typed
                self.fields[name].setText(value or "")
        self.mailing.setChecked(details.mailing_consent)
        self._show_passport(details.passport_masked)
        self._loaded_texts = self._texts()
        self._loaded_mailing = details.mailing_consent
        self.fields["last_name"].edit.setFocus()

    def _texts(self) -> dict[str, str]:
        every = {**self.fields, **self.passport_fields}
        return {name: field.text() for name, field in every.items()}

    def has_input(self) -> bool:
        """A change the clerk made that closing the form would lose (nothing before loading,
        nothing once saved)."""
        if self.details is None or self.result() == QDialog.DialogCode.Accepted:
            return False
        return (
            self._texts() != self._loaded_texts
            or self.mailing.isChecked() != self._loaded_mailing
            or self.new_passport.isChecked()
        )

    def _show_passport(self, passport: str, extra: str = "") -> None:
        d = self.details
        assert d is not None
        history = ", прежних паспортов: {0}".format(d.previous_passports)
        self.passport_label.setText(f"{passport}{extra}{history if d.previous_passports else ''}")

    def _revealed(self, found: Identity) -> None:
        """The passport with its issue date, the birth date and СНИЛС: asked for, recorded."""
        extra = f", выдан {date(found.issued_on)}" if found.issued_on else ""
        if found.birth_date:
            extra += ", дата рождения {0}".format(date(found.birth_date))
        if found.snils:
            extra += ", СНИЛС {0}".format(snils_text(found.snils))
        self._show_passport(found.passport_text, extra)

    def _reveal(self) -> None:
        run_op(
            self.ctx,
            self,
            lambda: edit.reveal_passport(self.ctx.db, self.ctx.actor, self.customer_id),
            self._revealed,
            self._failed,
        )

    def _failed(self, error: Exception) -> None:
        self.setEnabled(True)
        field = getattr(error, "field", None)
        target = self.fields.get(field or "") or self.passport_fields.get(field or "")
        if isinstance(error, ValidationError) and self.details is not None:
            # Contacts may have been saved before the passport was refused: take the new version.
            run_op(
                self.ctx,
                self,
                lambda: edit.customer_details(self.ctx.db, self.customer_id),
                self._refresh_version,
            )
        if isinstance(error, ValidationError) and target is not None:
            target.set_error(str(error))
            target.edit.setFocus()
            show_error(self.error, None)
        else:
            show_error(self.error, message_for(error))

    def _refresh_version(self, details: CustomerDetails) -> None:
        self.details = details

    def save(self) -> None:
        if self.details is None:
            return
        checks = [f.validate() for f in self.fields.values()]
        if self.new_passport.isChecked():
            checks += [f.validate() for f in self.passport_fields.values()]
        if not all(checks):
            return
        f = {name: field.text() for name, field in self.fields.items()}
        change = edit.CustomerEdit(**f, mailing_consent=self.mailing.isChecked())
        passport = None
        if self.new_passport.isChecked():
            p = {name: field.text() for name, field in self.passport_fields.items()}
            passport = edit.PassportEdit(
                p["passport_series"], p["passport_number"], p["passport_issued_on"],
                p["passport_issued_by"], p["passport_division_code"],
            )  # fmt: skip
        ctx, customer_id, version = self.ctx, self.customer_id, self.details.version

        def work() -> CustomerDetails:
            details = edit.update_customer(ctx.db, ctx.actor, customer_id, version, change)
            if passport is not None:
                details = edit.replace_passport(
                    ctx.db, ctx.actor, customer_id, details.version, passport
                )
            return details

        self.setEnabled(False)
        show_error(self.error, "Сохранение…")
        run_op(ctx, self, work, self._saved, self._failed)

    def _saved(self, details: CustomerDetails) -> None:
        self.details = details
        self.setEnabled(True)
        show_error(self.error, None)
        self.accept()

"""A clerk walks through the registration wizard on both databases, keyboard first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget, QWizard
from sqlalchemy import select

from console.models import AccountHolder, AuditEvent, Customer
from console.models.enums import StaffRole
from console.services.core.database import Database, create_db_engine
from console.services.core.formatting import add_months, first_of_month
from console.settings import Settings
from console.views.common.context import ViewContext
from console.views.common.tasks import TaskRunner
from console.views.registration.wizard import (
    PAGE_BINDING,
    PAGE_CONTACTS,
    PAGE_DUPLICATES,
    PAGE_PERSON,
    PAGE_PRINT,
    RegistrationWizard,
)
from tests.support.factories import (
    AccountIds,
    add_statement,
    make_account,
    make_staff,
    stored_identity,
)

SHOTS = Path("/tmp/registration")

PERSON = {
    "last_name": "Смирнова",
    "first_name": "Анна",
    "middle_name": "Викторовна",
    "birth_date": "03.04.1985",
    "passport_series": "7109",
    "passport_number": "654321",
    "passport_issued_on": "12.05.2005",
    "passport_issued_by": "ОВД Центрального АО г. Тюмени",
    "passport_division_code": "720001",
    "registration_address": "г. Тюмень, ул. Ленина, д. 12, кв. 34",
    "snils": "112-233-445 95",
}


@pytest.fixture
def ctx(db: Database, qtbot) -> Iterator[ViewContext]:  # type: ignore[no-untyped-def]
    actor = make_staff(db, "clerk-ui", StaffRole.CLERK)
    tasks = TaskRunner()
    yield ViewContext(
        db=db, settings=Settings(database_url=str(db.engine.url)), actor=actor, tasks=tasks
    )
    tasks.shutdown()


@pytest.fixture
def account(db: Database) -> AccountIds:
    ids = make_account(db)
    period = add_months(first_of_month(dt.date.today()), -2)
    add_statement(db, ids.account_id, period, Decimal("1523.40"), Decimal("643.20"))
    return ids


def open_wizard(qtbot, ctx: ViewContext) -> RegistrationWizard:  # type: ignore[no-untyped-def]
    wizard = RegistrationWizard(ctx)
    qtbot.addWidget(wizard, before_close_func=lambda w: setattr(w, "confirm_on_cancel", False))
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def type_into(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type like a keyboard does; QTest.keyClicks knows ASCII only, so send the key events."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def shot(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / f"{name}.png"))


def fill_person(qtbot, wizard: RegistrationWizard, **changes: str) -> None:  # type: ignore[no-untyped-def]
    for name, text in {**PERSON, **changes}.items():
        field = wizard.person_page.fields[name]
        field.edit.clear()
        type_into(qtbot, field.edit, text)


def press_next(qtbot, wizard: RegistrationWizard) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def test_walk_through_the_whole_wizard(
    qtbot, ctx: ViewContext, db: Database, account: AccountIds
) -> None:  # type: ignore[no-untyped-def]
    wizard = open_wizard(qtbot, ctx)
    page = wizard.person_page
    # Errors show next to the field as typed.
    type_into(qtbot, page.fields["passport_series"].edit, "71O")
    assert "только цифры" in page.fields["passport_series"].error.text()
    type_into(qtbot, page.fields["last_name"].edit, "Ивaнов")  # a Latin "a"
    assert "латинские" in page.fields["last_name"].error.text()
    shot(wizard, "wizard-1-errors")
    fill_person(qtbot, wizard, passport_issued_on="12.05.1998")  # before the 14th birthday
    assert not page.fields["passport_series"].error.isVisible()
    assert "14" in page.fields["passport_issued_on"].error.text()
    press_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_PERSON
    fill_person(qtbot, wizard)
    shot(wizard, "wizard-1-person")
    qtbot.keyClick(page.fields["snils"].edit, Qt.Key.Key_Return)  # Enter = «Далее»
    assert wizard.currentId() == PAGE_DUPLICATES

    dup = wizard.duplicates_page
    qtbot.waitUntil(lambda: dup.isComplete(), timeout=10000)
    assert "Дубликатов не найдено" in dup.status.text()
    shot(wizard, "wizard-2-duplicates")
    # Back keeps what was typed.
    wizard.back()
    assert page.fields["last_name"].text() == "Смирнова"
    press_next(qtbot, wizard)
    qtbot.waitUntil(lambda: dup.isComplete(), timeout=10000)
    press_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_BINDING

    bind = wizard.binding_page
    type_into(qtbot, bind.search, account.number)
    qtbot.waitUntil(lambda: bind.results.count() == 1, timeout=10000)
    assert "Иванов Пётр Сергеевич" in bind.results.item(0).text()
    bind.proof.setCurrentIndex(bind.proof.findData("bill_total"))
    type_into(qtbot, bind.answer, "1523,41")
    qtbot.keyClick(bind.answer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "не совпадает" in bind.answer_error.text(), timeout=10000)
    assert wizard.currentId() == PAGE_BINDING and bind.table.rowCount() == 0
    bind.answer.clear()
    type_into(qtbot, bind.answer, "1 523,40")
    qtbot.keyClick(bind.answer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bind.table.rowCount() == 1, timeout=10000)
    assert bind.table.item(0, 2).text() == "Собственник"
    shot(wizard, "wizard-3-binding")
    press_next(qtbot, wizard)
    assert wizard.currentId() == PAGE_CONTACTS

    contacts = wizard.contacts_page
    type_into(qtbot, contacts.phone.edit, "8 (912) 345-67-89")
    type_into(qtbot, contacts.email.edit, "anna@example")
    assert "неверно" in contacts.email.error.text()
    type_into(qtbot, contacts.email.edit, ".ru")
    assert not contacts.email.error.isVisible()
    contacts.by_email.setChecked(True)
    contacts.mailing.setChecked(True)
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit.text() == "Сохранить"
    qtbot.mouseClick(commit, Qt.MouseButton.LeftButton)
    assert "согласия" in contacts.pd_error.text()  # the consent is required
    contacts.pd_consent.setChecked(True)
    shot(wizard, "wizard-4-contacts")

    # The database goes away during the save: the wizard stays open, nothing typed is lost.
    alive = wizard.ctx
    dead = Database(create_db_engine("postgresql://nobody@127.0.0.1:1/none", connect_timeout=1))
    wizard.ctx = replace(alive, db=dead)
    contacts.ctx = wizard.ctx
    qtbot.mouseClick(commit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Нет связи с базой данных" in contacts.save_error.text(), timeout=20000)
    assert wizard.isVisible() and wizard.currentId() == PAGE_CONTACTS
    assert contacts.phone.text() == "8 (912) 345-67-89" and bind.table.rowCount() == 1
    shot(wizard, "wizard-4-database-down")
    dead.dispose()
    wizard.ctx = contacts.ctx = alive

    qtbot.mouseClick(commit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_PRINT, timeout=20000)
    printing = wizard.print_page
    qtbot.waitUntil(lambda: printing.pdf is not None, timeout=20000)
    assert printing.pdf is not None and printing.pdf.startswith(b"%PDF")
    # The form, the consent, and the paper-refusal application (delivery by e-mail).
    qtbot.waitUntil(lambda: printing.document.pageCount() == 3, timeout=10000)
    assert "Смирнова Анна Викторовна зарегистрирован(а)" in printing.summary.text()
    assert "заявление об отказе от бумажного" in printing.summary.text()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    qtbot.wait(1500)  # QPdfView renders its pages on a thread of its own; let it draw for the shot
    shot(wizard, "wizard-5-print")
    (SHOTS / "wizard-form.pdf").write_bytes(printing.pdf)

    with db.read() as session:
        customer = session.scalars(select(Customer).where(Customer.last_name == "Смирнова")).one()
        assert customer.phone == "+79123456789"
        assert customer.email == "anna@example.ru" and customer.mailing_consent
        assert customer.pd_consent_staff_id == ctx.actor.staff_id
        holder = session.scalars(
            select(AccountHolder).where(AccountHolder.customer_id == customer.id)
        ).one()
        assert holder.account_id == account.account_id and holder.proof is not None
        assert holder.proof.value == "bill_total"
        events = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        # The printed form reads the stored passport through the audited function.
        # Each visit of the duplicates page searches (and records) again: the test goes back once.
        # Each answer to the control question is recorded: the wrong one, then the right one.
        assert events == [
            "customer.search_passport", "customer.search_passport",
            "account_holder.proof_failed", "account_holder.proof_passed", "customer.create",
            "customer.set_identity", "account_holder.bind", "account.bill_delivery",
            "account.paper_refusal",
            "customer.print_identity",
        ]  # fmt: skip
    assert stored_identity(db, customer.id).number == "654321"
    wizard.accept()


def test_same_passport_continues_with_existing_customer(
    qtbot, ctx: ViewContext, db: Database, account: AccountIds
) -> None:  # type: ignore[no-untyped-def]
    wizard = open_wizard(qtbot, ctx)
    # The account's holder from the factories has passport 7101 and the account's serial number.
    number = stored_identity(db, account.customer_id).number or ""
    fill_person(
        qtbot, wizard, last_name="Иванов", first_name="Пётр", middle_name="Сергеевич",
        birth_date="17.05.1980", passport_series="7101", passport_number=number,
        passport_issued_on="20.06.2025",  # replaced at 45 (ПП РФ № 828): still valid
    )  # fmt: skip
    press_next(qtbot, wizard)
    dup = wizard.duplicates_page
    qtbot.waitUntil(lambda: dup.isComplete(), timeout=10000)
    assert "уже есть в базе" in dup.status.text() and "71 ** ******" in dup.status.text()
    assert f"7101 {number}" not in dup.status.text() and f"№ {number}" not in dup.status.text()
    shot(wizard, "wizard-2-same-passport")
    press_next(qtbot, wizard)
    press_next(qtbot, wizard)  # no new account
    contacts = wizard.contacts_page
    assert contacts.phone.text() == "+79123456789"  # prefilled from the customer on file
    contacts.pd_consent.setChecked(True)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_PRINT, timeout=20000)
    assert "обновлён(а)" in wizard.print_page.summary.text()
    qtbot.waitUntil(lambda: wizard.print_page.pdf is not None, timeout=20000)
    with db.read() as session:
        assert len(session.scalars(select(Customer)).all()) == 1


def test_cancel_asks_first(qtbot, ctx: ViewContext) -> None:  # type: ignore[no-untyped-def]
    wizard = open_wizard(qtbot, ctx)
    type_into(qtbot, wizard.person_page.fields["last_name"].edit, "Смирнова")
    answers = iter(["Вернуться к вводу", "Закрыть без сохранения"])

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        shot(box, "wizard-cancel-question")
        wanted = next(answers)
        button = next(b for b in box.buttons() if b.text() == wanted)
        button.click()

    QTimer.singleShot(0, answer)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert wizard.isVisible()
    assert wizard.person_page.fields["last_name"].text() == "Смирнова"
    QTimer.singleShot(0, answer)
    wizard.reject()
    assert not wizard.isVisible()


def test_a_passport_of_another_name_stops_at_the_duplicates_page(
    qtbot, ctx: ViewContext, db: Database, account: AccountIds
) -> None:  # type: ignore[no-untyped-def]
    wizard = open_wizard(qtbot, ctx)
    number = stored_identity(db, account.customer_id).number or ""
    fill_person(
        qtbot, wizard, last_name="Сидоров", first_name="Андрей", middle_name="Петрович",
        passport_series="7101", passport_number=number,
    )  # fmt: skip
    press_next(qtbot, wizard)
    dup = wizard.duplicates_page
    qtbot.waitUntil(lambda: "другими ФИО" in dup.error.text(), timeout=10000)
    assert not dup.isComplete() and not dup.choices.buttons()  # no «Продолжить с этим клиентом»
    assert "Иванов" not in dup.error.text() and number not in dup.error.text()


def test_one_letter_off_and_a_minor_are_shown(
    qtbot, ctx: ViewContext, db: Database, account: AccountIds
) -> None:  # type: ignore[no-untyped-def]
    wizard = open_wizard(qtbot, ctx)
    number = stored_identity(db, account.customer_id).number or ""
    assert number  # the holder «Иванов Пётр Сергеевич», born 17.05.1980
    fill_person(
        qtbot, wizard, last_name="Иваноф", first_name="Пётр", middle_name="Сергеевич",
        birth_date="17.05.1980", passport_issued_on="20.06.2025",
    )  # fmt: skip
    press_next(qtbot, wizard)
    dup = wizard.duplicates_page
    qtbot.waitUntil(lambda: dup.isComplete() or "Возможный" in dup.status.text(), timeout=10000)
    assert "Возможный дубликат" in dup.status.text()
    keys = [b.property("choiceKey") for b in dup.choices.buttons()]
    assert keys == ["replace", "new"]

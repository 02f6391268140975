"""Switching an account to e-mail bills makes the customer's paper-refusal application (seed
000): numbered, audited, and printed after the registration form for the customer's signature."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from console.models import AuditEvent, PaperRefusal
from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.core.formatting import add_months, first_of_month
from console.services.documents import paper_refusal, registration_form
from console.services.registration import customer as reg
from console.services.registration.forms import BindingRequest, Consents, RegistrationRequest
from tests.support.factories import add_statement, make_account, make_staff, person_form
from tests.support.pdf_tools import page_count, pdf_text


def request(**changes: Any) -> RegistrationRequest:
    person = reg.validate_person(person_form())
    return RegistrationRequest(person=person, consents=Consents(True), **changes)


def test_switching_to_e_mail_records_and_prints_the_application(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    account = make_account(db)
    add_statement(db, account.account_id, add_months(first_of_month(dt.date.today()), -1),
                  Decimal("1523.40"), Decimal("643.20"))  # fmt: skip
    bind = BindingRequest(account.account_id, "owner", "bill_total", "1 523,40")
    result = reg.register(db, clerk, request(bindings=(bind,), bill_delivery="email"))
    (refusal_id,) = result.paper_refusals
    with db.read() as session:
        row = session.get(PaperRefusal, refusal_id)
        assert row is not None
        assert row.number == f"ЭД-{dt.date.today().year}-000001"
        assert (row.account_id, row.customer_id, row.email, row.staff_id) == (
            account.account_id, result.customer.id, "anna@example.ru", clerk.staff_id
        )  # fmt: skip
        event = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "account.paper_refusal")
        )
        assert event is not None and event.account_id == account.account_id
        assert event.after == {"number": row.number}

    (data,) = paper_refusal.gather(db, [refusal_id])
    alone = pdf_text(paper_refusal.render([data]))
    if os.environ.get("CONSOLE_SHOTS"):
        Path(os.environ["CONSOLE_SHOTS"], "refusal.pdf").write_bytes(paper_refusal.render([data]))
    flat = " ".join(alone.split())
    for expected in (
        "ЗАЯВЛЕНИЕ", "об отказе от получения платёжного документа на бумажном носителе",
        f"№ {row.number} от {dt.date.today():%d.%m.%Y}",
        "В АО «Энергосбытовая компания «Восток»", "Заявитель: Смирнова Анна Викторовна",
        f"по лицевому счёту № {account.number}", "г. Тюмень, ул. Ленина, д. 12, кв. 34",
        "на адрес электронной почты: anna@example.ru", "Заявитель", "Смирнова А. В.",
        "Заявление принял", "Сотрудник clerk1",
    ):  # fmt: skip
        assert expected in flat, expected

    form = registration_form.RegistrationFormData(
        person=result_person(), accounts=(), bill_delivery="email", mailing_consent=False,
        operator="АО «ЭК «Восток»", office="Тюмень", staff_name="Сотрудник clerk1",
        signed_on=dt.date.today(), customer_id=result.customer.id,
    )  # fmt: skip
    printed = registration_form.render(form, [data])
    assert page_count(printed) == 3  # the form, the consent, the application
    assert "об отказе от получения платёжного документа" in pdf_text(printed, page=3)

    # Registered again with the same choice: nothing switches, no second application.
    again = reg.register(
        db, clerk,
        request(existing_customer_id=result.customer.id, bindings=(), bill_delivery="email"),
    )  # fmt: skip
    assert again.paper_refusals == ()


def result_person() -> Any:
    return reg.validate_person(person_form())


def test_staying_on_paper_makes_no_application(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    account = make_account(db)
    add_statement(db, account.account_id, add_months(first_of_month(dt.date.today()), -1),
                  Decimal("1523.40"), Decimal("643.20"))  # fmt: skip
    bind = BindingRequest(account.account_id, "owner", "bill_total", "1 523,40")
    result = reg.register(db, clerk, request(bindings=(bind,), bill_delivery="paper"))
    assert result.paper_refusals == ()
    with db.read() as session:
        assert session.scalar(select(PaperRefusal.id)) is None

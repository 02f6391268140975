"""The printed registration form: Cyrillic text, the person, the passport in full, the consent."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from pypdf import PdfReader

from console.services.documents.registration_form import FormAccount, RegistrationFormData, render
from console.services.registration.customer import validate_person
from tests.support.factories import person_form


def sample(**changes: object) -> RegistrationFormData:
    values: dict[str, object] = {
        "person": validate_person(person_form()),
        "accounts": (
            FormAccount("7200000001", "г. Тюмень, ул. Ленина, д. 12, кв. 34", "Собственник"),
        ),
        "bill_delivery": "email",
        "mailing_consent": True,
        "operator": "АО «ЭК «Восток»",
        "office": "Клиентский зал № 1, г. Тюмень",
        "staff_name": "Петрова Ольга Ивановна",
        "signed_on": dt.date(2026, 11, 16),
        "customer_id": 1042,
    }
    values.update(changes)
    return RegistrationFormData(**values)  # type: ignore[arg-type]


def pdftotext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_form_text(tmp_path: Path) -> None:
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(render(sample()))
    assert len(PdfReader(pdf).pages) == 2
    text = pdftotext(pdf)
    for expected in (
        "Анкета-заявление о регистрации клиента № 1042",
        "Смирнова",
        "Викторовна",
        "03.04.1985",
        "71 09 № 654321",  # the signed form shows the passport in full
        "720-001",
        "112-233-445 95",
        "+79123456789",
        "7200000001",
        "Собственник",
        "По электронной почте на адрес anna@example.ru",
        "Согласие на обработку персональных данных",
        "Я, Смирнова Анна Викторовна, 03.04.1985 г. р.",
        "152-ФЗ",
        "АО «ЭК «Восток»",
        "Петрова Ольга Ивановна",
        "16.11.2026",
        "Смирнова А. В.",
    ):
        assert expected in " ".join(text.split()), expected
    assert "■" not in text


def test_form_without_accounts_and_mailing(tmp_path: Path) -> None:
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(render(sample(accounts=(), mailing_consent=False, bill_delivery="paper")))
    text = " ".join(pdftotext(pdf).split())
    assert "Лицевые счета не привязаны." in text
    assert "рассылок): не согласен(на)" in text
    assert "Отдельно даю согласие" not in text


def test_form_of_a_resident_does_not_promise_a_delivery(tmp_path: Path) -> None:
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(render(sample(delivery_kept=("7200000001",))))
    text = " ".join(pdftotext(pdf).split())
    assert "не меняется: его выбирает собственник или владелец лицевого счёта" in text
    assert "anna@example.ru. Прошу не доставлять" not in text


def test_render_png_for_a_look(tmp_path: Path) -> None:
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(render(sample()))
    out = Path("/tmp/registration/form")
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(out)], check=True)
    assert Path(f"{out}-1.png").stat().st_size > 10_000

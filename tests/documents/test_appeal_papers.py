"""The printed slip and answer letter: Cyrillic text, number, dates; reprints are identical."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from console.models.enums import StaffRole
from console.services.appeals import intake, queries, workflow
from console.services.core.database import Database
from console.services.core.errors import ConflictError, PermissionDeniedError
from console.services.core.formatting import date
from console.services.documents import appeal_papers
from tests.appeals.test_appeals import draft
from tests.support.factories import make_account, make_staff


def pdf_text(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(out.stdout.split())


def test_slip_shows_number_date_and_deadline(db: Database, tmp_path: Path) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    acc = make_account(db)
    done = intake.register(db, clerk, draft(db, account_id=acc.account_id))
    pdf = appeal_papers.slip_pdf(db, clerk, done.id)
    text = pdf_text(pdf, tmp_path, "slip")
    assert "ТАЛОН О РЕГИСТРАЦИИ ОБРАЩЕНИЯ" in text
    assert done.number in text
    assert date(dt.date.today()) in text
    assert f"до {date(done.due_on)} включительно" in text
    assert "АО «Энергосбытовая компания «Восток»" in text
    assert acc.number in text and "Иванов Пётр Сергеевич" in text
    assert appeal_papers.slip_pdf(db, clerk, done.id) == pdf  # a reprint is the same
    labels = [h.label for h in queries.history(db, done.id)]
    assert labels.count("Напечатан талон обращения") == 1


def test_answer_letter_on_the_letterhead(db: Database, tmp_path: Path) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    other = make_staff(db, "clerk2", StaffRole.CLERK)
    acc = make_account(db)
    done = intake.register(db, clerk, draft(db, account_id=acc.account_id))
    workflow.take(db, clerk, done.id)
    with pytest.raises(ConflictError, match="ответ подготовлен"):
        appeal_papers.answer_letter_pdf(db, clerk, done.id)
    workflow.answer(db, clerk, done.id, "Начисление верное.\nПерерасчёт не требуется.")
    with pytest.raises(PermissionDeniedError):
        appeal_papers.answer_letter_pdf(db, other, done.id)
    pdf = appeal_papers.answer_letter_pdf(db, clerk, done.id)
    text = pdf_text(pdf, tmp_path, "letter")
    for words in (
        "Ответ на обращение",
        f"На № {done.number}",
        "ИНН 7203009996",
        "Уважаемый(-ая) Пётр Сергеевич!",
        "Перерасчёт не требуется.",
        "г. Тюмень, ул. Ленина, д. 12, кв. 34",
        "Сотрудник clerk1",
    ):
        assert words in text
    assert appeal_papers.answer_letter_pdf(db, clerk, done.id) == pdf
    labels = [h.label for h in queries.history(db, done.id)]
    assert labels.count("Выдано письмо с ответом") == 2

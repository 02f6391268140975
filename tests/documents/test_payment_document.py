"""The payment document as the customer, the cashier and the bank app see it."""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from console.models import AuditEvent, IssuedDocument
from console.models.enums import StaffRole, VolumeMethod
from console.services.core.database import Database
from console.services.core.errors import NotFoundError
from console.services.core.formatting import money
from console.services.documents import data, gost_qr, payment_document
from console.services.documents.issue import find_account, issue_payment_document
from tests.support.factories import (
    AccountIds,
    ClosedMonth,
    make_account,
    make_closed_month,
    make_staff,
)
from tests.support.pdf_tools import decode_qr, page_image, parse_gost, pdf_text

AUG, SEP, OCT = dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)


def _rub(value: Decimal) -> str:
    return money(value).replace("\u00a0", " ").replace("−", "-")


@pytest.fixture
def billed(db: Database) -> tuple[AccountIds, ClosedMonth]:
    account = make_account(db, zones=2, last_taken_on=dt.date(2026, 7, 20))
    make_closed_month(db, account, AUG, volume=Decimal("180"), opening=Decimal("312.40"))
    month = make_closed_month(
        db, account, SEP, volume=Decimal("165"), paid=Decimal("500"),
        recalculation=Decimal("-12.30"), vdgo=True,
    )  # fmt: skip
    return account, month


def test_document_text_has_every_field_in_cyrillic(
    db: Database, billed: tuple[AccountIds, ClosedMonth]
) -> None:
    account, month = billed
    pdf = payment_document.render([data.gather(db, account.account_id, SEP)])
    text = pdf_text(pdf).replace("−", "-")
    for expected in (
        "ИЗВЕЩЕНИЕ", "КВИТАНЦИЯ", "Кассир",
        "ИНФОРМАЦИОННОЕ ИЗВЕЩЕНИЕ за Сентябрь 2026 г.",
        "ИНФОРМАЦИОННАЯ КВИТАНЦИЯ за Сентябрь 2026 г.",
        f"ЛИЦЕВОЙ СЧЕТ {account.number}", "Иванов Пётр Сергеевич",
        "Адрес: г. Тюмень, ул. Ленина, д. 12, кв. 34",
        "Площадь квартиры: 54,30 м²", "Количество комнат: 2", "Количество проживающих: 3 чел.",
        "Сумма к оплате", f"{_rub(month.closing)} руб.",
        _rub(month.opening), _rub(month.charged), "-12,30", "500,00",
        "Электроснабжение", "(день)", "(ночь)", "по прибору", "учёта", "165 кВт·ч",
        "Техническое", "ВДГО", "ежемесячная", "48,60",
        "АО «Энергосбытовая компания «Восток»", "ИНН 7203009996", "КПП 720301001",
        "р/сч 40702810567100012345", "к/сч 30101810800000000651", "БИК 047102651",
        "E-mail: info@vostok-electra.ru", "сайт: vostok-electra.ru", "тел. 8 (800) 250-25-45",
        "АО «Газпром газораспределение Оренбург»", "ИНН 5611004449",
        "Оплатить до 10-го числа (до 10.10.2026)",
        "Показания индивидуального прибора учета", "Предыдущее", "Текущее",
        f"№ {account.serial}, СОЭБ 2 ПДР",
        f"{_rub(month.reading_to)[:-3]} (20.09.2026, клиент в офисе)",
        "покупная электроэнергия", "услуги по передаче", "сбытовая надбавка", "прочие услуги",
        "Повышающий коэффициент применяется", "исправленные квитанции к оплате не принимаются",
    ):  # fmt: skip
        assert expected in " ".join(text.split()), expected
    assert "\ufffd" not in text
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    lines = fonts.stdout.decode().splitlines()[2:]
    assert lines and all(" yes " in line for line in lines)  # every font embedded: no squares


def test_qr_code_reads_in_a_bank_app_with_the_amount_due(
    db: Database, billed: tuple[AccountIds, ClosedMonth]
) -> None:
    account, month = billed
    pdf = payment_document.render([data.gather(db, account.account_id, SEP)])
    codes = decode_qr(page_image(pdf, dpi=150))
    assert len(codes) == 2  # the electricity supplier's and the gas company's (ВДГО)
    (text,) = [c for c in codes if "PersonalAcc=40702810567100012345" in c]
    header, pairs = parse_gost(text)
    assert header == "ST00012"
    assert [k for k, _ in pairs[:5]] == list(gost_qr.MANDATORY)
    mandatory = "|".join([header, *(f"{k}={v}" for k, v in pairs[:5])])
    assert len(mandatory.encode()) <= 300
    values = dict(pairs)
    assert values["Name"] == "АО «Энергосбытовая компания «Восток»"
    assert values["PersonalAcc"] == "40702810567100012345"
    assert values["BIC"] == "047102651"
    assert values["CorrespAcc"] == "30101810800000000651"
    assert values["PayeeINN"] == "7203009996"
    assert values["Sum"] == str(int((month.closing - Decimal("48.60")) * 100))  # ВДГО apart
    assert values["PersAcc"] == account.number
    assert (values["LastName"], values["FirstName"], values["MiddleName"]) == (
        "Иванов", "Пётр", "Сергеевич",
    )  # fmt: skip
    assert values["PaymPeriod"] == "092026"
    assert values["TechCode"] == "02"


def test_an_advance_prints_zero_due_and_no_sum_in_the_qr(db: Database) -> None:
    account = make_account(db, last_taken_on=dt.date(2026, 8, 20))
    make_closed_month(db, account, SEP, volume=Decimal("100"), paid=Decimal("1000"))
    document = data.gather(db, account.account_id, SEP)
    assert document.balance.closing < 0 and document.amount_due == 0
    pdf = payment_document.render([document])
    text = " ".join(pdf_text(pdf, layout=True).split())
    assert "Сумма к оплате 0,00 руб." in text
    assert f"аванс {_rub(-document.balance.closing)} руб." in text
    (qr,) = decode_qr(page_image(pdf, dpi=150))
    assert "Sum" not in dict(parse_gost(qr)[1])


def test_norm_billing_says_so(db: Database) -> None:
    account = make_account(db, last_taken_on=dt.date(2026, 8, 20))
    make_closed_month(
        db, account, SEP, volume=Decimal("183"), method=VolumeMethod.NORM,
        raising_coefficient=Decimal("1.5"),
    )  # fmt: skip
    document = data.gather(db, account.account_id, SEP)
    (line,) = document.recipients[0].lines
    assert line.method == "по нормативу" and line.raising_coefficient == Decimal("1.5")
    assert line.excess_amount == (line.charged / 3).quantize(Decimal("0.01"))
    text = " ".join(pdf_text(payment_document.render([document])).split())
    assert "нормативу" in text and "1,50" in text
    assert "объем определен по нормативу — Показания не переданы." in text


def test_reprint_returns_the_original_bytes(
    db: Database, billed: tuple[AccountIds, ClosedMonth]
) -> None:
    account, _ = billed
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    first = issue_payment_document(db, clerk, account.account_id, AUG)
    again = issue_payment_document(db, clerk, account.account_id, AUG)
    assert not first.reprint and again.reprint
    assert again.content == first.content and again.sha256 == first.sha256
    # Rendering again from the closed month gives the same bytes too (invariant PDF).
    assert payment_document.render([data.gather(db, account.account_id, AUG)]) == first.content
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(IssuedDocument)) == 1
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["document.issue", "document.reprint"]


def test_default_period_is_the_last_closed_and_open_months_are_refused(
    db: Database, billed: tuple[AccountIds, ClosedMonth]
) -> None:
    account, _ = billed
    clerk = make_staff(db, "clerk2", StaffRole.CLERK)
    assert issue_payment_document(db, clerk, account.account_id).period == SEP
    assert data.closed_periods(db, account.account_id) == (SEP, AUG)
    with pytest.raises(NotFoundError, match="Октябрь 2026"):
        issue_payment_document(db, clerk, account.account_id, OCT)
    assert find_account(db, account.number) == account.account_id
    with pytest.raises(NotFoundError):
        find_account(db, "0000000000")


def test_rendering_holds_no_connection_and_a_race_keeps_the_first_original(
    db: Database, billed: tuple[AccountIds, ClosedMonth], monkeypatch: pytest.MonkeyPatch
) -> None:
    """reportlab runs outside the transaction (no connection checked out, no rows held); a
    second desk that stored the month's document meanwhile wins, and this desk gets theirs."""
    account, _ = billed
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    other = make_staff(db, "clerk2", StaffRole.CLERK)
    real_render = payment_document.render
    checked_out: list[int] = []
    theirs: list[bytes] = []

    def render(documents: list[data.PaymentDocumentData]) -> bytes:
        checked_out.append(db.engine.pool.checkedout())  # type: ignore[attr-defined]
        if not theirs:  # the other desk issues the same month while this one renders
            monkeypatch.setattr(payment_document, "render", real_render)
            theirs.append(issue_payment_document(db, other, account.account_id, AUG).content)
        return real_render(documents) + b"\n% this desk's copy"

    monkeypatch.setattr(payment_document, "render", render)
    mine = issue_payment_document(db, clerk, account.account_id, AUG)
    assert checked_out == [0]
    assert mine.reprint and mine.content == theirs[0]
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(IssuedDocument)) == 1

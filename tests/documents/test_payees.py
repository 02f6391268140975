"""Payment documents that pay the right payee (issue 18): a QR code per payee read by two real
decoders (ZBar's zbarimg and zxing-cpp) and checked against the printed text beside it, the
agent setting, the 43/пр fields, reprints of batches from stored bytes, the interim document."""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from console.models import IssuedDocument, Service, Supplier
from console.models.enums import PaymentMethod, StaffRole, VolumeMethod
from console.services.core.database import Database
from console.services.core.formatting import money
from console.services.documents import batch, data, interim, payment_document, receipt
from console.services.documents.issue import issue_payment_document
from console.services.payments import counter
from console.services.readings import entry
from console.services.readings.checks import estimate
from tests.support.factories import (
    AccountIds,
    add_charge,
    make_account,
    make_closed_month,
    make_staff,
    update_row,
)
from tests.support.pdf_tools import page_count, page_image, parse_gost, pdf_text, zbar_read

SEP = dt.date(2026, 9, 1)
DPI = 200
SUPPLIER_ACC = "40702810567100012345"
GAS_ACC = "40702810646000015520"
GAS = "АО «Газпром газораспределение Оренбург»"


def _plain(value: Decimal) -> str:
    return money(value).replace("\u00a0", " ").replace("−", "-")


@dataclass(frozen=True)
class Code:
    text: str
    values: dict[str, str]
    left: float  # points from the page's left edge
    bottom: float  # points from the page's top edge (as pdftotext counts)


def _zxing(image: Image.Image) -> list[Code]:
    scale = 72 / DPI
    out = []
    for r in zxingcpp.read_barcodes(image):
        if r.format != zxingcpp.BarcodeFormat.QRCode:
            continue
        p = r.position
        xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
        ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
        out.append(Code(r.text, dict(parse_gost(r.text)[1]), min(xs) * scale, max(ys) * scale))
    return out


def _zbar(image: Image.Image) -> list[str]:
    """ZBar's own command-line reader: an independent decoder."""
    return [text for text in zbar_read(image) if text.startswith("ST")]


def _words(pdf: bytes) -> list[tuple[float, float, float, str]]:
    """(xMin, yMin, yMax, word) of page 1, in points from the top-left corner."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"],
        input=pdf, capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>'
    return [
        (float(x), float(y0), float(y1), html.unescape(w))
        for x, y0, y1, w in re.findall(pattern, out)
    ]


def _codes(pdf: bytes) -> list[Code]:
    """Every code on page 1, read by both decoders, which must agree."""
    image = page_image(pdf, dpi=DPI)
    codes = _zxing(image)
    assert codes, "no QR code on the page"
    assert sorted(c.text for c in codes) == sorted(_zbar(image))
    return codes


def _amount_due(pdf: bytes) -> Decimal:
    text = " ".join(pdf_text(pdf, layout=True).split())
    match = re.search(r"Сумма к оплате ([\d ]+,\d\d) руб\.", text)
    assert match, "no «Сумма к оплате» on the page"
    return Decimal(match.group(1).replace(" ", "").replace(",", "."))


def _beside(pdf: bytes, code: Code) -> list[str]:
    """The words printed in the stub right under a code (its payee, account, BIC and sum)."""
    return [
        w
        for x, top, _bottom, w in _words(pdf)
        if code.left - 20 <= x <= code.left + 120 and code.bottom <= top <= code.bottom + 40
    ]


@pytest.fixture
def two_payees(db: Database) -> tuple[AccountIds, data.PaymentDocumentData]:
    account = make_account(db, zones=2, last_taken_on=dt.date(2026, 8, 20))
    make_closed_month(db, account, SEP, volume=Decimal("165"), paid=Decimal("500"),
                      opening=Decimal("312.40"), vdgo=True)  # fmt: skip
    return account, data.gather(db, account.account_id, SEP)


def test_each_code_pays_its_payee_the_sum_printed_beside_it(
    db: Database, two_payees: tuple[AccountIds, data.PaymentDocumentData]
) -> None:
    account, document = two_payees
    pdf = payment_document.render([document])
    text = " ".join(pdf_text(pdf).split())
    codes = _codes(pdf)
    assert len(codes) == 2
    by_account = {c.values["PersonalAcc"]: c for c in codes}
    assert set(by_account) == {SUPPLIER_ACC, GAS_ACC}
    gas, own = by_account[GAS_ACC], by_account[SUPPLIER_ACC]
    assert gas.values["Name"] == GAS and gas.values["PayeeINN"] == "5611004449"
    assert gas.values["BIC"] == "045354601" and gas.values["KPP"] == "561101001"
    assert gas.values["CorrespAcc"] == "30101810600000000601"
    assert own.values["Name"] == "АО «Энергосбытовая компания «Восток»"
    assert gas.values["Sum"] == "4860"  # ВДГО: 48,60, not the whole bill
    assert "ВДГО" in gas.values["Purpose"] and "Электроснабжение" in own.values["Purpose"]
    total = Decimal(0)
    for code in codes:
        values = code.values
        amount = Decimal(values["Sum"]) / 100
        total += amount
        # The requisites in the code are the ones printed on the page for this payee...
        assert f"р/сч {values['PersonalAcc']}" in text and f"ИНН {values['PayeeINN']}" in text
        # ...and right under the code: its account, BIC and sum.
        under = " ".join(_beside(pdf, code))
        assert values["PersonalAcc"] in under and values["BIC"] in under, under
        assert f"К оплате: {_plain(amount)} руб." in under, under
        assert values["PersAcc"] == account.number
        assert values["QuittId"] == f"{account.number}-202609"
        assert values["QuittDate"] == "01.10.2026"
        assert values["PaymPeriod"] == "092026" and values["TechCode"] == "02"
        assert re.fullmatch(r"\d{20}", values["PersonalAcc"]) and re.fullmatch(
            r"\d{9}", values["BIC"]
        )
    assert total == _amount_due(pdf) == document.amount_due == document.balance.closing


def test_an_advance_with_one_payee_does_not_pay_anothers_debt(db: Database) -> None:
    account = make_account(db, last_taken_on=dt.date(2026, 8, 20))
    make_closed_month(db, account, SEP, volume=Decimal("100"), paid=Decimal("2000"), vdgo=True)
    document = data.gather(db, account.account_id, SEP)
    pdf = payment_document.render([document])
    codes = {c.values["PersonalAcc"]: c.values for c in _codes(pdf)}
    assert "Sum" not in codes[SUPPLIER_ACC]  # an advance: nothing due to the supplier
    assert codes[GAS_ACC]["Sum"] == "4860"
    assert _amount_due(pdf) == Decimal("48.60") == document.amount_due


def test_payment_agent_one_code_and_the_document_says_so(
    db: Database, two_payees: tuple[AccountIds, data.PaymentDocumentData]
) -> None:
    account, _ = two_payees
    with db.read() as session:
        gas_id = session.scalar(select(Service.recipient_id).where(Service.code == "vdgo"))
        own_id = session.scalar(select(Supplier.id).where(Supplier.inn == "7203009996"))
    update_row(db, Supplier, gas_id, collected_by_agent_id=own_id)
    document = data.gather(db, account.account_id, SEP)
    pdf = payment_document.render([document])
    (code,) = _codes(pdf)
    assert code.values["PersonalAcc"] == SUPPLIER_ACC
    assert Decimal(code.values["Sum"]) / 100 == _amount_due(pdf) == document.balance.closing
    assert "платёжный агент" in code.values["Purpose"]
    text = " ".join(pdf_text(pdf).split())
    assert (
        "АО «Энергосбытовая компания «Восток» принимает платёж как платёжный агент за "
        f"{GAS} (ИНН 5611004449)"
    ) in text


def test_43pr_fields_are_printed(db: Database) -> None:
    account = make_account(db, last_taken_on=dt.date(2026, 8, 20))
    make_closed_month(db, account, dt.date(2026, 8, 1), volume=Decimal("120"), paid=Decimal("300"))
    make_closed_month(db, account, SEP, volume=Decimal("183"), method=VolumeMethod.NORM)
    text = " ".join(
        pdf_text(payment_document.render([data.gather(db, account.account_id, SEP)])).split()
    )
    for expected in (
        f"Документ № {account.number}-202609 от 01.10.2026",
        "Оплаты учтены по 30.09.2026",
        "Дата последней оплаты: 15.08.2026",  # August's payment: none in September
        "Объем определен", "по нормативу",
        "(20.08.2026, клиент в офисе)",  # the previous reading, its date and how it came
    ):  # fmt: skip
        assert expected in text, expected


def test_batch_is_stored_and_reprinted_from_stored_bytes(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    boss = make_staff(db, "boss", StaffRole.SUPERVISOR)
    accounts = []
    for flat in range(1, 5):
        a = make_account(db, flat=str(flat), last_taken_on=dt.date(2026, 8, 20))
        make_closed_month(db, a, SEP, volume=Decimal(100 + flat), vdgo=flat == 2)
        accounts.append(a)
    ids = [a.account_id for a in accounts[:3]]
    first = batch.render_batch(db, boss, SEP, ids)
    assert first.pdf is not None and first.rendered == 3 and page_count(first.pdf) == 3
    # Rendered once: from now on only stored bytes may be used.
    rendered: list[int] = []
    real_render = payment_document.render

    def counting(documents, **kwargs):  # type: ignore[no-untyped-def]
        documents = list(documents)
        rendered.extend(d.account_id for d in documents)
        return real_render(documents, **kwargs)

    monkeypatch.setattr(payment_document, "render", counting)
    again = batch.render_batch(db, boss, SEP, ids)
    assert again.pdf == first.pdf and again.rendered == 0 and rendered == []
    # A single reprint of a document first printed in the batch: its page, the same each time.
    clerk = make_staff(db, "clerk", StaffRole.CLERK)
    one = issue_payment_document(db, clerk, accounts[1].account_id, SEP)
    assert one.reprint and rendered == []
    assert page_count(one.content) == 1
    assert pdf_text(one.content) == pdf_text(first.pdf, page=2)
    assert issue_payment_document(db, clerk, accounts[1].account_id, SEP).content == one.content
    assert len(_codes(one.content)) == 2  # the ВДГО account's page keeps both codes
    # A mix of stored and new: only the new one is rendered, the order is kept, and a reprint
    # of the mix is byte-identical.
    mixed = [accounts[3].account_id, ids[2], ids[0]]
    out = batch.render_batch(db, boss, SEP, mixed)
    assert out.pdf is not None and out.rendered == 1 and rendered == [accounts[3].account_id]
    for page, a in enumerate((accounts[3], accounts[2], accounts[0]), start=1):
        assert f"ЛИЦЕВОЙ СЧЕТ {a.number}" in pdf_text(out.pdf, page=page)
    assert pdf_text(out.pdf, page=2) == pdf_text(first.pdf, page=3)
    assert batch.render_batch(db, boss, SEP, mixed).pdf == out.pdf
    assert rendered == [accounts[3].account_id]
    with db.read() as session:  # two batches stored, no single copies
        assert session.scalar(select(func.count()).select_from(IssuedDocument)) == 2


def test_a_single_document_printed_first_is_what_a_batch_prints(db: Database) -> None:
    boss = make_staff(db, "boss2", StaffRole.SUPERVISOR)
    a = make_account(db, last_taken_on=dt.date(2026, 8, 20))
    make_closed_month(db, a, SEP)
    single = issue_payment_document(db, boss, a.account_id, SEP)
    out = batch.render_batch(db, boss, SEP, [a.account_id])
    assert out.rendered == 0 and out.pdf == single.content


def test_interim_document_is_preliminary_with_the_reading_entrys_amount(db: Database) -> None:
    account = make_account(db, zones=2, last_taken_on=dt.date(2026, 8, 20))
    make_closed_month(db, account, SEP, volume=Decimal("165"), paid=Decimal("500"), vdgo=True)
    clerk = make_staff(db, "clerk2", StaffRole.CLERK)
    today = dt.date(2026, 10, 20)
    state = entry.reading_state(db, account.account_id, today=today)
    meter = state.meters[0]
    form = entry.ReadingForm(
        account.account_id,
        tuple(
            entry.ZoneEntry(meter.meter_id, z.zone, str(z.previous_value + 150), False,
                            z.previous_reading_id)
            for z in meter.zone_states
        ),
        today,
    )  # fmt: skip
    result = entry.submit_readings(db, clerk, form, uuid.uuid4().hex, today=today)
    shown = estimate(result.readings, state.balance).amount_due  # what the entry dialog showed
    assert shown > state.balance > 0
    with db.read() as session:
        stored_before = session.scalar(select(func.count()).select_from(IssuedDocument))
    document = interim.interim_document(db, clerk, account.account_id, today=today)
    assert document.period == dt.date(2026, 10, 1) and document.amount_due == shown
    text = " ".join(pdf_text(document.content).split())
    assert "ПРЕДВАРИТЕЛЬНЫЙ" in text and "не является платёжным документом за месяц" in text
    assert "ИНФОРМАЦИОННАЯ КВИТАНЦИЯ за Октябрь 2026 г." in text
    assert _amount_due(document.content) == shown
    codes = _codes(document.content)
    assert sum(Decimal(c.values["Sum"]) for c in codes) / 100 == shown
    assert {c.values["QuittId"] for c in codes} == {f"{account.number}-202610-П"}
    with db.read() as session:  # not stored as the month's copy
        assert session.scalar(select(func.count()).select_from(IssuedDocument)) == stored_before


def test_counter_receipt_names_every_payee(db: Database) -> None:
    clerk = make_staff(db, "kassa2", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("686.00"))
    add_charge(db, acc.account_id, Decimal("48.60"), service_code="vdgo")
    dues = counter.account_dues(db, acc.account_id)
    assert {line.recipient for line in dues.lines} == {"АО «ЭК «Восток»", GAS}  # the split
    form = counter.PaymentForm(
        acc.account_id, Decimal("734.60"), counter.split(Decimal("734.60"), dues.dues()),
        PaymentMethod.CASH, cash_received=Decimal("800"), confirmed=True,
    )  # fmt: skip
    payment_id = counter.take_payment(db, clerk, form, uuid.uuid4().hex).payment_id
    text = " ".join(pdf_text(receipt.receipt_pdf(db, clerk, payment_id)).split())
    assert "Получатели платежа" in text
    assert "АО «Энергосбытовая компания «Восток» 686,00 ₽" in text
    assert f"{GAS} 48,60 ₽" in text and "ИНН 5611004449" in text

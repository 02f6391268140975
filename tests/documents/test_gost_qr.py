"""The ГОСТ Р 56042-2014 text and the fast QR encoder (checked against segno and zxing-cpp)."""

from __future__ import annotations

import random

import pytest
import segno
import segno.encoder
import zxingcpp
from PIL import Image

from console.services.core.errors import ValidationError
from console.services.documents import gost_qr, qr_encoder
from tests.support.pdf_tools import parse_gost

REQUEST = gost_qr.PaymentRequest(
    name="АО «Энергосбытовая компания «Восток»", personal_acc="40702810567100012345",
    bank_name="Западно-Сибирский банк ПАО Сбербанк", bic="047102651",
    correspondent_acc="30101810800000000651", payee_inn="7203009996", kpp="720301001",
    sum_kopecks=265700, purpose="Оплата за Сентябрь 2026 г., л/с 7200000001",
    pers_acc="7200000001", last_name="Иванов", first_name="Пётр", middle_name="Сергеевич",
    payer_address="г. Тюмень, ул. Ленина, д. 12, кв. 34", paym_period="092026",
)  # fmt: skip


def test_payload_fields_in_the_order_bank_apps_expect() -> None:
    header, pairs = parse_gost(gost_qr.payload(REQUEST))
    assert header == "ST00012"
    assert [k for k, _ in pairs] == [
        "Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc", "PayeeINN", "KPP", "Sum",
        "Purpose", "PersAcc", "LastName", "FirstName", "MiddleName", "PayerAddress",
        "PaymPeriod", "TechCode",
    ]  # fmt: skip
    values = dict(pairs)
    assert values["Sum"] == "265700"
    assert values["TechCode"] == "02"
    assert values["PersAcc"] == "7200000001"


def test_nothing_due_means_no_sum() -> None:
    from dataclasses import replace

    _, pairs = parse_gost(gost_qr.payload(replace(REQUEST, sum_kopecks=None)))
    assert "Sum" not in dict(pairs)


def test_a_pipe_inside_a_value_is_refused() -> None:
    from dataclasses import replace

    with pytest.raises(ValidationError, match="«\\|»"):
        gost_qr.payload(replace(REQUEST, payer_address="ул. Ленина | 12"))


def test_mandatory_block_over_300_bytes_is_refused() -> None:
    from dataclasses import replace

    long_name = "Общество с ограниченной ответственностью «Энергосбыт»" * 3  # ≤160 chars
    with pytest.raises(ValidationError, match="300 байт"):
        gost_qr.payload(replace(REQUEST, name=long_name[:160]))


def test_kopecks() -> None:
    from decimal import Decimal

    assert gost_qr.kopecks(Decimal("2657.00")) == 265700
    assert gost_qr.kopecks(Decimal("0.05")) == 5


@pytest.fixture
def segno_standard_padding(monkeypatch: pytest.MonkeyPatch) -> None:
    """segno pads a byte-aligned stream with a whole 0x00 codeword after the terminator (valid,
    ignored by decoders, but not the standard's pad); make it pad as ISO/IEC 18004 says."""

    def pad(buff, version, length):  # type: ignore[no-untyped-def]
        buff.extend([0] * (-length % 8))

    monkeypatch.setattr(segno.encoder, "write_padding_bits", pad)


def _text_of_bytes(rng: random.Random, size: int) -> str:
    """Mixed Cyrillic/Latin text of exactly ``size`` UTF-8 bytes."""
    chars: list[str] = []
    used = 0
    while used < size:
        ch = rng.choice("абвгдеёжзАБВЁ«»" if size - used >= 2 else "|=0123456789xyzXYZ ")
        chars.append(ch)
        used += len(ch.encode())
    return "".join(chars)


@pytest.mark.usefixtures("segno_standard_padding")
def test_fast_encoder_makes_segnos_matrix_for_every_version_and_mask() -> None:
    rng = random.Random(7)
    cases = [(0, 0), (1, 1), *((qr_encoder._capacity(v) - 3, v % 8) for v in range(1, 41))]
    cases += [(300, mask) for mask in range(8)]
    versions = set()
    for size, mask in cases:
        text = _text_of_bytes(rng, size)
        reference = segno.make_qr(
            text, error="m", mask=mask, boost_error=False, mode="byte", encoding="utf-8"
        )
        versions.add(reference.version)
        assert qr_encoder.encode(text, mask) == tuple(bytes(r) for r in reference.matrix)
    assert versions == set(range(1, 41))


def test_fast_encoder_output_decodes() -> None:
    text = gost_qr.payload(REQUEST)
    modules = gost_qr.matrix(text)
    n = len(modules)
    scale = 4
    image = Image.new("L", ((n + 8) * scale, (n + 8) * scale), 255)
    for y, row in enumerate(modules):
        for x, dark in enumerate(row):
            if dark:
                image.paste(0, ((x + 4) * scale, (y + 4) * scale, (x + 5) * scale, (y + 5) * scale))
    (result,) = zxingcpp.read_barcodes(image)
    assert result.text == text
    assert result.bytes == text.encode("utf-8")  # UTF-8, as the header's "2" promises

"""The ГОСТ Р 56042-2014 payment QR code: its text, its module matrix, and a cheap PDF drawing."""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from reportlab.pdfgen.canvas import Canvas

from console.services.core.errors import ValidationError
from console.services.documents import qr_encoder

HEADER = "ST00012"  # ST, version 0001, encoding 2 = UTF-8
MANDATORY = ("Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc")
MANDATORY_MAX_BYTES = 300
_LIMITS = {"Name": 160, "BankName": 45, "CorrespAcc": 20, "PayeeINN": 12, "KPP": 9,
           "Purpose": 210, "Sum": 18, "QuittId": 30}  # fmt: skip
#: A fixed mask: choosing the best of the 8 by their penalty scores costs ~45 ms a code in pure
#: Python, and every mask is valid for every decoder (the search only avoids patterns that
#: confuse poor ones).
MASK = 2
QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 requires


@dataclass(frozen=True)
class PaymentRequest:
    """What the payer's bank app pre-fills: payee requisites, amount and payer."""

    name: str
    personal_acc: str
    bank_name: str
    bic: str
    correspondent_acc: str
    payee_inn: str
    kpp: str
    sum_kopecks: int | None
    purpose: str
    pers_acc: str
    last_name: str
    first_name: str
    middle_name: str | None
    payer_address: str
    paym_period: str  # ММГГГГ
    quitt_id: str = ""  # the payment document's number (ГОСТ Р 56042, additional field)
    quitt_date: str = ""  # its date, ДД.ММ.ГГГГ


def payload(req: PaymentRequest) -> str:
    """``ST00012|Name=…|PersonalAcc=…|BankName=…|BIC=…|CorrespAcc=…|PayeeINN=…|…|TechCode=02``."""
    pairs: list[tuple[str, str]] = [
        ("Name", req.name),
        ("PersonalAcc", req.personal_acc),
        ("BankName", req.bank_name),
        ("BIC", req.bic),
        ("CorrespAcc", req.correspondent_acc),
        ("PayeeINN", req.payee_inn),
        ("KPP", req.kpp),
    ]
    # Nothing due (an advance): no Sum, so the payer types what they want to pay.
    if req.sum_kopecks:
        pairs.append(("Sum", str(req.sum_kopecks)))
    pairs += [
        ("Purpose", _clip(req.purpose, _LIMITS["Purpose"])),
        ("PersAcc", req.pers_acc),
        ("LastName", req.last_name),
        ("FirstName", req.first_name),
    ]
    if req.middle_name:
        pairs.append(("MiddleName", req.middle_name))
    pairs += [
        ("PayerAddress", req.payer_address),
        ("PaymPeriod", req.paym_period),
        ("QuittId", req.quitt_id),
        ("QuittDate", req.quitt_date),
        ("TechCode", "02"),
    ]
    _check(pairs)
    return "|".join([HEADER, *(f"{k}={v}" for k, v in pairs if v != "")])


def kopecks(amount: Decimal) -> int:
    """Rubles to whole kopecks (the amount is already rounded to kopecks)."""
    return int((amount * 100).to_integral_value())


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check(pairs: Sequence[tuple[str, str]]) -> None:
    for key, value in pairs:
        if "|" in value:
            raise ValidationError(
                f"Поле «{key}» QR-кода содержит недопустимый символ «|»: исправьте данные.", key
            )
        limit = _LIMITS.get(key)
        if limit is not None and len(value) > limit:
            raise ValidationError(
                f"Поле «{key}» QR-кода длиннее {limit} символов: сократите его в справочнике.",
                key,
            )
    values = dict(pairs)
    if values.get("QuittDate") and not re.fullmatch(r"\d\d\.\d\d\.\d{4}", values["QuittDate"]):
        raise ValidationError("Дата документа в QR-коде — в виде ДД.ММ.ГГГГ.", "QuittDate")
    if not (values["PersonalAcc"].isdigit() and len(values["PersonalAcc"]) == 20):
        raise ValidationError("Расчётный счёт получателя должен содержать 20 цифр.", "PersonalAcc")
    if not (values["BIC"].isdigit() and len(values["BIC"]) == 9):
        raise ValidationError("БИК получателя должен содержать 9 цифр.", "BIC")
    mandatory = "|".join([HEADER, *(f"{k}={values[k]}" for k in MANDATORY)])
    if len(mandatory.encode("utf-8")) > MANDATORY_MAX_BYTES:
        raise ValidationError(
            "Обязательные реквизиты QR-кода длиннее 300 байт: сократите наименование "
            "получателя или банка.",
            "Name",
        )


def matrix(text: str) -> tuple[bytes, ...]:
    """The QR module matrix, a row of bytes (1 = dark) per row, without the quiet zone.

    UTF-8 in byte mode without an ECI header, error correction level M, mask :data:`MASK`.
    """
    return qr_encoder.encode(text, MASK)


_DARK_RUN = re.compile(b"\x01+")


@cache
def _run(start: int, end: int, row: int) -> str:
    return f"{start} {row} {end - start} 1 re"


@dataclass(frozen=True)
class QrPath:
    """A code ready to place: its PDF drawing in the unit square (an image mask)."""

    modules: int
    path: str


_BITS = bytes.maketrans(b"\x00\x01", b"01")
#: Samples per module side. Viewers that smooth images (PDFium, Qt's own PDF rendering, which
#: the print path uses) blur a one-sample-per-module code into grey; four keep the edges sharp.
SAMPLES = 4
_WIDE = {ord("0"): "0" * SAMPLES, ord("1"): "1" * SAMPLES}


def path(text: str) -> QrPath:
    """The code of ``text`` as an inline 1-bit image mask over the unit square, quiet zone
    included: a module is a sample, so the code is exact at any scale (no interpolation), a
    pure function of the text (a process pool can make them for a batch), ~0.5 ms and ~1.5 KB
    a code, where a vector path (a ``re`` per run of dark modules) costs ~2.5 ms with its
    compression and ~10 KB, and a rectangle per module ~16 ms.
    """
    modules = matrix(text)
    n = len(modules)
    total = (n + 2 * QUIET_ZONE) * SAMPLES
    stride = (total + 7) // 8
    pad = stride * 8 - total
    blank = bytes(stride)
    margin = b"\x00" * QUIET_ZONE
    rows = [blank] * (QUIET_ZONE * SAMPLES)
    for row in modules:
        bits = (margin + row + margin).translate(_BITS).decode("ascii").translate(_WIDE)
        line = (int(bits, 2) << pad).to_bytes(stride, "big")
        rows += [line] * SAMPLES
    rows += [blank] * (QUIET_ZONE * SAMPLES)
    data = base64.a85encode(zlib.compress(b"".join(rows), 6)).decode("ascii")
    # /D [1 0]: a 1 (dark module) paints the fill colour, a 0 leaves the page as it is.
    image = f"BI /W {total} /H {total} /BPC 1 /IM true /D [1 0] /F [/A85 /Fl] ID\n{data}~>\nEI"
    return QrPath(n, image)


def paths(texts: Sequence[str]) -> list[QrPath]:
    """Many codes at once (one task of a batch's process pool)."""
    return [path(t) for t in texts]


def draw(
    canvas: Canvas,
    code: QrPath | str,
    x: float,
    y: float,
    size: float,
    *,
    backdrop: bool = False,
) -> None:
    """Draw the code (with its quiet zone) into the square ``size`` at (x, y), bottom-left."""
    if isinstance(code, str):
        code = path(code)
    canvas.saveState()
    if backdrop:  # a white square over whatever is beneath (a watermark): a clean quiet zone
        canvas.setFillGray(1)
        canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.addLiteral(f"{size:.3f} 0 0 {size:.3f} {x:.3f} {y:.3f} cm\n" + code.path)
    canvas.restoreState()

"""The payment document of seed 001 (Рис. 26): ИЗВЕЩЕНИЕ and КВИТАНЦИЯ on one A4 page."""

from __future__ import annotations

import io
import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from console.services.core.formatting import add_months, date, money, month_year, rate, volume
from console.services.documents import fonts, gost_qr, layout
from console.services.documents.data import METER_METHOD, Payee, PaymentDocumentData, Requisites
from console.services.documents.layout import Column, Pen, fit, mm

PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 10 * mm, 8 * mm, 8 * mm, 8 * mm
STUB = 44 * mm  # the left column: part name, QR code, «Кассир»
X0 = LEFT + STUB + 2 * mm  # content starts here
CW = PAGE_W - RIGHT - 2 * mm - X0  # content width
QR_SIZE = STUB - 3 * mm
#: Several payees: each code with the payee's name, bank account and sum under it in the stub.
QR_MIN = 27 * mm  # ~0.33 mm a module for a version-15 code: what phone cameras still read
QR_CAPTION = 14 * mm
PRELIMINARY = "ПРЕДВАРИТЕЛЬНЫЙ"
PRELIMINARY_NOTE = (
    "Предварительный расчёт за текущий месяц по переданным показаниям: не является "
    "платёжным документом за месяц; итоговая сумма будет указана в документе после закрытия "
    "расчётного периода."
)
NOT_ACCEPTED = "исправленные квитанции к оплате не принимаются"
FOOTNOTES = (
    "* Повышающий коэффициент применяется в соответствии с постановлением Правительства РФ "
    "№ 354 от 06.05.2011 г.\n"
    "** Размер превышения платы за электроэнергию, рассчитанной с применением повышающего "
    "коэффициента, над размером платы за электроэнергию, рассчитанной без учёта повышающего "
    "коэффициента."
)
BALANCE_COLUMNS = [Column(w * CW) for w in (0.23, 0.19, 0.17, 0.19, 0.22)]
BALANCE_HEADER = [
    "+Долг/-аванс на начало расчетного месяца (руб.)",
    "Начислено за расчетный месяц (руб.)",
    "Перерасчет (руб.)",
    "Оплачено в расчетном месяце (руб.)",
    "+Долг/-аванс на конец расчетного месяца (руб.)",
]
SERVICE_COLUMNS = [
    Column(w * CW, a)
    for w, a in zip(
        (0.20, 0.10, 0.12, 0.07, 0.11, 0.11, 0.10, 0.10, 0.09),
        ("l", "r", "c", "r", "c", "r", "r", "r", "r"),
        strict=True,
    )
]
SERVICE_HEADER = [
    "Услуга", "Объем за расчетный месяц", "Объем определен", "Тариф (руб.)",
    "Повышающий коэффициент*", "Размер превышения платы** (руб.)", "Начислено (руб.)",
    "Перерасчет (руб.)", "ВСЕГО (руб.)",
]  # fmt: skip
METER_LABEL = "Показания индивидуального прибора учета"
METER_COLUMNS = {
    True: [Column(0.42 * CW, "l"), Column(0.14 * CW), Column(0.22 * CW), Column(0.22 * CW)],
    False: [Column(0.56 * CW, "l"), Column(0.14 * CW), Column(0.30 * CW)],
}
METER_HEADER = {
    True: [METER_LABEL, "Зона", "Предыдущее", "Текущее"],
    False: [METER_LABEL, "Зона", "Текущее"],
}
DIGIT_BOX = 4.2 * mm


def render(
    documents: Iterable[PaymentDocumentData],
    *,
    on_page: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    qr_workers: int = 0,
) -> bytes:
    """One page per document, one PDF. Byte-identical for identical data (``invariant``).

    ``qr_workers`` > 0: that many other processes make the QR codes (a third of a page's work)
    a block ahead while this one draws, so a big batch uses a second core; the bytes are the
    same either way.
    """
    fonts.register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=A4, invariant=1, pageCompression=1, initialFontName=layout.REGULAR
    )
    canvas.setTitle("Платёжный документ")
    canvas.setAuthor("Операторский пульт клиентского зала")
    canvas.setCreator("console")
    pen = Pen(canvas)
    pages = 0
    ahead = None
    if qr_workers > 0 and not getattr(sys, "frozen", False):
        # (A frozen bundle would start itself again as the worker: it draws the codes here.)
        documents = ahead = _codes_ahead(documents, pen.prepared, qr_workers)
    try:
        for data in documents:
            if cancelled is not None and cancelled():
                break
            draw_page(pen, data)
            canvas.showPage()
            pages += 1
            if on_page is not None:
                on_page(pages)
    finally:
        if ahead is not None:
            ahead.close()  # stops the pool at once, also when cancelled
    if pages == 0:
        canvas.showPage()  # a valid, empty PDF rather than a broken one
    canvas.save()
    return buffer.getvalue()


#: Documents whose QR codes one pool task makes.
QR_BLOCK = 48


def _codes_ahead(
    documents: Iterable[PaymentDocumentData], prepared: dict[str, object], workers: int
) -> Generator[PaymentDocumentData, None, None]:
    """The documents as they come, with their codes made by a process pool a block ahead."""
    # spawn, not fork: a forked child would share the database engine's connections.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    source = iter(documents)
    pending: deque[tuple[list[PaymentDocumentData], list[str], Future[list[gost_qr.QrPath]]]]
    pending = deque()

    def submit() -> None:
        block = list(islice(source, QR_BLOCK))
        if block:
            texts = [text for d in block for _, text in qr_texts(d)]
            pending.append((block, texts, pool.submit(gost_qr.paths, texts)))

    try:
        for _ in range(2 * workers + 1):
            submit()
        while pending:
            block, texts, future = pending.popleft()
            submit()
            prepared.update(zip(texts, future.result(), strict=True))
            yield from block
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def qr_texts(data: PaymentDocumentData) -> list[tuple[Payee, str]]:
    """One ГОСТ Р 56042-2014 text per payee: its account, its sum, its purpose."""
    return [(payee, _payload(data, payee)) for payee in data.payees]


def qr_text(data: PaymentDocumentData) -> str:
    """The first payee's text (the only one on a single-payee document)."""
    return qr_texts(data)[0][1]


def _payload(data: PaymentDocumentData, payee: Payee) -> str:
    s = payee.requisites
    what = ", ".join(payee.services)
    if payee.agent_for:
        what += " (платёжный агент за " + ", ".join(r.short_name for r in payee.agent_for) + ")"
    purpose = f"Оплата за {month_year(data.period)} г., л/с {data.account_number}"
    if len(data.payees) > 1 or payee.agent_for:
        purpose += f": {what}"
    return gost_qr.payload(
        gost_qr.PaymentRequest(
            name=s.name, personal_acc=s.settlement_account, bank_name=s.bank_name, bic=s.bic,
            correspondent_acc=s.correspondent_account, payee_inn=s.inn, kpp=s.kpp,
            sum_kopecks=gost_qr.kopecks(payee.amount) or None,
            purpose=purpose, pers_acc=data.account_number, last_name=data.last_name,
            first_name=data.first_name, middle_name=data.middle_name,
            payer_address=data.address,
            paym_period=f"{data.period.month:02d}{data.period.year}",
            quitt_id=data.number, quitt_date=date(data.issued_on) if data.issued_on else "",
        )
    )  # fmt: skip


def draw_page(pen: Pen, data: PaymentDocumentData, *, compact: bool | None = None) -> float:
    """Both parts on the current page; returns how far down the КВИТАНЦИЯ reached.

    ``compact`` (decided by :func:`needs_compact` when None) prints the ИЗВЕЩЕНИЕ without
    the recipients' contacts and the balance table, which the КВИТАНЦИЯ carries anyway, so
    that a bill with many services and meter zones still fits one sheet.
    """
    if compact is None:
        compact = needs_compact(data)
    top = PAGE_H - TOP
    if data.preliminary:
        _watermark(pen)
    bottom = _notice(pen, data, top, compact=compact)
    cut = bottom - 3 * mm
    pen.dashed(LEFT, cut, PAGE_W - RIGHT)
    pen.text(LEFT + 2 * mm, cut - 2.2 * mm, "✂ линия отреза", 6)
    return _receipt(pen, data, cut - 4 * mm)


#: Rows (service lines, meter zones, recipients) a full-size page surely holds.
_ROOMY = 9


def needs_compact(data: PaymentDocumentData) -> bool:
    """Whether the full layout would run off the sheet: a dry run, only for big bills."""
    rows = sum(len(s.lines) for s in data.recipients) + len(data.meters)
    rows += 3 * (len(data.recipients) - 1) + len(data.components)
    if rows <= _ROOMY:
        return False
    return draw_page(_MEASURE, data, compact=False) < BOTTOM


#: Measures pages without drawing; its cache of repeated blocks' heights lives on.
_MEASURE = Pen(layout.NullCanvas())


# --- the two parts --------------------------------------------------------------------------
def _notice(pen: Pen, data: PaymentDocumentData, top: float, *, compact: bool) -> float:
    """ИЗВЕЩЕНИЕ: what the cashier keeps. Returns its bottom."""
    y = _title(pen, "ИНФОРМАЦИОННОЕ ИЗВЕЩЕНИЕ", data, top)
    y = _document_line(pen, data, y)
    y = _requisites(pen, data, y - 1 * mm, brief=compact)
    y = _account(pen, data, y - 1.5 * mm)
    if not compact:
        y = _balance(pen, data, y - 1.5 * mm)
    y = _due(pen, data, y - 1 * mm)
    y = _meters(pen, data, y - 1 * mm, previous=False)
    bottom = min(y - 2 * mm, top - 62 * mm)
    _frame(pen, top, bottom, "ИЗВЕЩЕНИЕ", None)
    return bottom


def _receipt(pen: Pen, data: PaymentDocumentData, top: float) -> float:
    """КВИТАНЦИЯ: the customer's part with everything and the QR code. Returns its bottom."""
    y = _title(pen, "ИНФОРМАЦИОННАЯ КВИТАНЦИЯ", data, top)
    y = _document_line(pen, data, y)
    y = _requisites(pen, data, y - 1 * mm)
    y = _agent_note(pen, data, y)
    y = _account(pen, data, y - 1.5 * mm)
    y = _balance(pen, data, y - 1.5 * mm)
    y = _services(pen, data, y - 1.5 * mm)
    y = _due(pen, data, y - 1 * mm)
    y = _meters(pen, data, y - 1 * mm, previous=True)
    y = _components(pen, data, y - 1.5 * mm)
    y = pen.stamp("footnotes", X0, y - 1 * mm, lambda p: p.para(0, 0, CW, FOOTNOTES, 5.8))
    several = len(data.payees) > 1
    # Several codes need room in the stub: each code, and under it its payee and sum.
    need = 9 * mm + len(data.payees) * (QR_MIN + QR_CAPTION) + 21 * mm if several else 75 * mm
    bottom = min(y - 2 * mm, top - need)
    frame_bottom = max(bottom, BOTTOM)
    if not several:
        _frame(
            pen, top, frame_bottom, "КВИТАНЦИЯ", "" if pen.dry else qr_text(data),
            backdrop=data.preliminary,
        )  # fmt: skip
    else:
        _frame(pen, top, frame_bottom, "КВИТАНЦИЯ", None, caption=True)
        if not pen.dry:
            _payee_codes(pen, data, top - 10 * mm, frame_bottom + 21 * mm)
    return bottom


def _payee_codes(pen: Pen, data: PaymentDocumentData, top: float, bottom: float) -> None:
    """A code per payee down the stub, each with the payee, its bank account and sum under it."""
    codes = qr_texts(data)
    slot = (top - bottom) / len(codes)
    size = max(min(QR_SIZE, slot - QR_CAPTION), QR_MIN)
    x = LEFT + (STUB - size) / 2
    y = top
    for payee, text in codes:
        code = pen.prepared.pop(text, text)
        gost_qr.draw(pen.c, code, x, y - size, size, backdrop=data.preliminary)
        r = payee.requisites
        caption = (
            f"{r.short_name}\nр/сч {r.settlement_account}\nБИК {r.bic}\n"
            f"К оплате: {money(payee.amount)} руб."
        )
        pen.para(LEFT + 1.5 * mm, y - size + 0.5 * mm, STUB - 3 * mm, caption, 5.8,
                 leading=6.6, align="c")  # fmt: skip
        y -= slot


def _frame(
    pen: Pen,
    top: float,
    bottom: float,
    title: str,
    qr: str | None,
    *,
    caption: bool = False,
    backdrop: bool = False,
) -> None:
    c = pen.c
    c.rect(LEFT, bottom, PAGE_W - RIGHT - LEFT, top - bottom)
    c.line(LEFT + STUB, bottom, LEFT + STUB, top)

    def head(p: Pen) -> float:
        p.text(STUB / 2, -6 * mm, title, 11, bold=True, align="c")
        if caption:
            text = "Каждому получателю — свой QR-код"
            return p.para(2 * mm, -6.8 * mm, STUB - 4 * mm, text, 5.8, align="c")
        if qr is None:
            return -8 * mm
        note = "Оплата по QR-коду в приложении банка"
        return p.para(2 * mm, -9 * mm - QR_SIZE, STUB - 4 * mm, note, 6, align="c")

    def foot(p: Pen) -> float:
        p.para(2 * mm, 0, STUB - 4 * mm, NOT_ACCEPTED, 6, align="c")
        p.text(3 * mm, -12 * mm, "Кассир", 8, bold=True)
        p.c.line(14 * mm, -12 * mm, STUB - 3 * mm, -12 * mm)
        return -13 * mm

    pen.stamp(("stub-head", title, qr is not None, caption), LEFT, top, head)
    pen.stamp("stub-foot", LEFT, bottom + 17 * mm, foot)
    if qr:
        x, y = LEFT + 1.5 * mm, top - 9 * mm - QR_SIZE
        gost_qr.draw(c, pen.prepared.pop(qr, qr), x, y, QR_SIZE, backdrop=backdrop)


# --- blocks -----------------------------------------------------------------------------------
def _title(pen: Pen, title: str, data: PaymentDocumentData, top: float) -> float:
    text = f"{title} за {month_year(data.period)} г."
    return pen.stamp(
        ("title", text), X0, top, lambda p: p.para(0, -1.5 * mm, CW, text, 10, bold=True)
    )


def _document_line(pen: Pen, data: PaymentDocumentData, top: float) -> float:
    """Приказ № 43/пр: the document's number and date, payments counted to, the last payment."""
    parts = [
        f"Документ № {data.number}" + (f" от {date(data.issued_on)}" if data.issued_on else "")
    ]
    if data.payments_counted_to:
        parts.append(f"Оплаты учтены по {date(data.payments_counted_to)}")
    last = date(data.last_payment_on) if data.last_payment_on else "оплат не было"
    parts.append(f"Дата последней оплаты: {last}")
    y = pen.para(X0, top - 0.3 * mm, CW, " · ".join(parts), 7)
    if data.preliminary:
        y = pen.para(X0, y - 0.5 * mm, CW, f"{PRELIMINARY}. {PRELIMINARY_NOTE}", 7.5, bold=True)
    return y


def _agent_note(pen: Pen, data: PaymentDocumentData, top: float) -> float:
    """Where one code pays an agent for other recipients, the document says so in words."""
    notes = [
        f"{p.requisites.name} принимает платёж как платёжный агент за "
        + ", ".join(f"{r.name} (ИНН {r.inn})" for r in p.agent_for)
        + f": сумма по QR-коду {money(p.amount)} руб. включает начисления этих получателей."
        for p in data.payees
        if p.agent_for
    ]
    if not notes:
        return top
    return pen.para(X0, top, CW, " ".join(notes), 7, bold=True)


def _watermark(pen: Pen) -> None:
    """A light diagonal «ПРЕДВАРИТЕЛЬНЫЙ» across the sheet: not a bill to pay from."""
    c = pen.c
    c.saveState()
    c.setFillGray(0.86)
    c.translate(PAGE_W / 2, PAGE_H / 2)
    c.rotate(55)
    c.setFont(layout.BOLD, 64)
    c.drawCentredString(0, -20, PRELIMINARY)
    c.restoreState()


def _requisites(pen: Pen, data: PaymentDocumentData, top: float, *, brief: bool = False) -> float:
    """Each recipient's name, contacts and bank; ``brief``: name and bank only."""
    recipients = tuple(section.requisites for section in data.recipients)

    def draw(p: Pen) -> float:
        y = 0.0
        for r in recipients:
            head = f"Получатель платежа: {r.name}" if len(recipients) > 1 else r.name
            y = p.para(0, y, CW, head, 7.5, bold=True)
            body = _bank(r) if brief else _contacts(r) + "\n" + _bank(r)
            y = p.para(0, y, CW, body, 6.8, leading=7.8)
            y -= 0.5 * mm
        return y

    return pen.stamp(("requisites", recipients, brief), X0, top, draw)


def _contacts(r: Requisites) -> str:
    return f"{r.address}, тел. {r.phone}, E-mail: {r.email}, сайт: {r.site}"


def _bank(r: Requisites) -> str:
    return (
        f"ИНН {r.inn} КПП {r.kpp} {r.bank_name} р/сч {r.settlement_account} "
        f"к/сч {r.correspondent_account} БИК {r.bic}"
    )


def _account(pen: Pen, data: PaymentDocumentData, top: float) -> float:
    box_w = 62 * mm
    due_x = X0 + CW - box_w
    y = top - 3.5 * mm
    width = pen.text(X0, y, f"ЛИЦЕВОЙ СЧЕТ {data.account_number}", 9.5, bold=True)
    room = CW - width - 3 * mm
    size = fit([data.holder], room, 9.5, bold=True)
    if size >= 7:
        pen.text(X0 + width + 3 * mm, y, data.holder, size, bold=True)
    else:  # a very long name goes on a line of its own
        y = pen.para(X0, y - 0.5 * mm, CW, data.holder, 8.5, bold=True) + 1.5 * mm
    y = pen.para(X0, y - 0.6 * mm, due_x - X0 - 2 * mm, f"Адрес: {data.address}", 7.5)
    area = f"{money(data.area)} м²" if data.area is not None else "—"
    rooms = str(data.rooms) if data.rooms is not None else "—"
    y -= 3.2 * mm
    pen.text(X0, y, f"Площадь квартиры: {area}", 7.5)
    pen.text(X0 + 42 * mm, y, f"Количество комнат: {rooms}", 7.5)
    y -= 3.2 * mm
    pen.text(X0, y, f"Количество проживающих: {data.residents} чел.", 7.5)
    # The amount due, boxed on the right: the figure the payer looks for first.
    box_top = top - 5 * mm
    pen.c.rect(due_x, box_top - 8 * mm, box_w, 8 * mm)
    pen.text(due_x + 2 * mm, box_top - 5.4 * mm, "Сумма к оплате", 8)
    amount = f"{money(data.amount_due)} руб."
    size = fit([amount], box_w - 28 * mm, 11, bold=True)
    pen.text(due_x + box_w - 2 * mm, box_top - 5.4 * mm, amount, size, bold=True, align="r")
    if data.balance.closing < 0:
        pen.text(due_x + box_w, box_top - 11 * mm,
                 f"аванс {money(-data.balance.closing)} руб.", 7, align="r")  # fmt: skip
    return min(y - 1.2 * mm, box_top - 11.5 * mm)


def _header(pen: Pen, key: str, top: float, columns: list[Column], header: list[str]) -> float:
    return pen.stamp(
        ("header", key), X0, top, lambda p: p.row(0, 0, columns, header, 6.5, bold=True, align="c")
    )


def _balance(pen: Pen, data: PaymentDocumentData, top: float) -> float:
    b = data.balance
    y = _header(pen, "balance", top, BALANCE_COLUMNS, BALANCE_HEADER)
    row = [money(b.opening), money(b.charged), money(b.recalculated), money(b.paid),
           money(b.closing)]  # fmt: skip
    return pen.row(X0, y, BALANCE_COLUMNS, row, 7.5)


def _services(pen: Pen, data: PaymentDocumentData, top: float) -> float:
    y = _header(pen, "services", top, SERVICE_COLUMNS, SERVICE_HEADER)
    several = len(data.recipients) > 1
    for section in data.recipients:
        if several:
            y = pen.row(X0, y, SERVICE_COLUMNS, [f"Получатель: {section.requisites.short_name}"], 7)
        for line in section.lines:
            coefficient = "" if line.raising_coefficient == 1 else rate(line.raising_coefficient)
            y = pen.row(X0, y, SERVICE_COLUMNS, [
                line.service, f"{volume(line.volume, 0)} {line.unit}", line.method,
                rate(line.tariff), coefficient,
                money(line.excess_amount) if line.excess_amount else "",
                money(line.charged), money(line.recalculation) if line.recalculation else "",
                money(line.total),
            ], 7)  # fmt: skip
        if several:
            total = ["Итого", "", "", "", "", "", "", "", money(section.total)]
            y = pen.row(X0, y, SERVICE_COLUMNS, total, 7, bold=True)
            due = [f"К оплате получателю {section.requisites.short_name} с учётом долга/аванса "
                   f"({money(section.balance)})", money(section.due)]  # fmt: skip
            y = pen.row(X0, y, [Column(sum(c.width for c in SERVICE_COLUMNS[:-1]), "l"),
                                SERVICE_COLUMNS[-1]], due, 7, bold=True)  # fmt: skip
    if not any(s.lines for s in data.recipients):
        empty = ["Начислений за месяц нет", "", "", "", "", "", "", "", ""]
        y = pen.row(X0, y, SERVICE_COLUMNS, empty, 7)
    # Why a month was billed without a reading: what customers ask about most.
    notes = dict.fromkeys(
        f"{line.service.split(' (')[0]}: объем определен {line.method} — "
        f"{line.explanation.rstrip('.')}."
        for section in data.recipients
        for line in section.lines
        if line.explanation and line.method.startswith("по ") and line.method != METER_METHOD
    )
    if notes:
        y = pen.para(X0, y - 0.5 * mm, CW, " ".join(notes), 6.5)
    return y


def _due(pen: Pen, data: PaymentDocumentData, top: float) -> float:
    day = add_months(data.period, 1).replace(day=data.due_day)
    text = f"Оплатить до {data.due_day}-го числа (до {date(day)})"

    def draw(p: Pen) -> float:
        p.text(0, -3 * mm, text, 8, bold=True)
        return -4.2 * mm

    return pen.stamp(("due", text), X0, top, draw)


def _meters(pen: Pen, data: PaymentDocumentData, top: float, *, previous: bool) -> float:
    cols = METER_COLUMNS[previous]
    y = _header(pen, f"meters-{previous}", top, cols, METER_HEADER[previous])
    current_x = X0 + sum(c.width for c in cols[:-1])
    meters = data.meters or ()
    rows: list[tuple[list[str], int]] = []
    for m in meters:
        row = [f"№ {m.serial}, {m.model}", m.zone or "—"]
        if previous:
            how = f", {m.source.lower()}" if m.source else ""
            when = f" ({date(m.previous_on)}{how})" if m.previous_on else ""
            row.append(f"{volume(m.previous, 0)}{when}" if m.previous is not None else "—")
        rows.append(([*row, ""], m.digits))
    if not rows:
        rows.append(([""] * len(cols), 5))
    for row, digits in rows:
        row_top = y
        y = pen.row(X0, y, cols, row, 7, min_height=DIGIT_BOX + 1.6 * mm)
        # An empty box per digit for the current reading, written by the customer.
        width = min(digits * DIGIT_BOX, cols[-1].width - 2 * mm)
        side = width / digits
        pen.boxes(current_x + (cols[-1].width - width) / 2, (row_top + y - side) / 2, digits, side)
    return y


def _components(pen: Pen, data: PaymentDocumentData, top: float) -> float:
    """Tariff components, zones side by side: «покупная электроэнергия 2,6166 / 2,0118»."""
    parts = data.components
    if not parts:
        return top

    def values(attr: str) -> str:
        return " / ".join(rate(getattr(t, attr)) for t in parts)

    zones = " / ".join(t.zone for t in parts if t.zone)
    text = (
        f"Составляющие тарифа, руб./кВт·ч{f' ({zones})' if zones else ''}: "
        f"тариф {values('rate')}, в том числе покупная электроэнергия {values('purchase')}; "
        f"услуги по передаче {values('transmission')}; сбытовая надбавка {values('retail')}; "
        f"прочие услуги {values('other')}."
    )
    return pen.stamp(("components", text), X0, top, lambda p: p.para(0, 0, CW, text, 6.3))

"""«Заявление об отказе от получения платёжного документа на бумажном носителе» (seed 000: the
customer signs it at the counter; from then on the document comes by e-mail only). Printed from
the numbered record services/registration/refusal.py made when the delivery was switched."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from console.models import Account, Customer, Office, PaperRefusal, Premise, Staff, Supplier
from console.services.core.address_format import person_name, premise_address
from console.services.core.database import Database
from console.services.core.errors import NotFoundError
from console.services.core.formatting import date
from console.services.documents import fonts


@dataclass(frozen=True)
class PaperRefusalData:
    number: str
    signed_on: dt.date
    supplier: str
    customer_name: str
    short_name: str
    phone: str
    account_number: str
    address: str
    email: str
    staff_name: str
    office: str


def gather(db: Database, refusal_ids: Sequence[int]) -> list[PaperRefusalData]:
    """The applications as recorded (number, address, e-mail), in the order asked."""
    found: list[PaperRefusalData] = []
    with db.read() as session:
        for refusal_id in refusal_ids:
            row = session.get(PaperRefusal, refusal_id)
            if row is None:
                raise NotFoundError("Заявление об отказе от бумажного документа не найдено.")
            account = session.get(Account, row.account_id)
            customer = session.get(Customer, row.customer_id)
            assert account is not None and customer is not None
            premise = session.get(Premise, account.premise_id)
            supplier = session.get(Supplier, account.supplier_id)
            staff = session.get(Staff, row.staff_id) if row.staff_id else None
            office = session.get(Office, staff.office_id) if staff and staff.office_id else None
            assert premise is not None and supplier is not None
            initials = " ".join(
                f"{p[0]}." for p in (customer.first_name, customer.middle_name) if p
            )
            found.append(
                PaperRefusalData(
                    number=row.number,
                    signed_on=row.signed_on,
                    supplier=supplier.name,
                    customer_name=person_name(customer),
                    short_name=f"{customer.last_name} {initials}",
                    phone=customer.phone or "",
                    account_number=account.number,
                    address=premise_address(premise),
                    email=row.email,
                    staff_name=staff.full_name if staff else "",
                    office=office.name if office else "",
                )  # fmt: skip
            )
    return found


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register_fonts()
    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=10.5, leading=14)
    return {
        "base": base,
        "right": ParagraphStyle("right", parent=base, leftIndent=95 * mm),
        "title": ParagraphStyle(
            "title", parent=base, fontName=fonts.BOLD, fontSize=12.5, leading=16,
            alignment=TA_CENTER, spaceBefore=10 * mm, spaceAfter=2 * mm,
        ),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER, spaceAfter=6 * mm),
        "just": ParagraphStyle(
            "just", parent=base, alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=2 * mm
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10,
                                alignment=TA_CENTER),
    }  # fmt: skip


def _signature(s: dict[str, ParagraphStyle], who: str, name: str, on: dt.date) -> Table:
    rows = [
        [Paragraph(who, s["base"]), "", Paragraph(name, s["base"]), Paragraph(date(on), s["base"])],
        ["", Paragraph("подпись", s["small"]), Paragraph("расшифровка подписи", s["small"]),
         Paragraph("дата", s["small"])],
    ]  # fmt: skip
    table = Table(rows, colWidths=[44 * mm, 38 * mm, 62 * mm, 31 * mm])
    table.setStyle(
        [
            ("LINEBELOW", (1, 0), (3, 0), 0.6, (0, 0, 0)),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("TOPPADDING", (0, 0), (-1, 0), 8 * mm),
        ]
    )
    return table


def story(data: PaperRefusalData) -> list[Flowable]:
    """One A4 page: the application as the customer signs it."""
    s = _styles()

    def J(text: str) -> Paragraph:  # noqa: N802 - reads like the class it wraps
        return Paragraph(text, s["just"])

    phone = f"<br/>тел.: {data.phone}" if data.phone else ""
    return [
        Paragraph(
            f"В {data.supplier}<br/>Заявитель: {data.customer_name}<br/>адрес: {data.address}"
            f"{phone}",
            s["right"],
        ),
        Paragraph(
            "ЗАЯВЛЕНИЕ<br/>об отказе от получения платёжного документа на бумажном носителе",
            s["title"],
        ),
        Paragraph(f"№ {data.number} от {date(data.signed_on)}", s["center"]),
        J(
            f"Я, {data.customer_name}, по лицевому счёту № {data.account_number} (адрес: "
            f"{data.address}) отказываюсь от получения платёжного документа на бумажном носителе "
            "посредством почтовой доставки и прошу направлять платёжный документ в электронном "
            f"виде на адрес электронной почты: <b>{data.email}</b>."
        ),
        J("Мне известно, что:"),
        J(
            "— с месяца, следующего за подачей заявления, платёжный документ на бумажном "
            "носителе доставляться не будет; ежемесячно он направляется на указанный адрес в "
            "формате PDF и не отличается от оригинала;"
        ),
        J(
            "— неполучение письма (переполненный или недоступный почтовый ящик, неверный адрес) "
            "не освобождает от оплаты; копию платёжного документа можно получить в центре "
            "обслуживания клиентов;"
        ),
        J(
            "— чтобы изменить адрес электронной почты или вернуться к доставке на бумажном "
            "носителе, нужно подать заявление в центре обслуживания клиентов."
        ),
        Spacer(1, 6 * mm),
        _signature(s, "Заявитель", data.short_name, data.signed_on),
        Spacer(1, 8 * mm),
        _signature(s, "Заявление принял", data.staff_name, data.signed_on),
        Spacer(1, 2 * mm),
        Paragraph(data.office, s["small"]),
    ]


def render(applications: Sequence[PaperRefusalData]) -> bytes:
    """A page per application."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=15 * mm, topMargin=18 * mm,
        bottomMargin=15 * mm, title="Заявление об отказе от бумажного платёжного документа",
        author=applications[0].supplier if applications else "",
    )  # fmt: skip
    flow: list[Flowable] = []
    for index, data in enumerate(applications):
        if index:
            flow.append(PageBreak())
        flow.extend(story(data))
    doc.build(flow)
    return buffer.getvalue()

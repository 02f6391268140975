"""The printed registration form with the consent to personal-data processing (reportlab PDF).

The customer signs it at the counter, so it shows the passport in full (on screen it is masked):
the values printed are the stored ones, read through the audited identity functions
(``customer.print_identity``), not what the screen happens to hold.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from console.models import Customer
from console.models.enums import BillDelivery
from console.services.core.database import Database
from console.services.core.errors import NotFoundError
from console.services.core.formatting import date, snils_text
from console.services.documents import fonts, paper_refusal
from console.services.privacy import identity
from console.services.registration.forms import Person
from console.services.staff.actor import Actor
from console.services.vocabulary.labels import label_of


@dataclass(frozen=True)
class FormAccount:
    number: str
    address: str
    relation_label: str


@dataclass(frozen=True)
class RegistrationFormData:
    """Everything printed on the form."""

    person: Person
    accounts: tuple[FormAccount, ...]
    bill_delivery: str
    mailing_consent: bool
    operator: str  # the supplier that processes the data
    office: str
    staff_name: str
    signed_on: dt.date
    customer_id: int | None = None
    #: Accounts whose delivery this customer may not change (not the owner nor the holder).
    delivery_kept: tuple[str, ...] = ()


def form_person(db: Database, actor: Actor, customer_id: int, typed: Person) -> Person:
    """The customer as stored, for printing; ``typed`` fills what the record lacks."""
    with db.transaction() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFoundError("Клиент не найден.")
        found = identity.reveal(session, actor, customer_id, purpose="print")
        stored = found or identity.Identity()
        values: dict[str, Any] = {
            "last_name": customer.last_name, "first_name": customer.first_name,
            "middle_name": customer.middle_name, "phone": customer.phone,
            "email": customer.email, "registration_address": customer.registration_address,
            "passport_series": stored.series, "passport_number": stored.number,
            "passport_issued_by": stored.issued_by, "passport_issued_on": stored.issued_on,
            "passport_division_code": stored.division_code, "snils": stored.snils,
            "birth_date": stored.birth_date,
        }  # fmt: skip
    return dataclasses.replace(typed, **{k: v for k, v in values.items() if v is not None})


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register_fonts()
    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=9.5, leading=12.5)
    return {
        "base": base,
        "title": ParagraphStyle(
            "title", parent=base, fontName=fonts.BOLD, fontSize=13, leading=16,
            alignment=TA_CENTER, spaceAfter=3 * mm,
        ),
        "head": ParagraphStyle(
            "head", parent=base, fontName=fonts.BOLD, fontSize=10.5, spaceBefore=3 * mm,
            spaceAfter=1.5 * mm,
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "just": ParagraphStyle("just", parent=base, alignment=TA_JUSTIFY, spaceAfter=1.5 * mm),
    }  # fmt: skip


def _grid(rows: list[list[object]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _signature(
    s: dict[str, ParagraphStyle], who: str, signed_on: dt.date, decoding: str = ""
) -> Table:
    rows = [
        [Paragraph(f"Дата: {date(signed_on)}", s["base"]), "", ""],
        [Paragraph(who, s["small"]), "", Paragraph(decoding, s["base"])],
        ["", Paragraph("подпись", s["small"]), Paragraph("расшифровка подписи", s["small"])],
    ]
    table = Table(rows, colWidths=[60 * mm, 45 * mm, 70 * mm], rowHeights=[7 * mm, 9 * mm, 5 * mm])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (1, 1), (2, 1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("ALIGN", (1, 1), (2, 2), "CENTER"),
            ]
        )
    )
    return table


def _registration_page(data: RegistrationFormData, s: dict[str, ParagraphStyle]) -> list[object]:
    p = data.person

    def P(text: str) -> Paragraph:  # noqa: N802 - reads like the class it wraps
        return Paragraph(text, s["base"])

    number = f" № {data.customer_id}" if data.customer_id else ""
    story: list[object] = [
        Paragraph(data.operator, s["small"]),
        Paragraph(f"{data.office}", s["small"]),
        Spacer(1, 4 * mm),
        Paragraph(f"Анкета-заявление о регистрации клиента{number}", s["title"]),
        Paragraph("1. Личные данные", s["head"]),
    ]
    rows = [
        [P("Фамилия"), P(p.last_name)],
        [P("Имя"), P(p.first_name)],
        [P("Отчество"), P(p.middle_name or "—")],
        [P("Дата рождения"), P(date(p.birth_date))],
        [P("Паспорт: серия и номер"), P(f"{p.passport_series[:2]} {p.passport_series[2:]} "
                                        f"№ {p.passport_number}")],
        [P("Дата выдачи"), P(date(p.passport_issued_on))],
        [P("Кем выдан"), P(p.passport_issued_by)],
        [P("Код подразделения"), P(p.passport_division_code)],
        [P("Адрес регистрации"), P(p.registration_address)],
        [P("СНИЛС"), P(snils_text(p.snils) if p.snils else "—")],
        [P("Телефон"), P(p.phone or "—")],
        [P("Электронная почта"), P(p.email or "—")],
    ]  # fmt: skip
    story.append(_grid(rows, [55 * mm, 120 * mm]))
    story.append(Paragraph("2. Лицевые счета", s["head"]))
    if data.accounts:
        acc_rows: list[list[object]] = [[P("Лицевой счёт"), P("Адрес"), P("Отношение к счёту")]]
        acc_rows += [[P(a.number), P(a.address), P(a.relation_label)] for a in data.accounts]
        table = _grid(acc_rows, [35 * mm, 100 * mm, 40 * mm])
        table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0")),
                                   ("BACKGROUND", (0, 1), (0, -1), colors.white)]))  # fmt: skip
        story.append(table)
    else:
        story.append(P("Лицевые счета не привязаны."))
    story.append(Paragraph("3. Доставка квитанций и рассылки", s["head"]))
    kept = set(data.delivery_kept)
    if data.accounts and {a.number for a in data.accounts} <= kept:
        story.append(
            P(
                "Способ доставки платёжного документа не меняется: его выбирает собственник "
                "или владелец лицевого счёта."
            )
        )
    else:
        delivery = label_of(BillDelivery, data.bill_delivery)
        if data.bill_delivery == "email":
            delivery += (
                f" на адрес {p.email}. Прошу не доставлять платёжный документ на бумажном носителе."
            )
        if kept:
            delivery += (
                f" (кроме счетов {', '.join(sorted(kept))}: по ним способ доставки выбирает "
                "собственник или владелец счёта)"
            )
        story.append(P(f"Способ доставки платёжного документа: {delivery}"))
    mailing = "согласен(на)" if data.mailing_consent else "не согласен(на)"
    story.append(P(f"На получение информационных сообщений (рассылок): {mailing}."))
    story.append(Spacer(1, 4 * mm))
    story.append(
        P("Сведения, указанные в анкете, достоверны. С условиями обслуживания ознакомлен(а).")
    )
    story.append(_signature(s, "Клиент", data.signed_on, short_name(p)))
    story.append(_signature(s, "Принял(а) сотрудник", data.signed_on, data.staff_name))
    return story


def short_name(p: Person) -> str:
    """ "Смирнова А. В." for the signature's decoding."""
    initials = " ".join(f"{part[0]}." for part in (p.first_name, p.middle_name) if part)
    return f"{p.last_name} {initials}"


def _consent_page(data: RegistrationFormData, s: dict[str, ParagraphStyle]) -> list[object]:
    p = data.person

    def J(text: str) -> Paragraph:  # noqa: N802
        return Paragraph(text, s["just"])

    passport = (
        f"паспорт {p.passport_series[:2]} {p.passport_series[2:]} № {p.passport_number}, "
        f"выдан {date(p.passport_issued_on)} {p.passport_issued_by}, "
        f"код подразделения {p.passport_division_code}"
    )
    story: list[object] = [
        Paragraph("Согласие на обработку персональных данных", s["title"]),
        J(
            f"Я, {p.full_name}, {date(p.birth_date)} г. р., {passport}, зарегистрированный(ая) "
            f"по адресу: {p.registration_address}, в соответствии со статьёй 9 Федерального "
            f"закона от 27.07.2006 № 152-ФЗ «О персональных данных» даю согласие оператору — "
            f"{data.operator} — на обработку моих персональных данных."
        ),
        Spacer(1, 2 * mm),
        J(
            "<b>Цель обработки:</b> заключение и исполнение договора энергоснабжения, расчёты "
            "за электроэнергию и доставка платёжных документов, рассмотрение обращений."
        ),
        J(
            "<b>Перечень данных:</b> фамилия, имя, отчество; дата рождения; паспортные данные; "
            "адрес регистрации; СНИЛС; номер телефона; адрес электронной почты; номера лицевых "
            "счетов и сведения о расчётах по ним."
        ),
        J(
            "<b>Действия с данными:</b> сбор, запись, систематизация, накопление, хранение, "
            "уточнение (обновление, изменение), использование, обезличивание, блокирование, "
            "удаление, уничтожение, с использованием средств автоматизации и без них."
        ),
        J(
            "<b>Срок действия:</b> согласие действует до достижения целей обработки или до его "
            "отзыва. Согласие может быть отозвано письменным заявлением, поданным оператору."
        ),
        Spacer(1, 2 * mm),
    ]
    if data.mailing_consent:
        story.append(
            J(
                "Отдельно даю согласие на получение информационных сообщений оператора по "
                "телефону и электронной почте, указанным в анкете."
            )
        )
    story.append(Spacer(1, 4 * mm))
    signature = _signature(s, "Субъект персональных данных", data.signed_on, short_name(p))
    story.append(KeepTogether([signature]))
    story.append(Spacer(1, 4 * mm))
    story.append(
        Paragraph(
            f"Согласие принял: {data.staff_name}, {data.office}, {date(data.signed_on)}.",
            s["small"],
        )
    )
    return story


def render(
    data: RegistrationFormData, refusals: Sequence[paper_refusal.PaperRefusalData] = ()
) -> bytes:
    """Two A4 pages: the registration form and the consent, both for the customer's signature;
    then a page per paper-refusal application (accounts switched to e-mail)."""
    s = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title="Анкета-заявление о регистрации клиента",
        author=data.operator,
    )
    story = _registration_page(data, s) + [PageBreak()] + _consent_page(data, s)
    for refusal in refusals:
        story += [PageBreak(), *paper_refusal.story(refusal)]
    doc.build(story)
    return buffer.getvalue()

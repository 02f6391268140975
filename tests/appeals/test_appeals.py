"""Registering appeals: numbers, deadlines per topic, prefill, idempotency, attachments, orders."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from console.models.enums import AppealChannel, AppealKind, AppealStatus, StaffRole
from console.services.appeals import attachments, catalog, intake, queries
from console.services.appeals.intake import AppealDraft, AttachmentFile
from console.services.core import sequences
from console.services.core.database import Database
from console.services.core.errors import PermissionDeniedError, ValidationError
from tests.support.factories import make_account, make_staff

PDF = b"%PDF-1.4\n% test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


def topic_id(db: Database, code: str = "payment") -> int:
    return next(t.id for t in catalog.topics(db) if t.code == code)


def draft(db: Database, **kw: object) -> AppealDraft:
    values: dict[str, object] = dict(
        channel=AppealChannel.IN_PERSON,
        topic_id=topic_id(db),
        applicant_name="Иванов Пётр Сергеевич",
        text="Прошу разъяснить начисление за октябрь.",
        phone="8 912 345-67-89",
    )
    values.update(kw)
    return AppealDraft(**values)  # type: ignore[arg-type]


def test_registration_gives_a_number_and_a_deadline(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    acc = make_account(db)
    prefill = intake.applicant_for_account(db, acc.account_id)
    assert prefill.name == "Иванов Пётр Сергеевич"
    assert prefill.phone == "+79123456789"
    assert "Ленина" in prefill.address and "кв. 34" in prefill.address

    first = intake.register(db, clerk, draft(db, account_id=acc.account_id))
    second = intake.register(db, clerk, draft(db, account_id=acc.account_id))
    year = dt.date.today().year
    assert first.number == f"VOS-{year}-000001"
    assert second.number == f"VOS-{year}-000002"
    assert first.due_on == dt.date.today() + dt.timedelta(days=30)

    d = queries.details(db, first.id)
    assert d.status is AppealStatus.REGISTERED
    assert d.account_number == acc.number
    assert d.phone == "+79123456789"
    assert d.registered_by_name == "Сотрудник clerk1"
    assert d.office_name.startswith("Клиентский офис")
    assert [r.number for r in queries.for_account(db, acc.account_id)] == [
        second.number,
        first.number,
    ]


def test_numbers_are_per_supplier_and_year(db: Database) -> None:
    tmn = make_staff(db, "tmn", StaffRole.CLERK, "TMN-1")
    orb = make_staff(db, "orb", StaffRole.CLERK, "ORB-1")
    last_year = dt.datetime.now(dt.UTC).replace(month=6, day=15) - dt.timedelta(days=366)
    a = intake.register(db, tmn, draft(db))
    b = intake.register(db, orb, draft(db))
    c = intake.register(db, tmn, draft(db), now=last_year)
    assert a.number.endswith("-000001") and a.number.startswith("VOS-")
    assert b.number.startswith("OSE-") and b.number.endswith("-000001")
    assert c.number == f"VOS-{last_year.year}-000001"


def test_without_an_account_needs_a_contact(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    with pytest.raises(ValidationError) as err:
        intake.register(db, clerk, draft(db, phone="", email=""))
    assert err.value.field == "phone"
    done = intake.register(db, clerk, draft(db, phone="", email="new@mail.ru"))
    assert queries.details(db, done.id).account_number == ""


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"applicant_name": "  "}, "applicant_name", "ФИО"),
        ({"topic_id": None}, "topic", "тему"),
        ({"text": ""}, "text", "суть"),
        ({"phone": "12"}, "phone", "Телефон"),
        ({"email": "ivanov@", "channel": AppealChannel.EMAIL}, "email", "E-mail"),
        ({"phone": "", "channel": AppealChannel.EMAIL}, "email", "e-mail"),
    ],
)
def test_bad_input_is_refused_next_to_the_field(
    sqlite_db: Database, changes: dict[str, object], field: str, words: str
) -> None:
    clerk = make_staff(sqlite_db, "clerk1", StaffRole.CLERK)
    with pytest.raises(ValidationError, match=words) as err:
        intake.register(sqlite_db, clerk, draft(sqlite_db, **changes))
    assert err.value.field == field


def test_same_form_twice_registers_once(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    key = uuid.uuid4().hex
    first = intake.register(db, clerk, draft(db, idempotency_key=key))
    again = intake.register(db, clerk, draft(db, idempotency_key=key))
    assert (again.number, again.created, first.created) == (first.number, False, True)
    third = intake.register(db, clerk, draft(db))
    assert third.number.endswith("-000002")  # the replay used up no number


def test_rolled_back_registration_leaves_no_gap(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    year = dt.date.today().year
    with pytest.raises(RuntimeError), db.transaction() as session:
        assert sequences.next_value(session, "appeal:VOS", year) == 1
        raise RuntimeError("the clerk's registration failed after taking a number")
    assert intake.register(db, clerk, draft(db)).number == f"VOS-{year}-000001"


def test_deadline_per_topic_is_an_admin_setting(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    admin = make_staff(db, "boss", StaffRole.ADMIN)
    complaint = topic_id(db, "complaint")
    with pytest.raises(PermissionDeniedError):
        catalog.set_deadline(db, clerk, complaint, 10)
    with pytest.raises(ValidationError):
        catalog.set_deadline(db, admin, complaint, 0)
    catalog.set_deadline(db, admin, complaint, 10)
    done = intake.register(db, clerk, draft(db, topic_id=complaint))
    assert done.due_on == dt.date.today() + dt.timedelta(days=10)
    other = intake.register(db, clerk, draft(db))
    assert other.due_on == dt.date.today() + dt.timedelta(days=30)


def test_overdue_and_due_soon_flags(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    now = dt.datetime.now(dt.UTC)
    late = intake.register(db, clerk, draft(db), now=now - dt.timedelta(days=31))
    soon = intake.register(db, clerk, draft(db), now=now - dt.timedelta(days=28))
    fresh = intake.register(db, clerk, draft(db))
    flags = {
        x.id: (queries.details(db, x.id).overdue, queries.details(db, x.id).due_soon)
        for x in (late, soon, fresh)
    }
    assert flags == {late.id: (True, False), soon.id: (False, True), fresh.id: (False, False)}


def test_attachments_are_kept_and_checked(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    files = (AttachmentFile("скан.pdf", PDF), AttachmentFile("фото.png", PNG))
    done = intake.register(db, clerk, draft(db, attachments=files))
    d = queries.details(db, done.id)
    assert [(a.filename, a.media_type) for a in d.attachments] == [
        ("скан.pdf", "application/pdf"),
        ("фото.png", "image/png"),
    ]
    assert attachments.content(db, d.attachments[0].id).content == PDF
    with pytest.raises(ValidationError, match="PDF, JPEG и PNG"):
        attachments.add(db, clerk, done.id, AttachmentFile("a.exe", b"MZ\x90"))
    with pytest.raises(ValidationError, match="PDF, JPEG и PNG"):  # the strict «%PDF-» header
        attachments.add(db, clerk, done.id, AttachmentFile("c.pdf", b"%PDF1.4 no dash"))
    with pytest.raises(ValidationError, match="больше"):
        attachments.add(db, clerk, done.id, AttachmentFile("b.pdf", PDF), max_bytes=4)


def test_paid_service_order_takes_the_price_list_price(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    admin = make_staff(db, "boss", StaffRole.ADMIN)
    acc = make_account(db)
    with pytest.raises(PermissionDeniedError):
        catalog.add_paid_service(db, clerk, "x", "Услуга", "10", "шт.")
    item = catalog.add_paid_service(db, admin, "meter_move", "Перенос счётчика", "1 200,50", "шт.")
    assert item.price == Decimal("1200.50")
    order = intake.register(
        db,
        clerk,
        draft(
            db,
            account_id=acc.account_id,
            kind=AppealKind.SERVICE_ORDER,
            paid_service_id=item.id,
            text="",
        ),
    )
    edited = catalog.edit_paid_service(
        db,
        admin,
        item.id,
        name="Перенос прибора учёта",
        price="1500",
        unit="шт.",
        version=item.version,
    )
    assert edited.price == Decimal("1500.00")
    d = queries.details(db, order.id)
    assert (d.kind, d.price, d.paid_service_name) == (
        AppealKind.SERVICE_ORDER,
        Decimal("1200.50"),
        "Перенос прибора учёта",
    )
    assert "Перенос счётчика" in d.text
    catalog.set_paid_service_active(db, admin, item.id, False)
    assert item.id not in {s.id for s in catalog.paid_services(db)}
    with pytest.raises(ValidationError, match="прейскуранте"):
        intake.register(
            db, clerk, draft(db, kind=AppealKind.SERVICE_ORDER, paid_service_id=item.id)
        )

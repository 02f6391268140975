"""Refund applications: the overpayment limit, dual control, a clean failed approval, deadlines."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from console.models import Attachment, AuditEvent, LedgerEntry, RefundApplication
from console.models.enums import LedgerKind, PaymentMethod, StaffRole
from console.services.core.database import Database
from console.services.core.errors import ConflictError, PermissionDeniedError, ValidationError
from console.services.payments import counter
from console.services.refunds import applications
from console.services.refunds.applications import (
    AttachmentFile,
    RefundPayout,
    RefundReason,
    RefundRequest,
)
from console.services.refunds.applications import RefundStatus as S
from console.services.refunds.queries import attachment_content, deadline_state
from console.services.staff.actor import Actor
from tests.support.factories import (
    AccountIds,
    add_charge,
    make_account,
    make_staff,
    stored_identity,
)
from tests.support.locks import wait_until_blocked
from tests.support.pdf import pdf_text

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
#: The payment order of a transfer refund (required when it is marked paid).
ORDER: dict[str, object] = {"order_number": "415", "order_date": dt.date.today()}
GOOD_BIC, GOOD_ACCOUNT = "045354601", "40702810946000003481"  # seed 001, passes the key


@dataclasses.dataclass
class World:
    clerk: Actor
    boss: Actor
    acc: AccountIds
    payment_id: int
    passport: str


def _world(db: Database, paid: str = "600.00", charged: str = "100.00") -> World:
    tag = uuid.uuid4().hex[:6]
    clerk = make_staff(db, f"clerk{tag}", StaffRole.CLERK)
    boss = make_staff(db, f"boss{tag}", StaffRole.SUPERVISOR)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal(charged))
    dues = counter.account_dues(db, acc.account_id)
    form = counter.PaymentForm(
        acc.account_id, Decimal(paid), counter.split(Decimal(paid), dues.dues()),
        PaymentMethod.CARD, confirmed=True,
    )  # fmt: skip
    payment = counter.take_payment(db, clerk, form, uuid.uuid4().hex)
    ctx = applications.refund_context(db, acc.account_id)
    assert ctx.applicants[0].passport_masked == "71 ** ******"
    stored = stored_identity(db, acc.customer_id)
    passport = f"{stored.series} {stored.number}"
    return World(clerk, boss, acc, payment.payment_id, passport)


def _request(w: World, amount: str = "500.00", **kw: object) -> RefundRequest:
    values: dict[str, object] = {
        "account_id": w.acc.account_id, "applicant_id": w.acc.customer_id,
        "passport": w.passport, "amount": Decimal(amount), "reason": RefundReason.DOUBLE_PAYMENT,
        "payout": RefundPayout.BANK_TRANSFER, "payment_ids": (w.payment_id,),
        "recipient_name": "Иванов Пётр Сергеевич", "bic": GOOD_BIC,
        "settlement_account": GOOD_ACCOUNT,
        "attachments": (AttachmentFile("чек.png", PNG),),
    }  # fmt: skip
    values.update(kw)
    return RefundRequest(**values)  # type: ignore[arg-type]


def test_register_checks_and_numbers(db: Database) -> None:
    w = _world(db)
    ctx = applications.refund_context(db, w.acc.account_id)
    assert ctx.overpayment == Decimal("500.00") and ctx.available == Decimal("500.00")
    assert [p.payment_id for p in ctx.payments] == [w.payment_id]
    with pytest.raises(ValidationError, match=r"больше переплаты на лицевом счёте \(500,00") as err:
        applications.register_refund(db, w.clerk, _request(w, "500.01"))
    assert err.value.field == "amount"
    with pytest.raises(ValidationError, match="не сходится с БИК") as err:
        applications.register_refund(
            db, w.clerk, _request(w, settlement_account="40702810946000003482")
        )
    assert err.value.field == "settlement_account"
    with pytest.raises(ValidationError, match="Паспорт не совпадает"):
        applications.register_refund(db, w.clerk, _request(w, passport="0000 000000"))
    stranger = make_account(db)
    with pytest.raises(ValidationError, match="не привязан"):
        applications.register_refund(db, w.clerk, _request(w, applicant_id=stranger.customer_id))
    with pytest.raises(ValidationError, match="только сканы PDF, JPEG и PNG"):
        bad = (AttachmentFile("a.exe", b"MZ\x90\x00"),)
        applications.register_refund(db, w.clerk, _request(w, attachments=bad))
    with pytest.raises(ValidationError, match="больше 0 МБ"):
        applications.register_refund(db, w.clerk, _request(w), attachment_max_bytes=50)
    with pytest.raises(ValidationError, match="Отметьте платёж"):
        applications.register_refund(db, w.clerk, _request(w, payment_ids=()))

    first = applications.register_refund(db, w.clerk, _request(w, "300.00"), deadline_days=30)
    year = dt.date.today().year
    assert first.summary.number == f"ВЗ-{year}-00001"
    assert first.summary.status is S.REGISTERED
    assert first.summary.due_on == dt.date.today() + dt.timedelta(days=30)
    assert first.payments[0][0] == w.payment_id
    (info,) = first.attachments
    assert (info.filename, info.media_type, info.size) == ("чек.png", "image/png", len(PNG))
    assert attachment_content(db, info.attachment_id)[2] == PNG
    # 300 of the 500 are now reserved by the first application.
    with pytest.raises(ValidationError, match="из неё 300,00 ₽ уже в других заявлениях"):
        applications.register_refund(db, w.clerk, _request(w, "300.00"))
    cash_request = _request(
        w, "200.00", payout=RefundPayout.CASH, reason=RefundReason.OVERPAYMENT, payment_ids=(),
        attachments=(),
    )  # fmt: skip
    cash = applications.register_refund(db, w.clerk, cash_request)
    assert cash.summary.number == f"ВЗ-{year}-00002" and cash.bic is None
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 1


def test_double_submission_registers_once(db: Database) -> None:
    w = _world(db)
    key = uuid.uuid4().hex
    a = applications.register_refund(db, w.clerk, _request(w, "100"), idempotency_key=key)
    b = applications.register_refund(db, w.clerk, _request(w, "100"), idempotency_key=key)
    assert a.summary.refund_id == b.summary.refund_id
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(RefundApplication)) == 1


def test_dual_control_and_workflow(db: Database) -> None:
    w = _world(db)
    other_boss = make_staff(db, f"boss2{uuid.uuid4().hex[:4]}", StaffRole.SUPERVISOR)
    mine = applications.register_refund(db, w.boss, _request(w, "200.00"))  # a supervisor registers
    rid = mine.summary.refund_id
    with pytest.raises(PermissionDeniedError, match="двойной контроль"):
        applications.approve(db, w.boss, rid)
    with pytest.raises(PermissionDeniedError, match="руководитель"):
        applications.approve(db, w.clerk, rid)
    assert [r.refund_id for r in applications.review_queue(db, w.clerk.office_id)] == [rid]
    reviewed = applications.start_review(db, other_boss, rid)
    assert reviewed.summary.status is S.UNDER_REVIEW
    with pytest.raises(ConflictError):
        applications.mark_paid(db, other_boss, rid, **ORDER)
    approved = applications.approve(db, other_boss, rid, "Двойная оплата подтверждена банком")
    assert approved.summary.status is S.APPROVED and approved.reviewed_by == other_boss.full_name
    assert counter.account_dues(db, w.acc.account_id).balance == Decimal("-300.00")
    with db.read() as session:
        entry = session.scalars(
            select(LedgerEntry).where(LedgerEntry.kind == LedgerKind.REFUND)
        ).one()
        assert entry.amount == Decimal("200.00") and entry.refund_id == rid
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "refund_application")
            .order_by(AuditEvent.id)
        ).all()  # fmt: skip
    assert applications.review_queue(db) == ()
    with pytest.raises(PermissionDeniedError, match="руководитель офиса"):
        applications.mark_paid(db, w.clerk, rid)
    assert applications.mark_paid(db, other_boss, rid, **ORDER).summary.status is S.PAID
    with pytest.raises(PermissionDeniedError, match="руководитель офиса"):
        applications.close(db, w.clerk, rid)
    assert applications.close(db, w.boss, rid).summary.status is S.CLOSED
    assert actions == ["refund.register", "refund.under_review", "refund.approved"]

    second = applications.register_refund(db, w.clerk, _request(w, "100.00"))
    with pytest.raises(ValidationError, match="причину отказа"):
        applications.reject(db, w.boss, second.summary.refund_id, " ")
    rejected = applications.reject(db, w.boss, second.summary.refund_id, "Платёж не найден в банке")
    assert rejected.summary.status is S.REJECTED
    assert rejected.decision_reason == "Платёж не найден в банке"
    assert counter.account_dues(db, w.acc.account_id).balance == Decimal("-300.00")
    assert [r.status for r in applications.list_for_account(db, w.acc.account_id)] == [
        S.REJECTED,
        S.CLOSED,
    ]


def test_approval_fails_cleanly_when_the_overpayment_is_gone(db: Database) -> None:
    w = _world(db)
    rid = applications.register_refund(db, w.clerk, _request(w, "500.00")).summary.refund_id
    counter.reverse_payment(db, w.boss, w.payment_id, "Платёж сторнирован банком")
    other_boss = make_staff(db, f"boss3{uuid.uuid4().hex[:4]}", StaffRole.SUPERVISOR)
    with pytest.raises(ConflictError, match="Переплата на счёте сейчас 0,00 ₽"):
        applications.approve(db, other_boss, rid)
    after = applications.list_for_account(db, w.acc.account_id)[0]
    assert after.status is S.REGISTERED
    with db.read() as session:
        kinds = session.scalars(select(LedgerEntry.kind)).all()
    assert LedgerKind.REFUND not in kinds


@pytest.mark.postgres
def test_concurrent_charge_removing_the_overpayment_fails_the_approval(pg_db: Database) -> None:
    db = pg_db
    w = _world(db)
    rid = applications.register_refund(db, w.clerk, _request(w, "500.00")).summary.refund_id
    other_boss = make_staff(db, "boss-concurrent", StaffRole.SUPERVISOR)
    # Another desk takes a payment reversal (or a charge) under the account lock, not committed.
    with db.engine.connect() as conn:
        conn.execute(text("SELECT id FROM accounts WHERE id = :a FOR UPDATE"),
                     {"a": w.acc.account_id})  # fmt: skip
        conn.execute(
            text("INSERT INTO ledger_entries (account_id, period, kind, amount, created_at) "
                 "VALUES (:a, :p, 'charge', 450.00, now())"),
            {"a": w.acc.account_id, "p": dt.date.today().replace(day=1)},
        )  # fmt: skip
        outcome: list[BaseException | object] = []

        def decide() -> None:
            try:
                outcome.append(applications.approve(db, other_boss, rid))
            except BaseException as err:  # noqa: BLE001 - examined below
                outcome.append(err)

        worker = threading.Thread(target=decide)
        worker.start()
        wait_until_blocked(db)
        conn.commit()
    worker.join()
    (result,) = outcome
    assert isinstance(result, ConflictError)
    assert "Переплата на счёте сейчас 50,00 ₽" in str(result)
    assert applications.list_for_account(db, w.acc.account_id)[0].status is S.REGISTERED
    assert counter.account_dues(db, w.acc.account_id).balance == Decimal("-50.00")


def test_deadlines(db: Database) -> None:
    due = dt.date(2026, 12, 10)
    assert deadline_state(S.REGISTERED, due, dt.date(2026, 12, 1)) == "ok"
    assert deadline_state(S.UNDER_REVIEW, due, dt.date(2026, 12, 7)) == "due_soon"
    assert deadline_state(S.APPROVED, due, dt.date(2026, 12, 10)) == "due_soon"
    assert deadline_state(S.REGISTERED, due, dt.date(2026, 12, 11)) == "overdue"
    assert deadline_state(S.PAID, due, dt.date(2027, 1, 1)) == "done"
    w = _world(db)
    reg = applications.register_refund(db, w.clerk, _request(w, "50"), deadline_days=10)
    due_on = reg.summary.due_on
    assert due_on == dt.date.today() + dt.timedelta(days=10)
    (late,) = applications.list_for_account(
        db, w.acc.account_id, today=due_on + dt.timedelta(days=1)
    )
    assert (late.deadline, late.days_left) == ("overdue", -1)
    (soon,) = applications.review_queue(db, today=due_on - dt.timedelta(days=2))
    assert soon.deadline == "due_soon"


def test_application_and_decision_letters(db: Database, tmp_path: Path) -> None:
    from console.services.documents import refund_papers

    w = _world(db)
    rid = applications.register_refund(db, w.clerk, _request(w, "250.00")).summary.refund_id
    application = refund_papers.application_pdf(db, w.clerk, rid)
    assert application == refund_papers.application_pdf(db, w.clerk, rid)  # reprint
    text = pdf_text(application, tmp_path)
    year = dt.date.today().year
    for expected in (
        f"ЗАЯВЛЕНИЕ № ВЗ-{year}-00001",
        "Прошу вернуть денежные средства в сумме 250,00 ₽",
        f"по лицевому счёту № {w.acc.number}",
        "Причина: двойная оплата",
        f"БИК {GOOD_BIC}, расчётный счёт {GOOD_ACCOUNT}",
        f"паспорт {w.passport}",
        "Приложения: 1) чек.png",
        "Заявитель",
        "Иванов П. С.",
    ):
        assert expected in text, expected
    with pytest.raises(ConflictError, match="рано"):
        refund_papers.decision_pdf(db, rid)
    applications.reject(db, w.boss, rid, "Платёж не поступал")
    letter = pdf_text(refund_papers.decision_pdf(db, rid), tmp_path)
    assert "В возврате отказано" in letter and "Причина отказа: Платёж не поступал" in letter
    rid2 = applications.register_refund(db, w.clerk, _request(w, "100.00")).summary.refund_id
    applications.approve(db, w.boss, rid2)
    letter = pdf_text(refund_papers.decision_pdf(db, rid2), tmp_path)
    assert "Заявление удовлетворено" in letter and "100,00 ₽" in letter
    (tmp_path / "application.pdf").write_bytes(application)
    (tmp_path / "decision.pdf").write_bytes(refund_papers.decision_pdf(db, rid2))
    if db.dialect == "sqlite":  # keep copies to look at
        import shutil

        shutil.copy(tmp_path / "application.pdf", "/tmp/payments-refund-application.pdf")
        shutil.copy(tmp_path / "decision.pdf", "/tmp/payments-refund-decision.pdf")


def _events(db: Database, rid: int) -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity == "refund_application", AuditEvent.entity_id == str(rid))
                .order_by(AuditEvent.id)
            )
        )


def test_only_a_signed_in_supervisor_pays_out_and_closes(db: Database) -> None:
    """The service itself refuses (SQLite has no other guard): a clerk, or a nameless actor."""
    w = _world(db)
    other = make_staff(db, f"boss4{uuid.uuid4().hex[:4]}", StaffRole.SUPERVISOR)
    nameless = dataclasses.replace(other, staff_id=None, role=StaffRole.ADMIN)
    rid = applications.register_refund(db, w.clerk, _request(w, "100.00")).summary.refund_id
    with pytest.raises(PermissionDeniedError, match="под своим логином"):
        applications.approve(db, nameless, rid)
    applications.approve(db, w.boss, rid)
    for actor in (w.clerk, nameless):
        with pytest.raises(PermissionDeniedError):
            applications.mark_paid(db, actor, rid)
    assert applications.list_for_account(db, w.acc.account_id)[0].status is S.APPROVED
    applications.mark_paid(db, other, rid, **ORDER)
    for actor in (w.clerk, nameless):
        with pytest.raises(PermissionDeniedError):
            applications.close(db, actor, rid)
    assert applications.list_for_account(db, w.acc.account_id)[0].status is S.PAID
    assert _events(db, rid) == [
        "refund.register", "refund.under_review", "refund.approved", "refund.paid",
    ]  # fmt: skip


def test_approved_and_paid_never_go_back(db: Database) -> None:
    w = _world(db)
    other = make_staff(db, f"boss5{uuid.uuid4().hex[:4]}", StaffRole.SUPERVISOR)
    rid = applications.register_refund(db, w.clerk, _request(w, "100.00")).summary.refund_id
    applications.approve(db, w.boss, rid)
    for step in (
        lambda: applications.start_review(db, other, rid),
        lambda: applications.approve(db, other, rid),
        lambda: applications.reject(db, other, rid, "Передумали"),
        lambda: applications.close(db, other, rid),
    ):
        with pytest.raises(ConflictError):
            step()
    applications.mark_paid(db, other, rid, **ORDER)
    for step in (
        lambda: applications.mark_paid(db, other, rid),
        lambda: applications.reject(db, other, rid, "Передумали"),
        lambda: applications.approve(db, other, rid),
    ):
        with pytest.raises(ConflictError):
            step()
    applications.close(db, other, rid)
    with pytest.raises(ConflictError):
        applications.close(db, other, rid)
    with db.read() as session:
        entries = session.scalars(
            select(LedgerEntry.amount).where(LedgerEntry.refund_id == rid)
        ).all()
    assert entries == [Decimal("100.00")]  # one approval, one entry
    assert applications.ALLOWED_MOVES[S.APPROVED] == {S.PAID}
    assert applications.ALLOWED_MOVES[S.CLOSED] == set()


def test_refund_entry_goes_to_the_first_open_month(db: Database) -> None:
    from tests.support.factories import close_month

    w = _world(db)
    this_month = dt.date.today().replace(day=1)
    close_month(db, this_month)
    rid = applications.register_refund(db, w.clerk, _request(w, "100.00")).summary.refund_id
    applications.approve(db, w.boss, rid)
    with db.read() as session:
        period = session.scalar(select(LedgerEntry.period).where(LedgerEntry.refund_id == rid))
    assert period is not None and period > this_month

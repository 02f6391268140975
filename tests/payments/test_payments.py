"""Taking payments at the counter: exactly once, the minimum, reversal, day closing."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from console.models import AuditEvent, LedgerEntry, NumberSequence, Payment, PaymentAllocation
from console.models.enums import PaymentMethod, StaffRole
from console.services.core.database import Database
from console.services.core.errors import ConflictError, PermissionDeniedError, ValidationError
from console.services.payments import counter
from tests.support.factories import add_charge, make_account, make_staff
from tests.support.locks import wait_until_blocked


def _count(db: Database, model: type, **where: object) -> int:
    with db.read() as session:
        stmt = select(func.count()).select_from(model)
        for name, value in where.items():
            stmt = stmt.where(getattr(model, name) == value)
        return int(session.scalar(stmt) or 0)


def _form(db: Database, account_id: int, total: str, **kw: object) -> counter.PaymentForm:
    dues = counter.account_dues(db, account_id)
    parts = counter.split(Decimal(total), dues.dues(), main=dues.main_service_id)
    values: dict[str, object] = {"method": PaymentMethod.CARD, "confirmed": True}
    values.update(kw)
    return counter.PaymentForm(account_id, Decimal(total), parts, **values)  # type: ignore[arg-type]


def _balance(db: Database, account_id: int) -> Decimal:
    return counter.account_dues(db, account_id).balance


def test_dues_per_service_come_from_the_ledger(db: Database) -> None:
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("686.00"))
    add_charge(db, acc.account_id, Decimal("48.60"), service_code="vdgo")
    dues = counter.account_dues(db, acc.account_id)
    assert [(line.service_name, line.due) for line in dues.lines] == [
        ("Электроснабжение", Decimal("686.00")),
        ("Техническое обслуживание ВДГО", Decimal("48.60")),
    ]
    assert dues.lines[1].recipient == "АО «Газпром газораспределение Оренбург»"
    assert dues.balance == Decimal("734.60")
    assert dues.min_payment == Decimal("50.00")
    assert dues.holder == "Иванов Пётр Сергеевич"


def test_payment_is_recorded_with_ledger_audit_and_receipt_number(db: Database) -> None:
    clerk = make_staff(db, "kassa1", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("686.00"))
    add_charge(db, acc.account_id, Decimal("48.60"), service_code="vdgo")
    form = _form(db, acc.account_id, "1000.00", method=PaymentMethod.CASH,
                 cash_received=Decimal("1000.00"))  # fmt: skip
    result = counter.take_payment(db, clerk, form, uuid.uuid4().hex)
    assert not result.replayed
    assert result.receipt_number == f"TMN-1-{dt.date.today().year}-000001"
    assert result.change == Decimal("0.00")
    assert dict(result.allocations) == {
        "Электроснабжение": Decimal("951.40"),
        "Техническое обслуживание ВДГО": Decimal("48.60"),
    }
    assert _balance(db, acc.account_id) == Decimal("-265.40")  # аванс
    with db.read() as session:
        kinds = session.execute(
            select(LedgerEntry.kind, LedgerEntry.amount).where(
                LedgerEntry.payment_id == result.payment_id
            )
        ).all()
        assert sorted(a for _, a in kinds) == [Decimal("-951.40"), Decimal("-48.60")]
        audit_rows = select(func.count()).where(
            AuditEvent.action == "payment.create", AuditEvent.entity_id == str(result.payment_id)
        )
        assert session.scalar(audit_rows) == 1
    second = counter.take_payment(db, clerk, _form(db, acc.account_id, "50"), uuid.uuid4().hex)
    assert second.receipt_number == f"TMN-1-{dt.date.today().year}-000002"


def test_retried_submission_records_one_payment(db: Database) -> None:
    clerk = make_staff(db, "kassa2", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("300.00"))
    key = uuid.uuid4().hex
    form = _form(db, acc.account_id, "300.00")
    first = counter.take_payment(db, clerk, form, key)
    again = counter.take_payment(db, clerk, form, key)  # a retry after "lost connection"
    assert again.replayed and again.payment_id == first.payment_id
    assert again.receipt_number == first.receipt_number
    assert _count(db, Payment, account_id=acc.account_id) == 1
    assert _balance(db, acc.account_id) == Decimal("0.00")


@pytest.mark.postgres
def test_two_concurrent_submissions_with_one_key_record_one_payment(pg_db: Database) -> None:
    db = pg_db
    clerk = make_staff(db, "kassa3", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("500.00"))
    key = uuid.uuid4().hex
    form = _form(db, acc.account_id, "500.00")
    barrier = threading.Barrier(2)
    results: list[counter.PaymentResult] = []
    errors: list[BaseException] = []

    def submit() -> None:
        barrier.wait()
        try:
            results.append(counter.take_payment(db, clerk, form, key))
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({r.payment_id for r in results}) == 1
    assert sorted(r.replayed for r in results) == [False, True]
    assert _count(db, Payment, account_id=acc.account_id) == 1
    assert _count(db, LedgerEntry, account_id=acc.account_id) == 2  # charge + one payment
    with db.read() as session:  # the losing twin left no hole in the receipt numbers
        assert session.scalar(select(NumberSequence.last_value)) == 1


@pytest.mark.postgres
def test_unique_key_violation_returns_the_first_payment(pg_db: Database) -> None:
    """A twin committed after our checks but before our insert: IntegrityError → the twin."""
    db = pg_db
    clerk = make_staff(db, "kassa4", StaffRole.CLERK)
    acc = make_account(db)
    other = make_account(db)
    add_charge(db, acc.account_id, Decimal("100.00"))
    key = uuid.uuid4().hex
    twin_session = db._sessions()  # noqa: SLF001 - an independent open transaction
    twin_session.add(
        Payment(account_id=other.account_id, amount=Decimal("100.00"),
                paid_at=dt.datetime.now(dt.UTC), method=PaymentMethod.CARD, idempotency_key=key)
    )  # fmt: skip
    twin_session.flush()
    outcome: list[object] = []
    worker = threading.Thread(
        target=lambda: outcome.append(
            counter.take_payment(db, clerk, _form(db, acc.account_id, "100"), key)
        )
    )
    worker.start()
    wait_until_blocked(db)  # our INSERT waits on the twin's uncommitted unique key
    twin_session.commit()
    twin_session.close()
    worker.join()
    (result,) = outcome
    assert isinstance(result, counter.PaymentResult) and result.replayed
    assert result.account_id == other.account_id
    assert _count(db, Payment, account_id=acc.account_id) == 0
    assert _balance(db, acc.account_id) == Decimal("100.00")


def test_minimum_payment_is_refused_in_russian(db: Database) -> None:
    clerk = make_staff(db, "kassa5", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("17.73"))
    with pytest.raises(ValidationError, match="Минимальная сумма платежа — 50,00") as err:
        counter.take_payment(db, clerk, _form(db, acc.account_id, "17.73"), uuid.uuid4().hex)
    assert err.value.field == "total"
    assert _count(db, Payment) == 0
    # Seed 001: 17,73 due, 50,00 paid; the rest is an advance.
    counter.take_payment(db, clerk, _form(db, acc.account_id, "50.00"), uuid.uuid4().hex)
    assert _balance(db, acc.account_id) == Decimal("-32.27")


def test_unconfirmed_sum_and_short_cash_are_refused(db: Database) -> None:
    clerk = make_staff(db, "kassa6", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("200.00"))
    with pytest.raises(ValidationError, match="Итоговая сумма верна") as err:
        counter.take_payment(db, clerk, _form(db, acc.account_id, "200", confirmed=False), "k1")
    assert err.value.field == "confirmed"
    short = _form(db, acc.account_id, "200", method=PaymentMethod.CASH, cash_received=Decimal(150))
    with pytest.raises(ValidationError, match="меньше суммы платежа") as err:
        counter.take_payment(db, clerk, short, "k2")
    assert err.value.field == "cash_received"
    cash = _form(db, acc.account_id, "200", method=PaymentMethod.CASH, cash_received=Decimal(500))
    assert counter.take_payment(db, clerk, cash, "k3").change == Decimal("300.00")


def test_reversal_is_supervisor_only_and_both_rows_stay(db: Database) -> None:
    clerk = make_staff(db, "kassa7", StaffRole.CLERK)
    boss = make_staff(db, "boss7", StaffRole.SUPERVISOR)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("400.00"))
    paid = counter.take_payment(db, clerk, _form(db, acc.account_id, "400"), uuid.uuid4().hex)
    assert _balance(db, acc.account_id) == Decimal("0.00")
    with pytest.raises(PermissionDeniedError, match="руководитель"):
        counter.reverse_payment(db, clerk, paid.payment_id, "ошибка счёта")
    with pytest.raises(ValidationError, match="причину"):
        counter.reverse_payment(db, boss, paid.payment_id, "  ")
    reversal = counter.reverse_payment(db, boss, paid.payment_id, "Оплата не на тот счёт")
    assert reversal.amount == Decimal("-400.00") and reversal.reversal_of_id == paid.payment_id
    assert _balance(db, acc.account_id) == Decimal("400.00")
    with pytest.raises(ConflictError, match="уже сторнирован"):
        counter.reverse_payment(db, boss, paid.payment_id, "ещё раз")
    history = counter.account_payments(db, acc.account_id)
    assert {(row.amount, row.can_reverse) for row in history} == {
        (Decimal("400.00"), False),
        (Decimal("-400.00"), False),
    }
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(PaymentAllocation)) == 2


def test_a_supervisor_does_not_reverse_their_own_payment(db: Database) -> None:
    boss = make_staff(db, "boss7a", StaffRole.SUPERVISOR)
    other = make_staff(db, "boss7b", StaffRole.SUPERVISOR)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("400.00"))
    own = counter.take_payment(db, boss, _form(db, acc.account_id, "400"), uuid.uuid4().hex)
    with pytest.raises(PermissionDeniedError, match="другой руководитель"):
        counter.reverse_payment(db, boss, own.payment_id, "ошибка счёта")
    assert counter.reverse_payment(db, other, own.payment_id, "ошибка счёта").amount == Decimal(
        "-400.00"
    )


def test_day_closing_per_clerk_and_method(db: Database) -> None:
    anna = make_staff(db, "anna", StaffRole.CLERK)
    boris = make_staff(db, "boris", StaffRole.CLERK)
    boss = make_staff(db, "boss8", StaffRole.SUPERVISOR)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("5000.00"))
    cash = {"method": PaymentMethod.CASH, "cash_received": Decimal("1000")}
    counter.take_payment(db, anna, _form(db, acc.account_id, "100", **cash), "a1")
    counter.take_payment(db, anna, _form(db, acc.account_id, "200", **cash), "a2")
    card = counter.take_payment(db, anna, _form(db, acc.account_id, "300"), "a3")
    counter.take_payment(db, boris, _form(db, acc.account_id, "400", **cash), "b1")
    counter.reverse_payment(db, boss, card.payment_id, "двойное списание")
    closing = counter.day_closing(db, anna.office_id or 0, dt.date.today())
    rows = {(r.clerk, r.method): (r.payments, r.reversals, r.total) for r in closing.rows}
    assert rows == {
        ("Сотрудник anna", PaymentMethod.CASH): (2, 0, Decimal("300.00")),
        ("Сотрудник anna", PaymentMethod.CARD): (1, 0, Decimal("300.00")),
        ("Сотрудник boris", PaymentMethod.CASH): (1, 0, Decimal("400.00")),
        ("Сотрудник boss8", PaymentMethod.CARD): (0, 1, Decimal("-300.00")),
    }
    assert dict(closing.by_method) == {
        PaymentMethod.CASH: Decimal("700.00"),
        PaymentMethod.CARD: Decimal("0.00"),
    }
    assert closing.total == Decimal("700.00")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    assert counter.day_closing(db, anna.office_id or 0, yesterday).rows == ()


def test_nothing_lands_in_a_closed_month(db: Database) -> None:
    """A payment and its reversal made while this month is closed count in the next open one;
    a nameless actor reverses nothing."""
    import dataclasses

    from tests.support.factories import close_month

    clerk = make_staff(db, "kassa8", StaffRole.CLERK)
    boss = make_staff(db, "boss8", StaffRole.SUPERVISOR)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("400.00"))
    this_month = dt.date.today().replace(day=1)
    close_month(db, this_month)
    paid = counter.take_payment(db, clerk, _form(db, acc.account_id, "400"), uuid.uuid4().hex)
    with pytest.raises(PermissionDeniedError, match="под своим логином"):
        counter.reverse_payment(db, dataclasses.replace(boss, staff_id=None), paid.payment_id, "x")
    counter.reverse_payment(db, boss, paid.payment_id, "Оплата не на тот счёт")
    with db.read() as session:
        periods = set(
            session.scalars(
                select(LedgerEntry.period).where(
                    LedgerEntry.account_id == acc.account_id, LedgerEntry.payment_id.is_not(None)
                )
            )
        )
    assert len(periods) == 1 and periods.pop() > this_month

"""The cheque journal's rules hold in PostgreSQL whatever client a clerk uses (migration 0009).

A clerk over psql may write a pending cheque for a payment and record the ККТ's answer on a
cheque of their office; nobody may forge a registered cheque, change one once registered, or
delete any."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tests.security.conftest import Hostile

pytestmark = pytest.mark.postgres

FISCAL = (
    "status = 'registered', fn_number = '9999078900012345', fd_number = 7,"
    " fiscal_sign = '1234567890', shift_number = 1, number_in_shift = 3,"
    " registered_at = now()"
)


def _payment(h: Hostile, amount: str = "1500") -> int:
    one = lambda sql, **p: h.owner_sql(sql, **p)[0][0]  # noqa: E731
    return int(
        one(
            "INSERT INTO payments (account_id, amount, paid_at, method, staff_id, created_at)"
            " VALUES (:a, CAST(:m AS numeric), now(), 'cash', :s, now()) RETURNING id",
            a=h.account.account_id,
            m=amount,
            s=h.staff["clerk.a"],
        )  # fmt: skip
    )


def _insert(conn: psycopg.Connection[Any], payment: int, amount: str = "1500", extra: str = "",
            values: str = "") -> int:  # fmt: skip
    row = conn.execute(
        "INSERT INTO fiscal_cheques (payment_id, kind, idempotency_key, amount, content, status,"
        f" attempt, attempts, workstation, staff_id{extra}) VALUES (%s, 'sell', %s, %s,"
        f" '{{}}', 'pending', 1, 0, 'desk', NULL{values}) RETURNING id, staff_id",
        (payment, f"pay-{payment}", amount),
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_a_clerk_writes_a_pending_cheque_and_records_its_registration(h: Hostile) -> None:
    payment = _payment(h)
    clerk = h.psql("clerk.a")
    cheque = _insert(clerk, payment)
    stamped = h.owner_sql("SELECT staff_id, office_id FROM fiscal_cheques WHERE id = :i", i=cheque)
    assert stamped[0][0] == h.staff["clerk.a"] and stamped[0][1] is not None
    clerk.execute("UPDATE fiscal_cheques SET sent_at = now(), attempts = 1 WHERE id = %s",
                  (cheque,))  # fmt: skip
    clerk.execute(f"UPDATE fiscal_cheques SET {FISCAL} WHERE id = %s", (cheque,))
    assert h.owner_sql("SELECT status FROM fiscal_cheques WHERE id = :i", i=cheque) == [
        ("registered",)
    ]


@pytest.mark.parametrize(
    "attack",
    [
        "forged_registered_insert",
        "wrong_amount",
        "change_registered",
        "delete",
        "registered_without_attributes",
        "change_content",
        "other_office",
        "owner_delete",
    ],
)
def test_cheque_attacks_are_refused(h: Hostile, attack: str) -> None:
    payment = _payment(h)
    clerk = h.psql("clerk.a")
    if attack == "forged_registered_insert":
        with pytest.raises(psycopg.Error, match="ожидает регистрации"):
            _insert(clerk, payment, extra=", fn_number, fd_number, fiscal_sign, registered_at",
                    values=", '1', 1, '1', now()")  # fmt: skip
        return
    if attack == "wrong_amount":
        with pytest.raises(psycopg.Error, match="Сумма чека"):
            _insert(clerk, payment, amount="1")
        return
    cheque = _insert(clerk, payment)
    if attack == "change_registered":
        clerk.execute(f"UPDATE fiscal_cheques SET {FISCAL} WHERE id = %s", (cheque,))
        with pytest.raises(psycopg.Error, match="не изменяется"):
            clerk.execute("UPDATE fiscal_cheques SET fd_number = 8 WHERE id = %s", (cheque,))
        with pytest.raises(Exception, match="не изменяется"):
            h.owner_sql("UPDATE fiscal_cheques SET fiscal_sign = '1' WHERE id = :i", i=cheque)
    elif attack == "delete":
        with pytest.raises(psycopg.Error):
            clerk.execute("DELETE FROM fiscal_cheques WHERE id = %s", (cheque,))
    elif attack == "owner_delete":
        with pytest.raises(Exception, match="не удаляются"):
            h.owner_sql("DELETE FROM fiscal_cheques WHERE id = :i", i=cheque)
    elif attack == "registered_without_attributes":
        with pytest.raises(psycopg.Error, match="фискальными признаками"):
            clerk.execute("UPDATE fiscal_cheques SET status = 'registered' WHERE id = %s",
                          (cheque,))  # fmt: skip
    elif attack == "change_content":
        with pytest.raises(psycopg.Error):
            clerk.execute("UPDATE fiscal_cheques SET amount = 1 WHERE id = %s", (cheque,))
    elif attack == "other_office":
        h.owner_sql(
            "UPDATE staff SET office_id = (SELECT id FROM offices WHERE code <> 'TMN-1'"
            " ORDER BY id LIMIT 1) WHERE login = 'clerk.b'"
        )
        other = h.psql("clerk.b")
        with pytest.raises(psycopg.Error, match="другого офиса"):
            other.execute(f"UPDATE fiscal_cheques SET {FISCAL} WHERE id = %s", (cheque,))
    assert h.owner_sql("SELECT count(*) FROM fiscal_cheques") == [(1,)]


@pytest.fixture
def h(hostile: Hostile) -> Hostile:
    return hostile


def test_the_services_work_under_a_clerks_own_login(h: Hostile, tmp_path: Any) -> None:
    """take_payment → pending cheque → send → registered, over clerk.a's SCRAM connection."""
    from decimal import Decimal

    from sqlalchemy.engine import make_url

    from console.models.enums import PaymentMethod
    from console.services.core.database import Database, create_db_engine
    from console.services.fiscal import journal
    from console.services.fiscal.factory import cash_register
    from console.services.payments import counter
    from console.services.staff.members import resolve_actor
    from console.settings import Settings
    from tests.security.conftest import PASSWORD
    from tests.support.kkt_process import KktEmulator

    url = make_url(h.server.url(h.name)).set(username="clerk.a", password=PASSWORD)
    db = Database(create_db_engine(url))
    emulator = KktEmulator(tmp_path / "kkt.jsonl").start()
    try:
        actor = resolve_actor(db, "clerk.a", "TMN-1", "desk-1")
        settings = Settings(kkt_url=emulator.url, kkt_timeout_s=3)
        dues = counter.account_dues(db, h.account.account_id)
        parts = counter.split(Decimal("250"), dues.dues(), main=dues.main_service_id)
        form = counter.PaymentForm(
            h.account.account_id, Decimal("250"), parts, PaymentMethod.CASH,
            cash_received=Decimal("300"), confirmed=True, customer_contact="a@b.ru",
        )  # fmt: skip
        result = counter.take_payment(db, actor, form, "clerk-form", settings=settings)
        emulator.fault("paper_out", 1)
        state = counter.register_cheque(db, cash_register(settings), actor, result)
        assert state is not None and "бумага" in state.error
        assert journal.retry_pending(db, cash_register(settings), actor).registered == 1
        assert journal.cheque_of_payment(db, result.payment_id).registered  # type: ignore[union-attr]
        # boss.a reverses it over their own login: the reversal's «возврат прихода» is let in
        # by the database (its sum is the reversal's, negated) and registered.
        boss_url = make_url(h.server.url(h.name)).set(username="boss.a", password=PASSWORD)
        boss_db = Database(create_db_engine(boss_url))
        try:
            boss = resolve_actor(boss_db, "boss.a", "TMN-1", "desk-2")
            reversal = counter.reverse_payment(boss_db, boss, result.payment_id, "ошибка кассира")
            back = counter.register_cheque(boss_db, cash_register(settings), boss, reversal)
            assert back is not None and back.registered
        finally:
            boss_db.dispose()
        assert [task["type"] for task in emulator.journal()] == ["sell", "sellReturn"]
    finally:
        emulator.kill()
        db.dispose()


def test_a_payment_above_the_hard_ceiling_needs_a_supervisors_token(h: Hostile) -> None:
    insert = (
        "INSERT INTO payments (account_id, amount, paid_at, method, cash_received)"
        " VALUES (%s, %s, now(), 'card', NULL) RETURNING id"
    )
    clerk = h.psql("clerk.a")
    clerk.execute(insert, (h.account.account_id, "1000000.00")).fetchone()  # at the ceiling
    with pytest.raises(psycopg.Error, match="подтверждением руководителя"):
        clerk.execute(insert, (h.account.account_id, "1000000.01"))
    with pytest.raises(psycopg.Error), clerk.transaction():  # a made-up token is no proof
        clerk.execute("SELECT set_config('console.approval', gen_random_uuid()::text, true)")
        clerk.execute(insert, (h.account.account_id, "99999999"))
    boss = h.psql("boss.a")
    token = boss.execute("SELECT console_issue_approval('reading.supervisor_approval')").fetchone()[
        0
    ]  # type: ignore[index]
    with clerk.transaction():
        clerk.execute("SELECT set_config('console.approval', %s, true)", (str(token),))
        clerk.execute(insert, (h.account.account_id, "99999999"))
    with pytest.raises(psycopg.Error), clerk.transaction():  # used once only
        clerk.execute("SELECT set_config('console.approval', %s, true)", (str(token),))
        clerk.execute(insert, (h.account.account_id, "99999999"))
    boss.execute(insert, (h.account.account_id, "5000000"))  # a supervisor's own desk


def test_the_service_passes_the_supervisors_token_for_a_huge_payment(h: Hostile) -> None:
    from decimal import Decimal

    from sqlalchemy.engine import make_url

    from console.models.enums import PaymentMethod
    from console.services.core.database import Database, create_db_engine
    from console.services.payments import counter
    from console.services.staff.approvals import verify_supervisor
    from console.services.staff.members import resolve_actor
    from tests.security.conftest import PASSWORD

    url = make_url(h.server.url(h.name)).set(username="clerk.a", password=PASSWORD)
    db = Database(create_db_engine(url))
    try:
        actor = resolve_actor(db, "clerk.a", "TMN-1", "desk-1")
        dues = counter.account_dues(db, h.account.account_id)
        total = Decimal("2000000.00")
        form = counter.PaymentForm(
            h.account.account_id, total, counter.split(total, dues.dues()), PaymentMethod.CARD,
            confirmed=True, large_confirmed=True,
        )  # fmt: skip
        with pytest.raises(counter.LargePaymentError):
            counter.take_payment(db, actor, form, "huge")
        approval = verify_supervisor(db, "boss.a", PASSWORD)
        assert approval.token
        from dataclasses import replace

        paid = counter.take_payment(db, actor, replace(form, approval=approval), "huge")
        assert paid.amount == total
    finally:
        db.dispose()


def test_a_supervisor_cannot_reverse_their_own_payment_in_sql(h: Hostile) -> None:
    """Dual control of сторно in the database (0013): boss.a's own payment, reversed by boss.a
    in psql, is refused; boss.b may."""
    boss = h.psql("boss.a")
    (paid,) = boss.execute(
        "INSERT INTO payments (account_id, amount, paid_at, method) "
        "VALUES (%s, 300.00, now(), 'card') RETURNING id",
        (h.account.account_id,),
    ).fetchone()  # type: ignore[misc]
    reverse = (
        "INSERT INTO payments (account_id, amount, paid_at, method, reversal_of_id, reason) "
        "VALUES (%s, -300.00, now(), 'card', %s, 'ошибка') RETURNING id"
    )
    with pytest.raises(psycopg.Error, match="другой руководитель"):
        boss.execute(reverse, (h.account.account_id, paid))
    other = h.psql("boss.b")
    assert other.execute(reverse, (h.account.account_id, paid)).fetchone() is not None

"""The supervisor's queues, filters and summary; a clerk is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from console.models.enums import StaffRole
from console.services.appeals import intake, workflow
from console.services.core.database import Database
from console.services.core.errors import PermissionDeniedError
from console.services.staff.actor import Actor
from console.services.supervision import queues
from console.services.supervision.queues import Queue, QueueFilter
from tests.appeals.test_appeals import draft, topic_id
from tests.support.factories import make_account, make_decided_refund, make_staff

ALL = QueueFilter()


def counts(db: Database, actor: Actor, filt: QueueFilter = ALL) -> dict[Queue, int]:
    return {c.queue: c.count for c in queues.queue_counts(db, actor, filt)}


def test_queues_count_what_waits(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    orb_clerk = make_staff(db, "clerk2", StaffRole.CLERK, "ORB-1")
    boss = make_staff(db, "boss", StaffRole.SUPERVISOR)
    acc = make_account(db)
    make_decided_refund(
        db, acc.account_id, registered_by=clerk, reviewed_by=None, status="registered"
    )
    make_decided_refund(db, acc.account_id, registered_by=clerk, reviewed_by=boss)
    now = dt.datetime.now(dt.UTC)
    late = intake.register(db, clerk, draft(db), now=now - dt.timedelta(days=40))
    soon = intake.register(
        db, clerk, draft(db, topic_id=topic_id(db, "complaint")), now=now - dt.timedelta(days=29)
    )
    mine = intake.register(db, clerk, draft(db))
    workflow.take(db, boss, mine.id)
    intake.register(db, orb_clerk, draft(db))

    assert counts(db, boss) == {
        Queue.REFUNDS: 1,
        Queue.UNASSIGNED: 3,
        Queue.MINE: 1,
        Queue.OFFICE_OPEN: 3,  # TMN's open appeals: late, soon, mine (ORB's is another office)
        Queue.DUE_SOON: 1,
        Queue.OVERDUE: 1,
    }
    tmn = counts(db, boss, QueueFilter(office_id=clerk.office_id))
    assert (tmn[Queue.UNASSIGNED], tmn[Queue.REFUNDS]) == (2, 1)
    complaint = counts(db, boss, QueueFilter(topic_id=topic_id(db, "complaint")))
    assert (complaint[Queue.UNASSIGNED], complaint[Queue.DUE_SOON]) == (1, 1)
    by_clerk2 = counts(db, boss, QueueFilter(staff_id=orb_clerk.staff_id))
    assert (by_clerk2[Queue.UNASSIGNED], by_clerk2[Queue.REFUNDS]) == (1, 0)
    week = QueueFilter(date_from=dt.date.today() - dt.timedelta(days=7), date_to=dt.date.today())
    assert counts(db, boss, week)[Queue.OVERDUE] == 0

    items = queues.queue_items(db, boss, Queue.UNASSIGNED)
    assert [i.number for i in items][0] == late.number  # the nearest deadline first
    assert items[0].overdue and not items[0].due_soon
    assert {i.number for i in queues.queue_items(db, boss, Queue.DUE_SOON)} == {soon.number}
    refunds = queues.queue_items(db, boss, Queue.REFUNDS)
    assert [(r.kind, r.applicant, r.subject) for r in refunds] == [
        ("refund", "Иванов Пётр Сергеевич", "Возврат 250,00\u00a0₽")
    ]


def test_every_supervisor_of_the_office_sees_an_appeal_routed_to_another(db: Database) -> None:
    """Issue #19: a dispute is auto-assigned to one supervisor; the other one of the office saw
    0 in every queue. «Все открытые в офисе» shows it to both; «Мои» only to the assignee."""
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    first = make_staff(db, "sup1", StaffRole.SUPERVISOR)
    second = make_staff(db, "sup2", StaffRole.SUPERVISOR)
    decider = make_staff(db, "orb_boss", StaffRole.SUPERVISOR, "ORB-1")
    elsewhere = make_staff(db, "orb_clerk", StaffRole.CLERK, "ORB-1")
    acc = make_account(db)
    refund = make_decided_refund(db, acc.account_id, registered_by=clerk, reviewed_by=decider)
    dispute = intake.register(
        db, clerk, draft(db, account_id=acc.account_id, disputes_refund_id=refund)
    )
    intake.register(db, elsewhere, draft(db))  # another office's: not in this office's queue

    assigned = counts(db, first, ALL)
    other = counts(db, second, ALL)
    assert assigned[Queue.MINE] == 1 and other[Queue.MINE] == 0
    assert assigned[Queue.OFFICE_OPEN] == other[Queue.OFFICE_OPEN] == 1
    seen = queues.queue_items(db, second, Queue.OFFICE_OPEN)
    assert [(i.number, i.assigned_to_name) for i in seen] == [(dispute.number, first.full_name)]
    # The office filter of the workspace (its own office by default) gives the same.
    own = QueueFilter(office_id=second.office_id)
    assert counts(db, second, own)[Queue.OFFICE_OPEN] == 1
    orb = QueueFilter(office_id=elsewhere.office_id)
    assert counts(db, second, orb)[Queue.OFFICE_OPEN] == 1  # the chosen office's, not the own


def test_a_clerk_cannot_open_the_workspace(sqlite_db: Database) -> None:
    clerk = make_staff(sqlite_db, "clerk1", StaffRole.CLERK)
    for call in (
        lambda: queues.queue_counts(sqlite_db, clerk),
        lambda: queues.queue_items(sqlite_db, clerk, Queue.OVERDUE),
        lambda: queues.filter_choices(sqlite_db, clerk),
        lambda: queues.summary(sqlite_db, clerk, dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ):
        with pytest.raises(PermissionDeniedError, match="руководител"):
            call()


def test_summary_per_office_and_topic(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    orb = make_staff(db, "clerk2", StaffRole.CLERK, "ORB-1")
    boss = make_staff(db, "boss", StaffRole.ADMIN)
    now = dt.datetime.now(dt.UTC)
    in_time = intake.register(db, clerk, draft(db), now=now - dt.timedelta(days=20))
    workflow.take(db, clerk, in_time.id)
    workflow.answer(db, clerk, in_time.id, "Ответ", now=now - dt.timedelta(days=5))
    workflow.close(db, clerk, in_time.id)
    answered_late = intake.register(db, clerk, draft(db), now=now - dt.timedelta(days=45))
    workflow.take(db, clerk, answered_late.id)
    workflow.answer(db, clerk, answered_late.id, "Ответ")
    workflow.close(db, clerk, answered_late.id)
    intake.register(
        db, clerk, draft(db, topic_id=topic_id(db, "complaint")), now=now - dt.timedelta(days=35)
    )
    intake.register(db, orb, draft(db))
    intake.register(db, orb, draft(db), now=now - dt.timedelta(days=400))  # outside the period

    start, end = dt.date.today() - dt.timedelta(days=60), dt.date.today()
    s = queues.summary(db, boss, start, end)
    assert s.total.received == 4
    assert (s.total.closed_in_time, s.total.overdue, s.total.in_work) == (1, 2, 1)
    offices = {r.name: (r.received, r.closed_in_time, r.overdue, r.in_work) for r in s.by_office}
    assert offices == {
        "Клиентский офис «Оренбург, Аксакова»": (1, 0, 0, 1),
        "Клиентский офис «Тюмень, Одесская»": (3, 1, 2, 0),
    }
    topics = {r.name: r.received for r in s.by_topic}
    assert (topics["Оплата"], topics["Жалоба"], topics["Смена тарифа"]) == (3, 1, 0)
    only_orb = queues.summary(db, boss, start, end, office_id=orb.office_id)
    assert only_orb.total.received == 1 and only_orb.office_name.endswith("Аксакова»")

"""The life of an appeal: who may take, answer, close and reopen it; disputes go elsewhere."""

from __future__ import annotations

import pytest

from console.models.enums import AppealStatus, StaffRole
from console.services.appeals import intake, queries, workflow
from console.services.appeals.routing import disputable_decisions
from console.services.appeals.workflow import Action
from console.services.core.database import Database
from console.services.core.errors import ConflictError, PermissionDeniedError, ValidationError
from tests.appeals.test_appeals import draft
from tests.support.factories import make_account, make_decided_refund, make_staff


def status(db: Database, appeal_id: int) -> AppealStatus:
    return queries.details(db, appeal_id).status


def test_the_whole_way_with_history(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    done = intake.register(db, clerk, draft(db))
    with pytest.raises(PermissionDeniedError, match="возьмите"):
        workflow.answer(db, clerk, done.id, "Ответ")
    workflow.take(db, clerk, done.id)
    assert status(db, done.id) is AppealStatus.IN_PROGRESS
    with pytest.raises(ConflictError, match="без ответа"):
        workflow.close(db, clerk, done.id)
    workflow.comment(db, clerk, done.id, "Позвонил заявителю, уточнил период.")
    workflow.answer(db, clerk, done.id, "Начисление выполнено по показаниям.")
    assert status(db, done.id) is AppealStatus.ANSWERED
    workflow.close(db, clerk, done.id)
    with pytest.raises(ConflictError, match="уже закрыто"):
        workflow.close(db, clerk, done.id)
    with pytest.raises(ConflictError, match="откройте его повторно"):
        workflow.answer(db, clerk, done.id, "Ещё ответ")
    with pytest.raises(ValidationError, match="причину"):
        workflow.reopen(db, clerk, done.id, "  ")
    workflow.reopen(db, clerk, done.id, "Заявитель не согласен")
    d = queries.details(db, done.id)
    assert (d.status, d.answered_at, d.closed_at) == (AppealStatus.IN_PROGRESS, None, None)
    assert d.answer_text == "Начисление выполнено по показаниям."  # kept as a draft
    with pytest.raises(ConflictError, match="и так в работе"):
        workflow.reopen(db, clerk, done.id, "ещё раз")

    steps = queries.history(db, done.id)
    assert [s.label for s in steps] == [
        "Зарегистрировано обращение",
        "Назначен исполнитель",
        "Комментарий к обращению",
        "Подготовлен ответ",
        "Обращение закрыто",
        "Обращение открыто повторно",
    ]
    assert {s.staff_name for s in steps} == {"Сотрудник clerk1"}
    assert steps[2].detail == "Позвонил заявителю, уточнил период."
    assert steps[5].detail == "Причина: Заявитель не согласен"
    assert all(s.occurred_at.tzinfo is not None for s in steps)


def test_a_clerk_cannot_touch_somebody_elses_appeal(db: Database) -> None:
    anna = make_staff(db, "anna", StaffRole.CLERK)
    boris = make_staff(db, "boris", StaffRole.CLERK)
    boss = make_staff(db, "boss", StaffRole.SUPERVISOR)
    done = intake.register(db, anna, draft(db))
    with pytest.raises(PermissionDeniedError, match="руководитель"):
        workflow.assign(db, anna, done.id, boris.staff_id or 0)
    workflow.take(db, anna, done.id)
    for attempt in (
        lambda: workflow.take(db, boris, done.id),
        lambda: workflow.answer(db, boris, done.id, "Ответ"),
        lambda: workflow.assign(db, boris, done.id, boris.staff_id or 0),
    ):
        with pytest.raises(PermissionDeniedError, match="другого сотрудника"):
            attempt()
    workflow.answer(db, anna, done.id, "Ответ")
    with pytest.raises(PermissionDeniedError):
        workflow.close(db, boris, done.id)
    with pytest.raises(PermissionDeniedError):
        workflow.reopen(db, boris, done.id, "хочу")
    workflow.comment(db, boris, done.id, "Комментировать может любой")
    # The supervisor reassigns and closes anybody's appeal.
    workflow.assign(db, boss, done.id, boris.staff_id or 0)
    workflow.close(db, boss, done.id)
    assert status(db, done.id) is AppealStatus.CLOSED


def test_allowed_actions_match_the_roles(sqlite_db: Database) -> None:
    clerk = make_staff(sqlite_db, "clerk1", StaffRole.CLERK)
    boss = make_staff(sqlite_db, "boss", StaffRole.SUPERVISOR)
    other = 999
    registered = workflow.allowed_actions(clerk, AppealStatus.REGISTERED, None)
    assert registered == {Action.TAKE, Action.COMMENT}
    theirs = workflow.allowed_actions(clerk, AppealStatus.ANSWERED, other)
    assert theirs == {Action.COMMENT}
    mine = workflow.allowed_actions(clerk, AppealStatus.ANSWERED, clerk.staff_id)
    assert mine == {Action.ANSWER, Action.CLOSE, Action.REOPEN, Action.PRINT_LETTER, Action.COMMENT}
    boss_sees = workflow.allowed_actions(boss, AppealStatus.IN_PROGRESS, other)
    assert boss_sees == {Action.ASSIGN, Action.ANSWER, Action.COMMENT}


def test_version_check_refuses_a_stale_screen(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    done = intake.register(db, clerk, draft(db))
    seen = queries.details(db, done.id).version
    workflow.take(db, clerk, done.id, version=seen)
    with pytest.raises(ConflictError, match="другим сотрудником"):
        workflow.answer(db, clerk, done.id, "Ответ", version=seen)


def test_an_appeal_against_a_refund_goes_to_another_supervisor(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    decider = make_staff(db, "decider", StaffRole.SUPERVISOR)
    other = make_staff(db, "other", StaffRole.SUPERVISOR)
    make_staff(db, "far", StaffRole.SUPERVISOR, "ORB-1")
    acc = make_account(db)
    refund = make_decided_refund(db, acc.account_id, registered_by=clerk, reviewed_by=decider)
    pending = make_decided_refund(
        db, acc.account_id, registered_by=clerk, reviewed_by=None, status="registered"
    )

    with pytest.raises(ValidationError, match="ещё нет решения"):
        intake.register(db, clerk, draft(db, account_id=acc.account_id, disputes_refund_id=pending))
    choices = disputable_decisions(db, acc.account_id)
    assert [c.id for c in choices] == [refund] and "отказано" in choices[0].label

    done = intake.register(
        db, clerk, draft(db, account_id=acc.account_id, disputes_refund_id=refund)
    )
    assert done.assigned_to_name == other.full_name
    d = queries.details(db, done.id)
    assert (d.status, d.is_dispute, d.decided_by_staff_id) == (
        AppealStatus.IN_PROGRESS,
        True,
        decider.staff_id,
    )
    assert "возврат" in d.disputes_label
    # Nobody hands it back to the one who decided, and the decider cannot act on it.
    with pytest.raises(ValidationError, match="принял обжалуемое решение"):
        workflow.assign(db, other, done.id, decider.staff_id or 0)
    with pytest.raises(PermissionDeniedError, match="другой руководитель"):
        workflow.answer(db, decider, done.id, "Решение верное")
    with pytest.raises(ValidationError, match="руководитель"):
        workflow.assign(db, other, done.id, clerk.staff_id or 0)
    names = {s.full_name for s in workflow.assignable_staff(db, done.id)}
    assert other.full_name in names and decider.full_name not in names
    assert clerk.full_name not in names
    workflow.answer(db, other, done.id, "Решение пересмотрено.")


def test_a_dispute_waits_unassigned_when_only_the_decider_is_left(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    decider = make_staff(db, "decider", StaffRole.SUPERVISOR)
    acc = make_account(db)
    refund = make_decided_refund(db, acc.account_id, registered_by=clerk, reviewed_by=decider)
    # The reference data's administrator is the only other reviewer.
    done = intake.register(
        db, clerk, draft(db, account_id=acc.account_id, disputes_refund_id=refund)
    )
    assert done.assigned_to_name == "Администратор"
    with pytest.raises(PermissionDeniedError, match="руководитель"):
        workflow.take(db, clerk, done.id)


def test_a_nameless_actor_cannot_move_an_appeal(db: Database) -> None:
    """«Система» or a maintenance login is nobody dual control could compare: refused."""
    from console.services.staff.actor import SYSTEM

    clerk = make_staff(db, "clerk9", StaffRole.CLERK)
    done = intake.register(db, clerk, draft(db))
    boss = make_staff(db, "boss9", StaffRole.SUPERVISOR)
    for step in (
        lambda: workflow.assign(db, SYSTEM, done.id, boss.staff_id or 0),
        lambda: workflow.answer(db, SYSTEM, done.id, "Ответ"),
    ):
        with pytest.raises(PermissionDeniedError, match="под своим логином"):
            step()
    assert status(db, done.id) is AppealStatus.REGISTERED

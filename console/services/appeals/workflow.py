"""The life of an appeal: зарегистрировано → в работе → ответ подготовлен → закрыто (and back).

Who may do what is decided here once (:func:`allowed_actions`); the review screen shows only
those buttons, and every step checks again, so a clerk can't act on somebody else's appeal
even by a stale screen.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from console.models import Appeal, Staff
from console.models.enums import AppealStatus, AuditAction, StaffRole
from console.services.appeals.intake import MAX_TEXT
from console.services.appeals.routing import decider_of
from console.services.core.database import Database
from console.services.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from console.services.core.errors import ValidationError as VE
from console.services.staff import audit
from console.services.staff.actor import Actor
from console.services.staff.permissions import require_staff

MAX_COMMENT = 2000


class Action(enum.StrEnum):
    TAKE = "take"
    ASSIGN = "assign"
    ANSWER = "answer"
    CLOSE = "close"
    REOPEN = "reopen"
    COMMENT = "comment"
    PRINT_LETTER = "print_letter"


@dataclass(frozen=True)
class StaffChoice:
    id: int
    full_name: str
    role: StaffRole


def allowed_actions(
    actor: Actor,
    status: AppealStatus,
    assigned_to: int | None,
    *,
    is_dispute: bool = False,
    decided_by: int | None = None,
) -> frozenset[Action]:
    """The steps ``actor`` may take on an appeal in this state."""
    allowed = {Action.COMMENT}
    if is_dispute and actor.staff_id is not None and actor.staff_id == decided_by:
        return frozenset(allowed)  # who decided does not judge the appeal against it
    mine = assigned_to is not None and assigned_to == actor.staff_id
    boss = actor.is_supervisor
    if status is AppealStatus.REGISTERED and (boss or not is_dispute):
        allowed.add(Action.TAKE)
    if boss and status is not AppealStatus.CLOSED:
        allowed.add(Action.ASSIGN)
    if mine or boss:
        if status in (AppealStatus.IN_PROGRESS, AppealStatus.ANSWERED):
            allowed.add(Action.ANSWER)
        if status is AppealStatus.ANSWERED:
            allowed.add(Action.CLOSE)
        if status in (AppealStatus.ANSWERED, AppealStatus.CLOSED):
            allowed.update((Action.REOPEN, Action.PRINT_LETTER))
    return frozenset(allowed)


def _load(session: Session, appeal_id: int, version: int | None) -> Appeal:
    row = session.get(Appeal, appeal_id)
    if row is None:
        raise NotFoundError("Обращение не найдено.")
    if version is not None and row.version != version:
        raise ConflictError("Обращение изменено другим сотрудником. Обновите его и повторите.")
    return row


def _is_dispute(a: Appeal) -> bool:
    return a.disputes_refund_id is not None or a.disputes_charge_id is not None


def _check(session: Session, actor: Actor, a: Appeal, action: Action) -> None:
    """Refuse with the reason a person can act on: first who, then the state."""
    require_staff(actor, "работа с обращением")  # dual control compares people, not «Система»
    decided_by = decider_of(session, a) if _is_dispute(a) else None
    if action in allowed_actions(
        actor, a.status, a.assigned_to_staff_id, is_dispute=_is_dispute(a), decided_by=decided_by
    ):
        return
    if _is_dispute(a) and actor.staff_id is not None and actor.staff_id == decided_by:
        raise PermissionDeniedError(
            "Вы приняли обжалуемое решение: жалобу рассматривает другой руководитель."
        )
    if not actor.is_supervisor:
        if a.assigned_to_staff_id not in (None, actor.staff_id):
            raise PermissionDeniedError(
                "Обращение в работе у другого сотрудника: назначать, отвечать и закрывать "
                "может исполнитель или руководитель."
            )
        if _is_dispute(a):
            raise PermissionDeniedError("Жалобу на решение рассматривает руководитель.")
        if a.assigned_to_staff_id is None and action is not Action.TAKE:
            raise PermissionDeniedError("Сначала возьмите обращение в работу.")
    raise ConflictError(_state_message(a.status, action))


def _state_message(status: AppealStatus, action: Action) -> str:
    if status is AppealStatus.CLOSED and action in (Action.ANSWER, Action.ASSIGN, Action.TAKE):
        return "Обращение закрыто: чтобы продолжить работу, откройте его повторно."
    if action is Action.TAKE:
        return "Обращение уже в работе: назначить другого исполнителя может руководитель."
    if action is Action.ANSWER:
        return "Сначала возьмите обращение в работу или назначьте исполнителя."
    if action is Action.CLOSE:
        if status is AppealStatus.CLOSED:
            return "Обращение уже закрыто."
        return "Нельзя закрыть обращение без ответа: сначала подготовьте ответ."
    if action is Action.REOPEN:
        return "Обращение и так в работе — открывать повторно нечего."
    if action is Action.PRINT_LETTER:
        return "Письмо печатается, когда ответ подготовлен."
    return "Этот шаг сейчас недоступен."


def assign(
    db: Database, actor: Actor, appeal_id: int, staff_id: int, *, version: int | None = None
) -> None:
    """Give the appeal to ``staff_id``; a clerk may only take an unassigned one for themselves."""
    with db.transaction() as session:
        a = _load(session, appeal_id, version)
        if not actor.is_supervisor and staff_id != actor.staff_id:
            raise PermissionDeniedError(
                "Назначить исполнителем другого сотрудника может только руководитель."
            )
        _check(session, actor, a, Action.ASSIGN if actor.is_supervisor else Action.TAKE)
        staff = session.get(Staff, staff_id)
        if staff is None or not staff.is_active:
            raise VE("Такого сотрудника нет или он отключён.", "assignee")
        if _is_dispute(a):
            if staff.role not in (StaffRole.SUPERVISOR, StaffRole.ADMIN):
                raise VE("Жалобу на решение рассматривает руководитель.", "assignee")
            if staff.id == decider_of(session, a):
                raise VE("Жалобу нельзя поручить тому, кто принял обжалуемое решение.", "assignee")
        before = audit.snapshot(a, "status", "assigned_to_staff_id")
        a.assigned_to_staff_id = staff.id
        if a.status is AppealStatus.REGISTERED:
            a.status = AppealStatus.IN_PROGRESS
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.APPEAL_ASSIGN,
            "appeal",
            a.id,
            account_id=a.account_id,
            before=before,
            after={
                "status": a.status,
                "assigned_to_staff_id": staff.id,
                "assignee": staff.full_name,
            },
        )


def take(db: Database, actor: Actor, appeal_id: int, *, version: int | None = None) -> None:
    """«Взять в работу»: the acting clerk becomes the assignee."""
    if actor.staff_id is None:
        raise PermissionDeniedError("Взять обращение в работу может только сотрудник.")
    assign(db, actor, appeal_id, actor.staff_id, version=version)


def answer(
    db: Database,
    actor: Actor,
    appeal_id: int,
    text: str,
    *,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    text = text.strip()
    if not text:
        raise VE("Напишите текст ответа.", "answer")
    if len(text) > MAX_TEXT:
        raise VE(f"Ответ длиннее {MAX_TEXT} знаков: сократите его.", "answer")
    with db.transaction() as session:
        a = _load(session, appeal_id, version)
        _check(session, actor, a, Action.ANSWER)
        before = audit.snapshot(a, "status", "answer_text")
        a.answer_text = text
        a.answered_at = now or dt.datetime.now(dt.UTC)
        a.status = AppealStatus.ANSWERED
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.APPEAL_ANSWER,
            "appeal",
            a.id,
            account_id=a.account_id,
            before=before,
            after={"status": a.status, "text": text},
        )


def close(
    db: Database,
    actor: Actor,
    appeal_id: int,
    *,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    with db.transaction() as session:
        a = _load(session, appeal_id, version)
        _check(session, actor, a, Action.CLOSE)
        a.status = AppealStatus.CLOSED
        a.closed_at = now or dt.datetime.now(dt.UTC)
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.APPEAL_CLOSE,
            "appeal",
            a.id,
            account_id=a.account_id,
            before={"status": AppealStatus.ANSWERED},
            after={"status": a.status},
        )


def reopen(
    db: Database, actor: Actor, appeal_id: int, reason: str, *, version: int | None = None
) -> None:
    """Back to «в работе» with a reason; the earlier answer stays as a draft to rework."""
    reason = " ".join(reason.split())
    if not reason:
        raise VE("Укажите причину повторного открытия.", "reason")
    with db.transaction() as session:
        a = _load(session, appeal_id, version)
        _check(session, actor, a, Action.REOPEN)
        before = audit.snapshot(a, "status", "answered_at", "closed_at")
        a.status = AppealStatus.IN_PROGRESS
        a.answered_at = None
        a.closed_at = None
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.APPEAL_REOPEN,
            "appeal",
            a.id,
            account_id=a.account_id,
            before=before,
            after={"status": a.status, "reason": reason[:500]},
        )


def comment(db: Database, actor: Actor, appeal_id: int, text: str) -> None:
    """A note in the appeal's history (kept in the audit trail with who and when)."""
    text = text.strip()
    if not text:
        raise VE("Комментарий пуст.", "comment")
    if len(text) > MAX_COMMENT:
        raise VE(f"Комментарий длиннее {MAX_COMMENT} знаков.", "comment")
    with db.transaction() as session:
        a = _load(session, appeal_id, None)
        audit.record(
            session,
            actor,
            AuditAction.APPEAL_COMMENT,
            "appeal",
            a.id,
            account_id=a.account_id,
            after={"text": text},
        )


def assignable_staff(db: Database, appeal_id: int) -> tuple[StaffChoice, ...]:
    """Who the appeal may be given to: the office's staff; for a dispute, other supervisors."""
    with db.read() as session:
        a = _load(session, appeal_id, None)
        stmt = select(Staff).where(Staff.is_active).order_by(Staff.full_name)
        if _is_dispute(a):
            stmt = stmt.where(Staff.role.in_((StaffRole.SUPERVISOR, StaffRole.ADMIN)))
            decided_by = decider_of(session, a)
            if decided_by is not None:
                stmt = stmt.where(Staff.id != decided_by)
        elif a.office_id is not None:
            stmt = stmt.where(or_(Staff.office_id == a.office_id, Staff.role != StaffRole.CLERK))
        return tuple(StaffChoice(s.id, s.full_name, s.role) for s in session.scalars(stmt))


def decided_by(db: Database, appeal_id: int) -> int | None:
    """Who took the decision the appeal disputes (None for an ordinary appeal)."""
    with db.read() as session:
        return decider_of(session, _load(session, appeal_id, None))

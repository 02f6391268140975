"""Appeal topics with their deadlines and the paid services price list (kept by administrators)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import AppealTopic, PaidService
from console.models.enums import AuditAction
from console.services.core.database import Database
from console.services.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from console.services.core.errors import ValidationError as VE
from console.services.core.formatting import to_kopecks
from console.services.staff import audit
from console.services.staff.actor import Actor

MAX_DEADLINE_DAYS = 365


@dataclass(frozen=True)
class Topic:
    id: int
    code: str
    name: str
    deadline_days: int


@dataclass(frozen=True)
class PaidServiceItem:
    id: int
    code: str
    name: str
    price: Decimal
    unit: str
    is_active: bool
    version: int


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDeniedError("Справочники обращений и прейскурант ведёт администратор.")


def _topic(row: AppealTopic) -> Topic:
    return Topic(row.id, row.code, row.name, row.deadline_days)


def _service(row: PaidService) -> PaidServiceItem:
    return PaidServiceItem(
        row.id, row.code, row.name, row.price, row.unit, row.is_active, row.version
    )


def topics(db: Database) -> tuple[Topic, ...]:
    """Every topic in the order the reference data lists them."""
    with db.read() as session:
        return tuple(
            _topic(t) for t in session.scalars(select(AppealTopic).order_by(AppealTopic.id))
        )


def set_deadline(db: Database, actor: Actor, topic_id: int, days: int) -> Topic:
    """Change a topic's answer deadline (days); appeals already registered keep theirs."""
    _require_admin(actor)
    if not 1 <= days <= MAX_DEADLINE_DAYS:
        raise VE(f"Срок ответа — от 1 до {MAX_DEADLINE_DAYS} дней.", "deadline_days")
    with db.transaction() as session:
        row = session.get(AppealTopic, topic_id)
        if row is None:
            raise NotFoundError("Тема обращения не найдена.")
        before = audit.snapshot(row, "deadline_days")
        row.deadline_days = days
        audit.record(
            session,
            actor,
            AuditAction.APPEAL_TOPIC_DEADLINE,
            "appeal_topic",
            row.id,
            before=before,
            after={"deadline_days": days},
        )
        return _topic(row)


def paid_services(db: Database, *, active_only: bool = True) -> tuple[PaidServiceItem, ...]:
    with db.read() as session:
        stmt = select(PaidService).order_by(PaidService.name)
        if active_only:
            stmt = stmt.where(PaidService.is_active)
        return tuple(_service(s) for s in session.scalars(stmt))


def _price(text: str | Decimal) -> Decimal:
    try:
        value = Decimal(str(text).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        raise VE("Цена: введите сумму в рублях, например 2450,00.", "price") from None
    if not value.is_finite() or value < 0:
        raise VE("Цена не может быть отрицательной.", "price")
    if value >= Decimal("1000000"):
        raise VE("Цена слишком велика: проверьте сумму.", "price")
    return to_kopecks(value)


def _texts(code: str, name: str, unit: str) -> tuple[str, str, str]:
    code, name, unit = code.strip(), " ".join(name.split()), unit.strip()
    if not code or len(code) > 24 or not code.replace("_", "").isalnum():
        raise VE("Код услуги: латинские буквы, цифры и «_», до 24 знаков.", "code")
    if not name:
        raise VE("Укажите наименование услуги.", "name")
    if not unit:
        raise VE("Укажите единицу (шт., выезд).", "unit")
    return code, name[:200], unit[:24]


def add_paid_service(
    db: Database, actor: Actor, code: str, name: str, price: str | Decimal, unit: str
) -> PaidServiceItem:
    _require_admin(actor)
    code, name, unit = _texts(code, name, unit)
    amount = _price(price)
    with db.transaction() as session:
        if session.scalar(select(PaidService.id).where(PaidService.code == code)) is not None:
            raise VE(f"Услуга с кодом «{code}» уже есть.", "code")
        row = PaidService(code=code, name=name, price=amount, unit=unit, is_active=True)
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.PAID_SERVICE_ADD,
            "paid_service",
            row.id,
            after=audit.snapshot(row, "code", "name", "price", "unit"),
        )
        return _service(row)


def _load(session: Session, service_id: int, version: int | None) -> PaidService:
    row = session.get(PaidService, service_id)
    if row is None:
        raise NotFoundError("Услуга не найдена в прейскуранте.")
    if version is not None and row.version != version:
        raise ConflictError("Прейскурант изменён другим сотрудником. Обновите список.")
    return row


def edit_paid_service(
    db: Database,
    actor: Actor,
    service_id: int,
    *,
    name: str,
    price: str | Decimal,
    unit: str,
    version: int | None = None,
) -> PaidServiceItem:
    """New name/price/unit; orders already registered keep the price they were taken at."""
    _require_admin(actor)
    with db.transaction() as session:
        row = _load(session, service_id, version)
        _, name, unit = _texts(row.code, name, unit)
        amount = _price(price)
        before = audit.snapshot(row, "name", "price", "unit")
        row.name, row.price, row.unit = name, amount, unit
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.PAID_SERVICE_EDIT,
            "paid_service",
            row.id,
            before=before,
            after=audit.snapshot(row, "name", "price", "unit"),
        )
        return _service(row)


def set_paid_service_active(
    db: Database, actor: Actor, service_id: int, active: bool, *, version: int | None = None
) -> PaidServiceItem:
    """Deactivate (or bring back) a service: it is no longer offered, old orders keep it."""
    _require_admin(actor)
    with db.transaction() as session:
        row = _load(session, service_id, version)
        before = audit.snapshot(row, "is_active")
        row.is_active = active
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.PAID_SERVICE_ACTIVE,
            "paid_service",
            row.id,
            before=before,
            after={"is_active": active},
        )
        return _service(row)

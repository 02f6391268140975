"""Staff members: who is acting at this desk, and the administrator's add / disable / password.

On PostgreSQL a staff member is also a login role in one of this database's group roles
(``<db>_clerk``, ``<db>_supervisor``, ``<db>_admin``; migration 0005). Administrators hold no
CREATEROLE: the database's own functions (``console_staff_create``, ``…_disable``,
``…_set_password``, owned by a NOLOGIN staff-manager role) create and change console logins only,
with the staff row and the audit event in the same transaction. The password reaches the server
only as a SCRAM verifier computed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exc, func, select, text
from sqlalchemy.orm import Session

from console.models import Office, Staff
from console.models.enums import AuditAction, StaffRole
from console.services.core.database import Database
from console.services.core.errors import NotFoundError, ValidationError
from console.services.staff import audit, passwords
from console.services.staff.actor import Actor, staff_actor
from console.services.staff.permissions import require_admin


@dataclass(frozen=True)
class StaffMember:
    """A staff member as the administrator sees them (never the password hash)."""

    id: int
    login: str
    full_name: str
    role: StaffRole
    office_code: str
    is_active: bool
    has_password: bool


def resolve_actor(db: Database, login: str, office_code: str, workstation: str) -> Actor:
    """The Actor of the active staff member ``login`` at an office; nobody else stands in."""
    with db.read() as session:
        staff = session.scalar(select(Staff).where(Staff.login == login, Staff.is_active))
        if staff is None:
            raise NotFoundError(f"Действующего сотрудника с логином «{login[:63]}» нет.")
        return staff_actor(session, staff, office_code, workstation)


def list_staff(db: Database) -> tuple[StaffMember, ...]:
    """Everyone, active first, by login."""
    with db.read() as session:
        rows = session.execute(
            select(Staff, Office.code)
            .outerjoin(Office, Office.id == Staff.office_id)
            .order_by(Staff.is_active.desc(), Staff.login)
        ).all()
        return tuple(_member(staff, code, server=db.is_postgres) for staff, code in rows)


def add_staff(
    db: Database,
    actor: Actor,
    login: str,
    role: StaffRole | str,
    office_code: str | None,
    password: str,
    full_name: str = "",
) -> StaffMember:
    """Add a staff member (administrators only); on PostgreSQL also their login role."""
    require_admin(actor, "добавление сотрудника")
    name = passwords.login(login)
    staff_role = _role(role)
    secret = passwords.new_password(password)
    person = _full_name(full_name or name)
    with db.transaction() as session:
        if session.scalar(select(Staff.id).where(func.lower(Staff.login) == name)) is not None:
            raise ValidationError(f"Сотрудник с логином «{name}» уже есть.", "login")
        office = _office(session, office_code)
        if db.is_postgres:
            # The database makes the login role, the staff row and the audit event together,
            # as the connected administrator (migration 0005: console_staff_create).
            staff_id = _call(
                session,
                "SELECT console_staff_create(:login, :name, :role, :office, :verifier)",
                login=name, name=person, role=staff_role.value,
                office=office.id if office else None, verifier=_verifier(session, name, secret),
            )  # fmt: skip
            staff = session.get(Staff, staff_id)
            assert staff is not None
            return _member(staff, office.code if office else None, server=True)
        staff = Staff(
            login=name,
            full_name=person,
            role=staff_role,
            office_id=office.id if office else None,
            is_active=True,
            password_hash=passwords.hash_password(secret),
        )
        session.add(staff)
        session.flush()
        member = _member(staff, office.code if office else None)
        audit.record(
            session,
            actor,
            AuditAction.STAFF_CREATE,
            "staff",
            staff.id,
            after={
                "login": name,
                "full_name": person,
                "role": staff_role,
                "office": member.office_code,
            },
        )
    return member


def disable_staff(db: Database, actor: Actor, login: str) -> StaffMember:
    """Stop a staff member signing in (administrators only); the row and the trail stay."""
    require_admin(actor, "отключение сотрудника")
    name = passwords.login(login)
    if name == actor.login:
        raise ValidationError("Свою учётную запись отключить нельзя.", "login")
    with db.transaction() as session:
        staff = _staff(session, name)
        if staff.role is StaffRole.ADMIN and staff.is_active:
            admins = session.scalar(
                select(func.count(Staff.id)).where(Staff.role == StaffRole.ADMIN, Staff.is_active)
            )
            if (admins or 0) <= 1:
                raise ValidationError("Нельзя отключить последнего администратора.", "login")
        was_active = staff.is_active
        if db.is_postgres:
            _call(session, "SELECT console_staff_disable(:login)", login=name)
            session.refresh(staff)
            office = session.get(Office, staff.office_id) if staff.office_id else None
            return _member(staff, office.code if office else None, server=True)
        staff.is_active = False
        audit.record(
            session,
            actor,
            AuditAction.STAFF_DISABLE,
            "staff",
            staff.id,
            before={"is_active": was_active},
            after={"is_active": False},
        )
        office = session.get(Office, staff.office_id) if staff.office_id else None
        return _member(staff, office.code if office else None)


def set_password(db: Database, actor: Actor, login: str, password: str) -> None:
    """Set a staff member's password: an administrator for anyone, anyone for themselves."""
    name = passwords.login(login)
    if name != actor.login:
        require_admin(actor, "смена пароля другого сотрудника")
    secret = passwords.new_password(password)
    with db.transaction() as session:
        staff = _staff(session, name)
        if db.is_postgres:
            # The database checks who may, changes the role's verifier and records it.
            _call(
                session, "SELECT console_staff_set_password(:login, :verifier)",
                login=name, verifier=_verifier(session, name, secret),
            )  # fmt: skip
            return
        staff.password_hash = passwords.hash_password(secret)
        # Never the password, not even its hash: only that it changed.
        audit.record(session, actor, AuditAction.STAFF_SET_PASSWORD, "staff", staff.id)


# --- helpers --------------------------------------------------------------------------------
def _member(staff: Staff, office_code: str | None, *, server: bool = False) -> StaffMember:
    """``server``: PostgreSQL holds the password (SCRAM) and nobody reads the hash column."""
    return StaffMember(
        id=staff.id,
        login=staff.login,
        full_name=staff.full_name,
        role=staff.role,
        office_code=office_code or "",
        is_active=staff.is_active,
        has_password=server or staff.password_hash is not None,
    )


def _role(role: StaffRole | str) -> StaffRole:
    try:
        return StaffRole(str(role).strip().lower())
    except ValueError:
        raise ValidationError(
            "Роль: clerk (специалист), supervisor (руководитель офиса) или admin (администратор).",
            "role",
        ) from None


def _full_name(value: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned or len(cleaned) > 200 or not cleaned.isprintable():
        raise ValidationError("ФИО: до 200 печатных знаков.", "full_name")
    return cleaned


def _office(session: Session, office_code: str | None) -> Office | None:
    code = (office_code or "").strip()
    if not code:
        return None
    office = session.scalar(select(Office).where(Office.code == code))
    if office is None:
        raise ValidationError(f"Офис с кодом «{code[:16]}» не найден.", "office")
    return office


def _staff(session: Session, login: str) -> Staff:
    staff = session.scalar(select(Staff).where(Staff.login == login))
    if staff is None:
        raise NotFoundError(f"Сотрудника с логином «{login}» нет.")
    return staff


def _verifier(session: Session, login: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier, computed by libpq here: the password never reaches the server
    (or its statement log) in plain text."""
    pgconn = session.connection().connection.driver_connection.pgconn  # type: ignore[union-attr]
    raw: bytes = pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256")
    return raw.decode("ascii")


def _call(session: Session, statement: str, **params: object) -> object:
    """One of the database's staff functions; its refusals become Russian errors."""
    try:
        return session.scalar(text(statement), params)
    except exc.DBAPIError as err:
        if getattr(err.orig, "sqlstate", None) == "42710":  # duplicate_object
            login = str(params.get("login", ""))
            raise ValidationError(
                f"В базе данных уже есть роль «{login}»: выберите другой логин.", "login"
            ) from None
        raise

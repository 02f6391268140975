"""Staff members: who is acting at this desk, and the administrator's add / disable / password.

On PostgreSQL a staff member is also a login role in one group role (console_clerk,
console_supervisor, console_admin; migration 0002): adding one runs CREATE ROLE in the same
transaction as the ``staff`` row and its audit event, so both exist or neither does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from console.models import Office, Staff
from console.models.enums import StaffRole
from console.services import audit, passwords
from console.services.actor import Actor
from console.services.database import Database
from console.services.errors import NotFoundError, PermissionDeniedError, ValidationError
from console.services.permissions import require_admin

if TYPE_CHECKING:  # psycopg is imported where a role is managed, not by every start
    from psycopg import sql

GROUP_ROLE = {
    StaffRole.CLERK: "console_clerk",
    StaffRole.SUPERVISOR: "console_supervisor",
    StaffRole.ADMIN: "console_admin",
}


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
        office = None
        if office_code:
            office = session.scalar(select(Office).where(Office.code == office_code))
        if office is None and staff.office_id is not None:
            office = session.get(Office, staff.office_id)
        return Actor(
            staff_id=staff.id,
            login=staff.login,
            full_name=staff.full_name,
            role=staff.role,
            office_id=office.id if office else None,
            office_name=office.name if office else "",
            workstation=workstation,
        )


def list_staff(db: Database) -> tuple[StaffMember, ...]:
    """Everyone, active first, by login."""
    with db.read() as session:
        rows = session.execute(
            select(Staff, Office.code)
            .outerjoin(Office, Office.id == Staff.office_id)
            .order_by(Staff.is_active.desc(), Staff.login)
        ).all()
        return tuple(_member(staff, code) for staff, code in rows)


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
        staff = Staff(
            login=name,
            full_name=person,
            role=staff_role,
            office_id=office.id if office else None,
            is_active=True,
            password_hash=None if db.is_postgres else passwords.hash_password(secret),
        )
        session.add(staff)
        session.flush()
        if db.is_postgres:
            _create_login_role(session, name, secret, staff_role)
        member = _member(staff, office.code if office else None)
        audit.record(
            session,
            actor,
            "staff.create",
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
        staff.is_active = False
        if db.is_postgres and _role_exists(session, name):
            from psycopg import sql

            _run_role_sql(session, sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(name)))
        audit.record(
            session,
            actor,
            "staff.disable",
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
            from psycopg import sql

            verifier = _verifier(session, name, secret)
            _run_role_sql(
                session,
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(name), sql.Literal(verifier)
                ),
            )
        else:
            staff.password_hash = passwords.hash_password(secret)
        # Never the password, not even its hash: only that it changed.
        audit.record(session, actor, "staff.set_password", "staff", staff.id)


# --- helpers --------------------------------------------------------------------------------
def _member(staff: Staff, office_code: str | None) -> StaffMember:
    return StaffMember(
        id=staff.id,
        login=staff.login,
        full_name=staff.full_name,
        role=staff.role,
        office_code=office_code or "",
        is_active=staff.is_active,
        has_password=staff.password_hash is not None,
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


def _role_exists(session: Session, login: str) -> bool:
    found = session.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": login})
    return found is not None


def _create_login_role(session: Session, login: str, password: str, role: StaffRole) -> None:
    from psycopg import sql

    if _role_exists(session, login):
        raise ValidationError(
            f"В базе данных уже есть роль «{login}»: выберите другой логин.", "login"
        )
    # Administrators manage staff from the console, so their role may create roles (PostgreSQL
    # 15 lets CREATEROLE grant membership in the console's group roles).
    template = "CREATE ROLE {} WITH LOGIN " + ("CREATEROLE " if role is StaffRole.ADMIN else "")
    statement = sql.SQL(template + "PASSWORD {} IN ROLE {}").format(
        sql.Identifier(login),
        sql.Literal(_verifier(session, login, password)),
        sql.Identifier(GROUP_ROLE[role]),
    )
    _run_role_sql(session, statement)


def _verifier(session: Session, login: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier, computed by libpq here: the password never reaches the server
    (or its statement log) in plain text."""
    pgconn = session.connection().connection.driver_connection.pgconn  # type: ignore[union-attr]
    raw: bytes = pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256")
    return raw.decode("ascii")


def _run_role_sql(session: Session, statement: sql.Composed) -> None:
    """Run CREATE/ALTER ROLE on the session's own connection, inside its transaction."""
    from psycopg import errors as pg_errors

    dbapi = session.connection().connection.driver_connection
    try:
        with dbapi.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute(statement)
    except pg_errors.InsufficientPrivilege as err:
        raise PermissionDeniedError(
            "База данных не разрешает вашей роли управлять учётными записями: это делает "
            "администратор (роль с правом CREATEROLE)."
        ) from err
    except pg_errors.DuplicateObject as err:
        raise ValidationError(
            "В базе данных уже есть такая роль: выберите другой логин.", "login"
        ) from err

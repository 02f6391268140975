"""A supervisor confirms at the clerk's desk with their own login and password."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from console.models import Staff
from console.models.enums import StaffRole
from console.services.database import Database
from console.services.errors import PermissionDeniedError
from console.services.reading_state import SupervisorApproval


def verify_supervisor(db: Database, login: str, password: str) -> SupervisorApproval:
    """Check a supervisor's credentials: the stored hash, or else the PostgreSQL server itself."""
    login = (login or "").strip()
    with db.read() as session:
        staff = session.scalar(select(Staff).where(Staff.login == login))
        if staff is None or not staff.is_active:
            raise PermissionDeniedError(f"Сотрудник «{login}» не найден или отключён.")
        if staff.role not in (StaffRole.SUPERVISOR, StaffRole.ADMIN):
            raise PermissionDeniedError(f"{staff.full_name} — не руководитель офиса.")
        approval = SupervisorApproval(staff.id, staff.full_name)
        password_hash = staff.password_hash
    if password_hash:
        try:
            PasswordHasher().verify(password_hash, password or "")
        except (VerificationError, InvalidHashError):
            raise PermissionDeniedError("Неверный пароль руководителя.") from None
        return approval
    if db.is_postgres:
        # On the shared server the login role is authenticated by PostgreSQL itself.
        url = db.engine.url.set(username=login, password=password or "")
        probe = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 5})
        try:
            with probe.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "not authenticated"
            raise PermissionDeniedError("Неверный логин или пароль руководителя.") from None
        finally:
            probe.dispose()
        return approval
    raise PermissionDeniedError(
        "У руководителя не задан пароль в этой базе: подтвердить ввод он может под своей "
        "учётной записью."
    )

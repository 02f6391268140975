"""Who is acting: the signed-in staff member, their office and workstation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import Office, Staff
from console.models.enums import StaffRole
from console.services.core.errors import PermissionDeniedError, ValidationError


@dataclass(frozen=True)
class Actor:
    """The staff member a service acts for; every write records it in the audit trail."""

    staff_id: int | None
    login: str
    full_name: str
    role: StaffRole
    office_id: int | None
    office_name: str
    workstation: str

    @property
    def is_supervisor(self) -> bool:
        return self.role in (StaffRole.SUPERVISOR, StaffRole.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is StaffRole.ADMIN


SYSTEM = Actor(
    staff_id=None,
    login="system",
    full_name="Система",
    role=StaffRole.ADMIN,
    office_id=None,
    office_name="",
    workstation="",
)


def staff_actor(session: Session, staff: Staff, office_code: str, workstation: str) -> Actor:
    """The Actor of a staff member at an office: the one rule for signing in, autologin, the
    first start and the command line.

    Only an active staff member acts. The office is the one whose code was chosen (blanks
    around it ignored); a code that names no office is refused, never replaced by the staff
    member's home office, so nobody works under an office they did not choose. No code: the
    home office, or none.
    """
    if not staff.is_active:
        raise PermissionDeniedError(
            f"Сотрудник «{staff.login}» отключён: действовать от его имени нельзя."
        )
    office = None
    code = (office_code or "").strip()
    if code:
        office = session.scalar(select(Office).where(Office.code == code))
        if office is None:
            raise ValidationError(
                f"Офис с кодом «{code[:16]}» не найден: выберите из списка.", "office"
            )
    elif staff.office_id is not None:
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

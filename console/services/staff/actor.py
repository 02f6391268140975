"""Who is acting: the signed-in staff member, their office and workstation."""

from __future__ import annotations

from dataclasses import dataclass

from console.models.enums import StaffRole


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

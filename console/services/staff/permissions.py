"""Role checks every service makes before a write the database would refuse anyway.

On PostgreSQL the server is the guard (GRANTs and triggers of migration 0002); these checks give
the same answer earlier, in Russian, and are the only guard on the embedded SQLite database.
"""

from __future__ import annotations

from console.models.enums import StaffRole
from console.services.core.errors import PermissionDeniedError
from console.services.staff.actor import Actor
from console.services.vocabulary.labels import label

# A supervisor may do everything a clerk may, an administrator everything a supervisor may.
_RANK = {StaffRole.CLERK: 1, StaffRole.SUPERVISOR: 2, StaffRole.ADMIN: 3}


def has_role(actor: Actor, role: StaffRole) -> bool:
    """True when ``actor``'s role is ``role`` or above it."""
    return _RANK[actor.role] >= _RANK[role]


def require_role(actor: Actor, role: StaffRole, action: str = "") -> None:
    """Refuse with a Russian sentence unless ``actor`` holds ``role`` (or a higher one)."""
    if has_role(actor, role):
        return
    what = f"«{action}»" if action else "это действие"
    raise PermissionDeniedError(
        f"Выполнить {what} может только {label(role).lower()} "
        f"(вы вошли как {label(actor.role).lower()}). Обратитесь к руководителю офиса."
    )


def require_supervisor(actor: Actor, action: str = "") -> None:
    """Supervisors and administrators only."""
    require_role(actor, StaffRole.SUPERVISOR, action)


def require_admin(actor: Actor, action: str = "") -> None:
    """Administrators only."""
    require_role(actor, StaffRole.ADMIN, action)


def require_staff(actor: Actor, action: str = "") -> int:
    """A signed-in staff member (not the system, not a maintenance login); returns their id.

    Decisions under dual control compare people, so a nameless actor could pass any comparison.
    """
    if actor.staff_id is None:
        what = f"«{action}»" if action else "это действие"
        raise PermissionDeniedError(
            f"Выполнить {what} может только сотрудник, вошедший в пульт под своим логином."
        )
    return actor.staff_id


def require_second_person(actor: Actor, registrar_id: int | None, what: str) -> None:
    """Dual control: who registered ``what`` does not decide on it."""
    if registrar_id is not None and actor.staff_id == registrar_id:
        raise PermissionDeniedError(
            f"{what} зарегистрировали вы: решение по нему принимает другой сотрудник "
            "(двойной контроль)."
        )

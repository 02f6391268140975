"""Staff members and who is acting at this desk."""

from __future__ import annotations

from sqlalchemy import select

from console.models import Office, Staff
from console.services.actor import Actor
from console.services.database import Database
from console.services.errors import NotFoundError


def resolve_actor(db: Database, login: str, office_code: str, workstation: str) -> Actor:
    """The Actor for ``login`` (or, on a fresh desk, the first administrator) at an office."""
    with db.read() as session:
        staff = session.scalar(select(Staff).where(Staff.login == login, Staff.is_active))
        if staff is None:
            staff = session.scalar(
                select(Staff).where(Staff.is_active).order_by(Staff.role.desc(), Staff.id)
            )
        if staff is None:
            raise NotFoundError("В базе нет ни одного сотрудника: выполните «console db upgrade».")
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

"""Appeals against decisions: what can be disputed, who decided, and which supervisor gets it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from console.models import Account, Appeal, Charge, LedgerEntry, RefundApplication, Staff
from console.models.enums import AppealStatus, LedgerKind, RefundStatus, StaffRole, VolumeMethod
from console.services.core.database import Database
from console.services.core.errors import ValidationError as VE
from console.services.core.formatting import date, money, month_year
from console.services.vocabulary.labels import label

DECIDED_REFUND = (
    RefundStatus.APPROVED,
    RefundStatus.REJECTED,
    RefundStatus.PAID,
    RefundStatus.CLOSED,
)
_SUPERVISORS = (StaffRole.SUPERVISOR, StaffRole.ADMIN)


@dataclass(frozen=True)
class Decision:
    """A decision a customer may dispute: a refund review or a (re)calculated charge."""

    kind: str  # "refund" | "charge"
    id: int
    label: str
    decided_by: int | None


def _charge_decider(session: Session, charge_id: int) -> int | None:
    """Whoever entered the recalculation/correction of the charge (none for a billing run)."""
    return session.scalar(
        select(LedgerEntry.staff_id)
        .where(
            # By account first: the ledger's index is (account_id, period).
            LedgerEntry.account_id
            == select(Charge.account_id).where(Charge.id == charge_id).scalar_subquery(),
            LedgerEntry.charge_id == charge_id,
            LedgerEntry.kind.in_((LedgerKind.RECALCULATION, LedgerKind.CORRECTION)),
            LedgerEntry.staff_id.is_not(None),
        )
        .order_by(LedgerEntry.id.desc())
        .limit(1)
    )


def check_dispute(
    session: Session, account: Account | None, refund_id: int | None, charge_id: int | None
) -> Decision | None:
    """The disputed decision, checked against the account; None for an ordinary appeal."""
    if refund_id is not None and charge_id is not None:
        raise VE("Обжалуется одно решение: либо возврат, либо начисление.", "disputes")
    if refund_id is not None:
        refund = session.get(RefundApplication, refund_id)
        if refund is None or (account is not None and refund.account_id != account.id):
            raise VE("Заявление на возврат не относится к этому лицевому счёту.", "disputes")
        if refund.status not in DECIDED_REFUND or refund.reviewed_by_staff_id is None:
            raise VE("По заявлению на возврат ещё нет решения — обжаловать нечего.", "disputes")
        return Decision("refund", refund.id, refund.number, refund.reviewed_by_staff_id)
    if charge_id is not None:
        charge = session.get(Charge, charge_id)
        if charge is None or (account is not None and charge.account_id != account.id):
            raise VE("Начисление не относится к этому лицевому счёту.", "disputes")
        return Decision(
            "charge", charge.id, month_year(charge.period), _charge_decider(session, charge.id)
        )
    return None


def pick_supervisor(
    session: Session, decided_by: int | None, office_id: int | None
) -> Staff | None:
    """A supervisor other than the one who decided: this office first, then the least loaded.

    Supervisors before administrators; None when nobody else can review it (then the appeal
    waits unassigned and assigning it to the decider is refused).
    """
    load = (
        select(func.count(Appeal.id))
        .where(
            Appeal.assigned_to_staff_id == Staff.id,
            Appeal.status.in_((AppealStatus.REGISTERED, AppealStatus.IN_PROGRESS)),
        )
        .scalar_subquery()
    )
    stmt = select(Staff).where(Staff.is_active, Staff.role.in_(_SUPERVISORS))
    if decided_by is not None:
        stmt = stmt.where(Staff.id != decided_by)
    same_office = Staff.office_id == office_id if office_id is not None else Staff.id.is_(None)
    # Administrators last: they decide disputes only when no supervisor is left.
    stmt = stmt.order_by(
        (Staff.role == StaffRole.ADMIN).asc(), same_office.desc(), load.asc(), Staff.id
    )
    return session.scalars(stmt.limit(1)).first()


def decider_of(session: Session, appeal: Appeal) -> int | None:
    if appeal.disputes_refund_id is not None:
        refund = session.get(RefundApplication, appeal.disputes_refund_id)
        return refund.reviewed_by_staff_id if refund else None
    if appeal.disputes_charge_id is not None:
        return _charge_decider(session, appeal.disputes_charge_id)
    return None


def disputable_decisions(db: Database, account_id: int) -> tuple[Decision, ...]:
    """Decided refunds and recalculated or estimated charges of the last 12 months."""
    since = dt.date.today().replace(day=1) - dt.timedelta(days=366)
    with db.read() as session:
        out: list[Decision] = []
        refunds = session.scalars(
            select(RefundApplication)
            .where(
                RefundApplication.account_id == account_id,
                RefundApplication.status.in_(DECIDED_REFUND),
                RefundApplication.reviewed_by_staff_id.is_not(None),
            )
            .order_by(RefundApplication.registered_at.desc())
            .limit(20)
        )
        for r in refunds:
            decided = date(r.decided_at.date()) if r.decided_at else ""
            out.append(
                Decision(
                    "refund",
                    r.id,
                    f"Возврат № {r.number} на {money(r.amount, currency=True)}: "
                    f"{label(r.status).lower()} {decided}".strip(),
                    r.reviewed_by_staff_id,
                )
            )
        charges = session.scalars(
            select(Charge)
            .where(
                Charge.account_id == account_id,
                Charge.period >= since,
                or_(Charge.recalculation != Decimal(0), Charge.volume_method != VolumeMethod.METER),
            )
            .order_by(Charge.period.desc(), Charge.id)
            .limit(20)
        )
        for c in charges:
            what = "перерасчёт" if c.recalculation else "начисление"
            how = "" if c.volume_method is VolumeMethod.METER else label(c.volume_method)
            total = money(c.charged + c.recalculation, currency=True)
            text = f"{month_year(c.period)}: {what} {how} {total}"
            out.append(
                Decision("charge", c.id, " ".join(text.split()), _charge_decider(session, c.id))
            )
        return tuple(out)

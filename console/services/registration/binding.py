"""Binding people to accounts (привязка к лицевому счёту) with a proof, and unbinding them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.models import (
    Account,
    AccountHolder,
    AccountStatement,
    AuditEvent,
    Charge,
    Customer,
    Meter,
    Premise,
    Supplier,
)
from console.models.enums import AccountStatus, AuditAction, BindingProof, HolderRelation
from console.services.account.holders import bound_people, holder_of, is_bound
from console.services.core.address_format import person_name, premise_address
from console.services.core.database import Database, fold
from console.services.core.errors import ConflictError, NotFoundError, ValidationError
from console.services.core.formatting import add_months, first_of_month, to_kopecks
from console.services.registration.forms import (
    AccountBrief,
    BindingRequest,
    HolderRow,
)
from console.services.staff import audit
from console.services.staff.actor import Actor
from console.services.vocabulary.labels import label

#: The control question of seed 004 looks back this many months.
BILL_MONTHS = 6
#: Wrong answers to the control questions (holder's name, a bill's total, a meter's serial)
#: per account in the last 24 hours before those questions are closed for the account; a
#: document (checked by the clerk's own eyes) is still accepted.
MAX_PROOF_FAILURES = 3
PROOF_WINDOW = dt.timedelta(hours=24)
_GUESSABLE = frozenset(
    {BindingProof.HOLDER_NAME, BindingProof.BILL_TOTAL, BindingProof.METER_SERIAL}
)


class ProofMismatch(ValidationError):
    """A wrong answer to a control question: recorded, and counted towards the limit."""

    def __init__(self, message: str, field: str, *, account_id: int, proof: str) -> None:
        super().__init__(message, field)
        self.account_id = account_id
        self.proof = proof


def failed_attempts(session: Session, account_id: int, now: dt.datetime | None = None) -> int:
    """Wrong control-question answers for the account in the last 24 hours."""
    since = (now or dt.datetime.now(dt.UTC)) - PROOF_WINDOW
    return int(
        session.scalar(
            select(func.count()).where(
                AuditEvent.action == AuditAction.ACCOUNT_PROOF_FAILED.value,
                AuditEvent.account_id == account_id,
                AuditEvent.occurred_at >= since,
            )
        )
        or 0
    )


def _refuse_when_locked(session: Session, request: BindingRequest, number: str) -> None:
    if BindingProof(request.proof) not in _GUESSABLE:
        return
    if failed_attempts(session, request.account_id) >= MAX_PROOF_FAILURES:
        raise ValidationError(
            f"По лицевому счёту {number} уже {MAX_PROOF_FAILURES} неверных ответа на "
            "контрольный вопрос за сутки: вопросы по этому счёту закрыты до завтра. "
            "Подтвердите связь со счётом документом (выписка ЕГРН, договор найма) "
            "или повторите через сутки.",
            "proof",
        )


def record_attempt(
    db: Database, actor: Actor, account_id: int, proof: str, *, passed: bool
) -> None:
    """One control-question answer in the audit trail, in its own transaction (a refused
    binding rolls its own transaction back, the attempt must stay)."""
    with db.transaction() as session:
        _record_attempt(session, actor, account_id, proof, passed=passed)


def _record_attempt(
    session: Session, actor: Actor, account_id: int, proof: str, *, passed: bool
) -> None:
    action = AuditAction.ACCOUNT_PROOF_PASSED if passed else AuditAction.ACCOUNT_PROOF_FAILED
    audit.record(session, actor, action, "account", account_id, account_id=account_id,
                 after={"proof": proof})  # fmt: skip


def _brief(session: Session, account: Account) -> AccountBrief:
    holder = holder_of(session, account.id)
    premise = session.get(Premise, account.premise_id)
    supplier = session.get(Supplier, account.supplier_id)
    return AccountBrief(
        account_id=account.id,
        number=account.number,
        holder=person_name(holder) if holder else "",
        address=premise_address(premise) if premise else "",
        supplier=supplier.short_name if supplier else "",
        active=account.status is AccountStatus.ACTIVE,
        version=account.version,
    )


def account_brief(db: Database, account_id: int) -> AccountBrief:
    """One account with its holder's name and address (and the version the clerk saw)."""
    with db.read() as session:
        account = session.get(Account, account_id)
        if account is None:
            raise NotFoundError("Лицевой счёт не найден: возможно, его удалили.")
        return _brief(session, account)


# --- proofs ---------------------------------------------------------------------------------


def parse_amount(text: str) -> Decimal:
    """ "1 500,00", "1500.5", "2,55 ₽" → Decimal; the sign does not matter (долг or переплата)."""
    cleaned = re.sub(r"[\s\u00a0₽]|руб\.?", "", text or "").replace(",", ".").lstrip("+-−")
    if not cleaned:
        raise ValidationError("Введите сумму из квитанции, например 1500,00.", "answer")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(
            "Сумма набрана неверно: цифры, копейки через запятую, например 1500,00.", "answer"
        ) from None
    if not value.is_finite() or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError("В сумме не больше двух знаков после запятой.", "answer")
    return to_kopecks(value)


def recent_bill_totals(session: Session, account_id: int, today: dt.date) -> set[Decimal]:
    """«Итого по счёту»/«Итого переплата» of the bills of the last 6 months."""
    since = add_months(first_of_month(today), -BILL_MONTHS)
    closings = session.scalars(
        select(AccountStatement.closing).where(
            AccountStatement.account_id == account_id, AccountStatement.period >= since
        )
    )
    charged = session.scalars(
        select(func.sum(Charge.charged + Charge.recalculation))
        .where(Charge.account_id == account_id, Charge.period >= since)
        .group_by(Charge.period)
    )
    return {to_kopecks(abs(v)) for v in (*closings, *charged) if v is not None}


def _serial_key(text: str) -> str:
    return re.sub(r"[\s\-]", "", fold(text) or "")


def check_proof(
    session: Session,
    request: BindingRequest,
    names: tuple[str, str, str | None],
    today: dt.date | None = None,
) -> dict[str, str]:
    """Refuse the binding unless the proof holds; return what to record about the proof."""
    proof = BindingProof(request.proof)
    answer = (request.answer or "").strip()
    if proof is BindingProof.HOLDER_NAME:
        holder = holder_of(session, request.account_id)
        if holder is None or not _same_name(holder, names):
            raise ProofMismatch(
                "ФИО клиента не совпадает с владельцем лицевого счёта: выберите другое "
                "подтверждение (сумма квитанции, номер счётчика или документ).",
                "proof", account_id=request.account_id, proof=request.proof,
            )  # fmt: skip
        return {"holder_customer_id": str(holder.id)}
    if proof is BindingProof.BILL_TOTAL:
        amount = parse_amount(answer)
        if amount not in recent_bill_totals(session, request.account_id, today or dt.date.today()):
            raise ProofMismatch(
                "Сумма не совпадает ни с одной квитанцией за последние 6 месяцев: попросите "
                "клиента проверить квитанцию (итого по счёту или итого переплата, с копейками).",
                "answer", account_id=request.account_id, proof=request.proof,
            )  # fmt: skip
        return {"bill_total": str(amount)}
    if proof is BindingProof.METER_SERIAL:
        if not answer:
            raise ValidationError("Введите заводской номер счётчика.", "answer")
        serials = session.scalars(
            select(Meter.serial).where(Meter.account_id == request.account_id)
        )
        if _serial_key(answer) not in {_serial_key(s) for s in serials}:
            raise ProofMismatch(
                "Такого заводского номера нет у счётчиков этого лицевого счёта.",
                "answer", account_id=request.account_id, proof=request.proof,
            )  # fmt: skip
        return {"meter_serial": answer}
    if len(answer) < 5:
        raise ValidationError(
            "Опишите документ: вид, номер и дату "
            "(например, «Выписка ЕГРН № 72/001 от 01.02.2024»).",
            "answer",
        )
    return {"document": answer[:300]}


def _same_name(holder: Customer, names: tuple[str, str, str | None]) -> bool:
    last, first, middle = names
    if fold(holder.last_name) != fold(last) or fold(holder.first_name) != fold(first):
        return False
    return not (holder.middle_name and middle) or fold(holder.middle_name) == fold(middle)


def bind_in_session(
    session: Session, actor: Actor, customer: Customer, request: BindingRequest
) -> Account:
    """Bind inside the caller's transaction (registration binds several accounts at once)."""
    if request.relation not in frozenset(HolderRelation):
        raise ValidationError("Выберите отношение к лицевому счёту.", "relation")
    if request.proof not in frozenset(BindingProof):
        raise ValidationError("Выберите, чем клиент подтвердил связь со счётом.", "proof")
    account = session.get(Account, request.account_id, with_for_update=True)
    if account is None:
        raise NotFoundError("Лицевой счёт не найден: возможно, его удалили.")
    if request.account_version is not None and account.version != request.account_version:
        raise ConflictError(
            f"Лицевой счёт {account.number} изменён другим сотрудником, пока шла регистрация. "
            "Введённые данные сохранены: проверьте счёт и сохраните ещё раз."
        )
    if account.status is not AccountStatus.ACTIVE:
        raise ValidationError(f"Лицевой счёт {account.number} закрыт: привязка невозможна.")
    if is_bound(session, account.id, customer.id):
        raise ValidationError(f"Клиент уже привязан к лицевому счёту {account.number}.")
    _refuse_when_locked(session, request, account.number)
    evidence = check_proof(
        session, request, (customer.last_name, customer.first_name, customer.middle_name)
    )
    # A right answer here is recorded by the binding's own event (proof and evidence).
    has_primary = holder_of(session, account.id) is not None
    holder = AccountHolder(
        account_id=account.id,
        customer_id=customer.id,
        relation=HolderRelation(request.relation),
        is_primary=not has_primary,
        proof=BindingProof(request.proof),
        bound_at=dt.datetime.now(dt.UTC),
        bound_by_staff_id=actor.staff_id,
    )
    session.add(holder)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.ACCOUNT_HOLDER_BIND,
        "account_holder",
        holder.id,
        account_id=account.id,
        after={
            "customer_id": customer.id,
            "relation": request.relation,
            "proof": request.proof,
            "is_primary": holder.is_primary,
            **evidence,
        },
    )
    return account


def bind_account(
    db: Database, actor: Actor, customer_id: int, request: BindingRequest
) -> HolderRow:
    """Bind an already registered customer to one more account."""
    try:
        with db.transaction() as session:
            customer = session.get(Customer, customer_id)
            if customer is None:
                raise NotFoundError("Клиент не найден.")
            account = bind_in_session(session, actor, customer, request)
            session.flush()
            rows = _people(session, account.id)
            return next(r for r in rows if r.customer_id == customer_id)
    except ProofMismatch as err:
        record_attempt(db, actor, err.account_id, err.proof, passed=False)
        raise


def unbind(db: Database, actor: Actor, holder_id: int, version: int, reason: str) -> None:
    """Отвязать: the binding stays in the table with when, who and why."""
    reason = " ".join((reason or "").split())
    if len(reason) < 3:
        raise ValidationError("Укажите причину, по которой клиента отвязывают от счёта.", "reason")
    with db.transaction() as session:
        holder = session.get(AccountHolder, holder_id)
        if holder is None or holder.unbound_at is not None:
            raise ConflictError("Клиент уже отвязан от этого счёта: обновите карточку.")
        if holder.version != version:
            raise ConflictError("Привязку изменил другой сотрудник: обновите карточку.")
        holder.unbound_at = dt.datetime.now(dt.UTC)
        holder.unbound_by_staff_id = actor.staff_id
        holder.unbound_reason = reason[:300]
        was_primary = holder.is_primary
        holder.is_primary = False
        audit.record(
            session,
            actor,
            AuditAction.ACCOUNT_HOLDER_UNBIND,
            "account_holder",
            holder.id,
            account_id=holder.account_id,
            before={"customer_id": holder.customer_id, "is_primary": was_primary},
            after={"unbound": True, "reason": holder.unbound_reason},
        )


def _people(session: Session, account_id: int) -> tuple[HolderRow, ...]:
    rows = bound_people(session, account_id)
    return tuple(
        HolderRow(
            holder_id=h.id,
            version=h.version,
            customer_id=c.id,
            full_name=person_name(c),
            relation=h.relation.value,
            relation_label=label(h.relation),
            proof_label=label(h.proof),
            is_primary=h.is_primary,
            bound_at=h.bound_at,
            passport_masked=c.passport_masked or "",
            phone=c.phone,
        )
        for h, c in rows
    )


def account_people(db: Database, account_id: int) -> tuple[HolderRow, ...]:
    """The people bound to an account now, the holder first."""
    with db.read() as session:
        return _people(session, account_id)


def preview_binding(
    db: Database, actor: Actor, request: BindingRequest, names: tuple[str, str, str | None]
) -> AccountBrief:
    """Check the proof before saving (the wizard's «Добавить»); saving checks it again.

    Each answer to a control question is recorded; after MAX_PROOF_FAILURES wrong ones in 24
    hours the account's control questions are closed (a document is still accepted)."""
    if request.relation not in frozenset(HolderRelation):
        raise ValidationError("Выберите отношение к лицевому счёту.", "relation")
    if request.proof not in frozenset(BindingProof):
        raise ValidationError("Выберите, чем клиент подтвердил связь со счётом.", "proof")
    try:
        with db.transaction() as session:
            account = session.get(Account, request.account_id)
            if account is None:
                raise NotFoundError("Лицевой счёт не найден: возможно, его удалили.")
            if account.status is not AccountStatus.ACTIVE:
                raise ValidationError(f"Лицевой счёт {account.number} закрыт: привязка невозможна.")
            _refuse_when_locked(session, request, account.number)
            check_proof(session, request, names)
            if BindingProof(request.proof) in _GUESSABLE:
                _record_attempt(session, actor, account.id, request.proof, passed=True)
            return _brief(session, account)
    except ProofMismatch as err:
        record_attempt(db, actor, err.account_id, err.proof, passed=False)
        raise

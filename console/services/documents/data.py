"""What a payment document shows, gathered from a closed month into frozen dataclasses."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.models import (
    Account,
    AccountStatement,
    BillingPeriod,
    Charge,
    LedgerEntry,
    Meter,
    Payment,
    Premise,
    Reading,
    Service,
    Supplier,
    Tariff,
)
from console.models.enums import (
    MeterKind,
    PeriodStatus,
    ReadingSource,
    ReadingStatus,
    VolumeMethod,
)
from console.services.account.holders import holders_of
from console.services.core.address_format import full_name, premise_address
from console.services.core.database import Database
from console.services.core.errors import NotFoundError
from console.services.core.formatting import add_months, month_year
from console.services.core.moments import local_time
from console.services.vocabulary.labels import ZONE_NAMES, label

ZERO = Decimal("0.00")
METER_METHOD = label(VolumeMethod.METER)
FIXED_FEE = "ежемесячная плата"
#: The zone names a document prints: none for a single-rate meter.
ZONE_LABELS = {n: ("",) if n == 1 else names for n, names in ZONE_NAMES.items()}
#: Bulk queries take ids in chunks: SQLite allows 32 766 parameters, keep far below.
CHUNK = 500


@dataclass(frozen=True)
class Requisites:
    """A recipient of the money with the bank requisites printed on the bill."""

    supplier_id: int
    name: str
    short_name: str
    address: str
    phone: str
    email: str
    site: str
    inn: str
    kpp: str
    bank_name: str
    bic: str
    settlement_account: str
    correspondent_account: str


@dataclass(frozen=True)
class Balance:
    """The month's statement: +долг/−аванс at start and end, charged, recalculated, paid."""

    opening: Decimal
    charged: Decimal
    recalculated: Decimal
    paid: Decimal
    closing: Decimal


@dataclass(frozen=True)
class ServiceLine:
    """One row of the services table with how its volume was determined."""

    service: str
    unit: str
    volume: Decimal
    tariff: Decimal
    raising_coefficient: Decimal
    excess_amount: Decimal
    charged: Decimal
    recalculation: Decimal
    total: Decimal
    method: str
    explanation: str | None


@dataclass(frozen=True)
class RecipientSection:
    """The services of one recipient and its requisites.

    ``balance`` is what the account owes this recipient at the end of the month (+долг/−аванс,
    from the ledger of its services); ``due`` = the balance if positive: an advance with one
    supplier does not pay another supplier's debt.
    """

    requisites: Requisites
    lines: tuple[ServiceLine, ...]
    total: Decimal
    balance: Decimal = ZERO
    due: Decimal = ZERO


@dataclass(frozen=True)
class Payee:
    """Whom one QR code pays: the account printed beside it, the sum and what it pays for.

    ``agent_for`` names the recipients whose money this payee accepts as their payment agent
    (the supplier setting ``collected_by_agent_id``); empty when it is paid for itself only.
    """

    requisites: Requisites
    amount: Decimal
    services: tuple[str, ...]
    agent_for: tuple[Requisites, ...] = ()


@dataclass(frozen=True)
class MeterLine:
    """A row of the meter table: the previous reading; the current one is left blank."""

    serial: str
    model: str
    zone: str
    previous: Decimal | None
    previous_on: dt.date | None
    digits: int
    source: str = ""  # how the previous reading came: «Клиент в офисе», «Контролёр», …


@dataclass(frozen=True)
class TariffComponents:
    """The parts of a tariff printed on the bill, руб./кВт·ч."""

    zone: str
    rate: Decimal
    purchase: Decimal | None
    transmission: Decimal | None
    retail: Decimal | None
    other: Decimal | None


@dataclass(frozen=True)
class PaymentDocumentData:
    """Everything one payment document prints, for one account and one closed month."""

    account_id: int
    account_number: str
    period: dt.date
    last_name: str
    first_name: str
    middle_name: str | None
    address: str
    area: Decimal | None
    rooms: int | None
    residents: int
    supplier: Requisites
    recipients: tuple[RecipientSection, ...]
    balance: Balance
    amount_due: Decimal
    meters: tuple[MeterLine, ...]
    components: tuple[TariffComponents, ...]
    due_day: int
    # Приказ Минстроя № 43/пр: the document's number and date, the date up to which payments
    # are counted, and the date of the last payment.
    number: str = ""
    issued_on: dt.date | None = None
    payments_counted_to: dt.date | None = None
    last_payment_on: dt.date | None = None
    #: One entry per QR code: each payee with its own sum (they add up to ``amount_due``).
    payees: tuple[Payee, ...] = ()
    #: An interim document for the month in progress: not a bill (marked «ПРЕДВАРИТЕЛЬНЫЙ»).
    preliminary: bool = False

    @property
    def holder(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)


def document_number(account_number: str, period: dt.date) -> str:
    """The document's number: the account and the month, the same on every reprint."""
    return f"{account_number}-{period:%Y%m}"


def month_end(period: dt.date) -> dt.date:
    return add_months(period, 1) - dt.timedelta(days=1)


def requisites_of(s: Supplier) -> Requisites:
    return Requisites(
        s.id, s.name, s.short_name, s.address, s.phone, s.email, s.site, s.inn, s.kpp,
        s.bank_name, s.bic, s.settlement_account, s.correspondent_account,
    )  # fmt: skip


def closed_periods(db: Database, account_id: int) -> tuple[dt.date, ...]:
    """Closed months with a statement for the account, newest first (the month picker)."""
    with db.read() as session:
        rows = session.scalars(
            select(AccountStatement.period)
            .join(BillingPeriod, BillingPeriod.period == AccountStatement.period)
            .where(
                AccountStatement.account_id == account_id,
                BillingPeriod.status == PeriodStatus.CLOSED,
            )
            .order_by(AccountStatement.period.desc())
        )
        return tuple(rows)


def open_period_of(db: Database) -> dt.date | None:
    """The month in progress (the first open billing month), if any."""
    with db.read() as session:
        period: dt.date | None = session.scalar(
            select(func.min(BillingPeriod.period)).where(BillingPeriod.status == PeriodStatus.OPEN)
        )
    return period


def closed_billing_periods(db: Database, limit: int = 24) -> tuple[dt.date, ...]:
    """The closed billing months, newest first (the batch printing month list)."""
    with db.read() as session:
        rows = session.scalars(
            select(BillingPeriod.period)
            .where(BillingPeriod.status == PeriodStatus.CLOSED)
            .order_by(BillingPeriod.period.desc())
            .limit(limit)
        )
        return tuple(rows)


def last_closed_period(db: Database) -> dt.date:
    """The newest closed billing month: the default of every print command."""
    with db.read() as session:
        period = session.scalar(
            select(func.max(BillingPeriod.period)).where(
                BillingPeriod.status == PeriodStatus.CLOSED
            )
        )
    if period is None:
        raise NotFoundError("Нет ни одного закрытого расчётного периода: печатать нечего.")
    return period


def gather(db: Database, account_id: int, period: dt.date) -> PaymentDocumentData:
    """The document of one account for one closed month."""
    with db.read() as session:
        return gather_many(session, [account_id], period)[0]


def gather_many(
    session: Session, account_ids: Sequence[int], period: dt.date
) -> list[PaymentDocumentData]:
    """Documents of many accounts in a few bulk queries (in the order of ``account_ids``)."""
    period = period.replace(day=1)
    status = session.scalar(select(BillingPeriod.status).where(BillingPeriod.period == period))
    if status is not PeriodStatus.CLOSED:
        raise NotFoundError(
            f"Расчётный период «{month_year(period)}» не закрыт: документ за него не печатается."
        )
    result: list[PaymentDocumentData] = []
    closed_at = session.scalar(
        select(BillingPeriod.closed_at).where(BillingPeriod.period == period)
    )
    # The document's date: the day its month was closed, so every reprint carries the same.
    issued_on = local_time(closed_at).date() if closed_at is not None else add_months(period, 1)
    ref = References.load(session)
    for start in range(0, len(account_ids), CHUNK):
        chunk = list(account_ids[start : start + CHUNK])
        result.extend(_gather_chunk(session, chunk, period, ref, issued_on))
    return result


@dataclass(frozen=True)
class References:
    """Suppliers, their due days and agents, and services: read once per batch."""

    suppliers: dict[int, Requisites]
    due_days: dict[int, int]
    agents: dict[int, int]  # supplier id → the payment agent that collects its money
    services: dict[int, Service]

    @classmethod
    def load(cls, session: Session) -> References:
        rows = list(session.scalars(select(Supplier)))
        return cls(
            {s.id: requisites_of(s) for s in rows},
            {s.id: s.payment_due_day for s in rows},
            {s.id: s.collected_by_agent_id for s in rows if s.collected_by_agent_id},
            {s.id: s for s in session.scalars(select(Service))},
        )


def _gather_chunk(
    session: Session, ids: list[int], period: dt.date, ref: References, issued_on: dt.date
) -> list[PaymentDocumentData]:
    suppliers, due_days, services = ref.suppliers, ref.due_days, ref.services
    accounts = {
        a.id: (a, p)
        for a, p in session.execute(
            select(Account, Premise).join(Premise).where(Account.id.in_(ids))
        )
    }
    statements = {
        s.account_id: s
        for s in session.scalars(
            select(AccountStatement).where(
                AccountStatement.account_id.in_(ids), AccountStatement.period == period
            )
        )
    }
    holders = holders_of(session, ids)
    charges: dict[int, list[Charge]] = defaultdict(list)
    for charge in session.scalars(
        select(Charge)
        .where(Charge.account_id.in_(ids), Charge.period == period)
        .order_by(Charge.account_id, Charge.service_id, Charge.zone)
    ):
        charges[charge.account_id].append(charge)
    meters = _meters(session, ids, period)
    previous = _previous_readings(session, [m.id for ms in meters.values() for m in ms], period)
    service_balances = _service_balances(session, ids, period)
    last_payments = _last_payments(session, ids, add_months(period, 1))
    tariffs = _tariffs(session, {(p.region_id, a.category) for a, p in accounts.values()}, period)

    out: list[PaymentDocumentData] = []
    for account_id in ids:
        if account_id not in accounts:
            raise NotFoundError(f"Лицевой счёт (id {account_id}) не найден.")
        account, premise = accounts[account_id]
        statement = statements.get(account_id)
        if statement is None:
            raise NotFoundError(
                f"По лицевому счёту {account.number} нет итогов за «{month_year(period)}»: "
                "счёт не участвовал в расчёте этого месяца."
            )
        customer = holders.get(account_id)
        account_meters = meters.get(account_id, [])
        zones_count = max((m.zones for m in account_meters), default=1)
        zone_names = ZONE_LABELS[zones_count]
        supplier = suppliers[account.supplier_id]
        sections = _sections(charges[account_id], services, suppliers, supplier, zone_names)
        sections = with_balances(
            sections, recipient_balances(service_balances.get(account_id, {}), services),
            statement.closing, supplier.supplier_id,
        )  # fmt: skip
        meter_lines: list[MeterLine] = []
        for m in account_meters:
            for zone in range(1, m.zones + 1):
                value, taken_on, source = previous.get((m.id, zone), (None, None, None))
                zone_name = ZONE_LABELS[m.zones][zone - 1]
                meter_lines.append(
                    MeterLine(
                        m.serial,
                        m.model,
                        zone_name,
                        value,
                        taken_on,
                        m.digits,
                        label(source) if source is not None else "",
                    )  # fmt: skip
                )
        components = tuple(
            TariffComponents(
                zone_names[t.zone - 1],
                t.rate,
                t.purchase_component,
                t.transmission_component,
                t.retail_component,
                t.other_component,
            )  # fmt: skip
            for t in tariffs.get((premise.region_id, account.category, zones_count), [])
        )
        balance = Balance(
            statement.opening, statement.charged, statement.recalculated, statement.paid,
            statement.closing,
        )  # fmt: skip
        payees = payees_of(sections, suppliers, ref.agents, supplier.supplier_id)
        out.append(
            PaymentDocumentData(
                account_id=account.id, account_number=account.number, period=period,
                last_name=customer.last_name if customer else "",
                first_name=customer.first_name if customer else "",
                middle_name=customer.middle_name if customer else None,
                address=premise_address(premise), area=premise.area, rooms=premise.rooms,
                residents=premise.residents, supplier=supplier, recipients=sections,
                balance=balance, amount_due=sum((p.amount for p in payees), ZERO),
                meters=tuple(meter_lines), components=components,
                due_day=due_days[account.supplier_id],
                number=document_number(account.number, period), issued_on=issued_on,
                payments_counted_to=month_end(period),
                last_payment_on=last_payments.get(account_id), payees=payees,
            )
        )  # fmt: skip
    return out


def recipient_balances(
    by_service: dict[int | None, Decimal], services: dict[int, Service]
) -> dict[int | None, Decimal]:
    """Ledger balances per service → per recipient (None: the account's own supplier)."""
    out: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for service_id, amount in by_service.items():
        recipient = services[service_id].recipient_id if service_id is not None else None
        out[recipient] += amount
    return dict(out)


def with_balances(
    sections: tuple[RecipientSection, ...],
    balances: dict[int | None, Decimal],
    closing: Decimal,
    own_id: int,
) -> tuple[RecipientSection, ...]:
    """Each recipient's balance at the month's end; the own supplier's is what the statement's
    closing leaves after the others, so the parts always add up to the statement."""
    others = {
        s.requisites.supplier_id: balances.get(s.requisites.supplier_id, ZERO)
        for s in sections
        if s.requisites.supplier_id != own_id
    }
    own = closing - sum(others.values(), ZERO)
    out = []
    for s in sections:
        b = own if s.requisites.supplier_id == own_id else others[s.requisites.supplier_id]
        b = b.quantize(ZERO)
        out.append(RecipientSection(s.requisites, s.lines, s.total, b, max(b, ZERO)))
    return tuple(out)


def payees_of(
    sections: tuple[RecipientSection, ...],
    suppliers: dict[int, Requisites],
    agents: dict[int, int],
    own_id: int,
) -> tuple[Payee, ...]:
    """One payee per QR code: each recipient for itself, or its payment agent for it.

    A recipient whose money an agent collects is paid through the agent's code (the sum of their
    balances, never below zero); otherwise each recipient's own due goes to its own account.
    """
    groups: dict[int, list[RecipientSection]] = {}
    for s in sections:
        rid = s.requisites.supplier_id
        payee = agents.get(rid, rid) if rid != own_id else rid
        groups.setdefault(payee, []).append(s)
    out = []
    for payee_id, members in groups.items():
        agent_for = tuple(m.requisites for m in members if m.requisites.supplier_id != payee_id)
        balance = sum((m.balance for m in members), ZERO)
        amount = max(balance, ZERO) if agent_for else members[0].due
        names = tuple(
            dict.fromkeys(line.service.split(" (")[0] for m in members for line in m.lines)
        )
        out.append(Payee(suppliers[payee_id], amount, names, agent_for))
    return tuple(out)


def _sections(
    charges: Iterable[Charge],
    services: dict[int, Service],
    suppliers: dict[int, Requisites],
    own: Requisites,
    zone_names: tuple[str, ...],
) -> tuple[RecipientSection, ...]:
    by_recipient: dict[int, list[ServiceLine]] = defaultdict(list)
    for c in charges:
        service = services[c.service_id]
        recipient = service.recipient_id or own.supplier_id
        zone = zone_names[c.zone - 1] if service.metered and c.zone <= len(zone_names) else ""
        name = f"{service.name} ({zone})" if zone else service.name
        method = label(c.volume_method) if service.metered else FIXED_FEE
        by_recipient[recipient].append(
            ServiceLine(
                name,
                service.unit,
                c.volume,
                c.tariff,
                c.raising_coefficient,
                c.excess_amount,
                c.charged,
                c.recalculation,
                c.charged + c.recalculation,
                method,
                c.explanation,
            )  # fmt: skip
        )
    # The account's own supplier first, then the other recipients in a stable order.
    order = sorted(by_recipient, key=lambda rid: (rid != own.supplier_id, rid))
    if own.supplier_id not in by_recipient:
        order.insert(0, own.supplier_id)
    return tuple(
        RecipientSection(
            suppliers[rid],
            tuple(by_recipient.get(rid, [])),
            sum((line.total for line in by_recipient.get(rid, [])), ZERO),
        )
        for rid in order
    )


def _meters(session: Session, ids: list[int], period: dt.date) -> dict[int, list[Meter]]:
    end = add_months(period, 1)
    out: dict[int, list[Meter]] = defaultdict(list)
    for meter in session.scalars(
        select(Meter)
        .where(
            Meter.account_id.in_(ids),
            Meter.kind == MeterKind.INDIVIDUAL,
            Meter.installed_on < end,
            Meter.removed_on.is_(None) | (Meter.removed_on >= end),
        )
        .order_by(Meter.account_id, Meter.id)
    ):
        out[meter.account_id].append(meter)
    return out


def _service_balances(
    session: Session, ids: list[int], period: dt.date
) -> dict[int, dict[int | None, Decimal]]:
    """The ledger per account and service up to the month's end (None: no service named)."""
    out: dict[int, dict[int | None, Decimal]] = defaultdict(dict)
    for account_id, service_id, amount in session.execute(
        select(LedgerEntry.account_id, LedgerEntry.service_id, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.account_id.in_(ids), LedgerEntry.period <= period)
        .group_by(LedgerEntry.account_id, LedgerEntry.service_id)
    ):
        out[account_id][service_id] = Decimal(amount or 0)
    return out


def _last_payments(session: Session, ids: list[int], before: dt.date) -> dict[int, dt.date]:
    """The date of each account's last payment made before ``before`` (reversals aside)."""
    moment = dt.datetime.combine(before, dt.time(), dt.UTC)
    rows = session.execute(
        select(Payment.account_id, func.max(Payment.paid_at))
        .where(
            Payment.account_id.in_(ids),
            Payment.paid_at < moment,
            Payment.reversal_of_id.is_(None),
        )
        .group_by(Payment.account_id)
    )
    return {a: local_time(p).date() for a, p in rows if p is not None}


def _previous_readings(
    session: Session, meter_ids: list[int], period: dt.date
) -> dict[tuple[int, int], tuple[Decimal | None, dt.date | None, ReadingSource | None]]:
    """The last accepted reading of each meter zone counted in ``period`` or before."""
    if not meter_ids:
        return {}
    ranked = (
        select(
            Reading.meter_id,
            Reading.zone,
            Reading.value,
            Reading.taken_on,
            Reading.source,
            func.row_number()
            .over(
                partition_by=(Reading.meter_id, Reading.zone),
                order_by=(Reading.taken_on.desc(), Reading.id.desc()),
            )
            .label("rank"),
        )
        .where(
            Reading.meter_id.in_(meter_ids),
            Reading.status == ReadingStatus.ACCEPTED,
            Reading.period <= period,
        )
        .subquery()
    )
    rows = session.execute(
        select(
            ranked.c.meter_id, ranked.c.zone, ranked.c.value, ranked.c.taken_on, ranked.c.source
        ).where(ranked.c.rank == 1)
    )
    return {(m, z): (v, t, ReadingSource(s)) for m, z, v, t, s in rows}


def _tariffs(
    session: Session, keys: set[tuple[int, object]], period: dt.date
) -> dict[tuple[int, object, int], list[Tariff]]:
    out: dict[tuple[int, object, int], list[Tariff]] = defaultdict(list)
    regions = {region for region, _ in keys}
    if not regions:
        return out
    for t in session.scalars(
        select(Tariff)
        .where(
            Tariff.region_id.in_(regions),
            Tariff.valid_from <= period,
            Tariff.valid_to.is_(None) | (Tariff.valid_to > period),
        )
        .order_by(Tariff.zones_count, Tariff.zone)
    ):
        if (t.region_id, t.category) in keys:
            out[(t.region_id, t.category, t.zones_count)].append(t)
    return out

"""The rows of one block of accounts, as COPY text lines per table, and the tables' columns.

A line is tab-separated with a newline at the end; ``null`` stands for NULL ("\\N" in COPY).
Generated text never holds tabs, newlines or backslashes, so no escaping is needed."""

from __future__ import annotations

from console.services.demo.context import ID_STRIDE, Context

COLUMNS = {
    "premises": "id, region_id, postal_code, settlement_type, settlement, settlement_kind, "
    "street_type, street, house, building, flat, area, rooms, residents, stove_type, search_text",
    "customers": "id, last_name, first_name, middle_name, passport_masked, "
    "registration_address, phone, email, pd_consent_at, pd_consent_staff_id, "
    "mailing_consent, search_text, created_at",
    # Plain staging rows: the loader seals them into customer_identities.
    "customer_identities": "customer_id, series, number, issued_by, issued_on, division_code, "
    "snils, birth_date",
    "accounts": "id, number, supplier_id, premise_id, category, status, bill_delivery, "
    "delivery_email, opened_on, closed_on",
    "account_holders": "id, account_id, customer_id, relation, is_primary, proof, bound_at, "
    "bound_by_staff_id",
    "meters": "id, account_id, serial, model, kind, zones, digits, transformation_ratio, "
    "installed_on, last_verified_on, next_verification_on, place, status, removed_on",
    "readings": "id, meter_id, zone, value, taken_on, entered_at, period, source, staff_id, "
    "status, reason, is_rollover",
    "charges": "id, account_id, service_id, period, zone, meter_id, reading_from, reading_to, "
    "volume, tariff, raising_coefficient, excess_amount, charged, recalculation, volume_method, "
    "explanation, created_at",
    "payments": "id, account_id, amount, paid_at, method, cash_received, office_id, staff_id, "
    "payer, receipt_number, source, external_id, created_at",
    "payment_allocations": "id, payment_id, service_id, amount",
    "ledger_entries": "id, account_id, period, kind, amount, service_id, charge_id, payment_id, "
    "staff_id, description, created_at",
    "account_statements": "id, account_id, period, opening, charged, recalculated, paid, closing",
}


class Block:
    """Lines and id counters of one block; ids of a block are reserved by ``ID_STRIDE``."""

    def __init__(self, ctx: Context, index: int) -> None:
        self.index = index
        self.start = index * ctx.block_size
        self.stop = min(ctx.accounts, self.start + ctx.block_size)
        base = {t: ctx.id_base[t] + self.start * ID_STRIDE[t] for t in ID_STRIDE}
        self._base = base
        self._limit = {t: base[t] + ctx.block_size * ID_STRIDE[t] for t in ID_STRIDE}
        self.customer_id = base["customers"]
        self.holder_id = base["account_holders"]
        self.reading_id = base["readings"]
        self.charge_id = base["charges"]
        self.payment_id = base["payments"]
        self.allocation_id = base["payment_allocations"]
        self.ledger_id = base["ledger_entries"]
        self.statement_id = base["account_statements"]
        self.premises: list[str] = []
        self.customers: list[str] = []
        self.identities: list[str] = []
        self.accounts: list[str] = []
        self.holders: list[str] = []
        self.meters: list[str] = []
        self.readings: list[str] = []
        self.charges: list[str] = []
        self.payments: list[str] = []
        self.allocations: list[str] = []
        self.ledger: list[str] = []
        self.statements: list[str] = []

    def tables(self) -> dict[str, list[str]]:
        """Lines by table name, in foreign-key order; checks no block overran its ids."""
        result = {
            "premises": self.premises, "customers": self.customers,
            "customer_identities": self.identities, "accounts": self.accounts,
            "account_holders": self.holders, "meters": self.meters, "readings": self.readings,
            "charges": self.charges, "payments": self.payments,
            "payment_allocations": self.allocations, "ledger_entries": self.ledger,
            "account_statements": self.statements,
        }  # fmt: skip
        for name, lines in result.items():
            if name in self._base and self._base[name] + len(lines) > self._limit[name]:
                raise AssertionError(f"block {self.index} overran the ids reserved for {name}")
        return result

"""The reference data carries requisites that pass their control keys."""

from __future__ import annotations

import pytest
from stdnum.ru import inn

from console.services.core import validators
from console.services.core.reference_data import SUPPLIERS, SupplierSpec


@pytest.mark.parametrize("spec", SUPPLIERS, ids=lambda s: s.code)
def test_supplier_requisites_pass_their_checks(spec: SupplierSpec) -> None:
    assert inn.is_valid(spec.inn)
    assert validators.settlement_account(spec.bic, spec.settlement_account)
    assert validators.correspondent_account(spec.bic, spec.correspondent_account)


def test_seed_001_correspondent_account_typo_is_caught() -> None:
    # Seed 001 prints к/с …0000000501 for BIC 045354601: a typo the check must catch.
    with pytest.raises(validators.ValidationError, match="контрольному ключу"):
        validators.correspondent_account("045354601", "30101810600000000501")


def test_reference_data_loads_once(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from console.models import Supplier, Tariff
    from console.services.core.reference_data import ensure_reference_data

    for _ in range(2):
        with sqlite_db.transaction() as session:
            ensure_reference_data(session)
    with sqlite_db.read() as session:
        assert session.scalar(select(func.count()).select_from(Supplier)) == len(SUPPLIERS)
        assert session.scalar(select(func.count()).select_from(Tariff)) > 100

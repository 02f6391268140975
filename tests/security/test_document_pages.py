"""Stored batches under the staff's own logins (migration 0011): a supervisor's batch stores its
pages, a clerk reprints one of them, and no login writes or rewrites the page index in psql."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import pytest

from console.services.documents import batch
from console.services.documents.issue import issue_payment_document
from console.services.staff.auth import SignedIn
from tests.security.conftest import Hostile
from tests.support.factories import make_closed_month

pytestmark = pytest.mark.postgres
SEP = dt.date(2026, 9, 1)


def test_batch_pages_are_stored_by_a_supervisor_and_kept(
    hostile: Hostile, signed_desks: dict[str, SignedIn]
) -> None:
    make_closed_month(hostile.owner, hostile.account, SEP, volume=Decimal("120"), vdgo=True)
    boss, clerk = signed_desks["boss.a"], signed_desks["clerk.a"]
    account = hostile.account.account_id
    printed = batch.render_batch(boss.db, boss.actor, SEP, [account])
    assert printed.pdf is not None and printed.rendered == 1
    again = issue_payment_document(clerk.db, clerk.actor, account, SEP)
    assert again.reprint and again.content == printed.pdf  # a one-page batch is the file itself
    (row,) = hostile.owner_sql(
        "SELECT p.account_id, d.staff_id, d.account_id FROM issued_document_pages p "
        "JOIN issued_documents d ON d.id = p.issued_document_id"
    )
    assert tuple(row) == (account, boss.actor.staff_id, None)
    doc_id = hostile.owner_sql("SELECT issued_document_id FROM issued_document_pages")[0][0]
    clerk_sql = hostile.psql("clerk.a")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        clerk_sql.execute(
            "INSERT INTO issued_document_pages (issued_document_id, page, account_id, period)"
            " VALUES (%s, 1, %s, %s)", (doc_id, account, SEP),
        )  # fmt: skip
    boss_sql = hostile.psql("boss.a")
    for statement in (
        "UPDATE issued_document_pages SET page = 5",
        "DELETE FROM issued_document_pages",
        "UPDATE suppliers SET collected_by_agent_id = NULL",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            boss_sql.execute(statement)
    # The administrator sets a supplier's payment agent (reference data).
    hostile.psql("admin.a").execute(
        "UPDATE suppliers SET collected_by_agent_id = NULL"
        " WHERE id = (SELECT min(id) FROM suppliers)"
    )

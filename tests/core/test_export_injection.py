"""Exports of real data: names and texts people typed come out inert in CSV and XLSX."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import uuid
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import update

from console.models import Staff
from console.models.enums import AuditAction, PaymentMethod, StaffRole
from console.services.core.database import Database
from console.services.documents import report_export, reports
from console.services.payments import counter
from console.services.staff import audit, audit_trail
from console.services.staff.audit_trail import AuditFilter
from tests.support.factories import add_charge, make_account, make_staff

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"


def test_payment_history_export_neutralises_a_clerks_name(db: Database) -> None:
    clerk = make_staff(db, f"c{uuid.uuid4().hex[:6]}", StaffRole.CLERK)
    boss = make_staff(db, f"b{uuid.uuid4().hex[:6]}", StaffRole.SUPERVISOR)
    with db.transaction() as session:
        session.execute(update(Staff).where(Staff.id == clerk.staff_id).values(full_name=HYPERLINK))
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("100.00"))
    dues = counter.account_dues(db, acc.account_id)
    form = counter.PaymentForm(
        acc.account_id, Decimal("600.00"), counter.split(Decimal("600.00"), dues.dues()),
        PaymentMethod.CARD, confirmed=True,
    )  # fmt: skip
    paid = counter.take_payment(db, clerk, form, uuid.uuid4().hex)
    counter.reverse_payment(db, boss, paid.payment_id, "Ошибочный платёж")
    today = dt.date.today()
    report = reports.payment_history(db, acc.account_id, today.replace(day=1), today)
    clerk_col = [c.attr for c in report.columns].index("clerk")
    amount_col = [c.attr for c in report.columns].index("amount")

    lines = list(csv.reader(io.StringIO(report_export.to_csv(report).decode("utf-8-sig")),
                            delimiter=";"))  # fmt: skip
    assert lines[2][clerk_col] == "'" + HYPERLINK
    assert sorted(line[amount_col] for line in lines[2:4]) == ["-600,00", "600,00"]

    sheet = load_workbook(io.BytesIO(report_export.to_xlsx(report))).active
    assert sheet is not None
    name = sheet.cell(row=4, column=clerk_col + 1)
    assert (name.data_type, name.value) == ("s", "'" + HYPERLINK)
    amounts = [sheet.cell(row=r, column=amount_col + 1) for r in (4, 5)]
    assert {a.data_type for a in amounts} == {"n"}
    assert sorted(Decimal(str(a.value)) for a in amounts) == [Decimal("-600"), Decimal("600")]


def test_audit_export_neutralises_names_and_workstations(db: Database) -> None:
    boss = make_staff(db, f"b{uuid.uuid4().hex[:6]}", StaffRole.SUPERVISOR)
    with db.transaction() as session:
        session.execute(update(Staff).where(Staff.id == boss.staff_id).values(full_name="@SUM(A1)"))
    desk = dataclasses.replace(boss, workstation=DDE)
    with db.transaction() as session:
        audit.record(session, desk, AuditAction.CUSTOMER_UPDATE, "customer", 1, after={"x": "+1+1"})
    out = io.StringIO()
    audit_trail.export_csv(db, boss, AuditFilter(), out)
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    mine = next(r for r in rows if r[5] == "customer.update")
    assert mine[1].startswith("'@SUM(A1)")
    assert mine[3] == "'" + DDE
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell

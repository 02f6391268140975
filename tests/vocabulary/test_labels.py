"""One vocabulary: every stored code a person reads has one Russian label, in one place."""

from __future__ import annotations

import ast
import inspect
import re
from enum import Enum
from pathlib import Path

import pytest

from console.models import enums
from console.models.enums import AuditAction, PaymentMethod, ReadingSource, RefundStatus
from console.services.registration.forms import EDITABLE_FIELDS
from console.services.vocabulary import labels
from console.services.vocabulary.labels import (
    AUDIT_DETAIL,
    TABLES,
    detail_key,
    detail_value,
    label,
    label_of,
    payment_source,
)

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "console"
MIGRATIONS = CONSOLE / "migrations" / "versions"
LABELS_FILE = CONSOLE / "services" / "vocabulary" / "labels.py"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")

ENUMS: tuple[type[Enum], ...] = tuple(
    value
    for value in vars(enums).values()
    if inspect.isclass(value) and issubclass(value, Enum) and value.__module__ == enums.__name__
)
ENUM_NAMES = {kind.__name__: kind for kind in ENUMS}


def _python_files() -> list[Path]:
    return [p for p in CONSOLE.rglob("*.py") if MIGRATIONS not in p.parents]


def _is_text(node: ast.expr) -> bool:
    """A string a person reads: a constant, an f-string or self.tr("…") with Cyrillic in it."""
    if isinstance(node, ast.Call) and node.args:
        return _is_text(node.args[0])
    return bool(CYRILLIC.search(ast.unparse(node))) and isinstance(
        node, ast.Constant | ast.JoinedStr
    )


def _enum_member(node: ast.expr | None) -> type[Enum] | None:
    """The enum of ``Kind.MEMBER`` when Kind is one of console.models.enums."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        kind = ENUM_NAMES.get(node.value.id)
        if kind is not None and node.attr in kind.__members__:
            return kind
    return None


def _code_enum(keys: list[ast.expr | None]) -> type[Enum] | None:
    """The enum whose stored codes are all of these string keys (two or more)."""
    codes = {k.value for k in keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    if len(codes) < 2 or len(codes) != len(keys):
        return None
    for kind in ENUMS:
        if codes <= {m.value for m in kind}:
            return kind
    return None


def _label_tables(tree: ast.AST) -> list[tuple[int, str]]:
    """Dicts (or pairs) that give Russian words to enum members or their stored codes."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and node.values and all(map(_is_text, node.values)):
            kind = next(filter(None, map(_enum_member, node.keys)), None) or _code_enum(node.keys)
            if kind is not None:
                found.append((node.lineno, kind.__name__))
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            kind = _enum_member(node.elts[0])
            if kind is not None and _is_text(node.elts[1]):
                found.append((node.lineno, kind.__name__))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "addItem"  # combo.addItem(self.tr("…"), Kind.MEMBER)
            and len(node.args) == 2
        ):
            kind = _enum_member(node.args[1])
            if kind is not None and _is_text(node.args[0]):
                found.append((node.lineno, kind.__name__))
    return found


@pytest.mark.parametrize("kind", ENUMS, ids=lambda k: k.__name__)
def test_every_member_of_every_enum_has_a_russian_label(kind: type[Enum]) -> None:
    assert kind in TABLES
    assert set(TABLES[kind]) == set(kind), f"{kind.__name__}: members without a label"
    for member in kind:
        text = label(member)
        assert text.strip() and CYRILLIC.search(text), f"{member!r}: {text!r}"


def test_every_audit_action_has_a_label_of_its_own() -> None:
    words = [label(action) for action in AuditAction]
    assert all(CYRILLIC.search(w) for w in words)
    assert len(set(words)) == len(words), "two actions read the same in the journal"


def test_no_label_table_exists_twice() -> None:
    assert _label_tables(ast.parse(LABELS_FILE.read_text(encoding="utf-8")))  # the scan sees
    copies = {
        f"{path.relative_to(ROOT)}:{line} ({kind})"
        for path in _python_files()
        if path != LABELS_FILE
        for line, kind in _label_tables(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert not copies, "Russian labels outside services/vocabulary/labels.py: " + ", ".join(
        sorted(copies)
    )


def test_the_scan_finds_the_kinds_of_copy_it_forbids() -> None:
    source = """
A = {RefundStatus.PAID: "выплачено"}
B = {"cash": "наличные", "card": "картой"}
C = ((ReadingSource.OFFICE, self.tr("в офисе")),)
combo.addItem(self.tr("Лично"), AppealChannel.IN_PERSON)
D = {"reading.accept": "Приняты показания", "payment.create": "Принят платёж"}
E = {Queue.MINE: "Назначены мне"}
F = {RefundStatus.PAID: AuditAction.REFUND_PAID}
"""
    kinds = sorted(kind for _line, kind in _label_tables(ast.parse(source)))
    assert kinds == ["AppealChannel", "AuditAction", "PaymentMethod", "ReadingSource",
                     "RefundStatus"]  # fmt: skip


def _migration_actions() -> set[str]:
    """Action codes the migrations' SQL writes into audit_events (directly or through the
    personal-data audit function)."""
    found = set()
    for path in MIGRATIONS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for code in re.findall(r"'([a-z_]+\.[a-z_]+)'", text):
            if code.split(".")[0] not in {"public", "console", "pg_catalog", "information_schema"}:
                found.add(code)
    return found


def test_every_action_the_migrations_write_is_an_audit_action() -> None:
    written = _migration_actions()
    assert {"staff.create", "customer.reveal_passport", "reading.supervisor_approval"} <= written
    assert written <= {a.value for a in AuditAction}, written - {a.value for a in AuditAction}


def _top_keys(node: ast.expr | None, keys: set[str]) -> None:
    """The top-level keys of a before/after value: a dict literal (with its ``**snapshot``),
    ``audit.snapshot(obj, "name", …)`` or ``a | b`` of those; nested dicts are values."""
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                keys.add(key.value)
            elif key is None:
                _top_keys(value, keys)
    elif isinstance(node, ast.BinOp):
        _top_keys(node.left, keys)
        _top_keys(node.right, keys)
    elif isinstance(node, ast.Call) and ast.unparse(node.func) == "audit.snapshot":
        keys.update(a.value for a in node.args if isinstance(a, ast.Constant))
    elif isinstance(node, ast.Call):  # _strip({...}) and the like
        for arg in node.args:
            _top_keys(arg, keys)


def _keys_recorded() -> set[str]:
    """Every before/after key the services record: dict literals handed to audit.record or
    built for it in the same function, audit.snapshot's names, the extras of refund moves,
    billing's summary, a binding's proof, the edited fields of a customer, and the keys of
    the JSON the migrations' SQL writes."""
    keys: set[str] = set()
    for path in (CONSOLE / "services").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            if (path.name, fn.name) in {("run.py", "as_json"), ("binding.py", "check_proof")}:
                for ret in ast.walk(fn):
                    if isinstance(ret, ast.Return):
                        _top_keys(ret.value, keys)
            calls = [
                c for c in ast.walk(fn)
                if isinstance(c, ast.Call) and ast.unparse(c.func) == "audit.record"
            ]  # fmt: skip
            if not calls:
                continue
            for call in calls:
                for kw in call.keywords:
                    if kw.arg in {"before", "after"}:
                        _top_keys(kw.value, keys)
            for stmt in ast.walk(fn):
                if isinstance(stmt, ast.Assign | ast.AugAssign | ast.AnnAssign):
                    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                    for target in targets:
                        name = ast.unparse(target)
                        if name in {"before", "after", "changed"}:
                            _top_keys(stmt.value, keys)
                        elif isinstance(target, ast.Subscript) and isinstance(
                            target.slice, ast.Constant
                        ):
                            keys.add(str(target.slice.value))  # after["allocations"] = …
            if fn.name == "_move":  # the extras of refund moves
                for caller in ast.walk(tree):
                    if isinstance(caller, ast.Call) and ast.unparse(caller.func) == "_move":
                        keys.update(kw.arg for kw in caller.keywords if kw.arg)
    keys.update(EDITABLE_FIELDS)  # customer.update records the changed ones of these
    keys.update({"snils", "birth_date"})  # identity: {k: "изменено" for k in (…)}
    for path in MIGRATIONS.glob("*.py"):  # json_build_object('key', value, …) of the SQL
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"json_build_object\((.*?)\)\)?[;,\n]", text, flags=re.S):
            keys.update(re.findall(r"(?<![>\w])'([a-z_]+)',\s*(?!')", block))
    return keys


def test_every_detail_key_the_code_records_has_a_russian_name() -> None:
    recorded = _keys_recorded()
    # The scan reaches into every kind of place a key is written.
    assert {"sha256", "document_id", "first", "allocations", "phone", "by_method"} <= recorded
    assert {"reason", "note", "passport_division_code", "holder_customer_id"} <= recorded
    missing = sorted(k for k in recorded if k not in AUDIT_DETAIL and k.isascii())
    assert not missing, f"keys with no Russian name: {missing}"
    assert all(CYRILLIC.search(v) for v in AUDIT_DETAIL.values())


def test_values_of_the_journal_read_in_russian() -> None:
    assert detail_value("staff.sign_in", "first", True) == "да"
    assert detail_value("staff.sign_in", "auto", False) == "нет"
    assert detail_value("payments.import", "source", "sberbank") == "ПАО Сбербанк"
    assert detail_value("payment.create", "source", "pochta") == "Почта России"
    assert detail_value("payment.create", "source", "my-bank") == "my-bank"
    assert detail_value("reading.accept", "source", "office") == label(ReadingSource.OFFICE)
    assert detail_value("refund.paid", "status", "paid") == label(RefundStatus.PAID)
    assert detail_value("payment.create", "method", "bank") == label(PaymentMethod.BANK)
    assert detail_value("reading.reject", "reason", "типо") == "типо"
    assert detail_value("staff.sign_out", "reason", "unlock_failed") == (
        "Неудачные попытки разблокировки"
    )
    assert detail_value("customer.search_passport", "purpose", "lookup") == "Поиск клиента"
    assert detail_value("payment.create", "amount", 5) == 5
    assert detail_key("sha256") == "Контрольная сумма (SHA-256)"
    assert detail_key("unknown_key") == "unknown_key"


def test_helpers() -> None:
    assert label(None) == "" and label_of(RefundStatus, None) == ""
    assert label_of(RefundStatus, "paid") == label(RefundStatus.PAID)
    assert label_of(RefundStatus, "lost") == "lost"
    assert payment_source(None) == "" and payment_source("site") == "Оплата на сайте"
    assert [code for code, _ in labels.choices(enums.HolderRelation)] == list(enums.HolderRelation)
    assert AuditAction.STAFF_UNLOCK.failed is AuditAction.STAFF_UNLOCK_FAILED
    assert AuditAction.SUPERVISOR_APPROVAL.failed is AuditAction.SUPERVISOR_APPROVAL_FAILED

"""No slot with an optional first parameter hangs on a signal (issue #19d's class of bug).

PySide passes a signal's arguments to a slot that can take them: ``clicked``/``triggered`` hand
over ``checked``, ``currentIndexChanged`` the index, ``textChanged`` the text. A method like
``def export(self, path: str | None = None)`` connected as ``button.clicked.connect(self.export)``
is therefore called as ``export(False)`` — «Выгрузить в CSV…» in the journal did nothing that way.
Connect a lambda (``lambda: self.export()``) or a method without optional parameters instead; a
first parameter named ``checked`` says it means the signal's flag.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIEWS = ROOT / "console" / "views"


def _first_param_is_optional(fn: ast.FunctionDef | ast.AsyncFunctionDef, bound: bool) -> bool:
    positional = [*fn.args.posonlyargs, *fn.args.args]
    if bound and positional:
        positional = positional[1:]  # self
    if not positional:
        return False
    first = positional[0]
    if first.arg == "checked":
        return False  # deliberately takes the signal's flag
    # Defaults belong to the last len(defaults) positional parameters.
    return len(fn.args.defaults) >= len(positional)


def suspect_connections(tree: ast.Module) -> list[tuple[int, str]]:
    """``(line, slot)`` of every ``….connect(self.m)``/``….connect(f)`` whose slot — a method of
    the same class or a function of the same module — has an optional first parameter."""
    functions = {
        f.name: f for f in tree.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    found: list[tuple[int, str]] = []
    scopes: list[tuple[ast.AST, dict[str, ast.FunctionDef | ast.AsyncFunctionDef]]] = [(tree, {})]
    for cls in ast.walk(tree):
        if isinstance(cls, ast.ClassDef):
            methods = {
                f.name: f for f in cls.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
            }
            scopes.append((cls, methods))
    for scope, methods in scopes:
        for call in ast.walk(scope):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "connect"
                and call.args
            ):
                continue
            target = call.args[0]
            if (
                methods
                and isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
                and target.attr in methods
            ):
                if _first_param_is_optional(methods[target.attr], bound=True):
                    found.append((call.lineno, f"self.{target.attr}"))
            elif (
                not methods
                and isinstance(target, ast.Name)
                and target.id in functions
                and _first_param_is_optional(functions[target.id], bound=False)
            ):
                found.append((call.lineno, target.id))
    return sorted(set(found))


def test_no_slot_takes_a_signal_argument_for_an_optional_parameter() -> None:
    bad = [
        f"{path.relative_to(ROOT)}:{line} connects {slot}"
        for path in sorted(VIEWS.rglob("*.py"))
        for line, slot in suspect_connections(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not bad, "a signal would fill an optional parameter: " + "; ".join(bad)


def test_the_scan_finds_the_journal_export_bug() -> None:
    """The shape the journal had before its fix, and the shapes that are fine."""
    source = """
class AuditView(QWidget):
    def _build(self):
        self.export_button.clicked.connect(self.export)       # export(False): the bug
        self.show_button.clicked.connect(self.reload)         # fine: no parameters
        self.flag.toggled.connect(self._toggled)              # fine: meant to take it
        self.more.clicked.connect(lambda: self.export())      # fine: the lambda drops it
        self.state.changed.connect(self.show_state)           # fine: only a later default

    def export(self, path: str | None = None) -> None: ...
    def reload(self) -> None: ...
    def _toggled(self, checked: bool = False) -> None: ...
    def show_state(self, online: bool, announce: bool = True) -> None: ...


def print_all(printer=None): ...
action.triggered.connect(print_all)                           # print_all(False): the bug
"""
    assert suspect_connections(ast.parse(source)) == [(4, "self.export"), (17, "print_all")]

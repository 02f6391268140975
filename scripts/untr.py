"""Stop pretending to translate: ``self.tr("…")`` → ``"…"`` across console/views (issue #19e).

The console is Russian by design and has no catalogue of its own: ``tr()`` and the module-level
``tr``/``_tr`` helpers over ``QCoreApplication.translate`` only returned what they were given. Qt's
own words (dialog buttons, context menus) come from Qt's catalogue ``qtbase_ru``, which
views/common/translations.py loads; that stays.

The rewrite is mechanical, so it can be run again after merges bring new calls::

    /work/main/.venv/bin/python scripts/untr.py            # rewrite, then ruff --fix and format
    /work/main/.venv/bin/python scripts/untr.py --check    # exit 1 and list what is left

What it rewrites (on the syntax tree, splicing the source; comments and layout are kept):

* ``<anything>.tr(x)`` → ``x``; ``tr(x)``/``_tr(x)`` of a module-level helper (defined in the
  file or imported from console.views) → ``x``;
* ``QCoreApplication.translate(context, x)`` (and ``QApplication.``) → ``x``;
* the helpers' definitions and their imports are removed; ruff drops imports left unused.

``self.tr("Показано: {0}").format(n)`` becomes ``"Показано: {0}".format(n)``: the sentence stays
a template with its placeholders (ruff's UP030/UP032 are off for console/views for that reason),
so the rewrite never produces lines too long to format.

``x`` keeps its parentheses unless it is a one-line literal, name, attribute, call or subscript,
so ``self.tr("a " "b").format(n)`` stays ``("a " "b").format(n)``. Calls with more arguments (a
disambiguation, a plural count) are not touched and are reported.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "console" / "views"
HELPER_NAMES = frozenset({"tr", "_tr"})
_ATOMIC = (ast.Constant, ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.JoinedStr)


def _is_translate(func: ast.expr) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "translate"
        and isinstance(func.value, ast.Name)
        and func.value.id in {"QCoreApplication", "QApplication", "QGuiApplication"}
    )


def _helpers(tree: ast.Module) -> set[str]:
    """Module-level ``def tr(text)``/``def _tr(text)`` that only call QCoreApplication.translate."""
    found = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in HELPER_NAMES:
            body = [n for n in node.body if not isinstance(n, ast.Expr)]  # a docstring is fine
            if (
                len(body) == 1
                and isinstance(body[0], ast.Return)
                and isinstance(body[0].value, ast.Call)
                and _is_translate(body[0].value.func)
            ):
                found.add(node.name)
    return found


def _aliases(tree: ast.Module) -> list[ast.Assign]:
    """``tr = self.tr`` inside a function: the alias is called like the helpers."""
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "tr"
    ]


def _alias_names(tree: ast.Module) -> set[str]:
    return {node.targets[0].id for node in _aliases(tree)}  # type: ignore[attr-defined]


def _imported_helpers(tree: ast.Module) -> set[str]:
    return {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("console.views")
        for alias in node.names
        if alias.name in HELPER_NAMES
    }


class _Source:
    """Byte offsets of nodes (ast's columns count UTF-8 bytes)."""

    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8")
        self.starts = [0]
        for line in self.data.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.starts[node.lineno - 1] + node.col_offset  # type: ignore[attr-defined]
        end = self.starts[node.end_lineno - 1] + node.end_col_offset  # type: ignore[attr-defined]
        return start, end

    def text(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.data[start:end].decode("utf-8")


def _pretend_calls(tree: ast.Module, names: set[str]) -> tuple[list[ast.Call], list[ast.Call]]:
    """(calls to rewrite, calls with extra arguments that are left and reported)."""
    ours, odd = [], []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        is_tr = (isinstance(func, ast.Attribute) and func.attr == "tr") or (
            isinstance(func, ast.Name) and func.id in names
        )
        if is_tr:
            (ours if len(node.args) == 1 and not node.keywords else odd).append(node)
        elif _is_translate(func):
            (ours if len(node.args) == 2 and not node.keywords else odd).append(node)
    return ours, odd


def _replacement(src: _Source, call: ast.Call) -> str:
    arg = call.args[-1]
    text = src.text(arg)
    if isinstance(arg, _ATOMIC) and arg.lineno == arg.end_lineno:  # type: ignore[attr-defined]
        return text
    return f"({text})"


def _removals(src: _Source, tree: ast.Module, helpers: set[str], imported: set[str]) -> list:
    """(start, end, new text) for helper definitions, aliases, imports and exports of helpers."""
    out = []
    for alias in _aliases(tree):
        out.append((src.starts[alias.lineno - 1], src.starts[alias.end_lineno], ""))  # type: ignore[index]
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            and isinstance(node.value, ast.List | ast.Tuple)
        ):
            names = [e for e in node.value.elts if isinstance(e, ast.Constant)]
            kept = [e for e in names if e.value not in helpers | imported]
            if len(kept) != len(names):
                start, end = src.span(node.value)
                listed = ", ".join(repr(e.value).replace("'", '"') for e in kept)
                out.append((start, end, f"[{listed}]"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in helpers:
            start, end = src.span(node)
            first = min([node, *node.decorator_list], key=lambda n: n.lineno)
            start = src.starts[first.lineno - 1]
            end = src.starts[node.end_lineno]  # type: ignore[index]
            out.append((start, end, ""))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("console.views"):
            kept = [a for a in node.names if (a.asname or a.name) not in imported]
            if len(kept) == len(node.names):
                continue
            start, end = src.span(node)
            if not kept:
                start, end = src.starts[node.lineno - 1], src.starts[node.end_lineno]  # type: ignore[index]
                out.append((start, end, ""))
            else:
                names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in kept)
                out.append((start, end, f"from {node.module} import {names}"))
    return out


def rewrite(text: str) -> tuple[str, list[int]]:
    """The source without pretend translations, and the lines of calls left (odd arguments)."""
    tree = ast.parse(text)
    helpers = _helpers(tree)
    imported = _imported_helpers(tree)
    names = helpers | imported | _alias_names(tree)
    first = True
    while True:
        tree = ast.parse(text)
        src = _Source(text)
        calls, odd = _pretend_calls(tree, names)
        edits = [(*src.span(c), _replacement(src, c)) for c in calls]
        if first:
            edits += _removals(src, tree, helpers, imported)
            first = False
        # Outermost first; a call inside another is rewritten on the next pass.
        edits.sort(key=lambda e: (e[0], -e[1]))
        chosen: list[tuple[int, int, str]] = []
        for start, end, new in edits:
            if chosen and start < chosen[-1][1]:
                continue
            chosen.append((start, end, new))
        if not chosen:
            return text, sorted(c.lineno for c in odd)
        data = src.data
        for start, end, new in reversed(chosen):
            data = data[:start] + new.encode("utf-8") + data[end:]
        text = data.decode("utf-8")


def remaining(path: Path) -> list[int]:
    """Lines of ``path`` that still call tr()/translate() (for --check and the test)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = _helpers(tree) | _imported_helpers(tree) | _alias_names(tree) | set(HELPER_NAMES)
    ours, odd = _pretend_calls(tree, names)
    return sorted(c.lineno for c in [*ours, *odd])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only list what is left")
    parser.add_argument("paths", nargs="*", type=Path, default=[TARGET])
    args = parser.parse_args(argv)
    files = sorted(f for p in args.paths for f in ([p] if p.is_file() else p.rglob("*.py")))
    if args.check:
        left = [f"{f.relative_to(ROOT)}:{line}" for f in files for line in remaining(f)]
        print("\n".join(left) or "no tr() left")
        return 1 if left else 0
    changed: list[Path] = []
    odd_lines: list[str] = []
    for f in files:
        before = f.read_text(encoding="utf-8")
        after, odd = rewrite(before)
        odd_lines += [f"{f.relative_to(ROOT)}:{line}" for line in odd]
        if after != before:
            ast.parse(after)  # never write a file that no longer parses
            f.write_text(after, encoding="utf-8")
            changed.append(f)
    if changed:
        ruff = [sys.executable, "-m", "ruff"]
        names = [str(f) for f in changed]
        # Only what the rewrite leaves behind: imports no longer used, their order. (The
        # templates stay templates: pyproject.toml lets console/views keep "…{0}…".format().)
        fix = ["check", "--fix", "--quiet", "--select", "F401,I001,UP034"]
        subprocess.run([*ruff, *fix, *names], cwd=ROOT, check=False)
        subprocess.run([*ruff, "format", "--quiet", *names], cwd=ROOT, check=False)
        # A template that no longer fits once its tr( is gone: split it by hand.
        subprocess.run([*ruff, "check", "--select", "E501", *names], cwd=ROOT, check=False)
    print(f"rewritten: {len(changed)} files")
    if odd_lines:
        print("left (extra arguments), rewrite by hand:\n" + "\n".join(odd_lines))
    return 1 if odd_lines else 0


if __name__ == "__main__":
    sys.exit(main())

"""``stats/`` is pure statistics: it reads no file, no store, no package data, no web type.

Every import of every module in ``treatywatch/stats/`` (at the top, inside functions and
under ``TYPE_CHECKING``) is walked with ``ast``; so are calls that open files. Rounds, names
and observations reach the statistics as values, from ``treatywatch.queries``.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

STATS = Path(__file__).resolve().parents[1] / "src" / "treatywatch" / "stats"
# Modules stats may import: pure standard library, the numerical libraries, and the layers
# below it that do no I/O. Add a module here only if it does no I/O.
ALLOWED = {
    "__future__",
    "collections",
    "dataclasses",
    "datetime",
    "enum",
    "functools",
    "itertools",
    "math",
    "statistics",
    "time",
    "typing",
    "numpy",
    "scipy",
    "treatywatch.domain",
    "treatywatch.errors",
    "treatywatch.stats",
    "treatywatch.reference.rounds",  # its record types, not its loaders (below)
}
ROUNDS = "treatywatch.reference.rounds"
# Besides its types, what stats may take from ROUNDS: a date's JSON shape.
ROUND_VALUES: frozenset[str] = frozenset()  # pure functions stats may import from rounds
OPENING = {"open", "read_text", "read_bytes", "iterdir"}


def violations(path: Path) -> list[str]:
    """Each import or call in the file that would make stats impure, with its line."""
    rounds = importlib.import_module(ROUNDS)
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules = [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [("." * node.level + (node.module or ""), [a.name for a in node.names])]
        elif isinstance(node, ast.Call):
            f = node.func
            name = (
                f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            )
            if name in OPENING:
                out.append(f"{node.lineno}: {name}()")
            continue
        else:
            continue
        for module, names in modules:
            if not any(module == a or module.startswith(a + ".") for a in ALLOWED):
                out.append(f"{node.lineno}: import {module}")
            elif module == ROUNDS:
                loaders = [
                    n
                    for n in names
                    if not isinstance(getattr(rounds, n), type) and n not in ROUND_VALUES
                ]
                out += [f"{node.lineno}: {n} from {ROUNDS}" for n in loaders]
    return out


@pytest.mark.parametrize("path", sorted(STATS.glob("*.py")), ids=lambda p: p.name)
def test_stats_module_is_pure(path: Path) -> None:
    found = violations(path)
    assert not found, f"stats/{path.name} must stay pure (load in treatywatch.queries): {found}"


def test_the_walk_finds_what_it_must_refuse(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from treatywatch.reference.rounds import Round\n"
        "def f():\n"
        "    from treatywatch.store.db import Store\n"
        "    from treatywatch.reference.rounds import load_rounds\n"
        "    from treatywatch.reference import country_name\n"
        "    import pathlib, numpy\n"
        "    return open('x')\n"
    )
    assert violations(sample) == [
        "3: import treatywatch.store.db",
        f"4: load_rounds from {ROUNDS}",
        "5: import treatywatch.reference",
        "6: import pathlib",
        "7: open()",
    ]

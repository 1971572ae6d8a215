"""Rules on the tables: date order, duplicated rows, and the importer's problems."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from treatywatch.checks.registry import Context, rule
from treatywatch.domain.findings import Finding, Severity

_PROBLEM_SEVERITY = {
    "bad-date": Severity.ERROR,
    "bad-number": Severity.ERROR,
    "row-cells": Severity.WARNING,
    "unattributed": Severity.WARNING,
    "unknown-country": Severity.WARNING,
}


def _rows(ctx: Context) -> dict[int, list[tuple[int, str, date, date]]]:
    """Dated rows per table (line, label, earliest, latest); members' rows are left out,
    since ratification lists are sorted by member."""
    rows: dict[int, list[tuple[int, str, date, date]]] = {}
    for m in ctx.facts.milestones:
        line = m.provenance.line_start
        t = ctx.table_of(line)
        if t is not None:
            rows.setdefault(t, []).append(
                (line, m.source_label or m.label, m.date.lower(), m.date.upper())
            )
    for p in ctx.facts.polls:
        line = p.provenance.line_start
        t = ctx.table_of(line)
        if t is not None:
            label = f"{p.fieldwork} {p.pollster or ''}".strip()
            rows.setdefault(t, []).append((line, label, p.fieldwork.lower(), p.fieldwork.upper()))
    return {t: sorted(r, key=lambda row: row[0]) for t, r in rows.items()}


@rule("table-date-order", Severity.INFO)
def date_order(ctx: Context) -> Iterator[Finding]:
    """A row breaks its table's date order (oldest-first or newest-first, whichever it keeps)."""
    for rows in _rows(ctx).values():
        pairs = list(zip(rows, rows[1:], strict=False))
        up = sum(1 for a, b in pairs if b[2] > a[3])
        down = sum(1 for a, b in pairs if b[3] < a[2])
        if not up or not down:
            continue
        ascending = up >= down
        order = "oldest first" if ascending else "newest first"
        for a, b in pairs:
            broken = b[3] < a[2] if ascending else b[2] > a[3]
            if not broken:
                continue
            note = ""
            ka, kb = ctx.org.kind_for_label(a[1]), ctx.org.kind_for_label(b[1])
            if ka and kb and ctx.org.order(kb.kind) < ctx.org.order(ka.kind):
                note = f"; {ctx.org.code}'s procedure also lists {kb.label} before {ka.label}"
            yield ctx.finding(
                "table-date-order",
                Severity.INFO,
                b[0],
                f"'{b[1]}' ({b[2] if b[2] == b[3] else f'{b[2]}/{b[3]}'}) is listed after "
                f"'{a[1]}' (line {a[0]}), against the table's order ({order})",
                f"{max(up, down)} of {len(pairs)} pairs of neighbouring rows are {order}{note}",
                f"move the row of line {b[0]} before line {a[0]}",
                related=[a[0]],
            )


@rule("table-duplicate-row", Severity.WARNING)
def duplicate_rows(ctx: Context) -> Iterator[Finding]:
    """A table gives the same poll, milestone or member's act twice."""
    seen: dict[tuple[object, ...], int] = {}
    keyed: list[tuple[tuple[object, ...], int, str]] = []
    for p in ctx.facts.polls:
        key: tuple[object, ...] = (
            "poll",
            p.fieldwork,
            p.pollster,
            str(p.share_for),
            str(p.share_against),
        )
        keyed.append((key, p.provenance.line_start, f"poll {p.fieldwork} {p.pollster or ''}"))
    for m in ctx.facts.milestones:
        if m.kind != "event":
            keyed.append((("milestone", m.kind), m.provenance.line_start, m.label))
    for a in ctx.facts.acts:
        if a.member_code:
            key = ("act", a.member_code, a.kind)
            keyed.append((key, a.provenance.line_start, f"{a.member_name}'s {a.kind.value}"))
    for key, line, what in keyed:
        first = seen.setdefault(key, line)
        if first != line and ctx.table_of(first) == ctx.table_of(line):
            yield ctx.finding(
                "table-duplicate-row",
                Severity.WARNING,
                line,
                f"{what.strip()} is given twice (lines {first} and {line})",
                f"line {first} and line {line} give the same {key[0]}",
                "remove one row, or correct the one that is wrong",
                related=[first],
            )


@rule("import-problem", Severity.WARNING)
def import_problems(ctx: Context) -> Iterator[Finding]:
    """The importer could not read a row or table (see the problem's message)."""
    for p in ctx.facts.problems:
        yield ctx.finding(
            "import-problem",
            _PROBLEM_SEVERITY.get(p.kind, Severity.INFO),
            p.line,
            p.message,
            f"importer problem '{p.kind}' at line {p.line}",
            "correct the row in the source, or extend the importer if the row is right",
        )

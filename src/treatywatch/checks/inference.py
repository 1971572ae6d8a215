"""Rules on inferences: say which facts were inferred rather than read, and why."""

from __future__ import annotations

from collections.abc import Iterator

from treatywatch.checks.dates import act_text
from treatywatch.checks.registry import Context, rule
from treatywatch.domain.findings import Finding, Severity
from treatywatch.domain.model import Provenance


def _span(lines: list[int]) -> str:
    lo, hi = min(lines), max(lines)
    return f"line {lo}" if lo == hi else f"lines {lo}–{hi}"


@rule("inferred-attribution", Severity.INFO)
def inferred(ctx: Context) -> Iterator[Finding]:
    """Facts attributed by inference (a member for an unnamed row, a year for "10 May")."""
    groups: dict[tuple[str, str], list[tuple[Provenance, str]]] = {}

    def add(origin: str, prov: Provenance, what: str) -> None:
        if prov.inferred:
            groups.setdefault((origin, prov.reason or "no reason recorded"), []).append(
                (prov, what)
            )

    for a in ctx.facts.acts:
        add("table", a.provenance, f"{a.member_name or '?'} {a.date}")
    for m in ctx.facts.milestones:
        add("table", m.provenance, f"{m.label} {m.date}")
    for a in ctx.prose.acts:
        add("prose", a.provenance, f"{act_text(a)} {a.date}")
    for e in ctx.prose.events:
        if e.kind != "event" and not e.kind.startswith("member_"):
            add("prose", e.provenance, f"{e.label} {e.date}")
    for (origin, reason), items in groups.items():
        lines = [p.line_start for p, _ in items]
        listed = "; ".join(f"{what} (line {p.line_start})" for p, what in items)
        noun = "row" if origin == "table" else "fact"
        shown = ", ".join(what for _p, what in items[:3]) + (", …" if len(items) > 3 else "")
        message = f"{len(items)} {origin} {noun}{'s' if len(items) > 1 else ''} inferred, "
        message += f"not read ({_span(lines)}): {shown}"
        yield ctx.finding(
            "inferred-attribution",
            Severity.INFO,
            min(lines),
            message,
            f"{reason}. Inferred: {listed}",
            "state them in the source (name the row's country, write the year) to make them read",
            line_end=max(lines),
            related=lines,
        )

"""Rules on rows that state the same fact: where two sources date it differently.

A data package (the bundled history among them) keeps every source's row for a fact: rows
that agree corroborate it, rows that disagree are both kept and reported here, so a reader
sees the disagreement and an editor knows which rows to check.
"""

from __future__ import annotations

from collections.abc import Iterator

from treatywatch.checks.registry import Context, rule
from treatywatch.domain.dates import PartialDate
from treatywatch.domain.findings import Finding, Severity
from treatywatch.domain.model import ActKind, Provenance

# Acts a member performs once per instrument. A parliament's approval is left out (each
# chamber votes on its own day), and so is the head of state's signature (sources call the
# signing of the law and of the instrument both that, on different days).
ONCE = {ActKind.RATIFIED: "ratification", ActKind.DEPOSIT: "deposit of its instrument"}
SIGNATURES = ("protocol_signed", "treaty_signed")
# A candidate's steps that happen once (an organization may invite twice: to talks, then to
# accede; a parliament's chambers approve on their own days): two rows dating one of them
# differently disagree. Named by the milestone's label, which names the candidate in a round
# of several ("Membership (Portugal)").
ONCE_STEPS = frozenset(
    {
        "partnership_for_peace",
        "intensified_dialogue",
        "individual_partnership_action_plan",
        "membership_action_plan",
        "application",
        "candidate_status",
        "membership",
    }
)


def _overlap(x: PartialDate, y: PartialDate) -> bool:
    return x.lower() <= y.upper() and y.lower() <= x.upper()


def _cited(p: Provenance) -> str:
    said = f': "{p.quote}"' if p.quote else ""
    return f"line {p.line_start} ({p.url or 'the document'}{said})"


@rule("sources-disagree", Severity.WARNING)
def sources_disagree(ctx: Context) -> Iterator[Finding]:
    """Two rows date the same fact differently (a member's ratification or deposit, the
    signature, a candidate's one-time step such as its application or membership)."""
    groups: dict[tuple[str, ...], tuple[str, list[tuple[PartialDate, Provenance]]]] = {}
    for a in ctx.facts.acts:
        if a.member_code and a.kind in ONCE and not a.correction:
            what = f"{a.member_name or a.member_code}'s {ONCE[a.kind]}"
            key = ("act", a.member_code, a.kind.value, a.instrument or "")
            groups.setdefault(key, (what, []))[1].append((a.date, a.provenance))
    for m in ctx.facts.milestones:
        if m.kind in SIGNATURES and m.ratified_count is None:
            groups.setdefault(("signature",), ("the signature", []))[1].append(
                (m.date, m.provenance)
            )
        elif m.kind in ONCE_STEPS and m.ratified_count is None:
            what = f"the step {m.label!r}"
            groups.setdefault(("step", m.kind, m.label), (what, []))[1].append(
                (m.date, m.provenance)
            )
    for what, rows in groups.values():
        rows.sort(key=lambda r: r[1].line_start)
        if all(_overlap(x, y) for i, (x, _) in enumerate(rows) for y, _ in rows[i + 1 :]):
            continue
        dates = sorted({d for d, _ in rows}, key=lambda d: (d.lower(), d.upper()))
        said = "; ".join(
            f"{d.edtf}: lines {', '.join(str(p.line_start) for e, p in rows if e == d)}"
            for d in dates
        )
        yield ctx.finding(
            "sources-disagree",
            Severity.WARNING,
            rows[-1][1].line_start,
            f"the sources disagree on {what}: {said}",
            " | ".join(_cited(p) for _, p in rows),
            "keep both rows if the sources say so; if a row misreads its source, correct it "
            "(a correction supersedes it and both stay on record)",
            related=[p.line_start for _, p in rows[:-1]],
        )

"""Rules comparing the prose's polls with the poll table."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from treatywatch.checks.dateindex import OverlapIndex
from treatywatch.checks.dates import quote
from treatywatch.checks.polls import decided_mid, decided_share, describe, fmt
from treatywatch.checks.registry import Context, rule
from treatywatch.domain.facts import ProsePoll
from treatywatch.domain.findings import Finding, Severity
from treatywatch.domain.model import Poll

# A finding lists this many table polls of a prose poll's period (and counts the rest).
_SHOWN = 10
# A prose poll is compared with at most this many table polls of its period, in table order:
# a real table has a few polls a month; comparing with every row of a huge one is quadratic.
_MAX_COMPARED = 200


@dataclass(frozen=True)
class PollMatch:
    """A prose poll and the table poll it is (or None), with the polls of its period."""

    prose: ProsePoll
    table: Poll | None
    same_period: tuple[Poll, ...]  # the first _SHOWN table polls of its period, in table order
    decided: tuple[float, float]  # the prose's share for, on the decided base, with rounding
    period_size: int = 0  # how many table polls its period has


def overlaps(p: ProsePoll, q: Poll) -> bool:
    return p.date.lower() <= q.fieldwork.upper() and q.fieldwork.lower() <= p.date.upper()


def match_polls(prose: Sequence[ProsePoll], table: Sequence[Poll]) -> list[PollMatch]:
    """Match each prose poll to a table poll of the same period and the same decided shares:
    the first such in table order, among the first ``_MAX_COMPARED`` of its period."""
    periods = OverlapIndex(
        [(q.fieldwork.lower().toordinal(), q.fieldwork.upper().toordinal()) for q in table]
    )
    shares = [decided_share(q.share_for, q.share_against) for q in table]
    out = []
    for p in prose:
        lo, hi = decided_share(p.share_for, p.share_against)
        start, end = p.date.lower().toordinal(), p.date.upper().toordinal()
        compared = islice(periods.overlapping(start, end), _MAX_COMPARED)
        match = next(
            (table[i] for i in compared if shares[i][0] <= hi + 1e-9 and lo <= shares[i][1] + 1e-9),
            None,
        )
        shown = tuple(table[i] for i in islice(periods.overlapping(start, end), _SHOWN))
        out.append(PollMatch(p, match, shown, (lo, hi), periods.count(start, end)))
    return out


def _figures(p: ProsePoll) -> str:
    und = f", {p.share_undecided} undecided" if p.share_undecided else ""
    return f"{p.share_for} for, {p.share_against} against{und}"


@rule("prose-poll-missing", Severity.WARNING)
def poll_missing(ctx: Context) -> Iterator[Finding]:
    """A poll the prose reports is not in the poll table."""
    if not ctx.facts.polls:
        return
    for m in match_polls(ctx.prose.polls, ctx.facts.polls):
        if m.table is not None:
            continue
        p, (lo, hi) = m.prose, m.decided
        mid = decided_mid(p.share_for, p.share_against) or 0.0
        near = "; ".join(f"{describe(q)}: {q.share_for} / {q.share_against}" for q in m.same_period)
        if m.period_size > len(m.same_period):
            near += f"; and {m.period_size - len(m.same_period)} more"
        who = p.pollster or (f"a {p.commissioner} poll" if p.commissioner else "no pollster named")
        yield ctx.finding(
            "prose-poll-missing",
            Severity.WARNING,
            p.line,
            f"poll of {p.date_text} ({who}: {_figures(p)}) is not in the poll table",
            f"{quote(p.sentence)} On the decided base: {fmt(mid)} / {fmt(100 - mid)} "
            f"({fmt(lo)}–{fmt(hi)} for, with rounding). "
            + (
                f"Table polls of the period differ: {near}"
                if near
                else "No table poll of the period."
            ),
            f"add a row for {p.date_text} ({fmt(mid)} / {fmt(100 - mid)} decided, or the raw "
            "shares with their base), or say in the prose why it is left out",
            related=[q.provenance.line_start for q in m.same_period],
        )


@rule("prose-poll-excluded", Severity.INFO)
def poll_excluded(ctx: Context) -> Iterator[Finding]:
    """Figures in the prose not counted as a membership poll (another question, a subgroup…)."""
    for x in ctx.prose.excluded:
        figures = ", ".join(f"{s}%" for s in x.figures)
        yield ctx.finding(
            "prose-poll-excluded",
            Severity.INFO,
            x.line,
            f"{figures}: not counted as a membership poll ({x.detail})",
            quote(x.sentence),
            "none needed; shown so the count of polls can be checked",
        )


@rule("table-pollster-missing", Severity.WARNING)
def pollster_missing(ctx: Context) -> Iterator[Finding]:
    """The table leaves a poll's pollster empty while the prose names who ran or ordered it."""
    named: dict[int, list[ProsePoll]] = {}
    rows: dict[int, Poll] = {}
    for m in match_polls(ctx.prose.polls, ctx.facts.polls):
        if (
            m.table is not None
            and not m.table.pollster
            and (m.prose.pollster or m.prose.commissioner)
        ):
            named.setdefault(m.table.provenance.line_start, []).append(m.prose)
            rows[m.table.provenance.line_start] = m.table
    for line, prose in named.items():
        q = rows[line]
        says = "; ".join(
            (f"names {p.pollster}" if p.pollster else f"calls it a {p.commissioner} poll")
            + f" (line {p.line})"
            for p in prose
        )
        pollster = next((p.pollster for p in prose if p.pollster), None)
        yield ctx.finding(
            "table-pollster-missing",
            Severity.WARNING,
            line,
            f"poll of {q.fieldwork} has no pollster in the table; the prose {says}",
            f"table {q.share_for} / {q.share_against}; prose "
            + "; ".join(f"{_figures(p)} (line {p.line})" for p in prose)
            + ": the same poll on the decided base",
            f"fill in the pollster ({pollster})" if pollster else "fill in who ran the poll",
            related=[p.line for p in prose],
        )

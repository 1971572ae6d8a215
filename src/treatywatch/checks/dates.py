"""Rules on dates: the prose against the table, the prose against itself, the document's date."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from treatywatch.checks.dateindex import DateSet, FirstDisjoint, FirstEndingBefore
from treatywatch.checks.registry import Context, rule
from treatywatch.checks.timeline import compatible
from treatywatch.domain.dates import PartialDate
from treatywatch.domain.findings import Finding, Severity
from treatywatch.domain.model import (
    RATIFYING_ACTS,
    ActKind,
    Milestone,
    ProseEvent,
    RatificationAct,
)

_ASIDE = ("event", "ratification_by_members")
# A member's table acts reported against one prose approval that comes after them: a table
# has one or two acts a member; more are a broken table, and listing them all is quadratic.
_MAX_EARLIER_ACTS = 5


def quote(sentence: str, limit: int = 220) -> str:
    s = sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"
    return f"“{s}”"


def written(e: ProseEvent) -> str:
    """A prose date as written, with its inferred year when there is one."""
    if e.inferred and e.date.year and str(e.date.year) not in e.date_text:
        return f"{e.date_text} {e.date.year}"
    return e.date_text or str(e.date)


def typed_events(ctx: Context) -> list[ProseEvent]:
    """Prose events of a procedure kind (not untyped, not members' steps)."""
    return [
        e
        for e in ctx.prose.events
        if e.kind not in _ASIDE and not e.kind.startswith("member_") and ctx.org.kind(e.kind)
    ]


@rule("prose-milestone-date", Severity.ERROR)
def prose_milestone_date(ctx: Context) -> Iterator[Finding]:
    """The prose dates a procedure step differently from the table."""
    first: dict[str, Milestone] = {}
    dated: dict[str, DateSet] = {}
    for row in ctx.facts.milestones:
        first.setdefault(row.kind, row)
        dated.setdefault(row.kind, DateSet()).add(row.date)
    for e in typed_events(ctx):
        if e.kind not in first or dated[e.kind].compatible_with(e.date):
            continue
        m = first[e.kind]
        inferred = e.inferred or m.provenance.inferred
        yield ctx.finding(
            "prose-milestone-date",
            Severity.WARNING if inferred else Severity.ERROR,
            e.line,
            f"{e.label}: {written(e)} in the prose, {m.date} in the table "
            f"(line {m.provenance.line_start})",
            f"line {e.line}: {quote(e.sentence)}; line {m.provenance.line_start}: table row "
            f"'{m.source_label or m.label}' dated {m.date}"
            + (f"; the prose's year is inferred: {e.reason}" if e.inferred else ""),
            "check the step's date in a primary source and correct the prose or the table",
            related=[m.provenance.line_start],
        )


ACT_NAMES = {
    ActKind.PARLIAMENT_APPROVAL: "parliament's approval",
    ActKind.HEAD_OF_STATE_SIGNATURE: "head of state's signature",
    ActKind.RATIFIED: "ratification",
    ActKind.DEPOSIT: "deposit of its instrument",
}


def act_text(a: RatificationAct) -> str:
    """ "Spain's ratification", "an unnamed member's deposit of its instrument"."""
    name = a.member_name or "an unnamed member"
    suffix = "'" if name.endswith("s") else "'s"
    return f"{name}{suffix} {ACT_NAMES[a.kind]}"


_ActKey = tuple[int, str, str | None, PartialDate]  # line, event kind, member, date


def _events_by_act(ctx: Context) -> dict[_ActKey, ProseEvent]:
    """The first prose event stating each (line, kind, member, date): the act's wording."""
    out: dict[_ActKey, ProseEvent] = {}
    for e in ctx.prose.events:
        out.setdefault((e.line, e.kind, e.member_code, e.date), e)
    return out


def _written_act(events: dict[_ActKey, ProseEvent], a: RatificationAct) -> str:
    e = events.get((a.provenance.line_start, f"member_{a.kind.value}", a.member_code, a.date))
    return written(e) if e is not None else str(a.date)


class _TableActs:
    """The table's acts, indexed for the prose's: by member and kind, and each member's
    ratifying acts by the day they end."""

    def __init__(self, acts: Sequence[RatificationAct]) -> None:
        self.first: dict[tuple[str, ActKind], RatificationAct] = {}
        self.dated: dict[tuple[str, ActKind], DateSet] = {}
        self.ratifying: dict[str, list[RatificationAct]] = {}
        for t in acts:
            if t.member_code:
                self.first.setdefault((t.member_code, t.kind), t)
                self.dated.setdefault((t.member_code, t.kind), DateSet()).add(t.date)
                if t.kind in RATIFYING_ACTS:
                    self.ratifying.setdefault(t.member_code, []).append(t)
        self._ending = {
            code: FirstEndingBefore([t.date.upper().toordinal() for t in own], _MAX_EARLIER_ACTS)
            for code, own in self.ratifying.items()
        }

    def disagreeing(self, a: RatificationAct) -> RatificationAct | None:
        """The member's first table act of the same kind, when none of those can be the
        prose act's day."""
        key = (a.member_code or "", a.kind)
        if key in self.first and not self.dated[key].compatible_with(a.date):
            return self.first[key]
        return None

    def ratified_before(self, a: RatificationAct) -> list[RatificationAct]:
        """The member's ratifying table acts (the first few, in table order) that end
        before the prose act's day."""
        if a.member_code not in self._ending:
            return []
        own = self.ratifying[a.member_code]
        return [own[i] for i in self._ending[a.member_code].before(a.date.lower().toordinal())]


@rule("prose-act-date", Severity.ERROR)
def prose_act_date(ctx: Context) -> Iterator[Finding]:
    """The prose dates a member's ratification step differently from the table."""
    latest = max((a.date for a in ctx.facts.acts), key=lambda d: d.upper(), default=None)
    table = _TableActs(ctx.facts.acts)
    completing = {e.line for e in ctx.prose.events if e.kind == "ratification_by_members"}
    events = _events_by_act(ctx)
    for a in ctx.prose.acts:
        line = a.provenance.line_start
        if (t := table.disagreeing(a)) is not None:
            tl = t.provenance.line_start
            notes = [f"line {line} (prose) against line {tl} (table)"]
            if a.provenance.inferred:
                notes.append(f"prose: {a.provenance.reason}")
            if t.provenance.inferred:
                notes.append(f"table: the row has no country name; {t.provenance.reason}")
            if line in completing and latest == t.date:
                notes.append(
                    f"the prose says this ratification completed ratification by every member; "
                    f"{t.date} is also the table's latest ratification"
                )
            inferred = a.provenance.inferred or t.provenance.inferred
            yield ctx.finding(
                "prose-act-date",
                Severity.WARNING if inferred else Severity.ERROR,
                line,
                f"{act_text(a)}: {_written_act(events, a)} in the prose, {t.date} in the table "
                f"(line {tl})",
                "; ".join(notes),
                f"check {a.member_name}'s date with the depositary; correct the prose, or the "
                "table row" + (" or its attribution" if t.provenance.inferred else ""),
                related=[tl],
            )
            continue
        if a.kind is not ActKind.PARLIAMENT_APPROVAL:
            continue
        for t in table.ratified_before(a):
            yield ctx.finding(
                "prose-act-date",
                Severity.WARNING,
                line,
                f"{a.member_name} ratified on {t.date} by the table (line "
                f"{t.provenance.line_start}), before its parliament's approval on "
                f"{a.date} in the prose",
                f"line {line}: parliament's approval {a.date}; table: {t.date}",
                "check the order of the member's acts; a ratification follows the "
                "parliament's approval",
                related=[t.provenance.line_start],
            )


@rule("prose-date-conflict", Severity.WARNING)
def prose_date_conflict(ctx: Context) -> Iterator[Finding]:
    """Two sentences of the prose date the same step differently."""
    events = [e for e in ctx.prose.events if e.kind != "event"]
    if any(a.line > b.line for a, b in zip(events, events[1:], strict=False)):
        yield from _date_conflicts_any_order(ctx, events)
        return
    # Events come in line order (read_prose reads paragraphs top down): an event's
    # same-line predecessors are the latest of its kind, so the earliest event of its kind
    # that disagrees with it is on an earlier line, or none is.
    seen: dict[tuple[str, str | None], tuple[FirstDisjoint, list[ProseEvent]]] = {}
    for e in events:
        index, earlier = seen.setdefault((e.kind, e.member_code), (FirstDisjoint(), []))
        lower, upper = e.date.lower().toordinal(), e.date.upper().toordinal()
        i = index.first_disjoint(lower, upper)
        if i is not None and earlier[i].line != e.line:
            yield _date_conflict(ctx, e, earlier[i])
        index.add(lower, upper)
        earlier.append(e)


def _date_conflicts_any_order(ctx: Context, events: list[ProseEvent]) -> Iterator[Finding]:
    """The rule's plain loop (quadratic), for events not in line order; read_prose never
    gives those."""
    seen: dict[tuple[str, str | None], list[ProseEvent]] = {}
    for e in events:
        key = (e.kind, e.member_code)
        for first in seen.get(key, []):
            if not compatible(first.date, e.date) and first.line != e.line:
                yield _date_conflict(ctx, e, first)
                break
        seen.setdefault(key, []).append(e)


def _date_conflict(ctx: Context, e: ProseEvent, first: ProseEvent) -> Finding:
    return ctx.finding(
        "prose-date-conflict",
        Severity.WARNING,
        e.line,
        f"{e.label}: {written(e)} here, {written(first)} on line {first.line}",
        f"line {first.line}: {quote(first.sentence)}; line {e.line}: {quote(e.sentence)}",
        "make the two sentences agree",
        related=[first.line],
    )


@rule("document-future-date", Severity.WARNING)
def future_date(ctx: Context) -> Iterator[Finding]:
    """A date later than the document's own date (its "Last updated" or given date)."""
    if ctx.document_date is None:
        return
    day = ctx.document_date
    dated: list[tuple[int, str, PartialDate]] = [
        (m.provenance.line_start, m.label, m.date) for m in ctx.facts.milestones
    ]
    dated += [(a.provenance.line_start, act_text(a), a.date) for a in ctx.facts.acts]
    dated += [(p.provenance.line_start, "poll", p.fieldwork.start) for p in ctx.facts.polls]
    dated += [(e.line, e.label[:60], e.date) for e in ctx.prose.events]
    for line, what, d in sorted(dated, key=lambda x: x[0]):
        if d.lower() > day:
            yield ctx.finding(
                "document-future-date",
                Severity.WARNING,
                line,
                f"{what} dated {d}, after the document's own date {day.isoformat()}",
                f"line {line}: {d}; document date {day.isoformat()}",
                "check the date, or the document's date",
            )

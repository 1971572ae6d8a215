"""One timeline from the table and the prose: each event once, with all its sources."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from treatywatch.domain.dates import PartialDate
from treatywatch.domain.model import Milestone, ProseEvent, Provenance, RatificationAct


def compatible(a: PartialDate, b: PartialDate) -> bool:
    """True when two partial dates can be the same day (their ranges overlap)."""
    return a.lower() <= b.upper() and b.lower() <= a.upper()


def finer(a: PartialDate, b: PartialDate) -> PartialDate:
    """The more precise of two compatible dates."""
    rank = {"day": 0, "month": 1, "year": 2}
    return a if rank[a.precision.value] <= rank[b.precision.value] else b


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    label: str
    date: PartialDate
    sources: tuple[Provenance, ...]
    qualifier: str | None = None
    member_code: str | None = None

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(sorted({p.line_start for p in self.sources}))


def merge_timeline(
    table_milestones: Iterable[Milestone],
    prose_events: Iterable[ProseEvent],
    table_acts: Iterable[RatificationAct] = (),
) -> list[TimelineEntry]:
    """Merge table and prose: same kind (and member) with compatible dates is one entry.

    Untyped prose events stay separate; a typed event whose dates conflict keeps its own
    entry, so a contradiction shows as two entries of one kind.
    """
    entries: list[TimelineEntry] = [
        TimelineEntry(m.kind, m.label, m.date, (m.provenance,)) for m in table_milestones
    ]
    entries += [
        TimelineEntry(
            f"member_{a.kind.value}",
            f"{a.member_name or 'unnamed member'}: {a.kind.value.replace('_', ' ')}",
            a.date,
            (a.provenance,),
            member_code=a.member_code,
        )
        for a in table_acts
    ]
    for e in prose_events:
        i = next(
            (
                i
                for i, t in enumerate(entries)
                if e.kind != "event"
                and t.kind == e.kind
                and t.member_code == e.member_code
                and compatible(t.date, e.date)
            ),
            None,
        )
        if i is None:
            entries.append(
                TimelineEntry(e.kind, e.label, e.date, (e.provenance,), e.qualifier, e.member_code)
            )
            continue
        t = entries[i]
        date = finer(t.date, e.date)
        qualifier = e.qualifier if date == e.date else t.qualifier
        entries[i] = replace(t, date=date, qualifier=qualifier, sources=(*t.sources, e.provenance))
    return sorted(entries, key=lambda t: (t.date.lower(), t.date.upper(), t.lines))

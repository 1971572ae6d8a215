"""One timeline from the table and the prose: each event once, with all its sources."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from heapq import heappop, heappush

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

    @property
    def when(self) -> str:
        """The date as a reader writes it: ``2015-10-24``, ``late 2007``, ``mid-October 2015``."""
        if not self.qualifier:
            return self.date.edtf
        if self.date.month is not None and self.date.day is None:
            return f"{self.qualifier}-{calendar.month_name[self.date.month]} {self.date.year}"
        return f"{self.qualifier} {self.date.edtf}"


def _entry(e: ProseEvent) -> TimelineEntry:
    return TimelineEntry(e.kind, e.label, e.date, (e.provenance,), e.qualifier, e.member_code)


_Node = tuple[int, ...]  # (year,), (year, month) or (year, month, day)


def _node(d: PartialDate) -> _Node:
    return tuple(x for x in (d.year, d.month, d.day) if x is not None)


class _EntryIndex:
    """Timeline entries by kind, member and date, to find the first one (in list order)
    whose date is compatible with a given one, as a scan of the list would.

    Partial dates are years, months or days, so two compatible dates are equal or one lies
    in the other: the candidates are the entries dated exactly the date or one of its
    enclosing periods, and those dated inside it. An entry whose date gets finer is added
    again under its new date; its old places are skipped when met (lazy deletion).
    """

    def __init__(self) -> None:
        self.dates: dict[int, PartialDate] = {}
        self._at: dict[tuple[object, _Node], list[int]] = {}  # dated exactly the node
        self._inside: dict[tuple[object, _Node], list[int]] = {}  # dated strictly inside it

    def add(self, i: int, t: TimelineEntry) -> None:
        key = (t.kind, t.member_code)
        self.dates[i] = t.date
        node = _node(t.date)
        heappush(self._at.setdefault((key, node), []), i)
        for k in range(1, len(node)):
            heappush(self._inside.setdefault((key, node[:k]), []), i)

    def _first(self, heap: list[int] | None, ok: Callable[[PartialDate], bool]) -> int | None:
        while heap and not ok(self.dates[heap[0]]):
            heappop(heap)  # the entry's date has changed since it was put here
        return heap[0] if heap else None

    def first_compatible(self, key: tuple[str, str | None], d: PartialDate) -> int | None:
        node = _node(d)
        found: list[int | None] = []
        for k in range(1, len(node) + 1):  # dated the year, the month, the day itself
            found.append(self._first(self._at.get((key, node[:k])), _is_at(node[:k])))
        found.append(self._first(self._inside.get((key, node)), _is_inside(node)))
        return min((i for i in found if i is not None), default=None)


def _is_at(node: _Node) -> Callable[[PartialDate], bool]:
    return lambda d: _node(d) == node


def _is_inside(node: _Node) -> Callable[[PartialDate], bool]:
    return lambda d: len(_node(d)) > len(node) and _node(d)[: len(node)] == node


def merge_timeline(
    table_milestones: Iterable[Milestone],
    prose_events: Iterable[ProseEvent],
    table_acts: Iterable[RatificationAct] = (),
) -> list[TimelineEntry]:
    """Merge table and prose: same kind (and member) with compatible dates is one entry.

    Table rows that give the same milestone on the same date (several sources of a data
    package, or two tables) are one entry citing each row. Untyped prose events stay
    separate; a typed event whose dates conflict keeps its own entry, so a contradiction
    shows as two entries of one kind.
    """
    rows: dict[tuple[str, str, PartialDate], list[Milestone]] = {}
    for m in table_milestones:
        rows.setdefault((m.kind, m.label, m.date), []).append(m)
    entries: list[TimelineEntry] = [
        TimelineEntry(kind, label, day, tuple(m.provenance for m in same))
        for (kind, label, day), same in rows.items()
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
    index = _EntryIndex()
    for i, t in enumerate(entries):
        index.add(i, t)
    for e in prose_events:
        found = (
            index.first_compatible((e.kind, e.member_code), e.date) if e.kind != "event" else None
        )
        if found is None:
            entries.append(_entry(e))
            index.add(len(entries) - 1, entries[-1])
            continue
        t = entries[found]
        cited = {(p.document, p.line_start, p.line_end) for p in t.sources}
        if (e.provenance.document, e.provenance.line_start, e.provenance.line_end) in cited:
            continue  # a second sentence of a cited line ("took place on …", "joined on …")
        date = finer(t.date, e.date)
        qualifier = e.qualifier if date == e.date else t.qualifier
        entries[found] = replace(
            t, date=date, qualifier=qualifier, sources=(*t.sources, e.provenance)
        )
        if date != t.date:
            index.add(found, entries[found])
    return sorted(entries, key=lambda t: (t.date.lower(), t.date.upper(), t.lines))

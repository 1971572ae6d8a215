"""Indexes over dates that keep the rules linear (or n log n) in the document's size.

A rule that compares every prose date with every other, or with every table row, is
quadratic: 10 MB of dated sentences took hours. These answer the same questions as those
loops (same answers, same order) from a dictionary or a binary search.

Partial dates are *laminar*: two of them are either disjoint or one contains the other (a
year contains its months, a month its days), which is what makes :class:`DateSet` exact.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate

from treatywatch.domain.dates import PartialDate


class DateSet:
    """Partial dates, asked whether any of them is compatible with (can be the same day as)
    a given one: ``any(compatible(x, d) for x in dates)`` in constant time."""

    def __init__(self, dates: Iterable[PartialDate] = ()) -> None:
        self._exact: set[PartialDate] = set()
        self._years: set[int] = set()
        self._months: set[tuple[int, int]] = set()
        for d in dates:
            self.add(d)

    def add(self, d: PartialDate) -> None:
        self._exact.add(d)
        self._years.add(d.year)
        if d.month is not None:
            self._months.add((d.year, d.month))

    def compatible_with(self, d: PartialDate) -> bool:
        if d.month is None:  # a year: any date in it
            return d.year in self._years
        if PartialDate(d.year) in self._exact:  # the year that contains it
            return True
        if d.day is None:  # a month: the month itself or any day in it
            return (d.year, d.month) in self._months
        return PartialDate(d.year, d.month) in self._exact or d in self._exact


class FirstDisjoint:
    """Intervals added one by one; asks for the earliest added one disjoint from a query.

    Keeps the running minima of the upper ends and the running maxima of the lower ends
    (the only intervals that can be the earliest with an upper end below, or a lower end
    above, a query), so each question is a binary search.
    """

    def __init__(self) -> None:
        self._min_upper: list[int] = []  # decreasing
        self._min_upper_at: list[int] = []
        self._max_lower: list[int] = []  # increasing
        self._max_lower_at: list[int] = []
        self._count = 0

    def add(self, lower: int, upper: int) -> int:
        """Add an interval (bounds inclusive); returns its index."""
        i = self._count
        self._count += 1
        if not self._min_upper or upper < self._min_upper[-1]:
            self._min_upper.append(upper)
            self._min_upper_at.append(i)
        if not self._max_lower or lower > self._max_lower[-1]:
            self._max_lower.append(lower)
            self._max_lower_at.append(i)
        return i

    def first_disjoint(self, lower: int, upper: int) -> int | None:
        """Index of the earliest interval that ends before ``lower`` or starts after ``upper``."""
        found = []
        # Earliest with an upper end < lower: the first running minimum below it.
        k = _first_below(self._min_upper, lower)
        if k is not None:
            found.append(self._min_upper_at[k])
        k = bisect_right(self._max_lower, upper)  # the first running maximum above upper
        if k < len(self._max_lower):
            found.append(self._max_lower_at[k])
        return min(found) if found else None


def _first_below(decreasing: list[int], bound: int) -> int | None:
    """Position of the first value < bound in a strictly decreasing list."""
    lo, hi = 0, len(decreasing)
    while lo < hi:
        mid = (lo + hi) // 2
        if decreasing[mid] < bound:
            hi = mid
        else:
            lo = mid + 1
    return lo if lo < len(decreasing) else None


class FirstEndingBefore:
    """Intervals given at once, in order; asks for the first ``limit`` of them (in that order)
    that end before a day: ``[i for i, u in enumerate(uppers) if u < day][:limit]``."""

    def __init__(self, uppers: list[int], limit: int) -> None:
        order = sorted(range(len(uppers)), key=lambda i: uppers[i])
        self._uppers = [uppers[i] for i in order]
        self._first: list[tuple[int, ...]] = []  # per prefix of `order`: its smallest indices
        smallest: list[int] = []
        for i in order:
            smallest = sorted([*smallest, i])[:limit]
            self._first.append(tuple(smallest))

    def before(self, day: int) -> tuple[int, ...]:
        n = bisect_left(self._uppers, day)  # how many end before `day`
        return self._first[n - 1] if n else ()


class OverlapIndex:
    """Intervals in a fixed order (a table's rows); lists, in that order, those overlapping a
    query, and counts them, without looking at the others.

    A segment tree over the order whose nodes keep their intervals' lower ends sorted, with
    the running maximum of the upper ends: a node holds an overlapping interval exactly when
    one of those with a lower end up to the query's end reaches its start.
    """

    _LEAF = 16

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self._spans = spans
        self._nodes: dict[int, tuple[list[int], list[int]]] = {}
        if spans:
            self._build(1, 0, len(spans))
        self._lowers = sorted(lo for lo, _hi in spans)
        self._uppers = sorted(hi for _lo, hi in spans)

    def _build(self, node: int, lo: int, hi: int) -> None:
        items = sorted(self._spans[lo:hi])
        self._nodes[node] = ([a for a, _b in items], list(accumulate((b for _a, b in items), max)))
        if hi - lo > self._LEAF:
            mid = (lo + hi) // 2
            self._build(2 * node, lo, mid)
            self._build(2 * node + 1, mid, hi)

    def count(self, lower: int, upper: int) -> int:
        """How many intervals overlap [lower, upper]."""
        # Those starting by `upper`, less those ending before `lower` (which all start by it).
        return bisect_right(self._lowers, upper) - bisect_left(self._uppers, lower)

    def overlapping(self, lower: int, upper: int) -> Iterator[int]:
        """Indices of the intervals overlapping [lower, upper], in order, lazily."""
        if self._spans:
            yield from self._walk(1, 0, len(self._spans), lower, upper)

    def _walk(self, node: int, lo: int, hi: int, lower: int, upper: int) -> Iterator[int]:
        starts, reach = self._nodes[node]
        k = bisect_right(starts, upper)
        if not k or reach[k - 1] < lower:
            return
        if hi - lo <= self._LEAF:
            for i in range(lo, hi):
                a, b = self._spans[i]
                if a <= upper and b >= lower:
                    yield i
            return
        mid = (lo + hi) // 2
        yield from self._walk(2 * node, lo, mid, lower, upper)
        yield from self._walk(2 * node + 1, mid, hi, lower, upper)

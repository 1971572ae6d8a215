"""How fast each member ratifies: days from a round's signature to the member's ratification.

A member's ratification is the earliest of its ratifying acts (ratified, head of state's
signature, deposit). A date known only to the month or year counts at the midpoint of its
range, is flagged ``imprecise`` and keeps its range (``days_min``..``days_max``); no day is
invented. Every figure keeps the source rows it was computed from.

Pure: the rounds and the members' display names are given (``names``: code -> name; a code
without a name shows as itself); nothing here reads the bundled history.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from treatywatch.domain.dates import PartialDate, Precision
from treatywatch.domain.model import ActKind
from treatywatch.reference.rounds import Round, SourceRef, date_dict


def midpoint(d: PartialDate) -> float:
    """A partial date's midpoint as a proleptic ordinal (half days allowed)."""
    return (d.lower().toordinal() + d.upper().toordinal()) / 2


def midpoint_date(d: PartialDate) -> date:
    """The day at (or just before) a partial date's midpoint: for arithmetic, not display."""
    return d.lower() + timedelta(days=(d.upper() - d.lower()).days // 2)


@dataclass(frozen=True)
class Duration:
    """One member's ratification in one round."""

    round_id: str
    organization: str
    member_code: str
    member_name: str  # for display: the name given, else the code
    signature: PartialDate
    ratified_on: PartialDate
    kind: ActKind
    event: str
    days: float  # midpoint to midpoint
    days_min: int
    days_max: int
    sources: tuple[SourceRef, ...]  # the rows that give the ratification date
    disputed_by: tuple[SourceRef, ...] = ()  # rows of the same act giving another date

    @property
    def imprecise(self) -> bool:
        return (
            self.ratified_on.precision != Precision.DAY or self.signature.precision != Precision.DAY
        )

    @property
    def disputed(self) -> bool:
        return bool(self.disputed_by)

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.round_id,
            "organization": self.organization,
            "member": {"code": self.member_code, "name": self.member_name},
            "signature": date_dict(self.signature),
            "ratified_on": date_dict(self.ratified_on),
            "act": {"kind": self.kind.value, "event": self.event},
            "days": self.days,
            "days_min": self.days_min,
            "days_max": self.days_max,
            "imprecise": self.imprecise,
            "disputed": self.disputed,
            "sources": [s.to_dict() for s in self.sources],
            "disputed_by": [s.to_dict() for s in self.disputed_by],
        }


def round_durations(
    rnd: Round, *, required_only: bool = True, names: Mapping[str, str] | None = None
) -> list[Duration]:
    """Each member's days to ratification in one round (required members only by default)."""
    names = names or {}
    sig = rnd.signature
    out = []
    for code, rat in rnd.ratifications().items():
        if required_only and rnd.required is not None and code not in rnd.required:
            continue
        first = rat.first
        same_date = [a for a in rat.acts if a.date == first.date]
        disputing = [
            a
            for a in rat.acts
            if a.event == first.event
            and (a.date.lower() > first.date.upper() or a.date.upper() < first.date.lower())
        ]
        assert first.kind is not None
        out.append(
            Duration(
                round_id=rnd.id,
                organization=rnd.organization,
                member_code=code,
                member_name=names.get(code, code),
                signature=sig,
                ratified_on=first.date,
                kind=first.kind,
                event=first.event,
                days=midpoint(first.date) - midpoint(sig),
                days_min=(first.date.lower() - sig.upper()).days,
                days_max=(first.date.upper() - sig.lower()).days,
                sources=tuple(a.source for a in same_date),
                disputed_by=tuple(a.source for a in disputing),
            )
        )
    return out


def durations(
    rounds: Iterable[Round], *, required_only: bool = True, names: Mapping[str, str] | None = None
) -> list[Duration]:
    return [d for r in rounds for d in round_durations(r, required_only=required_only, names=names)]


@dataclass(frozen=True)
class MemberSpeed:
    """A member's record across rounds: median, fastest and slowest, with their sources."""

    member_code: str
    observations: tuple[Duration, ...]  # fastest first

    @property
    def member_name(self) -> str:
        return self.observations[0].member_name

    @property
    def rounds(self) -> int:
        return len(self.observations)

    @property
    def median_days(self) -> float:
        return statistics.median(d.days for d in self.observations)

    @property
    def median_of(self) -> tuple[Duration, ...]:
        """The one or two observations the median is computed from."""
        n = len(self.observations)
        mid = n // 2
        return self.observations[mid : mid + 1] if n % 2 else self.observations[mid - 1 : mid + 1]

    @property
    def fastest(self) -> Duration:
        return self.observations[0]

    @property
    def slowest(self) -> Duration:
        return self.observations[-1]

    @property
    def imprecise(self) -> int:
        return sum(1 for d in self.observations if d.imprecise)

    def to_dict(self) -> dict[str, Any]:
        return {
            "member": {"code": self.member_code, "name": self.member_name},
            "rounds": self.rounds,
            "median_days": self.median_days,
            "median_of": [d.round_id for d in self.median_of],
            "fastest": self.fastest.to_dict(),
            "slowest": self.slowest.to_dict(),
            "imprecise": self.imprecise,
            "observations": [d.to_dict() for d in self.observations],
        }


def member_table(items: Iterable[Duration]) -> list[MemberSpeed]:
    """Per-member summary, sorted by median days (fastest members first)."""
    by: dict[str, list[Duration]] = {}
    for d in items:
        by.setdefault(d.member_code, []).append(d)
    table = [
        MemberSpeed(code, tuple(sorted(obs, key=lambda d: (d.days, d.round_id))))
        for code, obs in by.items()
    ]
    return sorted(table, key=lambda m: (m.median_days, m.member_code))


def speed_table(
    rounds: Sequence[Round],
    *,
    organization: str | None = None,
    names: Mapping[str, str] | None = None,
) -> list[MemberSpeed]:
    """The members table over ``rounds`` (e.g. the bundled ones and imported processes built
    with :meth:`Round.from_acts`), optionally for one organization."""
    pool = [r for r in rounds if not organization or r.organization == organization]
    return member_table(durations(pool, names=names))

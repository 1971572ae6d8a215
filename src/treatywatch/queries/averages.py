"""Poll averages of a stored process: one per question (series), with house effects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from treatywatch.domain.model import Poll

if TYPE_CHECKING:
    from treatywatch.stats.pollmodel import AverageResult, PollObs


@dataclass(frozen=True)
class SeriesAverage:
    """The average of one question's polls, and where it stands on a day."""

    series: str  # "" for the plain question; else the condition, e.g. "if Sweden joins"
    polls: int
    result: AverageResult
    as_of: date
    last_poll: date  # the last fieldwork day: the chart's curve stops there


def to_obs(p: Poll) -> PollObs:
    """A stored poll as the model's input: its fieldwork days, shares and base."""
    from treatywatch.stats.pollmodel import PollObs

    return PollObs(
        start=p.fieldwork.lower(),
        end=p.fieldwork.upper(),
        share_for=p.share_for.value,
        share_against=p.share_against.value,
        share_undecided=p.share_undecided.value if p.share_undecided else None,
        sample_size=p.sample_size,
        pollster=p.pollster,
        base=p.base.value,
        series=p.condition or "",
    )


def poll_averages(polls: Sequence[Poll], as_of: date) -> list[SeriesAverage]:
    """One average per series, from the polls whose fieldwork ended by ``as_of``."""
    from treatywatch.stats.pollmodel import fit_average, group_by_series

    usable = [
        to_obs(p)
        for p in polls
        if p.fieldwork.upper() <= as_of and p.share_for.value + p.share_against.value > 0
    ]
    out = []
    for series, obs in sorted(group_by_series(usable).items()):
        last = max(o.end for o in obs)
        # The fit stops after the last poll: beyond it the walk is extrapolated (mean held,
        # variance growing), so a far-off as-of day costs nothing.
        result = fit_average(obs, until=last + timedelta(days=1))
        out.append(SeriesAverage(series, len(obs), result, as_of, last))
    return out

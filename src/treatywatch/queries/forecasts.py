"""Completion forecasts of stored processes, and the backtest over every known round."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from treatywatch.errors import NotFoundError
from treatywatch.queries.enlargements import (
    known_rounds,
    member_names,
    rounds_known_on,
    stored_rounds,
)
from treatywatch.queries.status import process_status
from treatywatch.store.db import Store

if TYPE_CHECKING:
    from treatywatch.domain.dates import PartialDate
    from treatywatch.domain.model import RatificationAct
    from treatywatch.domain.status import ProcessStatus
    from treatywatch.stats.backtest import Report
    from treatywatch.stats.forecast import Forecast, Model


@lru_cache(maxsize=32)  # the bundled history does not change while the program runs
def model_as_of(as_of: date, signature: PartialDate) -> Model:
    """The forecast model fitted on the bundled rounds that had ended by ``as_of`` (not the
    process's twins signed the same day: :func:`~treatywatch.queries.enlargements.rounds_known_on`)."""
    from treatywatch.stats.forecast import fit

    rounds = rounds_known_on(as_of, signature)
    try:
        return fit(rounds)
    except ValueError as e:
        raise NoForecast(f"{e} (rounds ended by {as_of}: {len(rounds)})") from None


class NoForecast(NotFoundError):
    """There is nothing to forecast, and the reason says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"no forecast: {reason}")
        self.reason = reason


def status_forecast(status: ProcessStatus, acts: Sequence[RatificationAct]) -> Forecast:
    """The forecast as it would have been made on the status's day, from history known then."""
    from treatywatch.stats.forecast import forecast

    signed = status.protocol_signed  # None unless signed by the status's day
    if signed is None:
        raise NoForecast(f"no protocol or treaty signed by {status.as_of}: nothing to forecast yet")
    required = [m.code for m in status.required]
    if not required:
        raise NoForecast(
            f"the members required to ratify are unknown ({status.process.organization}'s "
            "member list is not in the reference data)"
        )
    gaps = status.undated + status.not_in_sources
    if gaps and (status.member_since is not None or not status.pending):
        # The process is over: the record misses some dates, the process does not
        # (forecasting the missing ones would run on for decades).
        missing = len(gaps)
        done = (
            f"{status.process.candidate_name} became a member on {status.member_since}"
            if status.member_since is not None
            else f"every required member had ratified by {status.as_of}"
        )
        raise NoForecast(
            f"{done}, so nothing is left to forecast; the record lacks {missing} members' dates"
        )
    model = model_as_of(status.as_of, signed)
    return forecast(
        signed,
        required,
        acts,
        status.as_of,
        model=model,
        organization=status.process.organization,
        names=member_names(required),
        done=[m.code for m in status.undated],
    )


def forecast_or_reason(
    status: ProcessStatus, acts: Sequence[RatificationAct]
) -> tuple[Forecast | None, str]:
    """The status's forecast and "", or None and why there is none."""
    try:
        return status_forecast(status, acts), ""
    except NoForecast as e:
        return None, e.reason


def process_forecast(store: Store, query: str, as_of: date | None = None) -> Forecast:
    """When the process will likely complete, from what was known on ``as_of``."""
    status = process_status(store, query, as_of)
    return status_forecast(status, store.acts(status.process.slug))


def run_backtest(store: Store, progress: Callable[[int, int], None] | None = None) -> Report:
    """Leave-one-round-out backtest over the bundled rounds and the stored processes
    (``progress(done, total)`` after each held-out round)."""
    from treatywatch.stats.backtest import backtest

    return backtest(known_rounds(stored_rounds(store)), progress=progress)

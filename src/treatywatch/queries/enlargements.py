"""Past enlargements and open ones together: member speeds, forecasts and the backtest.

The bundled history (``treatywatch.reference.rounds``) is joined by the processes in the store
(e.g. the imported example), each turned into a round from its stored acts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from treatywatch.errors import NotFoundError
from treatywatch.queries.status import process_status
from treatywatch.store.db import Store

if TYPE_CHECKING:
    from treatywatch.domain.dates import PartialDate
    from treatywatch.domain.model import RatificationAct
    from treatywatch.domain.status import ProcessStatus
    from treatywatch.reference.rounds import Round
    from treatywatch.stats.backtest import Report
    from treatywatch.stats.forecast import Forecast, Model
    from treatywatch.stats.speed import MemberSpeed


def stored_rounds(store: Store, organization: str | None = None) -> list[Round]:
    """The store's processes with a signed protocol, as rounds of their organization."""
    from treatywatch.reference.rounds import Round

    rounds = []
    for p in store.processes():
        if organization and p.organization != organization:
            continue
        milestones = store.milestones(p.slug)
        signed = [m for m in milestones if m.kind in ("protocol_signed", "treaty_signed")]
        if not signed:
            continue
        joined = [m.date for m in milestones if m.kind == "membership"]
        docs = store.documents(p.slug)
        rounds.append(
            Round.from_acts(
                p.slug,
                p.organization,
                signed[0].date,
                store.acts(p.slug),
                candidates=[p.candidate_code],
                membership=joined[0] if joined else None,
                process=f"{p.candidate_name} → {p.organization} ({p.slug}, imported)",
                source_file=docs[0].path if docs else p.slug,
            )
        )
    return rounds


def member_speeds(store: Store, organization: str) -> list[MemberSpeed]:
    """Each member's days from signature to ratification across the rounds known."""
    from treatywatch.stats.speed import speed_table

    org = organization.upper()
    return speed_table(stored_rounds(store, org), organization=org)


def _finished_by(rnd: Round, day: date) -> bool:
    """Whether everything about a past round was known on ``day`` (it had ended)."""
    end = rnd.membership
    if end is None:
        last = [a.date for a in rnd.acts]
        end = max(last, key=lambda d: d.upper()) if last else rnd.signature
    return end.upper() <= day


@lru_cache(maxsize=32)  # the bundled history does not change while the program runs
def model_as_of(as_of: date, signature: PartialDate) -> Model:
    """The forecast model fitted on the bundled rounds that had ended by ``as_of``.

    A forecast "as of" a past day must not learn from rounds that came later; rounds
    signed the same day as the process (its twins) are left out as well.
    """
    from treatywatch.reference.rounds import load_rounds
    from treatywatch.stats.forecast import fit

    rounds = [
        r
        for r in load_rounds()
        if _finished_by(r, as_of) and r.signature.lower() != signature.lower()
    ]
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
    model = model_as_of(status.as_of, signed)
    return forecast(
        signed,
        required,
        acts,
        status.as_of,
        model=model,
        organization=status.process.organization,
    )


def process_forecast(store: Store, query: str, as_of: date | None = None) -> Forecast:
    """When the process will likely complete, from what was known on ``as_of``."""
    status = process_status(store, query, as_of)
    return status_forecast(status, store.acts(status.process.slug))


def run_backtest(store: Store) -> Report:
    """Leave-one-round-out backtest over the bundled rounds and the stored processes."""
    from treatywatch.stats.backtest import backtest

    return backtest(stored_rounds(store))

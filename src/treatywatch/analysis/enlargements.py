"""Past enlargements and open ones together: member speeds, forecasts and the backtest.

The bundled history (``treatywatch.history``) is joined by the processes in the store
(e.g. the imported example), each turned into a round from its stored acts.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from treatywatch.analysis.status import process_status
from treatywatch.store.db import Store

if TYPE_CHECKING:
    from treatywatch.analysis.backtest import Report
    from treatywatch.analysis.forecast import Forecast
    from treatywatch.analysis.speed import MemberSpeed
    from treatywatch.history import Round


def stored_rounds(store: Store, organization: str | None = None) -> list[Round]:
    """The store's processes with a signed protocol, as rounds of their organization."""
    from treatywatch.history import Round

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
    from treatywatch.analysis.speed import speed_table

    org = organization.upper()
    return speed_table(stored_rounds(store, org), organization=org)


def process_forecast(store: Store, query: str, as_of: date | None = None) -> Forecast:
    """When the process will likely complete, from what was known on ``as_of``."""
    from treatywatch.analysis.forecast import forecast

    status = process_status(store, query, as_of)
    if status.protocol_signed is None:
        from treatywatch.errors import NotFoundError

        raise NotFoundError(
            f"{status.process.slug} has no signed protocol or treaty: nothing to forecast yet"
        )
    return forecast(
        status.protocol_signed,
        [m.code for m in status.required],
        store.acts(status.process.slug),
        status.as_of,
        organization=status.process.organization,
    )


def run_backtest(store: Store) -> Report:
    """Leave-one-round-out backtest over the bundled rounds and the stored processes."""
    from treatywatch.analysis.backtest import backtest

    return backtest(stored_rounds(store))

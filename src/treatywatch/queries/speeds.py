"""How fast members ratified: an organization's members, and a process's required members."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from treatywatch.queries.enlargements import (
    known_rounds,
    member_names,
    round_members,
    stored_rounds,
)
from treatywatch.store.db import Store

if TYPE_CHECKING:
    from treatywatch.domain.status import ProcessStatus
    from treatywatch.reference.rounds import Round
    from treatywatch.stats.speed import MemberSpeed


def _speed_table(rounds: Sequence[Round], organization: str) -> list[MemberSpeed]:
    from treatywatch.stats.speed import speed_table

    return speed_table(rounds, organization=organization, names=member_names(round_members(rounds)))


def organization_code(name: str) -> str:
    """The code of the organization a user names (its code, name or an alias, in any case:
    ``schengen``, ``nato``, ``European Union``); a name that is none of them, upper-cased."""
    from treatywatch.reference import resolve_organization

    org = resolve_organization(name)
    return org.code if org is not None else name.upper()


def member_speeds(store: Store, organization: str) -> list[MemberSpeed]:
    """Each member's days from signature to ratification across the rounds known."""
    org = organization_code(organization)
    return _speed_table(known_rounds(stored_rounds(store, org), org), org)


def status_speeds(status: ProcessStatus, rounds: Sequence[Round]) -> list[MemberSpeed]:
    """How fast the required members ratified in the other ``rounds`` signed before the
    status's day, slowest last."""
    org = status.process.organization
    others = [
        r
        for r in rounds
        if r.organization == org
        and r.id != status.process.slug
        and r.signature.upper() < status.as_of
    ]
    required = {m.code for m in status.required}
    rows = _speed_table(others, org)
    return sorted((m for m in rows if m.member_code in required), key=lambda m: m.median_days)

"""Enlargement rounds: the bundled history and the store's processes, loaded in one place.

The bundled history (``treatywatch.reference.rounds``) is joined by the processes in the store
(e.g. the imported example), each turned into a round from its stored acts. The statistics
(:mod:`treatywatch.stats`) are given these rounds; they never load any.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from treatywatch.store.db import Store

if TYPE_CHECKING:
    from treatywatch.domain.dates import PartialDate
    from treatywatch.reference.rounds import Round


def stored_rounds(store: Store, organization: str | None = None) -> list[Round]:
    """The store's processes with a signed protocol, as rounds of their organization."""
    from treatywatch.reference.rounds import Round, load_rounds

    bundled = {r.id for r in load_rounds()}  # stored as processes too: counted once
    # A user's own record of a bundled round (same organization, candidates and signature
    # day, e.g. made with `new`) is that round again: counted once too.
    copies = {(r.organization, frozenset(r.candidates), r.signature.edtf) for r in load_rounds()}
    rounds = []
    for p in store.processes():
        if (organization and p.organization != organization) or p.slug in bundled:
            continue
        milestones = store.milestones(p.slug)
        signed = [m for m in milestones if m.kind in ("protocol_signed", "treaty_signed")]
        if not signed:
            continue
        key = (p.organization, frozenset(p.candidate_codes), signed[0].date.edtf)
        if key in copies:
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
                required=[m.code for m in store.required_members(p.slug)] or None,
                membership=joined[0] if joined else None,
                process=f"{p.candidate_name} → {p.organization} ({p.slug}, imported)",
                source_file=docs[0].path if docs else p.slug,
            )
        )
    return rounds


def known_rounds(stored: Sequence[Round], organization: str | None = None) -> list[Round]:
    """The bundled rounds, then ``stored`` ones (:func:`stored_rounds`); of one organization
    when given."""
    from treatywatch.reference.rounds import load_rounds

    return [
        r for r in (*load_rounds(), *stored) if not organization or r.organization == organization
    ]


def _finished_by(rnd: Round, day: date) -> bool:
    """Whether everything about a past round was known on ``day`` (it had ended)."""
    end = rnd.membership
    if end is None:
        last = [a.date for a in rnd.acts]
        end = max(last, key=lambda d: d.upper()) if last else rnd.signature
    return end.upper() <= day


def rounds_known_on(day: date, signature: PartialDate) -> list[Round]:
    """The bundled rounds that had ended by ``day``, without those signed on ``signature``.

    A forecast "as of" a past day must not learn from rounds that came later; rounds signed
    the same day as the process (its twins) are left out as well.
    """
    from treatywatch.reference.rounds import load_rounds

    return [
        r
        for r in load_rounds()
        if _finished_by(r, day) and r.signature.lower() != signature.lower()
    ]


def member_names(codes: Iterable[str]) -> dict[str, str]:
    """Display names of members by code (the member files' English names, else ISO 3166's)."""
    from treatywatch.reference import country_name

    return {code: country_name(code) for code in set(codes)}


def round_members(rounds: Iterable[Round]) -> set[str]:
    """Every member with an act in the rounds."""
    return {a.member_code for r in rounds for a in r.acts if a.member_code}

"""A process's records as they stood on a day: what the tables, lists and CSVs show.

Read from the store and filtered by the day; nothing is fitted or forecast here (the
overview adds those parts, see :mod:`treatywatch.queries.overview`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from treatywatch.domain.findings import Finding
from treatywatch.domain.model import (
    Document,
    Milestone,
    PartyPosition,
    Poll,
    Problem,
    RatificationAct,
    Relation,
)
from treatywatch.domain.status import ProcessStatus, happened_by
from treatywatch.queries.status import process_status
from treatywatch.sources.reading import given_name
from treatywatch.store.db import Store


@dataclass(frozen=True)
class ProcessRecords:
    status: ProcessStatus
    milestones: list[Milestone]
    acts: list[RatificationAct]
    polls: list[Poll]
    relations: list[Relation]
    positions: list[PartyPosition]
    documents: list[Document]
    problems: list[tuple[str, Problem]]
    findings: list[Finding]
    # Every pollster of the process whatever the day, sorted ("" for none named): the polls
    # chart gives each the same colour on every day.
    pollsters: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return self.status.process.slug

    @property
    def names(self) -> dict[str, str]:
        """Each source document's name as given, by the SHA-256 of its text (never a path
        of this machine: a store written before names were stored as given may hold one)."""
        return {d.sha256: given_name(d.path) for d in self.documents}


def process_records(
    store: Store, query: str, as_of: date | None = None, known_on: date | None = None
) -> ProcessRecords:
    """The process as it stood on a day: records dated after it are left out (and, with
    ``known_on``, records the store learnt after that day). Superseded acts stay in
    ``acts``; the status counts the acts in force."""
    status = process_status(store, query, as_of, known_on)
    slug, day = status.process.slug, status.as_of
    polls = store.polls(slug)
    return ProcessRecords(
        status=status,
        milestones=sorted(
            (m for m in store.milestones(slug, known_on) if happened_by(m.date, day)),
            key=lambda m: m.date.lower(),
        ),
        acts=sorted(
            (a for a in store.acts(slug, known_on=known_on) if happened_by(a.date, day)),
            key=lambda a: a.date.lower(),
        ),
        polls=sorted(
            (p for p in polls if happened_by(p.fieldwork.end, day)),
            key=lambda p: p.fieldwork.lower(),
        ),
        relations=store.relations(slug),
        positions=store.positions(slug),
        documents=store.documents(slug),
        problems=store.problems(slug),
        findings=sorted(store.findings(slug), key=lambda f: (f.severity.rank, f.line_start)),
        pollsters=tuple(sorted({(p.pollster or "").strip() for p in polls})),
    )


def process_polls(
    store: Store, query: str, as_of: date | None = None
) -> tuple[list[Poll], dict[str, str]]:
    """The polls whose fieldwork ended by a day (as ``process_records`` gives them), and the
    names of their documents: what the polls route needs, without reading the rest."""
    slug = store.find_process(query).slug
    day = as_of or date.today()
    polls = sorted(
        (p for p in store.polls(slug) if happened_by(p.fieldwork.end, day)),
        key=lambda p: p.fieldwork.lower(),
    )
    return polls, store.document_paths(slug)

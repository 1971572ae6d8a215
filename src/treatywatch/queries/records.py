"""A process's records as they stood on a day: what the tables, lists and CSVs show.

Read from the store and filtered by the day; nothing is fitted or forecast here (the
overview adds those parts, see :mod:`treatywatch.queries.overview`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from treatywatch import serialize
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
from treatywatch.queries.status import polls_by, process_status
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

    @property
    def slug(self) -> str:
        return self.status.process.slug

    def path_of(self, sha: str) -> str:
        return next((d.path for d in self.documents if d.sha256 == sha), sha[:12])

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": serialize.status(self.status),
            "milestones": [serialize.milestone(m) for m in self.milestones],
            "ratifications": [serialize.act(a) for a in self.acts],
            "polls": [serialize.poll(p) for p in self.polls],
            "party_positions": [serialize.position(p) for p in self.positions],
            "relations": [serialize.relation(r) for r in self.relations],
            "sources": [document(d) for d in self.documents],
            "findings": [{**f.to_dict(), "path": self.path_of(f.document)} for f in self.findings],
            "problems": [
                {"path": path, "kind": p.kind, "line": p.line, "message": p.message}
                for path, p in self.problems
            ],
        }


def document(d: Document) -> dict[str, Any]:
    return {"sha256": d.sha256, "path": d.path, "title": d.title, "lines": d.line_count}


def process_records(store: Store, query: str, as_of: date | None = None) -> ProcessRecords:
    """The process as it stood on a day: records dated after it are left out."""
    status = process_status(store, query, as_of)
    slug, day = status.process.slug, status.as_of
    return ProcessRecords(
        status=status,
        milestones=sorted(
            (m for m in store.milestones(slug) if happened_by(m.date, day)),
            key=lambda m: m.date.lower(),
        ),
        acts=sorted(
            (a for a in store.acts(slug) if happened_by(a.date, day)), key=lambda a: a.date.lower()
        ),
        polls=sorted(polls_by(store, slug, day), key=lambda p: p.fieldwork.lower()),
        relations=store.relations(slug),
        positions=store.positions(slug),
        documents=store.documents(slug),
        problems=store.problems(slug),
        findings=sorted(store.findings(slug), key=lambda f: (f.severity.rank, f.line_start)),
    )

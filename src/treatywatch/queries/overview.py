"""Everything known about a process as of a date: what the page, the report and the API show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from treatywatch.queries.averages import SeriesAverage
    from treatywatch.stats.forecast import Forecast
    from treatywatch.stats.speed import MemberSpeed


@dataclass(frozen=True)
class Overview:
    status: ProcessStatus
    milestones: list[Milestone]
    acts: list[RatificationAct]
    polls: list[Poll]
    relations: list[Relation]
    positions: list[PartyPosition]
    documents: list[Document]
    problems: list[tuple[str, Problem]]
    findings: list[Finding]
    speeds: list[MemberSpeed]

    @property
    def slug(self) -> str:
        return self.status.process.slug

    @cached_property
    def averages(self) -> list[SeriesAverage]:
        """Poll averages as of the overview's date, one per series."""
        from treatywatch.queries.averages import poll_averages

        return poll_averages(self.polls, self.status.as_of)

    @cached_property
    def _forecast(self) -> tuple[Forecast | None, str]:
        from treatywatch.queries.forecasts import forecast_or_reason

        return forecast_or_reason(self.status, self.acts)

    @property
    def forecast(self) -> Forecast | None:
        """The completion forecast as of the overview's date, if one can be made."""
        return self._forecast[0]

    @property
    def no_forecast_reason(self) -> str:
        """Why there is no forecast, when there is none."""
        return self._forecast[1]

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
            "averages": [a.to_dict() for a in self.averages],
            "forecast": f.to_dict() if (f := self.forecast) else None,
            "member_speeds": [m.to_dict() for m in self.speeds],
            "findings": [{**f.to_dict(), "path": self.path_of(f.document)} for f in self.findings],
            "problems": [
                {"path": path, "kind": p.kind, "line": p.line, "message": p.message}
                for path, p in self.problems
            ],
        }


def document(d: Document) -> dict[str, Any]:
    return {"sha256": d.sha256, "path": d.path, "title": d.title, "lines": d.line_count}


def process_overview(store: Store, query: str, as_of: date | None = None) -> Overview:
    """The process as it stood on a day: records dated after it are left out."""
    status = process_status(store, query, as_of)
    slug, day = status.process.slug, status.as_of
    return Overview(
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
        speeds=_speeds(store, status),
    )


def _speeds(store: Store, status: ProcessStatus) -> list[MemberSpeed]:
    """How fast the required members ratified in other rounds signed before the as-of day."""
    from treatywatch.queries.enlargements import known_rounds, stored_rounds
    from treatywatch.queries.speeds import status_speeds

    org = status.process.organization
    return status_speeds(status, known_rounds(stored_rounds(store, org), org))

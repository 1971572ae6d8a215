"""Everything the store holds about a process, for an export: every record (superseded
acts included, marked), the documents that name their sources, and who must ratify."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from treatywatch.domain.model import (
    Document,
    Membership,
    Milestone,
    Organization,
    PartyPosition,
    Poll,
    Process,
    RatificationAct,
)
from treatywatch.domain.status import ProcessStatus
from treatywatch.queries.status import process_status
from treatywatch.reference import organization
from treatywatch.store.db import Store


@dataclass(frozen=True)
class ProcessExport:
    process: Process
    title: str
    organization: Organization
    milestones: list[Milestone]
    acts: list[RatificationAct]  # in the order they were recorded
    polls: list[Poll]
    positions: list[PartyPosition]
    documents: dict[str, Document]  # by SHA-256: to name and quote a fact's source
    status: ProcessStatus  # today, as the store knows it now
    # Who must ratify: the list the process's data gives, whatever the day (a package keeps
    # it even when its signature is not reached today); else the status's, the organization's
    # members on the signature day.
    required: tuple[Membership, ...]

    @property
    def licence(self) -> str | None:
        return next((d.licence for d in self.documents.values() if d.licence), None)


def export_records(store: Store, query: str, today: date | None = None) -> ProcessExport:
    p = store.find_process(query)
    docs = store.documents(p.slug)  # current versions, first imported first
    # The process's title: its first document's (a data package's events table is
    # imported before its other tables and carries the package's title).
    title = docs[0].title if docs else p.slug
    given = store.required_members(p.slug)
    org = organization(p.organization).for_process(given)
    status = process_status(store, p.slug, today)
    return ProcessExport(
        process=p,
        title=title,
        organization=org,
        milestones=store.milestones(p.slug),
        acts=store.acts(p.slug),
        polls=store.polls(p.slug),
        positions=store.positions(p.slug),
        documents={d.sha256: d for d in docs},
        status=status,
        required=tuple(sorted(org.memberships, key=lambda m: m.name)) if given else status.required,
    )

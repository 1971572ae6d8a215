"""Status of a stored process as of a date: the store's records through the domain rules."""

from __future__ import annotations

from datetime import date

from treatywatch.domain.model import Poll
from treatywatch.domain.status import ProcessStatus, happened_by, status_as_of
from treatywatch.store.db import Store


def process_status(
    store: Store, query: str, as_of: date | None = None, known_on: date | None = None
) -> ProcessStatus:
    """Where a process stands on a day (today when no day is given): what had happened by
    ``as_of``, as the store knew it at the end of ``known_on`` (by default, as it knows it
    now)."""
    process = store.find_process(query)
    return status_as_of(
        process,
        store.organization_of(process, known_on=known_on),
        store.milestones(process.slug, known_on=known_on),
        store.acts(process.slug, known_on=known_on),
        as_of or date.today(),
    )


def polls_by(store: Store, query: str, as_of: date | None = None) -> list[Poll]:
    """The process's polls whose fieldwork had ended by a day (today when none), in source order."""
    process = store.find_process(query)
    day = as_of or date.today()
    return [p for p in store.polls(process.slug) if happened_by(p.fieldwork.end, day)]

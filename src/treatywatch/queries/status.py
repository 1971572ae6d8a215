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


def no_polls(store: Store, query: str) -> str | None:
    """Why ``polls`` has nothing to show, when the process's sources have no poll at all."""
    slug = store.find_process(query).slug
    return None if store.has_polls(slug) else f"no opinion polls in the sources of {slug}"


def first_recorded(store: Store, slug: str) -> date | None:
    """The day the store first recorded anything about a process (its oldest change)."""
    changes = store.changes(slug)  # newest first
    return date.fromisoformat(changes[-1].at[:10]) if changes else None


def before_the_record(store: Store, query: str, known_on: date | None) -> str | None:
    """Why ``--known-on`` shows nothing, when the store had recorded nothing about the process
    by then: "nothing about nato-2024-sweden was on record on 2020-01-01: the store first
    recorded it on 2026-12-01"; None otherwise."""
    if known_on is None:
        return None
    slug = store.find_process(query).slug
    first = first_recorded(store, slug)
    if first is None or known_on >= first:
        return None
    return (
        f"nothing about {slug} was on record on {known_on}: the store first recorded it on "
        f"{first} (--known-on shows what the store knew then; --as-of, what had happened by a day)"
    )

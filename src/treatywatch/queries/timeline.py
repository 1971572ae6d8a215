"""A process's timeline: the tables' milestones merged with the events read from the prose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from treatywatch.checks.timeline import TimelineEntry, merge_timeline
from treatywatch.domain.status import in_force
from treatywatch.sources.reading import given_name
from treatywatch.store.db import Store


@dataclass(frozen=True)
class Timeline:
    entries: list[TimelineEntry]
    names: dict[str, str]  # document SHA-256 → the name it was given, to name each source


def process_timeline(
    store: Store, query: str, with_acts: bool = False, known_on: date | None = None
) -> Timeline:
    """Each event once, with every source that states it (table row and prose sentence);
    with ``known_on``, only what the store had learnt by the end of that day."""
    p = store.find_process(query)
    acts = in_force(store.acts(p.slug, known_on=known_on)) if with_acts else []
    entries = merge_timeline(
        store.milestones(p.slug, known_on), store.events(p.slug, known_on), acts
    )
    names = {sha: given_name(path) for sha, path in store.document_paths(p.slug).items()}
    return Timeline(entries, names)

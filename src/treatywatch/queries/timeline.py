"""A process's timeline: the tables' milestones merged with the events read from the prose."""

from __future__ import annotations

from dataclasses import dataclass

from treatywatch.checks.timeline import TimelineEntry, merge_timeline
from treatywatch.store.db import Store


@dataclass(frozen=True)
class Timeline:
    entries: list[TimelineEntry]
    names: dict[str, str]  # document SHA-256 → the name it was given, to name each source


def process_timeline(store: Store, query: str, with_acts: bool = False) -> Timeline:
    """Each event once, with every source that states it (table row and prose sentence)."""
    p = store.find_process(query)
    acts = store.acts(p.slug) if with_acts else []
    entries = merge_timeline(store.milestones(p.slug), store.events(p.slug), acts)
    return Timeline(entries, store.document_paths(p.slug))

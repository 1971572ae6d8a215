"""A process's timeline: the tables' milestones merged with the events read from the prose."""

from __future__ import annotations

from typing import Any

from treatywatch import serialize
from treatywatch.checks.timeline import TimelineEntry, merge_timeline
from treatywatch.store.db import Store


def process_timeline(store: Store, query: str, with_acts: bool = False) -> list[TimelineEntry]:
    """Each event once, with every source that states it (table row and prose sentence)."""
    p = store.find_process(query)
    acts = [a for a in store.acts(p.slug)] if with_acts else []
    return merge_timeline(store.milestones(p.slug), store.events(p.slug), acts)


def entry_dict(e: TimelineEntry, paths: dict[str, str]) -> dict[str, Any]:
    return {
        "kind": e.kind,
        "label": e.label,
        "date": serialize.partial_date(e.date),
        "qualifier": e.qualifier,
        "member_code": e.member_code,
        "sources": [
            {**serialize.provenance(s), "path": paths.get(s.document, s.document)}
            for s in e.sources
        ],
    }

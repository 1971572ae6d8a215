"""A process's timeline: the tables' milestones merged with the events read from the prose."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from treatywatch import serialize
from treatywatch.checks.timeline import TimelineEntry, merge_timeline
from treatywatch.store.db import Store


@dataclass(frozen=True)
class Timeline:
    entries: list[TimelineEntry]
    paths: dict[str, str]  # document SHA-256 → path, to name each source

    def path_of(self, sha: str) -> str:
        return self.paths.get(sha, sha)

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {
                "kind": e.kind,
                "label": e.label,
                "date": serialize.partial_date(e.date),
                "qualifier": e.qualifier,
                "member_code": e.member_code,
                "sources": [
                    {**serialize.provenance(s), "path": self.path_of(s.document)} for s in e.sources
                ],
            }
            for e in self.entries
        ]


def process_timeline(store: Store, query: str, with_acts: bool = False) -> Timeline:
    """Each event once, with every source that states it (table row and prose sentence)."""
    p = store.find_process(query)
    acts = store.acts(p.slug) if with_acts else []
    entries = merge_timeline(store.milestones(p.slug), store.events(p.slug), acts)
    return Timeline(entries, store.document_paths(p.slug))

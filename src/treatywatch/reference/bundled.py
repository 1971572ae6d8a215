"""The bundled past rounds (``data/rounds/``) as files, and storing them as processes.

Kept apart from :mod:`treatywatch.ingest` and :mod:`treatywatch.reference.rounds` so that
every command, which makes sure the store holds them, loads neither the article importer
nor the rounds' parser when nothing changed (only hashes are compared then).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from treatywatch.sources.reading import text_sha

if TYPE_CHECKING:
    from treatywatch.domain.model import ParsedDocument
    from treatywatch.store.db import ImportOutcome, Store

ROUNDS_DIR = "rounds"

# Where a bundled round's table comes from: its file in the package.
BUNDLED_KEY_PREFIX = "bundled:"


def bundled_packages() -> list[tuple[dict[str, Any], str, str]]:
    """Each bundled round's data package: (descriptor, events resource path, its text). The
    history is kept in the data-package layout (``sources.datapackage``), one package a
    round: ``<id>.datapackage.json`` beside its ``<id>.csv`` events table."""
    folder = resources.files("treatywatch") / "data" / ROUNDS_DIR
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".datapackage.json"):
            descriptor = json.loads(entry.read_text(encoding="utf-8"))
            (events,) = [r for r in descriptor["resources"] if r["name"] == "events"]
            text = (folder / events["path"]).read_text(encoding="utf-8")
            out.append((descriptor, events["path"], text))
    return out


def load_bundled_rounds(store: Store) -> list[ImportOutcome]:
    """Store every bundled past round (one data package a round) as a process, unless the
    store already holds its table's current text: a fresh store gets them on first use, a
    store written by an older treatywatch gets the changed tables as new versions. Only
    hashes are compared when nothing changed (nothing is parsed)."""
    todo: list[ParsedDocument] = []
    for descriptor, path, text in bundled_packages():
        name = f"{ROUNDS_DIR}/{path}"
        if store.unchanged_outcome(text_sha(text), name, set()) is not None:
            continue
        # Only a changed or new table needs the data-package reader (and its parsers).
        from treatywatch.sources.datapackage import PackageInput, package_documents

        pkg = PackageInput(ROUNDS_DIR, descriptor, {"events": text}, {"events": path})
        todo += package_documents(
            pkg,
            lambda rel: f"{BUNDLED_KEY_PREFIX}{ROUNDS_DIR}/{rel}",
            lambda rel: f"{ROUNDS_DIR}/{rel}",
        )
    return store.import_documents(todo) if todo else []

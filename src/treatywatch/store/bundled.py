"""The bundled past rounds stored as processes, on first use and when a table changed.

Kept apart from :mod:`treatywatch.ingest` so that every command, which makes sure the store
holds them, loads neither the importers nor the checks when nothing changed (only hashes
are compared then).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from treatywatch.reference.bundled import ROUNDS_DIR, bundled_packages, bundled_text
from treatywatch.sources.reading import text_sha

if TYPE_CHECKING:
    from treatywatch.domain.model import ParsedDocument
    from treatywatch.store.db import ImportOutcome, Store

# Where a bundled round's table comes from: its file in the package.
BUNDLED_KEY_PREFIX = "bundled:"


def _texts(
    descriptor: dict[str, Any], path: str, text: str
) -> tuple[dict[str, str], dict[str, str]]:
    """A bundled package's tables: its events and, where given, its members (who must ratify,
    where the organization has no member list), by resource name: texts and paths."""
    texts, paths = {"events": text}, {"events": path}
    for r in descriptor["resources"]:
        if r["name"] == "members":
            texts["members"], paths["members"] = bundled_text(r["path"]), r["path"]
    return texts, paths


def read_bundled(
    descriptor: dict[str, Any], texts: dict[str, str], paths: dict[str, str]
) -> list[ParsedDocument]:
    """A bundled round's tables read and checked, as any data package's are (as ingest's
    read_records checks them; the store is below ingest, so it calls the checks itself)."""
    from treatywatch.checks import check_package
    from treatywatch.sources.datapackage import PackageInput, package_documents

    pkg = PackageInput(ROUNDS_DIR, descriptor, texts, paths)
    return check_package(
        package_documents(
            pkg,
            lambda rel: f"{BUNDLED_KEY_PREFIX}{ROUNDS_DIR}/{rel}",
            lambda rel: f"{ROUNDS_DIR}/{rel}",
        )
    )


def bundled_documents() -> list[ParsedDocument]:
    """Every bundled round's tables, read and checked by this version."""
    out: list[ParsedDocument] = []
    for descriptor, path, text in bundled_packages():
        out += read_bundled(descriptor, *_texts(descriptor, path, text))
    return out


def load_bundled_rounds(store: Store) -> list[ImportOutcome]:
    """Store every bundled past round (one data package a round) as a process, unless the
    store already holds its table's current text: a fresh store gets them on first use, a
    store written by an older treatywatch gets the changed tables as new versions. Only
    hashes are compared when nothing changed (nothing is parsed)."""
    todo: list[ParsedDocument] = []
    for descriptor, path, text in bundled_packages():
        texts, paths = _texts(descriptor, path, text)
        if all(
            store.unchanged_outcome(text_sha(t), f"{ROUNDS_DIR}/{paths[k]}", set()) is not None
            for k, t in texts.items()
        ):
            continue
        # Only a changed or new table needs the data-package reader (and its parsers) and
        # the checks.
        todo += read_bundled(descriptor, texts, paths)
    return store.import_documents(todo) if todo else []

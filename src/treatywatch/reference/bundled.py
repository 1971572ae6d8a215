"""The bundled past rounds (``data/rounds/``) as files: their data packages' text.

Kept apart from :mod:`treatywatch.reference.rounds` (the rounds' parser) so that every
command, which makes sure the store holds them (:mod:`treatywatch.store.bundled`), reads
their text without loading the parser.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

ROUNDS_DIR = "rounds"


def bundled_text(path: str) -> str:
    """The text of a file in the bundled rounds' folder (a package's resource)."""
    folder = resources.files("treatywatch") / "data" / ROUNDS_DIR
    return (folder / path).read_text(encoding="utf-8")


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

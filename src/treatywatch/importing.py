"""Import documents into the store: read, parse, then store in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from treatywatch.domain.model import ParsedDocument
from treatywatch.errors import ProblemsError
from treatywatch.sources.article import parse
from treatywatch.sources.reading import read_document
from treatywatch.store.db import ImportOutcome, Store


def read_paths(paths: Sequence[str | Path]) -> list[ParsedDocument]:
    """Read and parse every document first, so that a bad one stops before any write."""
    parsed = []
    for path in paths:
        text, _sha = read_document(path)
        parsed.append(parse(text, path))
    return parsed


def import_paths(
    store: Store, paths: Sequence[str | Path], strict: bool = False
) -> list[ImportOutcome]:
    """Import documents as one transaction; with ``strict``, any unreadable row aborts it."""
    parsed = read_paths(paths)
    if strict:
        for p in parsed:
            if p.problems:
                first = p.problems[0]
                raise ProblemsError(
                    f"{p.document.path}:{first.line}: {first.message} "
                    f"({len(p.problems)} problem(s); --strict: nothing imported)"
                )
    return store.import_documents(parsed)

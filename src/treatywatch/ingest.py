"""Import documents into the store: read each once, check it, then store them at once.

One pass a document: :func:`read_document` reads the file and hashes its text; the importer
(``sources.article.parse``) splits the text into blocks once and reads its tables, lists and
prose from them; the checks read those facts; :meth:`DocumentFacts.checked` builds the frozen
:class:`ParsedDocument`. :func:`read_text` is that pass; every caller goes through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from treatywatch.checks import run_checks
from treatywatch.domain.model import ParsedDocument
from treatywatch.errors import ProblemsError
from treatywatch.reference import organization
from treatywatch.sources.article import parse
from treatywatch.sources.reading import read_document
from treatywatch.store.db import ImportOutcome, Store


def read_text(text: str, path: str | Path, sha: str | None = None) -> ParsedDocument:
    """An article's text read and checked; ``sha`` is its SHA-256 when the caller has it."""
    facts = parse(text, path, sha)
    return facts.checked(run_checks(facts, organization(facts.process.organization)))


def read_path(path: str | Path) -> ParsedDocument:
    """A document file read once and checked, without touching the store."""
    text, sha = read_document(path)
    return read_text(text, path, sha)


def import_paths(
    store: Store, paths: Sequence[str | Path], strict: bool = False
) -> list[ImportOutcome]:
    """Import documents as one transaction; with ``strict``, any unreadable row aborts it."""
    read = [read_path(path) for path in paths]  # all read before any write
    if strict:
        for r in read:
            if r.problems:
                first = r.problems[0]
                raise ProblemsError(
                    f"{r.document.path}:{first.line}: {first.message} "
                    f"({len(r.problems)} problem(s); --strict: nothing imported)"
                )
    return store.import_documents(read)

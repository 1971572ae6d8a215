"""Import documents into the store: read, parse, read the prose, check, then store at once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from treatywatch.domain.model import ParsedDocument
from treatywatch.errors import ProblemsError
from treatywatch.sources.article import parse
from treatywatch.sources.reading import read_document
from treatywatch.store.db import ImportOutcome, Store


def enrich(parsed: ParsedDocument) -> ParsedDocument:
    """Add what the prose says and what the checks find to a parsed document.

    A member's step named in the prose (a senate vote, a head of state's signature, a
    deposit) becomes one more act of that member, unless the tables already date the
    same act: then the two dates are a contradiction for the checks to report, not a
    second act (the example's prose dates Spain's ratification 10 May; its table, 18 May).
    """
    from treatywatch.checks import run_checks
    from treatywatch.reference import organization
    from treatywatch.sources.prose import read_prose

    org = organization(parsed.process.organization)
    reading = read_prose(parsed, org)
    parsed.events = reading.events
    dated = {(a.member_code, a.kind) for a in parsed.acts}
    parsed.prose_acts = [
        a for a in reading.acts if a.member_code and (a.member_code, a.kind) not in dated
    ]
    parsed.findings = run_checks(parsed, org, prose=reading)
    return parsed


def read_paths(paths: Sequence[str | Path]) -> list[ParsedDocument]:
    """Read, parse and check every document first, so that a bad one stops before any write."""
    parsed = []
    for path in paths:
        text, _sha = read_document(path)
        parsed.append(enrich(parse(text, path)))
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

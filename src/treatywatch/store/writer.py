"""Writing what was read from documents: one current version per source, records replaced
with their document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from treatywatch.domain.model import ParsedDocument, Problem
from treatywatch.errors import StoreError
from treatywatch.store.session import Session
from treatywatch.store.tables import (
    ACTS,
    DOCUMENTS,
    FINDINGS,
    MILESTONES,
    PARTY_POSITIONS,
    POLLS,
    PROBLEMS,
    PROCESSES,
    PROSE_EVENTS,
    RECORD_TABLES,
    RELATIONS,
    Table,
)


@dataclass
class ImportOutcome:
    """What importing one document did to the store."""

    path: str
    process: str
    action: str  # "imported", "unchanged" or "replaced"
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    replaced: str | None = None  # sha256 of the version it replaced


# (what the outcome counts it as, its table, its records, columns the import gives them)
Contents = tuple[tuple[str, Table[Any], Sequence[Any], dict[str, str]], ...]


def contents(p: ParsedDocument) -> Contents:
    """Each kind of record a parsed document holds, in the order they are written."""
    return (
        ("milestones", MILESTONES, p.milestones, {}),
        ("ratifications", ACTS, p.acts, {"origin": "table"}),
        ("polls", POLLS, p.polls, {}),
        ("relations", RELATIONS, p.relations, {}),
        ("party_positions", PARTY_POSITIONS, p.positions, {}),
        ("problems", PROBLEMS, p.problems, {}),
        ("prose_events", PROSE_EVENTS, p.events, {}),
        ("prose_acts", ACTS, p.prose_acts, {"origin": "prose"}),
        ("findings", FINDINGS, p.findings, {}),
    )


def import_document(session: Session, p: ParsedDocument) -> ImportOutcome:
    """Store one document's records in the caller's transaction, replacing the current
    version of the same source; an unchanged document changes nothing."""
    doc, proc = p.document, p.process
    parts = contents(p)
    counts = {name: len(records) for name, _, records, _ in parts}
    out = ImportOutcome(doc.path, proc.slug, "imported", counts, list(p.problems))
    current = session.mappings(
        "SELECT sha256 FROM documents WHERE source_key = ? AND superseded_by IS NULL",
        (doc.source_key,),
    )
    old = current[0]["sha256"] if current else None
    if old == doc.sha256:
        out.action = "unchanged"
        return out
    scope = {"process_slug": proc.slug, "document_sha": doc.sha256}
    try:  # every row first: a value the store cannot keep stops the import before it writes
        process = PROCESSES.row(proc, {})
        document = DOCUMENTS.row(doc, {"process_slug": proc.slug, "imported_at": now()})
        rows = [(t, [t.row(r, scope | given) for r in records]) for _, t, records, given in parts]
    except StoreError as e:
        raise StoreError(f"cannot store {doc.path}: {e}; nothing was imported") from None
    if old is not None:
        delete_records(session, old)
        session.execute(
            "UPDATE documents SET superseded_by = ?, superseded_at = ? WHERE sha256 = ?",
            (doc.sha256, now(), old),
        )
        out.action, out.replaced = "replaced", old
    session.execute(PROCESSES.insert_sql("ON CONFLICT (slug) DO NOTHING"), process)
    session.execute(
        DOCUMENTS.insert_sql(
            "ON CONFLICT (sha256) DO UPDATE SET superseded_by = NULL, superseded_at = NULL,"
            " path = excluded.path, imported_at = excluded.imported_at"
        ),
        document,
    )
    delete_records(session, doc.sha256)
    for table, values in rows:
        session.execute_many(table.insert_sql(), values)
    return out


def delete_records(session: Session, sha: str) -> None:
    """Delete every record read from a document (each table's ``document_sha`` is indexed)."""
    for table in RECORD_TABLES:
        session.execute(f"DELETE FROM {table.name} WHERE document_sha = ?", (sha,))  # noqa: S608


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")

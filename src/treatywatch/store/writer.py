"""Writing what was read from documents: one current version per source, records replaced
with their document."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from treatywatch.domain.changes import READ_AGAIN, Change, Records, diff, first_version
from treatywatch.domain.model import ParsedDocument, Problem
from treatywatch.errors import StoreError
from treatywatch.store.session import Session
from treatywatch.store.tables import (
    ACTS,
    CHANGES,
    DOCUMENTS,
    FINDINGS,
    MILESTONES,
    PARTS,
    POLLS,
    PROBLEMS,
    PROCESSES,
    RECORD_TABLES,
    Table,
)

# Each record table with the rows of one document's records.
RecordRows = list[tuple[Table[Any], list[tuple[Any, ...]]]]


@dataclass
class ImportOutcome:
    """What importing one document did to the store."""

    path: str
    process: str
    action: str  # "imported", "unchanged" or "replaced"
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    replaced: str | None = None  # sha256 of the version it replaced
    changes: list[str] = field(default_factory=list)  # what it changed in the record


def import_document(
    session: Session, p: ParsedDocument, imported_at: str | None = None
) -> ImportOutcome:
    """Store one document's records in the caller's transaction, replacing the current
    version of the same source; an unchanged document changes nothing. ``imported_at``
    (ISO 8601) is when the store learnt it: now, unless a recorded fact says otherwise."""
    doc, proc = p.document, p.process
    counts = {part.count: len(part.records(p)) for part in PARTS}
    out = ImportOutcome(doc.path, proc.slug, "imported", counts, list(p.problems))
    current = session.mappings(
        "SELECT sha256 FROM documents WHERE source_key = ? AND superseded_by IS NULL",
        (doc.source_key,),
    )
    old = current[0]["sha256"] if current else None
    if old == doc.sha256:
        out.action = "unchanged"
        return out
    try:  # every row first: a value the store cannot keep stops the import before it writes
        process = PROCESSES.row(proc, {})
        when = imported_at or now()
        document = DOCUMENTS.row(doc, {"process_slug": proc.slug, "imported_at": when})
        rows = _record_rows(p)
    except StoreError as e:
        raise StoreError(f"cannot store {doc.path}: {e}; nothing was imported") from None
    new = _records(p)
    out.changes = first_version(new) if old is None else diff(_stored(session, old), new)
    change = Change(
        f"{doc.sha256}@{when}",
        proc.slug,
        doc.sha256,
        old,
        doc.source_key,
        doc.path,
        when,
        "imported" if old is None else "replaced",
        tuple(out.changes),
    )
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
    _write_records(session, doc.sha256, rows)
    _add_change(session, change)
    return out


def _stored(session: Session, sha: str) -> Records:
    """The records stored from one document version: what a new version is compared with."""

    def read(table: Table[Any]) -> list[Any]:
        return [
            table.record(r) for r in session.mappings(table.select_sql("document_sha = ?"), (sha,))
        ]

    return Records(read(MILESTONES), read(ACTS), read(POLLS), read(FINDINGS))


def reread_document(session: Session, p: ParsedDocument) -> None:
    """Replace what was read from a stored document's current version by ``p``, the same
    text read again by this version's readers, in the caller's transaction: its records and
    findings change, the document, its history and what each version changed stay. What the
    new reading changed, if anything, is told in a change of its own ("read again")."""
    doc = p.document
    try:
        rows = _record_rows(p)
    except StoreError as e:
        raise StoreError(f"cannot store {doc.path} read again: {e}") from None
    lines = diff(_stored(session, doc.sha256), _records(p))
    _write_records(session, doc.sha256, rows)
    if lines:
        when = now()
        key = f"{doc.sha256}@{when}#read-again"
        where = (doc.source_key, doc.path, when)
        _add_change(
            session, Change(key, p.process.slug, doc.sha256, None, *where, READ_AGAIN, tuple(lines))
        )


def _record_rows(p: ParsedDocument) -> RecordRows:
    """Every record of ``p`` as its table's row (a value the store cannot keep raises
    :class:`StoreError` before anything is written)."""
    scope = {"process_slug": p.process.slug, "document_sha": p.document.sha256}
    return [
        (part.table, [part.table.row(r, scope | dict(part.given)) for r in part.records(p)])
        for part in PARTS
    ]


def _records(p: ParsedDocument) -> Records:
    """The records a change of ``p``'s document is told in."""
    return Records(p.milestones, (*p.acts, *p.prose_acts), p.polls, p.findings)


def _write_records(session: Session, sha: str, rows: RecordRows) -> None:
    """A document's records replaced by ``rows``."""
    delete_records(session, sha)
    for table, values in rows:
        session.execute_many(table.insert_sql(), values)


def _add_change(session: Session, change: Change) -> None:
    session.execute(
        CHANGES.insert_sql("ON CONFLICT (change_key) DO NOTHING"), CHANGES.row(change, {})
    )


def unchanged_outcome(
    session: Session, sha: str, path: str, replaced: Collection[str] = ()
) -> ImportOutcome | None:
    """What importing this text again reports when it is the current version of its source
    ("unchanged", with the counts and problems stored from it), so that it need not be
    parsed; None when it is not, or when its source is among ``replaced`` (the sources that
    documents before it in the same import replace)."""
    found = session.mappings(
        "SELECT process_slug, source_key FROM documents WHERE sha256 = ? AND superseded_by IS NULL",
        (sha,),
    )
    if not found or found[0]["source_key"] in replaced:
        return None
    counts = {}
    for part in PARTS:
        where = "".join(f" AND {column} = ?" for column, _ in part.given)
        n = session.mappings(
            f"SELECT COUNT(*) AS n FROM {part.table.name} WHERE document_sha = ?{where}",  # noqa: S608
            (sha, *(value for _, value in part.given)),
        )
        counts[part.count] = n[0]["n"]
    problems = session.mappings(PROBLEMS.select_sql("document_sha = ?"), (sha,))
    return ImportOutcome(
        path,
        found[0]["process_slug"],
        "unchanged",
        counts,
        [PROBLEMS.record(r) for r in problems],
    )


def delete_records(session: Session, sha: str) -> None:
    """Delete every record read from a document (each table's ``document_sha`` is indexed)."""
    for table in RECORD_TABLES:
        session.execute(f"DELETE FROM {table.name} WHERE document_sha = ?", (sha,))  # noqa: S608


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")

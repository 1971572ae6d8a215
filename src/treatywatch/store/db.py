"""The store: all of treatywatch's SQL, parameterised, over DB-API.

SQLite (the standard library) by default; PostgreSQL through psycopg 3 when the
URL is ``postgresql://…``. SQL is written once with ``?`` placeholders and kept
portable. Schema changes are ordered migrations recorded in ``schema_migrations``.

The store's modules: :mod:`~treatywatch.store.connection` opens connections,
:mod:`~treatywatch.store.session` runs SQL on one, :mod:`~treatywatch.store.schema` holds
the migrations, :mod:`~treatywatch.store.tables` maps each record type to its table, and
:mod:`~treatywatch.store.writer` imports documents; :class:`Store` (here) ties them together
and answers the queries.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from treatywatch.domain.changes import Change
from treatywatch.domain.findings import Finding
from treatywatch.domain.model import (
    Document,
    Milestone,
    Organization,
    ParsedDocument,
    PartyPosition,
    Poll,
    Problem,
    Process,
    ProseEvent,
    RatificationAct,
    Relation,
    RequiredMember,
)
from treatywatch.errors import NotFoundError, StoreError
from treatywatch.reference import organization
from treatywatch.sources.reading import given_name
from treatywatch.store import cache as store_cache
from treatywatch.store.cache import READER_VERSION_KEY
from treatywatch.store.connection import (
    MIGRATION_LOCK,
    WRITE_LOCK,
    connect_postgres,
    connect_sqlite,
    is_postgres,
    sqlite_path,
)
from treatywatch.store.schema import migrations as _migrations
from treatywatch.store.schema import statements
from treatywatch.store.session import Session, named
from treatywatch.store.tables import (
    ACTS,
    CHANGES,
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
    REQUIRED_MEMBERS,
    Table,
)
from treatywatch.store.writer import (
    ImportOutcome,
    import_document,
    now,
    reread_document,
    unchanged_outcome,
)

__all__ = ["ENV_VAR", "ImportOutcome", "Store", "default_url"]

ENV_VAR = "TREATYWATCH_DB"
R = TypeVar("R")


def default_url() -> str:
    """``$TREATYWATCH_DB``, else a SQLite file in the user's data directory."""
    if url := os.environ.get(ENV_VAR):
        return url
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("treatywatch", appauthor=False)) / "treatywatch.db")


# What a store read again by this version holds: findings per document (process, document
# SHA-256, findings) and the stored documents read again.
Readings = tuple[Sequence[tuple[Process, str, Sequence[Finding]]], Sequence[ParsedDocument]]


class Store(Session):
    """A connection to the store. Use :meth:`open`; close it (or use ``with``)."""

    @classmethod
    def open(cls, url: str | None = None, *, readonly: bool = False) -> Store:
        """Open the store at ``url``; a writer brings its schema up to date first.

        ``readonly`` (the web server's requests) never migrates and cannot write; it
        refuses a store whose schema is not the one this version knows.
        """
        url = url or default_url()
        if is_postgres(url):
            store = cls(connect_postgres(url, readonly), "postgresql")
        else:
            store = cls(connect_sqlite(sqlite_path(url), readonly), "sqlite")
        try:
            if readonly:
                store.require_current_schema()
            else:
                store.migrate()
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def memory(cls) -> Store:
        return cls.open(":memory:")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- migrations ---------------------------------------------------------
    def schema_version(self) -> int:
        """The newest migration applied (0 for an empty store)."""
        try:
            found = named(
                self.conn.execute("SELECT MAX(version) AS version FROM schema_migrations")
            )
        except self._errors:
            return 0  # no schema_migrations table yet
        return int(found[0]["version"] or 0)

    def require_current_schema(self) -> None:
        have, want = self.schema_version(), _migrations()[-1][0]
        if have != want:
            raise StoreError(
                f"the store is at schema version {have}, this treatywatch needs {want}: "
                "open it once with a command that writes (e.g. `treatywatch processes`)"
            )

    def migrate(self) -> list[int]:
        """Apply the migrations not yet recorded; return the versions applied.

        Under the writers' lock, so that two processes opening a fresh store cannot both
        create it; all pending migrations apply in one transaction (DDL is transactional
        on both backends).
        """
        known = _migrations()
        latest = known[-1][0]
        current = self.schema_version()
        if current > latest:
            raise StoreError(
                f"the store is at schema version {current}, newer than this treatywatch knows"
            )
        if current == latest:
            return []
        applied = []
        with self.transaction(lock=MIGRATION_LOCK):
            self.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            done = {r["version"] for r in self.mappings("SELECT version FROM schema_migrations")}
            for version, name, sql in known:
                if version in done:
                    continue
                for statement in statements(sql, self.dialect):
                    self.execute(statement)
                self.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, now()),
                )
                applied.append(version)
            made = {name for version, name, _ in known if version in applied}
            if not done and "store_state" in made:  # a new store: this version checks it all
                store_cache.set_state(self, READER_VERSION_KEY, store_cache.reader_version())
        return applied

    def schema_versions(self) -> list[tuple[int, str]]:
        rows = self.mappings("SELECT version, name FROM schema_migrations ORDER BY version")
        return [(r["version"], r["name"]) for r in rows]

    # -- import -------------------------------------------------------------
    def import_documents(
        self, parsed: Sequence[ParsedDocument], imported_at: str | None = None
    ) -> list[ImportOutcome]:
        """Store what was read from documents, all in one transaction (learnt now, or at
        ``imported_at``, ISO 8601)."""
        with self.transaction(lock=WRITE_LOCK):
            return [import_document(self, p, imported_at) for p in parsed]

    def unchanged_outcome(
        self, sha: str, path: str, replaced: Collection[str] = ()
    ) -> ImportOutcome | None:
        """What importing the text with this SHA-256 again reports, without parsing it; None
        when it must be read (see :func:`~treatywatch.store.writer.unchanged_outcome`)."""
        return unchanged_outcome(self, sha, path, replaced)

    # -- queries ------------------------------------------------------------
    def _records(
        self,
        table: Table[R],
        slug: str,
        where: str = "",
        *params: Any,
        known_on: date | None = None,
    ) -> list[R]:
        """A table's records of a process's current documents, in the table's order; with
        ``known_on``, only those of documents the store had by the end of that day."""
        if known_on is not None:
            where += " AND document_sha IN (SELECT sha256 FROM documents WHERE imported_at < ?)"
            params = (*params, (known_on + timedelta(days=1)).isoformat())
        sql = table.select_sql("process_slug = ?" + where)
        return [table.record(row) for row in self.mappings(sql, (slug, *params))]

    def processes(self) -> list[Process]:
        return [PROCESSES.record(row) for row in self.mappings(PROCESSES.select_sql())]

    def find_process(self, query: str) -> Process:
        """A process by slug, or by its candidate's name or code (case-insensitive)."""
        q = query.strip().lower()
        for p in self.processes():
            if q in (p.slug, p.candidate_name.lower(), p.candidate_code.lower()):
                return p
        known = (
            ", ".join(p.slug for p in self.processes()) or "none; run 'treatywatch import' first"
        )
        raise NotFoundError(f"no process {query!r} in the store (known: {known})")

    def milestones(self, slug: str, known_on: date | None = None) -> list[Milestone]:
        return self._records(MILESTONES, slug, known_on=known_on)

    def acts(
        self, slug: str, origin: str | None = None, known_on: date | None = None
    ) -> list[RatificationAct]:
        """Members' acts: from the tables and the prose, or those of one ``origin``
        (``"table"`` or ``"prose"``), in the order they were stored."""
        if origin is None:
            return self._records(ACTS, slug, known_on=known_on)
        return self._records(ACTS, slug, " AND origin = ?", origin, known_on=known_on)

    def polls(self, slug: str, known_on: date | None = None) -> list[Poll]:
        return self._records(POLLS, slug, known_on=known_on)

    def has_polls(self, slug: str) -> bool:
        """Whether the process has a poll, without reading its polls (there may be 10**6)."""
        sql = f"SELECT 1 FROM {POLLS.name} WHERE process_slug = ? LIMIT 1"  # noqa: S608
        return bool(self.rows(sql, (slug,)))

    def events(self, slug: str, known_on: date | None = None) -> list[ProseEvent]:
        """Dated events read from the prose of the process's current documents."""
        return self._records(PROSE_EVENTS, slug, known_on=known_on)

    def findings(self, slug: str) -> list[Finding]:
        """The checks' findings on the process's current documents, by line."""
        return self._records(FINDINGS, slug)

    def relations(self, slug: str) -> list[Relation]:
        return self._records(RELATIONS, slug)

    def document_records(self, sha: str) -> dict[str, Any]:
        """What was read from one document's tables (not its prose): the fields of a
        :class:`~treatywatch.domain.model.DocumentRecords` beside its document and process."""

        def read(table: Table[Any], extra: str = "", *params: Any) -> tuple[Any, ...]:
            sql = table.select_sql("document_sha = ?" + extra)
            return tuple(table.record(r) for r in self.mappings(sql, (sha, *params)))

        return {
            "milestones": read(MILESTONES),
            "acts": read(ACTS, " AND origin = ?", "table"),
            "polls": read(POLLS),
            "relations": read(RELATIONS),
            "positions": read(PARTY_POSITIONS),
            "problems": read(PROBLEMS),
            "required": read(REQUIRED_MEMBERS),
        }

    def read_by_this_version(self) -> bool:
        """Whether the current documents were read and checked by this version's readers and
        checks (:func:`~treatywatch.store.cache.reader_version`); a store created by this
        version is marked so when created (:meth:`migrate`)."""
        return store_cache.state(self, READER_VERSION_KEY) == store_cache.reader_version()

    def replace_readings(
        self,
        readings: Callable[[], Readings],
    ) -> int:
        """The store read and checked by this version, unless another process did so
        meanwhile: ``readings()`` gives each document's findings (process, document SHA-256,
        findings) and the stored documents read again (each replaces its records and
        findings), and the store is marked as checked by this version, in one transaction.
        ``readings`` runs while this holds the writer's lock, so that a store opened by many
        at once after an upgrade is read once. How many documents it read and checked (0:
        another process had)."""
        with self.transaction(lock=WRITE_LOCK):
            if self.read_by_this_version():
                return 0
            found, reread = readings()
            for p in reread:
                reread_document(self, p)
            for process, sha, findings in found:
                self.execute("DELETE FROM findings WHERE document_sha = ?", (sha,))
                scope = {"process_slug": process.slug, "document_sha": sha}
                self.execute_many(FINDINGS.insert_sql(), [FINDINGS.row(f, scope) for f in findings])
            store_cache.set_state(self, READER_VERSION_KEY, store_cache.reader_version())
        return len(found) + len(reread)

    def organization_of(self, process: Process, known_on: date | None = None) -> Organization:
        """The process's organization as the process sees it: who must ratify is its own
        members table where its data gives one (:meth:`Organization.for_process`), else the
        organization's member list."""
        members = self.required_members(process.slug, known_on=known_on)
        return organization(process.organization).for_process(members)

    def required_members(self, slug: str, known_on: date | None = None) -> list[RequiredMember]:
        """The members the process's own data names as required to ratify (none: the
        organization's member list on the signature day decides)."""
        return self._records(REQUIRED_MEMBERS, slug, known_on=known_on)

    def positions(self, slug: str, known_on: date | None = None) -> list[PartyPosition]:
        return self._records(PARTY_POSITIONS, slug, known_on=known_on)

    def documents(self, slug: str, include_superseded: bool = False) -> list[Document]:
        where = "process_slug = ?" + ("" if include_superseded else " AND superseded_by IS NULL")
        return [DOCUMENTS.record(r) for r in self.mappings(DOCUMENTS.select_sql(where), (slug,))]

    def document_paths(self, slug: str | None = None) -> dict[str, str]:
        """SHA-256 → path (as given) of the current documents of a process, or of every
        process: to name a fact's source. Reads neither the texts nor any other column."""
        sql = "SELECT sha256, path FROM documents WHERE superseded_by IS NULL"
        rows = self.rows(sql) if slug is None else self.rows(sql + " AND process_slug = ?", (slug,))
        # As given; a store written before names were kept holds absolute paths: their names.
        return {sha: given_name(path) for sha, path in rows}

    def document(self, sha: str) -> Document:
        """A stored document (any version) by its SHA-256."""
        rows = self.mappings(DOCUMENTS.select_sql("sha256 = ?"), (sha,))
        if not rows:
            raise NotFoundError(f"no document {sha!r} in the store")
        return DOCUMENTS.record(rows[0])

    def changes(self, slug: str, limit: int | None = None) -> list[Change]:
        """What each version of the process's sources changed, newest first."""
        sql = CHANGES.select_sql("process_slug = ?", "at DESC, id DESC")
        rows = self.mappings(
            sql + (" LIMIT ?" if limit else ""), (slug, limit) if limit else (slug,)
        )
        return [CHANGES.record(r) for r in rows]

    def document_history(self, source_key: str) -> list[tuple[str, str, str | None]]:
        """(sha256, imported_at, superseded_by) of every version of a source, oldest first."""
        rows = self.mappings(
            "SELECT sha256, imported_at, superseded_by FROM documents WHERE source_key = ?"
            " ORDER BY imported_at",
            (source_key,),
        )
        return [(r["sha256"], r["imported_at"], r["superseded_by"]) for r in rows]

    def problems(self, slug: str) -> list[tuple[str, Problem]]:
        """(path of its document, problem) for the process's current documents."""
        rows = self.mappings(
            f"SELECT d.path AS document_path, {PROBLEMS.select('p')} FROM problems p"
            " JOIN documents d ON d.sha256 = p.document_sha"
            " WHERE d.process_slug = ? AND d.superseded_by IS NULL ORDER BY p.id",
            (slug,),
        )
        return [(r["document_path"], PROBLEMS.record(r)) for r in rows]

    def table_counts(self) -> dict[str, int]:
        """Rows per table: for tests that a failed import left nothing behind."""
        every: list[Table[Any]] = [DOCUMENTS, PROCESSES, CHANGES, *RECORD_TABLES]
        return {
            t.name: self.mappings(f"SELECT COUNT(*) AS n FROM {t.name}")[0]["n"]  # noqa: S608
            for t in every
        }

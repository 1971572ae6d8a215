"""The table declarations match the schema and the records, and every query is served by an
index (no query scans a record table: replacing documents stays linear)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from treatywatch.domain.model import ParsedDocument
from treatywatch.ingest import import_paths
from treatywatch.store.db import Store
from treatywatch.store.tables import DOCUMENTS, PARTS, PROCESSES, RECORD_TABLES, SCOPE, Group

TABLES = (DOCUMENTS, PROCESSES, *RECORD_TABLES)
EXAMPLE = (
    Path(__file__).resolve().parents[1] / "src/treatywatch/examples/montenegro-nato-relations.txt"
)


def schema(store: Store, table: str) -> dict[str, bool]:
    """Column → NOT NULL (or primary key), as the migrations made the table."""
    return {r[1]: bool(r[3] or r[5]) for r in store.rows(f"PRAGMA table_info({table})")}


def test_every_column_of_every_table_is_declared_with_its_nullability(store: Store) -> None:
    bookkeeping = {"id", "superseded_by", "superseded_at"}  # the store's own columns
    for table in TABLES:
        columns = schema(store, table.name)
        assert set(table.columns) == set(columns) - bookkeeping, table.name
        for c in table.field_columns:
            assert c.nullable == (not columns[c.name]), f"{table.name}.{c.name}"


def test_every_field_of_every_record_is_declared() -> None:
    for table in TABLES:
        record = table.make
        assert isinstance(record, type) and dataclasses.is_dataclass(record)
        declared = {f.field if isinstance(f, Group) else f.attr for f in table.fields}
        assert declared == {f.name for f in dataclasses.fields(record)}, table.name
        for group in (f for f in table.fields if isinstance(f, Group)):
            inner = {c.attr for c in group.columns} | {name for name, _ in group.fixed}
            assert isinstance(group.make, type) and dataclasses.is_dataclass(group.make)
            assert inner == {f.name for f in dataclasses.fields(group.make)}, table.name


def test_every_record_a_parsed_document_holds_has_a_table() -> None:
    """Every field of a ParsedDocument is stored: its document and process, or by a part."""
    fields = {f.name for f in dataclasses.fields(ParsedDocument)}
    assert fields == {"document", "process"} | {part.field for part in PARTS}
    assert len({part.count for part in PARTS}) == len(PARTS)


def plans(store: Store, statements: list[str]) -> dict[str, list[str]]:
    """SQLite's query plan of each statement."""
    return {sql: [r[3] for r in store.rows(f"EXPLAIN QUERY PLAN {sql}")] for sql in statements}


def test_every_query_filters_joins_and_deletes_through_an_index(tmp_path: Path) -> None:
    """Run an import, a replacing import and every query, and ask SQLite how it ran each
    statement that reads or deletes: none scans a whole documents or record table."""
    changed = tmp_path / "changed.txt"
    text = EXAMPLE.read_text(encoding="utf-8")
    changed.write_text(text.replace("| Oct 2014 | | 43.75 | 56.25 | 12.5 |\n", ""), "utf-8")
    with Store.open(str(tmp_path / "s.db")) as store:
        import_paths(store, [EXAMPLE])
        seen: list[str] = []
        store.conn.set_trace_callback(seen.append)
        import_paths(store, [changed])
        import_paths(store, [changed])  # unchanged: its counts and problems are read back
        slug = "montenegro-nato"
        for query in ("milestones", "polls", "relations", "positions", "events", "findings"):
            getattr(store, query)(slug)
        store.acts(slug)
        store.acts(slug, origin="prose")
        store.problems(slug)
        for d in store.documents(slug, include_superseded=True):
            store.document(d.sha256)
            store.document_history(d.source_key)
        store.conn.set_trace_callback(None)
        checked = [s for s in seen if s.lstrip().upper().startswith(("SELECT", "DELETE", "UPDATE"))]
        assert len(checked) > 20
        watched = {t.name for t in (DOCUMENTS, *RECORD_TABLES)}
        for sql, plan in plans(store, checked).items():
            scans = [
                step for step in plan if step.startswith("SCAN") and step.split()[1] in watched
            ]
            assert not scans, f"{sql[:120]} → {plan}"


# The columns the store's queries look rows up by: a record table's process and document (its
# records are read by process and deleted by document), a document's hash, source and process.
LOOKED_UP = {
    DOCUMENTS.name: {"sha256", "source_key", "process_slug"},
    PROCESSES.name: {"slug"},
    **{t.name: set(SCOPE) & set(t.given) for t in RECORD_TABLES},
}


def indexed(store: Store, table: str) -> set[str]:
    """The columns that lead an index (a primary key's included) of a table."""
    if store.dialect == "sqlite":
        names = [r[1] for r in store.rows(f"PRAGMA index_list({table})")]
        return {store.rows(f"PRAGMA index_info({name})")[0][2] for name in names}
    rows = store.rows(
        "SELECT a.attname FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indrelid"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]"
        " WHERE c.relname = ?",
        (table,),
    )
    return {r[0] for r in rows}


def test_every_column_a_query_looks_up_by_is_indexed_on_every_backend(any_store: Store) -> None:
    """On SQLite and PostgreSQL alike, each such column leads an index of its own."""
    assert LOOKED_UP["problems"] == {"document_sha"}  # read through its document
    for table in (DOCUMENTS, PROCESSES, *RECORD_TABLES):
        assert LOOKED_UP[table.name], table.name
        missing = LOOKED_UP[table.name] - indexed(any_store, table.name)
        assert not missing, f"{table.name}: no index on {sorted(missing)}"


def test_a_dropped_index_is_seen_on_every_backend(any_store: Store) -> None:
    any_store.execute("DROP INDEX polls_document")
    assert "document_sha" not in indexed(any_store, "polls")
    assert "process_slug" in indexed(any_store, "polls")


def test_a_table_without_its_index_is_caught(tmp_path: Path) -> None:
    """The check above sees a missing index (as before migration 3: quadratic replacing)."""
    with Store.open(str(tmp_path / "s.db")) as store:
        store.execute("DROP INDEX polls_document")
        plan = plans(store, ["DELETE FROM polls WHERE document_sha = 'x'"])
        assert any(step.startswith("SCAN polls") for step in next(iter(plan.values())))


def test_tables_read_by_name() -> None:
    """Every declared column is read from a row by its name: a row with its columns in
    another order gives the same record."""
    from treatywatch.domain.dates import PartialDate
    from treatywatch.domain.model import Milestone, Provenance
    from treatywatch.store.tables import MILESTONES

    m = Milestone("signed", "Signed", PartialDate(2016, 5), Provenance("s", 3, 4, True, "why"))
    row = dict(
        zip(
            MILESTONES.columns,
            MILESTONES.row(m, {"process_slug": "p", "document_sha": "s"}),
            strict=True,
        )
    )
    assert MILESTONES.record(dict(reversed(list(row.items())))) == m

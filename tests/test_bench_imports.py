"""The import benchmarks time real imports: new documents, then changed versions, never the
early return for a document already stored (a tiny run of `make bench`'s code)."""

from __future__ import annotations

from benchmarks.imports import bench_import_example, bench_import_many, bench_reread


def test_import_many_imports_then_replaces_distinct_documents() -> None:
    result = bench_import_many(documents=6, batch=3)
    assert [b["documents"] for b in result["import"]["batches"]] == [3, 6]
    assert [b["documents"] for b in result["replace"]["batches"]] == [3, 6]
    # Six current versions and the six they replaced; one process per candidate.
    assert result["stored"]["documents"] == 12
    assert result["stored"]["processes"] == 6
    assert result["stored"]["polls"] == 6 * 28  # the current versions' 27 polls and one more
    assert result["import"]["growth"]["last_over_first"] > 0


def test_import_example_imports_into_a_fresh_store_each_run() -> None:
    result = bench_import_example(repeat=2)
    assert result["open_migrate_and_import"]["runs"] == 2
    assert 0 < result["import"]["best_s"] <= result["import"]["median_s"]


def test_reread_reads_every_stored_document_again() -> None:
    from treatywatch.store.bundled import bundled_documents

    # Two and three articles, each with the bundled tables (23: 20 rounds' events, 3 members
    # tables): every one read again.
    tables = len(bundled_documents())
    assert tables == 23
    result = bench_reread(sizes=(2, 3))
    assert result["2"]["documents"] == 2 + tables and result["3"]["documents"] == 3 + tables
    assert result["2"]["seconds"] > 0 and result["last_over_first_ms_per_document"] > 0

"""The store: round trip, idempotent re-import, versions, transactions, migrations.

Every test here runs on SQLite and on PostgreSQL (the ``any_store``/``store_url`` fixtures).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from treatywatch.ingest import import_paths, read_text
from treatywatch.store.db import Store


@pytest.fixture
def store(any_store: Store) -> Store:
    """This module's store: one per backend."""
    return any_store


def test_round_trip(store: Store, example_text: str) -> None:
    doc = read_text(example_text, "example.txt")
    store.import_documents([doc])
    slug = doc.process.slug
    assert store.milestones(slug) == list(doc.milestones)
    assert store.acts(slug) == list(doc.acts + doc.prose_acts)
    assert store.polls(slug) == list(doc.polls)
    assert store.relations(slug) == list(doc.relations)
    assert store.positions(slug) == list(doc.positions)
    assert store.documents(slug)[0].text == example_text


def test_has_polls_answers_without_reading_them(store: Store, example_text: str) -> None:
    doc = read_text(example_text, "example.txt")
    assert not store.has_polls(doc.process.slug)
    store.import_documents([doc])
    assert store.has_polls(doc.process.slug) and not store.has_polls("no-such-process")


def test_reimport_changes_nothing_and_says_so(store: Store, example_text: str) -> None:
    first = store.import_documents([read_text(example_text, "a.txt")])[0]
    before = store.table_counts()
    again = store.import_documents([read_text(example_text, "a.txt")])[0]
    assert (first.action, again.action) == ("imported", "unchanged")
    assert store.table_counts() == before


def test_changed_version_replaces_and_keeps_the_old_on_record(
    store: Store, example_text: str
) -> None:
    old = read_text(example_text, "a.txt")
    store.import_documents([old])
    changed = example_text.replace("| Oct 2014 | | 43.75 | 56.25 | 12.5 |\n", "")
    out = store.import_documents([read_text(changed, "a.txt")])[0]
    assert out.action == "replaced" and out.replaced == old.document.sha256
    assert len(store.polls("montenegro-nato")) == 26
    history = store.document_history(old.document.source_key)
    assert [h[0] for h in history][0] == old.document.sha256
    assert history[0][2] is not None and history[1][2] is None
    assert len(store.documents("montenegro-nato", include_superseded=True)) == 2


def test_failed_import_leaves_nothing_behind(store: Store, example_text: str) -> None:
    good = read_text(example_text, "a.txt")
    bad = read_text(example_text.replace("Montenegro–NATO", "Albania–NATO"), "b.txt")
    object.__setattr__(bad.polls[3], "fieldwork", None)  # breaks inside the transaction
    with pytest.raises(AttributeError):
        store.import_documents([good, bad])
    assert all(n == 0 for n in store.table_counts().values())


def test_migrations_are_recorded_once(store_url: str) -> None:
    with Store.open(store_url) as s:
        assert s.schema_versions() == [
            (1, "initial"),
            (2, "prose_and_findings"),
            (3, "one_current_version"),
            (4, "source_and_origin"),
            (5, "packages_and_corrections"),
            (6, "changes"),
            (7, "derived_cache"),
            (8, "milestone_tallies"),
            (9, "required_members"),
            (10, "store_state"),
        ]
    with Store.open(store_url) as s:
        assert s.migrate() == []


def test_import_paths_reads_everything_before_writing(
    store: Store, tmp_path: Path, example_text: str
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(example_text, encoding="utf-8")
    from treatywatch.errors import InputError

    with pytest.raises(InputError):
        import_paths(store, [good, tmp_path / "missing.txt"])
    assert store.table_counts()["documents"] == 0


def test_prose_events_findings_and_prose_acts_round_trip(store: Store, example_text: str) -> None:
    doc = read_text(example_text, "a.txt")
    out = store.import_documents([doc])[0]
    assert out.counts["findings"] == len(doc.findings) > 0
    assert store.findings("montenegro-nato") == sorted(
        doc.findings, key=lambda f: (f.line_start, doc.findings.index(f))
    )
    assert store.events("montenegro-nato") == list(doc.events)
    assert store.acts("montenegro-nato") == list(doc.acts + doc.prose_acts)

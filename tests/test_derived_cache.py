"""Derived results are computed once per process, document versions and day, kept in the
store's derived_cache table, and recomputed when a document changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import EXAMPLE
from treatywatch.ingest import import_paths
from treatywatch.queries import derived as derived_module
from treatywatch.queries.derived import derived, forget_memory
from treatywatch.queries.overview import process_overview
from treatywatch.store.cache import documents_fingerprint
from treatywatch.store.db import Store
from treatywatch.store.readers import Readers
from treatywatch.web import app as web_app
from treatywatch.web.app import create_app, warm_derived

SLUG = "montenegro-nato"
DAY = date(2016, 12, 31)
ANCHOR = "| Oct 2014 | | 43.75 | 56.25 | 12.5 |\n"


@pytest.fixture(autouse=True)
def _fresh_memory() -> Iterator[None]:
    forget_memory()
    yield
    forget_memory()


def _changed_example(tmp_path: Path) -> Path:
    """The example with one more poll row: a new version of the same article."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert ANCHOR in text
    path = tmp_path / EXAMPLE.name
    path.write_text(
        text.replace(ANCHOR, ANCHOR + "| 1 Jan 2018 | TestPoll | 41.0 | 59.0 | 18.0 |\n")
    )
    return path


def _poll_count(store: Store, calls: list[int]) -> Any:
    def compute() -> int:
        calls.append(1)
        return len(process_overview(store, SLUG, DAY).records.polls) + len(store.polls(SLUG))

    return derived(store, SLUG, "test-polls", DAY, compute)


def _rows(store: Store) -> list[tuple[Any, ...]]:
    return store.rows("SELECT process_slug, kind, as_of, fingerprint FROM derived_cache")


def test_computed_once_then_read_from_the_store(any_store: Store) -> None:
    import_paths(any_store, [EXAMPLE])
    calls: list[int] = []
    first = _poll_count(any_store, calls)
    assert _poll_count(any_store, calls) == first and calls == [1]  # from memory
    forget_memory()  # as a new process would: from the store's table
    assert _poll_count(any_store, calls) == first and calls == [1]
    assert _rows(any_store) == [
        (SLUG, "test-polls", "2016-12-31", documents_fingerprint(any_store))
    ]


def test_a_changed_document_gives_a_new_result(any_store: Store, tmp_path: Path) -> None:
    import_paths(any_store, [EXAMPLE])
    calls: list[int] = []
    before = _poll_count(any_store, calls)
    old_fingerprint = documents_fingerprint(any_store)
    (outcome,) = import_paths(any_store, [_changed_example(tmp_path)])
    assert outcome.action == "replaced"
    assert documents_fingerprint(any_store) != old_fingerprint
    forget_memory()
    after = _poll_count(any_store, calls)
    assert calls == [1, 1]
    assert after == before + 1  # the new row is in the total count of stored polls
    # The old fingerprint's row is gone; only the new one is kept.
    assert [r[3] for r in _rows(any_store)] == [documents_fingerprint(any_store)]


def test_another_day_or_kind_is_another_result(store: Store) -> None:
    import_paths(store, [EXAMPLE])
    calls: list[int] = []
    derived(store, SLUG, "k", DAY, lambda: calls.append(1) or 1)
    derived(store, SLUG, "k", date(2017, 1, 1), lambda: calls.append(1) or 2)
    derived(store, SLUG, "other", DAY, lambda: calls.append(1) or 3)
    assert len(calls) == 3 and len(_rows(store)) == 3


def test_read_only_connections_keep_results_in_memory(tmp_path: Path) -> None:
    db = str(tmp_path / "ro.db")
    with Store.open(db) as s:
        import_paths(s, [EXAMPLE])
    readers = Readers(db)
    calls: list[int] = []
    with readers.connect() as ro:
        first = derived(ro, SLUG, "k", DAY, lambda: calls.append(1) or [1, 2])
        again = derived(ro, SLUG, "k", DAY, lambda: calls.append(1) or [1, 2])
    assert first == again == [1, 2] and calls == [1]
    with Store.open(db) as s:
        assert _rows(s) == []  # a read-only connection wrote nothing


def test_a_code_change_is_a_new_key(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import_paths(store, [EXAMPLE])
    derived(store, SLUG, "k", DAY, lambda: 1)
    forget_memory()
    monkeypatch.setattr(derived_module, "code_version", lambda: "another")
    assert derived(store, SLUG, "k", DAY, lambda: 2) == 2


def test_the_server_reads_what_warming_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "web.db")
    with Store.open(db) as s:
        import_paths(s, [EXAMPLE])
    assert warm_derived(db, DAY, [SLUG]) == 1
    with Store.open(db) as s:
        kinds = {r[1] for r in _rows(s) if r[0] == SLUG}
    assert kinds == {"page-charts", "forecast", "averages-daily"}
    forget_memory()

    def no_charts(*args: object) -> None:
        raise AssertionError("the charts were computed again")

    monkeypatch.setattr(web_app, "process_charts", no_charts)
    with TestClient(create_app(db)) as client:
        page = client.get(f"/processes/{SLUG}?as_of={DAY}")
        assert page.status_code == 200 and 'data-chart="chart-polls"' in page.text
        with pytest.raises(AssertionError, match="computed again"):
            client.get(f"/processes/{SLUG}?as_of=2016-12-30")


def test_the_server_follows_a_new_version(client: TestClient, tmp_path: Path) -> None:
    url = f"/api/v1/processes/{SLUG}/average?as_of=2018-02-01"
    before = client.get(url).json()["averages"]
    db = client.app.state.db
    with Store.open(db) as s:
        import_paths(s, [_changed_example(tmp_path)])
    after = client.get(url).json()["averages"]
    assert [a["polls"] for a in after] == [before[0]["polls"] + 1]

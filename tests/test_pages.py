"""Server-rendered pages: readable without JavaScript, accessible, escaped."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import EXAMPLE, Cli
from treatywatch.domain.dates import PartialDate
from treatywatch.ingest import import_paths
from treatywatch.queries.records import process_records
from treatywatch.render.reading import checks_in_view, say_date
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


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    ancestors: list[Element]
    text: str = ""


class Elements(HTMLParser):
    """Every element with its attributes, its ancestors and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.all: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        e = Element(tag, {k: v or "" for k, v in attrs}, list(self.open))
        self.all.append(e)
        if tag not in VOID:
            self.open.append(e)

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for e in self.open:
            e.text += data


def elements(html: str) -> list[Element]:
    p = Elements()
    p.feed(html)
    return p.all


def by_id(html: str, id_: str) -> Element:
    (e,) = [e for e in elements(html) if e.attrs.get("id") == id_]
    return e


def test_process_page_reads_without_javascript(client: TestClient) -> None:
    html = client.get("/processes/montenegro-nato", params={"as_of": "2016-12-31"}).text
    o = outline(html)
    assert o.tags.count("h1") == 1
    assert {"header", "main", "footer", "nav"} <= set(o.tags)
    assert o.tags.count("th") > 10 and o.tags.count("caption") >= 3
    assert "11 of 28" in html and ">17</span> pending" in html
    assert html.count('role="img"') == 6  # timeline, map, curve, forecast, speeds, polls
    # Each chart's alternative is read once: a short name on the image, the caption once, as
    # the figure's caption (not also as the image's description).
    charts = [e for e in elements(html) if e.attrs.get("role") == "img"]
    captions = {e.attrs["id"]: e.text for e in elements(html) if e.tag == "figcaption"}
    for c in charts:
        caption = captions["caption-" + c.attrs["id"].removeprefix("chart-")]
        assert c.attrs["aria-label"] and c.attrs["aria-label"] != caption
        assert "aria-describedby" not in c.attrs
    assert "ratified" in captions["caption-map"]  # the map's text alternative


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


@pytest.mark.parametrize("bad", ["152017-01-01", "garbage", "2017-13", "2016-02-30"])
def test_a_bad_as_of_gives_a_page_with_the_form_again(client: TestClient, bad: str) -> None:
    r = client.get("/processes/montenegro-nato", params={"as_of": bad})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert {"header", "main", "footer", "nav"} <= set(outline(html).tags)  # the layout
    message = by_id(html, "error-message").text
    assert f"“{bad}” is not a date" in message and "YYYY-MM" in message
    assert "query" not in message and "Input should" not in message  # no validator text
    form = [e for e in elements(html) if e.tag == "form"][0]
    assert form.attrs["action"] == "/processes/montenegro-nato"
    assert by_id(html, "as_of").attrs["name"] == "as_of"
    assert by_id(html, "back").attrs["href"] == "/processes/montenegro-nato"
    # The API keeps its JSON error shape.
    api = client.get("/api/v1/processes/montenegro-nato/status", params={"as_of": bad})
    assert api.status_code == 422 and set(api.json()) == {"error"}


def test_a_bad_as_of_is_shown_escaped(client: TestClient) -> None:
    r = client.get("/processes/montenegro-nato", params={"as_of": "<b>x</b>"})
    assert r.status_code == 422 and "<b>x</b>" not in r.text and "&lt;b&gt;x&lt;/b&gt;" in r.text


@pytest.mark.parametrize(
    ("given", "day", "words"),
    [("2017-05", "2017-05-31", "31 May 2017"), ("2016", "2016-12-31", "31 December 2016")],
)
def test_as_of_a_month_or_a_year_is_its_last_day(
    client: TestClient, given: str, day: str, words: str
) -> None:
    html = client.get("/processes/montenegro-nato", params={"as_of": given}).text
    assert f'<time datetime="{day}">' in html and words in by_id(html, "headline").text


def test_headline_and_pending_members_top_the_page(client: TestClient) -> None:
    today = client.get("/processes/montenegro-nato").text
    assert by_id(today, "headline").text == (
        "Joined 5 June 2017; the last to ratify was Spain (18 May 2017)."
    )
    then = client.get("/processes/montenegro-nato", params={"as_of": "2016-12-31"}).text
    assert by_id(then, "headline").text == (
        "11 of 28 members had ratified by 31 December 2016; 17 pending."
    )
    pending = by_id(then, "pending").text.split(", ")
    assert len(pending) == 17 and "Spain" in pending and "United States" in pending
    assert then.index('id="headline"') < then.index('id="status-h"') < then.index('id="timeline-h"')
    before = client.get("/processes/nato-2024-sweden", params={"as_of": "1993-06-30"}).text
    assert by_id(before, "headline").text == "Nothing had happened by 30 June 1993."
    # Sweden joined the Partnership for Peace on 9 May 1994 (a candidate's row of its round).
    partner = client.get("/processes/nato-2024-sweden", params={"as_of": "2020-06-30"}).text
    assert by_id(partner, "headline").text == (
        "On 30 June 2020: Partnership for Peace; no protocol or treaty signed yet."
    )


def test_checks_come_after_the_record_collapsed_to_a_count(client: TestClient) -> None:
    html = client.get("/processes/montenegro-nato").text
    link = by_id(html, "checks-link")
    assert link.attrs["href"] == "#checks" and link.text == "2 errors, 5 warnings, 9 notes"
    assert html.index('id="status-h"') < html.index('id="timeline-h"')
    assert html.index('id="parties-h"') < html.index('id="checks-h"') < html.index('id="sources-h"')
    table = by_id(html, "findings-table")
    assert any(a.tag == "details" for a in table.ancestors)  # collapsed until asked for


def test_checks_follow_the_as_of_date(client: TestClient) -> None:
    def rows(html: str) -> list[Element]:
        return [
            e for e in elements(html) if e.tag == "tr" and "finding-" in e.attrs.get("class", "")
        ]

    today = client.get("/processes/montenegro-nato").text
    then = client.get("/processes/montenegro-nato", params={"as_of": "2016-12-31"}).text
    assert 0 < len(rows(then)) < len(rows(today)) == 16
    summary = " ".join(by_id(then, "checks-summary").text.split())
    left_out = len(rows(today)) - len(rows(then))
    assert "dated by 2016-12-31" in summary and f"{left_out} other findings" in summary


def test_checks_in_view_keep_findings_on_lines_of_records_dated_by_then() -> None:
    with Store.memory() as store:
        import_paths(store, [EXAMPLE])
        records = process_records(store, "montenegro-nato", date(2016, 12, 31))
    cv = checks_in_view(records, today=date(2026, 1, 1))
    assert (
        not cv.complete and cv.findings and cv.left_out == len(records.findings) - len(cv.findings)
    )
    provenances = [m.provenance for m in records.milestones] + [a.provenance for a in records.acts]
    provenances += [p.provenance for p in records.polls]
    lines = {(p.document, n) for p in provenances for n in range(p.line_start, p.line_end + 1)}
    for f in cv.findings:
        assert any((f.document, n) in lines for n in range(f.line_start, f.line_end + 1)), f
    # The view of today (or later) shows every finding.
    whole = checks_in_view(records, today=date(2016, 12, 31))
    assert whole.complete and whole.findings == records.findings and whole.left_out == 0


@pytest.mark.parametrize(
    ("d", "words"),
    [
        (PartialDate(2017, 6, 5), "5 June 2017"),
        (PartialDate(2017, 6), "June 2017"),
        (PartialDate(2017), "2017"),
        (date(2016, 12, 31), "31 December 2016"),
    ],
)
def test_dates_are_said_as_a_reader_writes_them(d: PartialDate | date, words: str) -> None:
    assert say_date(d) == words


def test_every_table_scrolls_in_its_own_named_box(client: TestClient) -> None:
    sha = client.get("/api/v1/processes/montenegro-nato/sources").json()["sources"][0]["sha256"]
    for url in ("/", "/processes/montenegro-nato?as_of=2017-01-20", f"/documents/{sha}"):
        html = client.get(url).text
        tables = [e for e in elements(html) if e.tag == "table"]
        for t in tables:
            box = t.ancestors[-1]
            assert box.attrs.get("class") == "scroll" and box.attrs.get("role") == "region", url
            assert box.attrs.get("tabindex") == "0" and box.attrs.get("aria-label"), url
        skip = [e for e in elements(html) if e.tag == "a"][0]  # the first link
        assert skip.attrs["href"] == "#main" and by_id(html, "main").tag == "main"


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


def test_cached_charts_keep_their_names(client: TestClient) -> None:
    """The page's charts come from the derived cache on later requests: each keeps its
    short accessible name (the cache kept only spec and caption at first)."""
    first = client.get("/processes/montenegro-nato").text
    again = client.get("/processes/montenegro-nato").text
    labels = [re.findall(r'role="img" aria-label="([^"]*)"', html) for html in (first, again)]
    assert labels[0] == labels[1] and len(labels[0]) >= 4
    assert not any(label.endswith(" chart") for label in labels[1])  # not the fallback name


def test_a_page_is_rendered_once_per_documents_and_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process page is kept per document versions and day: a second request is not
    rendered again; a new version of the article renders it anew, with the change."""
    from treatywatch.ingest import import_paths
    from treatywatch.queries.derived import forget_memory
    from treatywatch.store.db import Store
    from treatywatch.web import app as web

    forget_memory()
    calls: list[str] = []
    real = web.process_overview

    def counted(*args: object, **kwargs: object) -> object:
        calls.append("overview")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(web, "process_overview", counted)
    db = str(tmp_path / "p.db")
    article = tmp_path / "montenegro-nato-relations.txt"
    text = EXAMPLE.read_text(encoding="utf-8")
    article.write_text(text, encoding="utf-8")
    with Store.open(db) as s:
        import_paths(s, [article])
    with TestClient(web.create_app(db)) as c:
        first = c.get("/processes/montenegro-nato", params={"as_of": "2016-12-31"}).text
        again = c.get("/processes/montenegro-nato", params={"as_of": "2016-12-31"}).text
        assert first == again and calls == ["overview"]
        other_day = c.get("/processes/montenegro-nato", params={"as_of": "2016-06-30"}).text
        assert calls == ["overview", "overview"] and other_day != first
        article.write_text(text.replace("| | 2016-09-06 |", "| | 2016-09-07 |"), encoding="utf-8")
        with Store.open(db) as s:
            import_paths(s, [article])
        changed = c.get("/processes/montenegro-nato", params={"as_of": "2016-12-31"}).text
    assert len(calls) == 3 and "2016-09-07" in changed and "2016-09-07" not in first


def test_a_process_without_polls_says_so_in_one_line(client: TestClient) -> None:
    # No empty chart frame, empty table and CSV link: the round's sources have no polls.
    page = client.get("/processes/nato-2024-sweden").text
    assert by_id(page, "no-polls").text == "No opinion polls in the sources."
    assert 'id="poll-table"' not in page and "polls.csv" not in page
    # A process with polls, on a day before its first: its chart says none had been published.
    example = client.get("/processes/montenegro-nato", params={"as_of": "2006-01-01"}).text
    assert 'id="no-polls"' not in example and 'id="poll-table"' in example


def test_the_home_page_says_whose_record_is_complete(client: TestClient) -> None:
    # As `processes` does: "12 of 12" ratified is not a complete record.
    home = client.get("/").text
    found = re.findall(r'<a href="/processes/([^"]+)">.*?<td>([^<]*)</td>\s*</tr>', home, re.S)
    rows = {slug: unescape(record) for slug, record in found}
    assert rows["eu-1995-austria-finland-sweden"] == "12 members' dates missing"
    assert rows["nato-2023-finland"] == "complete"
    assert rows["schengen-1997-austria"] == "member list unknown"


def test_an_event_after_the_stage_is_on_the_page_and_in_the_cli(
    client: TestClient, cli: Cli
) -> None:
    # Sweden applied on 2022-05-18, a step NATO's procedure does not name: its stage stays
    # "Partnership for Peace" (1994) until the invitation, and the status says what followed.
    page = client.get("/processes/nato-2024-sweden", params={"as_of": "2022-06-02"}).text
    assert by_id(page, "latest-event").text == "Application, 2022-05-18"
    assert "then Application, 18 May 2022;" in by_id(page, "headline").text
    later = client.get("/processes/nato-2024-sweden", params={"as_of": "2022-07-01"}).text
    assert 'id="latest-event"' not in later
    r = cli("status", "nato-2024-sweden", "--as-of", "2022-06-02")
    assert r.code == 0, r.err
    assert "stage: Partnership for Peace\nlatest: Application, 2022-05-18\n" in r.out

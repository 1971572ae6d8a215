"""The JSON API: every endpoint, one success shape, one error shape, a valid OpenAPI document."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

P = "/api/v1/processes/montenegro-nato"


def test_openapi_document_is_valid(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    validate(doc)
    assert f"{P.replace('montenegro-nato', '{slug}')}/status" in doc["paths"]


def test_processes_and_status(client: TestClient) -> None:
    data = client.get("/api/v1/processes").json()
    # Issue 11: the bundled past rounds are processes too, beside the imported example.
    from treatywatch.reference.rounds import load_rounds

    bundled = {r.id for r in load_rounds()}
    assert {p["process"] for p in data["processes"]} == {"montenegro-nato"} | bundled
    s = client.get(f"{P}/status", params={"as_of": "2016-12-31"}).json()
    assert (s["ratified_count"], s["required_count"], len(s["pending"])) == (11, 28, 17)
    assert client.get(f"{P}/status").json()["member_since"]["edtf"] == "2017-06-05"


def test_process_overview_matches_the_date(client: TestClient) -> None:
    early = client.get(P, params={"as_of": "2016-12-31"}).json()
    assert len(early["ratifications"]) == 11
    assert all(p["fieldwork"]["end"]["latest"] <= "2016-12-31" for p in early["polls"])
    assert {m["kind"] for m in early["milestones"]} >= {"invitation", "protocol_signed"}
    assert "membership" not in {m["kind"] for m in early["milestones"]}
    full = client.get(P).json()
    assert len(full["polls"]) == 27 and len(full["party_positions"]) == 6


def test_lists_and_sources(client: TestClient) -> None:
    assert len(client.get(f"{P}/milestones").json()["milestones"]) == 8
    r = client.get(f"{P}/ratifications", params={"as_of": "2017-05-10"}).json()
    assert r["ratified_count"] == 27
    spain = next(m for m in r["members"] if m["code"] == "ES")
    # Its table row (2017-05-18) is later than the day: not shown, not cited (issue 13).
    assert spain["state"] == "pending" and spain["acts"] == [] and spain["provenance"] is None
    us = next(m for m in r["members"] if m["code"] == "US")
    assert us["provenance"]["line_start"] == 28 and us["acts"][-1]["provenance"]["inferred"]
    assert len(client.get(f"{P}/polls").json()["polls"]) == 27
    sources = client.get(f"{P}/sources").json()["sources"]
    assert sources[0]["lines"] == 158
    doc = client.get(f"/api/v1/documents/{sources[0]['sha256']}").json()
    assert doc["text_lines"][110] == "| | 2017-05-18 |"


def test_chart_specs(client: TestClient) -> None:
    for kind in ("timeline", "map", "ratifications", "polls"):
        c = client.get(f"{P}/charts/{kind}").json()
        assert c["spec"]["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        assert c["caption"]


@pytest.mark.parametrize(
    "table,rows",
    [
        ("milestones", 8),
        ("ratifications", 28),
        ("polls", 27),
        ("sources", 1),
        ("positions", 6),
        ("findings", 16),
    ],
)
def test_csv_downloads(client: TestClient, table: str, rows: int) -> None:
    r = client.get(f"{P}/{table}.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(r.text)))) == rows


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/processes/atlantis",
        "/api/v1/processes/atlantis/status",
        "/api/v1/processes/atlantis/polls",
        f"{P}/charts/pie",
        f"{P}/nothing.csv",
        "/api/v1/documents/0000",
    ],
)
def test_unknown_things_are_404_in_the_error_shape(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404
    assert set(r.json()) == {"error"} and r.json()["error"]["status"] == 404


@pytest.mark.parametrize("bad", ["2016-13-01", "yesterday", "31/12/2016"])
def test_malformed_dates_are_422(client: TestClient, bad: str) -> None:
    for url in (f"{P}/status", P, f"{P}/ratifications"):
        r = client.get(url, params={"as_of": bad})
        assert r.status_code == 422 and "as_of" in r.json()["error"]["message"]


def test_every_api_route_answers_an_object(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    for path in doc["paths"]:
        url = (
            path.replace("{slug}", "montenegro-nato")
            .replace("{kind}", "map")
            .replace("{table}", "polls")
            .replace("{code}", "NATO")
        )
        if "{sha}" in url:
            sha = client.get(f"{P}/sources").json()["sources"][0]["sha256"]
            url = url.replace("{sha}", sha)
        r = client.get(url)
        assert r.status_code == 200, url
        if not url.endswith(".csv"):
            assert isinstance(r.json(), dict), url


def test_findings_and_merged_timeline(client: TestClient) -> None:
    data = client.get(f"{P}/findings").json()
    assert data["summary"]["by_severity"]["error"] == 2
    lead = [f for f in data["findings"] if f["rule"] == "poll-lead-mismatch"]
    assert sorted(f["provenance"]["line_start"] for f in lead) == [35, 44]
    timeline = client.get(f"{P}/timeline").json()["timeline"]
    invitation = [e for e in timeline if e["kind"] == "invitation"]
    assert len(invitation) == 1 and len(invitation[0]["sources"]) >= 2


def test_average_endpoint_and_chart_band(client: TestClient) -> None:
    (avg,) = client.get(f"{P}/average").json()["averages"]
    assert set(avg["house_effects"]) == {"CEDEM", "CISR/IRI", "DAMAR", "Ipsos", "NSPM"}
    assert len(avg["curve"]) > 3000  # daily
    spec = client.get(f"{P}/charts/polls").json()["spec"]
    marks = json.dumps(spec)
    assert '"area"' in marks and '"line"' in marks  # the average's band and line


def test_forecast_and_members_endpoints(client: TestClient) -> None:
    f = client.get(f"{P}/forecast", params={"as_of": "2017-01-20"}).json()["forecast"]
    assert f["completed"] is False and f["completion"]["median"] > "2017-01-20"
    assert client.get(f"{P}/forecast").json()["forecast"]["completed"] is True
    assert client.get(f"{P}/charts/forecast", params={"as_of": "2017-01-20"}).status_code == 200
    assert client.get(f"{P}/charts/forecast").status_code == 404  # complete: no forecast
    members = client.get("/api/v1/organizations/NATO/members").json()["members"]
    assert any(m["member"]["code"] == "TR" for m in members)
    schengen = client.get("/api/v1/organizations/schengen/members").json()
    assert schengen["organization"] == "Schengen" and len(schengen["members"]) == 8
    r = client.get("/api/v1/organizations/ATLANTIS/members")
    assert r.status_code == 404 and r.json()["error"]["status"] == 404


@pytest.mark.parametrize("bad", ["0", "1500000000", "2016-1-1", "2016-12-31T00:00", "20161231"])
def test_as_of_is_strictly_a_calendar_day(client: TestClient, bad: str) -> None:
    for url in (f"{P}/status", f"{P}/polls.csv", "/processes/montenegro-nato"):
        r = client.get(url, params={"as_of": bad})
        assert r.status_code == 422, (url, bad)
    error = client.get(f"{P}/status", params={"as_of": bad}).json()["error"]
    assert error == {
        "status": 422,
        "message": f"query.as_of: {bad!r} is not a day written YYYY-MM-DD, a month YYYY-MM "
        "or a year YYYY",
    }


@pytest.mark.parametrize(
    ("given", "day"), [("2017-05", "2017-05-31"), ("2016", "2016-12-31"), ("2016-02", "2016-02-29")]
)
def test_as_of_a_month_or_a_year_means_its_last_day(
    client: TestClient, given: str, day: str
) -> None:
    assert client.get(f"{P}/status", params={"as_of": given}).json()["as_of"] == day


def test_openapi_says_as_of_is_a_day_month_or_year(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    (as_of,) = [
        p
        for p in doc["paths"][P.replace("montenegro-nato", "{slug}")]["get"]["parameters"]
        if p["name"] == "as_of"
    ]
    day, month_or_year = as_of["schema"]["anyOf"]
    assert day == {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
    pattern = re.compile(month_or_year["pattern"])
    assert all(pattern.fullmatch(v) for v in ("2017", "2017-05", "0001", "9999-12"))
    assert not any(pattern.fullmatch(v) for v in ("0000", "2017-13", "2017-00", "152017", "2017-5"))


def test_polls_route_reads_only_the_polls_and_gives_what_the_whole_record_gives(
    client: TestClient,
) -> None:
    from datetime import date

    from treatywatch import serialize
    from treatywatch.queries.records import process_polls, process_records
    from treatywatch.store.db import Store

    db = client.app.state.db  # type: ignore[attr-defined]
    with Store.open(db) as store:
        for day in (None, date(2014, 1, 1), date(2016, 12, 31)):
            r = process_records(store, "montenegro-nato", day)
            polls, names = process_polls(store, "montenegro-nato", day)
            assert [serialize.poll(p, names) for p in polls] == [
                serialize.poll(p, r.names) for p in r.polls
            ]
    got = client.get("/api/v1/processes/montenegro-nato/polls", params={"as_of": "2016-12-31"})
    assert len(got.json()["polls"]) == len(
        [p for p in r.polls if p.fieldwork.end.upper() <= date(2016, 12, 31)]
    )

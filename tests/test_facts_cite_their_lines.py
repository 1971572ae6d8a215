"""Every fact links to the line that states it: walked through the API's JSON for the example,
each milestone, act, member state, poll and timeline event cites a line that contains its
date (in some written form) or its value; and a view as of a day shows nothing later."""

from __future__ import annotations

import calendar
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

P = "/api/v1/processes/montenegro-nato"
AS_OF = "2016-12-31"


def written_forms(edtf: str, year_stated: bool = True) -> list[str]:
    """The ways an article writes a date: ISO, "11 April 2017", "April 11, 2017",
    "Apr 2017", "late 2007"; without the year when the fact's year was inferred."""
    parts = [int(x) for x in edtf.split("-")]
    year, month, day = (parts + [None, None])[:3]
    forms = [edtf]
    if month is None:
        return forms
    names = (calendar.month_name[month], calendar.month_abbr[month])
    if day is None:
        forms += [f"{n} {year}" for n in names] + [f"{n}-{year}" for n in names]
        return forms + (list(names) if not year_stated else [])
    for n in names:
        both = [f"{day} {n}", f"{n} {day}"]
        forms += [f"{w} {year}" for w in both] + [f"{n} {day}, {year}"]
        if not year_stated:
            forms += both
    return forms


def states(line: str, edtf: str, year_stated: bool = True) -> bool:
    return any(
        re.search(rf"(?<!\d){re.escape(f)}(?!\d)", line) for f in written_forms(edtf, year_stated)
    )


def year_inferred(prov: dict[str, Any]) -> bool:
    return bool(prov["inferred"] and prov["reason"] and "has no year" in prov["reason"])


@pytest.fixture
def lines(client: TestClient) -> dict[str, list[str]]:
    """Each source's lines, by SHA-256 (line n at index n - 1)."""
    out = {}
    for s in client.get(f"{P}/sources").json()["sources"]:
        out[s["sha256"]] = client.get(f"/api/v1/documents/{s['sha256']}").json()["text_lines"]
    return out


def cited(lines: dict[str, list[str]], prov: dict[str, Any]) -> str:
    text = lines[prov["document"]]
    return "\n".join(text[prov["line_start"] - 1 : prov["line_end"]])


def dated_facts(records: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(what, date, provenance) of every dated fact of a process's records."""
    facts = [
        (f"milestone {m['kind']}", m["date"]["edtf"], m["provenance"])
        for m in records["milestones"]
    ]
    facts += [
        (f"act {a['act']}", a["date"]["edtf"], a["provenance"]) for a in records["ratifications"]
    ]
    for m in records["status"]["members"]:
        facts += [
            (f"{m['code']} act {a['act']}", a["date"]["edtf"], a["provenance"]) for a in m["acts"]
        ]
        if m["ratified_on"] is not None:  # the state's date, and the line it cites
            facts.append((f"{m['code']} {m['state']}", m["ratified_on"]["edtf"], m["provenance"]))
    return facts  # fmt: skip


@pytest.mark.parametrize("as_of", [None, AS_OF, "2017-04-15"])
def test_every_dated_fact_cites_a_line_that_states_its_date(
    client: TestClient, lines: dict[str, list[str]], as_of: str | None
) -> None:
    records = client.get(P, params={"as_of": as_of} if as_of else {}).json()
    facts = dated_facts(records)
    assert len(facts) >= (90 if as_of is None else 20)
    wrong = [
        (what, date, prov["line_start"], cited(lines, prov)[:80])
        for what, date, prov in facts
        if not states(cited(lines, prov), date, not year_inferred(prov))
    ]
    assert wrong == []


def test_the_united_states_cites_the_signature_it_dates_its_ratification_by(
    client: TestClient, lines: dict[str, list[str]]
) -> None:
    us = next(m for m in client.get(f"{P}/ratifications").json()["members"] if m["code"] == "US")
    assert us["ratified_on"]["edtf"] == "2017-04-11"
    assert us["provenance"]["line_start"] == 28
    assert "11 April 2017" in cited(lines, us["provenance"])


def test_every_poll_cites_a_line_that_states_its_figures(
    client: TestClient, lines: dict[str, list[str]]
) -> None:
    polls = client.get(P).json()["polls"]
    assert len(polls) == 27
    for p in polls:
        line = cited(lines, p["provenance"])
        shares = [p["as_written"]["for"], p["as_written"]["against"]]
        assert all(re.search(rf"(?<![\d.]){re.escape(s)}(?![\d])", line) for s in shares), (p, line)


def test_every_timeline_event_cites_lines_that_state_its_date(
    client: TestClient, lines: dict[str, list[str]]
) -> None:
    entries = client.get(f"{P}/timeline").json()["timeline"]
    assert len(entries) > 25
    wrong = []
    for e in entries:
        lines_cited = [s["line_start"] for s in e["sources"]]
        assert len(lines_cited) == len(set(lines_cited)), e  # each line cited once
        for s in e["sources"]:
            # An entry merges the table's day with prose that may state only its month or
            # year ("In December 2009, … was granted a Membership Action Plan"): either will do.
            edtf = e["date"]["edtf"]
            prefixes = {edtf, edtf[:7], edtf[:4]}
            if not any(states(cited(lines, s), d, not year_inferred(s)) for d in prefixes):
                wrong.append((e["label"], e["date"]["edtf"], s["line_start"]))
        assert not e["label"].endswith(("…", " and", ",")), e["label"]
        if e["kind"] == "event":  # its words are the line's ("began … concluded": two clauses)
            text = " ".join(cited(lines, s) for s in e["sources"])
            assert all(part in text for part in e["label"].split(" … ")), e["label"]
    assert wrong == []
    # One sentence, one date: the aims and forecasts of a sentence are not events.
    by_line: dict[tuple[int, str], list[str]] = {}
    for e in entries:
        if e["kind"] == "event":
            by_line.setdefault((e["sources"][0]["line_start"], e["label"]), []).append(
                e["date"]["edtf"]
            )
    assert {k: v for k, v in by_line.items() if len(v) > 1} == {}
    labels = " ".join(e["label"] for e in entries)
    assert "end 2015" not in labels and "Further assessment" not in labels
    assert "Radmila Vojvodić" in labels


def test_as_of_a_day_nothing_later_is_shown_or_cited(client: TestClient) -> None:
    records = client.get(P, params={"as_of": AS_OF}).json()
    facts = dated_facts(records)
    assert facts and all(date[:10] <= AS_OF for _, date, _ in facts)
    members = records["status"]["members"]
    pending = [m for m in members if m["state"] == "pending"]
    assert len(pending) == 17
    assert all(m["acts"] == [] and m["provenance"] is None for m in pending)
    r = client.get(f"{P}/ratifications.csv", params={"as_of": AS_OF}).text
    assert "2017-" not in r


def test_one_latest_poll_average_for_the_chart_the_api_and_the_cli(client: TestClient) -> None:
    """The chart's caption, the API and the CLI give the average at the last poll."""
    (avg,) = client.get(f"{P}/average").json()["averages"]
    assert avg["last_poll"] == "2017-10-12"
    end = avg["curve"][-1]
    assert end["date"] == avg["last_poll"] and end["mean"] == avg["at_last_poll"]["for"]
    assert "600 respondents" in avg["method"] and "DEFAULT_SAMPLE" not in avg["method"]
    caption = client.get(f"{P}/charts/polls").json()["caption"]
    assert f"average on {avg['last_poll']}: {avg['at_last_poll']['for']:.1f}%" in caption

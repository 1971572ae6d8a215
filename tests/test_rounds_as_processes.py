"""Every bundled past round is a process (issue 11, part 1): on a fresh store, without an
import, with its acts' sources, through the CLI and the API."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import Cli
from treatywatch import serialize
from treatywatch.domain.status import MemberState
from treatywatch.ingest import load_bundled_rounds
from treatywatch.queries.status import process_status
from treatywatch.reference.rounds import load_rounds
from treatywatch.store.db import Store

ROUNDS = {r.id: r for r in load_rounds()}


def test_a_fresh_store_holds_every_round_once(any_store: Store) -> None:
    outcomes = load_bundled_rounds(any_store)
    assert {o.process for o in outcomes} == set(ROUNDS)
    assert load_bundled_rounds(any_store) == []  # unchanged files are not stored again
    assert {p.slug for p in any_store.processes()} == set(ROUNDS)


def test_each_round_answers_as_of_any_day(any_store: Store) -> None:
    load_bundled_rounds(any_store)
    for r in ROUNDS.values():
        before = process_status(any_store, r.id, r.signature.lower() - timedelta(days=1))
        assert before.ratified_count == 0 and before.member_since is None, r.id
        signed = process_status(any_store, r.id, r.signature.upper())
        assert signed.protocol_signed == r.signature, r.id
        after = process_status(any_store, r.id, date(2026, 1, 1))
        assert after.member_since == r.membership, r.id
        if r.complete:  # every required member's date is sourced: all ratified
            assert after.ratified_count == after.required_count == r.coverage().required, r.id


def test_sweden_as_of_a_day(any_store: Store) -> None:
    load_bundled_rounds(any_store)
    mid = process_status(any_store, "nato-2024-sweden", date(2023, 6, 1))
    assert mid.member_since is None and {"HU", "TR"} <= {m.code for m in mid.pending}
    assert mid.required_count == 30
    done = process_status(any_store, "nato-2024-sweden", date(2024, 3, 8))
    assert str(done.member_since) == "2024-03-07" and done.stage == "membership"
    assert "HU" not in {m.code for m in done.pending} and "TR" not in {m.code for m in done.pending}


def test_every_act_keeps_its_kind_and_source_row(any_store: Store) -> None:
    load_bundled_rounds(any_store)
    for r in ROUNDS.values():
        stored = any_store.acts(r.id)
        expected = [a for a in r.acts if a.kind is not None and a.member_code]
        assert len(stored) == len(expected), r.id
        assert {(a.member_code, a.kind, a.date) for a in stored} == {
            (a.member_code, a.kind, a.date) for a in expected
        }
        for a in stored:
            p = serialize.provenance(a.provenance, any_store.document_paths(r.id))
            assert p["name"] == r.file and p["url"] and p["quote"], r.id


def test_processes_status_and_api_for_a_round(cli: Cli, tmp_path: Path) -> None:
    listed = cli("processes", "--json").json()
    assert {p["process"] for p in listed} == set(ROUNDS)
    text = cli("processes")
    assert text.code == 0 and "complete" in text.out and "dates missing" in text.out
    s = cli("status", "nato-2024-sweden", "--as-of", "2024-03-08", "--json").json()
    assert s["member_since"]["edtf"] == "2024-03-07"
    assert cli("timeline", "nato-2023-finland", "--json").code == 0
    assert cli("ratifications", "eu-2013-croatia", "--json").code == 0
    assert cli("forecast", "nato-2024-sweden", "--as-of", "2023-06-01", "--json").code == 0


@pytest.mark.parametrize("slug", ["nato-2024-sweden", "eu-2004-ten"])
def test_api_routes_answer_for_a_round(tmp_path: Path, slug: str) -> None:
    from fastapi.testclient import TestClient

    from treatywatch.web.app import create_app

    with TestClient(create_app(str(tmp_path / "w.db"))) as c:
        home = c.get("/")
        assert home.status_code == 200 and f"/processes/{slug}" in home.text
        for route in ("", "/status", "/ratifications", "/milestones", "/timeline", "/sources"):
            r = c.get(
                f"/api/v1/processes/{slug}{route}",
                params={"as_of": "2023-06-01"} if route in ("", "/status") else None,
            )
            assert r.status_code == 200, (route, r.text)
        assert c.get(f"/processes/{slug}").status_code == 200


def test_sweden_mid_ratification_from_the_tally(any_store: Store) -> None:
    # Issue 11's example: as of 2023-06-01, 28 of 30 ratified, Hungary and Turkey pending.
    # 9 allies' dates are not in the sources; a tally of 2022-10-14 says 28 had ratified, and
    # the sources date Hungary's and Turkey's in 2024: the 9 count as ratified by 2022-10-14.
    load_bundled_rounds(any_store)
    mid = process_status(any_store, "nato-2024-sweden", date(2023, 6, 1))
    assert mid.ratified_count == 28 and [m.code for m in mid.pending] == ["HU", "TR"]
    # A tally is not a step of the procedure (2022-10-14); Sweden's own parliament's approval
    # (2023-03-22, a candidate's row) is: its domestic ratification.
    assert mid.stage == "domestic_ratification"
    tallied = process_status(any_store, "nato-2024-sweden", date(2022, 11, 1))
    assert tallied.stage == "protocol_signed" and tallied.ratified_count == 28
    assert mid.member_since is None and mid.missing_dates is None
    undated = {m.code for m in mid.undated}
    assert undated == {"BG", "HR", "GR", "IT", "LV", "LU", "ME", "NL", "MK"}
    assert undated == set(ROUNDS["nato-2024-sweden"].coverage().missing)
    for m in mid.undated:
        assert m.ratified_on is None and str(m.ratified_by) == "2022-10-14"
        assert m.bound is not None and m.bound.ratified_count == 28
        p = m.bound.provenance
        assert p.inferred and p.reason and "Hungary, Turkey" in p.reason
        assert p.url == "https://no.wikipedia.org/wiki/Sverige_og_NATO"
    before = process_status(any_store, "nato-2024-sweden", date(2022, 10, 13))
    assert before.ratified_count == 19 and not before.undated and len(before.pending) == 11


def test_once_a_member_every_member_had_ratified_dates_not_filled(any_store: Store) -> None:
    load_bundled_rounds(any_store)
    done = process_status(any_store, "nato-2024-sweden", date(2024, 3, 8))
    assert (done.ratified_count, done.pending, done.missing_dates) == (30, [], 9)
    assert done.all_ratified_on is None  # the last ratification's day is not known
    shape = serialize.status(done, any_store.document_paths("nato-2024-sweden"))
    assert [c["code"] for c in shape["undated"]] == [m.code for m in done.undated]
    bulgaria = next(m for m in shape["members"] if m["code"] == "BG")
    assert bulgaria["state"] == "ratified_undated" and bulgaria["ratified_on"] is None
    assert bulgaria["ratified_by"] is not None and bulgaria["ratified_by"]["edtf"] == "2022-10-14"
    assert bulgaria["inferred"] and bulgaria["provenance"] is not None
    assert bulgaria["provenance"]["name"] == "rounds/nato-2024-sweden.csv"
    # Without a tally, the membership day is the bound (the EU's 1994 treaty: no dates at all).
    eu = process_status(any_store, "eu-1995-austria-finland-sweden", date(1995, 2, 1))
    assert eu.ratified_count == 12 and len(eu.undated) == 12 and eu.missing_dates == 12
    for m in eu.undated:
        assert str(m.ratified_by) == "1995-01-01" and m.bound is not None
        assert m.bound.kind == "membership" and m.bound.provenance.inferred
        assert "member since 1995-01-01" in (m.bound.provenance.reason or "")
    assert not process_status(
        any_store, "eu-1995-austria-finland-sweden", date(1994, 12, 31)
    ).undated


def test_a_tally_that_does_not_single_out_its_members_says_nothing(any_store: Store) -> None:
    import dataclasses

    from treatywatch.domain.status import status_as_of
    from treatywatch.reference import organization

    load_bundled_rounds(any_store)
    proc = next(p for p in any_store.processes() if p.slug == "nato-2024-sweden")
    acts, day = any_store.acts(proc.slug), date(2023, 6, 1)
    milestones = any_store.milestones(proc.slug)
    assert status_as_of(proc, organization("NATO"), milestones, acts, day).ratified_count == 28
    # "27 had ratified": three were left out, the sources date only two later ones.
    changed = [
        dataclasses.replace(m, ratified_count=27) if m.ratified_count else m for m in milestones
    ]
    s = status_as_of(proc, organization("NATO"), changed, acts, day)
    assert s.ratified_count == 19 and not s.undated and len(s.pending) == 11


def test_no_membership_inference_where_the_rule_does_not_say_so(any_store: Store) -> None:
    import dataclasses

    from treatywatch.domain.status import status_as_of
    from treatywatch.reference import organization

    load_bundled_rounds(any_store)
    proc = next(p for p in any_store.processes() if p.slug == "nato-2024-sweden")
    nato = organization("NATO")
    # Without the tally, only the membership could say the 9 had ratified.
    untallied = [m for m in any_store.milestones(proc.slug) if m.ratified_count is None]
    args = (untallied, any_store.acts(proc.slug), date(2024, 3, 8))
    assert len(status_as_of(proc, nato, *args).undated) == 9
    other = dataclasses.replace(nato, entry_into_force_rule="some_required_ratified")
    s = status_as_of(proc, other, *args)
    # Nor are they pending: the process is over. The sources give them no ratification.
    assert not s.undated and not s.pending and s.ratified_count == 21
    assert len(s.not_in_sources) == 9 and s.missing_dates == 9
    assert {m.state for m in s.not_in_sources} == {MemberState.NOT_IN_SOURCES}
    assert {m.code for m in s.not_in_sources} == {
        m.code for m in status_as_of(proc, nato, *args).undated
    }
    # The day before membership they were pending.
    before = status_as_of(proc, other, untallied, any_store.acts(proc.slug), date(2024, 3, 6))
    assert len(before.pending) == 9 and not before.not_in_sources


def test_undated_members_in_the_cli_page_and_wikitable(cli: Cli, tmp_path: Path) -> None:
    out = cli("status", "eu-1995-austria-finland-sweden", "--as-of", "1995-02-01").out
    assert "ratified: 12 of 12" in out and "pending" not in out
    assert "ratified by 1995-01-01 (a member then), date not in the sources: Belgium" in out
    table = cli("ratifications", "nato-2024-sweden", "--as-of", "2024-03-08").out
    bulgaria = next(line for line in table.splitlines() if "Bulgaria" in line)
    assert "date not in the sources" in bulgaria and "by 2022-10-14" in bulgaria
    assert "(inferred)" in bulgaria
    assert "ratification_by_members" in bulgaria and "membership" not in bulgaria  # a tally
    wiki = tmp_path / "sweden.wiki"
    cli("export", "nato-2024-sweden", "--format", "wikitable", "-o", str(wiki))
    row = wiki.read_text(encoding="utf-8").split("{{flag|Bulgaria}}")[1].split("|-")[0]
    assert "Ratified by {{dts|2022|10|14}} (a tally of that day); date not in the sources" in row
    assert "<ref>" in row and "Pending" not in row


def test_undated_members_on_the_page(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from treatywatch.web.app import create_app

    with TestClient(create_app(str(tmp_path / "p.db"))) as client:
        html = client.get("/processes/nato-2024-sweden", params={"as_of": "2024-03-08"}).text
    assert "Joined 7 March 2024; 9 of its 30 ratifications are not dated in the sources." in html
    assert 'id="undated">Bulgaria, Croatia,' in html and "Pending</dt>" not in html
    row = html.split('<th scope="row">Bulgaria</th>')[1].split("</tr>")[0]
    assert "ratified, date not in the sources" in row and "by 2022-10-14" in row
    assert "(inferred)" in row and "a tally says 28 of the 30" in row  # the reason, as a title
    caption = html.split('id="caption-ratifications">')[1].split("</figcaption>")[0]
    assert "9 more had ratified on days no source gives" in caption


def test_the_forecast_agrees_with_the_status_on_who_is_pending(any_store: Store) -> None:
    from treatywatch.queries.forecasts import NoForecast, process_forecast

    load_bundled_rounds(any_store)
    f = process_forecast(any_store, "nato-2024-sweden", date(2023, 6, 1))
    assert len(f.ratified) == 28 and sorted(p.code for p in f.pending) == ["HU", "TR"]
    with pytest.raises(NoForecast, match="lacks 9 members' dates"):
        process_forecast(any_store, "nato-2024-sweden", date(2024, 3, 8))


def test_the_timeline_lists_each_event_once_with_every_row(any_store: Store) -> None:
    # Three sources date the 1994 treaty's signature 24 June, one 24 July (both kept); four
    # rows give the three candidates' accession day: one entry for each candidate, named,
    # citing every row that states it.
    from treatywatch.queries.timeline import process_timeline

    load_bundled_rounds(any_store)
    entries = process_timeline(any_store, "eu-1995-austria-finland-sweden").entries
    signed = [
        (e.date.edtf, [p.line_start for p in e.sources])
        for e in entries
        if e.kind == "treaty_signed"
    ]
    assert signed == [("1994-06-24", [2, 3, 4]), ("1994-07-24", [5])]
    joined = [
        (e.label, [p.line_start for p in e.sources]) for e in entries if e.kind == "membership"
    ]
    assert joined == [
        ("Membership (Austria)", [30, 31]),
        ("Membership (Finland)", [32]),
        ("Membership (Sweden)", [33]),
    ]
    # Whose application each is, in a round of several candidates.
    applied = [e.label for e in entries if e.kind == "application"]
    assert applied[:2] == ["Application (Austria)", "Application (Sweden)"]


def test_the_headline_of_a_round_without_any_date(any_store: Store) -> None:
    from treatywatch.render.reading import headline

    load_bundled_rounds(any_store)
    s = process_status(any_store, "eu-1981-greece", date(2020, 1, 1))
    assert (
        headline(s) == "Joined 1 January 1981; none of its 9 ratifications is dated in the sources."
    )


def test_after_membership_no_one_is_pending_where_the_rule_is_not_in_the_sources(
    any_store: Store,
) -> None:
    # The WEU's 1988 protocol (Portugal, Spain): only Luxembourg's law is dated; the WEU's
    # rule on entry into force is not in the sources, so membership (1990-03-27) shows nothing
    # about the six others: before it they are pending, after it "no ratification in the
    # sources", never ratified and never pending.
    from treatywatch.queries.forecasts import NoForecast, process_forecast
    from treatywatch.render.reading import headline

    load_bundled_rounds(any_store)
    slug = "weu-1990-portugal-spain"
    six = ["BE", "FR", "DE", "IT", "NL", "GB"]
    open_ = process_status(any_store, slug, date(1990, 3, 26))
    assert sorted(m.code for m in open_.pending) == sorted(six) and not open_.not_in_sources
    assert open_.ratified_count == 1 and open_.required_count == 7
    over = process_status(any_store, slug, date(1990, 3, 27))
    assert not over.pending and not over.undated and over.ratified_count == 1
    assert sorted(m.code for m in over.not_in_sources) == sorted(six)
    assert all(m.label == "no ratification in the sources" for m in over.not_in_sources)
    assert over.missing_dates == 6
    assert headline(over) == (
        "Joined 27 March 1990; the sources give no ratification for 6 of its 7 members."
    )
    shape = serialize.status(over)
    assert sorted(c["code"] for c in shape["not_in_sources"]) == sorted(six)
    assert shape["pending"] == [] and {m["state"] for m in shape["members"]} == {
        "not_in_sources",
        "ratified",
    }
    with pytest.raises(NoForecast, match="lacks 6 members' dates"):
        process_forecast(any_store, slug, date(2000, 1, 1))


def test_named_members_of_an_unknown_list_follow_the_membership_rule(any_store: Store) -> None:
    # Austria's Schengen agreement: Schengen's member list is not in the reference data, but
    # its rule is (each Contracting Party ratifies before entry into force): France, named in
    # the sources with only its parliament's law, counts as ratified by Austria's membership
    # day, undated, and the headline counts the members the sources name.
    from treatywatch.render.reading import headline

    load_bundled_rounds(any_store)
    slug = "schengen-1997-austria"
    before = process_status(any_store, slug, date(1997, 11, 30))
    assert not before.members_known and [m.name for m in before.pending] == ["France"]
    after = process_status(any_store, slug, date(1997, 12, 1))
    assert not after.pending and [m.name for m in after.undated] == ["France"]
    total = len(after.members)
    assert headline(after) == (
        f"Joined 1 December 1997; 1 of its {total} ratifications is not dated in the sources."
    )


def test_no_ratification_in_the_sources_in_the_cli_page_map_and_wikitable(
    cli: Cli, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from treatywatch.web.app import create_app

    out = cli("status", "weu-1990-portugal-spain").out
    assert "pending" not in out and "ratified: 1 of 7" in out
    assert "no ratification in the sources" in " ".join(out.split())
    assert "Belgium, France, Germany, Italy, Netherlands, United Kingdom" in " ".join(out.split())
    wiki = tmp_path / "weu.wiki"
    cli("export", "weu-1990-portugal-spain", "--format", "wikitable", "-o", str(wiki))
    text = wiki.read_text(encoding="utf-8")
    row = text.split("{{flag|France}}")[1].split("|-")[0]
    assert "No ratification in the sources" in row and "Pending" not in text
    with TestClient(create_app(str(tmp_path / "p.db"))) as client:
        html = client.get("/processes/weu-1990-portugal-spain").text
        spec = client.get("/api/v1/processes/weu-1990-portugal-spain/charts/map").json()
    assert "Pending</dt>" not in html and 'id="not-in-sources">Belgium, France,' in html
    row = html.split('<th scope="row">France</th>')[1].split("</tr>")[0]
    assert "no ratification in the sources" in row
    legend = str(spec)
    assert "No ratification in the sources" in legend and "'Pending'" not in legend


def test_processes_json_says_how_many_dates_are_missing(cli: Cli) -> None:
    import json

    shapes = {s["process"]: s for s in json.loads(cli("processes", "--json").out)}
    assert shapes["nato-2024-sweden"]["missing_dates"] == 9
    assert shapes["nato-2023-finland"]["missing_dates"] == 0
    assert shapes["schengen-1997-austria"]["missing_dates"] is None  # member list unknown
    sweden_then = json.loads(
        cli("status", "nato-2024-sweden", "--as-of", "2023-06-01", "--json").out
    )
    assert sweden_then["missing_dates"] is None  # still open then


def test_polls_of_a_process_without_polls_say_so(cli: Cli) -> None:
    for args in (("polls", "nato-2024-sweden"), ("polls", "nato-2024-sweden", "--average")):
        assert cli(*args).out.strip() == "no opinion polls in the sources of nato-2024-sweden"
    assert cli("polls", "nato-2024-sweden", "--json").out.strip() == "[]"  # JSON stays JSON

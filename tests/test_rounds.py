"""The bundled ratification history: every row kept with its source, coverage, conflicts."""

from __future__ import annotations

import csv
import dataclasses
import json
from importlib import resources
from pathlib import Path

import pytest

from treatywatch import serialize
from treatywatch.domain.dates import PartialDate, parse_edtf_date
from treatywatch.domain.model import ActKind
from treatywatch.reference.rounds import (
    Round,
    conflicts,
    load_round,
    load_rounds,
    parse_round,
    source_names,
    split_event,
)
from treatywatch.sources.article import parse

HISTORY = resources.files("treatywatch") / "data" / "rounds"
SHARED = Path("/work/shared/data/ratifications")
EXAMPLE = (
    Path(__file__).resolve().parents[1] / "src/treatywatch/examples/montenegro-nato-relations.txt"
)


def _csv_rows(name: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader((HISTORY / name).read_text(encoding="utf-8").splitlines())
    return [(reader.line_num, r) for r in reader]


def _all_refs(r: Round) -> list[tuple[int, str, str]]:
    refs = [f.source for f in (*r.signatures, *r.entries_into_force, *r.memberships, *r.other)]
    refs += [a.source for a in (*r.acts, *r.candidate_acts)]
    return sorted((s.line_start, s.url, s.quote) for s in refs)


def test_every_bundled_row_is_loaded_once_with_its_source() -> None:
    rounds = load_rounds()
    assert len(rounds) == 20
    for r in rounds:
        rows = _csv_rows(f"{r.id}.csv")
        expected = sorted((line, row["source_url"], row["source_quote"]) for line, row in rows)
        assert _all_refs(r) == expected, r.id
        assert all(a.source.url and a.source.quote for a in r.acts)
        assert all(f.source.url and f.source.quote for f in r.signatures)


def test_line_numbers_point_at_the_row() -> None:
    r = load_round("nato-1982-spain")
    lines = (HISTORY / "nato-1982-spain.csv").read_text(encoding="utf-8").splitlines()
    canada = next(a for a in r.acts if a.member_code == "CA")
    assert source_names()[canada.source.document] == "rounds/nato-1982-spain.csv"
    assert canada.source.line_start == canada.source.line_end
    assert "Canada 10-12-1981 08-01-1982" in lines[canada.source.line_start - 1]


@pytest.mark.skipif(not SHARED.exists(), reason="shared dataset not present")
def test_bundled_files_extend_the_shared_copies() -> None:
    # Rows added here (README "Added in this repository") are appended after the shared ones.
    for src in SHARED.glob("*.csv"):
        assert (HISTORY / src.name).read_bytes().startswith(src.read_bytes()), src.name


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        ("parliament_approval; chamber=Sejm", ActKind.PARLIAMENT_APPROVAL),
        ("parliament_vote; votes=276-0", ActKind.PARLIAMENT_APPROVAL),
        ("head_of_state_signature; x", ActKind.HEAD_OF_STATE_SIGNATURE),
        ("head_of_state_ratification", ActKind.HEAD_OF_STATE_SIGNATURE),
        ("head_of_state_approval; law published", ActKind.HEAD_OF_STATE_SIGNATURE),
        ("ratified (tracker date; act not specified)", ActKind.RATIFIED),
        ("ratification_completed; Foreign Secretary signed", ActKind.RATIFIED),
        ("deposit; protocol=Romania", ActKind.DEPOSIT),
    ],
)
def test_event_types_map_to_act_kinds(event: str, kind: ActKind) -> None:
    text = f'process,member,event,date,precision,source_url,source_quote\nP (signed 2000-01-01),ALL,protocol_signed,2000-01-01,day,u,q\nP (signed 2000-01-01),Norway,"{event}",2000-02-01,day,u,q\n'
    (act,) = parse_round("nato-test", text).acts
    assert act.kind == kind


def test_other_event_types_are_kept_raw() -> None:
    r = load_round("nato-1999-czech-hungary-poland")
    france = next(a for a in r.acts if a.member_code == "FR")
    assert france.kind is None and france.event == "approval_act_enacted"
    assert split_event("deposit; protocol=Romania")[1] == (("protocol", "Romania"),)


def test_names_resolve_to_iso_codes() -> None:
    assert {a.member_code for a in load_round("nato-1982-spain").acts} >= {"TR", "US", "DE"}
    assert load_round("nato-1955-west-germany").candidates == ("DE",)
    assert load_round("eu-2004-ten").candidates[:3] == ("CZ", "EE", "CY")
    assert all(not r.unresolved for r in load_rounds())


def test_complete_rounds_and_required_members() -> None:
    complete = {r.id for r in load_rounds() if r.complete}
    assert complete == {
        "nato-1982-spain",
        "nato-2004-seven",
        "nato-2023-finland",
        "eu-2004-ten",
        "eu-2007-bulgaria-romania",
        "eu-2013-croatia",
        "schengen-1997-greece",
        "weu-1995-greece",
    }
    spain = load_round("nato-1982-spain")
    last = spain.last_ratification()
    assert spain.coverage().required == 15 and last is not None and last.member_code == "GR"
    croatia = load_round("eu-2013-croatia")
    assert croatia.required is not None and len(croatia.required) == 27
    assert "HR" not in croatia.required and "eu-members.csv" in croatia.required_basis
    # The EU member file and the depositary's party table (complete per SOURCES.md) agree.
    table = {a.member_code for a in croatia.acts if a.member_code and "aid=2011051" in a.source.url}
    assert table == set(croatia.required)
    # The same holds for the Dutch treaty database's tables of the 2003 and 2005 treaties.
    for rid, needle in (
        ("eu-2004-ten", "Details/010559"),
        ("eu-2007-bulgaria-romania", "Details/011086"),
    ):
        r = load_round(rid)
        table = {a.member_code for a in r.acts if a.member_code and needle in a.source.url}
        assert r.required is not None and table == set(r.required), rid
    # Schengen has no member file: Greece's round takes its parties from the depositary's
    # table (the eight Contracting Parties; Greece, the acceding state, is not one of them),
    # and its package's members table lists the same eight, each citing its row there.
    greece = load_round("schengen-1997-greece")
    assert greece.required == ("BE", "FR", "DE", "IT", "LU", "NL", "PT", "ES")
    assert "Details/005114" in greece.required_basis
    last = greece.last_ratification()
    assert last is not None and last.member_code == "NL" and last.date.edtf == "1997-10-31"
    listed = _csv_rows("schengen-1997-greece.members.csv")
    assert [row["code"] for _, row in listed] == list(greece.required)
    table_rows = [a for a in greece.acts if a.member_code and "005114" in (a.source.url or "")]
    quotes = {a.member_code: a.source.quote for a in table_rows}
    assert all(row["source_quote"] == quotes[row["code"]] for _, row in listed)


def test_partial_round_says_how_partial() -> None:
    cov = load_round("nato-1999-czech-hungary-poland").coverage()
    assert (cov.required, len(cov.ratified), len(cov.with_rows)) == (16, 5, 8)
    assert not cov.complete and "5 of 16" in cov.summary and len(cov.missing) == 11


def test_eu_rounds_take_their_member_list_from_the_eu_member_file() -> None:
    r = load_round("eu-2004-ten")
    assert r.required is not None and len(r.required) == 15  # the EU of 2003-04-16
    assert r.coverage().summary.startswith("complete: 15 of 15")
    assert len(load_round("eu-2007-bulgaria-romania").required or ()) == 25


def test_round_without_member_list_reports_members_with_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:

    from treatywatch import reference

    real = reference.organizations()
    stripped = {**real, "EU": dataclasses.replace(real["EU"], memberships=())}
    monkeypatch.setattr(reference, "organizations", lambda: stripped)
    from treatywatch.reference.rounds import parse_round  # not load_rounds(): it is cached

    text = reference.data_text("rounds/eu-2004-ten.csv")
    # Without a member file, a round listed in COMPLETE_PARTY_TABLES takes the table's parties ...
    r = parse_round("eu-2004-ten", text, "eu-2004-ten.csv")
    assert r.required is not None and len(r.required) == 15 and "010559" in r.required_basis
    # ... and any other round reports only the members that have rows.
    r = parse_round("eu-test", text, "eu-test.csv")
    assert r.required is None
    assert r.coverage().summary == "15 members with rows, member list unknown"


def test_missing_member_is_reported_not_dropped() -> None:
    text = (
        "process,member,event,date,precision,source_url,source_quote\n"
        "P (signed 1981-12-10),ALL,protocol_signed,1981-12-10,day,u,q\n"
        "P (signed 1981-12-10),Canada,ratified,1982-01-08,day,u,q\n"
        "P (signed 1981-12-10),Norway,parliament_approval,1982-02-01,day,u,q\n"
    )
    r = parse_round("nato-test", text)
    cov = r.coverage()
    assert cov.required == 15 and cov.ratified == ("CA",) and "NO" in cov.with_rows
    assert "NO" in cov.missing and not r.complete and r.last_ratification() is None


def test_conflicting_dates_keep_both_rows() -> None:
    found = {(c.round_id, c.subject, c.act): c for c in conflicts()}
    iceland = found[("nato-2023-finland", "IS", "ratified")]
    assert [d.edtf for d in iceland.dates] == ["2022-07-05", "2022-07-06"]
    assert len(iceland.sources) == 3
    assert ("nato-2020-north-macedonia", "ALL", "signature") in found
    assert ("nato-1982-spain", "ES", "membership") in found
    assert ("nato-2004-seven", "CA", "ratified") in found
    assert (
        "nato-2023-finland",
        "TR",
        "parliament_approval; chamber=Grand National Assembly",
    ) in found
    # The most-sourced date wins; the other stays in the record.
    assert load_round("nato-1982-spain").membership == PartialDate(1982, 5, 30)
    assert load_round("nato-2020-north-macedonia").signature == PartialDate(2019, 2, 6)


def test_completion_dates_and_their_basis() -> None:
    done = load_round("nato-2020-north-macedonia").completed_on()
    assert (
        done is not None and done[0] == PartialDate(2020, 3, 19) and "entry into force" in done[1]
    )
    assert load_round("nato-2009-albania-croatia").completed_on() is None  # Albania's only
    eu = load_round("eu-2004-ten")
    assert eu.completed_on() == (PartialDate(2004, 4, 21), "last required member to ratify: NL")
    partial = dataclasses.replace(eu, acts=())
    assert partial.completed_on() is None  # no EIF fallback: the EU treaty sets its own date


def test_round_from_the_example_article() -> None:
    doc = parse(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE)
    sig = next(m.date for m in doc.milestones if m.kind == "protocol_signed")
    r = Round.from_acts("montenegro-2017", "NATO", sig, doc.acts, candidates=["ME"])
    assert r.required is not None and len(r.required) == 28 and r.complete
    last = r.last_ratification()
    assert last is not None and last.member_code == "ES" and last.date == PartialDate(2017, 5, 18)
    assert last.first.source.inferred  # the table's rows are attributed by order


def test_rounds_serialize_to_json() -> None:
    for r in load_rounds():
        json.dumps(serialize.round_(r))


@pytest.mark.parametrize(
    ("round_id", "required", "signed", "joined"),
    [
        ("eu-1973-denmark-ireland-uk", 6, "1972-01-22", "1973-01-01"),
        ("eu-1981-greece", 9, "1979-05-28", "1981-01-01"),
        ("eu-1986-spain-portugal", 10, "1985-06-12", "1986-01-01"),
        ("eu-1995-austria-finland-sweden", 12, "1994-06-24", "1995-01-01"),
    ],
)
def test_early_eu_rounds_are_partial_and_bounded_by_accession(
    round_id: str, required: int, signed: str, joined: str
) -> None:
    # No member's date was found for these four: each says "0 of N", never a filled-in date,
    # and its accession day bounds its completion from above (the forecast uses the bound).
    from treatywatch.stats.survival import completion_of

    r = load_round(round_id)
    cov = r.coverage()
    assert (cov.required, cov.ratified, len(cov.missing)) == (required, (), required)
    assert not set(r.candidates) & set(r.required or ())
    assert r.signature.edtf == signed and r.membership is not None and r.membership.edtf == joined
    bound = completion_of(r)
    assert bound is not None and not bound.exact and bound.low == 0
    days = (parse_edtf_date(joined).upper() - parse_edtf_date(signed).lower()).days
    assert bound.high == days


def test_a_disputed_signature_date_stays_visible() -> None:
    # The 1994 treaty: three sources say 24 June, the English Wikipedia infobox 24 July.
    r = load_round("eu-1995-austria-finland-sweden")
    assert r.signature.edtf == "1994-06-24"
    (sig,) = [c for c in r.conflicts() if c.act == "signature"]
    assert {d.edtf for d in sig.dates} == {"1994-06-24", "1994-07-24"}
    austria = [a for a in r.candidate_acts if a.member_code == "AT" and a.kind == ActKind.DEPOSIT]
    assert {a.date.edtf for a in austria} == {"1994-11-24"} and len(austria) == 3

"""Member speed: days from signature to ratification, with precision and sources kept."""

from __future__ import annotations

import json
from pathlib import Path

from treatywatch import serialize
from treatywatch.domain.dates import Precision
from treatywatch.reference.rounds import Round, load_round, load_rounds
from treatywatch.sources.article import parse
from treatywatch.stats.speed import member_table, round_durations, speed_table

EXAMPLE = (
    Path(__file__).resolve().parents[1] / "src/treatywatch/examples/montenegro-nato-relations.txt"
)


def _example() -> Round:
    doc = parse(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE)
    sig = next(m.date for m in doc.milestones if m.kind == "protocol_signed")
    return Round.from_acts("montenegro-2017", "NATO", sig, doc.acts, candidates=["ME"])


def test_days_from_signature_with_source_rows() -> None:
    spain = {d.member_code: d for d in round_durations(load_round("nato-1982-spain"))}
    assert spain["CA"].days == 29 and not spain["CA"].imprecise
    assert spain["GR"].days == 170
    (src,) = spain["CA"].sources
    assert src.url.startswith("https://verdragen.nl/") and "08-01-1982" in src.quote


def test_members_are_named_as_given() -> None:
    spain = load_round("nato-1982-spain")
    named = {d.member_code: d for d in round_durations(spain, names={"CA": "Canada"})}
    assert serialize.duration(named["CA"])["member"] == {"code": "CA", "name": "Canada"}
    assert named["GR"].member_name == "GR"  # no name given: the code
    (ca,) = (m for m in member_table(named.values()) if m.member_code == "CA")
    assert serialize.member_speed(ca)["member"]["name"] == "Canada"


def test_earliest_ratifying_act_and_parliament_votes_do_not_count() -> None:
    # Poland 2004: approval act 2003-07-09 (raw), head of state 10-03, deposit 10-30.
    pl = {d.member_code: d for d in round_durations(load_round("nato-2004-seven"))}["PL"]
    assert pl.ratified_on.edtf == "2003-10-03" and pl.event == "head_of_state_ratification"


def test_month_precision_uses_midpoint_and_keeps_precision() -> None:
    si = {d.member_code: d for d in round_durations(load_round("nato-2009-albania-croatia"))}["SI"]
    assert si.ratified_on.precision == Precision.MONTH and si.imprecise
    assert si.days_min == 235 and si.days_max == 265 and si.days == 250.0


def test_disputed_dates_take_the_earliest_and_keep_the_other() -> None:
    iceland = {d.member_code: d for d in round_durations(load_round("nato-2023-finland"))}["IS"]
    assert iceland.ratified_on.edtf == "2022-07-05" and iceland.disputed
    assert len(iceland.disputed_by) == 2


def test_member_table_is_traceable() -> None:
    table = {m.member_code: m for m in speed_table(load_rounds())}
    gr = table["GR"]
    assert gr.rounds == 6  # 72, 170, 303, 305 (EU 2005), 363 (EU 2003), 384 days
    assert (gr.fastest.round_id, gr.fastest.days) == ("nato-2023-finland", 72)
    assert (gr.slowest.round_id, gr.slowest.days) == ("eu-2013-croatia", 384)
    assert [d.round_id for d in gr.median_of] == ["nato-2004-seven", "eu-2007-bulgaria-romania"]
    assert gr.median_days == (303 + 305) / 2
    assert all(d.sources and d.sources[0].url for d in gr.observations)


def test_median_of_an_odd_and_even_count() -> None:
    items = round_durations(load_round("nato-1982-spain"))[:3]
    (row,) = member_table([items[0]])
    assert len(row.median_of) == 1
    pair = member_table([items[0], items[0]])[0]
    assert len(pair.median_of) == 2


def test_extra_round_joins_the_table() -> None:
    base = {m.member_code: m.rounds for m in speed_table(load_rounds(), organization="NATO")}
    more = {
        m.member_code: m for m in speed_table([*load_rounds(), _example()], organization="NATO")
    }
    assert more["ES"].rounds == base["ES"] + 1
    es = next(d for d in more["ES"].observations if d.round_id == "montenegro-2017")
    assert es.days == 364 and es.sources[0].inferred


def test_speeds_serialize_to_json() -> None:
    json.dumps([serialize.member_speed(m) for m in speed_table(load_rounds())])

"""Reading the prose: dated events, members' acts and polls, on the example and variants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treatywatch.domain.dates import PartialDate
from treatywatch.domain.model import ActKind
from treatywatch.sources.article import parse
from treatywatch.sources.prose import (
    ProseReading,
    find_mentions,
    read_figures,
    sentences,
)


def read(text: str) -> ProseReading:
    return parse(text, "example.txt").prose


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.fixture
def prose(example_text: str) -> ProseReading:
    return read(example_text)


def typed(r: ProseReading, kind: str) -> list[tuple[str, int]]:
    return [(str(e.date), e.line) for e in r.events if e.kind == kind]


def test_procedure_steps_in_the_prose_are_typed_with_their_lines(prose: ProseReading) -> None:
    assert typed(prose, "membership_action_plan") == [("2009-12", 7), ("2009-12", 10)]
    assert typed(prose, "intensified_dialogue") == [("2008-04", 10)]
    assert typed(prose, "individual_partnership_action_plan") == [("2008-06", 10)]
    assert typed(prose, "partnership_for_peace") == [("2006", 10)]  # "at the 2006 Riga summit"
    assert typed(prose, "invitation") == [("2015-12-02", 7), ("2015-12-02", 24)]
    assert typed(prose, "protocol_signed") == [("2016-05-19", 7)]
    assert typed(prose, "domestic_ratification") == [("2017-04-28", 28)]
    assert typed(prose, "membership") == [("2017-06-05", n) for n in (7, 7, 28, 118)]


def test_month_precision_is_kept(prose: ProseReading) -> None:
    mapp = next(e for e in prose.events if e.kind == "membership_action_plan")
    assert mapp.date == PartialDate(2009, 12) and mapp.date.precision.value == "month"
    assert mapp.sentence.startswith("In December 2009, Montenegro was granted")


def test_applications_and_other_bodies_are_not_the_step_itself(prose: ProseReading) -> None:
    """Applying for a MAP, joining the Adriatic Charter: events, not NATO's steps."""
    by_date = {str(e.date): e for e in prose.events}
    assert by_date["2003-06"].kind == "event"  # applied to PfP
    assert by_date["2008-11-05"].kind == "event"  # applied for a MAP
    assert by_date["2008-09-25"].kind == "event"  # invited to join the Adriatic Charter
    assert by_date["2009-05"].kind == "event"  # full membership of the Adriatic Charter
    assert "Adriatic Charter" in by_date["2008-09-25"].label


def test_wishes_and_reports_are_not_steps(prose: ProseReading) -> None:
    """ "stated the desire … to join NATO" (March 2014) is not membership."""
    march = [e for e in prose.events if str(e.date) == "2014-03"]
    assert [e.kind for e in march] == ["event"]


def test_vague_times_keep_their_qualifier(prose: ProseReading) -> None:
    vague = {(str(e.date), e.qualifier) for e in prose.events if e.qualifier}
    assert {("2007", "late"), ("2015-10", "mid"), ("2009", "early")} <= vague


def test_spain_ratification_takes_its_year_from_the_paragraph(prose: ProseReading) -> None:
    spain = next(a for a in prose.acts if a.member_code == "ES")
    assert spain.kind is ActKind.RATIFIED and spain.date == PartialDate(2017, 5, 10)
    assert spain.provenance.inferred and spain.provenance.line_start == 28
    assert spain.provenance.reason is not None and "11 April 2017" in spain.provenance.reason
    done = next(e for e in prose.events if e.kind == "ratification_by_members")
    assert done.date == PartialDate(2017, 5, 10) and done.inferred


def test_us_steps_are_separate_acts(prose: ProseReading) -> None:
    us = [(a.kind, str(a.date), a.provenance.inferred) for a in prose.acts if a.member_code == "US"]
    assert us == [
        (ActKind.PARLIAMENT_APPROVAL, "2017-03-28", False),
        (ActKind.HEAD_OF_STATE_SIGNATURE, "2017-04-11", True),  # "President Donald Trump"
    ]
    signature = next(e for e in prose.events if e.kind == "member_head_of_state_signature")
    assert signature.member_code == "US" and signature.reason
    assert "names no country" in signature.reason


def test_a_year_is_not_guessed_backwards(example_text: str) -> None:
    """'on 10 March' after '11 April 2017' would need another year: no event."""
    text = edit(
        example_text, "Spain's ratification on 10 May.", "Spain's ratification on 10 March."
    )
    r = read(text)
    assert not [a for a in r.acts if a.member_code == "ES"]


def test_a_named_member_is_not_inferred(example_text: str) -> None:
    text = edit(
        example_text, "President Donald Trump signed", "The President of the United States signed"
    )
    us = [a for a in read(text).acts if a.kind is ActKind.HEAD_OF_STATE_SIGNATURE]
    assert us[0].member_code == "US" and not us[0].provenance.inferred


def test_others_ratifying_is_not_the_candidate_s_ratification(example_text: str) -> None:
    text = edit(
        example_text,
        "Montenegro officially joined NATO as a member state on 5 June 2017.",
        "After every member had ratified the protocol, Montenegro officially joined NATO as a "
        "member state on 5 June 2017.",
    )
    r = read(text)
    assert typed(r, "domestic_ratification") == [("2017-04-28", 28)]
    assert ("2017-06-05", 28) in typed(r, "membership")


def test_polls_in_the_prose(prose: ProseReading) -> None:
    got = [
        (p.line, str(p.date), p.pollster, p.commissioner, str(p.share_for), str(p.share_against))
        for p in prose.polls
    ]
    assert got == [
        (61, "2014-03", None, "government", "46", "42"),
        (61, "2015-07", "Centre for Democracy and Human Rights", None, "36.6", "37.3"),
        (68, "2009-12-11/2009-12-15", "CATI", None, "40", "44"),
        (68, "2009-10", None, None, "31.2", "44"),
        (68, "2014-03", "Ipsos", None, "46", "42"),
        (68, "2015-12", None, None, "47", "39"),
    ]
    undecided = {str(p.date): str(p.share_undecided) for p in prose.polls if p.share_undecided}
    assert undecided == {"2009-12-11/2009-12-15": "8", "2015-12": "14"}


def test_figures_that_are_not_membership_polls_are_excluded(prose: ProseReading) -> None:
    got = {(x.reason, tuple(str(s) for s in x.figures)) for x in prose.excluded}
    assert got == {
        ("subgroup", ("71.2", "68", "11.3")),
        ("other-question", ("72",)),
        ("election", ("41",)),
    }
    sub = next(x for x in prose.excluded if x.reason == "subgroup")
    assert "Montenegrin Serbs" in sub.detail


def test_a_party_s_voters_are_a_subgroup() -> None:
    s = "A poll in May 2016 found that 80% of DPS voters support membership, 10% oppose it."
    found = read_figures(s, 1, "Montenegro")
    assert {getattr(x, "reason", "poll") for x in found} == {"subgroup", "incomplete"}


def test_poll_sentences_are_not_timeline_events(prose: ProseReading) -> None:
    assert not [e for e in prose.events if e.line in (61, 68) and "poll" in e.sentence]


def test_sentences_do_not_split_after_us() -> None:
    text = (
        "It deposited it with the U.S. State Department in Washington, D.C. On 7 June 2017, a flag."
    )
    assert sentences(text) == [
        "It deposited it with the U.S. State Department in Washington, D.C.",
        "On 7 June 2017, a flag.",
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("It was held on 5 June 2017.", [("5 June 2017", "2017-06-05", None)]),
        ("A poll from 11–15 December 2009 said so.", [("11–15 December 2009", "2009-12-11", None)]),
        ("In late 2007, he said it.", [("late 2007", "2007", "late")]),
        ("Protests in mid-October 2015 followed.", [("mid-October 2015", "2015-10", "mid")]),
        ("It was completed on 10 May.", [("10 May", None, None)]),
        ("Treaty Doc. 114-12 was voted.", []),
    ],
)
def test_date_mentions(sentence: str, expected: list[tuple[str, str | None, str | None]]) -> None:
    got = [
        (m.text, str(m.span.start) if m.span else None, m.qualifier)
        for m in find_mentions(sentence)
    ]
    assert got == expected


def test_adjectival_and_leading_mentions() -> None:
    (m,) = find_mentions("The country joined PfP at the 2006 Riga summit.")
    assert m.adjectival and not m.leading
    (m,) = find_mentions("In December 2009, Montenegro was granted a plan.")
    assert m.leading and not m.adjectival


def test_a_document_without_prose_reads_nothing(example_text: str) -> None:
    table_only = "\n".join(
        line for line in example_text.split("\n") if not line or line[0] in "=|-"
    )
    r = read(table_only)
    assert (list(r.events), list(r.acts), list(r.polls), list(r.excluded)) == ([], [], [], [])


_WORDS = st.sampled_from(
    "In on 10 31 May April 2017 2009 late mid- early the poll % percent support oppose "
    "against undecided Spain's ratification Senate voted President signed joined NATO "
    "Montenegro invited protocol 150% 100.5 of Serbs , . ; – - which was granted".split()
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_WORDS, max_size=25).map(" ".join), min_size=1, max_size=4))
def test_any_prose_reads_without_error(paragraphs: list[str]) -> None:
    head = "= Montenegro–NATO relations =\n\n| Event | Date |\n| Accession protocol | 2016-05-19 |"
    r = read(head + "\n\n" + "\n\n".join(p for p in paragraphs if p.strip()) + "\n")
    for p in r.polls:
        assert 0 <= p.share_for.value <= 100 and 0 <= p.share_against.value <= 100
    for e in r.events:
        assert e.line >= 1 and e.sentence

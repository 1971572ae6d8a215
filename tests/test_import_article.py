"""The importer on the example and on hand-written variants of it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treatywatch.domain.model import Base
from treatywatch.errors import InputError
from treatywatch.sources.article import parse

RATIFICATION_HEADER = "| Ratification by: | |"


def test_example_counts(example_text: str) -> None:
    doc = parse(example_text, "example.txt")
    assert doc.process.slug == "montenegro-nato"
    assert (len(doc.milestones), len(doc.acts), len(doc.polls), len(doc.relations)) == (
        8,
        28,
        27,
        31,
    )
    assert list(doc.problems) == []
    kinds = [m.kind for m in doc.milestones]
    assert kinds[0] == "partnership_for_peace" and kinds[-1] == "membership"


def test_blank_ratification_rows_are_attributed_alphabetically_and_marked_inferred(
    example_text: str,
) -> None:
    doc = parse(example_text, "example.txt")
    assert all(a.provenance.inferred and a.provenance.reason for a in doc.acts)
    by_code = {a.member_code: a for a in doc.acts}
    assert str(by_code["AL"].date) == "2016-09-06"  # first row, Albania
    assert str(by_code["ES"].date) == "2017-05-18"  # Spain: 25th of 28
    assert by_code["ES"].provenance.line_start == 111
    assert str(by_code["US"].date) == "2017-04-21"  # last row
    assert all(a.kind.value == "ratified" for a in doc.acts)


def test_poll_rows_keep_their_precision_and_empty_pollsters(example_text: str) -> None:
    doc = parse(example_text, "example.txt")
    nspm = next(p for p in doc.polls if p.pollster == "NSPM")
    assert nspm.fieldwork.edtf == "2016-05-28/2016-06-05"
    oct14 = next(p for p in doc.polls if p.provenance.line_start == 49)
    assert oct14.fieldwork.edtf == "2014-10" and oct14.pollster is None
    cisr = doc.polls[0]
    assert cisr.base == Base.ALL  # 43 + 51 = 94: shares of all respondents
    assert doc.polls[1].base == Base.DECIDED
    assert str(doc.polls[2].share_for) == "49.88"  # written precision kept
    assert {p.question for p in doc.polls} == {"NATO membership"}  # from "For NATO membership"


def test_named_ratification_rows_are_read_not_inferred(example_text: str) -> None:
    text = example_text.replace("| | 2016-09-06 |", "| Albania | 2016-09-06 |").replace(
        "| | 2017-05-18 |", "| Spain | 2017-05-18 |"
    )
    text = "\n".join(
        line for line in text.split("\n") if not (line.startswith("| |") and "2017-01-18" in line)
    )
    doc = parse(text, "variant.txt")
    named = [a for a in doc.acts if not a.provenance.inferred and a.member_code]
    assert {a.member_code for a in named} == {"AL", "ES"}
    unattributed = [a for a in doc.acts if a.member_code is None]
    assert len(unattributed) == 25
    assert any(p.kind == "unattributed" for p in doc.problems)


def test_tables_found_by_content_not_position(example_text: str) -> None:
    lines = example_text.split("\n")
    polls = lines[32:60]  # header + 27 rows
    rest = lines[:32] + lines[60:]
    # Move the poll table to the end, add a sample-size column, write shares with %.
    header = polls[0].rstrip(" |") + " | Sample size |"
    rows = [r.rstrip(" |") + " | 1,000 |" for r in polls[1:]]
    rows = [r.replace("| 43 |", "| 43% |") for r in rows]
    doc = parse("\n".join([*rest, "", "== Polls again ==", header, *rows]), "moved.txt")
    assert len(doc.polls) == 27
    assert all(p.sample_size == 1000 for p in doc.polls)
    assert doc.polls[0].share_for.value == 43.0
    assert len(doc.milestones) == 8 and len(doc.acts) == 28


def test_bad_rows_are_reported_with_line_and_left_out(example_text: str) -> None:
    text = example_text.replace(
        "| June 2017 | CEDEM | 54.2 | 45.8 | 10.0 |", "| June 2017 | CEDEM | 54.2 | 45.8 |"
    )
    text = text.replace(
        "| Dec 2016 | CEDEM | 49.88 | 50.12 | 0.2 |", "| Dec 2016 | CEDEM | n/a | 50.12 | 0.2 |"
    )
    text = text.replace("| 26 June 2016 | DAMAR |", "| 26 June 2016 | DAMAR | extra |")
    doc = parse(text, "bad.txt")
    assert len(doc.polls) == 24
    by_line = {p.line: p for p in doc.problems}
    assert set(by_line) == {35, 36, 37}
    assert by_line[35].kind == "row-cells" and "4 cells" in by_line[35].message
    assert by_line[36].kind == "bad-number" and "'n/a'" in by_line[36].message
    assert by_line[37].kind == "row-cells"
    # The next rows were not shifted into other columns.
    assert doc.polls[1].pollster == "CEDEM" and str(doc.polls[1].share_for) == "50.5"


def test_row_count_mismatch_keeps_rows_unattributed(example_text: str) -> None:
    text = example_text.replace("| | 2016-09-06 |\n", "")
    doc = parse(text, "short.txt")
    assert len(doc.acts) == 27
    assert all(a.member_code is None for a in doc.acts)
    assert any("27 unnamed rows for 28 members" in p.message for p in doc.problems)


def test_not_an_article_is_refused() -> None:
    with pytest.raises(InputError, match="no title"):
        parse("just some words\n", "notes.txt")
    with pytest.raises(InputError, match="cannot tell the candidate"):
        parse("= Cheese and wine =\ntext\n", "cheese.txt")


def test_other_candidate_and_organization_names() -> None:
    text = "= Macedonia–NATO relations =\n\n| Event | Date |\n| Accession protocol | 2019-02-06 |\n| Member of NATO | 2020-03-27 |\n"
    doc = parse(text, "mk.txt")
    assert doc.process.slug == "north-macedonia-nato"
    assert doc.process.candidate_code == "MK"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_parser_raises_only_input_errors(noise: str) -> None:
    try:
        parse("= Montenegro–NATO relations =\n" + noise, "noise.txt")
    except InputError:
        pass


def test_a_conditional_question_is_its_own_series(example_text: str) -> None:
    from datetime import date

    from treatywatch.queries.averages import poll_averages

    extra = "\n".join(
        [
            "",
            "== Opinion polls if Serbia joins ==",
            "| Date | Polling Firm/Source | For NATO membership | Against NATO membership | Lead |",
            "| Oct 2015 | CEDEM | 60 | 40 | 20 |",
            "| Dec 2015 | CEDEM | 62 | 38 | 24 |",
            "| Feb 2016 | DAMAR | 65 | 35 | 30 |",
        ]
    )
    doc = parse(
        example_text.replace("==Political views==", extra + "\n\n==Political views=="), "v.txt"
    )
    conditional = [p for p in doc.polls if p.condition]
    assert len(conditional) == 3 and conditional[0].condition == "Serbia joins"
    averages = {a.series: a for a in poll_averages(doc.polls, date(2018, 1, 1))}
    assert set(averages) == {"", "Serbia joins"}
    assert averages[""].polls == 27 and averages["Serbia joins"].polls == 3
    # The plain question's average is not pulled toward the conditional polls (60-65%).
    assert averages[""].result.at(date(2016, 2, 1)).mean < 0.56

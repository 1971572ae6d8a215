"""Date rules: the prose against the table and itself, and the document's own date."""

from __future__ import annotations

from datetime import date

from treatywatch.checks import Finding, Severity, run_checks
from treatywatch.reference import organization
from treatywatch.sources.article import parse

SPAIN_PROSE = "completed with Spain's ratification on 10 May."


def run(text: str, rule: str, **kw: date) -> list[Finding]:
    return run_checks(parse(text, "example.txt"), organization("NATO"), rules=[rule], **kw)


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# -- prose-act-date ---------------------------------------------------------------


def test_spain_prose_date_against_the_table(example_text: str) -> None:
    (f,) = run(example_text, "prose-act-date")
    assert f.message == (
        "Spain's ratification: 10 May 2017 in the prose, 2017-05-18 in the table (line 111)"
    )
    assert (f.line_start, f.related) == (28, (111,))
    assert f.severity is Severity.WARNING  # both the year and the table's row are inferred
    assert "has no year" in f.evidence and "alphabetical order" in f.evidence
    assert "table's latest ratification" in f.evidence


def test_spain_agreeing_dates_are_not_reported(example_text: str) -> None:
    text = edit(example_text, SPAIN_PROSE, "completed with Spain's ratification on 18 May.")
    assert run(text, "prose-act-date") == []


def test_a_contradiction_between_read_dates_is_an_error(example_text: str) -> None:
    """Spain named in its table row, and the year written in the prose."""
    rows = example_text.split("\n")
    assert rows[110] == "| | 2017-05-18 |"
    rows[110] = "| Spain | 2017-05-18 |"
    text = edit("\n".join(rows), SPAIN_PROSE, "completed with Spain's ratification on 10 May 2017.")
    (f,) = run(text, "prose-act-date")
    assert f.severity is Severity.ERROR and f.related == (111,)


def test_a_ratification_before_the_parliament_s_approval(example_text: str) -> None:
    """The table's US row is 2017-04-21; a Senate vote on 28 April would come after it."""
    text = edit(example_text, "114-12)) on 28 March 2017.", "114-12)) on 28 April 2017.")
    found = [f for f in run(text, "prose-act-date") if "United States" in f.message]
    assert [(f.severity, f.related) for f in found] == [(Severity.WARNING, (114,))]


# -- prose-milestone-date ----------------------------------------------------------


def test_no_finding_where_prose_and_table_agree(example_text: str) -> None:
    """Intensified Dialogue (April 2008), invitation (2 December 2015), protocol
    (19 May 2016), domestic ratification (28 April 2017), membership (5 June 2017)."""
    assert run(example_text, "prose-milestone-date") == []
    assert run(example_text, "prose-date-conflict") == []


def test_a_prose_date_against_the_table(example_text: str) -> None:
    text = edit(
        example_text,
        "In December 2009, Montenegro was granted",
        "In December 2010, Montenegro was granted",
    )
    (f,) = run(text, "prose-milestone-date")
    assert (f.line_start, f.severity, f.related) == (7, Severity.ERROR, (82,))
    assert (
        f.message
        == "Membership Action Plan: December 2010 in the prose, 2009-12-04 in the table (line 82)"
    )


def test_a_month_that_does_not_contain_the_table_s_day(example_text: str) -> None:
    text = edit(
        example_text,
        "Intensified Dialogue with NATO in April 2008",
        "Intensified Dialogue with NATO in April 2007",
    )
    (f,) = run(text, "prose-milestone-date")
    assert (f.line_start, f.related) == (10, (81,))


# -- prose-date-conflict --------------------------------------------------------------


def test_two_sentences_that_disagree(example_text: str) -> None:
    text = edit(
        example_text,
        "alliance on 2 December 2015. Final",
        "alliance on 3 December 2015. Final",
    )
    (f,) = run(text, "prose-date-conflict")
    assert (f.line_start, f.related, f.severity) == (24, (7,), Severity.WARNING)
    assert "3 December 2015 here, 2 December 2015 on line 7" in f.message
    assert [g.line_start for g in run(text, "prose-milestone-date")] == [24]


# -- document-future-date ---------------------------------------------------------------


def test_no_document_date_no_finding(example_text: str) -> None:
    assert run(example_text, "document-future-date") == []


def test_dates_after_the_document_s_own_date(example_text: str) -> None:
    text = example_text.rstrip("\n") + "\n\nLast updated: 1 March 2017\n"
    found = run(text, "document-future-date")
    flagged = {f.line_start for f in found}
    assert {34, 35, 85, 115, 118} <= flagged  # October 2017 poll, June 2017 poll, …, membership
    assert not flagged & {36, 79, 84}  # December 2016 poll, PfP, the protocol
    assert all(f.severity is Severity.WARNING for f in found)


def test_a_document_date_can_be_given(example_text: str) -> None:
    found = run(example_text, "document-future-date", document_date=date(2017, 6, 30))
    assert [f.line_start for f in found] == [34]  # the poll of October 2017

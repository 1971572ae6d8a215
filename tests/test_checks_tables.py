"""Table rules: date order, duplicated rows, the importer's problems, inferred attributions."""

from __future__ import annotations

from treatywatch.checks import Finding, Severity, run_checks
from treatywatch.reference import organization
from treatywatch.sources.article import parse


def run(text: str, rule: str) -> list[Finding]:
    return run_checks(parse(text, "example.txt"), organization("NATO"), rules=[rule])


def set_row(text: str, line: int, old: str, new: str) -> str:
    rows = text.split("\n")
    assert rows[line - 1] == old, rows[line - 1]
    rows[line - 1] = new
    return "\n".join(rows)


def swap_rows(text: str, a: int, b: int) -> str:
    rows = text.split("\n")
    rows[a - 1], rows[b - 1] = rows[b - 1], rows[a - 1]
    return "\n".join(rows)


# -- table-date-order ---------------------------------------------------------------


def test_ipap_listed_before_intensified_dialogue_is_info(example_text: str) -> None:
    """The poll table is newest-first throughout (fine); the milestone table has one row
    out of its oldest-first order."""
    (f,) = run(example_text, "table-date-order")
    assert (f.line_start, f.related, f.severity) == (81, (80,), Severity.INFO)
    assert "'Intensified Dialogue' (2008-04-03) is listed after" in f.message
    assert "oldest first" in f.message and "procedure also lists" in f.evidence


def test_rows_in_order_are_not_reported(example_text: str) -> None:
    assert run(swap_rows(example_text, 80, 81), "table-date-order") == []


def test_a_poll_out_of_a_newest_first_table(example_text: str) -> None:
    text = swap_rows(example_text, 45, 46)  # 28 July 2015 above 11–18 Sep 2015
    found = run(text, "table-date-order")
    assert [(f.line_start, "newest first" in f.message) for f in found if f.line_start < 76] == [
        (46, True)
    ]


# -- table-duplicate-row ----------------------------------------------------------------


def test_no_duplicates_in_the_example(example_text: str) -> None:
    """Two blank ratification rows share a date (lines 100 and 103) but not a member."""
    assert run(example_text, "table-duplicate-row") == []


def test_a_poll_given_twice(example_text: str) -> None:
    text = set_row(
        example_text,
        53,
        "| Sep 2012 | CEDEM | 49 | 51 | 2 |",
        "| Mar 2013 | CEDEM | 37.3 | 62.7 | 25.4 |",
    )
    (f,) = run(text, "table-duplicate-row")
    assert (f.line_start, f.related, f.severity) == (53, (52,), Severity.WARNING)


def test_a_milestone_given_twice(example_text: str) -> None:
    text = set_row(
        example_text,
        82,
        "| Membership Action Plan | 2009-12-04 |",
        "| Invitation to join | 2009-12-04 |",
    )
    (f,) = run(text, "table-duplicate-row")
    assert (f.line_start, f.related) == (83, (82,))


# -- import-problem --------------------------------------------------------------------


def test_the_importer_s_problems_become_findings(example_text: str) -> None:
    assert run(example_text, "import-problem") == []
    text = set_row(
        example_text,
        57,
        "| Oct 2010 | CEDEM | 45.1 | 54.9 | 9.8 |",
        "| Oct 2010 | CEDEM | 45.1 | n/a | 9.8 |",
    )
    text = set_row(
        text, 83, "| Invitation to join | 2015-12-02 |", "| Invitation to join | 2015-12-32 |"
    )
    found = run(text, "import-problem")
    assert [(f.line_start, f.severity) for f in found] == [
        (57, Severity.ERROR),
        (83, Severity.ERROR),
    ]
    assert "'n/a' is not a number" in found[0].message


# -- inferred-attribution ------------------------------------------------------------------


def test_inferred_attributions_are_listed_with_their_reason(example_text: str) -> None:
    found = run(example_text, "inferred-attribution")
    assert [(f.line_start, f.line_end) for f in found] == [(28, 28), (28, 28), (87, 114)]
    assert all(f.severity is Severity.INFO for f in found)
    table = found[2]
    assert table.message.startswith("28 table rows inferred, not read (lines 87–114)")
    assert "alphabetical order" in table.evidence and len(table.related) == 27
    prose = {f.message for f in found[:2]}
    assert any("Spain's ratification 2017-05-10" in m for m in prose)
    assert any("United States' head of state's signature" in m for m in prose)


def test_named_rows_and_years_are_not_inferred(example_text: str) -> None:
    text = example_text.replace(
        "Spain's ratification on 10 May.", "Spain's ratification on 10 May 2017."
    )
    text = text.replace(
        "President Donald Trump signed", "The President of the United States signed"
    )
    found = run(text, "inferred-attribution")
    assert [f.line_start for f in found] == [87]  # only the table's unnamed rows remain

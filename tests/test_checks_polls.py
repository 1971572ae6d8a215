"""Poll-table rules: leads, sums and bases, each on the example and on variants of it."""

from __future__ import annotations

from treatywatch.checks import Finding, Severity, run_checks
from treatywatch.domain.model import Share
from treatywatch.reference import organization
from treatywatch.sources.article import parse


def run(text: str, rule: str) -> list[Finding]:
    return run_checks(parse(text, "example.txt"), organization("NATO"), rules=[rule])


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def lines(found: list[Finding]) -> list[tuple[int, Severity]]:
    return [(f.line_start, f.severity) for f in found]


def replace_poll_table(text: str, table: str) -> str:
    """The example with its poll table (lines 33–60) replaced by another."""
    rows = text.split("\n")
    assert rows[32].startswith("| Date |") and rows[59].startswith("| Nov 2008 |")
    return "\n".join(rows[:32] + table.strip().split("\n") + rows[60:])


# -- poll-lead-mismatch ---------------------------------------------------------


def test_leads_that_do_not_follow_from_the_shares_are_errors(example_text: str) -> None:
    found = run(example_text, "poll-lead-mismatch")
    assert lines(found) == [(35, Severity.ERROR), (44, Severity.ERROR)]
    june, october = found
    assert "is 10.0, but its shares give 8.4" in june.message
    assert "line 37" in june.evidence and june.related == (37,)  # same shares as 26 June 2016
    assert "is 10, but its shares give 12" in october.message
    assert "55 / 45" in october.fix


def test_a_corrected_lead_is_not_reported(example_text: str) -> None:
    text = edit(example_text, "| CEDEM | 54.2 | 45.8 | 10.0 |", "| CEDEM | 54.2 | 45.8 | 8.4 |")
    assert 35 not in [f.line_start for f in run(text, "poll-lead-mismatch")]


def test_a_lead_within_the_rounding_of_whole_figures_is_not_an_error(example_text: str) -> None:
    """56 − 44 may be 55.5 − 44.5 = 11: a stated 11 is possible."""
    text = edit(example_text, "| Ipsos | 56 | 44 | 10 |", "| Ipsos | 56 | 44 | 11 |")
    assert 44 not in [f.line_start for f in run(text, "poll-lead-mismatch")]
    assert 44 not in [f.line_start for f in run(text, "poll-lead-rounded")]


# -- poll-lead-rounded ------------------------------------------------------------


def test_a_coarser_lead_is_at_most_info(example_text: str) -> None:
    found = run(example_text, "poll-lead-rounded")
    assert lines(found) == [(36, Severity.INFO), (41, Severity.INFO)]
    assert "11.2 rounded to whole points" in found[1].message
    assert 41 not in [f.line_start for f in run(example_text, "poll-lead-mismatch")]


def test_a_lead_written_like_its_shares_is_not_reported(example_text: str) -> None:
    text = edit(example_text, "| DAMAR | 55.6 | 44.4 | 11 |", "| DAMAR | 55.6 | 44.4 | 11.2 |")
    assert 41 not in [f.line_start for f in run(text, "poll-lead-rounded")]


# -- poll-shares-sum ----------------------------------------------------------------


def test_the_example_s_shares_add_up(example_text: str) -> None:
    assert run(example_text, "poll-shares-sum") == []


def test_shares_over_100_are_an_error(example_text: str) -> None:
    text = edit(example_text, "| 36.45 | 63.55 | 27.1 |", "| 46.45 | 63.55 | 17.1 |")
    (f,) = run(text, "poll-shares-sum")
    assert (f.line_start, f.severity) == (60, Severity.ERROR) and "110" in f.message


def test_shares_with_undecided_must_add_to_100(example_text: str) -> None:
    table = """
| Date | Polling Firm/Source | For | Against | Undecided | Lead |
| Dec 2015 | X | 47 | 39 | 14 | 8 |
| Oct 2015 | Y | 47 | 39 | 10 | 8 |
"""
    found = run(replace_poll_table(example_text, table), "poll-shares-sum")
    assert lines(found) == [(35, Severity.WARNING)]
    assert "add up to 96, not 100" in found[0].message


# -- poll-base-mixed ----------------------------------------------------------------


def test_a_poll_on_all_respondents_among_decided_shares_is_a_warning(example_text: str) -> None:
    (f,) = run(example_text, "poll-base-mixed")
    assert (f.line_start, f.severity) == (34, Severity.WARNING)
    assert "all respondents" in f.message and "decided-only" in f.message
    assert "43 + 51 = 94" in f.evidence and "45.7 / 54.3" in f.evidence
    errors = [g for g in run_all(example_text) if g.line_start == 34]
    assert all(g.severity is not Severity.ERROR for g in errors)


def test_the_same_poll_on_the_decided_base_is_not_reported(example_text: str) -> None:
    text = edit(example_text, "| CISR/IRI | 43 | 51 | 8.0 |", "| CISR/IRI | 45.7 | 54.3 | 8.6 |")
    assert run(text, "poll-base-mixed") == []


def test_a_table_all_on_one_base_is_not_reported(example_text: str) -> None:
    table = """
| Date | Polling Firm/Source | For | Against | Lead |
| Dec 2015 | X | 47 | 39 | 8 |
| Oct 2015 | Y | 43 | 51 | 8 |
"""
    assert run(replace_poll_table(example_text, table), "poll-base-mixed") == []


def run_all(text: str) -> list[Finding]:
    return run_checks(parse(text, "example.txt"), organization("NATO"))


def test_decided_share_range_uses_the_written_precision() -> None:
    from treatywatch.checks.polls import decided_share

    lo, hi = decided_share(Share.parse("46"), Share.parse("42"))
    assert 51.6 < lo < 52.2 < 52.3 < hi < 52.9  # 52.2 and 52.3 both fit
    lo, hi = decided_share(Share.parse("36.6"), Share.parse("37.3"))
    assert lo < 49.5 < hi and hi - lo < 0.2


def test_a_poll_of_zeros_does_not_break_the_rules(example_text: str) -> None:
    """Found by fuzzing: 0 for and 0 against divided by zero."""
    text = edit(example_text, "| CISR/IRI | 43 | 51 | 8.0 |", "| CISR/IRI | 0 | 0 | 8.0 |")
    found = run_all(text)
    assert [f.rule for f in found if f.line_start == 34] == ["poll-lead-mismatch"]

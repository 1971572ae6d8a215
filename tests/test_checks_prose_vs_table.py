"""The prose's polls against the poll table: matched, missing, excluded, pollster left out."""

from __future__ import annotations

from treatywatch.checks import Finding, Severity, run_checks
from treatywatch.checks.prose_vs_table import match_polls
from treatywatch.reference import organization
from treatywatch.sources.article import parse

NATO = organization("NATO")


def run(text: str, rule: str) -> list[Finding]:
    return run_checks(parse(text, "example.txt"), NATO, rules=[rule])


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_prose_polls_are_matched_to_their_table_rows(example_text: str) -> None:
    parsed = parse(example_text, "example.txt")
    matches = match_polls(parsed.prose.polls, parsed.polls)
    got = {
        (m.prose.line, m.prose.date_text): m.table.provenance.line_start if m.table else None
        for m in matches
    }
    assert got == {
        (61, "March 2014"): 50,  # 46 vs 42 → 52.3 / 47.7; table 52.2 / 47.8
        (61, "July 2015"): 46,  # 36.6 vs 37.3 → 49.5 / 50.5; table 28 July 2015 CEDEM
        (68, "October 2009"): 58,  # 31.2% vs 44% → 41.5 / 58.5; table Oct 2009 CEDEM
        (68, "March 2014"): 50,
        (68, "11–15 December 2009"): None,  # CATI
        (68, "December 2015"): None,
    }


def test_polls_missing_from_the_table(example_text: str) -> None:
    found = run(example_text, "prose-poll-missing")
    assert [(f.line_start, f.severity) for f in found] == [(68, Severity.WARNING)] * 2
    messages = " | ".join(f.message for f in found)
    assert "11–15 December 2009 (CATI: 40 for, 44 against, 8 undecided)" in messages
    assert "December 2015 (no pollster named: 47 for, 39 against, 14 undecided)" in messages


def test_a_poll_of_the_same_period_with_other_shares_is_still_missing(example_text: str) -> None:
    text = edit(example_text, "31.2% of Montenegro's populace", "35.2% of Montenegro's populace")
    found = [f for f in run(text, "prose-poll-missing") if "October 2009" in f.message]
    assert len(found) == 1 and found[0].related == (58,)
    assert "Table polls of the period differ" in found[0].evidence


def test_a_poll_added_to_the_table_is_no_longer_missing(example_text: str) -> None:
    text = edit(
        example_text,
        "| Nov 2015 | CEDEM | 49.8 | 50.2 | 0.4 |",
        "| Dec 2015 | | 54.7 | 45.3 | 9.4 |\n| Nov 2015 | CEDEM | 49.8 | 50.2 | 0.4 |",
    )
    assert ["December 2015" in f.message for f in run(text, "prose-poll-missing")] == [False]


def test_figures_not_counted_as_membership_polls(example_text: str) -> None:
    found = run(example_text, "prose-poll-excluded")
    got = [(f.line_start, f.message.split(":")[0]) for f in found]
    assert got == [(61, "71.2%, 68%, 11.3%"), (68, "72%"), (74, "41%")]
    assert all(f.severity is Severity.INFO for f in found)
    assert "holding a referendum" in found[1].message and "election" in found[2].message


def test_pollster_named_in_the_prose_but_empty_in_the_table(example_text: str) -> None:
    (f,) = run(example_text, "table-pollster-missing")
    assert (f.line_start, f.severity, f.related) == (50, Severity.WARNING, (61, 68))
    assert "government poll (line 61)" in f.message and "names Ipsos (line 68)" in f.message
    assert f.fix == "fill in the pollster (Ipsos)"


def test_a_filled_pollster_is_not_reported(example_text: str) -> None:
    text = edit(example_text, "| Mar 2014 | | 52.2 |", "| Mar 2014 | Ipsos | 52.2 |")
    assert run(text, "table-pollster-missing") == []


def test_an_unmatched_empty_pollster_is_not_reported(example_text: str) -> None:
    """Oct 2014 has no pollster either, but the prose says nothing about it."""
    found = run(example_text, "table-pollster-missing")
    assert 49 not in [f.line_start for f in found]

"""Procedure rules: steps in the organization's order, ratifications inside their window."""

from __future__ import annotations

import pytest

from treatywatch.checks import Finding, Severity, run_checks
from treatywatch.reference import organization
from treatywatch.sources.article import parse

PROCEDURE_RULES = [
    "procedure-order",
    "procedure-act-before-signature",
    "procedure-act-after-membership",
    "procedure-membership-before-ratification",
]


def run(text: str, *rules: str) -> list[Finding]:
    return run_checks(parse(text, "example.txt"), organization("NATO"), rules=list(rules))


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def set_row(text: str, line: int, old: str, new: str) -> str:
    rows = text.split("\n")
    assert rows[line - 1] == old, rows[line - 1]
    rows[line - 1] = new
    return "\n".join(rows)


@pytest.mark.parametrize("rule", PROCEDURE_RULES)
def test_the_example_follows_the_procedure(example_text: str, rule: str) -> None:
    assert run(example_text, rule) == []


def test_invited_before_the_membership_action_plan(example_text: str) -> None:
    text = set_row(
        example_text,
        83,
        "| Invitation to join | 2015-12-02 |",
        "| Invitation to join | 2009-11-02 |",
    )
    (f,) = run(text, "procedure-order")
    assert (f.line_start, f.related, f.severity) == (83, (82,), Severity.ERROR)
    assert "Invitation (2009-11-02) is dated before Membership Action Plan" in f.message
    assert "in the table" in f.message


def test_the_order_is_checked_in_the_prose_too(example_text: str) -> None:
    text = edit(
        example_text,
        "by the alliance on 2 December 2015, with",
        "by the alliance on 2 December 2005, with",
    )
    (f,) = run(text, "procedure-order")
    assert f.line_start == 7 and "in the prose" in f.message


def test_partnership_tools_have_no_fixed_order(example_text: str) -> None:
    """IPAP before Intensified Dialogue (as some countries had it) is not a procedure error."""
    text = set_row(
        example_text,
        80,
        "| Individual Partnership Action Plan | 2008-06-20 |",
        "| Individual Partnership Action Plan | 2007-06-20 |",
    )
    assert run(text, "procedure-order") == []


def test_a_member_ratifying_before_the_signature(example_text: str) -> None:
    text = set_row(example_text, 98, "| | 2016-07-11 |", "| | 2016-05-11 |")
    (f,) = run(text, "procedure-act-before-signature")
    assert (f.line_start, f.related, f.severity) == (98, (84,), Severity.ERROR)
    assert f.message.startswith(
        "Hungary's ratification on 2016-05-11, before the accession protocol"
    )
    assert "inferred" in f.evidence  # the row's member is an attribution


def test_membership_before_every_required_ratification(example_text: str) -> None:
    text = set_row(
        example_text, 115, "| Member of NATO | 2017-06-05 |", "| Member of NATO | 2017-05-01 |"
    )
    (f,) = run(text, "procedure-membership-before-ratification")
    assert (f.line_start, f.severity) == (115, Severity.ERROR)
    assert "before 3 required member(s) ratified" in f.message
    assert set(f.related) == {96, 104, 111}  # Germany, the Netherlands, Spain
    # the same acts are not reported again, one by one
    assert [
        g for g in run(text, "procedure-act-after-membership") if g.line_start in f.related
    ] == []


def test_a_member_s_act_after_the_membership(example_text: str) -> None:
    text = edit(
        example_text,
        "Montenegro officially joined NATO as a member state on 5 June 2017.",
        "Montenegro officially joined NATO as a member state on 5 June 2017. "
        "The United States deposited its instrument of ratification on 10 June 2017.",
    )
    (f,) = run(text, "procedure-act-after-membership")
    assert (f.line_start, f.severity) == (28, Severity.ERROR)
    assert f.message == (
        "United States' deposit of its instrument on 2017-06-10, after the membership on 2017-06-05"
    )


def test_mixed_precision_dates_do_not_break_the_rules(example_text: str) -> None:
    """Found by fuzzing: a year-only protocol in the prose next to the table's day."""
    text = edit(
        example_text,
        "Montenegro officially joined NATO as a member state on 5 June 2017.",
        "Montenegro officially joined NATO as a member state on 5 June 2017. "
        "Spain's ratification came in 2017. The protocol was signed in 2016.",
    )
    for rule in PROCEDURE_RULES:
        assert run(text, rule) == []

"""The registry and run_checks on the example: every finding, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treatywatch.checks import (
    RULES,
    Finding,
    Severity,
    rules_table,
    run_checks,
    summary,
)
from treatywatch.ingest import read_text
from treatywatch.reference import organization
from treatywatch.sources.article import parse

EXPECTED = [  # (line, severity, rule) on the example
    (28, "warning", "prose-act-date"),
    (28, "info", "inferred-attribution"),
    (28, "info", "inferred-attribution"),
    (34, "warning", "poll-base-mixed"),
    (35, "error", "poll-lead-mismatch"),
    (36, "info", "poll-lead-rounded"),
    (41, "info", "poll-lead-rounded"),
    (44, "error", "poll-lead-mismatch"),
    (50, "warning", "table-pollster-missing"),
    (61, "info", "prose-poll-excluded"),
    (68, "warning", "prose-poll-missing"),
    (68, "warning", "prose-poll-missing"),
    (68, "info", "prose-poll-excluded"),
    (74, "info", "prose-poll-excluded"),
    (81, "info", "table-date-order"),
    (87, "info", "inferred-attribution"),
]


@pytest.fixture
def findings(example_text: str) -> list[Finding]:
    return run_checks(parse(example_text, "example.txt"), organization("NATO"))


def test_every_finding_on_the_example(findings: list[Finding]) -> None:
    assert [(f.line_start, f.severity.value, f.rule) for f in findings] == EXPECTED


def test_no_finding_on_the_milestones_prose_and_table_agree_on(findings: list[Finding]) -> None:
    """Lines of Intensified Dialogue, invitation, protocol, domestic ratification, membership."""
    assert not [
        f
        for f in findings
        if f.line_start in (7, 24, 79, 81, 82, 83, 84, 85, 115, 118)
        and f.rule.startswith(("prose-", "procedure-"))
    ]


def test_checks_are_pure_and_stable(example_text: str, findings: list[Finding]) -> None:
    again = run_checks(parse(example_text, "example.txt"), organization("NATO"))
    assert [f.id for f in again] == [f.id for f in findings]
    assert len({f.id for f in findings}) == len(findings)


def test_every_rule_has_an_id_a_severity_and_a_description() -> None:
    assert len(RULES) >= 17
    for rid, r in RULES.items():
        assert r.id == rid and rid == rid.lower() and " " not in rid
        assert r.summary and r.summary[0].isupper() and r.func.__doc__
        assert isinstance(r.severity, Severity)
    table = rules_table()
    assert {row["id"] for row in table} == set(RULES)


def test_unknown_rule_ids_are_refused(example_text: str) -> None:
    with pytest.raises(ValueError, match="unknown rule id"):
        run_checks(parse(example_text, "example.txt"), organization("NATO"), rules=["nope"])


def test_findings_round_trip_through_dicts(findings: list[Finding]) -> None:
    assert [Finding.from_dict(f.to_dict()) for f in findings] == findings


def test_summary_and_read_text(example_text: str) -> None:
    parsed = read_text(example_text, "example.txt")
    found = list(parsed.findings)
    s = summary(found)
    assert s["total"] == len(EXPECTED)
    assert s["by_severity"] == {"error": 2, "warning": 5, "info": 9}
    assert parsed.document.sha256 == found[0].document


_WORDS = st.sampled_from(
    "In on 10 May April 2017 2009 2016 late the poll % percent support oppose against "
    "Spain's ratification Senate voted President signed joined NATO Montenegro invited "
    "protocol Membership Action Plan 46 42 March 2014 , . ; which was granted "
    "ratified ratification Spain's 10 May 2017 parliament Montenegro's".split()
)
_EXAMPLE = Path(__file__).parent.parent / "src/treatywatch/examples/montenegro-nato-relations.txt"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(_WORDS, min_size=1, max_size=30).map(" ".join), max_size=4))
def test_checks_run_on_any_prose(paragraphs: list[str]) -> None:
    """The example's tables with other prose: every rule runs, every finding is well formed."""
    text = _EXAMPLE.read_text(encoding="utf-8")
    head, rest = text.split("\n== Background ==", 1)
    text = head + "\n\n" + "\n\n".join(paragraphs) + "\n\n== Background ==" + rest
    for f in run_checks(parse(text, "x.txt"), organization("NATO")):
        assert f.line_start >= 1 and f.line_end >= f.line_start and f.message and f.fix

"""Output formats: SARIF 2.1.0 (validated against the schema), GitHub annotations, JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from treatywatch.checks import Finding, Severity, run_checks
from treatywatch.checks.sarif import (
    artifact_uri,
    escape_data,
    escape_property,
    to_github,
    to_sarif,
)
from treatywatch.reference import organization
from treatywatch.sources.article import parse

SCHEMA = Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json"
PATH = "src/treatywatch/examples/montenegro-nato-relations.txt"


@pytest.fixture
def checked(example_text: str) -> tuple[list[Finding], dict[str, str]]:
    parsed = parse(example_text, PATH)
    return run_checks(parsed, organization("NATO")), {parsed.document.sha256: PATH}


def validate(log: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(log), key=str)
    assert not errors, [e.message for e in errors[:5]]


def test_sarif_validates_against_the_2_1_0_schema(
    checked: tuple[list[Finding], dict[str, str]],
) -> None:
    findings, paths = checked
    log = to_sarif(findings, paths, version="0.1.0")
    validate(json.loads(json.dumps(log)))
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "treatywatch"
    assert len(run["results"]) == len(findings)


def test_sarif_results_point_at_lines_and_rules(
    checked: tuple[list[Finding], dict[str, str]],
) -> None:
    findings, paths = checked
    run = to_sarif(findings, paths)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    lead = next(r for r in run["results"] if r["ruleId"] == "poll-lead-mismatch")
    assert lead["level"] == "error"
    assert rules[lead["ruleIndex"]]["id"] == "poll-lead-mismatch"
    assert rules[lead["ruleIndex"]]["shortDescription"]["text"]
    loc = lead["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == PATH
    assert loc["region"] == {"startLine": 35, "endLine": 35}
    assert lead["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 37
    levels = {r["level"] for r in run["results"]}
    assert levels == {"error", "warning", "note"}
    table = next(
        r
        for r in run["results"]
        if r["ruleId"] == "inferred-attribution"
        and r["locations"][0]["physicalLocation"]["region"]["startLine"] == 87
    )
    assert table["locations"][0]["physicalLocation"]["region"]["endLine"] == 114


def test_empty_sarif_log_validates() -> None:
    validate(to_sarif([], {}))


def test_artifact_uris() -> None:
    assert artifact_uri("docs/my file.txt") == "docs/my%20file.txt"
    assert artifact_uri("/tmp/a b.txt") == "file:///tmp/a%20b.txt"


def test_github_annotations(checked: tuple[list[Finding], dict[str, str]]) -> None:
    findings, paths = checked
    lines = to_github(findings, paths).splitlines()
    assert len(lines) == len(findings)
    lead = next(line for line in lines if "title=poll-lead-mismatch" in line)
    assert lead.startswith(f"::error file={PATH},line=35,endLine=35,title=poll-lead-mismatch::")
    assert any(line.startswith("::notice ") for line in lines)
    assert any(line.startswith("::warning ") for line in lines)
    assert all("\n" not in line and "\r" not in line for line in lines)


def test_github_escaping() -> None:
    f = Finding.make("rule-x", Severity.WARNING, "d" * 64, 3, "50% done\r\nnext: a, b", "e", "fix")
    out = to_github([f], {"d" * 64: "dir,with:odd%name.txt"})
    assert out == (
        "::warning file=dir%2Cwith%3Aodd%25name.txt,line=3,endLine=3,title=rule-x::"
        "50%25 done%0D%0Anext: a, b. Fix: fix.\n"
    )
    assert escape_data("a%b\nc") == "a%25b%0Ac"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"


def test_json_form(checked: tuple[list[Finding], dict[str, str]]) -> None:
    findings, paths = checked
    # The JSON form is the serializer's (issue 10: one provenance shape everywhere).
    from treatywatch import serialize

    rows = serialize.findings(findings, paths)["findings"]
    assert json.loads(json.dumps(rows)) == rows
    assert rows[0]["provenance"]["name"] == PATH and rows[0]["rule"] == findings[0].rule
    assert {"id", "rule", "severity", "message", "evidence", "fix", "related"} <= rows[0].keys()
    prov = rows[0]["provenance"]
    assert (prov["line_start"], prov["line_end"]) == (findings[0].line_start, findings[0].line_end)


def test_the_schema_catches_a_wrong_level(checked: tuple[list[Finding], dict[str, str]]) -> None:
    findings, paths = checked
    log = to_sarif(findings, paths)
    log["runs"][0]["results"][0]["level"] = "info"  # SARIF's word is "note"
    with pytest.raises(AssertionError):
        validate(log)

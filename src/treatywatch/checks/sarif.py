"""Findings as JSON, SARIF 2.1.0 and GitHub Actions workflow annotations.

``paths`` maps a document's SHA-256 (``Finding.document``) to the path to show; a
finding whose document is not in it is shown under its hash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from treatywatch.checks.registry import RULES
from treatywatch.domain.findings import Finding, Severity

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _path(f: Finding, paths: Mapping[str, str]) -> str:
    return paths.get(f.document, f.document)


def artifact_uri(path: str) -> str:
    """A URI reference for a path: relative paths stay relative (resolved against the
    repository root by code scanning), absolute ones become file URIs."""
    p = Path(path)
    if p.is_absolute():
        return p.as_uri()
    return quote(PurePosixPath(*p.parts).as_posix() if p.parts else path, safe="/")


def _camel(rule_id: str) -> str:
    return "".join(w.capitalize() for w in re.split(r"[^a-zA-Z0-9]+", rule_id) if w)


def _location(uri: str, start: int, end: int) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": uri},
            "region": {"startLine": max(start, 1), "endLine": max(end, start, 1)},
        }
    }


def to_sarif(
    findings: Iterable[Finding], paths: Mapping[str, str], version: str = ""
) -> dict[str, Any]:
    """One SARIF 2.1.0 log with one run of treatywatch over the documents."""
    found = list(findings)
    ids = sorted(RULES)
    index = {rid: i for i, rid in enumerate(ids)}
    rules = [
        {
            "id": rid,
            "name": _camel(rid),
            "shortDescription": {"text": RULES[rid].summary},
            "defaultConfiguration": {"level": _LEVEL[RULES[rid].severity]},
            "properties": {"group": RULES[rid].group},
        }
        for rid in ids
    ]
    results = []
    for f in found:
        uri = artifact_uri(_path(f, paths))
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": _LEVEL[f.severity],
            "message": {"text": sentences(f.message, f"Evidence: {f.evidence}", f"Fix: {f.fix}")},
            "locations": [_location(uri, f.line_start, f.line_end)],
            "partialFingerprints": {"treatywatchFinding/v1": f.id},
            "properties": {"evidence": f.evidence, "fix": f.fix, "document": f.document},
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        if f.related:
            result["relatedLocations"] = [
                {"id": i, **_location(uri, line, line), "message": {"text": f"line {line}"}}
                for i, line in enumerate(f.related, start=1)
            ]
        results.append(result)
    driver: dict[str, Any] = {
        "name": "treatywatch",
        "rules": rules,
    }
    if version:
        driver["version"] = version
    artifacts = sorted({artifact_uri(_path(f, paths)) for f in found})
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "artifacts": [{"location": {"uri": a}} for a in artifacts],
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def sentences(*parts: str) -> str:
    """Join parts as sentences, without doubling their final stops."""
    return " ".join(p.strip().rstrip(".") + "." for p in parts if p.strip())


def escape_data(s: str) -> str:
    """Escape a workflow command's message (%, CR, LF)."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    """Escape a workflow command's property value (also ':' and ',')."""
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def to_github(findings: Iterable[Finding], paths: Mapping[str, str]) -> str:
    """GitHub Actions annotations, one ``::error file=…,line=…::message`` line per finding."""
    lines = []
    for f in findings:
        props = ",".join(
            f"{k}={escape_property(v)}"
            for k, v in (
                ("file", _path(f, paths)),
                ("line", str(f.line_start)),
                ("endLine", str(f.line_end)),
                ("title", f.rule),
            )
        )
        message = escape_data(sentences(f.message, f"Fix: {f.fix}"))
        lines.append(f"::{_COMMAND[f.severity]} {props}::{message}")
    return "\n".join(lines) + ("\n" if lines else "")

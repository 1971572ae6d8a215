"""Checks: rules that find where a source contradicts itself, the procedure or its tables.

``run_checks(facts, organization)`` runs every registered rule (see ``RULES``) on what was
read from one document (:class:`~treatywatch.domain.facts.DocumentFacts`: its records, its
prose's facts, its layout) and returns the findings, sorted by line. It is pure: no I/O,
and it reads no text: the importer read the document once, before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import fields, replace
from datetime import date
from typing import Any

from treatywatch.checks import (
    agreement,
    dates,
    inference,
    polls,
    procedure,
    prose_vs_table,
    tables,
)
from treatywatch.checks.registry import RULES, Context, Rule
from treatywatch.domain.facts import DocumentFacts
from treatywatch.domain.findings import Finding, Severity, sort_key
from treatywatch.domain.model import DocumentRecords, Organization, ParsedDocument

__all__ = [
    "RULES",
    "Finding",
    "Rule",
    "Severity",
    "check_package",
    "check_records",
    "rules_table",
    "run_checks",
    "summary",
]
# The modules register their rules on import.
_MODULES = (agreement, dates, inference, polls, procedure, prose_vs_table, tables)
# Rules that do not fit a data package's records: a package keeps each source's row for a
# fact on purpose (rows that agree corroborate it; sources-disagree reports the others).
NOT_FOR_RECORDS = frozenset({"table-duplicate-row"})


def run_checks(
    facts: DocumentFacts,
    organization: Organization,
    *,
    rules: Iterable[str] | None = None,
    document_date: date | None = None,
) -> list[Finding]:
    """Findings on one document, sorted by line then severity; ``rules`` limits the rule ids;
    ``document_date`` replaces the date the document states for itself."""
    chosen = list(RULES) if rules is None else list(rules)
    unknown = [r for r in chosen if r not in RULES]
    if unknown:
        raise ValueError(f"unknown rule id(s): {', '.join(unknown)}; known: {', '.join(RULES)}")
    ctx = Context(facts, organization, document_date)
    found = [f for r in chosen for f in RULES[r].func(ctx)]
    unique = {f.id: f for f in found}
    return sorted(unique.values(), key=sort_key)


def check_records(doc: ParsedDocument, organization: Organization) -> ParsedDocument:
    """A document read as records only (a data package's events table: no prose, no table
    layout) with the findings of every rule that reads records."""
    facts = DocumentFacts(**{f.name: getattr(doc, f.name) for f in fields(DocumentRecords)})
    chosen = [r for r in RULES if r not in NOT_FOR_RECORDS]
    return replace(doc, findings=(*doc.findings, *run_checks(facts, organization, rules=chosen)))


def check_package(docs: Sequence[ParsedDocument]) -> list[ParsedDocument]:
    """A data package's tables (events, polls, positions, members), each with the findings of
    the rules that read records, under its process's organization as the package's members
    table (if any) names who must ratify."""
    if not docs:
        return []
    from treatywatch.reference import organization

    required = [m for d in docs for m in d.required]
    org = organization(docs[0].process.organization).for_process(required)
    return [check_records(d, org) for d in docs]


def summary(findings: Iterable[Finding]) -> dict[str, Any]:
    """Counts by severity and by rule."""
    found = list(findings)
    return {
        "total": len(found),
        "by_severity": {s.value: sum(f.severity is s for f in found) for s in Severity},
        "by_rule": dict(sorted(Counter(f.rule for f in found).items())),
    }


def rules_table() -> list[dict[str, str]]:
    """Every rule: id, usual severity, group and short description."""
    return [
        {"id": r.id, "severity": r.severity.value, "group": r.group, "summary": r.summary}
        for r in sorted(RULES.values(), key=lambda r: (r.group, r.id))
    ]

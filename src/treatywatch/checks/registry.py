"""Rules and the context they read: each rule is a small function registered by id."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from treatywatch.domain.dates import DateParseError, parse_text
from treatywatch.domain.findings import Finding, Severity
from treatywatch.domain.model import Organization, ParsedDocument, Poll
from treatywatch.sources.prose import ProseReading, read_prose
from treatywatch.sources.structure import Table, parse_structure

# A document may state its own date ("Last updated: 3 March 2018"); dates after it are suspect.
_STAMP = re.compile(
    r"^\s*(?:last (?:edited|updated|modified)(?: on)?|retrieved(?: on)?|accessed(?: on)?|as of)"
    r"\s*[:,]?\s*(.+?)\s*\.?\s*$",
    re.I | re.M,
)


@dataclass
class Context:
    """One document's records, its prose reading and the organization, for the rules."""

    parsed: ParsedDocument
    org: Organization
    document_date: date | None = None
    prose: ProseReading = field(init=False)

    def __post_init__(self) -> None:
        self.prose = read_prose(self.parsed, self.org)
        if self.document_date is None:
            for m in _STAMP.finditer(self.parsed.document.text):
                try:
                    self.document_date = parse_text(m.group(1)).upper()
                    break
                except DateParseError:
                    continue

    @cached_property
    def tables(self) -> list[Table]:
        return parse_structure(self.parsed.document.text).tables

    def table_of(self, line: int) -> int | None:
        """Index of the table a row line belongs to."""
        for i, t in enumerate(self.tables):
            if t.line <= line <= (t.rows[-1].line if t.rows else t.line):
                return i
        return None

    def poll_tables(self) -> list[list[Poll]]:
        groups: dict[int | None, list[Poll]] = {}
        for p in self.parsed.polls:
            groups.setdefault(self.table_of(p.provenance.line_start), []).append(p)
        return list(groups.values())

    def finding(
        self,
        rule: str,
        severity: Severity,
        line: int,
        message: str,
        evidence: str,
        fix: str,
        *,
        line_end: int | None = None,
        related: Iterable[int] = (),
    ) -> Finding:
        return Finding.make(
            rule,
            severity,
            self.parsed.document.sha256,
            line,
            message,
            evidence,
            fix,
            line_end=line_end,
            related=tuple(related),
        )


RuleFunc = Callable[[Context], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity  # the usual severity; a rule may lower or raise it per finding
    group: str
    summary: str
    func: RuleFunc


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule; its docstring's first line is its short description."""

    def register(func: RuleFunc) -> RuleFunc:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id!r}")
        summary = (func.__doc__ or rule_id).strip().splitlines()[0]
        group = func.__module__.rsplit(".", 1)[-1]
        RULES[rule_id] = Rule(rule_id, severity, group, summary, func)
        return func

    return register

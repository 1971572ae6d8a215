"""Rules and the context they read: each rule is a small function registered by id."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from treatywatch.domain.facts import DocumentFacts, ProseReading
from treatywatch.domain.findings import Finding, Severity
from treatywatch.domain.model import Organization, Poll


@dataclass
class Context:
    """One document's facts as read (records, prose, layout) and the organization, for the
    rules. ``document_date`` is the date the document states, unless one is given."""

    facts: DocumentFacts
    org: Organization
    document_date: date | None = None
    # Values several rules derive from the document, made once (e.g. procedure.sources).
    shared: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.document_date is None:
            self.document_date = self.facts.stated_date

    @property
    def prose(self) -> ProseReading:
        return self.facts.prose

    @cached_property
    def _table_starts(self) -> list[int]:
        return [first for first, _last in self.facts.table_spans]

    def table_of(self, line: int) -> int | None:
        """Index of the table a row line belongs to (tables are disjoint, in line order)."""
        i = bisect_right(self._table_starts, line) - 1
        if i < 0:
            return None
        return i if line <= self.facts.table_spans[i][1] else None

    def poll_tables(self) -> list[list[Poll]]:
        groups: dict[int | None, list[Poll]] = {}
        for p in self.facts.polls:
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
            self.facts.document.sha256,
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

"""Rules and the context they read: each rule is a small function registered by id."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import InitVar, dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from treatywatch.domain.dates import DateParseError, parse_text
from treatywatch.domain.findings import Finding, Severity
from treatywatch.domain.model import Organization, ParsedDocument, Poll
from treatywatch.sources.prose import ProseReading, read_prose
from treatywatch.sources.structure import Table, parse_structure

# A document may state its own date ("Last updated: 3 March 2018"); dates after it are suspect.
# The stamp's words start a line; its value runs to the end of its line (or of the next
# non-blank line, after "Last updated:" alone), without a final full stop.
_STAMP = re.compile(
    r"^[^\S\n]*(?:last (?:edited|updated|modified)(?: on)?|retrieved(?: on)?|accessed(?: on)?"
    r"|as of)",
    re.I | re.M,
)
_STAMP_GAP = re.compile(r"\s*[:,]?\s*")


def document_stamps(text: str) -> Iterator[str]:
    r"""The values of the document's date stamps, in order.

    They are what ``^\s*(?:last updated|…)\s*[:,]?\s*(.+?)\s*\.?\s*$`` (multiline) reads,
    found in linear time: that pattern backtracks quadratically over runs of blank lines and
    cubically over runs of spaces in a line.
    """
    pos = 0
    while m := _STAMP.search(text, pos):
        gap = _STAMP_GAP.match(text, m.end())
        start = gap.end() if gap else m.end()
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        value = text[start:end].rstrip()
        if value.endswith("."):
            value = value[:-1].rstrip() or value
        if value:
            yield value
        pos = max(end, m.end())


@dataclass
class Context:
    """One document's records, its prose reading and the organization, for the rules."""

    parsed: ParsedDocument
    org: Organization
    document_date: date | None = None
    reading: InitVar[ProseReading | None] = None  # the prose as read already, if it was
    prose: ProseReading = field(init=False)
    # Values several rules derive from the document, made once (e.g. procedure.sources).
    shared: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self, reading: ProseReading | None) -> None:
        self.prose = reading if reading is not None else read_prose(self.parsed, self.org)
        if self.document_date is None:
            for value in document_stamps(self.parsed.document.text):
                try:
                    self.document_date = parse_text(value).upper()
                    break
                except DateParseError:
                    continue

    @cached_property
    def tables(self) -> list[Table]:
        return parse_structure(self.parsed.document.text).tables

    @cached_property
    def _table_starts(self) -> list[int]:
        return [t.line for t in self.tables]

    def table_of(self, line: int) -> int | None:
        """Index of the table a row line belongs to (tables are disjoint, in line order)."""
        i = bisect_right(self._table_starts, line) - 1
        if i < 0:
            return None
        t = self.tables[i]
        return i if line <= (t.rows[-1].line if t.rows else t.line) else None

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

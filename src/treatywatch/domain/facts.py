"""What one document states, as an importer read it, before the checks: pure values.

An importer (``treatywatch.sources``) reads a document once into :class:`DocumentFacts`:
the records of its tables and lists, the facts of its prose and the facts about its layout
that the rules need. The checks read only these values; :meth:`DocumentFacts.checked`
then makes the one frozen :class:`ParsedDocument` that is stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date

from treatywatch.domain.dates import DateSpan
from treatywatch.domain.findings import Finding
from treatywatch.domain.model import (
    DocumentRecords,
    ParsedDocument,
    ProseEvent,
    RatificationAct,
    Share,
)


@dataclass(frozen=True)
class ProsePoll:
    """Figures a sentence reports as answers on membership."""

    date: DateSpan
    date_text: str
    pollster: str | None
    commissioner: str | None  # "government" in "a government poll"
    share_for: Share
    share_against: Share
    share_undecided: Share | None
    sentence: str
    line: int


@dataclass(frozen=True)
class ExcludedFigures:
    """Percentages that are not a membership poll, and why."""

    figures: tuple[Share, ...]
    reason: str  # other-question | subgroup | election | incomplete | undated
    detail: str
    sentence: str
    line: int


@dataclass(frozen=True)
class ProseReading:
    """What the prose states: dated events, members' acts, polls and excluded figures."""

    events: tuple[ProseEvent, ...] = ()
    acts: tuple[RatificationAct, ...] = ()
    polls: tuple[ProsePoll, ...] = ()
    excluded: tuple[ExcludedFigures, ...] = ()


# A table's first and last line (its header's, its last row's).
TableSpan = tuple[int, int]


@dataclass(frozen=True)
class DocumentFacts(DocumentRecords):
    """Everything read from one document, for the checks: its records and problems, the
    prose's facts, where each table is, and the date the document states."""

    prose: ProseReading = ProseReading()
    table_spans: tuple[TableSpan, ...] = ()  # in line order, disjoint
    stated_date: date | None = None  # "Last updated: 3 March 2018"

    def prose_acts(self) -> tuple[RatificationAct, ...]:
        """The prose's acts that add to the tables: a member's step named in the prose (a
        senate vote, a head of state's signature, a deposit) is one more act of that
        member, unless the tables already date the same act: then the two dates are a
        contradiction for the checks to report, not a second act (the example's prose
        dates Spain's ratification 10 May; its table, 18 May)."""
        dated = {(a.member_code, a.kind) for a in self.acts}
        return tuple(
            a for a in self.prose.acts if a.member_code and (a.member_code, a.kind) not in dated
        )

    def checked(self, findings: Iterable[Finding]) -> ParsedDocument:
        """The document as it is stored: these records, the prose's events and new acts,
        and what the checks found."""
        records = {f.name: getattr(self, f.name) for f in fields(DocumentRecords)}
        return ParsedDocument(
            **records,
            events=self.prose.events,
            prose_acts=self.prose_acts(),
            findings=tuple(findings),
        )

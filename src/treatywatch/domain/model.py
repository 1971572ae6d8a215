"""The records treatywatch keeps: pure data, no I/O.

Facts are dated events (milestones, ratification acts, polls) with provenance;
statuses are derived from them in :mod:`treatywatch.domain.status`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from treatywatch.domain.dates import DateSpan, PartialDate
from treatywatch.domain.findings import Finding


@dataclass(frozen=True)
class Provenance:
    """Where a fact came from: a document (by SHA-256 of its text) and a line span.

    A row of reference data also names the source it was transcribed from (``url``) and
    the words there that state the fact (``quote``).
    """

    document: str
    line_start: int
    line_end: int
    inferred: bool = False
    # Why the fact was inferred rather than read, when it was.
    reason: str | None = None
    url: str | None = None
    quote: str | None = None


@dataclass(frozen=True)
class MilestoneKind:
    kind: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Membership:
    """A state's membership of an organization, from its joining date."""

    code: str
    name: str
    joined: PartialDate
    left: PartialDate | None = None
    source_url: str = ""
    source_quote: str = ""

    def is_member_on(self, day: date) -> bool:
        if self.joined.upper() > day:
            return False
        # ``left`` is the last day as a member ("left on 31 January 2020").
        return self.left is None or self.left.upper() >= day


@dataclass(frozen=True)
class RequiredMember:
    """A member that a process's own data names as required to ratify (a data package's
    ``members`` table), with the row that names it."""

    code: str
    name: str
    provenance: Provenance


# A required member named by a process's data has no joining date: it counts on every day.
_ALWAYS = PartialDate(1)


@dataclass(frozen=True)
class Organization:
    code: str
    name: str
    aliases: tuple[str, ...]
    procedure: tuple[MilestoneKind, ...]
    # "members_at_signature": who must ratify a protocol signed on a date.
    required_ratifiers: str
    # "all_required_ratified": when the protocol enters into force.
    entry_into_force_rule: str
    entry_into_force_text: str
    memberships: tuple[Membership, ...] = ()

    def members_on(self, day: date) -> list[Membership]:
        """Members on a day, sorted by English name (how ratification tables are sorted)."""
        return sorted((m for m in self.memberships if m.is_member_on(day)), key=lambda m: m.name)

    def for_process(self, required: Sequence[RequiredMember]) -> Organization:
        """The organization as one process sees it: where the process's data names who must
        ratify, those members (each once, on any day: the list is the process's, not a history
        of joining dates) stand for the member list; otherwise the organization's own."""
        if not required:
            return self
        first: dict[str, RequiredMember] = {}
        for m in required:
            first.setdefault(m.code, m)  # the first row naming each member
        members = tuple(
            Membership(
                m.code, m.name, _ALWAYS, None, m.provenance.url or "", m.provenance.quote or ""
            )
            for m in first.values()
        )
        return replace(self, memberships=members)

    def kind(self, kind: str) -> MilestoneKind | None:
        return next((k for k in self.procedure if k.kind == kind), None)

    def kind_for_label(self, text: str) -> MilestoneKind | None:
        """The milestone kind a source's wording names (case-insensitive, exact alias)."""
        needle = " ".join(text.lower().split()).rstrip(":")
        for k in self.procedure:
            for alias in (k.label, *k.aliases):
                if needle == alias.lower().rstrip(":"):
                    return k
        return None

    def order(self, kind: str) -> int:
        for i, k in enumerate(self.procedure):
            if k.kind == kind:
                return i
        return len(self.procedure)


@dataclass(frozen=True)
class Document:
    """A source document as read: its text's hash, a key naming the source, its title, and
    its origin: ``path`` is the path or URL exactly as the user gave it (never resolved), with
    the licence and the dates it was published and retrieved where the source states them."""

    sha256: str
    source_key: str
    path: str
    title: str
    text: str
    licence: str | None = None
    retrieved: PartialDate | None = None
    published: PartialDate | None = None

    @property
    def line_count(self) -> int:
        return self.text.count("\n") + (0 if self.text.endswith("\n") else 1)


# The kind of a milestone that names no step of the organization's procedure (kept under its
# source's words: an application to NATO, an entry into force).
UNTYPED = "event"


@dataclass(frozen=True)
class Milestone:
    kind: str
    label: str
    date: PartialDate
    provenance: Provenance
    # The wording in the source, e.g. "Member of NATO".
    source_label: str = ""
    # A tally ("28 of the 30 allies had ratified by this day"): how many required members
    # had ratified by the milestone's date; None for any other milestone.
    ratified_count: int | None = None


class ActKind(StrEnum):
    """Steps of a member's own ratification procedure."""

    PARLIAMENT_APPROVAL = "parliament_approval"
    HEAD_OF_STATE_SIGNATURE = "head_of_state_signature"
    # The source says "ratified" without saying which act the date is.
    RATIFIED = "ratified"
    DEPOSIT = "deposit"


# Acts that make a member count as having ratified; a parliament's vote does not.
RATIFYING_ACTS = frozenset({ActKind.HEAD_OF_STATE_SIGNATURE, ActKind.RATIFIED, ActKind.DEPOSIT})


@dataclass(frozen=True)
class RatificationAct:
    """One dated act of a member's ratification; member is None when unattributed."""

    member_code: str | None
    member_name: str | None
    kind: ActKind
    date: PartialDate
    provenance: Provenance
    instrument: str | None = None  # ratification, acceptance, approval
    # A correction supersedes the member's other acts of the same kind: they stay on
    # record, and the views use the correction (see domain.status.in_force).
    correction: bool = False


class Base(StrEnum):
    """What a poll's shares are percentages of."""

    ALL = "all"  # all respondents: undecided included (stated or implied)
    DECIDED = "decided"  # only those with an opinion: for + against = 100
    UNKNOWN = "unknown"


# A percentage as written: up to three digits, and up to six decimals after "." or ",".
_SHARE = re.compile(r"(?:[0-9]{1,3}(?:[.,]([0-9]{0,6}))?|[.,]([0-9]{1,6}))")


@dataclass(frozen=True)
class Share:
    """A percentage as written: its value and the decimals it was given with."""

    value: float
    decimals: int

    @classmethod
    def parse(cls, text: str) -> Share:
        """Read "54.2", "54,2 %" or "8": ASCII digits only (``float`` also takes "٥٤",
        "1e1", "nan" and "1_0"), at most six decimals, between 0 and 100."""
        s = text.strip().rstrip("%").strip()
        m = _SHARE.fullmatch(s)
        if m is None:
            shown = repr(text) if len(text) <= 40 else repr(text[:40]) + "…"
            raise ValueError(f"{shown} is not a number")
        value = float(s.replace(",", "."))
        if value > 100:
            raise ValueError(f"{text!r} is out of range (0–100)")
        return cls(value, len(m.group(1) or m.group(2) or ""))

    @property
    def rounding(self) -> float:
        """Half a unit of the last written digit: the figure's rounding error bound."""
        return 0.5 * 10.0**-self.decimals

    def __str__(self) -> str:
        return f"{self.value:.{self.decimals}f}"


@dataclass(frozen=True)
class Poll:
    fieldwork: DateSpan
    pollster: str | None
    share_for: Share
    share_against: Share
    provenance: Provenance
    share_undecided: Share | None = None
    lead: Share | None = None  # as stated by the source
    sample_size: int | None = None
    question: str | None = None
    condition: str | None = None
    base: Base = Base.UNKNOWN
    base_inferred: bool = True


class Position(StrEnum):
    FOR = "for"
    AGAINST = "against"
    NEUTRAL = "neutral"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class PartyPosition:
    party: str
    position: Position
    provenance: Provenance
    quote: str = ""


@dataclass(frozen=True)
class Relation:
    """A country the source lists under the candidate's relations with members."""

    code: str | None
    name: str
    provenance: Provenance


@dataclass(frozen=True)
class Problem:
    """Something in a source that could not be read; kept with the document."""

    kind: str
    line: int
    message: str


@dataclass(frozen=True)
class Process:
    """An accession process: a candidate joining an organization."""

    slug: str
    candidate_code: str  # ISO codes joined by commas in a round of several candidates
    candidate_name: str
    organization: str

    @property
    def candidate_codes(self) -> tuple[str, ...]:
        """Each candidate's ISO code."""
        return tuple(c for c in self.candidate_code.split(",") if c)


@dataclass(frozen=True)
class ProseEvent:
    """A dated event stated in a sentence. ``kind`` is a procedure kind,
    ``member_<act kind>`` for a member's own step, or ``"event"``."""

    date: PartialDate
    qualifier: str | None  # "early", "mid", "late", "end", as written
    kind: str
    label: str
    sentence: str
    line: int
    inferred: bool = False
    reason: str | None = None
    member_code: str | None = None
    date_text: str = ""
    document: str = ""  # SHA-256 of the document's text

    @property
    def provenance(self) -> Provenance:
        return Provenance(self.document, self.line, self.line, self.inferred, self.reason)


@dataclass(frozen=True)
class DocumentRecords:
    """What an importer read from one document's tables and lists: records with
    provenance, and the problems it met."""

    document: Document
    process: Process
    milestones: tuple[Milestone, ...] = ()
    acts: tuple[RatificationAct, ...] = ()
    polls: tuple[Poll, ...] = ()
    relations: tuple[Relation, ...] = ()
    positions: tuple[PartyPosition, ...] = ()
    problems: tuple[Problem, ...] = ()
    required: tuple[RequiredMember, ...] = ()  # who must ratify, where the document names them


@dataclass(frozen=True)
class ParsedDocument(DocumentRecords):
    """One document as read and checked, built once (``DocumentFacts.checked``): its
    records, the prose's events and acts, and the checks' findings."""

    # Read from the prose (treatywatch.sources.prose) and checked (treatywatch.checks):
    events: tuple[ProseEvent, ...] = ()
    prose_acts: tuple[RatificationAct, ...] = ()
    findings: tuple[Finding, ...] = ()

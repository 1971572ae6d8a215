"""Where a process stands on a date, derived from its dated acts and milestones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from treatywatch.domain.dates import PartialDate, most_stated
from treatywatch.domain.model import (
    RATIFYING_ACTS,
    UNTYPED,
    ActKind,
    Membership,
    Milestone,
    Organization,
    Process,
    Provenance,
    RatificationAct,
)
from treatywatch.domain.words import count


class MemberState(StrEnum):
    PENDING = "pending"
    PARLIAMENT_APPROVED = "parliament_approved"  # voted, not yet ratified
    RATIFIED = "ratified"
    DEPOSITED = "deposited"
    # Certainly ratified by a day, but no source gives the date: a tally counted the member
    # among those who had ratified, or the candidate had joined (which the organization allows
    # only once every required member has ratified).
    RATIFIED_UNDATED = "ratified_undated"
    # The candidate had joined, but the sources give the member no ratifying act, and the
    # organization's rule (as far as the sources state it) does not make membership show that
    # every member had ratified: not pending (the process is over), not ratified either.
    NOT_IN_SOURCES = "not_in_sources"


STATE_LABELS = {
    MemberState.PENDING: "pending",
    MemberState.PARLIAMENT_APPROVED: "parliament approved",
    MemberState.RATIFIED: "ratified",
    MemberState.DEPOSITED: "deposited",
    MemberState.RATIFIED_UNDATED: "ratified, date not in the sources",
    MemberState.NOT_IN_SOURCES: "no ratification in the sources",
}


def happened_by(d: PartialDate, as_of: date) -> bool:
    """True when a partial date is certainly on or before a day (its latest day is)."""
    return d.upper() <= as_of


@dataclass(frozen=True)
class MemberStatus:
    code: str
    name: str
    state: MemberState
    # The member's acts that had happened by the as-of day (later ones are not known yet).
    acts: tuple[RatificationAct, ...]
    # Date of the act that made the member count as ratified, if it has.
    ratified_on: PartialDate | None = None
    # The act the state rests on, so a row cites the line that states its date: the first
    # ratifying act once ratified, the parliament's vote once approved; None while pending.
    act: RatificationAct | None = None
    # RATIFIED_UNDATED: the day by which the member had certainly ratified, and the milestone
    # that says so (a tally, or the candidate's membership); its provenance says it is an
    # inference, and why.
    ratified_by: PartialDate | None = None
    bound: Milestone | None = None

    @property
    def has_ratified(self) -> bool:
        return self.state in (
            MemberState.RATIFIED,
            MemberState.DEPOSITED,
            MemberState.RATIFIED_UNDATED,
        )

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def cited(self) -> Provenance | None:
        """The line the row rests on: its act's, or for an undated member the bound's."""
        if self.act is not None:
            return self.act.provenance
        return self.bound.provenance if self.bound is not None else None

    @property
    def cited_kind(self) -> str:
        """What that line states: the act's kind, or the bound's milestone kind (a tally's
        "ratification_by_members", or "membership")."""
        if self.act is not None:
            return self.act.kind.value
        return self.bound.kind if self.bound is not None else ""

    @property
    def inferred(self) -> bool:
        """True when the state rests on an inference (an inferred act, or a bound)."""
        return self.bound is not None or any(a.provenance.inferred for a in self.acts)

    @property
    def when(self) -> str:
        """The date as a row shows it: the ratification's, "by <day>" for an undated one."""
        if self.ratified_on is not None:
            return str(self.ratified_on)
        return f"by {self.ratified_by}" if self.ratified_by is not None else ""


def _earliest(acts: Iterable[RatificationAct]) -> RatificationAct | None:
    return min(acts, key=lambda a: (a.date.lower(), a.date.upper()), default=None)


def member_state(
    acts: Iterable[RatificationAct], as_of: date
) -> tuple[MemberState, RatificationAct | None]:
    """A member's state on a day from its acts (deposit > ratified > parliament's vote) and
    the act it rests on: the earliest ratifying act, or the parliament's vote."""
    done = [a for a in acts if happened_by(a.date, as_of)]
    first = _earliest(a for a in done if a.kind in RATIFYING_ACTS)
    if first is not None:
        deposited = any(a.kind == ActKind.DEPOSIT for a in done)
        return (MemberState.DEPOSITED if deposited else MemberState.RATIFIED), first
    vote = _earliest(a for a in done if a.kind == ActKind.PARLIAMENT_APPROVAL)
    if vote is not None:
        return MemberState.PARLIAMENT_APPROVED, vote
    return MemberState.PENDING, None


@dataclass(frozen=True)
class ProcessStatus:
    process: Process
    as_of: date
    stage: str | None
    stage_label: str
    protocol_signed: PartialDate | None
    required: tuple[Membership, ...]
    members: tuple[MemberStatus, ...]
    unattributed_acts: int
    all_ratified_on: PartialDate | None
    member_since: PartialDate | None
    reached: tuple[Milestone, ...] = field(default=())
    # False when the organization's member history is not in the reference data: then
    # ``required`` is empty and ``members`` lists only the members the sources name.
    members_known: bool = True

    @property
    def ratified_count(self) -> int:
        return sum(1 for m in self.members if m.has_ratified)

    @property
    def required_count(self) -> int:
        return len(self.required)

    @property
    def pending(self) -> list[MemberStatus]:
        """Members that had not ratified by the as-of day while the process was open."""
        return [
            m for m in self.members if not m.has_ratified and m.state != MemberState.NOT_IN_SOURCES
        ]

    @property
    def not_in_sources(self) -> list[MemberStatus]:
        """Once the candidate is a member: members the sources give no ratification, where
        membership does not show that they had ratified (see :class:`MemberState`)."""
        return [m for m in self.members if m.state == MemberState.NOT_IN_SOURCES]

    @property
    def not_in_sources_reason(self) -> str:
        """Why those members are not counted as ratified, in a few words."""
        return (
            f"membership does not show it: {self.process.organization}'s rule on entry into "
            "force is not in the sources"
        )

    @property
    def undated(self) -> list[MemberStatus]:
        """Members that had certainly ratified, on a day no source gives."""
        return [m for m in self.members if m.state == MemberState.RATIFIED_UNDATED]

    def undated_groups(self) -> list[tuple[str, list[MemberStatus]]]:
        """The undated members by what shows they had ratified: ("by 2022-10-14 (a tally of
        that day)", [...]), ("by 2024-03-07 (a member then)", [...]), earliest first."""
        groups: dict[str, list[MemberStatus]] = {}
        for m in sorted(
            self.undated, key=lambda m: m.ratified_by.lower() if m.ratified_by else self.as_of
        ):
            groups.setdefault(bound_note(m), []).append(m)
        return list(groups.items())

    @property
    def latest_event(self) -> Milestone | None:
        """The latest event reached that names no step of the procedure (kind "event": an
        application to NATO, say), when it came after every step reached and the candidate
        is not yet a member: the stage alone would hide it. None otherwise."""
        untyped = [m for m in self.reached if m.kind == UNTYPED]
        typed = [m for m in self.reached if m.kind != UNTYPED and m.ratified_count is None]
        if not untyped or not typed or self.member_since is not None:
            return None
        last = max(untyped, key=lambda m: (m.date.lower(), m.date.upper()))
        if last.date.lower() <= max(m.date.upper() for m in typed):
            return None
        return last

    @property
    def missing_dates(self) -> int | None:
        """Once the process is over (a member, or every member ratified), how many required
        members have no ratification date in the sources; None while it is open or when
        the member list is unknown."""
        if not self.members_known or (self.member_since is None and self.all_ratified_on is None):
            return None
        return self.required_count - sum(1 for m in self.members if m.ratified_on is not None)

    @property
    def record(self) -> str:
        """Whether the record is complete, in a few words: "complete", "9 members' dates
        missing", "open" (the process is not over) or "member list unknown"."""
        if not self.members_known:
            return "member list unknown"
        missing = self.missing_dates
        if missing is None:
            return "open"
        if missing == 0:
            return "complete"
        return count(missing, "member's date", "members' dates") + " missing"

    @property
    def days_since_signature(self) -> int | None:
        if self.protocol_signed is None or not happened_by(self.protocol_signed, self.as_of):
            return None
        return (self.as_of - self.protocol_signed.lower()).days


def in_force(acts: Iterable[RatificationAct]) -> list[RatificationAct]:
    """The acts that stand: a correction supersedes the member's other acts of the same
    kind (the latest correction, in the order given, wins); superseded acts stay on record
    but no longer count."""
    acts = list(acts)
    last: dict[tuple[str | None, ActKind], int] = {}
    for i, a in enumerate(acts):
        if a.correction:
            last[(a.member_code, a.kind)] = i
    return [a for i, a in enumerate(acts) if last.get((a.member_code, a.kind), i) == i]


def bound_reason(bound: Milestone) -> str:
    """What a bound is, in a few words: "a tally of that day" or "a member then"."""
    return "a tally of that day" if bound.ratified_count is not None else "a member then"


def bound_note(m: MemberStatus) -> str:
    """Why an undated member counts as ratified, in a few words: "by 2024-03-07 (a member
    then)" or "by 2022-10-14 (a tally of that day)"."""
    if m.bound is None or m.ratified_by is None:
        return ""
    return f"by {m.ratified_by} ({bound_reason(m.bound)})"


def _mark_undated(
    statuses: list[MemberStatus], bound: Milestone, reason: str, left_out: set[str]
) -> list[MemberStatus]:
    """Each member not yet ratified (nor in ``left_out``) as ratified by the bound's day, its
    date not in the sources; the bound's provenance says it is an inference, and why."""
    cited = replace(bound, provenance=replace(bound.provenance, inferred=True, reason=reason))
    return [
        s
        if s.has_ratified or s.code in left_out
        else replace(
            s, state=MemberState.RATIFIED_UNDATED, act=None, ratified_by=bound.date, bound=cited
        )
        for s in statuses
    ]


def _first_ratified(acts: Iterable[RatificationAct]) -> PartialDate | None:
    first = _earliest(a for a in in_force(acts) if a.kind in RATIFYING_ACTS)
    return first.date if first is not None else None


def _undated_by_tally(
    statuses: list[MemberStatus],
    by_member: dict[str, list[RatificationAct]],
    reached: list[Milestone],
) -> list[MemberStatus]:
    """A tally ("28 of the 30 had ratified by 14 October 2022") names no one, but when the
    sources date exactly the others' ratifications after it (Hungary's and Turkey's in 2024),
    every other member was among those counted: one without a dated ratification by then
    counts as ratified by the tally's day, its date not in the sources. Dates from after the
    as-of day may say who ratified later; they do not make anyone count as ratified sooner."""
    out = list(statuses)
    for tally in sorted(
        (m for m in reached if m.ratified_count is not None), key=lambda m: m.date.upper()
    ):
        counted = tally.ratified_count or 0
        later = {
            s.code
            for s in out
            if (first := _first_ratified(by_member.get(s.code, ()))) is not None
            and first.lower() > tally.date.upper()
        }
        if len(later) != len(out) - counted:
            continue  # the tally does not single out who had ratified: nothing follows
        named = ", ".join(s.name for s in out if s.code in later) or "none"
        reason = (
            f"a tally says {counted} of the {len(out)} had ratified by {tally.date.edtf}; the "
            f"sources date the others' ratifications later ({named}), so this member was "
            "among those counted. No source gives its date."
        )
        out = _mark_undated(out, tally, reason, later)
    return out


def _undated_by_membership(
    statuses: list[MemberStatus],
    organization: Organization,
    reached: list[Milestone],
    member_since: PartialDate,
) -> list[MemberStatus]:
    """Once the candidate is a member, every required member had ratified (where the
    organization's rule says its protocol or treaty enters into force only then): a member
    without a ratifying act in the sources counts as ratified by the membership day, its date
    not in the sources. Nothing is dated: the day is a bound, and says it was inferred. Where
    the rule is not in the sources, such a member is marked as having no ratification in the
    sources instead: the process is over, so it is not pending either."""
    joined = next((m for m in reached if m.kind == "membership" and m.date == member_since), None)
    if joined is None:
        return statuses
    if organization.entry_into_force_rule != "all_required_ratified":
        # The process is over, so nobody is pending; nor does membership date anyone's act.
        return [
            s if s.has_ratified else replace(s, state=MemberState.NOT_IN_SOURCES) for s in statuses
        ]
    reason = (
        f"member since {member_since.edtf}: {organization.entry_into_force_text} "
        "No source gives this member's date."
    )
    return _mark_undated(statuses, joined, reason, set())


def status_as_of(
    process: Process,
    organization: Organization,
    milestones: Iterable[Milestone],
    acts: Iterable[RatificationAct],
    as_of: date,
) -> ProcessStatus:
    """Derive the stage and each required member's ratification state on a day."""
    milestones = list(milestones)
    acts = in_force(acts)
    reached = sorted(
        (m for m in milestones if happened_by(m.date, as_of)),
        key=lambda m: (organization.order(m.kind), m.date.lower()),
    )
    # A tally says how far ratification had got; it is not a step of its own. Nor is an
    # untyped event (kind "event": a row or line naming no step of the procedure, such as an
    # application to NATO), whose place in the procedure is unknown, unless nothing else is.
    steps = [m for m in reached if m.ratified_count is None]
    steps = [m for m in steps if m.kind != UNTYPED] or steps
    signed = min(
        (m.date for m in reached if m.kind in ("protocol_signed", "treaty_signed")),
        key=lambda d: (d.lower(), d.upper()),
        default=None,
    )  # a protocol signed after the as-of day is not known yet
    required: list[Membership] = []
    if signed is not None:
        required = [
            m for m in organization.members_on(signed.upper()) if m.code != process.candidate_code
        ]
    by_member: dict[str, list[RatificationAct]] = {}
    for a in acts:
        if a.member_code is not None:
            by_member.setdefault(a.member_code, []).append(a)
    members_known = bool(organization.memberships)
    named = {a.member_code: a.member_name or a.member_code for a in acts if a.member_code}
    listed = [(m.code, m.name) for m in required] if members_known else sorted(named.items())
    statuses = []
    for code, name in listed:
        own = tuple(
            sorted(
                (a for a in by_member.get(code, []) if happened_by(a.date, as_of)),
                key=lambda a: a.date.lower(),
            )
        )
        state, act = member_state(own, as_of)
        on = act.date if act is not None and state != MemberState.PARLIAMENT_APPROVED else None
        statuses.append(MemberStatus(code, name, state, own, on, act))
    candidates = set(process.candidate_codes)
    listed_joined = {m.joined for m in organization.memberships if m.code in candidates}
    member_since = most_stated([m.date for m in reached if m.kind == "membership"], listed_joined)
    if members_known:
        statuses = _undated_by_tally(statuses, by_member, reached)
    if member_since is not None:
        # Where the member list is unknown, the members the sources name are parties.
        statuses = _undated_by_membership(statuses, organization, reached, member_since)
    all_ratified_on: PartialDate | None = None
    if members_known and statuses and all(s.ratified_on is not None for s in statuses):
        all_ratified_on = max(
            (s.ratified_on for s in statuses if s.ratified_on), key=lambda d: d.upper()
        )

    stage: str | None = steps[-1].kind if steps else None
    known = organization.kind(stage) if stage else None
    label = known.label if known else (steps[-1].label if steps else "Not started")
    ratified = sum(1 for s in statuses if s.has_ratified)
    if member_since is not None:
        stage, label = "membership", "Member"
    elif signed is not None and happened_by(signed, as_of):
        if not members_known:
            label = (
                f"{label}; ratification by members in progress ({ratified} ratified; "
                f"{organization.code}'s member list is not in the reference data)"
            )
        elif all_ratified_on is not None:
            label = f"{label}; ratified by every member"
        else:
            label = f"{label}; ratification by members in progress ({ratified} of {len(statuses)})"
    unattributed = sum(1 for a in acts if a.member_code is None and happened_by(a.date, as_of))
    return ProcessStatus(
        process=process,
        as_of=as_of,
        stage=stage,
        stage_label=label,
        protocol_signed=signed,
        required=tuple(required),
        members=tuple(statuses),
        unattributed_acts=unattributed,
        all_ratified_on=all_ratified_on,
        member_since=member_since,
        reached=tuple(reached),
        members_known=members_known,
    )

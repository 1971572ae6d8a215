"""Rules on the organization's procedure: steps in order, ratifications in their window."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from treatywatch.checks.dates import act_text, typed_events
from treatywatch.checks.registry import Context, rule
from treatywatch.domain.findings import Finding, Severity
from treatywatch.domain.model import RATIFYING_ACTS, Milestone, RatificationAct

# Steps that must come in this order when a source has both (pairs of procedure kinds).
# Partnership tools (PfP, Intensified Dialogue, IPAP) have no fixed order among themselves.
ORDER: tuple[tuple[str, str], ...] = (
    ("membership_action_plan", "invitation"),
    ("invitation", "protocol_signed"),
    ("protocol_signed", "domestic_ratification"),
    ("protocol_signed", "membership"),
    ("domestic_ratification", "membership"),
    ("application", "candidate_status"),
    ("candidate_status", "negotiations_opened"),
    ("negotiations_opened", "negotiations_closed"),
    ("negotiations_closed", "treaty_signed"),
    ("treaty_signed", "domestic_ratification"),
    ("treaty_signed", "membership"),
)
_SIGNED = ("protocol_signed", "treaty_signed")


@dataclass
class _Source:
    name: str  # "table" or "prose"
    milestones: list[Milestone]
    acts: list[RatificationAct]
    _by_kind: dict[str, Milestone] = field(default_factory=dict, repr=False)
    _index: dict[int, int] = field(default_factory=dict, repr=False)

    def first(self, *kinds: str) -> Milestone | None:
        """The earliest step of these kinds (the first listed, on a tie)."""
        found = [self._earliest()[k] for k in kinds if k in self._earliest()]
        return min(found, key=lambda m: (m.date.lower(), self._index[id(m)])) if found else None

    def _earliest(self) -> dict[str, Milestone]:
        if not self._by_kind and self.milestones:
            for i, m in enumerate(self.milestones):
                self._index[id(m)] = i
                if (
                    m.kind not in self._by_kind
                    or m.date.lower() < self._by_kind[m.kind].date.lower()
                ):
                    self._by_kind[m.kind] = m
        return self._by_kind


def sources(ctx: Context) -> list[_Source]:
    """The table's and the prose's steps and acts, made once per document."""
    if "procedure.sources" not in ctx.shared:
        prose = [
            Milestone(e.kind, e.label, e.date, e.provenance, e.label) for e in typed_events(ctx)
        ]
        ctx.shared["procedure.sources"] = [
            _Source("table", list(ctx.facts.milestones), list(ctx.facts.acts)),
            _Source("prose", prose, list(ctx.prose.acts)),
        ]
    found: list[_Source] = ctx.shared["procedure.sources"]
    return found


def _anchor(ctx: Context, src: _Source, *kinds: str) -> Milestone | None:
    """The step in this source, else in the other (a prose act against the table's signature)."""
    found = src.first(*kinds)
    if found is None:
        for other in sources(ctx):
            found = found or other.first(*kinds)
    return found


@rule("procedure-order", Severity.ERROR)
def procedure_order(ctx: Context) -> Iterator[Finding]:
    """Two steps are dated in an order the organization's procedure does not allow."""
    for src in sources(ctx):
        for before, after in ORDER:
            a, b = src.first(before), src.first(after)
            if a is None or b is None or b.date.upper() >= a.date.lower():
                continue
            la, lb = a.provenance.line_start, b.provenance.line_start
            yield ctx.finding(
                "procedure-order",
                Severity.ERROR,
                lb,
                f"{b.label} ({b.date}) is dated before {a.label} ({a.date}, line {la}) in the "
                f"{src.name}",
                f"{ctx.org.code}'s procedure has {a.label} before {b.label}; "
                f"line {la}: {a.date}; line {lb}: {b.date}",
                "check both dates; one of them is probably mistyped",
                related=[la],
            )


def _late_members(ctx: Context, src: _Source) -> dict[str, list[RatificationAct]]:
    """Required members (members on the signature day) whose first ratifying act the
    source dates after the membership. Dates are compared by their earliest/latest day:
    ``PartialDate`` ordering fails on mixed precision, so ``status_as_of`` is not used."""
    member, signed = src.first("membership"), _anchor(ctx, src, *_SIGNED)
    if member is None or signed is None:
        return {}
    joined = member.date.upper()
    required = {m.code for m in ctx.org.members_on(signed.date.upper())}
    required.discard(ctx.facts.process.candidate_code)
    late: dict[str, list[RatificationAct]] = {}
    for code in sorted(required):
        own = [a for a in src.acts if a.member_code == code and a.kind in RATIFYING_ACTS]
        if own and min(a.date.upper() for a in own) > joined:
            late[code] = sorted(own, key=lambda a: a.date.lower())
    return late


@rule("procedure-membership-before-ratification", Severity.ERROR)
def membership_before_ratification(ctx: Context) -> Iterator[Finding]:
    """Membership is dated before a required member's ratification."""
    for src in sources(ctx):
        late = _late_members(ctx, src)
        member = src.first("membership")
        if not late or member is None:
            continue
        acts = [a for acts in late.values() for a in acts]
        listed = ", ".join(
            f"{a.member_name} {a.date} (line {a.provenance.line_start})" for a in acts
        )
        yield ctx.finding(
            "procedure-membership-before-ratification",
            Severity.ERROR,
            member.provenance.line_start,
            f"membership on {member.date} in the {src.name}, before {len(late)} required "
            f"member(s) ratified",
            f"{ctx.org.entry_into_force_text} The {src.name} dates: {listed}",
            "check the membership date and those ratification dates",
            related=[a.provenance.line_start for a in acts],
        )


@rule("procedure-act-before-signature", Severity.ERROR)
def act_before_signature(ctx: Context) -> Iterator[Finding]:
    """A member's ratification step is dated before the protocol's signature."""
    for src in sources(ctx):
        signed = _anchor(ctx, src, *_SIGNED)
        if signed is None:
            continue
        for a in src.acts:
            if a.date.upper() < signed.date.lower():
                yield ctx.finding(
                    "procedure-act-before-signature",
                    Severity.ERROR,
                    a.provenance.line_start,
                    f"{act_text(a)} on {a.date}, before the {signed.label.lower()} on {signed.date}",
                    f"line {a.provenance.line_start} ({src.name}): {a.date}; line "
                    f"{signed.provenance.line_start}: {signed.date}"
                    + (
                        f"; the row's member is inferred: {a.provenance.reason}"
                        if a.provenance.inferred
                        else ""
                    ),
                    "check the date; a member cannot ratify a protocol before it is signed",
                    related=[signed.provenance.line_start],
                )


@rule("procedure-act-after-membership", Severity.ERROR)
def act_after_membership(ctx: Context) -> Iterator[Finding]:
    """A member's step is dated after the candidate's membership (so after entry into force)."""
    for src in sources(ctx):
        member = _anchor(ctx, src, "membership")
        if member is None:
            continue
        reported = _late_members(ctx, src)
        for a in src.acts:
            if a.member_code in reported or a.date.lower() <= member.date.upper():
                continue
            yield ctx.finding(
                "procedure-act-after-membership",
                Severity.ERROR,
                a.provenance.line_start,
                f"{act_text(a)} on {a.date}, after the membership on {member.date}",
                f"the protocol entered into force before the membership; line "
                f"{a.provenance.line_start} ({src.name}): {a.date}",
                "check the date of the act",
                related=[member.provenance.line_start],
            )

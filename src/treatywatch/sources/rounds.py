"""A bundled round (``data/rounds/*.csv``) as a process: the same records an imported article
gives, so that every command, page and endpoint answers for it.

Each member's dated acts keep their kind and their source row (URL and quote); where two
sources disagree, both acts stay. The signature and the membership are milestones, dated as
most sources date them and traced to a row that gives that date. The candidates' own
milestones (application, candidate status...) are kept where the organization's procedure
names them.
"""

from __future__ import annotations

from collections.abc import Sequence

from treatywatch.domain.dates import PartialDate
from treatywatch.domain.model import (
    Document,
    Milestone,
    ParsedDocument,
    Process,
    RatificationAct,
)
from treatywatch.reference import country_name, organization
from treatywatch.reference.rounds import Fact, HistoricalAct, Round

# Where a bundled round's document comes from: its file in the package.
SOURCE_KEY_PREFIX = "bundled:"


def _dated(facts: Sequence[Fact], day: PartialDate | None) -> Fact | None:
    return next((f for f in facts if f.date == day), None)


def round_document(r: Round, text: str) -> ParsedDocument:
    """The round's records, read from its CSV ``text`` (the text ``r`` was parsed from)."""
    org = organization(r.organization)
    names = [country_name(c) for c in r.candidates]
    process = Process(
        slug=r.id,
        candidate_code=",".join(r.candidates),
        candidate_name=", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0],
        organization=r.organization,
    )
    signed_kind = "treaty_signed" if org.kind("treaty_signed") else "protocol_signed"
    milestones: list[Milestone] = []
    for kind, facts, day in (
        (signed_kind, r.signatures, r.signature),
        ("membership", r.memberships, r.membership),
    ):
        fact = _dated(facts, day)
        known = org.kind(kind)
        if fact is not None and known is not None:
            milestones.append(Milestone(kind, known.label, fact.date, fact.source, fact.text))
    rows: list[Fact | HistoricalAct] = [*r.other, *r.candidate_acts]
    for row in rows:  # "milestone: application (...)"
        if row.event != "milestone":
            continue
        label = row.text.split(":", 1)[-1].split("(")[0].split(";")[0].strip()
        known = org.kind_for_label(label) or org.kind(label.replace(" ", "_"))
        if known is not None:
            milestones.append(Milestone(known.kind, known.label, row.date, row.source, row.text))
    acts = tuple(
        RatificationAct(a.member_code, a.member_name, a.kind, a.date, a.source)
        for a in r.acts
        if a.kind is not None and a.member_code is not None
    )
    document = Document(r.document, SOURCE_KEY_PREFIX + r.file, r.file, r.process, text)
    return ParsedDocument(document, process, milestones=tuple(milestones), acts=acts)

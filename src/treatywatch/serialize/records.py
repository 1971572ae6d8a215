"""The records' shapes: dates, provenance, the process's facts, its status and sources."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from treatywatch.domain.changes import Change
from treatywatch.domain.dates import DateSpan, PartialDate
from treatywatch.domain.findings import Finding
from treatywatch.domain.model import (
    Document,
    Milestone,
    PartyPosition,
    Poll,
    Problem,
    Process,
    Provenance,
    RatificationAct,
    Relation,
)
from treatywatch.domain.status import MemberStatus, ProcessStatus
from treatywatch.serialize.shapes import (
    ActShape,
    ChangeShape,
    CountryShape,
    DateShape,
    DateSpanShape,
    DocumentShape,
    FindingShape,
    FindingsShape,
    MemberStatusShape,
    MilestoneShape,
    OutcomeShape,
    PollShape,
    PositionShape,
    ProblemShape,
    ProcessShape,
    ProvenanceShape,
    RelationShape,
    StatusShape,
)
from treatywatch.sources.reading import given_name

if TYPE_CHECKING:
    from treatywatch.store.db import ImportOutcome

# A document's name as the user gave it (path or URL), by the SHA-256 of its text.
Names = Mapping[str, str]
NO_NAMES: Names = {}


def date(d: PartialDate) -> DateShape:
    return {
        "edtf": d.edtf,
        "precision": d.precision.value,
        "earliest": d.lower().isoformat(),
        "latest": d.upper().isoformat(),
    }


def maybe_date(d: PartialDate | None) -> DateShape | None:
    return None if d is None else date(d)


def span(s: DateSpan) -> DateSpanShape:
    return {"edtf": s.edtf, "start": date(s.start), "end": date(s.end)}


def name_of(sha: str, names: Names) -> str | None:
    """The name a document was given; a bundled reference file's own name; else None."""
    if sha in names:
        return names[sha]
    from treatywatch.reference.rounds import source_names

    return source_names().get(sha)


def display_name(sha: str, names: Names = NO_NAMES) -> str:
    """The name to show for a document: as given, else the start of its hash."""
    return name_of(sha, names) or sha[:12]


def provenance(p: Provenance, names: Names = NO_NAMES) -> ProvenanceShape:
    return {
        "document": p.document,
        "name": name_of(p.document, names),
        "line_start": p.line_start,
        "line_end": p.line_end,
        "inferred": p.inferred,
        "reason": p.reason,
        "url": p.url,
        "quote": p.quote,
    }


def country(code: str | None, name: str | None) -> CountryShape:
    return {"code": code, "name": name}


def process(p: Process) -> ProcessShape:
    return {
        "slug": p.slug,
        "organization": p.organization,
        "candidate": country(p.candidate_code, p.candidate_name),
    }


def milestone(m: Milestone, names: Names = NO_NAMES) -> MilestoneShape:
    return {
        "kind": m.kind,
        "label": m.label,
        "source_label": m.source_label,
        "date": date(m.date),
        "provenance": provenance(m.provenance, names),
    }


def act(a: RatificationAct, names: Names = NO_NAMES) -> ActShape:
    return {
        "member": country(a.member_code, a.member_name) if a.member_code else None,
        "act": a.kind.value,
        "date": date(a.date),
        "instrument": a.instrument,
        "correction": a.correction,
        "provenance": provenance(a.provenance, names),
    }


def poll(p: Poll, names: Names = NO_NAMES) -> PollShape:
    return {
        "pollster": p.pollster,
        "fieldwork": span(p.fieldwork),
        "sample_size": p.sample_size,
        "question": p.question,
        "condition": p.condition,
        "share_for": p.share_for.value,
        "share_against": p.share_against.value,
        "share_undecided": p.share_undecided.value if p.share_undecided else None,
        "lead": p.lead.value if p.lead else None,
        "as_written": {
            "for": str(p.share_for),
            "against": str(p.share_against),
            "undecided": str(p.share_undecided) if p.share_undecided else None,
            "lead": str(p.lead) if p.lead else None,
        },
        "base": p.base.value,
        "base_inferred": p.base_inferred,
        "provenance": provenance(p.provenance, names),
    }


def relation(r: Relation, names: Names = NO_NAMES) -> RelationShape:
    return {"code": r.code, "name": r.name, "provenance": provenance(r.provenance, names)}


def position(p: PartyPosition, names: Names = NO_NAMES) -> PositionShape:
    return {
        "party": p.party,
        "position": p.position.value,
        "quote": p.quote,
        "provenance": provenance(p.provenance, names),
    }


def member_status(m: MemberStatus, names: Names = NO_NAMES) -> MemberStatusShape:
    return {
        "code": m.code,
        "name": m.name,
        "state": m.state.value,
        "ratified_on": maybe_date(m.ratified_on),
        "ratified_by": maybe_date(m.ratified_by),
        "inferred": m.inferred,
        "acts": [act(a, names) for a in m.acts],
        "provenance": provenance(m.cited, names) if m.cited else None,
    }


def status(s: ProcessStatus, names: Names = NO_NAMES) -> StatusShape:
    return {
        "process": s.process.slug,
        "organization": s.process.organization,
        "candidate": country(s.process.candidate_code, s.process.candidate_name),
        "as_of": s.as_of.isoformat(),
        "stage": s.stage,
        "stage_label": s.stage_label,
        "latest_event": milestone(s.latest_event, names) if s.latest_event else None,
        "ratified_count": s.ratified_count,
        "required_count": s.required_count if s.members_known else None,
        "members_known": s.members_known,
        "pending": [country(m.code, m.name) for m in s.pending],
        "undated": [country(m.code, m.name) for m in s.undated],
        "not_in_sources": [country(m.code, m.name) for m in s.not_in_sources],
        "missing_dates": s.missing_dates,
        "members": [member_status(m, names) for m in s.members],
        "unattributed_acts": s.unattributed_acts,
        "protocol_signed": maybe_date(s.protocol_signed),
        "days_since_signature": s.days_since_signature,
        "all_ratified_on": maybe_date(s.all_ratified_on),
        "member_since": maybe_date(s.member_since),
    }


def document(d: Document) -> DocumentShape:
    return {
        "sha256": d.sha256,
        "name": given_name(d.path),
        "title": d.title,
        "lines": d.line_count,
        "licence": d.licence,
        "retrieved": maybe_date(d.retrieved),
        "published": maybe_date(d.published),
    }


def problem(name: str, p: Problem) -> ProblemShape:
    return {"name": given_name(name), "kind": p.kind, "line": p.line, "message": p.message}


def finding(f: Finding, names: Names = NO_NAMES) -> FindingShape:
    return {
        "id": f.id,
        "rule": f.rule,
        "severity": f.severity.value,
        "message": f.message,
        "evidence": f.evidence,
        "fix": f.fix,
        "related": list(f.related),
        "provenance": provenance(Provenance(f.document, f.line_start, f.line_end), names),
    }


def findings(found: Iterable[Finding], names: Names = NO_NAMES) -> FindingsShape:
    """Findings with a count per severity."""
    from treatywatch.checks import summary

    listed = list(found)
    return {"summary": summary(listed), "findings": [finding(f, names) for f in listed]}


def outcome(o: ImportOutcome) -> OutcomeShape:
    return {
        "name": given_name(o.path),
        "process": o.process,
        "action": o.action,
        "replaced": o.replaced,
        "counts": dict(o.counts),
        "problems": [problem(o.path, p) for p in o.problems],
        "changes": list(o.changes),
    }


def change(c: Change, id: str) -> ChangeShape:
    return {
        "id": id,
        "name": given_name(c.path),
        "document": c.document,
        "replaced": c.previous,
        "at": c.at,
        "action": c.action,
        "changes": list(c.lines),
    }

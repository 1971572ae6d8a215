"""Records as JSON-ready dicts: one shape shared by the CLI's --json and the web API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from treatywatch.domain.dates import PartialDate
from treatywatch.domain.model import (
    Milestone,
    PartyPosition,
    Poll,
    Process,
    Provenance,
    RatificationAct,
    Relation,
)
from treatywatch.domain.status import MemberStatus, ProcessStatus

if TYPE_CHECKING:
    from treatywatch.store.db import ImportOutcome


def partial_date(d: PartialDate | None) -> dict[str, str] | None:
    return None if d is None else d.to_dict()


def provenance(p: Provenance) -> dict[str, Any]:
    return {
        "document": p.document,
        "line_start": p.line_start,
        "line_end": p.line_end,
        "inferred": p.inferred,
        "reason": p.reason,
    }


def process(p: Process) -> dict[str, Any]:
    return {
        "slug": p.slug,
        "organization": p.organization,
        "candidate": {"code": p.candidate_code, "name": p.candidate_name},
    }


def milestone(m: Milestone) -> dict[str, Any]:
    return {
        "kind": m.kind,
        "label": m.label,
        "source_label": m.source_label,
        "date": partial_date(m.date),
        "provenance": provenance(m.provenance),
    }


def act(a: RatificationAct) -> dict[str, Any]:
    return {
        "member": {"code": a.member_code, "name": a.member_name} if a.member_code else None,
        "act": a.kind.value,
        "date": partial_date(a.date),
        "instrument": a.instrument,
        "provenance": provenance(a.provenance),
    }


def poll(p: Poll) -> dict[str, Any]:
    f = p.fieldwork
    return {
        "pollster": p.pollster,
        "fieldwork": f.edtf,
        "fieldwork_start": f.start.edtf,
        "fieldwork_end": f.end.edtf,
        "start_precision": f.start.precision.value,
        "end_precision": f.end.precision.value,
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
        "provenance": provenance(p.provenance),
    }


def relation(r: Relation) -> dict[str, Any]:
    return {"code": r.code, "name": r.name, "provenance": provenance(r.provenance)}


def position(p: PartyPosition) -> dict[str, Any]:
    return {
        "party": p.party,
        "position": p.position.value,
        "quote": p.quote,
        "provenance": provenance(p.provenance),
    }


def member_status(m: MemberStatus) -> dict[str, Any]:
    return {
        "code": m.code,
        "name": m.name,
        "state": m.state.value,
        "ratified_on": partial_date(m.ratified_on),
        "inferred": any(a.provenance.inferred for a in m.acts),
        "acts": [act(a) for a in m.acts],
    }


def status(s: ProcessStatus) -> dict[str, Any]:
    return {
        "process": s.process.slug,
        "organization": s.process.organization,
        "candidate": {"code": s.process.candidate_code, "name": s.process.candidate_name},
        "as_of": s.as_of.isoformat(),
        "stage": s.stage,
        "stage_label": s.stage_label,
        "ratified_count": s.ratified_count,
        "required_count": s.required_count if s.members_known else None,
        "members_known": s.members_known,
        "pending": [{"code": m.code, "name": m.name} for m in s.pending],
        "members": [member_status(m) for m in s.members],
        "unattributed_acts": s.unattributed_acts,
        "protocol_signed": partial_date(s.protocol_signed),
        "days_since_signature": s.days_since_signature,
        "all_ratified_on": partial_date(s.all_ratified_on),
        "member_since": s.member_since.edtf if s.member_since else None,
    }


def outcome(o: ImportOutcome) -> dict[str, Any]:
    return {
        "path": o.path,
        "process": o.process,
        "action": o.action,
        "replaced": o.replaced,
        **o.counts,
        "problem_list": [
            {"kind": p.kind, "line": p.line, "message": p.message} for p in o.problems
        ],
    }

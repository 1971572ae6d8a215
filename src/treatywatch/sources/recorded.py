"""Facts a user records by hand (``treatywatch new`` and ``record``, or the write API):
each is a small document of its own, stating the fact line by line with its source, who
recorded it and when, so that it has provenance like any imported fact and nothing is
ever overwritten (a correction is a new record that supersedes, see
:func:`treatywatch.domain.status.in_force`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from treatywatch.domain.dates import DateParseError, PartialDate, parse_edtf_date
from treatywatch.domain.model import (
    ActKind,
    Document,
    Milestone,
    Organization,
    ParsedDocument,
    Process,
    Provenance,
    RatificationAct,
)
from treatywatch.errors import InputError
from treatywatch.reference import country_name, resolve_country, resolve_organization
from treatywatch.sources.reading import text_sha

SOURCE_KEY_PREFIX = "record:"
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
MAX_TEXT = 2000


@dataclass(frozen=True)
class Recorder:
    """Who records (a user name, or a write token's name) and when."""

    by: str
    at: datetime


def parse_partial(text: str, what: str) -> PartialDate:
    try:
        return parse_edtf_date(text)
    except DateParseError:
        raise InputError(f"{what}: {text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from None


def _text(value: str | None, what: str, required: bool = False) -> str | None:
    if value is None or not value.strip():
        if required:
            raise InputError(f"{what}: required")
        return None
    value = " ".join(value.split())
    if len(value) > MAX_TEXT or "\x00" in value:
        raise InputError(f"{what}: longer than {MAX_TEXT} characters (or holds a NUL)")
    return value


def _not_after(d: PartialDate, day: date, what: str) -> None:
    if d.lower() > day:
        raise InputError(f"{what}: {d.edtf} is after the day it is recorded ({day})")


def organization_of(name: str) -> Organization:
    org = resolve_organization(name)
    if org is None:
        raise InputError(f"--organization: unknown organization {name!r}")
    return org


def member_code(name: str) -> str:
    code = resolve_country(name)
    if code is None:
        raise InputError(f"--member: {name!r} is not a country (an ISO code, a name or an alias)")
    return code


def _document(kind: str, slug: str, lines: list[str], who: Recorder) -> Document:
    stamp = who.at.isoformat(timespec="microseconds")
    text = "\n".join(
        [f"treatywatch {kind}", *lines, f"recorded by: {who.by}", f"recorded at: {stamp}"]
    )
    sha = text_sha(text + "\n")
    shown = f"{kind} by {who.by}, {who.at:%Y-%m-%d %H:%M} UTC"
    return Document(sha, f"{SOURCE_KEY_PREFIX}{slug}:{sha[:16]}", shown, shown, text + "\n")


def new_process(
    slug: str,
    organization: str,
    candidates: list[str],
    who: Recorder,
    *,
    signed: str | None = None,
    source: str | None = None,
    quote: str | None = None,
) -> ParsedDocument:
    """A new process, and its signature when given (a milestone with its source)."""
    if not SLUG.fullmatch(slug):
        raise InputError(f"process {slug!r}: a slug is 1-80 characters of a-z, 0-9 and '-'")
    org = organization_of(organization)
    codes = []
    for c in candidates:
        code = resolve_country(c)
        if code is None:
            raise InputError(
                f"--candidate: {c!r} is not a country (an ISO code, a name or an alias)"
            )
        codes.append(code)
    if not codes:
        raise InputError("--candidate: required")
    names = [country_name(c) for c in codes]
    name = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    process = Process(slug, ",".join(codes), name, org.code)
    src, said = _text(source, "--source"), _text(quote, "--quote")
    lines = [
        f"process: {slug}",
        f"organization: {org.code}",
        f"candidate: {', '.join(codes)} ({name})",
    ]
    milestones: tuple[Milestone, ...] = ()
    day = parse_partial(signed, "--signed") if signed else None
    if day is not None:
        _not_after(day, who.at.date(), "--signed")
        kind = "treaty_signed" if org.kind("treaty_signed") else "protocol_signed"
        lines.append(f"{kind}: {day.edtf}")
    if src:
        lines.append(f"source: {src}")
    if said:
        lines.append(f"quote: {said}")
    doc = _document("new", slug, lines, who)
    if day is not None:
        known = org.kind(kind)
        label = known.label if known else kind
        at = Provenance(doc.sha256, 1, len(lines) + 3, url=src, quote=said)
        milestones = (Milestone(kind, label, day, at),)
    return ParsedDocument(doc, process, milestones=milestones)


def act(
    process: Process,
    member: str,
    kind: str,
    day: str,
    source: str,
    who: Recorder,
    *,
    quote: str | None = None,
    correction: bool = False,
    instrument: str | None = None,
) -> ParsedDocument:
    """One member's dated act, with its source; a ``correction`` supersedes the member's
    other acts of that kind."""
    code = member_code(member)
    try:
        act_kind = ActKind(kind)
    except ValueError:
        kinds = ", ".join(k.value for k in ActKind)
        raise InputError(f"--act: {kind!r}; expected one of {kinds}") from None
    d = parse_partial(day, "--date")
    _not_after(d, who.at.date(), "--date")
    src = _text(source, "--source", required=True)
    said = _text(quote, "--quote")
    lines = [
        f"process: {process.slug}",
        f"member: {code} ({country_name(code)})",
        f"act: {act_kind.value}",
        f"date: {d.edtf}",
        f"source: {src}",
    ]
    if said:
        lines.append(f"quote: {said}")
    if correction:
        lines.append("correction: supersedes this member's earlier acts of this kind")
    doc = _document("record", process.slug, lines, who)
    at = Provenance(doc.sha256, 2, len(lines) + 1, url=src, quote=said)
    record = RatificationAct(code, country_name(code), act_kind, d, at, instrument, correction)
    return ParsedDocument(doc, process, acts=(record,))

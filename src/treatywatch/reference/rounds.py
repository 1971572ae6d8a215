"""Past accession rounds, from the hand-collected CSVs in ``data/rounds/``.

Each CSV file is one round (a NATO protocol or an EU treaty). Every row keeps its
source (file, CSV line number, URL, quote). Nothing is filled in: a member without a
row has no date, and where two sources disagree both rows are kept and reported by
:meth:`Round.conflicts`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache

from treatywatch.domain.dates import PartialDate, most_stated, parse_edtf_date
from treatywatch.domain.model import RATIFYING_ACTS, ActKind, Provenance, RatificationAct
from treatywatch.reference import country_name, organization, resolve_country
from treatywatch.reference.bundled import ROUNDS_DIR, bundled_packages

# Event types (the CSV's ``event`` up to the first space, parenthesis or ';') and the act
# they are. "ratification/acceptance" is the Dutch treaty database's "(R)" column: the
# source says ratified without naming the act, which is what ActKind.RATIFIED means.
EVENT_KINDS: dict[str, ActKind] = {
    "parliament_approval": ActKind.PARLIAMENT_APPROVAL,
    "parliament_vote": ActKind.PARLIAMENT_APPROVAL,
    "head_of_state_signature": ActKind.HEAD_OF_STATE_SIGNATURE,
    "head_of_state_ratification": ActKind.HEAD_OF_STATE_SIGNATURE,
    "head_of_state_approval": ActKind.HEAD_OF_STATE_SIGNATURE,
    "ratified": ActKind.RATIFIED,
    "ratification_completed": ActKind.RATIFIED,
    "ratification/acceptance": ActKind.RATIFIED,
    "deposit": ActKind.DEPOSIT,
}
_SIGNATURE_EVENTS = {"protocol_signed", "treaty_signed", "protocol_opened_for_signature"}

# EU rounds have no member file. A round's required members are taken from its own rows
# only where the rows come from a depositary's party table that SOURCES.md says is
# complete ("notification date of all 28 parties"): round id -> part of that table's URL.
COMPLETE_PARTY_TABLES: dict[str, str] = {
    "eu-2013-croatia": "aid=2011051",
    "eu-2004-ten": "Details/010559",
    "eu-2007-bulgaria-romania": "Details/011086",
    "schengen-1997-greece": "Details/005114",
    "weu-1995-greece": "Details/005121",
}

# Organizations whose protocol enters into force on the day the last member's acceptance is
# notified (organizations.json: "enters into force when each of the Parties ... has notified").
EIF_IS_LAST_NOTIFICATION = frozenset({"NATO"})


@dataclass(frozen=True)
class Fact:
    """A dated row about a round or a candidate (signature, entry into force, membership...)."""

    subject: str  # "ALL" or the candidate's code
    event: str  # the event type
    text: str  # the event as written
    date: PartialDate
    source: Provenance


@dataclass(frozen=True)
class HistoricalAct:
    """One dated act of a member; ``kind`` is None when the event is not a ratification step."""

    member_code: str | None
    member_name: str
    event: str
    kind: ActKind | None
    date: PartialDate
    text: str
    source: Provenance
    details: tuple[tuple[str, str], ...] = ()

    @property
    def ratifying(self) -> bool:
        return self.kind in RATIFYING_ACTS

    def detail(self, key: str) -> str:
        return next((v for k, v in self.details if k == key), "")


@dataclass(frozen=True)
class Conflict:
    """Sources that give different dates (non-overlapping) for the same act of the same party."""

    round_id: str
    subject: str
    act: str
    dates: tuple[PartialDate, ...]
    sources: tuple[Provenance, ...]


@dataclass(frozen=True)
class Ratification:
    """A member's ratification in a round: its earliest ratifying act, with all such acts."""

    member_code: str
    acts: tuple[HistoricalAct, ...]  # every ratifying act of the member, earliest first

    @property
    def first(self) -> HistoricalAct:
        return self.acts[0]

    @property
    def date(self) -> PartialDate:
        return self.first.date


@dataclass(frozen=True)
class Coverage:
    required: int | None  # None: the member list at signature is unknown
    with_rows: tuple[str, ...]
    ratified: tuple[str, ...]
    missing: tuple[str, ...]  # required members without a ratifying act

    @property
    def complete(self) -> bool:
        return self.required is not None and not self.missing

    @property
    def summary(self) -> str:
        if self.required is None:
            return f"{len(self.with_rows)} members with rows, member list unknown"
        state = "complete" if self.complete else "partial"
        return (
            f"{state}: {len(self.ratified)} of {self.required} required members have a "
            f"ratification date ({len(self.with_rows)} have rows)"
        )


def _overlap(a: PartialDate, b: PartialDate) -> bool:
    return a.lower() <= b.upper() and b.lower() <= a.upper()


def _consensus(facts: Sequence[Fact], prefer: Iterable[PartialDate] = ()) -> PartialDate | None:
    """The date most sources give (ties: a ``prefer`` date, e.g. the member file's, else the earliest)."""
    return most_stated((f.date for f in facts), prefer)


@dataclass(frozen=True)
class Round:
    """One accession round: its dated facts, its members' acts and who had to ratify."""

    id: str
    organization: str
    process: str
    candidates: tuple[str, ...]
    signatures: tuple[Fact, ...]
    acts: tuple[HistoricalAct, ...]
    required: tuple[str, ...] | None
    required_basis: str
    entries_into_force: tuple[Fact, ...] = ()
    memberships: tuple[Fact, ...] = ()
    candidate_acts: tuple[HistoricalAct, ...] = ()
    other: tuple[Fact, ...] = ()
    document: str = ""  # SHA-256 of the file's text
    file: str = ""  # the file's name in the package: "rounds/<id>.csv"
    unresolved: tuple[str, ...] = field(default=())  # member names with no ISO code
    # The organization's rule: the agreement enters into force only once every required
    # member has ratified (organizations.json), so its entry into force bounds completion.
    in_force_once_all_ratified: bool = False

    @property
    def signature(self) -> PartialDate:
        d = _consensus(self.signatures)
        if d is None:
            raise ValueError(f"{self.id}: no signature date")
        return d

    @property
    def membership(self) -> PartialDate | None:
        """The date most sources give; on a tie, the one in the organization's member file."""
        ref = [m.joined for m in organization(self.organization).memberships]
        return _consensus(self.memberships, ref)

    @property
    def entry_into_force(self) -> PartialDate | None:
        return _consensus(self.entries_into_force)

    @property
    def entry_into_force_for_all(self) -> PartialDate | None:
        """The entry into force, where it is that of every candidate's protocol (rows that
        name their protocol must name every candidate's; None otherwise)."""
        eif = self.entry_into_force
        if eif is None:
            return None
        covered = {
            resolve_country(v)
            for f in self.entries_into_force
            for k, v in split_event(f.text)[1]
            if k == "protocol"
        }
        qualified = all("protocol=" in f.text for f in self.entries_into_force)
        if qualified and not set(self.candidates) <= covered:
            return None
        return eif

    def ratifications(self) -> dict[str, Ratification]:
        """Each member's ratifying acts (required members and any other member with rows)."""
        by: dict[str, list[HistoricalAct]] = {}
        for a in self.acts:
            if a.ratifying and a.member_code:
                by.setdefault(a.member_code, []).append(a)
        return {
            code: Ratification(
                code, tuple(sorted(acts, key=lambda a: (a.date.lower(), a.date.upper())))
            )
            for code, acts in sorted(by.items())
        }

    def coverage(self) -> Coverage:
        with_rows = sorted({a.member_code for a in self.acts if a.member_code})
        ratified = sorted(self.ratifications())
        if self.required is None:
            return Coverage(None, tuple(with_rows), tuple(ratified), ())
        req = set(self.required)
        return Coverage(
            len(self.required),
            tuple(c for c in with_rows if c in req),
            tuple(c for c in ratified if c in req),
            tuple(c for c in self.required if c not in ratified),
        )

    @property
    def complete(self) -> bool:
        return self.coverage().complete

    def last_ratification(self) -> Ratification | None:
        """The required member that ratified last (None unless coverage is complete)."""
        if not self.complete or not self.required:
            return None
        rats = self.ratifications()
        return max((rats[c] for c in self.required), key=lambda r: (r.date.upper(), r.date.lower()))

    def completed_on(self) -> tuple[PartialDate, str] | None:
        """When the last required member ratified, and how we know (None: unknown).

        From the members' own dates when coverage is complete; otherwise, for NATO only, the
        protocol's entry into force, which is the day the last acceptance was notified (for
        the EU the treaty sets its own date). An entry into force given for only some of a
        round's protocols is not used (another protocol may have entered into force later).
        """
        last = self.last_ratification()
        if last is not None:
            return last.date, f"last required member to ratify: {last.member_code}"
        eif = self.entry_into_force_for_all
        if self.organization not in EIF_IS_LAST_NOTIFICATION or eif is None:
            return None
        return eif, "entry into force (the day the last acceptance was notified)"

    def conflicts(self) -> list[Conflict]:
        """Same party, same act (event type, chamber, protocol), non-overlapping dates."""
        groups: dict[tuple[str, str], list[tuple[PartialDate, Provenance]]] = {}
        for a in (*self.acts, *self.candidate_acts):
            key = (a.member_code or a.member_name, _act_key(a))
            groups.setdefault(key, []).append((a.date, a.source))
        for label, facts in (
            ("signature", self.signatures),
            ("entry_into_force", self.entries_into_force),
            ("membership", self.memberships),
        ):
            for f in facts:
                groups.setdefault((f.subject, label), []).append((f.date, f.source))
        out = []
        for (subject, act), rows in groups.items():
            dates = sorted({d for d, _ in rows}, key=lambda d: (d.lower(), d.upper()))
            if any(not _overlap(x, y) for x in dates for y in dates):
                out.append(Conflict(self.id, subject, act, tuple(dates), tuple(s for _, s in rows)))
        return out

    @classmethod
    def from_acts(
        cls,
        round_id: str,
        organization_code: str,
        signature: PartialDate,
        acts: Iterable[RatificationAct],
        *,
        candidates: Sequence[str] = (),
        required: Sequence[str] | None = None,
        membership: PartialDate | None = None,
        process: str = "",
        source_file: str = "",
    ) -> Round:
        """A round from the domain's records (e.g. an imported article's acts).

        ``required`` defaults to the organization's members on the signature day (when it
        has a member file). Provenance becomes the source reference (document, line).
        """
        here = Provenance(source_file or round_id, 0, 0)
        hist = tuple(
            HistoricalAct(
                a.member_code,
                a.member_name or a.member_code or "",
                a.kind.value,
                a.kind,
                a.date,
                a.kind.value,
                a.provenance,
            )
            for a in acts
        )
        req, basis = _required(organization_code, signature, tuple(candidates), required)
        return cls(
            id=round_id,
            organization=organization_code,
            process=process or round_id,
            candidates=tuple(candidates),
            signatures=(Fact("ALL", "protocol_signed", "given", signature, here),),
            acts=hist,
            required=req,
            required_basis=basis,
            memberships=tuple(
                Fact(c, "membership", "given", membership, here) for c in candidates if membership
            ),
        )


def _act_key(a: HistoricalAct) -> str:
    if a.event == "milestone":  # "milestone: application (...)": the milestone is the act
        return a.text.split(";")[0].split("(")[0].strip()
    parts = [a.event]
    for key in ("chamber", "protocol", "protocols"):
        if value := a.detail(key):
            parts.append(f"{key}={value.split(' (')[0]}")
    return "; ".join(parts)


def _required(
    org_code: str, signature: PartialDate, candidates: tuple[str, ...], given: Sequence[str] | None
) -> tuple[tuple[str, ...] | None, str]:
    if given is not None:
        return tuple(given), "given by the caller"
    org = organization(org_code)
    if not org.memberships:
        return None, f"unknown: {org_code} has no member file"
    codes = tuple(m.code for m in org.members_on(signature.upper()) if m.code not in candidates)
    return codes, f"members of {org_code} on {signature.edtf} (data/{org_code.lower()}-members.csv)"


def split_event(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The event type and its ``key=value`` details: ``"deposit; protocol=Romania"``."""
    head, *rest = [p.strip() for p in text.split(";")]
    m = re.match(r"[A-Za-z_/]+", head)
    event = m.group(0) if m else head
    details = tuple((k.strip(), v.strip()) for p in rest if "=" in p for k, v in [p.split("=", 1)])
    return event, details


def _candidates(process: str) -> list[str]:
    names = process.split(":", 1)[-1]
    names = re.sub(r"\s*\([^)]*\)\s*$", "", names)
    codes = [resolve_country(n) for n in re.split(r",\s*|\s+and\s+", names)]
    return [c for c in codes if c]


@dataclass(frozen=True)
class EventRow:
    """One row of a round's events table, read: the layout of the bundled history and of
    a data package's ``events`` resource (columns ``process, member, event, date,
    precision, source_url, source_quote``). ``member_code`` is None for ``ALL`` (a fact
    about the round) and for a name that resolves to no country (then ``member`` is that
    name, or ``""`` for an act the source does not attribute)."""

    line: int
    process: str
    member: str
    member_code: str | None
    event: str  # the event type: the text up to the first space, parenthesis or ';'
    details: tuple[tuple[str, str], ...]
    text: str  # the event as written
    date: PartialDate
    source: Provenance

    def detail(self, key: str) -> str | None:
        return next((v for k, v in self.details if k == key), None)


def numbered_rows(text: str) -> Iterator[tuple[int, int, dict[str, str]]]:
    """Each row of a CSV text (a header, then rows) with the lines it spans, first and last
    (a quoted cell may hold line breaks)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    reader.fieldnames  # noqa: B018 - reads the header: rows start after it
    line = reader.line_num + 1
    for row in reader:
        yield line, reader.line_num, {k: (v or "") for k, v in row.items() if k is not None}
        line = reader.line_num + 1


def read_event_rows(text: str, file: str, sha: str | None = None) -> list[EventRow]:
    """Every row of an events table (CSV text), with its line number; a date that does not
    match its precision raises ValueError naming ``file`` and the line. The one reader of
    this layout: the bundled rounds and imported data packages both go through it."""
    sha = sha or hashlib.sha256(text.encode("utf-8")).hexdigest()
    out: list[EventRow] = []
    for line, end, r in numbered_rows(text):
        d = parse_edtf_date(r["date"])
        if d.precision.value != r["precision"]:
            raise ValueError(f"{file}:{line}: precision {r['precision']!r} but date {r['date']!r}")
        src = Provenance(
            sha, line, end, url=r["source_url"] or None, quote=r["source_quote"] or None
        )
        event, details = split_event(r["event"])
        member = r["member"]
        code = resolve_country(member) if member and member != "ALL" else None
        out.append(EventRow(line, r["process"], member, code, event, details, r["event"], d, src))
    return out


def parse_round(
    round_id: str,
    text: str,
    file: str = "",
    *,
    organization_code: str | None = None,
    candidates: Sequence[str] | None = None,
) -> Round:
    """Read one round's events table (the shared dataset's format); the organization and
    candidates are the data package's (else read from the file name and process title)."""
    file = file or f"{ROUNDS_DIR}/{round_id}.csv"
    org_code = organization_code or ("EU" if round_id.startswith("eu-") else "NATO")
    rows = read_event_rows(text, file)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    process = rows[0].process if rows else round_id
    cands = list(candidates) if candidates is not None else _candidates(process)
    if candidates is None:
        for r in rows:
            if r.member_code and r.event == "membership" and r.member_code not in cands:
                cands.append(r.member_code)
    sigs: list[Fact] = []
    eifs: list[Fact] = []
    members: list[Fact] = []
    other: list[Fact] = []
    acts: list[HistoricalAct] = []
    cand_acts: list[HistoricalAct] = []
    unresolved: set[str] = set()
    for r in rows:
        d, src, event = r.date, r.source, r.event
        if r.member == "ALL":
            fact = Fact("ALL", event, r.text, d, src)
            if event in _SIGNATURE_EVENTS or event == "protocol_date":
                sigs.append(fact)
            elif event == "entry_into_force":
                eifs.append(fact)
            else:
                other.append(fact)
            continue
        code = r.member_code
        if code is None:
            unresolved.add(r.member)
        if event == "membership" and code:
            members.append(Fact(code, event, r.text, d, src))
            continue
        act = HistoricalAct(
            code, r.member, event, EVENT_KINDS.get(event), d, r.text, src, r.details
        )
        if code in cands:
            cand_acts.append(act)
        elif event == "milestone":
            other.append(Fact(code or r.member, event, r.text, d, src))
        else:
            acts.append(act)
    signature = _consensus(sigs)
    if signature is None:
        raise ValueError(f"{file}: no signature row")
    req, basis = _required(org_code, signature, tuple(cands), None)
    if req is None and round_id in COMPLETE_PARTY_TABLES:
        needle = COMPLETE_PARTY_TABLES[round_id]
        listed = {a.member_code for a in acts if a.member_code and needle in (a.source.url or "")}
        req = tuple(sorted(listed, key=country_name))
        basis = f"parties in the depositary's table ({needle}), complete per SOURCES.md"
    return Round(
        id=round_id,
        organization=org_code,
        process=process,
        candidates=tuple(cands),
        signatures=tuple(sigs),
        acts=tuple(acts),
        required=req,
        required_basis=basis,
        entries_into_force=tuple(eifs),
        memberships=tuple(members),
        candidate_acts=tuple(cand_acts),
        other=tuple(other),
        document=sha,
        file=file,
        unresolved=tuple(sorted(unresolved)),
        in_force_once_all_ratified=(
            organization(org_code).entry_into_force_rule == "all_required_ratified"
        ),
    )


@cache
def load_rounds() -> tuple[Round, ...]:
    """Every bundled round, oldest signature first."""
    rounds = [
        parse_round(
            d["treatywatch"]["process"],
            text,
            f"{ROUNDS_DIR}/{path}",
            organization_code=d["treatywatch"]["organization"],
            candidates=d["treatywatch"]["candidates"],
        )
        for d, path, text in bundled_packages()
    ]
    return tuple(sorted(rounds, key=lambda r: r.signature.lower()))


@cache
def source_names() -> dict[str, str]:
    """The bundled files' names ("rounds/<id>.csv") by the SHA-256 of their text: the name
    a row's provenance shows."""
    return {r.document: r.file for r in load_rounds()}


def load_round(round_id: str) -> Round:
    for r in load_rounds():
        if r.id == round_id:
            return r
    raise KeyError(round_id)


def conflicts() -> list[Conflict]:
    """Every disagreement between sources in the bundled rounds."""
    return [c for r in load_rounds() for c in r.conflicts()]

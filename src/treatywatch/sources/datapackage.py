"""A process as a data package: a Frictionless Data Package (``datapackage.json`` and CSV
tables) that anyone can write in a spreadsheet, and that treatywatch reads and writes.

The layout (version 1; ``docs/datapackage.md`` shows an example):

* ``datapackage.json``: the package; its ``treatywatch`` property names the process
  (``process``: the slug, ``organization``: a code such as ``NATO``, ``candidates``: ISO
  codes or names, optionally ``candidate_name``).
* ``events`` (required): one dated fact a row, in the layout of the bundled history
  (``process, member, event, date, precision, source_url, source_quote``): members' acts
  (``ratified``, ``parliament_approval``, ``head_of_state_signature``, ``deposit``, …),
  the signature (``protocol_signed``/``treaty_signed``, member ``ALL``), the candidate's
  milestones (``milestone: invitation``) and its ``membership``. Details follow the type
  after ``;`` as ``key=value`` (``inferred=<why>``, ``instrument=``, ``correction=yes``,
  ``source_label=``). Rows of other types are kept in the file and not used.
* ``polls`` and ``positions`` (optional): opinion polls and parties' positions.
* ``members`` (optional): the members required to ratify (ISO code, name, and the source
  that lists them). Given, they decide who must ratify this process, whatever the
  organization's member list says, and an organization without a member list needs them for
  a count ("3 of 8"); without them, the organization's members on the signature day do.
  ``export`` writes the list it used.

Every table is checked against its Table Schema by the ``frictionless`` library and then
against treatywatch's own rules (a date that matches its precision, a member that is a
country); a package with any problem is refused with all of them listed, and nothing is
stored. The bundled history (``data/rounds/``) is stored in this layout and read here too.
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from treatywatch.domain.dates import DateParseError, parse_edtf_span
from treatywatch.domain.model import (
    UNTYPED,  # a step the procedure does not name
    ActKind,
    Base,
    Document,
    Milestone,
    Organization,
    ParsedDocument,
    PartyPosition,
    Poll,
    Position,
    Process,
    Provenance,
    RatificationAct,
    RequiredMember,
    Share,
)
from treatywatch.errors import InputError, PackageError
from treatywatch.reference import country_name, organization, organizations, resolve_country
from treatywatch.reference.rounds import EVENT_KINDS, EventRow, numbered_rows, read_event_rows
from treatywatch.sources.article import MAX_SAMPLE
from treatywatch.sources.reading import (
    MAX_BYTES,
    decode_text,
    given_name,
    read_bytes,
    read_document,
    shown,
    text_sha,
)

FORMAT = 1
DESCRIPTOR = "datapackage.json"
# Where a user's package's tables are kept: one source a table, named by the process.
SOURCE_KEY_PREFIX = "package:"
MAX_ZIP_MEMBERS = 100

_DATE = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
_SPAN = rf"{_DATE}(/{_DATE})?"
_SHARE = r"[0-9]{1,3}([.,][0-9]{1,6})?"


def _field(
    name: str, description: str, type_: str = "string", **constraints: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "type": type_, "description": description}
    if constraints:
        out["constraints"] = constraints
    return out


_SOURCE_FIELDS = [
    _field("source_url", "Where the fact is stated: a URL, or a document's name and line."),
    _field("source_quote", "The words there that state it (short)."),
]
SCHEMAS: dict[str, dict[str, Any]] = {
    "events": {
        "fields": [
            _field("process", "The process's title (repeated on every row; may be empty)."),
            _field(
                "member",
                "Whose act: a country name or ISO code; ALL for the round; "
                "empty for an act the source does not attribute.",
            ),
            _field(
                "event",
                "The event type, then '; key=value' details.",
                required=True,
                pattern=r"[A-Za-z_/]+.*",
            ),
            _field("date", "YYYY, YYYY-MM or YYYY-MM-DD.", required=True, pattern=_DATE),
            _field(
                "precision",
                "day, month or year: how much of the date is known.",
                required=True,
                enum=["day", "month", "year"],
            ),
            *_SOURCE_FIELDS,
        ],
        "missingValues": [""],
    },
    "polls": {
        "fields": [
            _field("fieldwork", "EDTF date or start/end interval.", required=True, pattern=_SPAN),
            _field("pollster", "Who polled."),
            _field("sample_size", "Respondents.", "integer", minimum=1, maximum=MAX_SAMPLE),
            _field("share_for", "Percent for, as written.", required=True, pattern=_SHARE),
            _field("share_against", "Percent against, as written.", required=True, pattern=_SHARE),
            _field("share_undecided", "Percent undecided, as written.", pattern=_SHARE),
            _field("lead", "The lead as the source states it.", pattern=_SHARE),
            _field("question", "The question asked."),
            _field("condition", "A condition in the question (e.g. 'if a referendum…')."),
            _field("base", "What the shares are percentages of.", enum=[b.value for b in Base]),
            _field("base_inferred", "Whether the base was inferred.", "boolean"),
            *_SOURCE_FIELDS,
        ],
        "missingValues": [""],
    },
    "positions": {
        "fields": [
            _field("party", "The party.", required=True),
            _field(
                "position",
                "Its position on joining.",
                required=True,
                enum=[p.value for p in Position],
            ),
            _field("statement", "Its words, where the source quotes them."),
            *_SOURCE_FIELDS,
        ],
        "missingValues": [""],
    },
    "members": {
        "fields": [
            _field("code", "ISO 3166-1 alpha-2 code.", required=True, pattern="[A-Z]{2}"),
            _field("name", "English short name."),
            *_SOURCE_FIELDS,
        ],
        "missingValues": [""],
    },
}
COLUMNS = {name: [f["name"] for f in s["fields"]] for name, s in SCHEMAS.items()}


@dataclass(frozen=True)
class PackageInput:
    """A data package as given: its descriptor and the text of each table it names."""

    name: str  # as the user gave it (a folder, a zip, a descriptor file)
    descriptor: dict[str, Any]
    texts: dict[str, str]  # resource name -> the table's text
    paths: dict[str, str]  # resource name -> its path in the package


@dataclass(frozen=True)
class PackageProcess:
    slug: str
    title: str
    organization: Organization
    candidates: tuple[str, ...]
    candidate_name: str

    @property
    def process(self) -> Process:
        return Process(
            self.slug, ",".join(self.candidates), self.candidate_name, self.organization.code
        )


def is_package(path: str | Path) -> bool:
    """Whether a path names a data package (a folder with ``datapackage.json``, a zip, or a
    descriptor file) rather than an article."""
    p = Path(path)
    name = p.name.lower()
    return p.is_dir() or name.endswith((".zip", ".json"))


def read_package_input(path: str | Path) -> PackageInput:
    """The descriptor and tables of a package folder, zip or descriptor file, read safely:
    regular files only, each within the size limit, paths inside the package."""
    p = Path(path)
    name = shown(p)
    if p.name.lower().endswith(".zip"):
        return _read_zip(p, name)
    folder, descriptor_path = (p, p / DESCRIPTOR) if p.is_dir() else (p.parent, p)
    if p.is_dir() and not descriptor_path.is_file():
        raise InputError(
            f"{name}: is a directory, not a document (nor a data package: no {DESCRIPTOR})"
        )
    text, _ = read_document(descriptor_path)
    descriptor = _descriptor(text, shown(descriptor_path))
    texts, paths = {}, {}
    for resource, rel in _resource_paths(descriptor, name).items():
        target = folder / rel
        try:
            inside = target.resolve().is_relative_to(folder.resolve())
        except OSError:
            inside = False
        if not inside:
            raise InputError(f"{name}: resource {resource!r} points outside the package: {rel!r}")
        texts[resource], _ = read_document(target)
        paths[resource] = rel
    shown_as = given_name(p if p.is_dir() else folder)
    return PackageInput(shown_as, descriptor, texts, paths)


def _read_zip(p: Path, name: str) -> PackageInput:
    data = read_bytes(p, name)  # a regular file, bounded, read whole before it is opened
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise InputError(f"{name}: not a zip file") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise InputError(f"{name}: {len(infos)} files in the zip; at most {MAX_ZIP_MEMBERS}")
    by_name = {i.filename: i for i in infos}
    roots = [n for n in by_name if posixpath.basename(n) == DESCRIPTOR and n.count("/") <= 1]
    if len(roots) != 1:
        raise InputError(f"{name}: no {DESCRIPTOR} at the top of the zip (or more than one)")
    base = posixpath.dirname(roots[0])

    def member(rel: str) -> str:
        info = by_name.get(posixpath.join(base, rel) if base else rel)
        if info is None:
            raise InputError(f"{name}: {rel}: no such file in the zip")
        too_big = InputError(f"{name}: {rel}: larger than {MAX_BYTES / 1e6:.0f} MB; refused")
        if info.file_size > MAX_BYTES:
            raise too_big
        raw = z.read(info)
        if len(raw) > MAX_BYTES:
            raise too_big
        return decode_text(raw, f"{name}/{rel}")

    descriptor = _descriptor(member(DESCRIPTOR), f"{name}/{DESCRIPTOR}")
    paths = _resource_paths(descriptor, name)
    files = {r: member(rel) for r, rel in paths.items()}
    return PackageInput(given_name(p), descriptor, files, paths)


def _descriptor(text: str, name: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{name}:{e.lineno}: not JSON: {e.msg}") from None
    if not isinstance(value, dict):
        raise InputError(f"{name}:1: a data package descriptor is a JSON object")
    return value


def _resource_paths(descriptor: Mapping[str, Any], name: str) -> dict[str, str]:
    """Each known resource's relative path; refuses remote, absolute and '..' paths (a
    package is read from where it lies, never fetched)."""
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise InputError(f"{name}: {DESCRIPTOR} has no 'resources' list")
    out: dict[str, str] = {}
    for i, r in enumerate(resources):
        if not isinstance(r, dict) or not isinstance(r.get("name"), str):
            raise InputError(f"{name}: resources[{i}] has no name")
        if r["name"] not in SCHEMAS:
            continue  # another table: kept by the user, not read by treatywatch
        rel = r.get("path")
        if not isinstance(rel, str) or not rel:
            raise InputError(
                f"{name}: resource {r['name']!r} has no path (inline data is not read)"
            )
        bad = (
            "://" in rel
            or rel.startswith(("/", "~"))
            or "\\" in rel
            or ".." in rel.split("/")
            or re.match(r"^[A-Za-z]:", rel)
        )
        if bad:
            raise InputError(
                f"{name}: resource {r['name']!r}: path {rel!r} must be a relative path inside "
                "the package (remote, absolute and '..' paths are refused)"
            )
        out[r["name"]] = rel
    if "events" not in out:
        raise InputError(f"{name}: {DESCRIPTOR} has no 'events' resource")
    return out


# -- validation -------------------------------------------------------------------------


def problems(pkg: PackageInput) -> list[str]:
    """Every problem in a package, one line each: ``file:row: field: what was expected``.
    A table whose cells have the right types is then checked by treatywatch's own rules."""
    out = _process_problems(pkg)
    for resource, text in pkg.texts.items():
        found = _schema_problems(pkg.paths[resource], resource, text)
        out += found or _row_problems(pkg, resource)
    return out


def _process_problems(pkg: PackageInput) -> list[str]:
    where = f"{DESCRIPTOR}: treatywatch"
    meta = pkg.descriptor.get("treatywatch")
    if not isinstance(meta, dict):
        return [f"{where}: missing; expected an object with process, organization, candidates"]
    out = []
    slug = meta.get("process")
    if not isinstance(slug, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", slug):
        out.append(f"{where}.process: {slug!r}; expected a slug (a-z, 0-9, '-')")
    org = meta.get("organization")
    if not isinstance(org, str) or org not in organizations():
        known = ", ".join(organizations())
        out.append(f"{where}.organization: {org!r}; expected one of {known}")
    cands = meta.get("candidates")
    if not isinstance(cands, list) or not cands:
        out.append(f"{where}.candidates: {cands!r}; expected a list of countries")
    else:
        for c in cands:
            if not isinstance(c, str) or resolve_country(c) is None:
                out.append(f"{where}.candidates: {c!r} is not a country (ISO code or name)")
    version = meta.get("format", FORMAT)
    if version != FORMAT:
        out.append(f"{where}.format: {version!r}; this treatywatch reads format {FORMAT}")
    return out


def _schema_problems(path: str, resource: str, text: str) -> list[str]:
    """The table checked against its Table Schema by frictionless."""
    import frictionless  # only on the import path of a data package
    from frictionless import formats

    schema = frictionless.Schema.from_descriptor(SCHEMAS[resource])
    # The dialect is the package's (RFC 4180, comma-separated), never sniffed: a party named
    # ';"' made frictionless guess ';' and read the header as one column.
    csv = formats.CsvControl(delimiter=",", quote_char='"', double_quote=True)
    table = frictionless.Resource(
        text.encode("utf-8"), format="csv", encoding="utf-8", schema=schema, control=csv
    )
    report = frictionless.validate(table)
    out = []
    for task in report.tasks:
        for e in task.errors:
            row = getattr(e, "row_number", None)
            field = getattr(e, "field_name", None) or getattr(e, "label", None)
            at = f"{path}:{row}" if row else f"{path}:1"
            note = getattr(e, "note", "") or e.message
            cell = getattr(e, "cell", None)
            value = f" {cell!r}:" if cell not in (None, "") else ""
            out.append(f"{at}: {field or '(row)'}:{value} {e.title.lower()}: {note}")
    return out


def _row_problems(pkg: PackageInput, resource: str) -> list[str]:
    """treatywatch's own rules, once a table has its columns and types."""
    out = []
    path, text = pkg.paths[resource], pkg.texts[resource]
    if resource == "events":
        try:
            rows = read_event_rows(text, path)
        except (ValueError, DateParseError) as e:
            return [str(e)]
        for r in rows:
            if r.member not in ("", "ALL") and r.member_code is None:
                out.append(
                    f"{path}:{r.line}: member: {r.member!r} is not a country "
                    "(ISO code, English name or known alias), ALL or empty"
                )
            tally = r.detail("ratified")
            if tally is not None and not (tally.isdigit() and len(tally) <= 4):
                out.append(
                    f"{path}:{r.line}: event: ratified={tally!r} is not a count of members "
                    "(a whole number, e.g. ratified=28)"
                )
    elif resource == "members":
        meta = pkg.descriptor.get("treatywatch") or {}
        raw = meta.get("candidates") if isinstance(meta, dict) else None
        candidates = {resolve_country(str(c)) for c in raw} if isinstance(raw, list) else set()
        for line, row in _rows(text):
            code = resolve_country(row.get("code", ""))
            if code is None:
                out.append(f"{path}:{line}: code: {row.get('code')!r} is not a country's ISO code")
            elif code in candidates:
                out.append(
                    f"{path}:{line}: code: {code} is the candidate; the table lists the members "
                    "that must ratify its accession"
                )
    elif resource in ("polls", "positions"):
        read = _poll if resource == "polls" else _position
        for line, row in _rows(text):
            try:
                read(row, Provenance("", line, line))
            except ValueError as e:
                out.append(f"{path}:{line}: {e}")
    return out


# -- records ----------------------------------------------------------------------------


def package_process(descriptor: Mapping[str, Any]) -> PackageProcess:
    meta = descriptor["treatywatch"]
    org = organizations()[meta["organization"]]
    codes = tuple(c for c in (resolve_country(str(x)) for x in meta["candidates"]) if c)
    names = [country_name(c) for c in codes]
    default = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    title = str(descriptor.get("title") or meta["process"])
    return PackageProcess(
        meta["process"], title, org, codes, str(meta.get("candidate_name") or default)
    )


def read_package(path: str | Path) -> list[ParsedDocument]:
    """A data package's records, one document a table; refuses the package with every
    problem listed (:class:`PackageError`, exit 2) when anything does not validate."""
    pkg = read_package_input(path)
    found = problems(pkg)
    if found:
        raise PackageError(pkg.name, found)
    slug = pkg.descriptor["treatywatch"]["process"]
    return package_documents(pkg, lambda rel: f"{SOURCE_KEY_PREFIX}{slug}/{rel}")


def package_documents(
    pkg: PackageInput, source_key: Any, display: Any = None
) -> list[ParsedDocument]:
    """The records of a validated package: the events table's milestones and acts, the
    polls and positions, each table a document (``source_key(path)`` names its source,
    ``display(path)`` the name shown; by default the package's name and the path)."""
    proc = package_process(pkg.descriptor)
    show = display or (lambda rel: f"{pkg.name.rstrip('/')}/{rel}")
    licence = _licence(pkg.descriptor)
    out = []
    for resource in ("events", "polls", "positions", "members"):
        if resource not in pkg.texts:
            continue
        text, rel = pkg.texts[resource], pkg.paths[resource]
        title = proc.title if resource == "events" else f"{proc.title}: {resource}"
        doc = Document(text_sha(text), source_key(rel), show(rel), title, text, licence)
        parsed = _table(resource, doc, proc, rel)
        if parsed is not None:
            out.append(parsed)
    return out


def _table(resource: str, doc: Document, proc: PackageProcess, rel: str) -> ParsedDocument | None:
    """One table's records (None: a table of no rows, which states nothing); ``rel`` is its
    path in the package."""
    text, sha = doc.text, doc.sha256
    if resource == "events":
        milestones, acts = _events(read_event_rows(text, rel, sha), proc)
        return ParsedDocument(doc, proc.process, milestones=milestones, acts=acts)
    if resource == "polls":
        polls = tuple(_poll(r, _prov(sha, line, r)) for line, r in _rows(text))
        return ParsedDocument(doc, proc.process, polls=polls) if polls else None
    if resource == "positions":
        pos = tuple(_position(r, _prov(sha, line, r)) for line, r in _rows(text))
        return ParsedDocument(doc, proc.process, positions=pos) if pos else None
    required = tuple(_member(r, _prov(sha, line, r)) for line, r in _rows(text))
    return ParsedDocument(doc, proc.process, required=required) if required else None


def read_stored_table(doc: Document, process: Process) -> ParsedDocument | None:
    """A table of a package imported before, read again from its stored text by this
    version's reader (as :func:`package_documents` read it; its kind known by its columns),
    under its stored process. None: not a table this reader knows."""
    header = set(next(csv.reader(io.StringIO(doc.text)), []))
    kinds = [k for k, columns in _KEY_COLUMNS.items() if columns <= header]
    if len(kinds) != 1:
        return None
    candidates = process.candidate_codes
    org = organization(process.organization)  # one this version does not know: NotFoundError
    proc = PackageProcess(process.slug, doc.title, org, candidates, process.candidate_name)
    rel = doc.source_key.split("/", 1)[-1]  # package:<slug>/<path in the package>
    return _table(kinds[0], doc, proc, rel)


# The columns that tell a package's tables apart (each required in its schema).
_KEY_COLUMNS = {
    "events": {"event", "date", "precision"},
    "polls": {"fieldwork", "share_for", "share_against"},
    "positions": {"party", "position"},
    "members": {"code"},
}


def _licence(descriptor: Mapping[str, Any]) -> str | None:
    licences = descriptor.get("licenses")
    if isinstance(licences, list) and licences and isinstance(licences[0], dict):
        value = licences[0].get("name") or licences[0].get("title")
        return str(value) if value else None
    return None


def _rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row with its first line."""
    return ((line, row) for line, _, row in numbered_rows(text))


def _prov(sha: str, line: int, row: Mapping[str, str]) -> Provenance:
    return Provenance(
        sha, line, line, url=row.get("source_url") or None, quote=row.get("source_quote") or None
    )


def _milestone_text(r: EventRow) -> str:
    """What a ``milestone: …`` row names: "invitation to accede to the Treaty" of
    "milestone: invitation to accede to the Treaty, per the protocol's preamble"."""
    return re.split(r"[(;,]", r.text.split(":", 1)[-1], maxsplit=1)[0].strip()


def _milestone_kind(r: EventRow, org: Organization) -> str | None:
    if r.event in BARE_MILESTONES:
        return r.event if org.kind(r.event) else None
    if r.event != "milestone":
        return None
    label = _milestone_text(r)
    known = (
        org.kind_for_label(label)
        or org.kind_for_label(label.replace("_", " "))
        or org.kind(label.replace(" ", "_"))
    )
    return known.kind if known else None


# A milestone row's details that an export writes from the record itself.
_WRITTEN_BACK = frozenset({"label", "ratified", "inferred"})

# How a candidate's own act reads as a step of its accession ("Domestic ratification:
# parliament approval"); "candidate_parliament_approval" is the same act as
# "parliament_approval" on a candidate's row.
_OWN_ACTS = {
    ActKind.PARLIAMENT_APPROVAL: "parliament approval",
    ActKind.HEAD_OF_STATE_SIGNATURE: "head of state's signature",
    ActKind.RATIFIED: "ratification",
    ActKind.DEPOSIT: "deposit of the instrument",
}


def _own_act(r: EventRow) -> ActKind | None:
    return EVENT_KINDS.get(r.event.removeprefix("candidate_"))


def _untyped_label(r: EventRow, org: Organization) -> tuple[str, str, bool]:
    """The kind and label of a candidate's or the round's row that is no typed milestone,
    and whether the label must name the candidate: a candidate's own act is its domestic
    ratification (where the procedure has that step) or else an untyped event that says whose
    ("Ratification (Greece)"), anything else an untyped event named by its row ("Application",
    "Entry into force", "All 16 allies ratified")."""
    own = _own_act(r)
    domestic = org.kind("domestic_ratification")
    if own is not None and domestic is not None:
        return domestic.kind, f"{domestic.label}: {_OWN_ACTS[own]}", False
    if own is not None:
        return UNTYPED, _OWN_ACTS[own].capitalize(), True
    if r.event == "milestone":
        words = _milestone_text(r)
    else:
        words = re.split(r"[(;]", r.text, maxsplit=1)[0].removeprefix("candidate_")
    words = " ".join(words.replace("_", " ").split())
    return UNTYPED, (words[:1].upper() + words[1:]) or "Event", False


# Milestones written as their own event type; the candidate's other steps are
# ``milestone: <kind>``.
BARE_MILESTONES = ("protocol_signed", "treaty_signed", "membership")


def canonical_event(kind: str) -> str:
    """How a milestone's event type is written: ``protocol_signed``, ``treaty_signed`` and
    ``membership`` as they are, the candidate's other steps as ``milestone: <kind>``."""
    return kind if kind in BARE_MILESTONES else f"milestone: {kind}"


def _events(
    rows: Sequence[EventRow], proc: PackageProcess
) -> tuple[tuple[Milestone, ...], tuple[RatificationAct, ...]]:
    org, cands = proc.organization, set(proc.candidates)
    milestones: list[Milestone] = []
    acts: list[RatificationAct] = []
    for r in rows:
        candidate_row = r.member == "ALL" or r.member_code in cands
        kind = _milestone_kind(r, org) if candidate_row else None
        untyped, whose = None, False
        if candidate_row and kind is None:
            # Every candidate's and round's row is a step of the process, typed or not.
            kind, untyped, whose = _untyped_label(r, org)
        reason = r.detail("inferred")
        src = Provenance(
            r.source.document,
            r.source.line_start,
            r.source.line_end,
            inferred=reason is not None,
            reason=reason,
            url=r.source.url,
            quote=r.source.quote,
        )
        if kind is not None:
            known = org.kind(kind)
            label = r.detail("label") or untyped or (known.label if known else kind)
            if len(cands) > 1 and r.member_code in cands and r.detail("label") is None:
                # A round of several candidates: whose step it is ("Application (Austria)").
                label = f"{label} ({country_name(r.member_code)})"
            elif whose and r.detail("label") is None:
                label = f"{label} ({proc.candidate_name})"
            written = r.detail("source_label")
            if written is None:
                # As written only where the row says more than its kind and the details an
                # export writes back (else a re-import would read its own label as words).
                head = r.text.split(";", 1)[0].strip()
                plain = head == canonical_event(kind) and all(
                    k in _WRITTEN_BACK for k, _ in r.details
                )
                written = "" if plain else r.text
            tally = r.detail("ratified")  # checked by _row_problems: digits
            count = int(tally) if tally is not None else None
            milestones.append(Milestone(kind, label, r.date, src, written, count))
        elif r.member_code not in cands and r.member != "ALL" and r.event in EVENT_KINDS:
            acts.append(
                RatificationAct(
                    r.member_code,
                    r.member or None,
                    EVENT_KINDS[r.event],
                    r.date,
                    src,
                    r.detail("instrument"),
                    r.detail("correction") == "yes",
                )
            )
    return tuple(milestones), tuple(acts)


def _opt(row: Mapping[str, str], key: str) -> str | None:
    return row.get(key) or None


def _share(row: Mapping[str, str], key: str) -> Share | None:
    value = row.get(key, "")
    if not value:
        return None
    try:
        return Share.parse(value)
    except ValueError as e:
        raise ValueError(f"{key}: {e}") from None


def _poll(row: Mapping[str, str], src: Provenance) -> Poll:
    try:
        fieldwork = parse_edtf_span(row["fieldwork"])
        if fieldwork.end.lower() < fieldwork.start.lower():
            raise ValueError("ends before it starts")
    except (DateParseError, ValueError) as e:
        raise ValueError(f"fieldwork: {row['fieldwork']!r}: {e}") from None
    share_for, share_against = _share(row, "share_for"), _share(row, "share_against")
    if share_for is None or share_against is None:
        raise ValueError("share_for and share_against are required")
    size = row.get("sample_size", "")
    return Poll(
        fieldwork,
        _opt(row, "pollster"),
        share_for,
        share_against,
        src,
        _share(row, "share_undecided"),
        _share(row, "lead"),
        int(size) if size else None,
        _opt(row, "question"),
        _opt(row, "condition"),
        Base(row.get("base") or Base.UNKNOWN.value),
        (row.get("base_inferred") or "true").lower() in ("true", "1", "yes"),
    )


def _member(row: Mapping[str, str], src: Provenance) -> RequiredMember:
    """A members table's row: a required member (checked to be a country beforehand)."""
    code = resolve_country(row["code"]) or row["code"]
    return RequiredMember(code, row.get("name") or country_name(code), src)


def _position(row: Mapping[str, str], src: Provenance) -> PartyPosition:
    return PartyPosition(row["party"], Position(row["position"]), src, row.get("statement", ""))

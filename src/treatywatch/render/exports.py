"""A process written out: as a data package (folder or zip), one CSV table, JSON, a
MediaWiki table of the ratifications, or an iCalendar file of its milestones and acts.

A data package written here imports back into the same records, and exporting those gives
the same files byte for byte (rows in a fixed order, a zip with fixed timestamps): see
``tests/test_datapackage.py``. A fact read from an article (not from a cited source) is
cited by the article's name and lines (``article.txt#L114``), quoting those lines.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import urlsplit

from treatywatch.domain.dates import PartialDate, Precision, parse_edtf_date
from treatywatch.domain.model import RATIFYING_ACTS, ActKind, Provenance
from treatywatch.domain.status import MemberState, bound_reason
from treatywatch.queries.exports import ProcessExport
from treatywatch.reference import country_name
from treatywatch.reference.rounds import split_event
from treatywatch.render.tables import csv_cell
from treatywatch.sources.datapackage import COLUMNS, DESCRIPTOR, FORMAT, SCHEMAS, canonical_event

QUOTE_CHARS = 300
RESOURCE_FILES = {name: f"{name}.csv" for name in ("events", "polls", "positions", "members")}
# A zip's entries carry this time so that the same package gives the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
ACT_LABELS = {
    ActKind.PARLIAMENT_APPROVAL: "Parliament approved",
    ActKind.HEAD_OF_STATE_SIGNATURE: "Head of state signed",
    ActKind.RATIFIED: "Ratified",
    ActKind.DEPOSIT: "Instrument deposited",
}


def _value(text: str) -> str:
    """A detail's value on one line and without ';' (which separates details)."""
    return " ".join(text.replace(";", ",").split())


def _cite(p: Provenance, x: ProcessExport) -> tuple[str, str]:
    """(source_url, source_quote): the cited source, or the document's name and lines."""
    if p.url:
        return p.url, p.quote or ""
    doc = x.documents.get(p.document)
    # The file's own name: never the folders it was read from (a server's paths).
    name = PurePath(doc.path).name if doc else p.document[:12]
    span = f"L{p.line_start}" + (f"-L{p.line_end}" if p.line_end != p.line_start else "")
    quote = ""
    if doc:
        lines = doc.text.split("\n")[p.line_start - 1 : p.line_end]
        quote = " ".join(" ".join(lines).split())
        if len(quote) > QUOTE_CHARS:
            quote = quote[: QUOTE_CHARS - 1] + "…"
    return f"{name}#{span}", quote


def _inferred(p: Provenance) -> list[str]:
    return [f"inferred={_value(p.reason or '')}"] if p.inferred else []


def _event(kind: str, details: Iterable[str]) -> str:
    return "; ".join([kind, *details])


def _date(d: PartialDate) -> dict[str, str]:
    return {"date": d.edtf, "precision": d.precision.value}


def _candidate_member(x: ProcessExport) -> str:
    codes = x.process.candidate_codes
    return country_name(codes[0]) if len(codes) == 1 else "ALL"


def event_rows(x: ProcessExport) -> list[dict[str, str]]:
    """The events table: milestones and members' acts, earliest first."""
    rows = []
    for m in x.milestones:
        known = x.organization.kind(m.kind)
        details = []
        if not known or m.label != known.label:
            details.append(f"label={_value(m.label)}")
        if m.source_label:
            details.append(f"source_label={_value(m.source_label)}")
        if m.ratified_count is not None:
            details.append(f"ratified={m.ratified_count}")
        details += _inferred(m.provenance)
        url, quote = _cite(m.provenance, x)
        signed = m.kind in ("protocol_signed", "treaty_signed")
        rows.append(
            {
                "process": x.title,
                "member": "ALL" if signed or m.ratified_count is not None else _candidate_member(x),
                "event": _event(canonical_event(m.kind), details),
                **_date(m.date),
                "source_url": url,
                "source_quote": quote,
            }
        )
    for a in x.acts:
        details = [f"instrument={_value(a.instrument)}"] if a.instrument else []
        details += ["correction=yes"] if a.correction else []
        details += _inferred(a.provenance)
        url, quote = _cite(a.provenance, x)
        member = a.member_name or (country_name(a.member_code) if a.member_code else "")
        rows.append(
            {
                "process": x.title,
                "member": member,
                "event": _event(a.kind.value, details),
                **_date(a.date),
                "source_url": url,
                "source_quote": quote,
            }
        )
    return sorted(
        rows,
        key=lambda r: (
            _day(r["date"]),
            r["member"],
            r["event"],
            r["source_url"],
            r["source_quote"],
        ),
    )


def _day(edtf: str) -> tuple[int, ...]:
    """An EDTF date's numbers, to sort by: a month comes before its days."""
    return tuple(int(p) for p in edtf.split("-"))


def poll_rows(x: ProcessExport) -> list[dict[str, str]]:
    rows = []
    for p in x.polls:
        url, quote = _cite(p.provenance, x)
        rows.append(
            {
                "fieldwork": p.fieldwork.edtf,
                "pollster": p.pollster or "",
                "sample_size": str(p.sample_size) if p.sample_size is not None else "",
                "share_for": str(p.share_for),
                "share_against": str(p.share_against),
                "share_undecided": str(p.share_undecided) if p.share_undecided else "",
                "lead": str(p.lead) if p.lead else "",
                "question": p.question or "",
                "condition": p.condition or "",
                "base": p.base.value,
                "base_inferred": "true" if p.base_inferred else "false",
                "source_url": url,
                "source_quote": quote,
            }
        )
    return sorted(rows, key=lambda r: (r["fieldwork"], *r.values()))


def position_rows(x: ProcessExport) -> list[dict[str, str]]:
    rows = []
    for p in x.positions:
        url, quote = _cite(p.provenance, x)
        rows.append(
            {
                "party": p.party,
                "position": p.position.value,
                "statement": p.quote,
                "source_url": url,
                "source_quote": quote,
            }
        )
    return sorted(rows, key=lambda r: tuple(r.values()))


def member_rows(x: ProcessExport) -> list[dict[str, str]]:
    """Who had to ratify, each with the source that says so (the organization's member list,
    or the members table the process was given)."""
    return [
        {"code": m.code, "name": m.name, "source_url": m.source_url, "source_quote": m.source_quote}
        for m in x.required
    ]


def tables(x: ProcessExport) -> dict[str, list[dict[str, str]]]:
    """The package's tables by resource name (optional ones only when they have rows)."""
    out = {"events": event_rows(x)}
    for name, rows in (
        ("polls", poll_rows(x)),
        ("positions", position_rows(x)),
        ("members", member_rows(x)),
    ):
        if rows:
            out[name] = rows
    return out


def to_csv(rows: Sequence[dict[str, str]], columns: Sequence[str], safe: bool = False) -> str:
    """Rows as CSV text (``\\n`` line ends); ``safe`` neutralises formula-like cells for a
    spreadsheet (a data package keeps its values exactly)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) if safe else v for k, v in row.items()})
    return out.getvalue()


def descriptor(
    x: ProcessExport, tables: dict[str, list[dict[str, str]]], inline: bool = False
) -> dict[str, Any]:
    """The package's ``datapackage.json`` for its ``tables``; ``inline`` puts each table's
    rows in the descriptor instead of naming its CSV file."""
    urls = sorted(
        {
            r["source_url"]
            for r in tables["events"]
            if r["source_url"].startswith(("http://", "https://"))
        }
    )
    out: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": x.process.slug,
        "title": x.title,
        "treatywatch": {
            "format": FORMAT,
            "process": x.process.slug,
            "organization": x.process.organization,
            "candidates": list(x.process.candidate_codes),
            "candidate_name": x.process.candidate_name,
        },
    }
    if x.licence:
        out["licenses"] = [{"name": x.licence}]
    if urls:
        out["sources"] = [{"title": urlsplit(u).netloc or u, "path": u} for u in urls]
    res = []
    for name, rows in tables.items():
        r: dict[str, Any] = {"name": name}
        if not inline:
            r |= {
                "path": RESOURCE_FILES[name],
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
            }
        else:
            r["data"] = rows
        r |= {"profile": "tabular-data-resource", "schema": SCHEMAS[name]}
        res.append(r)
    out["resources"] = res
    return out


def package_files(x: ProcessExport) -> dict[str, str]:
    """The package's files by name: ``datapackage.json`` and one CSV a table."""
    t = tables(x)
    files = {DESCRIPTOR: json.dumps(descriptor(x, t), indent=2, ensure_ascii=False) + "\n"}
    for name, rows in t.items():
        files[RESOURCE_FILES[name]] = to_csv(rows, COLUMNS[name])
    return files


def write_package(x: ProcessExport, out: Path) -> list[Path]:
    """A folder (or, for a ``.zip`` path, a zip) holding the package; returns what it wrote."""
    files = package_files(x)
    if out.suffix.lower() == ".zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name in sorted(files):
                info = zipfile.ZipInfo(f"{x.process.slug}/{name}", ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, files[name].encode("utf-8"))
        out.write_bytes(buf.getvalue())
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8", newline="")
        written.append(out / name)
    return written


def json_text(x: ProcessExport) -> str:
    """The package as one JSON document: the descriptor with each table's rows inline."""
    t = tables(x)
    return json.dumps(descriptor(x, t, inline=True), indent=2, ensure_ascii=False) + "\n"


def csv_text(x: ProcessExport) -> str:
    """The events table, for a spreadsheet: formula-like cells are neutralised."""
    return to_csv(event_rows(x), COLUMNS["events"], safe=True)


# -- MediaWiki --------------------------------------------------------------------------


def _wiki(text: str) -> str:
    """Text that MediaWiki shows as written: markup characters as entities."""
    for char, entity in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ("[", "&#91;"),
        ("]", "&#93;"),
        ("{", "&#123;"),
        ("}", "&#125;"),
        ("|", "&#124;"),
        ("'", "&#39;"),
        ("=", "&#61;"),
        ("~", "&#126;"),
        ("*", "&#42;"),
        ("#", "&#35;"),
        (":", "&#58;"),
        ("_", "&#95;"),
    ):
        text = text.replace(char, entity)
    return " ".join(text.split())


def _dts(d: PartialDate) -> str:
    parts = [str(d.year)]
    if d.month:
        parts.append(str(d.month))
    if d.day:
        parts.append(str(d.day))
    return "{{dts|" + "|".join(parts) + "}}"


def _ref(p: Provenance, x: ProcessExport) -> str:
    url, quote = _cite(p, x)
    said = f": &quot;{_wiki(quote)}&quot;" if quote else ""
    if re.match(r"https?://[^\s\[\]<>\"{}|]+$", url):
        host = _wiki(urlsplit(url).netloc)
        return f"<ref>[{url} {host}]{said}</ref>"
    return f"<ref>{_wiki(url)}{said}</ref>"


def wikitable(x: ProcessExport) -> str:
    """A sortable MediaWiki table of each required member's ratification (member, date,
    act), with a ``<ref>`` citing the source of each date; pending members have none, nor do
    members the sources give no ratification after the candidate joined."""
    s = x.status
    org = x.organization.code
    lines = [
        '{| class="wikitable sortable"',
        f"|+ Ratification of the accession of {_wiki(x.process.candidate_name)} to {_wiki(org)}",
        '! scope="col" | Member !! scope="col" data-sort-type="isoDate" | Date !! scope="col" | Act',
    ]
    for m in s.members:
        ratifying = [a for a in m.acts if a.kind in RATIFYING_ACTS and a.date == m.ratified_on]
        lines.append("|-")
        flag = "{{flag|" + _wiki(m.name) + "}}"
        if m.ratified_by is not None and m.bound is not None:
            lines.append(
                f"| {flag} || — || Ratified by {_dts(m.ratified_by)} ({bound_reason(m.bound)}); "
                f"date not in the sources{_ref(m.bound.provenance, x)}"
            )
            continue
        if m.ratified_on is None or not ratifying:
            said = m.label.capitalize() if m.state == MemberState.NOT_IN_SOURCES else "Pending"
            lines.append(f"| {flag} || — || {said}")
            continue
        a = ratifying[0]
        lines.append(
            f"| {flag} || {_dts(m.ratified_on)} || {ACT_LABELS[a.kind]}{_ref(a.provenance, x)}"
        )
    lines += ["|}", "", "== References ==", "{{reflist}}", ""]
    return "\n".join(lines)


# -- iCalendar --------------------------------------------------------------------------


def calendar(x: ProcessExport) -> str:
    """An iCalendar file: one all-day VEVENT a milestone and act, with a UID that stays the
    same from one export to the next (a hash of the fact), and the date's precision in the
    description (an event known to the month sits on the month's first day)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//treatywatch//treatywatch//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{x.process.candidate_name} → {x.process.organization}")
    seen: set[str] = set()
    for row in event_rows(x):
        d = parse_edtf_date(row["date"])
        uid = hashlib.sha256(
            "\x1f".join(
                [x.process.slug, row["member"], row["event"], row["date"], row["source_url"]]
            ).encode()
        ).hexdigest()[:32]
        if uid in seen:
            continue
        seen.add(uid)
        ev = Event()
        ev.add("uid", f"{uid}@treatywatch")
        ev.add("summary", _summary(row, x))
        ev.add("dtstart", d.lower())
        ev.add("dtend", d.lower() + timedelta(days=1))
        ev.add("dtstamp", datetime.combine(d.lower(), datetime.min.time()).replace(tzinfo=None))
        known = {
            Precision.DAY: "the day",
            Precision.MONTH: "the month only",
            Precision.YEAR: "the year only",
        }
        desc = f"Date known to {known[d.precision]}: {d.edtf}.\nSource: {row['source_url']}"
        if row["source_quote"]:
            desc += f'\n"{row["source_quote"]}"'
        ev.add("description", desc)
        if row["source_url"].startswith(("http://", "https://")):
            ev.add("url", row["source_url"])
        cal.add_component(ev)
    text: str = cal.to_ical().decode("utf-8")
    return text


def _summary(row: dict[str, str], x: ProcessExport) -> str:
    event = row["event"].split(";")[0].strip()
    who = x.process.candidate_name if row["member"] == "ALL" else row["member"]
    kind = event.removeprefix("milestone: ")
    own = dict(split_event(row["event"])[1]).get("label")
    label = x.organization.kind(kind)
    if own:  # the milestone's own words (an untyped event's, or a step named otherwise)
        what = own
    elif label is not None:
        what = label.label
    else:
        try:
            what = ACT_LABELS[ActKind(kind)]
        except ValueError:
            what = kind.replace("_", " ")
    return f"{who}: {what} ({x.process.candidate_name} → {x.process.organization})"

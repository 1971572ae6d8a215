"""Importer for accession articles in plain-text wiki form (the bundled example's format).

``parse(text, path, sha)`` reads the document once: it splits the text into blocks
(:mod:`treatywatch.sources.blocks`), reads the tables and lists here and the prose in
:mod:`treatywatch.sources.prose`, and returns what it read as one frozen
:class:`~treatywatch.domain.facts.DocumentFacts`: records with provenance, the problems it
met, the prose's facts and the layout facts the checks need. It never touches the store.
Tables are recognized by their content (header words, columns of dates and numbers), not
by their position.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from treatywatch.domain.dates import DateParseError, PartialDate, parse_text
from treatywatch.domain.facts import DocumentFacts
from treatywatch.domain.model import (
    UNTYPED,
    ActKind,
    Base,
    Document,
    Milestone,
    Organization,
    Poll,
    Problem,
    Process,
    Provenance,
    RatificationAct,
    Relation,
    Share,
)
from treatywatch.errors import InputError
from treatywatch.reference import (
    country_name,
    organizations,
    resolve_country,
    resolve_organization,
)
from treatywatch.sources.blocks import Blocks, BulletList, Row, Table, is_wikitext, split_blocks
from treatywatch.sources.positions import read_positions
from treatywatch.sources.prose import read_prose
from treatywatch.sources.reading import shown, text_sha

# A list counts as a list of countries when at least this share of its items are.
_COUNTRY_LIST_SHARE = 0.8
# A poll's sample size: national polls ask hundreds to tens of thousands of people; the
# largest online panels reach a few million. Beyond this a figure is a typo, not a sample
# (and it stays far inside PostgreSQL's INTEGER, 2,147,483,647).
MAX_SAMPLE = 10_000_000
_DIGITS = re.compile(r"[0-9]+")
_THOUSANDS = str.maketrans("", "", ", \u00a0\u202f")  # 1,034 / 1 034 / 1\u202f034


def sample_size(text: str) -> int:
    """A sample size as tables write it ("1,034", "1 034", "600"): ASCII digits only
    (``str.isdigit`` also takes "²" and "٣"), between 1 and ``MAX_SAMPLE``."""
    digits = text.translate(_THOUSANDS)
    if not _DIGITS.fullmatch(digits):
        raise ValueError(f"sample size {text!r} is not a whole number")
    digits = digits.lstrip("0") or "0"
    # Count the digits before converting: int() of a huge digit string is slow or refused.
    if len(digits) > len(str(MAX_SAMPLE)) or not 1 <= int(digits) <= MAX_SAMPLE:
        raise ValueError(f"sample size {text!r} is outside 1–{MAX_SAMPLE:,}")
    return int(digits)


def slugify(*parts: str) -> str:
    s = unicodedata.normalize("NFKD", " ".join(parts))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


# "Montenegro–NATO", "Sweden and NATO".
_TITLE_SEPARATOR = re.compile(r"\s*[–—-]\s*|\s+and\s+")
# The same, starting at the start of a run of spaces only: whether a separator starts in a
# run depends on what follows the run, and retrying each of its positions is quadratic.
_TITLE_SEPARATOR_AT_RUN = re.compile(r"(?<!\s)(?:\s*[–—-]\s*|\s+and\s+)")


def title_parts(title: str) -> list[str]:
    """``re.split(_TITLE_SEPARATOR, title)``, in linear time."""
    parts, start = [], 0
    while m := _TITLE_SEPARATOR.match(title, start) or _TITLE_SEPARATOR_AT_RUN.search(
        title, start + 1
    ):
        parts.append(title[start : m.start()])
        start = m.end()
    parts.append(title[start:])
    return parts


_ACCESSION_OF = re.compile(r"accession of ")
_ACCESSION_TO = re.compile(r" to ")
_STOP = re.compile(r"[,.]")


def _accession_of(title: str) -> tuple[str, str] | None:
    """The candidate and the organization in "… accession of X to (the) Y, …": what
    r"accession of (.+?) to (?:the )?(.+?)[,.]" finds, without its quadratic retries.

    The first "accession of" and the first " to " after it are the match if any is: a later
    one has fewer commas and full stops after it."""
    m = _ACCESSION_OF.search(title)
    to = _ACCESSION_TO.search(title, m.end() + 1) if m else None
    if m is None or to is None:
        return None
    after = to.end()
    if title.startswith("the ", after) and (stop := _STOP.search(title, after + 5)):
        return title[m.end() : to.start()], title[after + 4 : stop.start()]
    if stop := _STOP.search(title, after + 1):
        return title[m.end() : to.start()], title[after : stop.start()]
    return None


def _read_title(title: str) -> tuple[str | None, Organization | None]:
    """The candidate's code and the organization a title names ("Montenegro–NATO
    relations", "Accession of Sweden to NATO", "The accession of X to the Y, …")."""
    parts = [p.strip() for p in title_parts(title.replace(" relations", ""))]
    org = next((o for p in parts if (o := resolve_organization(p))), None)
    code = next((c for p in parts if (c := resolve_country(p))), None)
    if org is None and (names := _accession_of(title)):
        code, org = resolve_country(names[0]), resolve_organization(names[1])
    if org is None and (names := _accession_of(title.lower() + ".")):
        code, org = resolve_country(names[0]), resolve_organization(names[1])
    return code, org


def _find_process(
    blocks: Blocks, path: str, titles: list[str] | None = None
) -> tuple[Process, Organization]:
    """The process an article follows, from its title (or, for wikitext, which has no title
    line, from the title given, the file's name, then the lead's first sentence)."""
    tried = [blocks.title] if blocks.title else list(titles or [])
    if not tried:
        raise InputError(f"{path}:1: no title line ('= Title =') found; not an accession article")
    for title in tried:
        code, org = _read_title(title)
        if org is not None and code is not None:
            if blocks.title is None and len(title) <= _MAX_TITLE:
                blocks.title = title
            name = country_name(code)
            return Process(slugify(name, org.code), code, name, org.code), org
    known = ", ".join(sorted(organizations()))
    shown_titles = " or ".join(repr(t[:80]) for t in tried[:2])
    raise InputError(
        f"{path}:{blocks.title_line}: cannot tell the candidate and the organization from "
        f"the title {shown_titles} (expected e.g. 'Montenegro–NATO relations'; "
        f"organizations: {known})"
    )


# A title read from a file's name or a lead sentence: longer ones are a sentence, not a title.
_MAX_TITLE = 120


# Header words that name poll-table columns, tried in this order.
_POLL_COLUMNS: list[tuple[str, re.Pattern[str]]] = [
    ("pollster", re.compile(r"\b(firm|pollster|polling|source|conducted by|organi[sz]ation)\b")),
    ("sample", re.compile(r"\b(sample|size|n)\b")),
    ("lead", re.compile(r"\b(lead|margin)\b")),
    ("undecided", re.compile(r"\b(undecided|don'?t know|unsure|neither|dk|other|no opinion)\b")),
    ("against", re.compile(r"\b(against|no|oppose[sd]?|opposition|contra|remain out)\b")),
    ("for", re.compile(r"\b(for|yes|support|in favou?r|pro|join)\b")),
    ("date", re.compile(r"\b(date|dates|fieldwork|conducted|period)\b")),
]
_CONDITION = re.compile(r"\bif\s+([^()|]+)", re.I)


def _poll_columns(header: Row) -> dict[str, int] | None:
    cols: dict[str, int] = {}
    for i, cell in enumerate(header.cells):
        low = cell.lower()
        for name, pattern in _POLL_COLUMNS:
            if name not in cols and pattern.search(low):
                cols[name] = i
                break
    if {"for", "against", "date"} <= cols.keys():
        return cols
    return None


def _question(header: str) -> str | None:
    """What a poll table asks, as its "for" column names it: "For NATO membership" → "NATO
    membership"; None when the header is only "For" or "Yes"."""
    rest = re.sub(
        r"^\s*(for|yes|support(?:s|ing)?|in favou?r(?: of)?|pro)\b[\s:-]*", "", header, flags=re.I
    )
    rest = _CONDITION.sub("", rest).strip(" ()")
    return rest or None


# A poll's question and condition come from its table's header or section and are kept
# with every row: a longer one is cut (a header cell is not a paragraph).
_MAX_LABEL = 200


def _label(text: str) -> str:
    return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 1] + "…"


def _date_column(table: Table) -> int | None:
    """The header's column in which most non-empty cells read as dates (the first, on a tie)."""
    counts: dict[int, int] = {}
    width = len(table.header.cells)  # a row wider than its header is left out, not read
    for r in table.rows:
        for i, cell in enumerate(r.cells[:width]):
            if cell:
                try:
                    parse_text(cell)
                except DateParseError:
                    continue
                counts[i] = counts.get(i, 0) + 1
    best, best_count = None, 0
    for i in sorted(counts):
        if counts[i] > best_count:
            best, best_count = i, counts[i]
    return best if best_count >= max(2, len(table.rows) // 2) else None


class _Reader:
    """Reads the tables and lists into records, kept in the order they were read."""

    def __init__(self, process: Process, org: Organization, sha: str) -> None:
        self.process, self.org, self.sha = process, org, sha
        self.milestones: list[Milestone] = []
        self.acts: list[RatificationAct] = []
        self.polls: list[Poll] = []
        self.relations: list[Relation] = []
        self.problems: list[Problem] = []

    def prov(self, row: Row, inferred: bool = False, reason: str | None = None) -> Provenance:
        """Where a row's fact is: its lines, and the first source it cites (wikitext)."""
        cite = row.cites[0] if row.cites else None
        return Provenance(
            self.sha,
            row.line,
            row.last_line,
            inferred,
            reason,
            (cite.url or None) if cite else None,
            (cite.words or None) if cite else None,
        )

    def problem(self, kind: str, line: int, message: str) -> None:
        self.problems.append(Problem(kind, line, message))

    def check_width(self, table: Table, row: Row) -> bool:
        if len(row.cells) == len(table.header.cells):
            return True
        self.problem(
            "row-cells",
            row.line,
            f"table row has {len(row.cells)} cells, its header has {len(table.header.cells)}; "
            "row left out",
        )
        return False

    # -- polls --------------------------------------------------------------
    def read_polls(self, table: Table, cols: dict[str, int]) -> None:
        condition = None
        for text in (table.section, *table.header.cells):  # the section's title or a header
            if m := _CONDITION.search(text):
                condition = _label(m.group(1).strip())
                break
        question = table.caption or _question(table.header.cells[cols["for"]])
        question = _label(question) if question else None
        for row in table.rows:
            if not self.check_width(table, row):
                continue
            poll = self.read_poll(row, cols, condition, question)
            if poll is not None:
                self.polls.append(poll)

    def read_poll(
        self, row: Row, cols: dict[str, int], condition: str | None, question: str | None = None
    ) -> Poll | None:
        cell = row.cells
        try:
            fieldwork = parse_text(cell[cols["date"]])
        except DateParseError as e:
            self.problem(
                "bad-date", row.line, f"poll date {cell[cols['date']]!r}: {e}; row left out"
            )
            return None
        shares: dict[str, Share | None] = {}
        for name in ("for", "against", "undecided", "lead"):
            text = cell[cols[name]] if name in cols else ""
            if not text and name in ("undecided", "lead"):
                shares[name] = None
                continue
            try:
                shares[name] = Share.parse(text)
            except ValueError as e:
                self.problem("bad-number", row.line, f"{name} share {e}; row left out")
                return None
        sample: int | None = None
        if "sample" in cols and cell[cols["sample"]]:
            try:
                sample = sample_size(cell[cols["sample"]])
            except ValueError as e:
                self.problem("bad-number", row.line, f"{e}; row left out")
                return None
        s_for, s_against = shares["for"], shares["against"]
        assert s_for is not None and s_against is not None
        und = shares["undecided"]
        total = s_for.value + s_against.value + (und.value if und else 0)
        slack = s_for.rounding + s_against.rounding + (und.rounding if und else 0)
        if und is not None:
            base = Base.ALL
        elif abs(total - 100) <= slack + 1e-9:
            base = Base.DECIDED
        else:
            base = Base.ALL  # the rest (100 - total) did not answer for or against
        pollster = cell[cols["pollster"]] if "pollster" in cols else ""
        return Poll(
            fieldwork=fieldwork,
            pollster=pollster or None,
            share_for=s_for,
            share_against=s_against,
            share_undecided=und,
            lead=shares["lead"],
            sample_size=sample,
            condition=condition,
            question=question,
            base=base,
            base_inferred=True,
            provenance=self.prov(row),
        )

    # -- milestones and ratifications ---------------------------------------
    def read_milestones(self, table: Table, date_col: int) -> None:
        if len(table.header.cells) < 2:
            self.problem(
                "unknown-table",
                table.line,
                "table of dates has one column; expected a label and a date; not imported",
            )
            return
        label_col = 0 if date_col != 0 else 1
        in_ratification = False
        blank: list[tuple[Row, PartialDate]] = []
        named = 0
        for row in table.rows:
            if not self.check_width(table, row):
                continue
            label, date_text = row.cells[label_col], row.cells[date_col]
            kind = self.org.kind_for_label(label) if label else None
            if kind is not None and kind.kind == "ratification_by_members":
                in_ratification = True
                if not date_text:
                    continue
            if kind is not None and kind.kind != "ratification_by_members":
                in_ratification = False
            try:
                d = parse_text(date_text)
            except DateParseError as e:
                self.problem("bad-date", row.line, f"date {date_text!r}: {e}; row left out")
                continue
            if d.is_interval:
                self.problem("bad-date", row.line, f"{date_text!r} is a period, expected one date")
                continue
            if in_ratification and kind is None:
                if not label:
                    blank.append((row, d.start))
                    continue
                code = resolve_country(label)
                if code is None:
                    self.problem(
                        "unknown-country", row.line, f"{label!r} is not a country; left out"
                    )
                    continue
                named += 1
                self.acts.append(
                    RatificationAct(
                        code, country_name(code), ActKind.RATIFIED, d.start, self.prov(row)
                    )
                )
                continue
            if kind is None:
                self.problem(
                    "unknown-milestone",
                    row.line,
                    f"{label!r} is not a milestone of {self.org.code}'s procedure; kept untyped",
                )
                self.milestones.append(Milestone(UNTYPED, label, d.start, self.prov(row), label))
                continue
            self.milestones.append(Milestone(kind.kind, kind.label, d.start, self.prov(row), label))
        if blank:
            self.attribute_blank_rows(blank, named)

    def attribute_blank_rows(self, blank: list[tuple[Row, PartialDate]], named: int) -> None:
        signed = [m for m in self.milestones if m.kind in ("protocol_signed", "treaty_signed")]
        members = []
        if signed:
            candidate = self.process.candidate_code
            members = [
                m for m in self.org.members_on(signed[0].date.upper()) if m.code != candidate
            ]
        if signed and named == 0 and len(blank) == len(members):
            reason = (
                f"the table's {len(blank)} ratification rows have no country names; they were "
                f"attributed in alphabetical order of the {len(members)} members on the protocol's "
                f"signature date ({signed[0].date}), the order such tables are sorted in"
            )
            for (row, d), member in zip(blank, members, strict=True):
                self.acts.append(
                    RatificationAct(
                        member.code,
                        member.name,
                        ActKind.RATIFIED,
                        d,
                        self.prov(row, inferred=True, reason=reason),
                    )
                )
            return
        why = (
            "no protocol signature date in the table"
            if not signed
            else f"{len(blank)} unnamed rows for {len(members)} members on the signature date"
            + (f" and {named} named rows" if named else "")
        )
        self.problem(
            "unattributed",
            blank[0][0].line,
            f"{len(blank)} ratification rows have no country name and cannot be "
            f"attributed ({why}); kept unattributed",
        )
        for row, d in blank:
            self.acts.append(RatificationAct(None, None, ActKind.RATIFIED, d, self.prov(row)))

    # -- lists --------------------------------------------------------------
    def read_relations(self, bullets: BulletList) -> None:
        if "see also" in bullets.section.lower():
            return
        codes = [resolve_country(i.text) for i in bullets.items]
        if len(codes) < 3 or sum(c is not None for c in codes) < _COUNTRY_LIST_SHARE * len(codes):
            return
        for item, code in zip(bullets.items, codes, strict=True):
            if code is None:
                self.problem("unknown-country", item.line, f"{item.text!r} is not a country")
            self.relations.append(
                Relation(code, item.text, Provenance(self.sha, item.line, item.line))
            )


def parse(
    text: str,
    path: str | Path,
    sha: str | None = None,
    source_key: str | None = None,
    title: str | None = None,
) -> DocumentFacts:
    """Read an accession article once, in the plain-text layout or as wikitext (told by its
    content); raise InputError when it is not one.

    ``sha`` is the SHA-256 of ``text`` as its reader computed it (computed here when not given);
    ``title`` is the article's title where the text has none (a wiki page's).
    """
    path = shown(path)  # stored and printed: one line of UTF-8
    problems: list[Problem] = []
    titles: list[str] = []
    if is_wikitext(text):
        from treatywatch.sources.wikitext import split_wikitext

        wiki = split_wikitext(text, path, title)
        blocks, titles = wiki.blocks, wiki.titles
        problems = [
            Problem("unknown-ref", line, f"reference {name!r} is reused but never defined")
            for line, name in wiki.unknown_refs
        ]
    else:
        blocks = split_blocks(text)
    process, org = _find_process(blocks, path, titles)
    sha = text_sha(text) if sha is None else sha
    title = blocks.title or Path(path).name
    reader = _Reader(process, org, sha)
    for table in blocks.tables:
        if (cols := _poll_columns(table.header)) is not None:
            reader.read_polls(table, cols)
        elif (date_col := _date_column(table)) is not None:
            reader.read_milestones(table, date_col)
        else:
            reader.problem("unknown-table", table.line, "table not recognized; not imported")
    for bullets in blocks.lists:
        reader.read_relations(bullets)
    return DocumentFacts(
        document=Document(sha, source_key or title, path, title, text),
        process=process,
        milestones=tuple(reader.milestones),
        acts=tuple(reader.acts),
        polls=tuple(reader.polls),
        relations=tuple(reader.relations),
        positions=tuple(read_positions(blocks.paragraphs, sha)),
        problems=tuple(problems + reader.problems),
        prose=read_prose(blocks.paragraphs, process, org, sha),
        table_spans=blocks.table_spans,
        stated_date=blocks.stated_date,
    )

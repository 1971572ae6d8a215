"""Split an article in the example's plain-text format into its blocks, once.

The format: a ``= Title =`` line, ``== Section ==`` headings, paragraphs,
``- item`` bulleted lists and ``| a | b |`` pipe tables. Line numbers are 1-based.
The table reader and the prose reader both read the blocks; nothing reads the text again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from treatywatch.domain.dates import DateParseError, parse_text

# Presentational wiki markup in cells (e.g. "<big>Event</big>"); any other text, tags
# included, is kept as the source wrote it and escaped wherever it is shown.
_TAG = re.compile(r"</?(?:big|small|b|i|u|s|sup|sub|span|center|br|nowiki)\b[^<>]{0,200}>", re.I)


# Signs of wikitext that the plain-text layout never has: a table, a template, a link,
# a reference, bold or italic quotes, a heading written without spaces.
_SIGNS = (
    re.compile(r"^\{\|", re.M),
    re.compile(r"\{\{[^{}\n]{1,200}\}\}"),
    re.compile(r"\[\[[^\[\]\n]{1,200}\]\]"),
    re.compile(r"<ref[\s>/]", re.I),
    re.compile(r"'''[^'\n]{1,200}'''"),
)
_PLAIN_TABLE_ROW = re.compile(r"^\|[^|\n]*\|.*\|\s*$", re.M)


def is_wikitext(text: str) -> bool:
    """Whether a document is MediaWiki markup, told by its content: a ``{|`` table, or at
    least two other signs (templates, links, refs, bold), and not the plain-text layout's
    ``| a | b |`` tables."""
    head = text[:200_000]
    if _SIGNS[0].search(head):
        return True
    signs = sum(1 for s in _SIGNS[1:] if s.search(head))
    return signs >= 2 and not (signs < 3 and _PLAIN_TABLE_ROW.search(head))


@dataclass(frozen=True)
class Cite:
    """A source a document cites for a fact (a wikitext ``<ref>``): what its citation names."""

    url: str = ""
    title: str = ""
    publisher: str = ""
    date: str = ""
    quote: str = ""

    @property
    def words(self) -> str:
        """What is kept as the fact's quote: the citation's ``quote=`` when it has one,
        else its title, publisher and date as the citation gives them."""
        if self.quote:
            return self.quote
        title = f"“{self.title}”" if self.title else ""
        return ", ".join(p for p in (title, self.publisher, self.date) if p)


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[str, ...]
    # A wikitext row spans lines (``|-`` then a line a cell) and cites its sources.
    end_line: int = 0
    cites: tuple[Cite, ...] = ()

    @property
    def last_line(self) -> int:
        return max(self.end_line, self.line)


@dataclass
class Table:
    section: str
    header: Row
    rows: list[Row] = field(default_factory=list)
    caption: str = ""  # a wikitable's ``|+`` caption

    @property
    def line(self) -> int:
        return self.header.line


@dataclass(frozen=True)
class Item:
    line: int
    text: str


@dataclass
class BulletList:
    section: str
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class Paragraph:
    section: str
    line: int
    text: str


@dataclass
class Blocks:
    """A document's blocks in line order, and the date it states for itself."""

    title: str | None
    title_line: int
    tables: list[Table] = field(default_factory=list)
    lists: list[BulletList] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    stated_date: date | None = None  # "Last updated: 3 March 2018"

    @property
    def table_spans(self) -> tuple[tuple[int, int], ...]:
        """Each table's first and last line, in line order (tables are disjoint)."""
        return tuple(
            (t.line, t.rows[-1].last_line if t.rows else t.header.last_line) for t in self.tables
        )


def split_cells(line: str) -> tuple[str, ...]:
    """Cells of a pipe-table row, without markup tags, stripped."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return tuple(" ".join(_TAG.sub("", c).split()) for c in s.split("|"))


def _title(line: str) -> str | None:
    r"""The title of a ``= Title =`` line (stripped): what ``^=\s*([^=].*?)\s*=$`` reads,
    without its quadratic retries over a run of spaces."""
    if len(line) < 3 or line[0] != "=" or line[-1] != "=":
        return None
    inner = line[1:-1]
    rest = inner.lstrip()
    if rest and rest[0] != "=":
        return rest.rstrip()
    lead = len(inner) - len(rest)
    if lead == 0:
        return None  # "==…": a heading, not a title
    # Only spaces, or "=" after them: the last space is the title's first character.
    return (inner[lead - 1] + rest).rstrip() or inner[lead - 1]


def _heading(line: str) -> str | None:
    r"""The title of a ``== Section ==`` line (2 to 6 "="): what ``^(={2,6})\s*(.*?)\s*\1$``
    reads, without its quadratic retries over a run of spaces."""
    run = len(line) - len(line.lstrip("="))
    for n in range(min(run, 6), 1, -1):
        if len(line) >= 2 * n and line.endswith("=" * n):
            return line[n : len(line) - n].strip()
    return None


def split_blocks(text: str) -> Blocks:
    """The document's blocks and its stated date: the one reading of its text."""
    lines = text.split("\n")
    blocks = Blocks(title=None, title_line=0, stated_date=stated_date(text))
    section = ""
    table: Table | None = None
    bullets: BulletList | None = None
    for n, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line.startswith("|"):
            table = None
        if not (line.startswith("- ") or line.startswith("* ")):
            bullets = None
        if not line:
            continue
        if blocks.title is None and (title := _title(line)) is not None:
            blocks.title, blocks.title_line = title, n
            continue
        if (heading := _heading(line)) is not None:
            section = heading
            continue
        if line.startswith("|"):
            row = Row(n, split_cells(line))
            if table is None:
                table = Table(section, row)
                blocks.tables.append(table)
            else:
                table.rows.append(row)
            continue
        if line.startswith("- ") or line.startswith("* "):
            if bullets is None:
                bullets = BulletList(section)
                blocks.lists.append(bullets)
            bullets.items.append(Item(n, line[2:].strip()))
            continue
        blocks.paragraphs.append(Paragraph(section, n, line))
    return blocks


# A document may state its own date ("Last updated: 3 March 2018"); dates after it are suspect.
# The stamp's words start a line; its value runs to the end of its line (or of the next
# non-blank line, after "Last updated:" alone), without a final full stop.
_STAMP = re.compile(
    r"^[^\S\n]*(?:last (?:edited|updated|modified)(?: on)?|retrieved(?: on)?|accessed(?: on)?"
    r"|as of)",
    re.I | re.M,
)
_STAMP_GAP = re.compile(r"\s*[:,]?\s*")


def document_stamps(text: str) -> Iterator[str]:
    r"""The values of the document's date stamps, in order.

    They are what ``^\s*(?:last updated|…)\s*[:,]?\s*(.+?)\s*\.?\s*$`` (multiline) reads,
    found in linear time: that pattern backtracks quadratically over runs of blank lines and
    cubically over runs of spaces in a line.
    """
    pos = 0
    while m := _STAMP.search(text, pos):
        gap = _STAMP_GAP.match(text, m.end())
        start = gap.end() if gap else m.end()
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        value = text[start:end].rstrip()
        if value.endswith("."):
            value = value[:-1].rstrip() or value
        if value:
            yield value
        pos = max(end, m.end())


def stated_date(text: str) -> date | None:
    """The date a document states for itself: its first stamp that reads as a date."""
    for value in document_stamps(text):
        try:
            return parse_text(value).upper()
        except DateParseError:
            continue
    return None

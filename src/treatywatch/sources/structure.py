"""Split an article in the example's plain-text format into its blocks.

The format: a ``= Title =`` line, ``== Section ==`` headings, paragraphs,
``- item`` bulleted lists and ``| a | b |`` pipe tables. Line numbers are 1-based.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Presentational wiki markup in cells (e.g. "<big>Event</big>"); any other text, tags
# included, is kept as the source wrote it and escaped wherever it is shown.
_TAG = re.compile(r"</?(?:big|small|b|i|u|s|sup|sub|span|center|br|nowiki)\b[^<>]{0,200}>", re.I)


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[str, ...]


@dataclass
class Table:
    section: str
    header: Row
    rows: list[Row] = field(default_factory=list)

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
class Article:
    title: str | None
    title_line: int
    tables: list[Table] = field(default_factory=list)
    lists: list[BulletList] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)


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


def parse_structure(text: str) -> Article:
    lines = text.split("\n")
    article = Article(title=None, title_line=0)
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
        if article.title is None and (title := _title(line)) is not None:
            article.title, article.title_line = title, n
            continue
        if (heading := _heading(line)) is not None:
            section = heading
            continue
        if line.startswith("|"):
            row = Row(n, split_cells(line))
            if table is None:
                table = Table(section, row)
                article.tables.append(table)
            else:
                table.rows.append(row)
            continue
        if line.startswith("- ") or line.startswith("* "):
            if bullets is None:
                bullets = BulletList(section)
                article.lists.append(bullets)
            bullets.items.append(Item(n, line[2:].strip()))
            continue
        article.paragraphs.append(Paragraph(section, n, line))
    return article

"""Split an article in the example's plain-text format into its blocks.

The format: a ``= Title =`` line, ``== Section ==`` headings, paragraphs,
``- item`` bulleted lists and ``| a | b |`` pipe tables. Line numbers are 1-based.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TITLE = re.compile(r"^=\s*([^=].*?)\s*=$")
_HEADING = re.compile(r"^(={2,6})\s*(.*?)\s*\1$")
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
        if article.title is None and (m := _TITLE.match(line)):
            article.title, article.title_line = m.group(1), n
            continue
        if m := _HEADING.match(line):
            section = m.group(2)
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

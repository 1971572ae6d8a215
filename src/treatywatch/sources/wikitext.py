"""Read an article as its editors write it: MediaWiki markup (wikitext).

:func:`split_wikitext` parses the text once with ``mwparserfromhell`` and returns the same
:class:`~treatywatch.sources.blocks.Blocks` the plain-text reader returns, so one reader
(:mod:`treatywatch.sources.article`) turns both into records. Every line number is a line of
the wikitext the user gave: a table row keeps the span of its lines, a paragraph its line.

What the markup says is read, not guessed: flag templates name a table row's member
(``{{flag|Spain}}``, ``{{flagcountry|ESP}}``, ``{{flagicon|ESP}} [[Spain]]``), date templates
give partial dates with their precision (``{{dts|2017|5}}`` is May 2017), and each ``<ref>``
(named, reused with ``<ref name=x/>`` or ``{{r|x}}``, or defined in ``<references>``) gives
the row its source: the URL, title, publisher and date of its ``{{cite …}}``. Comments are
dropped, ``<nowiki>`` is kept as text, ``rowspan``/``colspan`` cells are repeated where a
reader sees them. Templates that carry no text a reader would see in a table or a sentence
(infoboxes, navigation boxes, maintenance tags, footnotes) are left out.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

import mwparserfromhell
from mwparserfromhell.nodes import (
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Node,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

from treatywatch.reference import country_name, resolve_country, resolve_flag
from treatywatch.sources.blocks import (
    Blocks,
    BulletList,
    Cite,
    Item,
    Paragraph,
    Row,
    Table,
    stated_date,
)

# -- templates -------------------------------------------------------------------------

_FLAG_NAMES = {"flag", "flagcountry", "flagu", "flag country", "flagcountry2", "flagg"}
_FLAG_ICONS = {"flagicon", "flagdeco", "flagicon image", "flag icon"}
_DATE_TEMPLATES = {
    "dts",
    "dtsort",
    "date table sorting",
    "start date",
    "end date",
    "start date and age",
    "end date and age",
    "birth date",
    "date",
    "dated",
}
_SHOW_FIRST = {
    "nowrap",
    "nobr",
    "small",
    "big",
    "nobold",
    "center",
    "abbr",
    "tooltip",
    "ill",
    "interlanguage link",
    "sup",
    "sub",
    "nts",
    "ntsh",
    "lang",
    "transl",
    "bold",
    "em",
}
_YES_NO = {"yes": "Yes", "no": "No", "partial": "Partial", "n/a": "N/A", "na": "N/A"}
_REUSE_REF = {"r", "rp"}
_CITE = re.compile(r"^(cite\b|citation$|vcite)", re.I)
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_HIDDEN_LINKS = re.compile(r"^\s*:?\s*(file|image|category|media)\s*:", re.I)
_LANGUAGE_LINK = re.compile(r"^\s*[a-z]{2,3}(-[a-z]+)?\s*:", re.I)


def _name(t: Template) -> str:
    return " ".join(str(t.name).replace("_", " ").split()).lower()


def _positional(t: Template) -> list[str]:
    return [_plain(p.value) for p in t.params if not p.showkey]


def _named(t: Template, *keys: str) -> str:
    for key in keys:
        if t.has(key):
            return _plain(t.get(key).value)
    return ""


def _template_date(values: list[str]) -> str:
    """``{{dts|2017|05|18}}`` → "2017-05-18", ``{{dts|2017|May}}`` → "2017-05",
    ``{{dts|18 May 2017}}`` → "18 May 2017" (the date text then reads as it is written)."""
    parts = [v for v in values if v][:3]
    if not parts:
        return ""
    if len(parts) == 1 or not parts[0].lstrip("-").isdigit():
        return parts[0]
    out = [parts[0]]
    for v in parts[1:]:
        low = v.lower().rstrip(".")
        if low in _MONTHS:
            out.append(f"{_MONTHS[low]:02d}")
        elif v.isdigit() and len(v) <= 2:
            out.append(f"{int(v):02d}")
        else:
            break
    return "-".join(out)


def _flag_name(code_or_name: str) -> str:
    code = resolve_flag(code_or_name)
    if code is None:
        return code_or_name
    # An alpha-3 or alpha-2 code stands for the country's name; a name is kept as written.
    return country_name(code) if len(code_or_name) <= 3 else code_or_name


# -- citations ---------------------------------------------------------------------------


def _cite(code: Wikicode) -> Cite | None:
    """A reference's source: its first citation template, else its first external link."""
    for t in code.filter_templates(recursive=True):
        if _CITE.match(_name(t)):
            return Cite(
                url=_named(t, "url", "chapter-url", "archive-url"),
                title=_named(t, "title", "trans-title", "chapter"),
                publisher=_named(t, "publisher", "work", "website", "newspaper", "agency", "via"),
                date=_named(t, "date", "access-date", "accessdate"),
                quote=_named(t, "quote"),
            )
    for link in code.filter_external_links(recursive=True):
        title = _plain(link.title) if link.title is not None else ""
        return Cite(url=str(link.url).strip(), title=title)
    text = _plain(code)
    return Cite(title=text) if text else None


def _ref_definitions(code: Wikicode) -> dict[str, Cite]:
    """Every named reference's source, wherever it is defined (in the text or in a
    ``<references>`` list): a later ``<ref name=x/>`` or ``{{r|x}}`` cites the same."""
    named: dict[str, Cite] = {}
    for tag in code.filter_tags(recursive=True, matches=lambda n: n.tag.lower() == "ref"):
        if not tag.has("name") or tag.self_closing or tag.contents is None:
            continue
        name = _plain(tag.get("name").value)
        cite = _cite(tag.contents)
        if cite is not None and name not in named:
            named[name] = cite
    return named


# -- rendering: markup → the text a reader sees --------------------------------------------


@dataclass
class _Render:
    """Renders wikicode to text, collecting the citations and flags met on the way."""

    refs: dict[str, Cite]
    cites: list[Cite] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    unknown_refs: list[str] = field(default_factory=list)

    def code(self, code: Wikicode | None) -> str:
        return "" if code is None else "".join(self.node(n) for n in code.nodes)

    def node(self, n: Node) -> str:
        if isinstance(n, Text):
            return n.value
        if isinstance(n, Template):
            return self.template(n)
        if isinstance(n, Wikilink):
            title = str(n.title)
            if _HIDDEN_LINKS.match(title) or (_LANGUAGE_LINK.match(title) and n.text is None):
                return ""
            target = title.split("#")[0].strip()
            self.links.append(target)
            return self.code(n.text) if n.text is not None else target
        if isinstance(n, ExternalLink):
            if not n.brackets:
                return str(n.url)
            return self.code(n.title) if n.title is not None else ""
        if isinstance(n, HTMLEntity):
            return n.normalize()
        if isinstance(n, Comment):
            return ""
        if isinstance(n, Heading):
            return self.code(n.title)
        if isinstance(n, Tag):
            return self.tag(n)
        return ""

    def tag(self, t: Tag) -> str:
        name = str(t.tag).lower()
        if name == "ref":
            self.ref(t)
            return ""
        if name == "nowiki":
            return str(t.contents) if t.contents is not None else ""
        if name in ("br", "hr"):
            return " "
        if name in (
            "references",
            "table",
            "gallery",
            "math",
            "score",
            "timeline",
            "syntaxhighlight",
        ):
            return ""
        return self.code(t.contents)

    def ref(self, t: Tag) -> None:
        name = _plain(t.get("name").value) if t.has("name") else None
        cite = _cite(t.contents) if t.contents is not None and not t.self_closing else None
        if cite is None and name is not None:
            cite = self.refs.get(name)
            if cite is None:
                self.unknown_refs.append(name)
        if cite is not None:
            self.cites.append(cite)

    def template(self, t: Template) -> str:
        name = _name(t)
        args = [self.code(p.value).strip() for p in t.params if not p.showkey]
        if name in _FLAG_NAMES and args:
            shown = _named(t, "name")
            self.flags.append(args[0])
            return shown or _flag_name(args[0])
        if name in _FLAG_ICONS and args:
            self.flags.append(args[0])
            return ""
        if name in _DATE_TEMPLATES:
            return _template_date(args)
        if name == "sort" or name == "sortname":
            return args[1] if len(args) > 1 and name == "sort" else " ".join(args[:2])
        if name in _SHOW_FIRST:
            # {{lang|sr|text}}: the text is the second argument
            if name in ("lang", "transl") and len(args) > 1:
                return args[-1]
            return args[0] if args else ""
        if name in _YES_NO:
            return args[0] if args else _YES_NO[name]
        if name in _REUSE_REF:
            for ref in args[:1] if name == "rp" else args:
                if ref in self.refs:
                    self.cites.append(self.refs[ref])
                elif name == "r":
                    self.unknown_refs.append(ref)
            return ""
        return ""  # infoboxes, navboxes, footnotes, maintenance tags: nothing a reader reads


def _plain(code: Wikicode | None) -> str:
    """Markup's text, without collecting anything (template parameters, attributes)."""
    return " ".join(_Render({}).code(code).split())


# -- positions ---------------------------------------------------------------------------


class _Lines:
    """Line numbers (1-based) of offsets into the text, and where each piece of markup is:
    pieces are found in document order, from a cursor that only moves forward."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.cursor = 0

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def span(self, piece: str) -> tuple[int, int]:
        """The first and last line of the next occurrence of ``piece`` (without its
        trailing newlines: a cell's markup owns the line break that ends it)."""
        at = self.text.find(piece, self.cursor)
        if at < 0:  # cannot happen: every piece is a slice of the text, in order
            at = self.cursor
        body = piece.rstrip("\n")
        self.cursor = at + len(piece)
        return self.line(at), self.line(at + max(len(body) - 1, 0))


# -- tables ------------------------------------------------------------------------------


@dataclass
class _Cell:
    text: str
    rows: int
    cols: int
    header: bool


def _span_attr(tag: Tag, name: str) -> int:
    if not tag.has(name):
        return 1
    digits = re.match(r"\s*[\"']?\s*(\d{1,4})", str(tag.get(name).value))
    return max(1, min(int(digits.group(1)), 1000)) if digits else 1


class _TableReader:
    def __init__(self, lines: _Lines, render: _Render, section: str) -> None:
        self.lines, self.render, self.section = lines, render, section
        self.unknown: list[tuple[int, str]] = []  # reused references never defined, by line

    def read(self, table: Tag) -> Table | None:
        caption = ""
        rows: list[tuple[int, int, list[_Cell], list[Cite]]] = []
        pending: list[Tag] = []  # cells before the first |- : the table's first row

        def flush(cells: list[Tag], row_markup: str | None) -> None:
            row_at = self.lines.text.find(row_markup, self.lines.cursor) if row_markup else -1
            if row_at >= 0:
                self.lines.cursor = row_at  # the cells are inside the row: find them from its start
            start = end = 0  # a row's lines: from its first cell's to its last cell's
            out: list[_Cell] = []
            self.render.cites, self.render.flags = [], []
            for cell in cells:
                c_start, c_end = self.lines.span(str(cell))
                start = start or c_start
                end = max(end, c_end)
                out.append(self.cell(cell))
            if row_markup is not None and row_at >= 0:
                self.lines.cursor = row_at + len(row_markup)  # past the row's end
            if out:
                rows.append((start, end, out, list(self.render.cites)))
                self.unknown += [(start, r) for r in self.render.unknown_refs]
            self.render.unknown_refs = []

        if table.contents is None:
            return None
        for node in table.contents.nodes:
            if not isinstance(node, Tag):
                continue
            tag = str(node.tag).lower()
            if tag in ("td", "th"):
                contents = str(node.contents or "")
                if tag == "td" and str(node.wiki_markup) == "|" and contents.startswith("+"):
                    caption = _plain(mwparserfromhell.parse(contents[1:]))
                    self.lines.span(str(node))
                    continue
                pending.append(node)
            elif tag == "tr":
                flush(pending, None)
                pending = []
                cells = [
                    c
                    for c in (node.contents.nodes if node.contents is not None else [])
                    if isinstance(c, Tag) and str(c.tag).lower() in ("td", "th")
                ]
                flush(cells, str(node))
        flush(pending, None)
        if not rows:
            return None
        grid = _grid([cells for _, _, cells, _ in rows])
        made = [
            Row(start, tuple(values), end, tuple(cites))
            for (start, end, _, cites), values in zip(rows, grid, strict=True)
        ]
        # Header rows stacked above each other ("Response" over "Yes | No"): one header,
        # each column's distinct texts joined.
        heads = 1
        while (
            heads < len(rows)
            and all(c.header for c in rows[heads][2])
            and all(c.header for c in rows[0][2])
        ):
            heads += 1
        header = made[0]
        if heads > 1:
            width = max(len(r.cells) for r in made[:heads])
            merged = []
            for i in range(width):
                texts: list[str] = []
                for r in made[:heads]:
                    t = r.cells[i] if i < len(r.cells) else ""
                    if t and t not in texts:
                        texts.append(t)
                merged.append(" ".join(texts))
            header = Row(made[0].line, tuple(merged), made[heads - 1].last_line)
        return Table(self.section, header, made[heads:], caption=caption)

    def cell(self, cell: Tag) -> _Cell:
        flags_before, links_before = len(self.render.flags), len(self.render.links)
        text = " ".join(self.render.code(cell.contents).split())
        flags = self.render.flags[flags_before:]
        if flags and resolve_country(text) is None:
            # A flag marks the cell as naming a member: {{flagicon|ESP}} alone, or beside a
            # link whose text is not the country's name ([[Hungary|Magyarország]]).
            links = self.render.links[links_before:]
            code = next((c for t in links if (c := resolve_country(t))), None) or next(
                (c for t in flags if (c := resolve_flag(t))), None
            )
            if code is not None:
                text = country_name(code)
            elif not text:
                text = flags[0]
        return _Cell(
            text,
            _span_attr(cell, "rowspan"),
            _span_attr(cell, "colspan"),
            str(cell.tag).lower() == "th",
        )


def _grid(rows: list[list[_Cell]]) -> list[list[str]]:
    """Each row's cells as a reader sees them: a rowspan repeats a cell in the rows below,
    a colspan across the columns to its right."""
    carried: dict[int, tuple[str, int]] = {}  # column → (text, rows still to fill)
    out: list[list[str]] = []
    for cells in rows:
        values: list[str] = []
        queue = list(cells)
        col = 0
        while queue or any(c >= col for c in carried):
            if col in carried:
                text, left = carried[col]
                values.append(text)
                if left <= 1:
                    del carried[col]
                else:
                    carried[col] = (text, left - 1)
                col += 1
                continue
            if not queue:
                break
            cell = queue.pop(0)
            for _ in range(cell.cols):
                values.append(cell.text)
                if cell.rows > 1:
                    carried[col] = (cell.text, cell.rows - 1)
                col += 1
        out.append(values)
    return out


# -- the document --------------------------------------------------------------------------


def _title_candidates(path: str, title: str | None) -> list[str]:
    """Where an article's title can come from, best first: the title the user or the wiki
    gave; the file's name ("Montenegro–NATO relations.wiki"); the lead's first sentence
    ("The accession of Montenegro to the North Atlantic Treaty Organization, …")."""
    out = [title] if title else []
    stem = PurePath(path).stem.replace("_", " ")
    if stem:
        out.append(stem)
    return out


@dataclass
class WikiBlocks:
    """The blocks, the titles to try, and problems met in the markup (a reused reference
    that is never defined)."""

    blocks: Blocks
    titles: list[str]
    unknown_refs: list[tuple[int, str]]


def split_wikitext(text: str, path: str, title: str | None = None) -> WikiBlocks:
    """The wikitext's blocks, with line numbers into the wikitext: the one reading of it."""
    code = mwparserfromhell.parse(text)
    refs = _ref_definitions(code)
    lines = _Lines(text)
    blocks = Blocks(title=None, title_line=1)
    titles = _title_candidates(path, title)
    unknown: list[tuple[int, str]] = []
    section = ""
    headings: list[tuple[int, str]] = []  # (line, title): where each section starts
    # Per line: the text a reader sees there (tables and headings are blocks of their own).
    shown: dict[int, list[str]] = {}
    bullets: dict[int, bool] = {}
    offset = 0
    render = _Render(refs)
    bold: list[str] = []  # the lead's bold words name the article's subject
    for node in code.nodes:
        piece = str(node)
        line = lines.line(offset)
        if isinstance(node, Heading):
            section = _plain(node.title)
            headings.append((line, section))
            shown.setdefault(line, []).append("\x00")  # a heading ends paragraphs and lists
            lines.cursor = offset + len(piece)
        elif isinstance(node, Tag) and str(node.tag).lower() == "table":
            lines.cursor = offset
            reader = _TableReader(lines, render, section)
            render.unknown_refs = []
            table = reader.read(node)
            unknown += reader.unknown
            if table is not None:
                blocks.tables.append(table)
            lines.cursor = offset + len(piece)
        elif isinstance(node, Tag) and str(node.wiki_markup or "") in ("*", "#"):
            bullets[line] = True
            shown.setdefault(line, [])
        elif isinstance(node, Text):
            for i, part in enumerate(piece.split("\n")):
                if part:
                    shown.setdefault(line + i, []).append(part)
        else:
            if isinstance(node, Tag) and str(node.wiki_markup or "") == "'''" and not section:
                bold.append(_plain(node.contents))
            before = len(render.unknown_refs)
            out = render.node(node)
            unknown += [(line, r) for r in render.unknown_refs[before:]]
            if out:
                shown.setdefault(line, []).append(out)
        offset += len(piece)
    _prose_blocks(blocks, shown, bullets, headings)
    titles += [b for b in bold if b]
    lead = next((p.text for p in blocks.paragraphs), "")
    if lead:
        titles.append(lead)
    blocks.stated_date = stated_date(
        "\n".join(" ".join(shown.get(n, [])) for n in range(1, len(lines.starts) + 1))
    )
    return WikiBlocks(blocks, titles, unknown)


def _prose_blocks(
    blocks: Blocks,
    shown: dict[int, list[str]],
    bullets: dict[int, bool],
    headings: list[tuple[int, str]],
) -> None:
    """Paragraphs and bulleted lists from the lines outside tables, each at its line."""
    current: BulletList | None = None
    for n in sorted(shown):
        parts = shown[n]
        if "\x00" in parts:
            current = None
            continue
        text = " ".join("".join(parts).split())
        section = _section_at(headings, n)
        if bullets.get(n):
            if current is None or current.section != section:
                current = BulletList(section)
                blocks.lists.append(current)
            if text:
                current.items.append(Item(n, text))
            continue
        current = None
        if text:
            blocks.paragraphs.append(Paragraph(section, n, text))
    blocks.lists = [b for b in blocks.lists if b.items]


def _section_at(sections: Iterable[tuple[int, str]], line: int) -> str:
    current = ""
    for start, title in sections:
        if start > line:
            break
        current = title
    return current

"""Hostile articles and the pipeline they go through, for the fuzz tests and ``fuzz/run.py``.

An input is made from a ``random.Random`` (so hypothesis and a plain loop can both drive
it): the bundled example mutated line by line, or an article generated from table rows and
dated sentences, with hostile cells (markup, formulas, other digits, huge numbers, control
characters, long runs), then bytes (a byte-order mark, CR line ends, a NUL, bad UTF-8).
:func:`run_pipeline` reads it from a file as ``treatywatch import`` does, checks it, stores
it in an in-memory store, reads everything back and prints it as the CLI does. Anything but
the project's own errors (:class:`treatywatch.errors.TreatywatchError`) is a bug.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from rich.console import Console

from treatywatch.cli import check_commands as check_command
from treatywatch.cli.text import cells, line
from treatywatch.domain.model import ParsedDocument
from treatywatch.ingest import import_paths, read_path
from treatywatch.queries.findings import CheckResult
from treatywatch.sources.article import MAX_SAMPLE
from treatywatch.sources.reading import given_name
from treatywatch.store.db import Store

EXAMPLE = (
    Path(__file__).resolve().parents[1] / "src/treatywatch/examples/montenegro-nato-relations.txt"
)
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")

HOSTILE = [
    "",
    " ",
    "[/b]",
    "[red]x[/red]",
    "[bold",
    "<script>alert(1)</script>",
    "</big>",
    "<big>",
    '=HYPERLINK("https://example.org","x")',
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "²",
    "٣٤",
    "５０",
    "١٠٠",
    "۹۹",
    "12345678901234567890",
    "3000000000",
    "2147483648",
    "9223372036854775808",
    "9" * 5000,
    "0",
    "00",
    "1,034",
    "1 034",
    "1\u202f034",
    "10,000,001",
    "1e9",
    "nan",
    "inf",
    "-0",
    "50.1234567",
    "100.0",
    "100.0000001",
    "101",
    "∞",
    "½",
    "\x1b[31m",
    "\x07",
    "\u202e",
    "\ufeff",
    "\u2028",
    "\x85",
    ":smile:",
    "%",
    "9999-12-31",
    "0001-01-01",
    "1799",
    "2201",
    "31 February 2016",
    "28 May-5 Jun 2016",
    "May 2016",
    "2016",
    "6–12 October 2017",
    "|",
    "||",
    "Party",
    "Spain",
    "Ratification by:",
    "Member of NATO",
    "Accession protocol",
    "Lead",
    "Sample size",
    "If Sweden joins",
    "x" * 3000,
    " " * 3000,
    "," * 2000,
    "the end of " * 50,
]
UNICODE_DIGITS = "²³¹٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹０１２３４５６７８９߀०१२३৪৫"
MEMBERS = ["Spain", "the United States", "Germany", "France", "Greece", "Turkey", "Canada"]
STEPS = [
    "ratified the accession protocol",
    "signed the protocol",
    "approved the accession",
    "voted on the Resolution of Ratification",
    "deposited its instrument of ratification",
    "joined NATO",
    "was invited to join",
    "became a member of NATO",
    "applied for membership",
    "the Senate voted",
    "President signed",
    "opened negotiations",
    "was granted candidate status",
]
DATES = [
    "5 June 2017",
    "June 2017",
    "2017",
    "in May",
    "10 May",
    "early 2009",
    "the end of 2015",
    "28 March 2017",
    "December 2009",
    "11–15 December 2009",
    "May 5, 2016",
    "1999",
    "2099",
]
SENTENCE_WORDS = [
    "In",
    "On",
    "the",
    "and",
    ",",
    ";",
    ":",
    "which was",
    "would",
    "poll",
    "by",
    "from the",
    "Ipsos",
    "CEDEM",
    "'s poll",
    "percent",
    "%",
    "support",
    "opposed",
    "undecided",
    "among",
    "ethnic groups",
    "election",
    "won",
    "seats",
    "referendum",
    "Democratic Party of Socialists",
    "opposes",
    "supports membership",
    "desire for",
    "member",
    "neutral",
    "Mr.",
    "U.S.",
]
TITLES = [
    "Montenegro–NATO relations",
    "Sweden–NATO relations",
    "Finland - NATO relations",
    "Croatia–European Union relations",
    "Accession of Iceland to the European Union, 2009",
    "North Macedonia and NATO",
    "Montenegro–[/b] relations",
    "NATO",
    "",
]
POLL_HEADERS = [
    ["Date", "Polling Firm/Source", "For NATO membership", "Against", "Lead"],
    ["Fieldwork", "Pollster", "Sample size", "Yes", "No", "Undecided", "Lead"],
    ["Date", "Sample", "Support", "Oppose"],
    ["Date"],
]
MILESTONE_HEADERS = [["Event", "Date"], ["Date", "Event"], ["Date"]]


def hostile(rng: random.Random) -> str:
    return rng.choice(HOSTILE)


def _number(rng: random.Random) -> str:
    return rng.choice(
        [str(rng.randint(0, 100)), f"{rng.uniform(0, 100):.{rng.randint(0, 3)}f}",
         str(rng.randint(0, 10**rng.randint(1, 25))), hostile(rng)]
    )  # fmt: skip


def _cell(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.3:
        return _number(rng)
    if kind < 0.55:
        return rng.choice(DATES + HOSTILE[-30:])
    if kind < 0.75:
        return rng.choice(MEMBERS + ["CEDEM", "Ipsos", "", "Ratification by:", "Member of NATO"])
    return hostile(rng)


def table_row(rng: random.Random, width: int) -> str:
    n = max(0, width + rng.choice([0, 0, 0, 0, -1, 1, -width, 3]))
    row = [_cell(rng) for _ in range(n)]
    return "| " + " | ".join(row) + (" |" if rng.random() < 0.9 else "")


def sentence(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(1, 14)):
        r = rng.random()
        if r < 0.25:
            parts.append(rng.choice(DATES))
        elif r < 0.4:
            parts.append(rng.choice(MEMBERS))
        elif r < 0.55:
            parts.append(rng.choice(STEPS))
        elif r < 0.65:
            parts.append(f"{_number(rng)}%")
        elif r < 0.95:
            parts.append(rng.choice(SENTENCE_WORDS))
        else:
            parts.append(hostile(rng))
    return " ".join(parts) + rng.choice([".", ".", "!", "", "?"])


def long_sentence(rng: random.Random) -> str:
    """One sentence of many dated clauses, no full stop: every record it makes repeats it."""
    clause = rng.choice(["in {} the protocol was signed", "and on 10 May {} Spain ratified",
                         "{} percent", "early {}", "the {} summit"])  # fmt: skip
    return ", ".join(clause.format(rng.choice(DATES)) for _ in range(rng.randint(20, 400)))


def generate(rng: random.Random) -> str:
    """An article: a title, then sections of prose, tables and lists in random order."""
    out = [f"= {rng.choice(TITLES)} =", ""]
    for _ in range(rng.randint(0, 8)):
        kind = rng.random()
        if kind < 0.2:
            out.append(
                f"== {rng.choice(['Opinion polls', 'Political views', 'History', '', 'See also', '[/b]'])} =="
            )
        elif kind < 0.45:
            out.append(" ".join(sentence(rng) for _ in range(rng.randint(1, 6))))
        elif kind < 0.5:
            out.append(long_sentence(rng))
        elif kind < 0.75:
            header = rng.choice(POLL_HEADERS)
            out.append("| " + " | ".join(header) + " |")
            out += [table_row(rng, len(header)) for _ in range(rng.randint(0, 12))]
        elif kind < 0.9:
            header = rng.choice(MILESTONE_HEADERS)
            out.append("| " + " | ".join(header) + " |")
            out += [table_row(rng, len(header)) for _ in range(rng.randint(0, 12))]
        else:
            out += [f"- {rng.choice(MEMBERS + HOSTILE[:10])}" for _ in range(rng.randint(0, 8))]
        out.append("")
    return "\n".join(out)


def _unicode_digits(rng: random.Random, s: str) -> str:
    return "".join(
        rng.choice(UNICODE_DIGITS) if c.isdigit() and rng.random() < 0.5 else c for c in s
    )


def _insert(rng: random.Random, s: str, what: str) -> str:
    i = rng.randint(0, len(s))
    return s[:i] + what + s[i:]


def _set_cell(rng: random.Random, s: str) -> str:
    if not s.lstrip().startswith("|"):
        return _insert(rng, s, hostile(rng))
    parts = s.split("|")
    if len(parts) > 2:
        parts[rng.randint(1, len(parts) - 2)] = f" {_cell(rng)} "
    return "|".join(parts)


_LINE_OPS: list[Callable[[random.Random, str], str]] = [
    _set_cell,
    _set_cell,
    lambda rng, s: _insert(rng, s, hostile(rng)),
    lambda rng, s: _unicode_digits(rng, s),
    lambda rng, s: "|".join(s.split("|")[: rng.randint(0, max(1, s.count("|")))]),  # ragged
    lambda rng, s: "| " + _cell(rng) + " |",  # one cell
    lambda rng, s: s * rng.randint(2, 20),  # a long line
    lambda rng, s: _insert(rng, s, rng.choice(" ,.\t") * rng.randint(100, 5000)),
    lambda rng, s: s[: rng.randint(0, len(s))],
    lambda rng, s: "== " + s[:30] + " ==",  # an empty section
    lambda rng, s: sentence(rng),
    lambda rng, s: table_row(rng, rng.randint(1, 7)),
    lambda rng, s: long_sentence(rng),
]


def mutate(rng: random.Random, text: str = EXAMPLE_TEXT) -> str:
    """The text with a few lines changed, added, dropped, repeated or swapped."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 8)):
        op = rng.random()
        i = rng.randrange(len(lines)) if lines else 0
        if not lines:
            lines.append(sentence(rng))
        elif op < 0.6:
            lines[i] = rng.choice(_LINE_OPS)(rng, lines[i])
        elif op < 0.7:
            del lines[i]
        elif op < 0.8:
            lines.insert(i, lines[i])
        elif op < 0.9:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines.insert(i, rng.choice([table_row(rng, rng.randint(1, 6)), sentence(rng), ""]))
    return "\n".join(lines)


def to_bytes(rng: random.Random, text: str) -> bytes:
    """The text as a file would hold it, now and then with a BOM, CR ends or bad bytes."""
    data = text.encode("utf-8")
    r = rng.random()
    if r < 0.05:
        data = b"\xef\xbb\xbf" + data
    elif r < 0.1:
        data = data.replace(b"\n", b"\r\n")
    elif r < 0.13:
        data = data.replace(b"\n", b"\r")
    elif r < 0.15:
        i = rng.randint(0, len(data))
        data = data[:i] + rng.choice([b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80"]) + data[i:]
    return data


def make_input(rng: random.Random) -> bytes:
    text = mutate(rng) if rng.random() < 0.6 else generate(rng)
    if rng.random() < 0.2:
        text = mutate(rng, text)
    return to_bytes(rng, text)


def run_pipeline(data: bytes, path: Path) -> ParsedDocument | None:
    """Import ``data`` from ``path`` as the CLI does and check what the store gives back
    (and what importing it again, unchanged, reports).

    Returns the parsed document, or None when the file is refused (an InputError); raises
    AssertionError when something stored does not read back, and any other exception when
    the pipeline crashed.
    """
    from treatywatch.errors import InputError

    path.write_bytes(data)
    try:
        parsed = read_path(path)
    except InputError as e:
        assert "\n" not in str(e) and str(e).startswith(str(path)), str(e)
        return None
    with Store.memory() as store:
        (outcome,) = store.import_documents([parsed])
        slug = parsed.process.slug
        assert store.milestones(slug) == list(parsed.milestones)
        assert store.acts(slug) == [*parsed.acts, *parsed.prose_acts]
        assert store.polls(slug) == list(parsed.polls)
        assert store.events(slug) == list(parsed.events)
        assert sorted(store.findings(slug), key=lambda f: f.id) == sorted(
            parsed.findings, key=lambda f: f.id
        )
        assert store.relations(slug) == list(parsed.relations)
        assert store.positions(slug) == list(parsed.positions)
        assert [p for _sha, p in store.problems(slug)] == list(parsed.problems)
        assert store.document(parsed.document.sha256).text == parsed.document.text
        # Importing it again returns before parsing, with what the store kept from it.
        (again,) = import_paths(store, [path])
        # (import stores the name its user gave: an absolute path by its file name)
        assert again == replace(outcome, action="unchanged", path=given_name(path), changes=[])
    for q in parsed.polls:
        assert q.sample_size is None or 1 <= q.sample_size <= MAX_SAMPLE
        for share in (q.share_for, q.share_against, q.share_undecided, q.lead):
            assert share is None or 0 <= share.value <= 100
    assert _stored_text(parsed) <= 50 * len(parsed.document.text) + 100_000, "text amplified"
    lines = parsed.document.line_count
    for problem in parsed.problems:
        assert 1 <= problem.line <= lines and "\n" not in problem.message, problem
    _print_as_cli(outcome, parsed)
    return parsed


def _stored_text(p: ParsedDocument) -> int:
    """Characters of text the store keeps beside the document: linear in its size, or a
    record repeats something long (a sentence with every event, a header with every row)."""
    parts: list[str | None] = []
    for e in p.events:
        parts += [e.sentence, e.label, e.reason, e.date_text]
    for q in p.polls:
        parts += [q.pollster, q.question, q.condition]
    for m in p.milestones:
        parts += [m.label, m.source_label, m.provenance.reason]
    for a in [*p.acts, *p.prose_acts]:
        parts += [a.member_name, a.provenance.reason]
    for f in p.findings:
        parts += [f.message, f.evidence, f.fix]
    parts += [x.message for x in p.problems] + [x.quote for x in p.positions]
    return sum(len(x) for x in parts if x)


def _print_as_cli(outcome: object, parsed: ParsedDocument) -> None:
    """What `import` and `check` print, into a string: markup in the text must not break it."""
    out = io.StringIO()
    console = Console(file=out, width=100, highlight=False)
    console.print(line((parsed.document.path, "bold"), f" → {parsed.process.slug}"))
    for p in parsed.problems:
        console.print(line("  ", (f"{parsed.document.path}:{p.line}", "yellow"), f": {p.message}"))
    for q in parsed.polls[:5]:
        console.print(*cells(q.pollster or "", q.question or "", q.condition or ""))
    result = CheckResult(list(parsed.findings), {parsed.document.sha256: parsed.document.path})
    saved = check_command.make_console
    check_command.make_console = lambda: console  # type: ignore[assignment]
    try:
        check_command._print_findings(result)
    finally:
        check_command.make_console = saved  # type: ignore[assignment]
    assert outcome is not None and out.getvalue()

"""The linear rewrites give the answers of the quadratic code they replaced.

Each rewrite (a scan instead of a backtracking pattern, an index instead of a nested loop)
is checked against the original expression or loop, kept here as the reference, on text
built from the words and punctuation that matter to it. The time each takes is measured
by ``make bench`` (``checks.bench``), not asserted here.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from treatywatch.checks import dates as date_rules
from treatywatch.checks import polls as poll_rules
from treatywatch.checks.dateindex import DateSet, FirstDisjoint, FirstEndingBefore, OverlapIndex
from treatywatch.checks.registry import Context
from treatywatch.checks.timeline import compatible, finer, merge_timeline
from treatywatch.domain.dates import DateParseError, PartialDate, parse_text
from treatywatch.domain.facts import DocumentFacts
from treatywatch.domain.model import (
    RATIFYING_ACTS,
    ActKind,
    Milestone,
    ProseEvent,
    Provenance,
    RatificationAct,
)
from treatywatch.reference import organization
from treatywatch.sources import article, blocks, mentions, positions, prose, prose_polls
from treatywatch.sources.blocks import document_stamps
from treatywatch.sources.textscan import followed_in_sentence, strip_last_word

NATO = organization("NATO")
FAST = settings(max_examples=500, deadline=None)

# Pieces of text the rewritten scans look at, and some that only look like them.
_TOKENS = [
    " ",
    "  ",
    "\t",
    "\xa0",
    "\u2028",
    "\x1c",
    ",",
    ";",
    ":",
    ".",
    "-",
    "–",
    "'",
    "’",
    "=",
    "a",
    "x",
    "A",
    "Aa",
    "XParty",
    "the",
    "The",
    "an",
    "'s",
    "’s",
    "and",
    "andin",
    "in",
    "In",
    "İn",
    "on",
    "ſince",
    "at",
    "by",
    "from",
    "since",
    "during",
    "the end of",
    "of",
    "for",
    "May",
    "December",
    "2016",
    "1999",
    "12",
    "3",
    "early",
    "mid",
    "late",
    "U.S.",
    "Mr.",
    "e.g.",
    "poll",
    "polls",
    "by",
    "from the",
    "Ipsos",
    "Centre",
    "Democracy",
    "Party",
    "Union",
    "46%",
    "12.5 percent",
    "support",
    "opposed",
    "among",
    "ethnic groups",
    "election",
    "won",
    "seats",
    "deposit",
    "deposited",
    "instrument",
    "desire for",
    "member",
    "supports membership",
    "pro-",
    "accession of",
    " to ",
    "the ",
    "Last updated:",
    "Retrieved on",
    "as of",
    "\n",
]
texts = st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join)
mixed = st.one_of(texts, st.text(max_size=60))


# -- mentions and sentences ---------------------------------------------------------------


def _old_find_mentions(sentence: str) -> list[mentions.Mention]:
    found = sorted(
        (
            (m.start(), m.start() - m.end(), form, m)
            for form, rx in mentions._FORMS
            for m in rx.finditer(sentence)
        ),
        key=lambda f: (f[0], f[1]),
    )
    out: list[mentions.Mention] = []
    taken = -1
    for start, _neg, form, m in found:
        if start < taken:
            continue
        taken = m.end()
        q = m.groupdict().get("q")
        core = sentence[m.end("q") : m.end()].lstrip(" -") if q else m.group(0)
        span = None
        if form not in ("dm", "m"):
            try:
                span = parse_text(core.replace(".", ""))
            except DateParseError:
                continue
        before, after = sentence[:start], sentence[m.end() :]
        adjectival = form in ("y", "my") and bool(
            re.search(r"(?:\bthe|\ba|\ban|'s|’s)\s+$", before, re.I)
            and re.match(r"\s+(?!and\b|or\b|to\b|when\b|with\b|that\b)[A-Za-z]", after)
        )
        clause = re.split(r"[,;:]|\band\b", before)[-1]
        leading = bool(re.fullmatch(r"\s*(?i:in|on|by|at|during|from|since)?\s*", clause))
        qual = q.lower().replace("the ", "").replace(" of", "") if q else None
        text = m.group(0).rstrip(".") if form in ("dm", "m") else m.group(0)
        if len(text) > 40:  # not in the original: a long match's runs of spaces become one
            text = " ".join(text.split())
        out.append(mentions.Mention(start, m.end(), text, form, span, qual, adjectival, leading))
    return out


@FAST
@given(mixed)
def test_find_mentions(sentence: str) -> None:
    assert mentions.find_mentions(sentence) == _old_find_mentions(sentence)


def test_find_mentions_clause_openers() -> None:
    """The cases the scan distinguishes, each against the original."""
    for s in [
        "In December 2009, Montenegro",
        "x, in  2016",
        "x andin 2016",
        "x and in 2016",
        "x,in 2016",
        "the 2006 Riga summit",
        "xthe 2006 Riga summit",
        "the  2006 and then",
        "and 2016",
        "during\u2028 May 2016",
        "İn 2016",
        "Aſince 2016",
        "ſince 2016",
    ]:
        assert mentions.find_mentions(s) == _old_find_mentions(s), s


def _old_sentences(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?][\"”’)]?\s+(?=[A-Z\"“])", text):
        if mentions._ABBREV.search(text[start : m.start() + 1]):
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


@FAST
@given(mixed)
def test_sentences(text: str) -> None:
    assert mentions.sentences(text) == _old_sentences(text)


# -- prose ------------------------------------------------------------------------------


@FAST
@given(mixed)
def test_label_tail(text: str) -> None:
    old = re.sub(
        r"\s*(?:,|\b(?:in|on|at|by|from|since|during|the end of|of|the|and|but))*[\s,.]*$", "", text
    )
    assert text[: prose._label_tail(text)] == old


def test_strip_last_word_examples() -> None:
    for text in ["as of\n", "as of\n\n", "NATO  for", "x\nof", "Kof", "of"]:
        assert strip_last_word(text, ("of", "for")) == re.sub(r"\s+(?:of|for)$", "", text)


def test_title_parts_examples() -> None:
    for title in ["- -", "A – B", "A  and  B", "A" + " " * 30 + "B", "-", "and and", " - and -"]:
        assert article.title_parts(title) == re.split(r"\s*[–—-]\s*|\s+and\s+", title)


def test_label_tail_examples() -> None:
    for text in [
        "x the end of",
        "signed at the end of ,",
        "xthe end of",
        "was signed on",
        "joined in,on , .",
        "Berlin",
        "a,,,,,,,,,,b",
        "a" + " " * 50 + "b",
    ]:
        old = re.sub(
            r"\s*(?:,|\b(?:in|on|at|by|from|since|during|the end of|of|the|and|but))*[\s,.]*$",
            "",
            text,
        )
        assert text[: prose._label_tail(text)] == old, text


@FAST
@given(mixed)
def test_strip_last_word(text: str) -> None:
    assert strip_last_word(text, ("of", "for")) == re.sub(r"\s+(?:of|for)$", "", text)


_FOLLOWED = [  # (first, then, the pattern they replace, the character between them may not be)
    (r"\bdeposit\w*\b", r"\binstrument", r"\bdeposit\w*\b[^.]*\binstrument", "."),
    (
        r"\belection\b",
        r"\b(?:won|popular vote|seats)\b",
        r"\belection\b[^.]*\b(?:won|popular vote|seats)\b",
        ".",
    ),
    (r"\bdesire for ", r"member", r"\bdesire for .*member", "\n"),
]


@FAST
@given(mixed)
def test_followed_in_sentence(text: str) -> None:
    for first, then, whole, stop in _FOLLOWED:
        got = followed_in_sentence(text, re.compile(first, re.I), re.compile(then, re.I), stop)
        assert got == bool(re.search(whole, text, re.I)), (whole, text)


@FAST
@given(mixed)
def test_supports_stance(text: str) -> None:
    old = re.compile(r"\b(supports? (nato )?membership|desire for .* member|pro-)", re.I)
    assert positions._supports(text) == bool(old.search(text))


# -- prose polls ------------------------------------------------------------------------


@FAST
@given(mixed, st.integers(0, 60))
def test_word_before_at(text: str, end: int) -> None:
    end = min(end, len(text))
    m = re.search(r"(\w+) at\s*$", text[:end])
    assert prose_polls._word_before_at(text, end) == (m.group(1) if m else None)


@FAST
@given(mixed, st.integers(0, 60))
def test_subgroup_wording_before_a_figure(text: str, at: int) -> None:
    at = min(at, len(text))
    intro = m.end() if (m := prose_polls._SUBGROUP_INTRO.search(text)) else None
    new = (intro is not None and intro <= at) or bool(
        prose_polls._SUBGROUP_INTRO.search(text, max(0, at - 20), at)
    )
    assert new == bool(prose_polls._SUBGROUP_INTRO.search(text[:at]))


@FAST
@given(mixed)
def test_pollster(text: str) -> None:
    old_from = re.compile(
        r"\bpoll\b[^,.]*?\bfrom (?:the )?([A-Z][\w'’-]*(?: (?:[A-Z][\w'’-]*|for|of|and))*)"
    )
    patterns = [prose_polls._POLL_BY, prose_polls._POLL_OF, old_from]
    old = next((m.group(1).strip() for rx in patterns if (m := rx.search(text))), None)
    assert prose_polls._pollster(text) == old


# -- structure and title ------------------------------------------------------------------


@FAST
@given(st.lists(st.sampled_from(["=", "==", "===", " ", "  ", "\t", "a", "A b", "="]), max_size=12))
def test_title_and_heading(parts: list[str]) -> None:
    line = "".join(parts).strip()
    m = re.match(r"^=\s*([^=].*?)\s*=$", line)
    assert blocks._title(line) == (m.group(1) if m else None), line
    h = re.match(r"^(={2,6})\s*(.*?)\s*\1$", line)
    assert blocks._heading(line) == (h.group(2) if h else None), line


@FAST
@given(mixed)
def test_title_parts_and_accession(title: str) -> None:
    assert article.title_parts(title) == re.split(r"\s*[–—-]\s*|\s+and\s+", title)
    m = re.search(r"accession of (.+?) to (?:the )?(.+?)[,.]", title)
    assert article._accession_of(title) == (m.groups() if m else None)


# -- checks' text -------------------------------------------------------------------------

_OLD_STAMP = re.compile(
    r"^\s*(?:last (?:edited|updated|modified)(?: on)?|retrieved(?: on)?|accessed(?: on)?|as of)"
    r"\s*[:,]?\s*(.+?)\s*\.?\s*$",
    re.I | re.M,
)


def _first_date(values: list[str]) -> date | None:
    for v in values:
        try:
            return parse_text(v).upper()
        except DateParseError:
            continue
    return None


@FAST
@given(
    st.lists(
        st.sampled_from(
            ["\n", "\n\n", " ", "  ", "Last updated:", "last edited on", "Retrieved", "As of",
             "3 March 2018", "2017", ".", "..", "x", ":", ",", "\t"]
        ),
        max_size=20,
    ).map("".join)
)  # fmt: skip
def test_document_stamps(text: str) -> None:
    """The document's date: the first stamp whose value reads as a date."""
    old = [m.group(1) for m in _OLD_STAMP.finditer(text)]
    assert _first_date(list(document_stamps(text))) == _first_date(old)


def test_document_stamp_on_its_own_line_or_the_next() -> None:
    text = "x\n\n\n  Last updated:\n\n 3 March 2018 .\nAs of 2019\n"
    assert list(document_stamps(text)) == ["3 March 2018", "2019"]
    assert [m.group(1) for m in _OLD_STAMP.finditer(text)] == ["3 March 2018", "2019"]


# -- tables ---------------------------------------------------------------------------------


def _old_date_column(table: blocks.Table) -> int | None:
    """The original loop, over the header's columns: it also counted the cells of rows wider
    than the header, and a date column past the header's raised IndexError when read."""
    best, best_count = None, 0
    width = len(table.header.cells)
    for i in range(width):
        count = 0
        for r in table.rows:
            if i < len(r.cells) and r.cells[i]:
                try:
                    parse_text(r.cells[i])
                    count += 1
                except DateParseError:
                    pass
        if count > best_count:
            best, best_count = i, count
    return best if best_count >= max(2, len(table.rows) // 2) else None


cells = st.sampled_from(["", "x", "2016", "May 2016", "2016-05-19", "12", "Poll"])


@FAST
@given(st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=8))
def test_date_column(rows: list[list[str]]) -> None:
    table = blocks.Table("", blocks.Row(1, tuple(rows[0])))
    table.rows = [blocks.Row(i + 2, tuple(r)) for i, r in enumerate(rows[1:])]
    assert article._date_column(table) == _old_date_column(table)


# -- date indexes ---------------------------------------------------------------------------

partial_dates = st.builds(
    lambda y, m, d, p: PartialDate(y, m if p > 0 else None, min(d, 28) if p > 1 else None),
    st.integers(2014, 2016),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(0, 2),
)


@FAST
@given(st.lists(partial_dates, max_size=10), partial_dates)
def test_date_set(dates: list[PartialDate], d: PartialDate) -> None:
    assert DateSet(dates).compatible_with(d) == any(compatible(x, d) for x in dates)


spans = st.tuples(st.integers(0, 30), st.integers(0, 10)).map(lambda t: (t[0], t[0] + t[1]))


@FAST
@given(st.lists(spans, max_size=40), spans)
def test_first_disjoint(earlier: list[tuple[int, int]], q: tuple[int, int]) -> None:
    index = FirstDisjoint()
    for lo, hi in earlier:
        index.add(lo, hi)
    want = next((i for i, (lo, hi) in enumerate(earlier) if hi < q[0] or lo > q[1]), None)
    assert index.first_disjoint(*q) == want


@FAST
@given(st.lists(st.integers(0, 30), max_size=40), st.integers(0, 32), st.integers(1, 4))
def test_first_ending_before(uppers: list[int], day: int, limit: int) -> None:
    want = tuple(i for i, u in enumerate(uppers) if u < day)[:limit]
    assert FirstEndingBefore(uppers, limit).before(day) == want


@FAST
@given(st.lists(spans, max_size=80), spans)
def test_overlap_index(table: list[tuple[int, int]], q: tuple[int, int]) -> None:
    index = OverlapIndex(table)
    want = [i for i, (lo, hi) in enumerate(table) if lo <= q[1] and hi >= q[0]]
    assert list(index.overlapping(*q)) == want
    assert index.count(*q) == len(want)


# -- rules against their original loops ------------------------------------------------------

kinds = st.sampled_from(["invitation", "protocol_signed", "membership", "event"])


def _event(kind: str, d: PartialDate, line: int, member: str | None) -> ProseEvent:
    return ProseEvent(d, None, kind, kind, f"sentence {line}", line, member_code=member)


events = st.lists(
    st.tuples(kinds, partial_dates, st.integers(1, 4), st.sampled_from([None, "ES", "FR"])),
    max_size=25,
).map(lambda xs: [_event(k, d, line, m) for k, d, line, m in sorted(xs, key=lambda x: x[2])])


def _context(
    evs: list[ProseEvent],
    milestones: list[Milestone] | None = None,
    acts: tuple[list[RatificationAct], list[RatificationAct]] = ([], []),
) -> Context:
    """A document's facts with these prose events, table milestones and (table, prose) acts."""
    text = "= Montenegro–NATO relations =\n"
    facts = article.parse(text, "x.txt")
    facts = replace(
        facts,
        milestones=tuple(milestones or []),
        acts=tuple(acts[0]),
        prose=replace(facts.prose, events=tuple(evs), acts=tuple(acts[1])),
    )
    return Context(facts, NATO)


@FAST
@given(events)
def test_prose_date_conflict(evs: list[ProseEvent]) -> None:
    ctx = _context(evs)
    typed = [e for e in evs if e.kind != "event"]
    assert list(date_rules.prose_date_conflict(ctx)) == list(
        date_rules._date_conflicts_any_order(ctx, typed)
    )


def _old_merge(milestones: list[Milestone], evs: list[ProseEvent]) -> list[object]:
    from treatywatch.checks.timeline import TimelineEntry

    entries: list[TimelineEntry] = []
    for m in milestones:  # rows giving the same milestone on the same day: one entry
        same = [
            i
            for i, t in enumerate(entries)
            if (t.kind, t.label, t.date) == (m.kind, m.label, m.date)
        ]
        if same:
            t = entries[same[0]]
            entries[same[0]] = replace(t, sources=(*t.sources, m.provenance))
        else:
            entries.append(TimelineEntry(m.kind, m.label, m.date, (m.provenance,)))
    for e in evs:
        i = next(
            (
                i
                for i, t in enumerate(entries)
                if e.kind != "event"
                and t.kind == e.kind
                and t.member_code == e.member_code
                and compatible(t.date, e.date)
            ),
            None,
        )
        if i is None:
            entries.append(
                TimelineEntry(e.kind, e.label, e.date, (e.provenance,), e.qualifier, e.member_code)
            )
            continue
        t = entries[i]
        where = (e.provenance.document, e.provenance.line_start, e.provenance.line_end)
        if where in {(p.document, p.line_start, p.line_end) for p in t.sources}:
            continue  # a line is cited once per entry
        d = finer(t.date, e.date)
        qualifier = e.qualifier if d == e.date else t.qualifier
        entries[i] = replace(t, date=d, qualifier=qualifier, sources=(*t.sources, e.provenance))
    return sorted(entries, key=lambda t: (t.date.lower(), t.date.upper(), t.lines))


@FAST
@given(events, st.lists(st.tuples(kinds, partial_dates), max_size=5))
def test_merge_timeline(evs: list[ProseEvent], rows: list[tuple[str, PartialDate]]) -> None:
    milestones = [
        Milestone(k, k, d, Provenance("sha", 100 + i, 100 + i)) for i, (k, d) in enumerate(rows)
    ]
    assert merge_timeline(milestones, evs) == _old_merge(milestones, evs)


@FAST
@given(events, st.lists(st.tuples(kinds, partial_dates), max_size=5))
def test_prose_milestone_date(evs: list[ProseEvent], rows: list[tuple[str, PartialDate]]) -> None:
    milestones = [
        Milestone(k, k, d, Provenance("sha", 100 + i, 100 + i)) for i, (k, d) in enumerate(rows)
    ]
    ctx = _context(evs, milestones)
    old = []
    for e in date_rules.typed_events(ctx):
        same = [m for m in milestones if m.kind == e.kind]
        if same and not any(compatible(m.date, e.date) for m in same):
            old.append((e.line, same[0].provenance.line_start))
    new = [(f.line_start, f.related[0]) for f in date_rules.prose_milestone_date(ctx)]
    assert new == old


def _old_prose_act_date(ctx: Context) -> list[tuple[int, str, tuple[int, ...]]]:
    """The rule's original loops (each prose act against every table act), as (line,
    message, related); the rewrite reports at most five earlier acts against one approval."""
    out = []
    latest = max((a.date for a in ctx.facts.acts), key=lambda d: d.upper(), default=None)
    for a in ctx.prose.acts:
        rows = [t for t in ctx.facts.acts if t.member_code == a.member_code and a.member_code]
        same = [t for t in rows if t.kind == a.kind]
        line = a.provenance.line_start
        if same and not any(compatible(t.date, a.date) for t in same):
            t = same[0]
            written = next(
                (
                    date_rules.written(e)
                    for e in ctx.prose.events
                    if e.line == line and e.kind == f"member_{a.kind.value}"
                    and e.member_code == a.member_code and e.date == a.date
                ),
                str(a.date),
            )  # fmt: skip
            message = (
                f"{date_rules.act_text(a)}: {written} in the prose, {t.date} in the table "
                f"(line {t.provenance.line_start})"
            )
            assert latest is not None
            out.append((line, message, (t.provenance.line_start,)))
            continue
        if a.kind is ActKind.PARLIAMENT_APPROVAL:
            earlier = [
                t for t in rows if t.kind in RATIFYING_ACTS and t.date.upper() < a.date.lower()
            ]
            for t in earlier[:5]:
                message = (
                    f"{a.member_name} ratified on {t.date} by the table (line "
                    f"{t.provenance.line_start}), before its parliament's approval on "
                    f"{a.date} in the prose"
                )
                out.append((line, message, (t.provenance.line_start,)))
    return out


acts = st.lists(
    st.tuples(st.sampled_from(["ES", "FR", None]), st.sampled_from(list(ActKind)), partial_dates),
    max_size=12,
)


@FAST
@given(acts, acts)
def test_prose_act_date(
    table: list[tuple[str | None, ActKind, PartialDate]],
    prose_acts: list[tuple[str | None, ActKind, PartialDate]],
) -> None:
    def act(i: int, code: str | None, kind: ActKind, d: PartialDate) -> RatificationAct:
        return RatificationAct(code, code and f"name {code}", kind, d, Provenance("sha", i, i))

    ctx = _context(
        [],
        acts=(
            [act(100 + i, *t) for i, t in enumerate(table)],
            [act(1 + i, *t) for i, t in enumerate(prose_acts)],
        ),
    )
    new = [(f.line_start, f.message, f.related) for f in date_rules.prose_act_date(ctx)]
    assert new == _old_prose_act_date(ctx)


@FAST
@given(st.lists(st.tuples(kinds, partial_dates), max_size=12), st.sets(kinds, min_size=1))
def test_first_step_of_kinds(rows: list[tuple[str, PartialDate]], wanted: set[str]) -> None:
    from treatywatch.checks.procedure import _Source

    steps = [Milestone(k, k, d, Provenance("sha", i, i)) for i, (k, d) in enumerate(rows)]
    found = [m for m in steps if m.kind in wanted]
    want = min(found, key=lambda m: m.date.lower()) if found else None
    assert _Source("table", steps, []).first(*sorted(wanted)) is want


def test_poll_twins_listed_and_counted(example_text: str) -> None:
    """Eleven copies of a row with a wrong lead: ten twins named, one counted."""
    row = "| 26 June 2016 | DAMAR | 54.2 | 45.8 | 8.4 |"
    bad = "| 24 June 2016 | CEDEM | 54.2 | 45.8 | 1 |"
    text = example_text.replace(row, "\n".join([row] + [bad] * 11))
    parsed = article.parse(text, "x.txt")
    ctx = Context(parsed, NATO)
    found = [f for f in poll_rules.lead_mismatch(ctx) if "CEDEM" in f.message]
    assert len(found) == 12  # the eleven copies, and the June 2017 CEDEM row
    # 54.2 / 45.8 is on 13 rows: June 2017 CEDEM, 26 June 2016 DAMAR and the copies.
    copy = next(f for f in found if "2016-06-24" in f.message)
    assert copy.evidence.endswith(" and 2 more rows")
    assert len(copy.related) == 10


def test_parsed_document_is_untouched_by_the_index() -> None:
    """The rules read DocumentFacts; none of the indexes write to it."""
    parsed: DocumentFacts = article.parse("= Montenegro–NATO relations =\n", "x.txt")
    before = repr(parsed)
    list(date_rules.prose_date_conflict(Context(parsed, NATO)))
    assert repr(parsed) == before

"""Sentences and the dates written in them, with their precision and vagueness."""

from __future__ import annotations

import re
from dataclasses import dataclass

from treatywatch.domain.dates import MONTHS, DateParseError, DateSpan, PartialDate, parse_text
from treatywatch.sources.textscan import space_before

# -- sentences and dates --------------------------------------------------------

_ABBREV = re.compile(r"\b(?:U\.S|U\.K|U\.N|e\.g|i\.e|Mr|Mrs|Dr|St|No|vs|Doc)\.$")


def sentences(text: str) -> list[str]:
    """A paragraph's sentences (no split after "U.S." or "e.g.")."""
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?][\"”’)]?\s+(?=[A-Z\"“])", text):
        # An abbreviation ends at the stop: look at the few characters before it only.
        if _ABBREV.search(text, max(start, m.start() - 8), m.start() + 1):
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


_M = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)
# Numbers are ASCII digits ([0-9]; \d also takes "²" and "٣"); next to any other digit
# (the lookarounds keep \d) they are part of a number that is not a date.
_Y = r"(?<![\d.,/-])(?:1[89]|20)[0-9]{2}(?![\d%-]|\s*(?:percent|per cent))"
_Q = r"(?:(?P<q>(?i:early|mid|late|the end of|end of))[\s-]+)?"
_FORMS: list[tuple[str, re.Pattern[str]]] = [
    ("range", re.compile(rf"\b[0-9]{{1,2}}\s*[–-]\s*[0-9]{{1,2}}\s+{_M}\s+{_Y}")),
    ("dmy", re.compile(rf"\b[0-9]{{1,2}}\s+{_M},?\s+{_Y}")),
    ("mdy", re.compile(rf"\b{_M}\s+[0-9]{{1,2}},\s+{_Y}")),
    ("my", re.compile(rf"{_Q}\b{_M}\s+{_Y}")),
    ("y", re.compile(rf"{_Q}\b{_Y}")),
    ("dm", re.compile(rf"\b[0-9]{{1,2}}\s+{_M}(?!,?\s+\d)")),
    ("m", re.compile(rf"(?<=\b[iI]n )\b{_M}(?!,?\s+\d)")),
]


# A date as written is short ("the end of September 2016"); a longer match has runs of
# spaces between its words, which its text (stored with every event it dates) keeps as one.
_LONGEST_DATE = 40


@dataclass(frozen=True)
class Mention:
    """A date as written in a sentence; ``span`` is None when the text has no year."""

    start: int
    end: int
    text: str
    form: str
    span: DateSpan | None
    qualifier: str | None
    adjectival: bool  # "the 2006 Riga summit": names a thing rather than dating a clause
    leading: bool  # "In December 2009, Montenegro …": the date opens its clause


def find_mentions(sentence: str) -> list[Mention]:
    """Dates in a sentence, the longest reading where readings overlap."""
    found = sorted(
        (
            (m.start(), m.start() - m.end(), form, m)
            for form, rx in _FORMS
            for m in rx.finditer(sentence)
        ),
        key=lambda f: (f[0], f[1]),
    )
    out: list[Mention] = []
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
        adjectival = form in ("y", "my") and _adjectival(sentence, start, m.end())
        leading = _leading(sentence, start)
        qual = q.lower().replace("the ", "").replace(" of", "") if q else None
        text = m.group(0).rstrip(".") if form in ("dm", "m") else m.group(0)
        if len(text) > _LONGEST_DATE:  # spaces run between its words: keep one
            text = " ".join(text.split())
        out.append(Mention(start, m.end(), text, form, span, qual, adjectival, leading))
    return out


# What the text before and after a date says about it. Each question looks only at the few
# characters next to the date (and the spaces between): asked of the whole text before it,
# as `before.split(...)[-1]` or a search anchored at its end would, it costs the length of
# the sentence for every date in it, which is quadratic in a long sentence.
_ARTICLE_BEFORE = re.compile(r"(?:\bthe|\ba|\ban|'s|’s)\Z", re.I)
_WORD_AFTER = re.compile(r"\s+(?!and\b|or\b|to\b|when\b|with\b|that\b)[A-Za-z]")
_CLAUSE_MARK = re.compile(r"[,;:]")
_CLAUSE_AND = re.compile(r"\band\b")
_PREPOSITIONS = (2, 4, 5, 6)  # lengths of in/on/by/at, from, since, during
_PREPOSITION = re.compile(r"(?i:in|on|by|at|during|from|since)")


def _adjectival(sentence: str, start: int, end: int) -> bool:
    r""" "the 2006 Riga summit": an article (or a possessive) and spaces before the date, a
    word after it. As ``(?:\bthe|…)\s+$`` on the text before the date, and
    ``\s+(?!and\b|…)[A-Za-z]`` on the text after it."""
    j = space_before(sentence, start)
    return (
        j < start
        and _ARTICLE_BEFORE.search(sentence, max(0, j - 3), j) is not None
        and _WORD_AFTER.match(sentence, end) is not None
    )


def _leading(sentence: str, start: int) -> bool:
    r""" "In December 2009, Montenegro …": nothing but a preposition (and spaces) between the
    start of the date's clause (after a comma, semicolon, colon or "and") and the date. As
    ``re.fullmatch(r"\s*(?i:in|…)?\s*", re.split(r"[,;:]|\band\b", before)[-1])``."""
    j = space_before(sentence, start)
    if j == 0 or _clause_ends(sentence, j, start):
        return True  # only spaces since the clause's start
    for n in _PREPOSITIONS:
        i = j - n
        if i >= 0 and _PREPOSITION.fullmatch(sentence, i, j):
            k = space_before(sentence, i)
            if k == 0 or _clause_ends(sentence, k, start):
                return True
    return False


def _clause_ends(text: str, end: int, stop: int) -> bool:
    """A clause separator ends at ``end`` in ``text[:stop]``."""
    return bool(
        (end >= 1 and _CLAUSE_MARK.match(text, end - 1, stop))
        or (end >= 3 and _CLAUSE_AND.match(text, end - 3, stop))
    )


def without_year(m: Mention, year: int) -> PartialDate:
    words = m.text.replace(".", "").split()
    month = MONTHS[next(w for w in words if not (w.isascii() and w.isdigit())).lower()]
    return PartialDate(year, month, int(words[0]) if m.form == "dm" else None)

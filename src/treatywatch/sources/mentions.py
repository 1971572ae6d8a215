"""Sentences and the dates written in them, with their precision and vagueness."""

from __future__ import annotations

import re
from dataclasses import dataclass

from treatywatch.domain.dates import MONTHS, DateParseError, DateSpan, PartialDate, parse_text

# -- sentences and dates --------------------------------------------------------

_ABBREV = re.compile(r"\b(?:U\.S|U\.K|U\.N|e\.g|i\.e|Mr|Mrs|Dr|St|No|vs|Doc)\.$")


def sentences(text: str) -> list[str]:
    """A paragraph's sentences (no split after "U.S." or "e.g.")."""
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?][\"”’)]?\s+(?=[A-Z\"“])", text):
        if _ABBREV.search(text[start : m.start() + 1]):
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
_Y = r"(?<![\d.,/-])(?:1[89]|20)\d{2}(?![\d%-]|\s*(?:percent|per cent))"
_Q = r"(?:(?P<q>(?i:early|mid|late|the end of|end of))[\s-]+)?"
_FORMS: list[tuple[str, re.Pattern[str]]] = [
    ("range", re.compile(rf"\b\d{{1,2}}\s*[–-]\s*\d{{1,2}}\s+{_M}\s+{_Y}")),
    ("dmy", re.compile(rf"\b\d{{1,2}}\s+{_M},?\s+{_Y}")),
    ("mdy", re.compile(rf"\b{_M}\s+\d{{1,2}},\s+{_Y}")),
    ("my", re.compile(rf"{_Q}\b{_M}\s+{_Y}")),
    ("y", re.compile(rf"{_Q}\b{_Y}")),
    ("dm", re.compile(rf"\b\d{{1,2}}\s+{_M}(?!,?\s+\d)")),
    ("m", re.compile(rf"(?<=\b[iI]n )\b{_M}(?!,?\s+\d)")),
]


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
        before, after = sentence[:start], sentence[m.end() :]
        adjectival = form in ("y", "my") and bool(
            re.search(r"(?:\bthe|\ba|\ban|'s|’s)\s+$", before, re.I)
            and re.match(r"\s+(?!and\b|or\b|to\b|when\b|with\b|that\b)[A-Za-z]", after)
        )
        clause = re.split(r"[,;:]|\band\b", before)[-1]
        leading = bool(re.fullmatch(r"\s*(?i:in|on|by|at|during|from|since)?\s*", clause))
        qual = q.lower().replace("the ", "").replace(" of", "") if q else None
        text = m.group(0).rstrip(".") if form in ("dm", "m") else m.group(0)
        out.append(Mention(start, m.end(), text, form, span, qual, adjectival, leading))
    return out


def without_year(m: Mention, year: int) -> PartialDate:
    words = m.text.replace(".", "").split()
    month = MONTHS[next(w for w in words if not w.isdigit()).lower()]
    return PartialDate(year, month, int(words[0]) if m.form == "dm" else None)

"""Poll figures in prose: a membership poll, or figures that are not one and why."""

from __future__ import annotations

import re

from treatywatch.domain.facts import ExcludedFigures, ProsePoll
from treatywatch.domain.model import Share
from treatywatch.sources.mentions import find_mentions
from treatywatch.sources.textscan import followed_in_sentence, space_before

# -- polls ----------------------------------------------------------------------

# A percentage: ASCII digits, up to six decimals (Share.parse's limits); a figure next to
# any other digit is not read.
PCT = re.compile(
    r"(?<![\d.])(100(?:[.,]0{1,6})?|[0-9]{1,2}(?:[.,][0-9]{1,6})?)(?![\d.,]\d)\s*(?:%|percent\b|per cent\b)"
)
_ROLES = [
    ("undecided", re.compile(r"\b(?:undecided|unsure|don'?t know|no opinion|remaining)\b", re.I)),
    ("against", re.compile(r"\b(?:oppos\w*|against)\b", re.I)),
    ("for", re.compile(r"\b(?:support\w*|in favou?r|favou?r\w*|for)\b", re.I)),
]
# An election result: "election" and, later in the sentence, "won", "popular vote" or "seats".
_ELECTION = re.compile(r"\belection\b", re.I)
_ELECTION_RESULT = re.compile(r"\b(?:won|popular vote|seats)\b", re.I)
_OTHER_QUESTION = re.compile(
    r"\b(?:schedul|hold)\w*\b[^.%]{0,40}\breferendum\b|\bwhether to\b|\bsupport holding\b", re.I
)
_SUBGROUP_INTRO = re.compile(r"\b(?:divisions? between|ethnic groups?|by ethnicity|among)\b", re.I)
_OF_GROUP = re.compile(r"\s+of\s+(?:the\s+)?((?:[\w’'-]+\s*){1,3})")
_POLL_BY = re.compile(
    r"\bpoll(?:s|ing)? (?:conducted |carried out )?by ([A-Z][\w&/.-]*(?: [A-Z][\w&/.-]*)*)"
)
# "Ipsos's poll": a name of at most eight capitalized words of at most 41 characters (an
# unbounded name makes the search retry every word of a long run of capitals: quadratic).
_POLL_OF = re.compile(
    r"([A-Z][\w&/.-]{0,40}(?: [A-Z][\w&/.-]{0,40}){0,7})(?:'s|’s) (?:\w+ )?poll\b"
)
# "a poll … from the Centre for Democracy": "from" after "poll", before a comma or full stop.
_POLL = re.compile(r"\bpoll\b")
_FROM = re.compile(r"\bfrom (?:the )?([A-Z][\w'’-]*(?: (?:[A-Z][\w'’-]*|for|of|and))*)")
_CLAUSE = re.compile(r"[^,.]+")
_COMMISSIONER = re.compile(
    r"\b(?:a|the) (government|opposition|ministry)(?:'s|’s)? (?:\w+ )?poll\b", re.I
)


def _pollster(sentence: str) -> str | None:
    """Who ran the poll: "a poll by X", "X's poll", or "a poll … from X"."""
    if m := _POLL_BY.search(sentence) or _POLL_OF.search(sentence):
        return m.group(1).strip()
    # As r"\bpoll\b[^,.]*?\bfrom …" would find, without rescanning the rest of a clause
    # for every "poll" in it: only a clause's first "poll" can be the one.
    for clause in _CLAUSE.finditer(sentence):
        poll = _POLL.search(sentence, clause.start(), clause.end())
        if poll and (m := _FROM.search(sentence, poll.end(), clause.end())):
            return m.group(1).strip()
    return None


def _word_before_at(sentence: str, end: int) -> str | None:
    r"""The word in "… support at 46%": what r"(\w+) at\s*$" finds in ``sentence[:end]``."""
    j = space_before(sentence, end)
    if j < 4 or sentence[j - 3 : j] != " at":
        return None
    i = j - 3
    k = i
    while k > 0 and (sentence[k - 1].isalnum() or sentence[k - 1] == "_"):
        k -= 1
    return sentence[k:i] if k < i else None


def _role(sentence: str, figs: list[re.Match[str]], i: int) -> str | None:
    f = figs[i]
    if word := _word_before_at(sentence, f.start()):
        return next((r for r, rx in _ROLES if rx.search(word)), None)
    stop = figs[i + 1].start() if i + 1 < len(figs) else len(sentence)
    after = re.split(r"[,;:]|\bwhile\b", sentence[f.end() : stop])[0]
    before = sentence[figs[i - 1].end() if i else 0 : f.start()]
    for window in (after, re.split(r"[,;:]", before)[-1]):
        if role := next((r for r, rx in _ROLES if rx.search(window)), None):
            return role
    return None


def _subgroup(sentence: str, f: re.Match[str], cand: str, intro: int | None) -> str | None:
    """The group a figure describes ("Montenegrin Serbs"), if not the whole public.

    ``intro`` is where the sentence's first subgroup wording ("among", "ethnic groups")
    ends: the figure is a subgroup's when that comes before it. A wording that ends right
    at the figure ("among50%") counts too, as a search of the text before it finds it.
    """
    m = _OF_GROUP.match(sentence, f.end())
    words = m.group(1).split() if m else []
    group = [w for w in words if w[:1].isupper() and not w.startswith(cand)]
    if group:
        return " ".join(group)
    start = f.start()
    if (intro is not None and intro <= start) or _SUBGROUP_INTRO.search(
        sentence, max(0, start - 20), start
    ):
        return "a subgroup"
    return None


def read_figures(sentence: str, line: int, cand: str) -> list[ProsePoll | ExcludedFigures]:
    """What a sentence's percentages are: a membership poll, or figures left out and why."""
    figs = list(PCT.finditer(sentence))
    shares = tuple(Share.parse(f.group(1)) for f in figs)

    def excluded(reason: str, detail: str, which: tuple[Share, ...] = shares) -> ExcludedFigures:
        return ExcludedFigures(which, reason, detail, sentence, line)

    if followed_in_sentence(sentence, _ELECTION, _ELECTION_RESULT):
        return [excluded("election", "an election result, not a poll")]
    if _OTHER_QUESTION.search(sentence):
        return [excluded("other-question", "answers another question (holding a referendum)")]
    general: dict[str, Share] = {}
    groups: list[tuple[Share, str]] = []
    intro = m.end() if (m := _SUBGROUP_INTRO.search(sentence)) else None
    for i, f in enumerate(figs):
        if group := _subgroup(sentence, f, cand, intro):
            groups.append((shares[i], group))
        elif (role := _role(sentence, figs, i)) and role not in general:
            general[role] = shares[i]
    out: list[ProsePoll | ExcludedFigures] = []
    if groups:
        names = ", ".join(dict.fromkeys(g for _s, g in groups))
        figures = tuple(s for s, _g in groups)
        out.append(excluded("subgroup", f"figures for subgroups ({names})", figures))
    dates = [m for m in find_mentions(sentence) if m.span is not None]
    if "for" not in general or "against" not in general:
        if general:
            out.append(
                excluded("incomplete", "no share both for and against", (*general.values(),))
            )
        return out
    if not dates or dates[0].span is None:
        return [excluded("undated", "poll figures without a date"), *out]
    pollster = _pollster(sentence)
    commissioner = m.group(1).lower() if (m := _COMMISSIONER.search(sentence)) else None
    poll = ProsePoll(
        dates[0].span,
        dates[0].text,
        re.sub(r"\s+(?:and|of|for)$", "", pollster) if pollster else None,
        commissioner,
        general["for"],
        general["against"],
        general.get("undecided"),
        sentence,
        line,
    )
    return [poll, *out]

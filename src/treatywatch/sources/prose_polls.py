"""Poll figures in prose: a membership poll, or figures that are not one and why."""

from __future__ import annotations

import re
from dataclasses import dataclass

from treatywatch.domain.dates import DateSpan
from treatywatch.domain.model import Share
from treatywatch.sources.mentions import find_mentions


@dataclass(frozen=True)
class ProsePoll:
    """Figures a sentence reports as answers on membership."""

    date: DateSpan
    date_text: str
    pollster: str | None
    commissioner: str | None  # "government" in "a government poll"
    share_for: Share
    share_against: Share
    share_undecided: Share | None
    sentence: str
    line: int


@dataclass(frozen=True)
class ExcludedFigures:
    """Percentages that are not a membership poll, and why."""

    figures: tuple[Share, ...]
    reason: str  # other-question | subgroup | election | incomplete | undated
    detail: str
    sentence: str
    line: int


# -- polls ----------------------------------------------------------------------

PCT = re.compile(
    r"(?<![\d.])(100(?:[.,]0+)?|\d{1,2}(?:[.,]\d+)?)(?![\d.,]\d)\s*(?:%|percent\b|per cent\b)"
)
_ROLES = [
    ("undecided", re.compile(r"\b(?:undecided|unsure|don'?t know|no opinion|remaining)\b", re.I)),
    ("against", re.compile(r"\b(?:oppos\w*|against)\b", re.I)),
    ("for", re.compile(r"\b(?:support\w*|in favou?r|favou?r\w*|for)\b", re.I)),
]
_ELECTION = re.compile(r"\belection\b[^.]*\b(?:won|popular vote|seats)\b", re.I)
_OTHER_QUESTION = re.compile(
    r"\b(?:schedul|hold)\w*\b[^.%]{0,40}\breferendum\b|\bwhether to\b|\bsupport holding\b", re.I
)
_SUBGROUP_INTRO = re.compile(r"\b(?:divisions? between|ethnic groups?|by ethnicity|among)\b", re.I)
_OF_GROUP = re.compile(r"\s+of\s+(?:the\s+)?((?:[\w’'-]+\s*){1,3})")
_POLLSTER = [
    re.compile(
        r"\bpoll(?:s|ing)? (?:conducted |carried out )?by ([A-Z][\w&/.-]*(?: [A-Z][\w&/.-]*)*)"
    ),
    re.compile(r"([A-Z][\w&/.-]*(?: [A-Z][\w&/.-]*)*)(?:'s|’s) (?:\w+ )?poll\b"),
    re.compile(r"\bpoll\b[^,.]*?\bfrom (?:the )?([A-Z][\w'’-]*(?: (?:[A-Z][\w'’-]*|for|of|and))*)"),
]
_COMMISSIONER = re.compile(
    r"\b(?:a|the) (government|opposition|ministry)(?:'s|’s)? (?:\w+ )?poll\b", re.I
)


def _role(sentence: str, figs: list[re.Match[str]], i: int) -> str | None:
    f = figs[i]
    if m := re.search(r"(\w+) at\s*$", sentence[: f.start()]):
        return next((r for r, rx in _ROLES if rx.search(m.group(1))), None)
    stop = figs[i + 1].start() if i + 1 < len(figs) else len(sentence)
    after = re.split(r"[,;:]|\bwhile\b", sentence[f.end() : stop])[0]
    before = sentence[figs[i - 1].end() if i else 0 : f.start()]
    for window in (after, re.split(r"[,;:]", before)[-1]):
        if role := next((r for r, rx in _ROLES if rx.search(window)), None):
            return role
    return None


def _subgroup(sentence: str, f: re.Match[str], cand: str) -> str | None:
    """The group a figure describes ("Montenegrin Serbs"), if not the whole public."""
    m = _OF_GROUP.match(sentence, f.end())
    words = m.group(1).split() if m else []
    group = [w for w in words if w[:1].isupper() and not w.startswith(cand)]
    if group:
        return " ".join(group)
    if _SUBGROUP_INTRO.search(sentence[: f.start()]):
        return "a subgroup"
    return None


def read_figures(sentence: str, line: int, cand: str) -> list[ProsePoll | ExcludedFigures]:
    """What a sentence's percentages are: a membership poll, or figures left out and why."""
    figs = list(PCT.finditer(sentence))
    shares = tuple(Share.parse(f.group(1)) for f in figs)

    def excluded(reason: str, detail: str, which: tuple[Share, ...] = shares) -> ExcludedFigures:
        return ExcludedFigures(which, reason, detail, sentence, line)

    if _ELECTION.search(sentence):
        return [excluded("election", "an election result, not a poll")]
    if _OTHER_QUESTION.search(sentence):
        return [excluded("other-question", "answers another question (holding a referendum)")]
    general: dict[str, Share] = {}
    groups: list[tuple[Share, str]] = []
    for i, f in enumerate(figs):
        if group := _subgroup(sentence, f, cand):
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
    pollster = next((m.group(1).strip() for rx in _POLLSTER if (m := rx.search(sentence))), None)
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

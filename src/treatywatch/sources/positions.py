"""Party positions in an article's prose: which party is for, against or neutral on joining."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from treatywatch.domain.model import PartyPosition, Position, Provenance
from treatywatch.sources.blocks import Paragraph
from treatywatch.sources.textscan import followed_in_sentence

# A party's name: at most eight capitalized words (of at most 41 characters) before the
# word that makes it a party. Unbounded, the search retries every word of a long run of
# capitalized words and is quadratic in the run's length.
_PARTY = re.compile(
    r"((?:[A-Z][\w'’]{1,40} ){0,8}(?:Party|Democracy|Movement|Front|Union|Alliance|Coalition|League)"
    r"(?: (?:of|for)(?: [A-Z][\w'’]+)+)*)"
)
_SUPPORTS = re.compile(r"\b(?:supports? (nato )?membership|pro-)", re.I)
_DESIRE, _MEMBER = re.compile(r"\bdesire for ", re.I), re.compile(r"member", re.I)


def _stance_pattern(rx: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda sentence: rx.search(sentence) is not None


def _supports(sentence: str) -> bool:
    r"""As r"\b(supports? (nato )?membership|desire for .* member|pro-)" (case-insensitive)."""
    return _SUPPORTS.search(sentence) is not None or followed_in_sentence(
        sentence, _DESIRE, _MEMBER, stop="\n"
    )


_STANCES: list[tuple[Position, Callable[[str], bool]]] = [
    (Position.AMBIGUOUS, _stance_pattern(re.compile(r"\bambiguous\b", re.I))),
    (Position.NEUTRAL, _stance_pattern(re.compile(r"\bneutral\b", re.I))),
    (
        Position.AGAINST,
        _stance_pattern(re.compile(r"\b(opponent|opposes|opposed to|against)\b", re.I)),
    ),
    (Position.FOR, _supports),
]


def read_positions(paragraphs: Iterable[Paragraph], sha: str) -> list[PartyPosition]:
    """Parties' stances stated in the paragraphs of sections on politics, parties or views;
    each party once, at its first stance (``sha``: the SHA-256 of the document's text)."""
    found: list[PartyPosition] = []
    seen: set[str] = set()
    for p in paragraphs:
        if not re.search(r"politic|part(y|ies)|view", p.section, re.I):
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", p.text):
            stance = next((pos for pos, says in _STANCES if says(sentence)), None)
            if stance is None:
                continue
            for name in _PARTY.findall(sentence):
                party = re.sub(r"^The ", "", name)
                if party in seen or len(party.split()) < 2:
                    continue
                seen.add(party)
                prov = Provenance(sha, p.line, p.line)
                found.append(PartyPosition(party, stance, prov, sentence[:300]))
    return found

"""Read an article's prose: dated events, members' ratification steps and reported polls.

Each dated statement becomes a :class:`ProseEvent`, typed with the organization's
procedure kinds when its wording reports the step as done (else kind ``"event"``); a
member's own steps also become :class:`RatificationAct` records; poll figures become a
:class:`ProsePoll`, or :class:`ExcludedFigures` when they are not a membership poll.
A date written without a year takes the year of the nearest earlier date in its
paragraph and is marked inferred, as is a step attributed to a member not named.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass

from treatywatch.domain.dates import DateParseError, PartialDate
from treatywatch.domain.facts import (  # re-exported for readers of prose
    ExcludedFigures,
    ProsePoll,
    ProseReading,
)
from treatywatch.domain.model import (  # ProseEvent: re-exported for readers of prose
    UNTYPED,
    ActKind,
    Organization,
    Process,
    ProseEvent,
    Provenance,
    RatificationAct,
)
from treatywatch.reference import country_name, data_text
from treatywatch.sources.blocks import Paragraph
from treatywatch.sources.mentions import Mention, find_mentions, sentences, without_year
from treatywatch.sources.prose_polls import PCT, read_figures
from treatywatch.sources.textscan import (
    followed_in_sentence,
    space_before,
    starts_word,
    strip_last_word,
)

__all__ = [
    "ExcludedFigures",
    "Mention",
    "ProseEvent",
    "ProsePoll",
    "ProseReading",
    "find_mentions",
    "read_figures",
    "read_prose",
    "sentences",
]


# -- what a clause reports ------------------------------------------------------

_MODAL = re.compile(
    r"\b(?:would|will|should|could|might|desire|hopes?|hoped|expect\w*|aim|intend\w*|"
    r"intention|plans? to|suggest\w*|argu\w*|urg\w*|called for|propos\w*|pending|"
    r"(?:un)?likely|bid|importance of|warn\w*|threat\w*|reported that|said that|claim\w*)\b",
    re.I,
)
_APPLIED = re.compile(r"\bappl(?:y|ies|ied|ying)\b|\bsubmitted (?:its|an|a) application", re.I)
_DONE = r"\b(?:join|enter|sign|adopt|grant|receiv|launch|began|begin|start|accept|admitt|agree)"
_VERBS: dict[str, str] = {
    "invitation": r"\b(?:issu|extend|receiv|accept|sent|given|invited)",
    "protocol_signed": r"\bsign",
    "treaty_signed": r"\bsign",
    "membership": r"\b(?:join|became|become|took place|admitt|member of)",
    "domestic_ratification": r"\b(?:ratif|approv|vot|pass)",
    "ratification_by_members": r"\b(?:complet|finish)",
    "candidate_status": r"\b(?:grant|receiv|became|given|award)",
    "negotiations_opened": r"\b(?:open|began|begin|start|launch)",
    "negotiations_closed": r"\b(?:conclud|clos|complet|finish)",
}
# How prose words steps besides the table labels and aliases of the reference data.
_PHRASES: dict[str, str] = {
    "invitation": r"\b(?:was|were|formally|officially) invited\b|\binvitation (?:was|were) "
    r"(?:issued|extended|sent|given)|\b(?:issued|extended|received|accepted) (?:an|a|the)"
    r"(?: formal| official)? invitation",
    "protocol_signed": r"\b(?:accession )?protocol\b",
    "treaty_signed": r"\baccession treaty\b|\btreaty of accession\b",
    # "took place" within 300 characters: an unbounded [^.]* rescans the rest of the
    # sentence for every "accession of X to" in it (quadratic).
    "membership": r"\bjoined\b|\bbecame (?:the|a|an) (?:\w+ )?member\b|\baccession of \w+ to\b"
    r"[^.]{0,300}\btook place|\bmember of\b|\bfull membership\b",
    "ratification_by_members": r"\bratification by (?:each|every|all)(?: the)? (?:other )?member",
    "candidate_status": r"\bcandidate status\b|\bofficial candidate\b",
    "negotiations_opened": r"\b(?:negotiations|talks)\b",
    "negotiations_closed": r"\b(?:negotiations|talks)\b",
}
# "joined", "member of", "invited to join" also fit other bodies (the Adriatic Charter).
_OBJECT_CHECKED = {"membership", "invitation"}
_OBJECT = re.compile(
    r"\b(?:join(?:ed)?|member(?:ship)?(?: state)? (?:of|with|in)|accession (?:of \w+ )?to)\s+"
    r"(?:the\s+)?(?P<obj>[A-Z][\w’'-]*(?:\s+(?:[A-Z][\w’'-]*|of|for))*)"
)
_PARLIAMENT = re.compile(
    r"\b(?:senate|parliament|national assembly|congress|legislature|bundestag|sejm|storting|"
    r"riksdag|house of (?:representatives|commons|lords)|chamber of deputies)\b",
    re.I,
)
_HEAD = re.compile(r"\b(?:president|king|queen|monarch|governor[- ]general|head of state)\b", re.I)
_ACT_LABEL = {
    ActKind.PARLIAMENT_APPROVAL: "parliament's approval",
    ActKind.HEAD_OF_STATE_SIGNATURE: "head of state's signature",
    ActKind.RATIFIED: "ratification",
    ActKind.DEPOSIT: "deposit of the instrument",
}


def _kind_patterns(org: Organization) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Per procedure kind: its precise aliases (several words, or an acronym) and phrases."""
    out = []
    for k in org.procedure:
        alts = []
        for a in {a.rstrip(":") for a in (k.label, *k.aliases)}:
            if " " in a:
                alts.append(f"(?i:{re.escape(a)})")
            elif sum(c.isupper() for c in a) >= 2:
                alts.append(rf"\b{re.escape(a)}\b")
        if k.kind in _PHRASES:
            alts.append(f"(?i:{_PHRASES[k.kind]})")
        if alts:
            out.append((k.kind, re.compile("|".join(alts))))
    return tuple(out)


def _countries(org: Organization, candidate: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern for the members' and the candidate's names as written, and their codes."""
    codes = {m.code for m in org.memberships} | {candidate}
    names = {m.name: m.code for m in org.memberships}
    names[country_name(candidate)] = candidate
    for row in csv.DictReader(data_text("country-aliases.csv").splitlines()):
        if row["code"] in codes:
            names.setdefault(row["alias"], row["code"])
    alts = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alts)) + r")(?!\w)"), names


def _other_body(text: str, org: Organization) -> bool:
    """True when "joined", "member of" or "invited to join" names a body other than ``org``."""
    own = {a.lower() for a in (org.code, org.name, *org.aliases)}
    for m in _OBJECT.finditer(text):
        if strip_last_word(m.group("obj"), ("of", "for")).lower() not in own:
            return True
    return False


class _Vocab:
    """The organization's step patterns and the country names, built once per reading."""

    def __init__(self, org: Organization, candidate: str) -> None:
        self.org, self.cand = org, candidate
        self.kinds = _kind_patterns(org)
        self.countries, self.codes = _countries(org, candidate)
        own = sorted((n for n, c in self.codes.items() if c == candidate), key=len, reverse=True)
        # The candidate ratifying: "Montenegro's parliament ratified", "Montenegro ratified".
        self.domestic = re.compile(
            rf"(?:{'|'.join(map(re.escape, own))})(?:'s|’s)?(?: own)? (?:\w+ ){{0,3}}?"
            r"(?:ratif|approv|vot|pass)\w*",
            re.I,
        )


@dataclass(frozen=True)
class _Step:
    kind: str  # a procedure kind, or "member"
    member: str | None = None
    act: ActKind | None = None


_DEPOSIT = re.compile(r"\bdeposit\w*\b", re.I)
_INSTRUMENT = re.compile(r"\binstrument", re.I)


def _member_act(seg: str) -> ActKind | None:
    if _PARLIAMENT.search(seg) and re.search(r"\b(?:vot|approv|pass|ratif|adopt)", seg, re.I):
        return ActKind.PARLIAMENT_APPROVAL
    if _HEAD.search(seg) and re.search(r"\bsign", seg, re.I):
        return ActKind.HEAD_OF_STATE_SIGNATURE
    if followed_in_sentence(seg, _DEPOSIT, _INSTRUMENT):
        return ActKind.DEPOSIT
    if re.search(r"\bratif", seg, re.I):
        return ActKind.RATIFIED
    return None


def _classify(
    sentence: str, seg: tuple[int, int], at: Mention, prev: str, v: _Vocab
) -> list[_Step]:
    """The steps a clause reports as done: procedure steps and members' acts (maybe none)."""
    text, org, cand = sentence[seg[0] : seg[1]], v.org, v.cand
    if _MODAL.search(text):
        return []
    if _APPLIED.search(text):
        return [_Step("application")] if org.kind("application") else []
    named = {v.codes[m.group(0)] for m in v.countries.finditer(text)}
    members = sorted(named - {cand})
    act = _member_act(text)
    if v.domestic.search(text) and act in (ActKind.PARLIAMENT_APPROVAL, ActKind.RATIFIED):
        return [_Step("domestic_ratification")] if org.kind("domestic_ratification") else []
    steps = []
    if act is not None and len(members) == 1:
        steps.append(_Step("member", members[0], act))
    elif act in (ActKind.PARLIAMENT_APPROVAL, ActKind.HEAD_OF_STATE_SIGNATURE) and not named:
        steps.append(_Step("member", None, act))  # the member comes from the context
    found: list[tuple[int, str]] = []
    for kind, pattern in v.kinds:
        for m in pattern.finditer(text):
            s, e = seg[0] + m.start(), seg[0] + m.end()
            found.append((max(at.start - e, s - at.end, 0), kind))
    if not found and re.search(r"\bwhich (?:was|were)\b", text):
        found = [(0, k) for k, p in v.kinds if p.search(prev)][-1:]
    for _dist, kind in sorted(found):
        if kind == "domestic_ratification" and members:
            continue
        if not re.search(_VERBS.get(kind, _DONE), text, re.I):
            continue
        if kind in _OBJECT_CHECKED and _other_body(text, org):
            continue
        steps.append(_Step(kind))
        break
    return steps


# Words that make the date after them an aim, a hope or a forecast ("with the aim of
# inviting Montenegro to join the alliance by the end of 2015", "making accession unlikely
# in 2014", "progress was expected by the end of 2015"), not the date of an event.
_TARGET = re.compile(
    r"\b(?:would|will|should|shall|aim\w*|expect\w*|hopes?|hoped|plan(?:s|ned|ning)? to|(?:un)?likely|"
    r"intend\w*|scheduled|due to)\b",
    re.I,
)


def _is_target(before: str) -> bool:
    """True when the words before a date, in its part of the sentence (after the last comma
    or semicolon), make it a target date."""
    part = re.split(r"[,;]", before)[-1]
    return bool(_TARGET.search(part))


def _label(text: str, prev: str) -> str:
    """A readable label for an untyped event: its clause, without the date's preposition."""
    s = re.sub(r"^[\s,;:]*(?:and|but|while|then)?\s*", "", text, flags=re.I)
    for _ in range(3):  # "…, and in": each pass drops one spaced word (a bounded few)
        cut = _label_tail(s)
        if cut == len(s):
            break
        s = s[:cut]
    if len(s.split()) < 3 and prev:
        s = f"{_label(prev, '')} … {s}"
    return _whole_words(s)


# Labels are clauses; one longer than this (a run-on clause) is cut at a word, marked "…".
MAX_LABEL = 300


def _whole_words(s: str, limit: int = MAX_LABEL) -> str:
    """``s``, or its words that fit in ``limit`` characters and "…": never half a word."""
    if len(s) <= limit:
        return s
    cut = s.rfind(" ", 0, limit)
    return s[: cut if cut > 0 else limit].rstrip(" ,;:") + " …"


_TAIL_WORDS = (
    "the end of", "during", "since", "from", "the", "in", "on", "at", "by", "of", "and", "but"
)  # fmt: skip


def _label_tail(s: str) -> int:
    r"""Where a clause's trailing prepositions and punctuation start ("… was signed on ,").

    The same cut as ``re.sub(r"\s*(?:,|\b(?:in|on|…|of|the|and|but))*[\s,.]*$", "", s)``, found
    from the end: that pattern retries every position of a run of commas or spaces, in
    cubic time. A cut is a run of spaces, then commas and those words written together
    ("in,", "the end of"), then spaces, commas and full stops to the end.
    """
    end = len(s)
    while end > 0 and (s[end - 1].isspace() or s[end - 1] in ",."):
        end -= 1
    cut = end
    while cut > 0:
        if s[cut - 1] == ",":
            cut -= 1
            continue
        # The longest word that ends here and starts a word ("the end of" before "of").
        w = next(
            (w for w in _TAIL_WORDS if s.endswith(w, 0, cut) and starts_word(s, cut - len(w))), None
        )
        if w is None:
            break
        cut -= len(w)
    if cut == end:
        return end
    return space_before(s, cut)


# A prose event keeps its sentence as evidence; a "sentence" longer than this (a paragraph
# without full stops) keeps this much of it around the date: every event of a 10 MB
# sentence storing all of it would be quadratic in the store.
MAX_SENTENCE = 1000
# And a sentence that dates many events keeps less of itself with each ("1999, 2000, 2001,
# …": an event every six characters, each keeping 1000 of them, would store 170 times the
# text): together its events keep about SENTENCE_SHARE times the sentence, each at least
# MIN_SENTENCE characters around its date. A sentence with up to 20 events keeps all of it.
SENTENCE_SHARE = 20
MIN_SENTENCE = 120


def excerpt_limit(length: int, events: int) -> int:
    """How much of a sentence of ``length`` characters each of its ``events`` keeps."""
    return min(MAX_SENTENCE, max(MIN_SENTENCE, SENTENCE_SHARE * length // max(events, 1)))


def excerpt(sentence: str, m: Mention, limit: int = MAX_SENTENCE) -> str:
    """The sentence, or at most ``limit`` characters of it around the date."""
    if len(sentence) <= limit:
        return sentence
    half = (limit - (m.end - m.start)) // 2
    start = max(0, min(m.start - half, len(sentence) - limit))
    end = min(len(sentence), max(start + limit, m.end))
    return ("…" if start else "") + sentence[start:end] + ("…" if end < len(sentence) else "")


# -- the whole prose ------------------------------------------------------------


class _Reader:
    def __init__(self, process: Process, org: Organization, sha: str) -> None:
        self.sha, self.org = sha, org
        self.cand = process.candidate_code
        self.cand_name = process.candidate_name
        self.vocab = _Vocab(org, self.cand)
        self.events: list[ProseEvent] = []
        self.acts: list[RatificationAct] = []
        self.polls: list[ProsePoll] = []
        self.excluded: list[ExcludedFigures] = []
        self.anchor: Mention | None = None  # latest date with a month, to date "10 May"
        self.last_member: str | None = None  # member of the paragraph's last member step

    def paragraph(self, text: str, line: int) -> None:
        self.anchor, self.last_member = None, None
        for sentence in sentences(text):
            if PCT.search(sentence):
                self.poll(sentence, line)
            else:
                self.sentence(sentence, line)

    def poll(self, sentence: str, line: int) -> None:
        for found in read_figures(sentence, line, self.cand_name):
            if isinstance(found, ProsePoll):
                self.polls.append(found)
            else:
                self.excluded.append(found)

    def date_of(self, m: Mention) -> tuple[PartialDate, str | None] | None:
        """A mention's date, and why its year was inferred; None when it cannot be dated."""
        if m.span is not None:
            self.anchor = m if m.span.start.month is not None else None
            return m.span.start, None
        if self.anchor is None or self.anchor.span is None:
            return None
        try:
            d = without_year(m, self.anchor.span.start.year)
        except DateParseError:
            return None  # "31 April"
        if d.lower() < self.anchor.span.start.lower():
            return None  # a later year would be a guess
        return d, (
            f"'{m.text}' has no year; {d.year} is the year of the nearest earlier date "
            f"in its paragraph ('{self.anchor.text}')"
        )

    def sentence(self, sentence: str, line: int) -> None:
        mentions = find_mentions(sentence)
        dating = [m for m in mentions if not m.adjectival]
        whole = not dating  # only "the 2006 Riga summit": the date of the whole sentence
        prev = ""
        limit = excerpt_limit(len(sentence), len(dating or mentions[:1]))
        for i, m in enumerate(dating or mentions[:1]):
            dated = self.date_of(m)
            if dated is None:
                continue
            if whole:
                seg = (0, len(sentence))
            elif m.leading:
                seg = (m.end, dating[i + 1].start if i + 1 < len(dating) else len(sentence))
            else:
                seg = (dating[i - 1].end if i else 0, m.start)
            text = sentence[seg[0] : seg[1]]
            if (whole or not m.leading) and _is_target(sentence[seg[0] : m.start]):
                prev = text
                continue  # when something was meant to happen: not an event
            steps = _classify(sentence, seg, m, prev, self.vocab) or [_Step(UNTYPED)]
            for step in steps:
                self.emit(step, dated, m, text, prev, excerpt(sentence, m, limit), line)
            prev = text

    def emit(
        self,
        step: _Step,
        dated: tuple[PartialDate, str | None],
        m: Mention,
        text: str,
        prev: str,
        evidence: str,
        line: int,
    ) -> None:
        date, why_year = dated
        reasons = [why_year] if why_year else []
        member, kind = step.member, step.kind
        if step.act is not None:
            if member is None and self.last_member is not None:
                member = self.last_member
                reasons.append(
                    f"the sentence names no country; attributed to {country_name(member)}, "
                    "named in the paragraph's previous member step"
                )
            name = country_name(member) if member else None
            kind, label = f"member_{step.act.value}", f"{name or 'unnamed member'}: "
            label += _ACT_LABEL[step.act]
            prov = Provenance(self.sha, line, line, bool(reasons), "; ".join(reasons) or None)
            self.acts.append(RatificationAct(member, name, step.act, date, prov))
            self.last_member = member or self.last_member
        elif (known := self.org.kind(kind)) is not None:
            label = known.label
        else:
            kind, label = UNTYPED, _label(text, prev)
        reason = "; ".join(reasons) or None
        self.events.append(
            ProseEvent(
                date,
                m.qualifier,
                kind,
                label,
                evidence,
                line,
                bool(reasons),
                reason,
                member,
                m.text,
                self.sha,
            )
        )


def read_prose(
    paragraphs: Iterable[Paragraph], process: Process, org: Organization, sha: str
) -> ProseReading:
    """Events, members' acts and polls stated in a document's paragraphs (``sha``: its text's)."""
    reader = _Reader(process, org, sha)
    for para in paragraphs:
        reader.paragraph(para.text, para.line)
    return ProseReading(
        tuple(reader.events), tuple(reader.acts), tuple(reader.polls), tuple(reader.excluded)
    )

"""Import → store → read is lossless for every record type, on SQLite and PostgreSQL.

Hypothesis generates what an importer could hand the store (every record type, every
optional field, shares of every precision, partial dates of every precision and intervals,
the largest sample size a source may state, lines as far as a 10 MB document reaches, and
hostile text: quotes, SQL, unicode, control characters, very long strings), imports it with
``Store.import_documents`` and reads it back with the store's public queries, and with
``Store.unchanged_outcome`` (what importing it again reports: its counts and problems).

Text here never holds NUL: PostgreSQL cannot store it, so the store refuses it on both
backends (``test_text_with_nul_is_refused_on_every_backend``), and no document can carry it
(the file reader refuses NUL bytes).
"""

from __future__ import annotations

import itertools
import os
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treatywatch.domain.dates import DateSpan, PartialDate, Precision
from treatywatch.domain.findings import Finding, Severity
from treatywatch.domain.model import (
    ActKind,
    Base,
    Document,
    Milestone,
    ParsedDocument,
    PartyPosition,
    Poll,
    Position,
    Problem,
    Process,
    ProseEvent,
    Provenance,
    RatificationAct,
    Relation,
    Share,
)
from treatywatch.errors import StoreError
from treatywatch.store.db import Store
from treatywatch.store.tables import KEY_BYTES

# Bounds a source may reach: sample sizes up to 10,000,000 (the importer's limit), lines up
# to the 10,000,000th (a 10 MB document of empty lines).
MAX_SAMPLE = 10_000_000
MAX_LINE = 10_000_000

HOSTILE = [
    "",
    " ",
    "'",
    '"',
    "''",
    "'; DROP TABLE polls; --",
    "Robert'); DROP TABLE documents;--",
    "\\",
    "?",
    "%s",
    "%(x)s",
    "$1",
    "{ID}",
    "--",
    "/* */",
    "NULL",
    "null",
    "None",
    "[]",
    "\t\r\n",
    "\u202e",
    "\ufeff",
    "\u2028",
    "\x85",
    "\x1b[31m",
    "Črna Gora – Црна Гора",
    "🇲🇪🇳🇴",
    "ﷺ",
    "a\u0301",
]
# Any Unicode text a UTF-8 document can hold, except NUL.
_chars = st.characters(codec="utf-8", exclude_characters="\x00")
text = st.one_of(
    st.text(_chars, max_size=30),
    st.sampled_from(HOSTILE),
    # Long: up to 160,000 characters in any field.
    st.builds(lambda s, n: s * n, st.text(_chars, min_size=1, max_size=8), st.integers(1, 20_000)),
)
# A document's text: up to 1.6 million characters (a failing example shrinks faster when only
# one field can be that long).
document_text = text | st.builds(
    lambda s, n: s * n, st.text(_chars, min_size=1, max_size=8), st.integers(1, 200_000)
)
optional_text = st.none() | text


def fit(s: str, limit: int) -> str:
    """``s`` cut to at most ``limit`` bytes of UTF-8, at a character's boundary."""
    return s.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


# Keys (a process's slug, a document's source key) are indexed: at most KEY_BYTES bytes of
# UTF-8 (the store refuses longer ones, see test_a_key_longer_than_an_index_row_is_refused).
# The long ones end within a few bytes of the limit; "#<n>" follows them.
key_text = st.one_of(
    st.text(_chars, max_size=30),
    st.sampled_from(HOSTILE),
    st.builds(
        lambda s: fit(s * KEY_BYTES, KEY_BYTES - 12), st.text(_chars, min_size=1, max_size=8)
    ),
)
line = st.integers(1, MAX_LINE)


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = draw(st.dates(date(1, 1, 1), date(9999, 12, 31)))
    precision = draw(st.sampled_from(Precision))
    if precision is Precision.YEAR:
        return PartialDate(day.year)
    if precision is Precision.MONTH:
        return PartialDate(day.year, day.month)
    return PartialDate.of(day)


@st.composite
def spans(draw: st.DrawFn) -> DateSpan:
    """A single date or an interval, each end at any precision."""
    a = draw(partial_dates())
    b = draw(st.just(a) | partial_dates())
    return DateSpan(a, b) if b.upper() >= a.lower() else DateSpan(b, a)


@st.composite
def shares(draw: st.DrawFn) -> Share:
    """A percentage as a source writes it: 0–100 with up to six decimals."""
    decimals = draw(st.integers(0, 6))
    units = draw(st.integers(0, 100 * 10**decimals))
    written = f"{units // 10**decimals}" + (
        f".{units % 10**decimals:0{decimals}d}" * (decimals > 0)
    )
    return Share.parse(written)


@st.composite
def provenances(draw: st.DrawFn, sha: str, inferable: bool) -> Provenance:
    """A provenance in the document; polls, relations and party positions are never
    inferred (their tables keep no inference: test_an_inferred_poll_is_refused_not_stored_as_read)."""
    start = draw(line)
    end = draw(st.integers(start, MAX_LINE))
    if not inferable:
        return Provenance(sha, start, end)
    inferred, reason = draw(st.booleans()), draw(optional_text)
    return Provenance(sha, start, end, inferred, reason, draw(optional_text), draw(optional_text))


def parsed_document(document: Document, process: Process, **records: list[Any]) -> ParsedDocument:
    """The one place this test builds a ParsedDocument, from lists of records by field name."""
    return ParsedDocument(document, process, **{k: tuple(v) for k, v in records.items()})


# A different document and process in every example, so that examples sharing one store
# never read each other's records.
_serial = itertools.count()


@st.composite
def documents(draw: st.DrawFn) -> ParsedDocument:
    n = next(_serial)
    sha = f"{n:08x}" + draw(st.binary(min_size=28, max_size=28)).hex()
    origin = (
        draw(optional_text),
        draw(st.none() | partial_dates()),
        draw(st.none() | partial_dates()),
    )
    doc = Document(
        sha, f"{draw(key_text)}#{n}", draw(text), draw(text), draw(document_text), *origin
    )
    proc = Process(f"{draw(key_text)}#{n}", draw(text), draw(text), draw(text))
    many = {"max_size": 6}

    def prov(inferable: bool = True) -> st.SearchStrategy[Provenance]:
        return provenances(sha, inferable)

    act = st.builds(
        RatificationAct,
        optional_text,
        optional_text,
        st.sampled_from(ActKind),
        partial_dates(),
        prov(),
        optional_text,
    )
    poll = st.builds(
        Poll,
        fieldwork=spans(),
        pollster=optional_text,
        share_for=shares(),
        share_against=shares(),
        provenance=prov(inferable=False),
        share_undecided=st.none() | shares(),
        lead=st.none() | shares(),
        sample_size=st.none() | st.integers(1, MAX_SAMPLE),
        question=optional_text,
        condition=optional_text,
        base=st.sampled_from(Base),
        base_inferred=st.booleans(),
    )
    finding = st.builds(
        Finding,
        text,
        text,
        st.sampled_from(Severity),
        text,
        text,
        text,
        st.just(sha),
        line,
        line,
        st.lists(line, max_size=5).map(tuple),
    )
    event = st.builds(
        ProseEvent,
        partial_dates(),
        optional_text,
        text,
        text,
        text,
        line,
        st.booleans(),
        optional_text,
        optional_text,
        text,
        st.just(sha),
    )
    return parsed_document(
        doc,
        proc,
        milestones=draw(
            st.lists(st.builds(Milestone, text, text, partial_dates(), prov(), text), **many)
        ),
        acts=draw(st.lists(act, **many)),
        prose_acts=draw(st.lists(act, **many)),
        polls=draw(st.lists(poll, **many)),
        relations=draw(
            st.lists(st.builds(Relation, optional_text, text, prov(inferable=False)), **many)
        ),
        positions=draw(
            st.lists(
                st.builds(
                    PartyPosition, text, st.sampled_from(Position), prov(inferable=False), text
                ),
                **many,
            )
        ),
        problems=draw(st.lists(st.builds(Problem, text, line, text), **many)),
        events=draw(st.lists(event, **many)),
        findings=draw(st.lists(finding, **many)),
    )


def read_back(store: Store, r: ParsedDocument) -> dict[str, Any]:
    """Everything the store says about the document's process, by record type."""
    slug = r.process.slug
    return {
        "process": [p for p in store.processes() if p.slug == slug],
        "document": store.document(r.document.sha256),
        "documents": store.documents(slug),
        "milestones": store.milestones(slug),
        "acts": store.acts(slug, origin="table"),
        "prose_acts": store.acts(slug, origin="prose"),
        "all_acts": store.acts(slug),
        "polls": store.polls(slug),
        "relations": store.relations(slug),
        "positions": store.positions(slug),
        "problems": store.problems(slug),
        "events": store.events(slug),
        "findings": store.findings(slug),
    }


def written(r: ParsedDocument) -> dict[str, Any]:
    """What read_back must return: the records as generated, in the store's order."""
    order = {id(f): i for i, f in enumerate(r.findings)}
    return {
        "process": [r.process],
        "document": r.document,
        "documents": [r.document],
        "milestones": list(r.milestones),
        "acts": list(r.acts),
        "prose_acts": list(r.prose_acts),
        "all_acts": [*r.acts, *r.prose_acts],
        "polls": list(r.polls),
        "relations": list(r.relations),
        "positions": list(r.positions),
        "problems": [(r.document.path, p) for p in r.problems],
        "events": list(r.events),
        # Findings come back by line (then as stored).
        "findings": sorted(r.findings, key=lambda f: (f.line_start, order[id(f)])),
    }


# ``TREATYWATCH_FUZZ_EXAMPLES`` (as for tests/test_fuzz.py) runs more examples.
LOSSLESS = settings(
    max_examples=int(os.environ.get("TREATYWATCH_FUZZ_EXAMPLES", "50")),
    deadline=None,
    report_multiple_bugs=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


@LOSSLESS
@given(documents())
def test_import_then_read_is_lossless(any_store: Store, records: ParsedDocument) -> None:
    outcome = any_store.import_documents([records])[0]
    assert outcome.action == "imported"
    got, want = read_back(any_store, records), written(records)
    # Name what differs in a few lines (pytest's diff of megabyte strings slows shrinking).
    differ = [
        f"{k}: read {short(got[k])}, wrote {short(want[k])}" for k in want if got[k] != want[k]
    ]
    assert not differ, "\n".join(differ)
    # Importing it again reports what the store holds from it, without reading it again.
    doc = records.document
    again = any_store.unchanged_outcome(doc.sha256, doc.path)
    assert again is not None
    assert (again.action, again.process, again.counts, again.problems) == (
        "unchanged",
        outcome.process,
        outcome.counts,
        list(records.problems),
    )


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 600 else text[:600] + f"… ({len(text):,} characters)"


SHA = "0" * 64
SIGNED = Milestone("signed", "Signed", PartialDate(2016), Provenance(SHA, 1, 1))


def minimal(key: str = "key", slug: str = "p", **records: list[Any]) -> ParsedDocument:
    """A document (with ``key``) of a process (``slug``) with one milestone, or ``records``."""
    document = Document(SHA, key, "a.txt", "title", "text")
    process = Process(slug, "ME", "Montenegro", "NATO")
    return parsed_document(document, process, **({"milestones": [SIGNED]} | records))


def nothing_stored(store: Store) -> bool:
    return all(n == 0 for n in store.table_counts().values())


def test_text_with_nul_is_refused_on_every_backend(any_store: Store) -> None:
    """PostgreSQL cannot store NUL in text; SQLite could. The store refuses it on both, with
    its own error naming the field, and writes nothing."""
    bad = Milestone("signed", "Sig\x00ned", SIGNED.date, SIGNED.provenance)
    with pytest.raises(StoreError, match=r"milestones\.label holds a NUL"):
        any_store.import_documents([minimal(milestones=[SIGNED, bad])])
    assert nothing_stored(any_store)


def test_a_key_as_long_as_an_index_row_holds_is_kept(any_store: Store) -> None:
    key = fit("🇲🇪" * KEY_BYTES, KEY_BYTES)  # four bytes a character: exactly KEY_BYTES
    assert len(key.encode("utf-8")) == KEY_BYTES
    any_store.import_documents([minimal(key=key, slug=key)])
    assert any_store.document_history(key)[0][0] == SHA
    assert [p.slug for p in any_store.processes()] == [key]


@pytest.mark.parametrize("field", ["source_key", "slug"])
def test_a_key_longer_than_an_index_row_is_refused(any_store: Store, field: str) -> None:
    """PostgreSQL's index rows hold about 2,700 bytes; SQLite's have no limit. The store
    keeps keys up to KEY_BYTES on both, and refuses longer ones with its own error."""
    long = "a" * KEY_BYTES + "é"
    parsed = minimal(key=long) if field == "source_key" else minimal(slug=long)
    with pytest.raises(StoreError, match=rf"\.{field} is longer than the store keeps"):
        any_store.import_documents([parsed])
    assert nothing_stored(any_store)


def test_an_inferred_poll_is_refused_not_stored_as_read(any_store: Store) -> None:
    """Polls keep no inference columns: an inferred poll would lose it, so it is refused."""
    poll = Poll(
        DateSpan.single(PartialDate(2016)),
        "Ipsos",
        Share.parse("50"),
        Share.parse("40"),
        Provenance(SHA, 3, 3, inferred=True, reason="pollster from the prose"),
    )
    with pytest.raises(StoreError, match="provenance.inferred = True cannot be stored"):
        any_store.import_documents([minimal(polls=[poll])])
    assert nothing_stored(any_store)

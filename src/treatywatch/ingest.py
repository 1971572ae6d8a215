"""Import documents into the store: read each once, check it, then store them at once.

A path is an article (plain text) or a data package (a folder with ``datapackage.json``,
a zip, or a descriptor file: :mod:`treatywatch.sources.datapackage`).

One pass a document: :func:`read_document` reads the file and hashes its text; the importer
(``sources.article.parse``) splits the text into blocks once and reads its tables, lists and
prose from them; the checks read those facts; :meth:`DocumentFacts.checked` builds the frozen
:class:`ParsedDocument`. :func:`read_text` is that pass; every caller goes through it. A text
the store already holds as a current version is not parsed again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from treatywatch.checks import check_package, check_records, run_checks
from treatywatch.domain.dates import PartialDate
from treatywatch.domain.model import ParsedDocument, RatificationAct
from treatywatch.domain.status import status_as_of
from treatywatch.errors import InputError, ProblemsError, TreatywatchError
from treatywatch.reference import organization
from treatywatch.sources import recorded
from treatywatch.sources.article import parse
from treatywatch.sources.datapackage import SOURCE_KEY_PREFIX as PACKAGE_KEY_PREFIX
from treatywatch.sources.datapackage import is_package, read_package, read_stored_table
from treatywatch.sources.reading import given_name, read_document, text_sha
from treatywatch.sources.recorded import Recorder
from treatywatch.store.bundled import BUNDLED_KEY_PREFIX, bundled_documents
from treatywatch.store.bundled import load_bundled_rounds as load_bundled_rounds
from treatywatch.store.db import ImportOutcome, Store

if TYPE_CHECKING:
    from treatywatch.domain.findings import Finding
    from treatywatch.domain.model import Document, Process
    from treatywatch.sources.mediawiki import WikiRevision
    from treatywatch.store.db import Readings

# Told how far a long operation is: (done, total).
Progress = Callable[[int, int], None]


def read_text(
    text: str,
    path: str | Path,
    sha: str | None = None,
    *,
    source_key: str | None = None,
    title: str | None = None,
) -> ParsedDocument:
    """An article's text read and checked; ``sha`` is its SHA-256 when the caller has it."""
    facts = parse(text, path, sha, source_key, title)
    return facts.checked(run_checks(facts, organization(facts.process.organization)))


def read_records(path: str | Path) -> list[ParsedDocument]:
    """A data package's tables read and checked, without touching the store (a package with
    problems is refused whole: :class:`~treatywatch.errors.InputError`)."""
    return check_package(read_package(path))


def read_path(path: str | Path) -> ParsedDocument:
    """A document file read once and checked, without touching the store."""
    text, sha = read_document(path)
    return read_text(text, path, sha)


def _read_for_import(
    store: Store, paths: Sequence[str | Path], progress: Progress | None = None
) -> list[ParsedDocument | ImportOutcome]:
    """Each document read and checked, all before any write (a bad one stops the import);
    or, when its text is already the current version of its source and no document before
    it in ``paths`` replaces that source, what importing it again reports ("unchanged"),
    without parsing it."""
    read: list[ParsedDocument | ImportOutcome] = []
    replaced: set[str] = set()
    for done, path in enumerate(paths):
        if progress is not None and done:
            progress(done, len(paths))
        if is_package(path):  # a data package: its tables, each a document, checked
            for parsed in read_records(path):
                doc = parsed.document
                unchanged = store.unchanged_outcome(doc.sha256, doc.path, replaced)
                if unchanged is not None and unchanged.process != parsed.process.slug:
                    raise InputError(
                        f"{doc.path}: the same table is already stored for process "
                        f"{unchanged.process!r}; a table belongs to one process (name the "
                        "process in its 'process' column)"
                    )
                read.append(parsed if unchanged is None else unchanged)
                if unchanged is None:
                    replaced.add(doc.source_key)
            continue
        text, sha = read_document(path)
        # Asked outside the writers' lock: should another import supersede this version
        # before ours writes, ours still wrote nothing for it, as if it had come first.
        unchanged = store.unchanged_outcome(sha, given_name(path), replaced)
        if unchanged is not None:
            read.append(unchanged)
            continue
        # Stored under the name its user gave, never a path of this machine.
        parsed = read_text(text, given_name(path), sha)
        replaced.add(parsed.document.source_key)
        read.append(parsed)
    return read


def import_paths(
    store: Store,
    paths: Sequence[str | Path],
    strict: bool = False,
    progress: Progress | None = None,
) -> list[ImportOutcome]:
    """Import documents as one transaction; with ``strict``, any unreadable row aborts it.
    ``progress(done, total)`` is called as the documents are read (then they are stored)."""
    read = _read_for_import(store, paths, progress)
    if progress is not None:
        progress(len(paths), len(paths))
    if strict:
        for r in read:
            if r.problems:
                first = r.problems[0]
                where = r.document.path if isinstance(r, ParsedDocument) else r.path
                raise ProblemsError(
                    f"{where}:{first.line}: {first.message} "
                    f"({len(r.problems)} problem(s); --strict: nothing imported)"
                )
    return _store(store, read)


def _store(store: Store, read: Sequence[ParsedDocument | ImportOutcome]) -> list[ImportOutcome]:
    """The documents read stored in one transaction; each outcome in the order read (those
    already current report "unchanged" without being stored again)."""
    stored = iter(store.import_documents([r for r in read if isinstance(r, ParsedDocument)]))
    return [next(stored) if isinstance(r, ParsedDocument) else r for r in read]


# -- articles followed on a wiki ----------------------------------------------------------
# A wiki article's versions are one source: each revision imported replaces the one before
# (kept on record with what it changed).
WIKI_KEY_PREFIX = "wiki:"
# Wikipedia's text licence (a revision's text is the encyclopedia's, not ours).
WIKI_LICENCE = "CC BY-SA 4.0"

Fetch = Callable[[str, str, int | None], "WikiRevision"]


def wiki_key(lang: str, title: str) -> str:
    return f"{WIKI_KEY_PREFIX}{lang}:{title}"


def read_revision(rev: WikiRevision, today: date | None = None) -> ParsedDocument:
    """A fetched revision read and checked, its origin recorded: the permanent link (page
    and revision id), the revision's day as published, today as retrieved, the licence."""
    facts = parse(rev.text, rev.permalink, None, wiki_key(rev.lang, rev.title), rev.title)
    stamp = date.fromisoformat(rev.timestamp[:10])
    doc = replace(
        facts.document,
        licence=WIKI_LICENCE,
        published=PartialDate.of(stamp),
        retrieved=PartialDate.of(today or date.today()),
    )
    facts = replace(facts, document=doc)
    return facts.checked(run_checks(facts, organization(facts.process.organization)))


def _fetch(title: str, lang: str, revision: int | None) -> WikiRevision:
    from treatywatch.sources.mediawiki import fetch_revision

    return fetch_revision(title, lang, revision)


def import_wiki(
    store: Store,
    title: str,
    lang: str = "en",
    revision: int | None = None,
    fetch: Fetch = _fetch,
) -> ImportOutcome:
    """Fetch an article's wikitext (its latest revision, or ``revision``) and import it."""
    rev = fetch(title, lang, revision)
    (outcome,) = _import_revisions(store, [rev])
    return outcome


def wiki_sources(store: Store, process: str | None = None) -> list[tuple[str, str, str]]:
    """(process, lang, title) of every article the store follows on a wiki (of one process)."""
    slugs = [store.find_process(process).slug] if process else [p.slug for p in store.processes()]
    out = []
    for slug in slugs:
        for doc in store.documents(slug):
            if doc.source_key.startswith(WIKI_KEY_PREFIX):
                lang, _, title = doc.source_key[len(WIKI_KEY_PREFIX) :].partition(":")
                out.append((slug, lang, title))
    return out


def sync_wiki(
    store: Store, process: str | None = None, fetch: Fetch = _fetch
) -> list[ImportOutcome]:
    """Fetch the latest revision of every followed article (of one process) and import those
    that changed, all in one transaction: every article is fetched before anything is
    written, so a failed fetch changes nothing."""
    sources = wiki_sources(store, process)
    if not sources:
        which = f"process {process!r}" if process else "the store"
        raise InputError(
            f"{which} follows no wiki article; start with: treatywatch import --wiki TITLE"
        )
    return _import_revisions(store, [fetch(title, lang, None) for _, lang, title in sources])


def _import_revisions(store: Store, revisions: Sequence[WikiRevision]) -> list[ImportOutcome]:
    todo: list[ParsedDocument | ImportOutcome] = []
    for rev in revisions:
        unchanged = store.unchanged_outcome(text_sha(rev.text), rev.permalink, set())
        todo.append(unchanged if unchanged is not None else read_revision(rev))
    return _store(store, todo)


def _recorded_at(who: Recorder) -> str:
    return who.at.isoformat(timespec="microseconds")


def start_process(
    store: Store,
    slug: str,
    organization: str,
    candidates: list[str],
    who: Recorder,
    *,
    signed: str | None = None,
    source: str | None = None,
    quote: str | None = None,
) -> ImportOutcome:
    """Start a process of one's own (``treatywatch new``); refuses a slug already in use."""
    parsed = recorded.new_process(
        slug, organization, candidates, who, signed=signed, source=source, quote=quote
    )
    if any(p.slug == slug for p in store.processes()):
        raise InputError(f"process {slug!r} already exists; record its acts with 'record'")
    (outcome,) = store.import_documents([parsed], _recorded_at(who))
    return outcome


def record_act(
    store: Store,
    process: str,
    member: str,
    act: str,
    day: str,
    source: str,
    who: Recorder,
    *,
    quote: str | None = None,
    correction: bool = False,
) -> tuple[ImportOutcome, RatificationAct]:
    """Record one member's dated act (``treatywatch record``): a record of its own, so
    that nothing is overwritten. A member that is not required to ratify is refused."""
    p = store.find_process(process)
    parsed = recorded.act(p, member, act, day, source, who, quote=quote, correction=correction)
    (new,) = parsed.acts
    org = store.organization_of(p)
    status = status_as_of(p, org, store.milestones(p.slug), store.acts(p.slug), date.today())
    required = {m.code for m in status.required}
    if status.members_known and required and new.member_code not in required:
        names = ", ".join(sorted(required))
        raise InputError(
            f"--member: {new.member_code} is not among the members required to ratify "
            f"{p.slug} ({names})"
        )
    (outcome,) = store.import_documents([parsed], _recorded_at(who))
    return outcome, new


# -- findings made by another version ------------------------------------------------------


def _stored_table(doc: Document, process: Process) -> ParsedDocument | None:
    """A data package's table read again from its stored text (None where this version's
    reader cannot: it is then checked from its stored records)."""
    try:
        return read_stored_table(doc, process)
    except (TreatywatchError, ValueError):
        return None


def recheck_stored(
    store: Store,
    notify: Callable[[int], None] | None = None,
    progress: Progress | None = None,
) -> int:
    """Read and check every current document again with this version's readers and checks,
    in one transaction that holds the writer's lock; the store then records this version
    (:meth:`~treatywatch.store.db.Store.replace_readings`). Another process that did so
    meanwhile leaves nothing to do: 0 documents.

    An article (or a wiki revision) is read again from its stored text, a bundled round's
    table from the package's file when the stored version is that file's text, and an
    imported data package's table from its stored text under its stored process: their
    records and findings are replaced (the documents, their history and what each version
    changed stay). A table this version cannot read again (an older bundled version, or one
    its reader now refuses) is checked again from its stored records, with its process's
    members.
    Recorded acts are not checked, as when recorded. ``notify(n)`` is told first how many
    documents will be checked, ``progress(done, total)`` as they are."""

    def readings() -> Readings:
        todo = [
            (p, d)
            for p in store.processes()
            for d in store.documents(p.slug)
            if not d.source_key.startswith(recorded.SOURCE_KEY_PREFIX)
        ]
        if notify is not None and todo:
            notify(len(todo))
        bundled: dict[str, ParsedDocument] = {}
        if any(d.source_key.startswith(BUNDLED_KEY_PREFIX) for _, d in todo):
            bundled = {b.document.sha256: b for b in bundled_documents()}
        found: list[tuple[Process, str, Sequence[Finding]]] = []
        reread: list[ParsedDocument] = []
        for done, (p, d) in enumerate(todo):
            if progress is not None:
                progress(done, len(todo))
            if d.sha256 in bundled:
                reread.append(bundled[d.sha256])
            elif d.source_key.startswith(PACKAGE_KEY_PREFIX) and (again := _stored_table(d, p)):
                reread.append(check_records(again, store.organization_of(p)))
            elif d.source_key.startswith((PACKAGE_KEY_PREFIX, BUNDLED_KEY_PREFIX)):
                records = ParsedDocument(d, p, **store.document_records(d.sha256))
                findings = check_records(records, store.organization_of(p)).findings
                found.append((p, d.sha256, findings))
            else:
                again = read_text(d.text, d.path, d.sha256, source_key=d.source_key, title=d.title)
                # As stored: its origin (licence, days published and retrieved) is not in its
                # text.
                reread.append(replace(again, document=d, process=p))
        return found, reread

    return store.replace_readings(readings)

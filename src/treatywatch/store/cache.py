"""The store's cache of derived results (``derived_cache``, migration 7): JSON values keyed by
process, documents' fingerprint, kind, as-of day and code version.

Reading works on every connection; writing needs a writable one (the web server's request
connections are read-only: :mod:`treatywatch.store.readers`), so :func:`put` reports whether
it could write instead of raising.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from treatywatch.errors import StoreError
from treatywatch.store.session import Session
from treatywatch.store.writer import now

# What a document's records and findings are made from: the model, the reference data, the
# readers and the checks.
READER_INPUTS = ("domain", "reference", "sources", "checks", "data")
READER_VERSION_KEY = "reader_version"


@cache
def reader_version() -> str:
    """SHA-256 (16 hex digits) of the code and reference data that read and check documents
    (the Python modules of :data:`READER_INPUTS`, and the reference tables and organizations
    in ``data/``; the bundled rounds are documents, the poll datasets are read by no reader or
    check). What other code read is stale; a change elsewhere (pages, charts, commands) leaves
    it current."""
    digest = hashlib.sha256()
    root = files("treatywatch")
    found = []
    for name in READER_INPUTS:
        stack = [root / name]
        while stack:
            folder = stack.pop()
            for entry in folder.iterdir():
                if entry.is_dir() and entry.name not in ("rounds", "polls", "__pycache__"):
                    stack.append(entry)
                elif entry.name.endswith((".py", ".json", ".csv")):
                    found.append(entry)
    for entry in sorted(found, key=lambda e: str(e)):
        digest.update(str(entry).encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:16]


def state(session: Session, key: str) -> str | None:
    """A value the store keeps about itself (``store_state``)."""
    rows = session.rows("SELECT value FROM store_state WHERE state_key = ?", (key,))
    return str(rows[0][0]) if rows else None


def set_state(session: Session, key: str, value: str) -> None:
    """Keep a value about the store, in the caller's transaction."""
    session.execute("DELETE FROM store_state WHERE state_key = ?", (key,))
    session.execute("INSERT INTO store_state (state_key, value) VALUES (?, ?)", (key, value))


@dataclass(frozen=True)
class CacheKey:
    process_slug: str
    fingerprint: str  # of the store's current documents: documents_fingerprint
    kind: str  # e.g. "forecast", "averages", "charts"
    as_of: str  # ISO day
    code_version: str  # results of other code are not reused


def documents_fingerprint(session: Session) -> str:
    """SHA-256 of the SHA-256s of every current document in the store, in order.

    Every document counts, not only the process's own: a forecast and the members' speeds
    learn from the store's other processes too.
    """
    rows = session.rows("SELECT sha256 FROM documents WHERE superseded_by IS NULL ORDER BY sha256")
    return hashlib.sha256("\n".join(r[0] for r in rows).encode()).hexdigest()


_KEY_WHERE = "process_slug = ? AND fingerprint = ? AND kind = ? AND as_of = ? AND code_version = ?"


def _params(key: CacheKey) -> tuple[str, str, str, str, str]:
    return (key.process_slug, key.fingerprint, key.kind, key.as_of, key.code_version)


def get(session: Session, key: CacheKey) -> str | None:
    """The cached JSON text for ``key``, if any."""
    rows = session.rows(f"SELECT value FROM derived_cache WHERE {_KEY_WHERE}", _params(key))
    return str(rows[0][0]) if rows else None


def put(session: Session, key: CacheKey, value: str) -> bool:
    """Keep ``value`` for ``key`` and drop the process's rows of older fingerprints; False when
    the connection cannot write (read-only) and nothing was kept."""
    try:
        with session.transaction():
            session.execute(
                "DELETE FROM derived_cache WHERE process_slug = ? AND fingerprint <> ?",
                (key.process_slug, key.fingerprint),
            )
            session.execute(f"DELETE FROM derived_cache WHERE {_KEY_WHERE}", _params(key))
            session.execute(
                "INSERT INTO derived_cache (process_slug, fingerprint, kind, as_of,"
                " code_version, value, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*_params(key), value, now()),
            )
    except StoreError:
        return False  # read-only, or another writer holds the store: the caller keeps it
    return True

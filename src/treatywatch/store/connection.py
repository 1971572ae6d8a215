"""Connections to the store, and the store's own errors for every driver error.

SQLite files run in WAL mode (readers never wait for a writer) with a busy timeout (a
writer waits for its turn); PostgreSQL goes through psycopg 3. Writers serialise: on
SQLite by ``BEGIN IMMEDIATE``, on PostgreSQL by a transaction-scoped advisory lock,
both bounded by the same lock timeout (``$TREATYWATCH_LOCK_TIMEOUT`` seconds, default
60), after which the writer gives up with :class:`~treatywatch.errors.StoreBusyError`.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from treatywatch.errors import StoreBusyError, StoreError
from treatywatch.store.urls import redact_url

LOCK_TIMEOUT_ENV = "TREATYWATCH_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 60.0

# Keys of PostgreSQL's advisory locks (pg_advisory_xact_lock takes a bigint): one for
# schema migrations, one for writes of imported documents.
MIGRATION_LOCK = 0x7472_6561_7479_0001
WRITE_LOCK = 0x7472_6561_7479_0002

# SQLite's result codes for "another connection holds the lock".
_SQLITE_BUSY = {sqlite3.SQLITE_BUSY, getattr(sqlite3, "SQLITE_LOCKED", 6)}


def lock_timeout() -> float:
    """Seconds a writer waits for another writer before giving up."""
    text = os.environ.get(LOCK_TIMEOUT_ENV, "")
    try:
        value = float(text) if text else DEFAULT_LOCK_TIMEOUT
    except ValueError:
        raise StoreError(f"${LOCK_TIMEOUT_ENV} must be a number of seconds, not {text!r}") from None
    if not 0 <= value <= 86_400:
        raise StoreError(f"${LOCK_TIMEOUT_ENV} must be between 0 and 86400 seconds")
    return value


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///").removeprefix("sqlite://")


def redact(url: str) -> str:
    """The URL with its password masked, for messages: ``postgresql://u:***@host/db``."""
    # One implementation for every message (serve prints it too); it also masks ?password=,
    # libpq key=value strings and passwords with an unescaped "/", and never raises.
    return redact_url(url)


def connect_sqlite(
    path: str, readonly: bool = False, any_thread: bool = False
) -> sqlite3.Connection:
    """A SQLite connection in autocommit mode (transactions are explicit), WAL on files;
    ``any_thread``: may be closed from another thread than the one that uses it."""
    if path != ":memory:" and not readonly:
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"cannot create the store's folder for {path}: {e.strerror}") from None
    if readonly and path != ":memory:" and not Path(path).is_file():
        raise StoreError(f"no store at {path}")
    try:
        conn = sqlite3.connect(
            path, isolation_level=None, timeout=lock_timeout(), check_same_thread=not any_thread
        )
        if path != ":memory:" and not readonly:
            # Persistent in the file: readers then never block on a writer, nor it on them.
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if readonly:
            conn.execute("PRAGMA query_only = ON")
    except sqlite3.Error as e:
        raise translate(e, f"cannot open the store {path}") from None
    return conn


def connect_postgres(url: str, readonly: bool = False) -> Any:
    """A psycopg connection in autocommit mode (transactions are explicit)."""
    import psycopg

    options = "-c default_transaction_read_only=on" if readonly else None
    try:
        return psycopg.connect(url, autocommit=True, options=options, connect_timeout=10)
    except psycopg.Error as e:
        raise StoreError(f"cannot connect to {redact(url)}: {_first_line(e)}") from None


def driver_errors(dialect: str) -> tuple[type[Exception], ...]:
    """The exception classes a dialect's driver raises."""
    if dialect == "postgresql":
        import psycopg

        return (psycopg.Error,)
    return (sqlite3.Error,)


def translate(e: Exception, context: str = "store error") -> StoreError:
    """The store's own error for a driver error: busy (waited too long) or otherwise."""
    if isinstance(e, sqlite3.Error) and getattr(e, "sqlite_errorcode", None) in _SQLITE_BUSY:
        return _busy()
    if type(e).__name__ in ("LockNotAvailable", "QueryCanceled") and "lock" in str(e).lower():
        return _busy()
    if isinstance(e, sqlite3.Error) and "database is locked" in str(e):
        return _busy()
    return StoreError(f"{context}: {_first_line(e)}")


def _busy() -> StoreBusyError:
    return StoreBusyError(
        f"the store is busy: another writer held it for more than {lock_timeout():g} s "
        f"(set ${LOCK_TIMEOUT_ENV} to wait longer); nothing was written"
    )


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__

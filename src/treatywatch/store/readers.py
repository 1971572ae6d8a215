"""Read-only store connections for a server's requests.

Each request borrows a connection and gives it back in the thread that borrowed it
(Python's ``sqlite3`` refuses a connection used across threads). SQLite keeps one read-only
connection per worker thread (a fresh one would read the schema again on its first query:
a quarter of a millisecond per request), opened anew if the store's file was replaced;
PostgreSQL keeps a small pool of read-only connections per server process (psycopg_pool).
The schema is checked once, when the server starts, not on every request.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from treatywatch.errors import StoreError
from treatywatch.store.connection import (
    connect_sqlite,
    driver_errors,
    is_postgres,
    redact,
    sqlite_path,
    translate,
)
from treatywatch.store.db import Store, default_url

# Connections a server process keeps open to PostgreSQL at most (requests beyond wait).
POOL_SIZE = 8
# Seconds a request waits for a pooled connection before it fails.
POOL_TIMEOUT = 30.0


class Readers:
    """A source of read-only :class:`Store` connections for one server process."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self._pool: Any = None
        self._lock = threading.Lock()
        self._checked = False
        self._local = threading.local()  # this thread's SQLite connection and file identity
        self._sqlite: list[sqlite3.Connection] = []  # every one, to close at shutdown

    @property
    def local(self) -> bool:
        """Whether the store is a local file (SQLite): a query costs no network round trip."""
        return not is_postgres(self.url)

    def check(self) -> None:
        """Fail early, with the store's own error, if the store cannot be read."""
        with self.connect():
            pass

    @contextmanager
    def connect(self) -> Iterator[Store]:
        """A read-only store for one request; use and leave it in the same thread."""
        if is_postgres(self.url):
            with self._postgres() as conn:
                yield Store(conn, "postgresql")
            return
        conn = self._sqlite_connection()
        store = Store(conn, "sqlite")
        try:
            if not self._checked:
                store.require_current_schema()
                self._checked = True
            yield store
        finally:
            if conn.in_transaction:  # never leave a snapshot open for the thread's next request
                conn.rollback()

    def _sqlite_connection(self) -> sqlite3.Connection:
        """This thread's read-only connection, (re)opened if none or the file is another."""
        path = sqlite_path(self.url)
        try:
            found = os.stat(path)
            identity = (found.st_dev, found.st_ino)
        except OSError:
            identity = None  # connect_sqlite says what is wrong
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and identity is not None and self._local.identity == identity:
            return conn
        if conn is not None:
            self._forget(conn)
        conn = connect_sqlite(path, readonly=True, any_thread=True)
        with self._lock:
            self._sqlite.append(conn)
        self._local.conn, self._local.identity = conn, identity
        return conn

    def _forget(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            if conn in self._sqlite:
                self._sqlite.remove(conn)
        conn.close()

    @contextmanager
    def _postgres(self) -> Iterator[Any]:
        from psycopg_pool import PoolTimeout

        pool = self._open_pool()
        try:
            with pool.connection(timeout=POOL_TIMEOUT) as conn:
                yield conn
        except PoolTimeout:
            raise StoreError(
                f"no free connection to {redact(self.url)} within {POOL_TIMEOUT:g} s"
            ) from None
        except driver_errors("postgresql") as e:
            raise translate(e) from None

    def _open_pool(self) -> Any:
        with self._lock:
            if self._pool is None:
                from psycopg_pool import ConnectionPool

                pool = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=POOL_SIZE,
                    kwargs={
                        "autocommit": True,
                        "options": "-c default_transaction_read_only=on",
                    },
                    open=False,
                    name="treatywatch-readers",
                    # A connection the server dropped (a restart) is replaced, not handed out.
                    check=ConnectionPool.check_connection,
                )
                try:
                    pool.open(wait=True, timeout=10)
                except Exception as e:
                    pool.close()
                    raise StoreError(f"cannot connect to {redact(self.url)}: {e}") from None
                try:
                    with pool.connection() as conn:
                        Store(conn, "postgresql").require_current_schema()
                except BaseException:
                    pool.close()
                    raise
                self._pool = pool
            return self._pool

    def close(self) -> None:
        """Close the pool and the SQLite connections (at server shutdown)."""
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
            for conn in self._sqlite:
                conn.close()
            self._sqlite.clear()
        self._local = threading.local()

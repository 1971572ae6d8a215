"""One connection to the store: SQL written once with ``?`` placeholders, the store's own
errors for the driver's, rows read by column name, and explicit transactions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from treatywatch.store.connection import driver_errors, lock_timeout, translate


class Session:
    """A sqlite3 or psycopg connection (both speak ``execute``/``fetchall``) in autocommit
    mode, with transactions opened by :meth:`transaction`."""

    def __init__(self, conn: Any, dialect: str) -> None:
        self.conn = conn
        self.dialect = dialect

    def close(self) -> None:
        try:
            self.conn.close()
        except self._errors:
            pass

    @property
    def _errors(self) -> tuple[type[Exception], ...]:
        return driver_errors(self.dialect)

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self.conn.execute(self._sql(sql), tuple(params))
        except self._errors as e:
            raise translate(e) from None

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement for many rows (psycopg pipelines them to the server)."""
        if not rows:
            return
        try:
            if self.dialect == "postgresql":
                with self.conn.cursor() as cursor:
                    cursor.executemany(self._sql(sql), rows)
            else:
                self.conn.executemany(sql, rows)
        except self._errors as e:
            raise translate(e) from None

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows as tuples (for ad-hoc queries; the store reads its own by name)."""
        try:
            return list(self.execute(sql, params).fetchall())
        except self._errors as e:
            raise translate(e) from None

    def mappings(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts from column name to value."""
        try:
            return named(self.execute(sql, params))
        except self._errors as e:
            raise translate(e) from None

    @contextmanager
    def transaction(self, lock: int | None = None) -> Iterator[None]:
        """One transaction; with ``lock``, a writer's: it waits its turn (up to the lock
        timeout) behind any other writer, on SQLite (``BEGIN IMMEDIATE``) and on
        PostgreSQL (a transaction-scoped advisory lock with that key)."""
        if self.dialect == "sqlite":
            self.execute("BEGIN IMMEDIATE" if lock is not None else "BEGIN")
        else:
            self.execute("BEGIN")
        try:
            if lock is not None and self.dialect == "postgresql":
                self.execute(f"SET LOCAL lock_timeout = {int(lock_timeout() * 1000)}")
                self.execute("SELECT pg_advisory_xact_lock(?)", (lock,))
            yield
        except BaseException:
            try:
                self.conn.execute("ROLLBACK")
            except self._errors:
                pass  # the connection is gone; the server rolls back on its own
            raise
        self.execute("COMMIT")


def named(cursor: Any) -> list[dict[str, Any]]:
    """A cursor's rows as dicts keyed by the column names in its description."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

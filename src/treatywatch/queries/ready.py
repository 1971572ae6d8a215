"""A store made ready for the commands and the server, before they read it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from treatywatch.store.bundled import load_bundled_rounds

if TYPE_CHECKING:
    from treatywatch.store.db import Store


def ready_store(
    store: Store,
    notify: Callable[[int], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Documents read by another version of treatywatch read and checked again, once
    (:func:`treatywatch.ingest.recheck_stored`, told ``notify`` and ``progress``), then the
    bundled past rounds stored as processes (on first use, or when a table changed). When
    nothing is stale, neither the readers nor the checks are loaded."""
    if not store.read_by_this_version():
        from treatywatch.ingest import recheck_stored

        recheck_stored(store, notify, progress)
    load_bundled_rounds(store)

"""Derived results computed once per process, document versions and as-of day.

A result (a poll average's JSON, a forecast's, a page's charts) is looked up, in order, in
this process's memory (a small LRU), in the store's ``derived_cache`` table, and only then
computed; a computed result is kept in both, in the store only when the connection can write.
The web server's request connections are read-only, so a server reads what the CLI (any
command that computes a result) left in the store, and keeps what it computes itself in
memory; with ``TREATYWATCH_WARM=1`` it computes today's at start (``web.app.warm_derived``).
``import`` does not compute them: an import of a thousand articles would pay for pages
nobody asked for.

The key holds a fingerprint of the store's current documents (a new version of any document
makes a new key: nothing is invalidated by hand) and a fingerprint of treatywatch's own code
(a changed model or chart never reads an old result).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

from treatywatch.store import cache as store_cache
from treatywatch.store.db import Store

# Results kept in memory per process; a page's charts are ~150 kB of JSON, so ~40 MB at most.
MEMORY_ENTRIES = 256

# Results larger than this (a page's HTML, a report) are not kept in memory: they are in the
# store, and the web keeps its own encoded answers within a byte budget (web.app.Answers).
MEMORY_LARGEST = 512 * 1024

_memory: OrderedDict[tuple[str, ...], Any] = OrderedDict()
_lock = threading.Lock()


@cache
def code_version() -> str:
    """SHA-256 (16 hex digits) of treatywatch's Python source: results of other code are stale."""
    digest = hashlib.sha256()
    root = files("treatywatch")
    stack = [root]
    found = []
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                stack.append(entry)
            elif entry.name.endswith(".py"):
                found.append(entry)
    for entry in sorted(found, key=lambda e: str(e)):
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:16]


def _remember(key: tuple[str, ...], value: Any) -> None:
    with _lock:
        _memory[key] = value
        _memory.move_to_end(key)
        while len(_memory) > MEMORY_ENTRIES:
            _memory.popitem(last=False)


def _recall(key: tuple[str, ...]) -> tuple[bool, Any]:
    with _lock:
        if key in _memory:
            _memory.move_to_end(key)
            return True, _memory[key]
    return False, None


def forget_memory() -> None:
    """Empty this process's memory of results (the store's table stays)."""
    with _lock:
        _memory.clear()


def derived(store: Store, slug: str, kind: str, as_of: date, compute: Callable[[], Any]) -> Any:
    """The JSON-able result ``kind`` of ``slug`` as of a day: remembered, stored or computed.

    ``compute`` must return only JSON values (dicts, lists, str, numbers, bool, None), and the
    same for the same documents, day and code: it is run at most once per key and process.
    """
    key = store_cache.CacheKey(
        slug, store_cache.documents_fingerprint(store), kind, as_of.isoformat(), code_version()
    )
    memory_key = (key.process_slug, key.fingerprint, key.kind, key.as_of)
    hit, value = _recall(memory_key)
    if hit:
        return value
    text = store_cache.get(store, key)
    if text is None:
        text = json.dumps(compute(), separators=(",", ":"))
        store_cache.put(store, key, text)
    # Computed or read, the caller gets the same values (tuples come back as lists). Shared:
    # the caller must not modify it.
    value = json.loads(text)
    if len(text) <= MEMORY_LARGEST:
        _remember(memory_key, value)
    return value


def remembered_parts(store: Store, slug: str, as_of: date) -> dict[str, Any]:
    """A dict shared by every overview of ``slug`` on ``as_of`` over the same documents, where
    it keeps the parts it computed (poll averages, forecast, speeds) in this process."""
    fingerprint = store_cache.documents_fingerprint(store)
    key = (slug, fingerprint, "overview-parts", as_of.isoformat())
    hit, found = _recall(key)
    if hit:
        parts: dict[str, Any] = found
        return parts
    parts = {}
    _remember(key, parts)
    return parts

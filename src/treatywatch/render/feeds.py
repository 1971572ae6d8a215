"""The Atom feed of a process: one entry per new version of one of its sources, with what
it changed in the record (:mod:`treatywatch.domain.changes`).

Written from a Jinja2 template (already the dashboard's; autoescaped as XML) rather than with
``feedgen``, which would add ``lxml`` for thirty lines of XML; the tests parse the feed and
check RFC 4287's required elements. Entry ids are ``urn:uuid:`` names derived from the
process and the version (stable across requests and servers)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from treatywatch.domain.changes import READ_AGAIN, Change
from treatywatch.domain.model import Process
from treatywatch.domain.words import count
from treatywatch.render.pages import environment
from treatywatch.sources.reading import given_name

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://treatywatch/changes")


def _stamp(at: str) -> str:
    """An RFC 3339 timestamp (Atom's date construct) from the store's ISO 8601 time."""
    moment = datetime.fromisoformat(at)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def change_id(process: str, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, process + chr(0x1F) + key)}"


def _title(c: Change) -> str:
    name = given_name(c.path)
    if c.action == "imported":
        return f"{name}: first version"
    changes = count(len(c.lines), "change")
    if c.action == READ_AGAIN:
        return f"{name}: read again by a new version of treatywatch, {changes}"
    return f"{name}: {changes}" if c.lines else f"{name}: new version"


def atom(process: Process, title: str, changes: Sequence[Change], base: str = "") -> str:
    """The feed for ``changes`` (newest first); ``base`` is the dashboard's address."""
    page = f"{base}/processes/{process.slug}"
    entries = [
        {
            "id": change_id(process.slug, c.key),
            "title": _title(c),
            "updated": _stamp(c.at),
            "source": given_name(c.path),
            "href": f"{base}/documents/{c.document}",
            "text": "\n".join(c.lines)
            or "a new version of the source (what it changed was not recorded)",
        }
        for c in changes
    ]
    return (
        environment()
        .get_template("feed.atom.xml")
        .render(
            feed_id=change_id(process.slug, "feed"),
            title=title,
            updated=entries[0]["updated"] if entries else "1970-01-01T00:00:00Z",
            self_href=f"{page}/feed.atom",
            page_href=page,
            entries=entries,
        )
    )

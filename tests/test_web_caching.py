"""Compressed responses, and vendored scripts at content-hashed URLs cached for a year."""

from __future__ import annotations

import gzip
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLE
from treatywatch.render.assets import IMMUTABLE, hashed_vendor_url, vendor_bytes

PAGE = "/processes/montenegro-nato"
SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")


class _Scripts(HTMLParser):
    """The ``src`` of every ``<script>`` of a page, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.srcs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        src = dict(attrs).get("src")
        if tag == "script" and src:
            self.srcs.append(src)


def _raw(client: Any, url: str, encoding: str = "gzip") -> tuple[Any, bytes]:
    """The response and its body as sent (not decoded by the client)."""
    with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as r:
        return r, b"".join(r.iter_raw())


@pytest.mark.parametrize("url", [PAGE, f"{PAGE}?as_of=2016-12-31", "/api/v1/processes"])
def test_pages_and_json_are_gzipped_for_clients_that_accept_it(client: Any, url: str) -> None:
    r, body = _raw(client, url)
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in r.headers["vary"].lower()
    plain = gzip.decompress(body)
    assert len(body) < len(plain) / 2
    assert plain == client.get(url, headers={"Accept-Encoding": "identity"}).content


def test_no_gzip_for_clients_that_do_not_accept_it(client: Any) -> None:
    r, body = _raw(client, PAGE, "identity")
    assert "content-encoding" not in r.headers
    assert body.startswith(b"<!DOCTYPE html") or body.lstrip().lower().startswith(b"<!doctype")


def test_the_page_loads_each_vendored_script_by_its_content_hash(client: Any) -> None:
    parser = _Scripts()
    parser.feed(client.get(PAGE).text)
    srcs = [s for s in parser.srcs if "/vendor/" in s]
    assert srcs == [hashed_vendor_url(n) for n in SCRIPTS]
    for name, src in zip(SCRIPTS, srcs, strict=True):
        digest = hashlib.sha256(vendor_bytes(name)).hexdigest()
        assert re.fullmatch(rf"/static/vendor/{digest[:16]}/{re.escape(name)}", src)


@pytest.mark.parametrize("name", SCRIPTS)
def test_a_hashed_vendored_file_is_immutable(client: Any, name: str) -> None:
    url = hashed_vendor_url(name)
    r, body = _raw(client, url)
    assert r.status_code == 200
    assert r.headers["cache-control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == vendor_bytes(name)
    plain, body = _raw(client, url, "identity")
    assert "content-encoding" not in plain.headers and body == vendor_bytes(name)
    assert plain.headers["cache-control"] == IMMUTABLE


def test_the_unhashed_url_still_works_but_is_not_immutable(client: Any) -> None:
    r = client.get("/static/vendor/vega.min.js")
    assert r.status_code == 200 and r.content == vendor_bytes("vega.min.js")
    assert "immutable" not in r.headers.get("cache-control", "")


@pytest.mark.parametrize(
    "url",
    [
        "/static/vendor/0000000000000000/vega.min.js",  # a stale or made-up digest
        "/static/vendor/{digest}/VENDORED.md",  # not a vendored script or data file
        "/static/vendor/{digest}/..%2Fcharts.js",
    ],
)
def test_a_wrong_digest_or_name_is_not_found(client: Any, url: str) -> None:
    digest = hashed_vendor_url("vega.min.js").split("/")[3]
    r = client.get(url.format(digest=digest))
    assert r.status_code == 404
    assert "immutable" not in r.headers.get("cache-control", "")


def test_every_response_says_its_server_time(tmp_path: Path) -> None:
    """``Server-Timing: app;dur=<ms>`` on pages, JSON and errors: what ``make bench`` reads
    as the server's time, apart from the clients' queueing."""
    import re

    from fastapi.testclient import TestClient

    from treatywatch.web.app import create_app

    with TestClient(create_app(str(tmp_path / "t.db"))) as client:
        for url in ("/", "/api/v1/processes", "/api/v1/processes/no-such"):
            r = client.get(url)
            m = re.fullmatch(r"app;dur=([0-9]+\.[0-9])", r.headers["server-timing"])
            assert m is not None and float(m.group(1)) >= 0, (url, r.headers)


def test_a_repeated_request_is_answered_from_memory_until_a_document_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept answer is the same bytes and costs no work; a new version of a document (or
    a recorded act) answers anew."""
    from fastapi.testclient import TestClient

    from treatywatch.ingest import import_paths
    from treatywatch.store.db import Store
    from treatywatch.web import app as web

    db = str(tmp_path / "k.db")
    article = tmp_path / EXAMPLE.name
    article.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    with Store.open(db) as s:
        import_paths(s, [article])
    calls: list[str] = []
    real = web.process_status

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append("status")
        return real(*args, **kwargs)

    monkeypatch.setattr(web, "process_status", counted)
    url = "/api/v1/processes/montenegro-nato/status?as_of=2016-12-31"
    with TestClient(web.create_app(db)) as client:
        first = client.get(url, headers={"Accept-Encoding": "identity"})
        assert first.status_code == 200 and len(calls) == 1
        for _ in range(3):
            again = client.get(url, headers={"Accept-Encoding": "identity"})
            assert again.content == first.content
        assert len(calls) == 1
        # Another day or another query is another answer.
        assert client.get(url.replace("2016-12-31", "2017-01-31")).status_code == 200
        assert len(calls) == 2
        # A new version of the article: the answer is computed again.
        article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n")
        with Store.open(db) as s:
            import_paths(s, [article])
        after = client.get(url, headers={"Accept-Encoding": "identity"})
        assert after.status_code == 200 and len(calls) == 3


def test_a_kept_answer_is_what_fastapi_would_send(client: Any) -> None:
    """Validated against the route's shape and encoded as FastAPI encodes it."""
    import json

    from pydantic import TypeAdapter

    from treatywatch.serialize import shapes

    body = client.get("/api/v1/processes/montenegro-nato/status").json()
    adapter = TypeAdapter(shapes.StatusShape)
    assert body == json.loads(
        json.dumps(adapter.dump_python(adapter.validate_python(body), mode="json"))
    )
    # JSON as FastAPI sends it: UTF-8, no ASCII escapes, compact separators.
    raw = client.get(
        "/api/v1/processes/montenegro-nato/sources", headers={"Accept-Encoding": "identity"}
    )
    assert raw.headers["content-type"] == "application/json"
    assert b'": ' not in raw.content[:200] and b"\\u" not in raw.content


def test_kept_answers_stay_within_their_byte_budget() -> None:
    from treatywatch.web.app import Answer, Answers

    answers = Answers(budget=1000)
    for i in range(50):
        answers.put(("page", str(i)), Answer(b"x" * 300, "text/html", None))
        assert answers.used <= 1000
    assert answers.get(("page", "0")) is None  # the oldest went first
    assert answers.get(("page", "49")) is not None
    answers.put(("huge",), Answer(b"x" * 2000, "text/html", None))  # answered, never kept
    assert answers.get(("huge",)) is None and answers.used <= 1000
    answers.put(("page", "49"), Answer(b"y" * 100, "text/html", None))  # replaced, not added
    assert answers.used == 300 * 2 + 100

"""Every response carries the security headers; HEAD answers like GET; the Host allow-list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient

from treatywatch.web.app import create_app
from treatywatch.web.security import LOOPBACK_HOSTS, allowed_hosts_for, host_name

P = "/api/v1/processes/montenegro-nato"
HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
)


def _sha(client: TestClient) -> str:
    sha: str = client.get(f"{P}/sources").json()["sources"][0]["sha256"]
    return sha


def _urls(client: TestClient) -> dict[str, int]:
    """One URL of each kind, with the status it answers."""
    sha = _sha(client)
    return {
        "/": 200,
        "/processes/montenegro-nato?as_of=2016-12-31": 200,
        f"/documents/{sha}": 200,
        f"{P}/status": 200,
        f"{P}/polls.csv": 200,
        f"/api/v1/documents/{sha}": 200,
        "/api/v1/openapi.json": 200,
        "/static/charts.js": 200,
        "/static/vendor/countries-110m.json": 200,
        "/processes/atlantis": 404,
        f"{P}/charts/pie": 404,
        "/static/nothing.js": 404,
        f"{P}/status?as_of=0": 422,
        "/processes/montenegro-nato?as_of=1500000000": 422,
    }


def test_every_kind_of_response_carries_the_security_headers(client: TestClient) -> None:
    for url, status in _urls(client).items():
        r = client.get(url)
        assert r.status_code == status, url
        for name in HEADERS:
            assert name in r.headers, (url, name)
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
    assert "allow" in client.post(f"{P}/status").headers
    assert "content-security-policy" in client.post(f"{P}/status").headers


def test_the_policy_allows_no_inline_script_no_eval_and_no_framing(client: TestClient) -> None:
    csp = client.get("/processes/montenegro-nato").headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in csp
    # The page's one inline stylesheet is allowed by its hash.
    assert directives["style-src"].startswith("'self' 'sha256-")


def test_served_pages_have_no_inline_script(client: TestClient) -> None:
    html = client.get("/processes/montenegro-nato").text
    scripts = html.split("<script")[1:]
    assert scripts
    for s in scripts:
        assert s.startswith((" src=", ' type="application/json"')), s[:80]


def test_500_carries_the_security_headers(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from treatywatch.web import app

    def broken(*args: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(app, "process_status", broken)
    r = TestClient(client.app, raise_server_exceptions=False).get("/api/v1/processes")
    assert r.status_code == 500 and all(name in r.headers for name in HEADERS)


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    for url, status in _urls(client).items():
        get, head = client.get(url), client.head(url)
        assert head.status_code == status, url
        assert head.content == b"", url
        assert head.headers["content-type"] == get.headers["content-type"], url
        # The length of the body as sent (gzipped for this client, as GET's is; none when
        # a compressed file is streamed).
        assert head.headers.get("content-length") == get.headers.get("content-length"), url
        assert head.headers.get("content-encoding") == get.headers.get("content-encoding"), url
        for name in HEADERS:
            assert head.headers[name] == get.headers[name], url


@pytest.fixture
def guarded(client: TestClient, tmp_path: Path) -> TestClient:
    db = client.app.state.db  # type: ignore[attr-defined]
    app = create_app(db, allowed_hosts=[*LOOPBACK_HOSTS, "dash.example.org", "*.treaties.example"])
    return TestClient(app, base_url="http://localhost:8000")


@pytest.mark.parametrize(
    "host",
    [
        "localhost:8000",
        "127.0.0.1:8000",
        "[::1]:8000",
        "LOCALHOST",
        "dash.example.org",
        "eu.treaties.example",
    ],
)
def test_allowed_hosts_are_served(guarded: TestClient, host: str) -> None:
    assert guarded.get(f"{P}/status", headers={"host": host}).status_code == 200


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "dash.example.org.evil.example",
        "treaties.example",
        "192.0.2.1:8000",
        "localhost.",
        "a b",
        "",
    ],
)
def test_other_hosts_get_400_in_the_error_shape(guarded: TestClient, host: str) -> None:
    r = guarded.get(f"{P}/status", headers={"host": host})
    assert r.status_code == 400
    assert r.json()["error"]["status"] == 400 and "host" in r.json()["error"]["message"]
    assert all(name in r.headers for name in HEADERS)
    page = guarded.get("/", headers={"host": host})
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    head = guarded.head("/", headers={"host": host})
    assert head.status_code == 400 and head.content == b""


def test_host_names() -> None:
    assert host_name("LocalHost:8000") == "localhost"
    assert host_name("[::1]:8000") == "[::1]"
    assert host_name("[::1]") == "[::1]"
    assert host_name("example.org:99999999") is None
    assert host_name("evil.example/") is None


def test_allowed_hosts_for_a_bind_address() -> None:
    assert allowed_hosts_for("127.0.0.1") == ["127.0.0.1", "localhost", "[::1]"]
    assert allowed_hosts_for("0.0.0.0") == ["127.0.0.1", "localhost", "[::1]"]
    assert allowed_hosts_for("::") == ["127.0.0.1", "localhost", "[::1]"]
    assert allowed_hosts_for("192.0.2.7", ["Dash.Example.org", "2001:db8::1"]) == [
        "127.0.0.1",
        "localhost",
        "[::1]",
        "192.0.2.7",
        "dash.example.org",
        "[2001:db8::1]",
    ]


def _asgi(app: Any, method: str, path: str) -> list[dict[str, Any]]:
    """The ASGI messages ``app`` sends for one request (the test client hides a HEAD's body)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[dict[str, Any]] = []

    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, Any]:
        if requests:
            return requests.pop()
        await anyio.sleep_forever()  # the client stays connected until the response is sent
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    anyio.run(app, scope, receive, send)
    return sent


@pytest.mark.parametrize("path", [f"{P}/status", "/", "/static/charts.js", "/processes/atlantis"])
def test_head_sends_no_body_bytes(client: TestClient, path: str) -> None:
    get = _asgi(client.app, "GET", path)
    head = _asgi(client.app, "HEAD", path)
    assert head[0]["status"] == get[0]["status"]
    assert dict(head[0]["headers"])[b"content-length"] == dict(get[0]["headers"])[b"content-length"]
    assert sum(len(m.get("body", b"")) for m in get[1:]) > 0
    assert sum(len(m.get("body", b"")) for m in head[1:]) == 0

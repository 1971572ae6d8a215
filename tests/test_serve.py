"""`treatywatch serve` as a person runs it: what it prints, and whom it answers."""

from __future__ import annotations

import http.client
import os
import selectors
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest

from serving import free_port

Serve = Callable[..., "subprocess.Popen[str]"]


def _read_line(stream: IO[str] | None, timeout: float = 30) -> str:
    assert stream is not None
    with selectors.DefaultSelector() as sel:
        sel.register(stream, selectors.EVENT_READ)
        if not sel.select(timeout):
            raise TimeoutError("serve printed nothing")
    return stream.readline()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """Start `treatywatch ... serve ...`; the server is stopped after the test."""
    procs: list[subprocess.Popen[str]] = []

    def start(*args: str) -> subprocess.Popen[str]:
        env = {**os.environ, "TREATYWATCH_DB": str(tmp_path / "serve.db"), "COLUMNS": "80"}
        p = subprocess.Popen(
            [sys.executable, "-m", "treatywatch", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        procs.append(p)
        return p

    yield start
    for p in procs:
        p.terminate()
        p.communicate(timeout=10)


def _get(port: int, path: str, host: str, method: str = "GET") -> tuple[int, bytes]:
    deadline = time.monotonic() + 20
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.putrequest(method, path, skip_host=True)
            conn.putheader("Host", host)
            conn.endheaders()
            r = conn.getresponse()
            return r.status, r.read()
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
        finally:
            conn.close()


@pytest.mark.postgres
def test_serve_masks_the_store_password(serve: Serve, pg_url: str) -> None:
    port = free_port()
    p = serve("--db", pg_url, "serve", "--port", str(port))
    line = _read_line(p.stdout)
    user = pg_url.split("://", 1)[1].split(":", 1)[0]
    password = pg_url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
    assert f"http://127.0.0.1:{port}/" in line
    assert f"postgresql://{user}:***@" in line and f":{password}@" not in line


def test_serve_on_every_interface_warns_and_checks_the_host(serve: Serve) -> None:
    port = free_port()
    p = serve("serve", "--host", "0.0.0.0", "--port", str(port), "--allow-host", "dash.example.org")
    assert _read_line(p.stdout).startswith(f"treatywatch dashboard: http://0.0.0.0:{port}/")
    warning = _read_line(p.stderr)
    assert "reachable from other machines" in warning
    assert "127.0.0.1, localhost, [::1], dash.example.org" in warning
    assert _get(port, "/api/v1/processes", f"dash.example.org:{port}")[0] == 200
    assert _get(port, "/api/v1/processes", f"localhost:{port}")[0] == 200
    status, body = _get(port, "/api/v1/processes", "evil.example")
    assert status == 400 and b'"status":400' in body
    status, body = _get(port, "/api/v1/processes", f"localhost:{port}", method="HEAD")
    assert status == 200 and body == b""


def test_serve_on_loopback_answers_loopback_names_only(serve: Serve) -> None:
    port = free_port()
    p = serve("serve", "--port", str(port))
    line = _read_line(p.stdout)
    assert line.startswith(f"treatywatch dashboard: http://127.0.0.1:{port}/  (store: ")
    assert _get(port, "/", f"127.0.0.1:{port}")[0] == 200
    assert _get(port, "/", "rebound.example")[0] == 400  # DNS rebinding

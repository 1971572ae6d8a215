"""schemathesis against a real server: uvicorn with two workers over a store holding the example.

Every phase (the documented examples, boundary coverage, random fuzzing, stateful sequences)
and every check: no 5xx, every status, content type, header and body as the OpenAPI document
says, malformed input refused, unsupported methods answered 405 with Allow. About 45 s;
TREATYWATCH_SCHEMATHESIS_EXAMPLES raises the number of cases per operation for a longer run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

EXAMPLES = int(os.environ.get("TREATYWATCH_SCHEMATHESIS_EXAMPLES", "8"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    db = tmp_path / "api.db"
    env = {**os.environ, "TREATYWATCH_DB": str(db)}
    subprocess.run(
        [sys.executable, "-m", "treatywatch", "import", "--example"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = (tmp_path / "uvicorn.log").open("w")
    # create_app() with no store URL reads TREATYWATCH_DB, so uvicorn's --factory can build it
    # in each worker.
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "treatywatch.web.app:create_app", "--factory"]
        + ["--workers", "2", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/v1/processes", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("uvicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.mark.schemathesis
def test_schemathesis_finds_no_server_error_and_no_schema_violation(server: str) -> None:
    st = Path(sys.executable).with_name("st")
    r = subprocess.run(
        [str(st), "run", f"{server}/api/v1/openapi.json", "--checks", "all"]
        + ["--max-examples", str(EXAMPLES), "--workers", "1", "--seed", "20261130"]
        + ["--generation-database", "none", "--no-color"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout[-8000:] + r.stderr[-2000:]
    assert " passed" in r.stdout and "failed" not in r.stdout.split("SUMMARY")[-1]

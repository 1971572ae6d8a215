"""Load benchmarks: the real server under 1–16 concurrent clients, and 16 importers at once.

Run by `make bench` (and on PostgreSQL too when ``TREATYWATCH_BENCH_PG`` is a URL of a
role that may create databases). Reports the share of errors, requests per second and
latencies, and the store's open handles before and after.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROUTES = (
    "/",
    "/processes/montenegro-nato",
    "/processes/montenegro-nato?as_of=2016-12-31",
    "/api/v1/processes",
    "/api/v1/processes/montenegro-nato/status",
    "/api/v1/processes/montenegro-nato/status?as_of=2016-12-31",
    "/api/v1/processes/montenegro-nato/ratifications",
    "/api/v1/processes/montenegro-nato/polls",
    "/api/v1/processes/montenegro-nato/findings",
    "/api/v1/processes/montenegro-nato/polls.csv",
)
REQUESTS_PER_CLIENT = 20


def _cli(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TREATYWATCH_DB": db}
    cmd = [sys.executable, "-m", "treatywatch", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)


@contextmanager
def _server(db: str, workers: int) -> Iterator[tuple[str, int]]:
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "TREATYWATCH_DB": db}
    cmd = [sys.executable, "-m", "treatywatch", "serve", "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/api/v1/processes", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _handles(pid: int, db: str) -> int:
    """File handles on the SQLite store held by the server and its workers."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            todo += [int(c) for c in (task / "children").read_text().split()]
    count = 0
    for p in pids:
        for fd in Path(f"/proc/{p}/fd").glob("*"):
            try:
                count += os.readlink(fd).startswith(db)
            except OSError:
                pass
    return count


def _load(url: str, clients: int) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(i: int) -> None:
        nonlocal errors
        with httpx.Client(timeout=300) as c:
            barrier.wait()
            for k in range(REQUESTS_PER_CLIENT):
                t = time.perf_counter()
                try:
                    ok = c.get(url + ROUTES[(i + k) % len(ROUTES)]).status_code == 200
                except httpx.HTTPError:
                    ok = False
                with lock:
                    latencies.append(time.perf_counter() - t)
                    errors += not ok

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    wall = time.perf_counter() - t0
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "error_share": errors / len(latencies),
        "requests_per_s": len(latencies) / wall,
        "p50_s": statistics.median(latencies),
        "p95_s": latencies[int(0.95 * (len(latencies) - 1))],
    }


def _server_load(db: str, workers: int) -> dict[str, Any]:
    assert _cli(db, "import", "--example").returncode == 0
    out: dict[str, Any] = {"workers": workers, "routes": list(ROUTES)}
    with _server(db, workers) as (url, pid):
        _load(url, workers)  # warm each worker's caches
        before = _handles(pid, db) if "://" not in db else None
        for clients in (1, 2, 4, 16):
            out[f"clients_{clients}"] = _load(url, clients)
        if before is not None:
            out["store_handles_before_after"] = [before, _handles(pid, db)]
    return out


def _importers(db: str, n: int = 16) -> dict[str, Any]:
    from treatywatch.cli.common import example_path

    text = example_path().read_text(encoding="utf-8")
    anchor = "| Oct 2014 | | 43.75 | 56.25 | 12.5 |\n"
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(n):
            f = Path(tmp) / f"v{i}.txt"
            row = f"| {i + 1} Jan 2018 | Bench | {40 + i}.0 | {60 - i}.0 | 1.0 |\n"
            f.write_text(text.replace(anchor, anchor + row), encoding="utf-8")
            files.append(f)
        t0 = time.perf_counter()
        with ThreadPoolExecutor(n) as pool:
            codes = list(pool.map(lambda f: _cli(db, "import", str(f)).returncode, files))
        wall = time.perf_counter() - t0
    from treatywatch.store.db import Store

    with Store.open(db) as s:
        current = s.rows("SELECT COUNT(*) FROM documents WHERE superseded_by IS NULL")[0][0]
    return {
        "importers": n,
        "succeeded": codes.count(0),
        "current_versions": current,
        "wall_s": wall,
    }


@contextmanager
def _postgres(admin_url: str) -> Iterator[str]:
    import psycopg

    name = f"treatywatch_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rpartition("/")[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run() -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite_server"] = _server_load(str(Path(tmp) / "load.db"), workers=2)
        results["sqlite_importers"] = _importers(str(Path(tmp) / "imports.db"))
    if pg := os.environ.get("TREATYWATCH_BENCH_PG"):
        with _postgres(pg) as url:
            results["postgresql_server"] = _server_load(url, workers=2)
        with _postgres(pg) as url:
            results["postgresql_importers"] = _importers(url)
    return results

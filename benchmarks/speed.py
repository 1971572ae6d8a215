"""Issue 13's speed goals, each beside an anchor measured in the same run.

* CLI commands (``status``, ``polls --average``, ``forecast``, ``report``): wall time and peak
  memory of a fresh process each time, beside ``sqlite-utils query`` on the same store (the
  issue's anchor for a command that reads the store and prints).
* Routes (the process page, with and without ``as_of``, and JSON routes): one server process,
  16 concurrent connections, requests/s, p50 and p99 and errors, beside datasette serving the
  store's ``polls`` table as JSON on the same machine (the issue's anchor for a JSON route).
  The load comes from ``wrk`` (one thread, 16 connections, 5 s) where it is installed
  (``apt-get install wrk``): a load generator in C leaves the server the cores; without it,
  from 16 Python client threads, which compete with the server for them (``load_generator``
  says which).

treatywatch's bytecode is compiled before the CLI is timed, as an installed package's is (the
anchors are installed). ``first_s`` is a command's first run on the store: ``polls
--average``, ``forecast`` and ``report`` compute their result then and keep it (the store's
cache of derived results), so ``best_s`` is a later run's, which reads it.

Anchors that are not installed are recorded as ``null`` with the reason. Timings are not
asserted anywhere: they depend on the machine (2 shared cores here).
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SLUG = "montenegro-nato"
RUNS = 3
CLIENTS = 16
REQUESTS_PER_CLIENT = 25
TIME = "/usr/bin/time"  # GNU time: peak resident memory of a command

CLI_CASES: dict[str, list[str]] = {
    "status": ["status", SLUG],
    "polls_average": ["polls", SLUG, "--average"],
    "forecast_as_of": ["forecast", SLUG, "--as-of", "2016-12-31"],
    "forecast_today": ["forecast", SLUG],
    "report": ["report", SLUG, "-o", "{tmp}/report.html"],
}
ROUTE_CASES = {
    "process_page": f"/processes/{SLUG}",
    "process_page_as_of": f"/processes/{SLUG}?as_of=2016-12-31",
    "api_polls": f"/api/v1/processes/{SLUG}/polls",
    "api_status": f"/api/v1/processes/{SLUG}/status",
    "api_forecast_as_of": f"/api/v1/processes/{SLUG}/forecast?as_of=2016-12-31",
}
ANCHOR_SQL = f"select * from polls where process_slug = '{SLUG}'"  # noqa: S608 - a constant


def _timed(cmd: Sequence[str], env: dict[str, str]) -> dict[str, float]:
    """Best wall time and the largest peak memory (MiB) of ``RUNS`` runs of ``cmd``; the
    first run's time too (``first_s``: a command that keeps a derived result in the store
    computes it then, and reads it after)."""
    times, peaks = [], []
    for _ in range(RUNS):
        with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
            wrapped = [TIME, "-f", "%M", "-o", out.name, *cmd] if Path(TIME).exists() else cmd
            t = time.perf_counter()
            subprocess.run(wrapped, env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - t)
            text = Path(out.name).read_text().strip().splitlines()
            if text:
                peaks.append(int(text[-1]) / 1024)
    return {
        "first_s": times[0],
        "best_s": min(times),
        "median_s": statistics.median(times),
        "peak_mib": max(peaks) if peaks else float("nan"),
        "runs": RUNS,
    }


def _compile_package() -> str:
    """Compile treatywatch's bytecode, as installing it does (pip compiles every module): an
    editable install under ``PYTHONDONTWRITEBYTECODE`` would otherwise compile ~60 modules
    (~50 ms) on every run, which an installed anchor never does."""
    import treatywatch

    folder = str(Path(treatywatch.__file__).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", folder], check=True)
    return "compiled before timing, as an installed package has it"


def cli_commands() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "speed.db")
        env = {**os.environ, "TREATYWATCH_DB": db}
        cli = [sys.executable, "-m", "treatywatch"]
        subprocess.run([*cli, "import", "--example"], env=env, check=True, capture_output=True)
        out: dict[str, Any] = {"bytecode": _compile_package()}
        anchor = _tool("sqlite-utils")
        if anchor:
            out["anchor_sqlite_utils_query"] = _timed([anchor, "query", db, ANCHOR_SQL], env)
        else:
            out["anchor_sqlite_utils_query"] = None
            out["anchor_missing"] = "sqlite-utils is not installed (pip install sqlite-utils)"
        for name, args in CLI_CASES.items():
            result = _timed([*cli, *(a.format(tmp=tmp) for a in args)], env)
            if anchor:
                result["times_anchor"] = (
                    result["best_s"] / out["anchor_sqlite_utils_query"]["best_s"]
                )
            out[name] = result
        return out


def _tool(name: str) -> str | None:
    """A command installed beside this Python (the project's virtualenv), else on the PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def _running(cmd: Sequence[str], env: dict[str, str], ready: str) -> Iterator[None]:
    """A server started by ``cmd``, once ``ready`` (a URL) answers 200; stopped after."""
    import httpx

    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                if httpx.get(ready, timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{cmd[0]} did not start")
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _load(url: str, clients: int = CLIENTS) -> dict[str, Any]:
    """``clients`` threads, each with its own connection, ``REQUESTS_PER_CLIENT`` GETs of ``url``."""
    import httpx

    latencies: list[float] = []
    server: list[float] = []  # the server's own time per request (its Server-Timing header)
    errors = 0
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(_: int) -> None:
        nonlocal errors
        with httpx.Client(timeout=120, headers={"Accept-Encoding": "gzip"}) as c:
            barrier.wait()
            for _ in range(REQUESTS_PER_CLIENT):
                t = time.perf_counter()
                timing = ""
                try:
                    r = c.get(url)
                    ok, timing = r.status_code == 200, r.headers.get("server-timing", "")
                except httpx.HTTPError:
                    ok = False
                with lock:
                    latencies.append(time.perf_counter() - t)
                    errors += not ok
                    if timing.startswith("app;dur="):
                        server.append(float(timing.removeprefix("app;dur=")) / 1000)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    wall = time.perf_counter() - t0
    latencies.sort()
    server.sort()
    out: dict[str, Any] = {
        "clients": clients,
        "requests": len(latencies),
        "errors": errors,
        "requests_per_s": len(latencies) / wall,
        "p50_s": statistics.median(latencies),
        "p99_s": latencies[int(0.99 * (len(latencies) - 1))],
    }
    if server:  # treatywatch's routes say their server time; the anchor does not
        out["server_p50_s"] = statistics.median(server)
        out["server_p99_s"] = server[int(0.99 * (len(server) - 1))]
    return out


WRK_SECONDS = 5


def _wrk(url: str, connections: int = CLIENTS) -> dict[str, Any]:
    """``wrk`` with one thread and ``connections`` connections for a few seconds."""
    import re

    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{WRK_SECONDS}s",
            "--latency",
            "-H",
            "Accept-Encoding: gzip",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def seconds(label: str) -> float:
        m = re.search(rf"^\s*{label}\s+([0-9.]+)(us|ms|s)\s*$", out, re.M)
        if m is None:
            raise RuntimeError(f"wrk printed no {label} latency:\n{out}")
        return float(m.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]

    total = re.search(r"([0-9]+) requests in", out)
    rate = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+([0-9]+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if total is None or rate is None:
        raise RuntimeError(f"wrk's output not understood:\n{out}")
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(int(x) for x in socket_errors.groups()) if socket_errors else 0
    return {
        "load_generator": "wrk",
        "clients": connections,
        "requests": int(total.group(1)),
        "errors": errors,
        "requests_per_s": float(rate.group(1)),
        "p50_s": seconds("50%"),
        "p99_s": seconds("99%"),
    }


def _measure(url: str) -> dict[str, Any]:
    """Under load: with wrk where installed, else with Python client threads."""
    if shutil.which("wrk"):
        return _wrk(url)
    return {"load_generator": "python threads", **_load(url)}


def _first(url: str) -> float:
    import httpx

    t = time.perf_counter()
    httpx.get(url, timeout=120)
    return time.perf_counter() - t


def routes() -> dict[str, Any]:
    """The real server (one worker) under 16 clients per route, after one warm-up request
    (whose time is recorded as ``first_s``); datasette's polls table JSON as the anchor."""
    out: dict[str, Any] = {
        "note": "client and server share the machine's cores; latency is seen by the client"
    }
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "routes.db")
        env = {**os.environ, "TREATYWATCH_DB": db}
        cli = [sys.executable, "-m", "treatywatch"]
        subprocess.run([*cli, "import", "--example"], env=env, check=True, capture_output=True)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        serve = [*cli, "serve", "--port", str(port), "--workers", "1"]
        with _running(serve, env, base + "/api/v1/processes"):
            for name, path in ROUTE_CASES.items():
                first = _first(base + path)
                out[name] = {"route": path, "first_s": first, **_measure(base + path)}
        datasette = _tool("datasette")
        if datasette is None:
            out["anchor_datasette_polls_json"] = None
            out["anchor_missing"] = "datasette is not installed (pip install datasette)"
            return out
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        path = f"/routes/polls.json?process_slug={SLUG}&_shape=objects"
        with _running([datasette, "serve", db, "-p", str(port)], env, base + path):
            _first(base + path)
            out["anchor_datasette_polls_json"] = {"route": path, **_measure(base + path)}
        anchor = out["anchor_datasette_polls_json"]["requests_per_s"]
        for name in ROUTE_CASES:
            out[name]["times_anchor_requests_per_s"] = out[name]["requests_per_s"] / anchor
    return out

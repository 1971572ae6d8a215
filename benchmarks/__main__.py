"""Benchmarks (`make bench`): time the main paths and write the results as JSON.

Speed is measured here, not asserted in tests. Each benchmark returns a dict of
numbers; the runner records the machine and writes one JSON file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.timing import best_of


def bench_import_and_status() -> dict[str, Any]:
    """Ask the status of the example, imported once into an in-memory store."""
    from treatywatch.cli.common import example_path
    from treatywatch.ingest import import_paths
    from treatywatch.queries.status import process_status
    from treatywatch.store.db import Store

    store = Store.memory()
    import_paths(store, [example_path()])
    return {
        "status_as_of": best_of(
            lambda: process_status(store, "montenegro-nato", date(2016, 12, 31))
        )
    }


def bench_import_example() -> dict[str, Any]:
    """The real import of the example (read, parse, prose, checks, store) into a fresh file store."""
    from benchmarks.imports import bench_import_example as run

    return run()


def bench_import_many() -> dict[str, Any]:
    """1,000 distinct articles into one file store, then changed versions of them."""
    from benchmarks.imports import bench_import_many as run

    return run()


def bench_reread() -> dict[str, Any]:
    """After an upgrade: every stored document read and checked again (100 and 400 articles)."""
    from benchmarks.imports import bench_reread as run

    return run()


def bench_cli_start() -> dict[str, Any]:
    """Wall time of `treatywatch status … --json` as a user runs it (a new process each time)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TREATYWATCH_DB": str(Path(tmp) / "b.db")}
        cmd = [sys.executable, "-m", "treatywatch"]
        subprocess.run([*cmd, "import", "--example"], env=env, check=True, capture_output=True)
        return best_of(
            lambda: subprocess.run(
                [*cmd, "status", "montenegro-nato", "--json"],
                env=env,
                check=True,
                capture_output=True,
            ),
            repeat=7,
        )


def bench_checks() -> dict[str, Any]:
    """Reading the prose and running every check on the example."""
    from benchmarks.checks import bench_checks as run

    return run()


def bench_checks_scaling() -> dict[str, Any]:
    """Parsing, prose and checks at 100 kB, 1 MB and 10 MB: time should grow linearly."""
    from benchmarks.scaling import bench_scaling

    return bench_scaling()


def bench_poll_average() -> dict[str, Any]:
    """Averaging 10,000, 100,000 and 1,000,000 synthetic polls: time should grow linearly."""
    from benchmarks.pollavg import run

    return run()


def bench_cold_routes() -> dict[str, Any]:
    """The first request in a fresh process: /polls (records only) against the process page."""
    from benchmarks.routes import run

    return run()


def bench_load() -> dict[str, Any]:
    """The real server under 1, 2, 4 and 16 clients; 16 importers at once."""
    from benchmarks.load import run

    return run()


def bench_speed_cli() -> dict[str, Any]:
    """Issue 13: status, polls --average, forecast and report beside `sqlite-utils query`."""
    from benchmarks.speed import cli_commands

    return cli_commands()


def bench_speed_routes() -> dict[str, Any]:
    """Issue 13: the process page and JSON routes at 16 clients beside datasette's JSON."""
    from benchmarks.speed import routes

    return routes()


BENCHMARKS: dict[str, Callable[[], dict[str, Any]]] = {
    "import_and_status": bench_import_and_status,
    "import_example": bench_import_example,
    "import_many": bench_import_many,
    "reread": bench_reread,
    "cli_start": bench_cli_start,
    "checks": bench_checks,
    "checks_scaling": bench_checks_scaling,
    "poll_average": bench_poll_average,
    "cold_routes": bench_cold_routes,
    "load": bench_load,
    "speed_cli": bench_speed_cli,
    "speed_routes": bench_speed_routes,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="bench-results.json")
    parser.add_argument("--only", nargs="*", help="run only these benchmarks")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "results": {},
    }
    failed = []
    for name, fn in BENCHMARKS.items():
        if args.only and name not in args.only:
            continue
        print(f"bench {name} …", flush=True)
        try:
            results["results"][name] = fn()
        except Exception as e:  # noqa: BLE001 - one broken benchmark must not lose the others
            results["results"][name] = {"error": f"{type(e).__name__}: {e}"}
            failed.append(name)
        print(json.dumps(results["results"][name], indent=2), flush=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    if failed:
        raise SystemExit(f"benchmarks that failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()

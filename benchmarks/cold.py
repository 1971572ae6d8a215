"""Cold runs of the issue 13 CLI goals: each run on a fresh copy of a store just imported.

``python -m benchmarks.cold [--runs N] [--out FILE]``: imports the bundled example article
(``treatywatch --db X import src/treatywatch/examples/montenegro-nato-relations.txt``;
``--db`` is the app's option, before the command) once,
then for every run copies that store to a new file and runs the command there once, in a new
process, under GNU time (wall time here, peak resident memory from time's %M). A cold run is
a command's first run on a store, so it computes what the store's cache of derived results
would otherwise hand it. treatywatch's bytecode is compiled first, as an installed package's
is. Median, best and worst of the runs are recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TIME = "/usr/bin/time"
EXAMPLE = (
    Path(__file__).resolve().parents[1] / "src/treatywatch/examples/montenegro-nato-relations.txt"
)
CASES: dict[str, list[str]] = {
    "forecast_as_of_2017_01_20": ["forecast", "montenegro-nato", "--as-of", "2017-01-20"],
    "report": ["report", "montenegro-nato", "-o", "{tmp}/r.html"],
}


def _one(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        t = time.perf_counter()
        subprocess.run(
            [TIME, "-f", "%M", "-o", out.name, *cmd], env=env, check=True, capture_output=True
        )
        wall = time.perf_counter() - t
        peak = int(Path(out.name).read_text().strip().splitlines()[-1]) / 1024
    return wall, peak


def measure(runs: int) -> dict[str, Any]:
    import treatywatch

    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(treatywatch.__file__).parent)],
        check=True,
    )
    cli = [sys.executable, "-m", "treatywatch"]
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = str(Path(tmp) / "base.db")
        env = {k: v for k, v in os.environ.items() if k != "TREATYWATCH_DB"}
        subprocess.run(
            [*cli, "--db", base, "import", str(EXAMPLE)], env=env, check=True, capture_output=True
        )
        for name, args in CASES.items():
            walls, peaks = [], []
            for i in range(runs):
                db = str(Path(tmp) / f"{name}-{i}.db")
                shutil.copyfile(base, db)
                cmd = [*cli, "--db", db, *(a.format(tmp=tmp) for a in args)]
                wall, peak = _one(cmd, env)
                walls.append(wall)
                peaks.append(peak)
            out[name] = {
                "command": "treatywatch " + " ".join(args).replace("{tmp}/", ""),
                "median_s": statistics.median(walls),
                "best_s": min(walls),
                "worst_s": max(walls),
                "peak_mib_median": statistics.median(peaks),
                "peak_mib_max": max(peaks),
                "runs": runs,
                "walls_s": walls,
            }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out")
    ns = parser.parse_args()
    result = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_avg_before": os.getloadavg(),
        "results": measure(ns.runs),
    }
    text = json.dumps(result, indent=2)
    if ns.out:
        Path(ns.out).write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()

"""Cold routes: one request in a fresh process, as the first visitor after a start pays it.

A route that lists 27 polls should not pay for the poll average, the forecast or the
members' speeds; the process page, which shows them, does. Each run is a new Python process
(nothing cached, no library imported yet) that builds the app and times its first request.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROUTES = {
    "polls": "/api/v1/processes/montenegro-nato/polls",
    "status": "/api/v1/processes/montenegro-nato/status",
    "process_page": "/processes/montenegro-nato",
}
RUNS = 5

# Run in the child: build the app over the store, time the first request to one route.
_CHILD = """
import json, sys, time
from fastapi.testclient import TestClient
from treatywatch.web.app import create_app
with TestClient(create_app(sys.argv[1])) as client:
    t = time.perf_counter()
    status = client.get(sys.argv[2]).status_code
    print(json.dumps({"seconds": time.perf_counter() - t, "status": status}))
"""


def _first_request(db: str, route: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, db, route],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    result = json.loads(out.stdout)
    if result["status"] != 200:
        raise RuntimeError(f"{route}: status {result['status']}")
    return float(result["seconds"])


def run(runs: int = RUNS) -> dict[str, Any]:
    """Best and worst of ``runs`` cold first requests per route, in seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "routes.db")
        cmd = [sys.executable, "-m", "treatywatch", "--db", db, "import", "--example"]
        subprocess.run(cmd, check=True, capture_output=True)
        out: dict[str, Any] = {}
        for name, route in ROUTES.items():
            times = [_first_request(db, route) for _ in range(runs)]
            out[name] = {"route": route, "best_s": min(times), "worst_s": max(times), "runs": runs}
        return out

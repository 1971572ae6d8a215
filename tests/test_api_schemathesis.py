"""schemathesis against a real server: `serve --workers 2` over a store holding the example.

Every phase (the documented examples, boundary coverage, random fuzzing, stateful sequences)
and every check: no 5xx, every status, content type, header and body as the OpenAPI document
says, malformed input refused, unsupported methods answered 405 with Allow. About 45 s;
TREATYWATCH_SCHEMATHESIS_EXAMPLES raises the number of cases per operation for a longer run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from serving import cli, running_server

EXAMPLES = int(os.environ.get("TREATYWATCH_SCHEMATHESIS_EXAMPLES", "8"))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """`treatywatch serve --workers 2` over a SQLite store holding the example."""
    db = str(tmp_path / "api.db")
    assert cli(db, "import", "--example").returncode == 0
    with running_server(db, workers=2) as server:
        yield server.url


@pytest.mark.schemathesis
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    server: str, tmp_path: Path
) -> None:
    st = Path(sys.executable).with_name("st")
    r = subprocess.run(
        [str(st), "run", f"{server}/api/v1/openapi.json", "--checks", "all"]
        + ["--max-examples", str(EXAMPLES), "--workers", "1", "--seed", "20261130"]
        + ["--generation-database", "none", "--no-color"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,  # st keeps a cache in ./.schemathesis
    )
    assert r.returncode == 0, r.stdout[-8000:] + r.stderr[-2000:]
    assert " passed" in r.stdout and "failed" not in r.stdout.split("SUMMARY")[-1]

"""Shared fixtures: the bundled example, a store per test, and a CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from treatywatch.store.db import Store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src" / "treatywatch" / "examples" / "montenegro-nato-relations.txt"


@pytest.fixture
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store.memory()
    yield s
    s.close()


# -- backends: every store test runs on SQLite and on PostgreSQL ----------------
PG_URL = os.environ.get("TREATYWATCH_TEST_PG", "")


def pg_database() -> Iterator[str]:
    """A throwaway PostgreSQL database (skipped without TREATYWATCH_TEST_PG; CI sets
    TREATYWATCH_REQUIRE_PG=1 to make a missing server a failure)."""
    if not PG_URL:
        if os.environ.get("TREATYWATCH_REQUIRE_PG"):
            pytest.fail("TREATYWATCH_TEST_PG is not set but TREATYWATCH_REQUIRE_PG is")
        pytest.skip("set TREATYWATCH_TEST_PG=postgresql://… to run the PostgreSQL tests")
    import psycopg

    name = f"treatywatch_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = PG_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        _drop_pg(name)


def _drop_pg(name: str) -> None:
    """Drop a test database; an autovacuum worker may hold it for a moment, so retry."""
    import psycopg

    for _ in range(40):
        try:
            with psycopg.connect(PG_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            return
        except psycopg.errors.ObjectInUse:
            time.sleep(0.25)
    # Still in use after 10 s: leave it; the next CI run starts from a new server state.


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from pg_database()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store's URL: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
    else:
        yield from pg_database()


@pytest.fixture
def any_store(store_url: str) -> Iterator[Store]:
    """An open store on each backend."""
    with Store.open(store_url) as s:
        yield s


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class Cli:
    """Runs the real console entry point in a subprocess against a temporary store."""

    def __init__(self, db: Path) -> None:
        self.db = db

    def __call__(self, *args: str | Path) -> Result:
        env = {**os.environ, "TREATYWATCH_DB": str(self.db), "COLUMNS": "200"}
        p = subprocess.run(
            [sys.executable, "-m", "treatywatch", *map(str, args)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        return Result(p.returncode, p.stdout, p.stderr)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Any]:
    """The web app over a store holding the example."""
    from fastapi.testclient import TestClient

    from treatywatch.ingest import import_paths
    from treatywatch.web.app import create_app

    db = str(tmp_path / "web.db")
    with Store.open(db) as s:
        import_paths(s, [EXAMPLE])
    with TestClient(create_app(db)) as c:
        yield c


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "tw.db")


# Run in a child process: the console entry point, then the modules it loaded (on stderr).
_LOADED_CHILD = """
import json, sys
from treatywatch.cli import main
sys.argv = ["treatywatch", *sys.argv[1:]]
try:
    main()
except SystemExit as e:
    assert not e.code, e.code
sys.stderr.write(json.dumps(sorted(sys.modules)))
"""


def run_loading(db: str, *args: str, columns: str | None = None) -> tuple[str, set[str]]:
    """A CLI command in a fresh process on store ``db``: its output, and the modules it loaded
    (to test what a command does not import)."""
    env = {**os.environ, "TREATYWATCH_DB": db}
    if columns is not None:
        env["COLUMNS"] = columns
    out = subprocess.run(
        [sys.executable, "-c", _LOADED_CHILD, *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return out.stdout, set(json.loads(out.stderr))

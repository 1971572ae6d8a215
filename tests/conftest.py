"""Shared fixtures: the bundled example, a store per test, and a CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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

    from treatywatch.importing import import_paths
    from treatywatch.web.app import create_app

    db = str(tmp_path / "web.db")
    with Store.open(db) as s:
        import_paths(s, [EXAMPLE])
    with TestClient(create_app(db)) as c:
        yield c


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "tw.db")

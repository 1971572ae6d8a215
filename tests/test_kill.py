"""SIGKILL during a multi-file import: the store stays whole, on SQLite and PostgreSQL.

An import of many files is one transaction: killed at any point, the store holds either
all of it or none of it, passes its integrity check, and keeps everything imported
before. A handful of kills per backend run in `make test`; set TREATYWATCH_KILL_RUNS
for more (`make load` runs 30).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pycountry

from treatywatch.ingest import read_text
from treatywatch.store.bundled import BUNDLED_KEY_PREFIX as SOURCE_KEY_PREFIX
from treatywatch.store.db import Store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src" / "treatywatch" / "examples" / "montenegro-nato-relations.txt"
RUNS = int(os.environ.get("TREATYWATCH_KILL_RUNS", "3"))
FILES = 30
RECORDS = {
    "milestones": "milestones",
    "polls": "polls",
    "relations": "relations",
    "party_positions": "positions",
    "problems": "problems",
    "prose_events": "events",
    "findings": "findings",
}


def countries(n: int) -> list[str]:
    """Candidates whose names make a readable title ("X–NATO relations")."""
    names = sorted(c.name for c in pycountry.countries if c.alpha_2 != "ME")
    return [c for c in names if not any(x in c for x in (" and ", ",", "-", "("))][:n]


def write_batch(folder: Path, run: int) -> list[Path]:
    """FILES distinct articles; each run adds a poll row of its own (new versions)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    anchor = "| Oct 2014 | | 43.75 | 56.25 | 12.5 |\n"
    row = f"| {run + 1} Feb 2018 | KillPoll | {41 + run % 9}.0 | {59 - run % 9}.0 | 1.0 |\n"
    folder.mkdir()
    files = []
    for name in countries(FILES):
        f = folder / f"{name}.txt"
        body = text.replace("Montenegro–NATO relations", f"{name}–NATO relations", 1)
        f.write_text(body.replace(anchor, anchor + row), encoding="utf-8")
        files.append(f)
    return files


def expected_counts(text: str) -> dict[str, int]:
    p = read_text(text, "x.txt")
    counts = {table: len(getattr(p, attr)) for table, attr in RECORDS.items()}
    counts["acts"] = len(p.acts) + len(p.prose_acts)
    return counts


def stored_counts(store: Store, sha: str) -> dict[str, int]:
    return {
        table: store.rows(f"SELECT COUNT(*) FROM {table} WHERE document_sha = ?", (sha,))[0][0]  # noqa: S608
        for table in [*RECORDS, "acts"]
    }


def check_whole(store: Store, before: dict[str, object], batch: set[str]) -> bool:
    """The store is consistent; return whether the killed import had committed."""
    if store.dialect == "sqlite":
        assert store.rows("PRAGMA integrity_check") == [("ok",)]
        assert store.rows("PRAGMA foreign_key_check") == []
    current = store.rows(
        "SELECT sha256, source_key, text FROM documents WHERE superseded_by IS NULL"
    )
    keys = [r[1] for r in current]
    assert len(keys) == len(set(keys)), "two current versions of one article"
    shas = {r[0] for r in current}
    committed = batch <= shas
    assert committed or not (batch & shas), "part of one import committed"
    for sha, key, text in current:
        if key.startswith(SOURCE_KEY_PREFIX):  # a bundled round, stored by the CLI on first use
            continue
        assert stored_counts(store, sha) == expected_counts(text), sha
    # What was imported before is intact.
    assert store.polls("montenegro-nato") == before["polls"]
    assert store.acts("montenegro-nato") == before["acts"]
    return committed


def test_sigkill_during_import_loses_nothing(store_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "TREATYWATCH_DB": store_url}
    cmd = [sys.executable, "-m", "treatywatch", "import"]
    assert subprocess.run([*cmd, str(EXAMPLE)], env=env, capture_output=True).returncode == 0
    with Store.open(store_url) as s:
        before: dict[str, object] = {
            "polls": s.polls("montenegro-nato"),
            "acts": s.acts("montenegro-nato"),
        }
    # How long an uninterrupted import of a batch takes, to kill within it.
    files = write_batch(tmp_path / "timing", 10_000)
    t0 = time.monotonic()
    assert subprocess.run([*cmd, *map(str, files)], env=env, capture_output=True).returncode == 0
    duration = time.monotonic() - t0
    seed = int(os.environ.get("TREATYWATCH_KILL_SEED", str(time.time_ns() % 1_000_000)))
    rng = random.Random(seed)
    outcomes = []
    for run in range(RUNS):
        files = write_batch(tmp_path / f"run-{run}", run)
        from treatywatch.sources.reading import read_document

        batch = {read_document(f)[1] for f in files}
        # Late in the run, where the transaction writes (the start is interpreter set-up).
        delay = duration * rng.uniform(0.5, 1.05)
        process = subprocess.Popen(
            [*cmd, *map(str, files)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        with Store.open(store_url) as s:
            committed = check_whole(s, before, batch)
        outcomes.append((round(delay, 2), process.returncode, committed))
    print(f"seed {seed}; (delay s, exit, committed) per kill: {outcomes}")

"""Failures a user meets: each one line on stderr, with an exit code of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import Cli


def test_a_bug_is_one_line_and_exit_70(cli: Cli, tmp_path: Path) -> None:
    """An exception that is not treatywatch's own is a bug: one line asking for a report,
    exit 70 — never 1 (which `check` and `--strict` use) and never a traceback."""
    assert cli("import", "--example").code == 0
    program = (
        "import sys, treatywatch.queries.status as s\n"
        "def broken(*a, **k): raise KeyError('boom')\n"
        "s.process_status = broken\n"
        "sys.argv = ['treatywatch', 'processes']\n"
        "from treatywatch.cli import main\n"
        "main()\n"
    )
    env = {**os.environ, "TREATYWATCH_DB": str(cli.db)}
    p = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env)
    assert p.returncode == 70
    assert p.stderr.startswith("treatywatch: internal error: KeyError: 'boom'; this is a bug")
    assert p.stderr.count("\n") == 1 and "Traceback" not in p.stderr
    debug = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        env={**env, "TREATYWATCH_DEBUG": "1"},
    )
    assert "Traceback" in debug.stderr


def test_store_that_cannot_be_reached_exit_4_without_the_password(cli: Cli) -> None:
    url = "postgresql://someone:s3cret-pw@127.0.0.1:1/nowhere"
    r = cli("--db", url, "processes")
    assert r.code == 4
    assert "s3cret-pw" not in r.err and "someone:***@127.0.0.1:1" in r.err
    assert r.err.count("\n") == 1


def test_store_that_is_not_a_database_exit_4(cli: Cli, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a SQLite database, it is text" * 100)
    r = cli("--db", str(junk), "processes")
    assert r.code == 4 and r.err.startswith("treatywatch: error: ")
    assert "not a database" in r.err and r.err.count("\n") == 1


def test_a_process_of_an_organization_this_version_does_not_know_exit_3(cli: Cli) -> None:
    """A store written by another version may hold a process of an organization this one's
    reference data lacks: a clear one-line error naming it, not a crash."""
    import sqlite3

    assert cli("import", "--example").code == 0
    with sqlite3.connect(cli.db) as db:
        db.execute("UPDATE processes SET organization = 'OECD' WHERE slug = 'montenegro-nato'")
    out = cli("status", "montenegro-nato")
    assert out.code == 3
    assert out.err.startswith("treatywatch: error: no organization 'OECD' in this treatywatch")
    assert out.err.count("\n") == 1 and "Traceback" not in out.err

"""The CLI and the places it is told about: outputs in missing folders and a --db whose
folder does not exist are one-line errors (exit 2); an empty store says how to fill it; long
commands draw a progress bar on a terminal and nothing when piped."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT, Cli

FIXTURES = ROOT / "tests" / "fixtures" / "polls"


def one_line_error(err: str, *words: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("treatywatch: error: "), err
    assert "Traceback" not in err and all(w in lines[0] for w in words), err


@pytest.mark.parametrize(
    "args",
    [
        ("report", "montenegro-nato", "-o", "{missing}/r.html"),
        ("chart", "montenegro-nato", "map", "-o", "{missing}/map.svg"),
        ("chart", "montenegro-nato", "polls", "-o", "{missing}/polls.png"),
        ("export", "montenegro-nato", "--format", "csv", "-o", "{missing}/x.csv"),
        ("polls-eval", FIXTURES / "polls.csv", FIXTURES / "outcomes.csv", "-o", "{missing}/e.json"),
    ],
)  # fmt: skip
def test_an_output_in_a_missing_folder_is_a_one_line_error(
    cli: Cli, tmp_path: Path, args: tuple[str | Path, ...]
) -> None:
    assert cli("import", "--example").code == 0
    missing = tmp_path / "no" / "such" / "dir"
    r = cli(*(str(a).format(missing=missing) for a in args))
    assert r.code == 2, r.err
    one_line_error(r.err, str(missing), "no folder")
    assert not missing.exists()


def test_an_output_that_is_a_folder_is_a_one_line_error(cli: Cli, tmp_path: Path) -> None:
    assert cli("import", "--example").code == 0
    r = cli("report", "montenegro-nato", "-o", tmp_path)
    assert r.code == 2
    one_line_error(r.err, "is a folder")


def test_a_db_in_a_missing_folder_is_an_error_unless_create(tmp_path: Path) -> None:
    db = tmp_path / "typo" / "store.db"

    def run(*args: str | Path, env_db: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "TREATYWATCH_DB"}
        if env_db is not None:
            env["TREATYWATCH_DB"] = str(env_db)
        return subprocess.run(
            [sys.executable, "-m", "treatywatch", *map(str, args)],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip

    for r in (run("--db", db, "processes"), run("processes", env_db=db)):
        assert r.returncode == 2
        one_line_error(r.stderr, str(db), "--create")
        assert not db.parent.exists()
    r = run("--db", db, "--create", "import", "--example")
    assert r.returncode == 0, r.stderr
    assert db.is_file()
    r = run("status", "montenegro-nato", env_db=db)  # now it exists: no --create needed
    assert r.returncode == 0 and "Member" in r.stdout


def test_an_empty_store_says_how_to_import(cli: Cli) -> None:
    r = cli("processes")
    assert r.code == 0
    assert "treatywatch import --example" in r.out and "treatywatch import FILE" in r.out
    assert isinstance(cli("processes", "--json").json(), list)  # JSON stays JSON alone
    assert cli("import", "--example").code == 0
    r = cli("processes")
    assert "montenegro-nato" in r.out and "import --example" not in r.out


def on_a_terminal(db: Path, *args: str | Path) -> tuple[int, str]:
    """Run the CLI with standard output and error on a pseudo-terminal; what it drew."""
    master, slave = pty.openpty()
    env = {**os.environ, "TREATYWATCH_DB": str(db), "COLUMNS": "120"}
    p = subprocess.Popen(
        [sys.executable, "-m", "treatywatch", *map(str, args)],
        stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env,
    )  # fmt: skip
    os.close(slave)
    drawn = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    os.close(master)
    return p.wait(timeout=120), drawn.decode("utf-8", "replace")


def test_a_long_import_shows_progress_on_a_terminal_and_nothing_when_piped(
    cli: Cli, tmp_path: Path
) -> None:
    files = []
    for i in range(3):  # three versions of the article: each is read and stored
        f = tmp_path / f"v{i}.txt"
        f.write_text(EXAMPLE.read_text(encoding="utf-8") + f"\nVersion {i}.\n", encoding="utf-8")
        files.append(f)
    code, drawn = on_a_terminal(tmp_path / "tty.db", "import", *files)
    assert code == 0, drawn
    assert "importing" in drawn and "3/3" in drawn and "━" in drawn
    r = cli("import", *files)
    assert r.code == 0
    assert r.err == "" and "importing" not in r.out and "━" not in r.out


def test_polls_eval_shows_progress_on_a_terminal_and_nothing_when_piped(
    cli: Cli, tmp_path: Path
) -> None:
    args = ("polls-eval", FIXTURES / "polls.csv", FIXTURES / "outcomes.csv")
    code, drawn = on_a_terminal(tmp_path / "tty.db", *args)
    assert code == 0, drawn
    assert "scoring races" in drawn and "━" in drawn
    r = cli(*args)
    assert r.code == 0 and r.err == "" and "scoring races" not in r.out

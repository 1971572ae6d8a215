"""The README is a promise: every command its console blocks show is run, and its output
is checked line by line against what the README prints.

In the README's output, ``…`` stands for text left out (inside a line or whole lines);
everything else must appear in the real output in the same order. Whitespace runs are
compared as one space (tables are aligned for reading), and the border lines of Rich's
tables are not shown in the README. Commands that cannot run here (a server that runs
until stopped) are listed in ``NOT_RUN`` with the test that covers them instead.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SHARED = ROOT.parent / "shared"

# Commands shown but not run here, and where they are tested.
NOT_RUN = {
    "treatywatch import --wiki": (
        "uses the network: tests/test_wiki_follow.py runs it against recorded API answers"
    ),
    "treatywatch sync": "uses the network: tests/test_wiki_follow.py (and offline, exit 2)",
    "treatywatch serve": "runs until stopped: tests/test_serve.py and tests/test_concurrency.py",
    "treatywatch --db postgresql://tw:s3cret@db.example/treaties serve": (
        "needs that server: tests/test_serve.py checks the warning and the masked URL"
    ),
}


@dataclass
class Example:
    line: int
    command: str
    expected: str


def examples() -> list[Example]:
    """Every ``$ command`` in the README's console blocks, with the output shown after it."""
    found: list[Example] = []
    lines = README.read_text(encoding="utf-8").split("\n")
    in_console = False
    current: Example | None = None
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            in_console = line.strip() == "```console"
            current = None
            continue
        if not in_console:
            continue
        if line.startswith("$ "):
            current = Example(number, line[2:], "")
            found.append(current)
        elif current is not None and current.command.endswith("\\"):
            current.command = current.command[:-1] + " " + line.strip()
        elif current is not None:
            current.expected += line + "\n"
    return found


def normalized(text: str) -> str:
    """Whitespace runs as one space; Rich's table borders dropped."""
    kept = [ln for ln in text.split("\n") if not re.fullmatch(r"[\s┏┓┗┛┡┩━┳┻╇─┼└┘┌┐╭╮╰╯│┃]*", ln)]
    return " ".join(" ".join(kept).split())


def missing(expected: str, actual: str) -> str | None:
    """The first piece of ``expected`` (split at ``…``) not found, in order, in ``actual``."""
    position = 0
    text = normalized(actual)
    for piece in normalized(expected).split("…"):
        piece = piece.strip()
        if not piece:
            continue
        found = text.find(piece, position)
        if found < 0:
            return piece
        position = found + len(piece)
    return None


def command_words(command: str, tmp: Path, stores: Path | None = None) -> list[str]:
    """The command's words, paths resolved; a store named with ``--db NAME.db`` is one file
    in ``stores`` that the README's commands share, as they would in one folder."""
    words = shlex.split(command, comments=True)
    assert words[0] == ".venv/bin/treatywatch", f"README commands run the installed CLI: {command}"
    out: list[str] = []
    for w in words[1:]:
        if w.startswith(("src/", "../shared/", "docs/")):
            w = str((ROOT / w).resolve())
        elif out and out[-1] == "--db" and w.endswith(".db") and "/" not in w and stores:
            w = str(stores / w)
        out.append(w)
    return out


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("readme") / "readme.db"


CASES = examples()


def test_the_readme_shows_commands() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[f"line-{c.line}" for c in CASES])
def test_readme_command(case: Example, store: Path, tmp_path: Path) -> None:
    words = shlex.split(case.command, comments=True)
    key = " ".join(w for w in words if not w.startswith("--host"))
    key = key.replace(".venv/bin/", "")
    for prefix, why in NOT_RUN.items():
        if key.startswith(prefix):
            pytest.skip(f"not run here: {why}")
    if "../shared/" in case.command and not SHARED.exists():
        pytest.skip("needs ../shared/ beside the clone")
    env = {**os.environ, "TREATYWATCH_DB": str(store), "COLUMNS": "200", "NO_COLOR": "1"}
    if not store.exists() and words[1:3] != ["import", "--example"]:
        subprocess.run(
            [sys.executable, "-m", "treatywatch", "import", "--example"], env=env, check=True
        )
    p = subprocess.run(
        [sys.executable, "-m", "treatywatch", *command_words(case.command, tmp_path, store.parent)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert p.returncode in (0, 1), f"README line {case.line}: exit {p.returncode}: {p.stderr}"
    gap = missing(case.expected, p.stdout)
    assert gap is None, f"README line {case.line}: not in the output: {gap!r}\n{p.stdout}"

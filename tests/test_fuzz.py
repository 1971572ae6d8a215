"""Fuzz the import pipeline and the checks: hostile articles raise only treatywatch's errors.

Each input goes the whole way (file → read → parse → prose → checks → store → read back →
printed as the CLI prints it; see ``fuzzing.run_pipeline``). CI runs a fixed budget;
``make fuzz`` (or ``TREATYWATCH_FUZZ_EXAMPLES=100000``) runs longer, and ``fuzz/run.py``
runs millions without hypothesis. The inputs that once crashed are in
``test_hostile_input.py``.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from fuzzing import EXAMPLE_TEXT, generate, make_input, mutate, run_pipeline, to_bytes
from treatywatch.errors import TreatywatchError

EXAMPLES = int(os.environ.get("TREATYWATCH_FUZZ_EXAMPLES", "120"))
BUDGET = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("fuzz") / "article.txt"


def _run(data: bytes, path: Path) -> None:
    note(repr(data[:2000]))
    try:
        run_pipeline(data, path)
    except TreatywatchError:
        pass  # the project's own error: a one-line message and an exit code


@BUDGET
@given(st.randoms(use_true_random=False))
def test_mutated_example(work: Path, rnd: random.Random) -> None:
    _run(to_bytes(rnd, mutate(rnd)), work)


@BUDGET
@given(st.randoms(use_true_random=False))
def test_generated_article(work: Path, rnd: random.Random) -> None:
    _run(to_bytes(rnd, generate(rnd)), work)


@BUDGET
@given(st.randoms(use_true_random=False))
def test_mixed_inputs(work: Path, rnd: random.Random) -> None:
    _run(make_input(rnd), work)


@BUDGET
@given(
    st.integers(0, EXAMPLE_TEXT.count("\n")),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=80),
)
def test_any_text_in_any_line(work: Path, at: int, text: str) -> None:
    """Hypothesis's own text (any character), as a line, a cell, or inside a line."""
    lines = EXAMPLE_TEXT.split("\n")
    for changed in (
        [*lines[:at], text, *lines[at:]],
        [*lines[:at], f"| {text} |", *lines[at:]],
        [*lines[:at], lines[at][:5] + text + lines[at][5:], *lines[at + 1 :]],
    ):
        _run("\n".join(changed).encode("utf-8"), work)


def test_budget_runs_the_whole_pipeline(work: Path) -> None:
    """The harness reaches the store: an unchanged example imports and reads back."""
    parsed = run_pipeline(EXAMPLE_TEXT.encode("utf-8"), work)
    assert parsed is not None and len(parsed.polls) == 27 and len(parsed.findings) == 16

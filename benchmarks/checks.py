"""Benchmark of the checks on the bundled example (the lead adds it to ``make bench``)."""

from __future__ import annotations

import time
from typing import Any


def bench_checks(repeat: int = 20) -> dict[str, Any]:
    """Time reading the example in one pass (blocks, tables and prose), the prose reader
    on its own, and running every rule on what was read."""
    from importlib import resources

    from treatywatch.checks import run_checks
    from treatywatch.reference import organization
    from treatywatch.sources.article import parse
    from treatywatch.sources.blocks import split_blocks
    from treatywatch.sources.prose import read_prose

    example = resources.files("treatywatch") / "examples" / "montenegro-nato-relations.txt"
    text = example.read_text(encoding="utf-8")
    t = time.perf_counter()
    facts = parse(text, "example.txt")
    parse_s = time.perf_counter() - t
    org = organization(facts.process.organization)
    paragraphs = split_blocks(text).paragraphs

    from benchmarks.timing import best_of

    def timed(fn: Any) -> dict[str, float]:
        return best_of(fn, repeat)

    return {
        "first_parse_s": parse_s,
        "parse": timed(lambda: parse(text, "example.txt")),
        "read_prose": timed(
            lambda: read_prose(paragraphs, facts.process, org, facts.document.sha256)
        ),
        "run_checks": timed(lambda: run_checks(facts, org)),
        "findings": len(run_checks(facts, org)),
    }

"""How reading and checking grow with the document: 100 kB, 1 MB and 10 MB (the input limit).

Five documents of each size: the bundled example repeated (tables, prose and lists, as a
long article), dated sentences of procedure steps that agree (the issue's case: the prose
date rule compared each with every earlier one, 78 s at 500 kB), a poll table of many rows,
and one long sentence of dated clauses, without and with figures (no full stop). Each goes
through the stages of ``ingest.read_text``, timed apart: read in one pass (blocks, tables
and prose: ``parse_s``), checked (``checks_s``), then stored in memory (``store_s``); the
growth ratio is the time at one size over the time at the size ten times smaller: about 10
when the work is linear, 100 when it is quadratic.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import resources
from typing import Any

SIZES = (100_000, 1_000_000, 10_000_000)
_TITLE = "= Montenegro–NATO relations =\n\n"


def _fill(unit: Callable[[int], str], size: int, head: str = _TITLE) -> str:
    parts, n, i = [head], len(head), 0
    while n < size:
        s = unit(i)
        parts.append(s)
        n += len(s)
        i += 1
    return "".join(parts)


def _example_body() -> str:
    text = (
        resources.files("treatywatch") / "examples" / "montenegro-nato-relations.txt"
    ).read_text(encoding="utf-8")
    return text.split("\n", 1)[1] + "\n"


_STEPS = (
    "A formal invitation was issued by the alliance on {d} December 2015.",
    "Montenegro signed the accession protocol on {d} May 2016.",
    "Spain ratified the protocol on {d} May 2017.",
    "The United States Senate voted on the Resolution of Ratification on {d} March 2017.",
    "Montenegro joined NATO on {d} June 2017.",
)


def _step(i: int) -> str:
    # The sentences agree (every earlier one is compared) but for one in a thousand.
    return _STEPS[i % len(_STEPS)].format(d=3 if i % 1000 == 999 else 2)


def _poll_row(i: int) -> str:
    return f"| {1 + i % 28} June {1990 + i % 30} | CEDEM | {40 + i % 20}.{i % 10} | 45.8 | 10.0 |\n"


def documents(size: int) -> dict[str, str]:
    """The benchmark's documents of about ``size`` characters."""
    body = _example_body()
    polls = "== Opinion polls ==\n| Date | Polling Firm/Source | For | Against | Lead |\n"
    return {
        "example_repeated": _fill(lambda _i: body, size),
        "dated_sentences": _fill(lambda i: _step(i) + "\n\n", size),
        "poll_rows": _fill(_poll_row, size, _TITLE + polls),
        "one_sentence": _fill(
            lambda i: f"in {1900 + i % 100} the protocol was signed, and in May {2000 + i % 20} ",
            size,
        ),
        "figures_sentence": _fill(
            lambda i: f"in May {2000 + i % 20} {40 + i % 9}% were for and {30 + i % 7}% against, ",
            size,
        ),
    }


def bench_scaling(sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    """Seconds to read (blocks, tables and prose, in one pass), check and store each
    document, per size, and the growth ratio of the total from each size to the next."""
    from treatywatch.checks import run_checks
    from treatywatch.reference import organization
    from treatywatch.sources.article import parse
    from treatywatch.store.db import Store

    org = organization("NATO")
    results: dict[str, Any] = {}
    for size in sizes:
        for name, text in documents(size).items():
            t0 = time.perf_counter()
            facts = parse(text, f"{name}.txt")
            t1 = time.perf_counter()
            found = run_checks(facts, org)
            t2 = time.perf_counter()
            with Store.memory() as store:
                store.import_documents([facts.checked(found)])
            parse_s, checks_s, store_s = t1 - t0, t2 - t1, time.perf_counter() - t2
            row = results.setdefault(name, {"sizes": {}})
            row["sizes"][str(size)] = {
                "bytes": len(text.encode("utf-8")),
                "parse_s": round(parse_s, 3),  # blocks, tables and prose
                "checks_s": round(checks_s, 3),
                "store_s": round(store_s, 3),  # into an in-memory SQLite store
                "total_s": round(parse_s + checks_s + store_s, 3),
                "findings": len(found),
            }
            print(f"  {name} {size:,}: {row['sizes'][str(size)]}", flush=True)
    for row in results.values():
        totals = [row["sizes"][str(s)]["total_s"] for s in sizes]
        row["growth"] = {
            f"{a:,}→{b:,}": round(tb / ta, 1) if ta else None
            for a, b, ta, tb in zip(sizes, sizes[1:], totals, totals[1:], strict=False)
        }
    return results

"""Benchmarks of the real import: read, parse, prose, checks and store, into a file store.

Every timed import writes something new: the example goes into a fresh store each run, and
the many-documents benchmark imports distinct articles, then changed versions of them, so
that no timing is of the early return for a document the store already holds.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.timing import best_of

# The example's poll table: each changed version adds a row after this one.
_POLL_ANCHOR = "| Oct 2014 | | 43.75 | 56.25 | 12.5 |\n"
_TITLE = "Montenegro–NATO relations"


def bench_import_example(repeat: int = 5) -> dict[str, Any]:
    """The bundled example into a fresh SQLite file store, each run a new store."""
    from treatywatch.ingest import import_paths
    from treatywatch.store.db import Store

    example = _example()
    with tempfile.TemporaryDirectory() as tmp:
        runs = iter(range(repeat))

        def run() -> None:
            with Store.open(str(Path(tmp) / f"run-{next(runs)}.db")) as store:
                t = time.perf_counter()
                outcome = import_paths(store, [example])
                timings.append(time.perf_counter() - t)
                assert outcome[0].action == "imported"

        timings: list[float] = []
        total = best_of(run, repeat)  # open and migrate the new store, then import
    return {
        "import": {"best_s": min(timings), "median_s": sorted(timings)[len(timings) // 2]},
        "open_migrate_and_import": total,
    }


def bench_import_many(documents: int = 1000, batch: int = 250) -> dict[str, Any]:
    """``documents`` distinct articles into one SQLite file store, ``batch`` per import, then
    a changed version of each (replacing it): documents/s after each batch, and how the time
    per document grows from the first batch to the last (flat when the store scales)."""
    from treatywatch.ingest import import_paths
    from treatywatch.store.db import Store

    text = _example().read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first = _write_articles(folder / "v1", documents, text)
        second = _write_articles(folder / "v2", documents, _with_poll(text))
        with Store.open(str(folder / "many.db")) as store:
            store_time = _time_store_step(store)
            result = {
                "documents": documents,
                "import": _batches(lambda p: import_paths(store, p), first, batch, store_time),
                "replace": _batches(lambda p: import_paths(store, p), second, batch, store_time),
                "stored": store.table_counts(),
            }
    for phase in ("import", "replace"):
        print(f"  {phase}: {result[phase]['growth']}", flush=True)
    return result


def bench_reread(sizes: Sequence[int] = (100, 400)) -> dict[str, Any]:
    """The first command after an upgrade reads and checks every stored document again:
    seconds for a store of ``n`` distinct articles (and the bundled rounds), at each size, and
    the time per document (flat when it scales)."""
    from treatywatch.ingest import import_paths, load_bundled_rounds, recheck_stored
    from treatywatch.store.cache import READER_VERSION_KEY, set_state
    from treatywatch.store.db import Store

    text = _example().read_text(encoding="utf-8")
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / str(n)
            paths = _write_articles(folder, n, text)
            with Store.open(str(folder / "store.db")) as store:
                load_bundled_rounds(store)
                import_paths(store, paths)
                with store.transaction():  # as a store another version read
                    set_state(store, READER_VERSION_KEY, "another-version")
                t = time.perf_counter()
                done = recheck_stored(store)
                seconds = time.perf_counter() - t
            out[str(n)] = {
                "documents": done,
                "seconds": round(seconds, 3),
                "ms_per_document": round(1000 * seconds / done, 2),
            }
    first, last = out[str(sizes[0])], out[str(sizes[-1])]
    out["last_over_first_ms_per_document"] = round(
        last["ms_per_document"] / first["ms_per_document"], 2
    )
    return out


def _batches(
    run: Callable[[Sequence[Path]], list[Any]],
    paths: Sequence[Path],
    size: int,
    store_time: list[float],
) -> dict[str, Any]:
    """Import ``paths`` ``size`` at a time; per batch and cumulative rates."""
    rows, elapsed = [], 0.0
    for start in range(0, len(paths), size):
        part = paths[start : start + size]
        store_time.clear()
        t = time.perf_counter()
        outcomes = run(part)
        seconds = time.perf_counter() - t
        assert {o.action for o in outcomes} <= {"imported", "replaced"}, "an unchanged import"
        elapsed += seconds
        done = start + len(part)
        rows.append(
            {
                "documents": done,
                "batch_s": round(seconds, 3),
                "batch_store_s": round(sum(store_time), 3),
                "ms_per_document": round(1000 * seconds / len(part), 2),
                "documents_per_s": round(done / elapsed, 1),
            }
        )
    first, last = rows[0], rows[-1]
    return {
        "batches": rows,
        "total_s": round(elapsed, 3),
        "documents_per_s": round(len(paths) / elapsed, 1),
        "growth": {
            "ms_per_document_first_batch": first["ms_per_document"],
            "ms_per_document_last_batch": last["ms_per_document"],
            "last_over_first": round(last["ms_per_document"] / first["ms_per_document"], 2),
            "store_s_last_over_first": round(last["batch_store_s"] / first["batch_store_s"], 2)
            if first["batch_store_s"]
            else None,
        },
    }


def _time_store_step(store: Any) -> list[float]:
    """Record the seconds of each ``store.import_documents`` call (the store step alone)."""
    seconds: list[float] = []
    real = store.import_documents

    def timed(parsed: Any) -> Any:
        t = time.perf_counter()
        try:
            return real(parsed)
        finally:
            seconds.append(time.perf_counter() - t)

    store.import_documents = timed
    return seconds


def _write_articles(folder: Path, n: int, text: str) -> list[Path]:
    """``n`` distinct articles: the example under titles that parse ("Chile–NATO
    relations–17"), cycling through candidates; the number keeps every title distinct."""
    folder.mkdir()
    names = _candidates()
    paths = []
    for i in range(n):
        path = folder / f"article-{i:05d}.txt"
        title = f"{names[i % len(names)]}–NATO relations–{i + 1}"
        path.write_text(text.replace(_TITLE, title, 1), encoding="utf-8")
        paths.append(path)
    return paths


def _with_poll(text: str) -> str:
    """A changed version of the article: one more poll row."""
    row = "| 1 Feb 2018 | BenchPoll | 48.0 | 52.0 | 4.0 |\n"
    return text.replace(_POLL_ANCHOR, _POLL_ANCHOR + row, 1)


def _candidates() -> list[str]:
    """Countries whose names make a readable title (as tests/test_kill.py picks them)."""
    import pycountry

    names = sorted(c.name for c in pycountry.countries if c.alpha_2 != "ME")
    return [c for c in names if not any(x in c for x in (" and ", ",", "-", "("))]


def _example() -> Path:
    from importlib import resources

    path = resources.files("treatywatch") / "examples" / "montenegro-nato-relations.txt"
    return Path(str(path))

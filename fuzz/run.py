"""Run many fuzzed inputs through the whole import pipeline, without hypothesis.

    python fuzz/run.py --inputs 1000000 --workers 2 --seed 1

Each input is ``fuzzing.make_input(random.Random(seed, i))``: the example mutated, or a
generated article, as bytes. Worker processes take interleaved indices; a crash (any
exception but treatywatch's own errors, or a stored record that does not read back) is
written to ``fuzz/crashes/`` with its seed and index and counted. Prints a summary line
with the count and the rate, and exits 1 when anything crashed.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzzing import make_input, run_pipeline  # noqa: E402
from treatywatch.errors import TreatywatchError  # noqa: E402

CRASHES = ROOT / "fuzz" / "crashes"


def _worker(args: tuple[int, int, int, int]) -> dict[str, int]:
    seed, worker, workers, count = args
    counts = {"inputs": 0, "refused": 0, "imported": 0, "own_errors": 0, "crashes": 0}
    counts |= {"slowest_ms": 0, "largest_bytes": 0}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "article.txt"
        for i in range(worker, count, workers):
            data = make_input(random.Random(f"{seed}:{i}"))
            counts["inputs"] += 1
            counts["largest_bytes"] = max(counts["largest_bytes"], len(data))
            started = time.perf_counter()
            try:
                parsed = run_pipeline(data, path)
                counts["imported" if parsed is not None else "refused"] += 1
            except TreatywatchError:
                counts["own_errors"] += 1
            except Exception:  # noqa: BLE001 - every other exception is the finding
                counts["crashes"] += 1
                CRASHES.mkdir(parents=True, exist_ok=True)
                (CRASHES / f"{seed}-{i}.bin").write_bytes(data)
                (CRASHES / f"{seed}-{i}.txt").write_text(traceback.format_exc())
            ms = round(1000 * (time.perf_counter() - started))
            counts["slowest_ms"] = max(counts["slowest_ms"], ms)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=20_000, help="inputs per progress line")
    args = parser.parse_args()
    total = {"inputs": 0, "refused": 0, "imported": 0, "own_errors": 0, "crashes": 0}
    total |= {"slowest_ms": 0, "largest_bytes": 0}
    started = time.perf_counter()
    with multiprocessing.Pool(args.workers) as pool:
        done = 0
        while done < args.inputs:
            n = min(args.chunk, args.inputs - done)
            jobs = [(f"{args.seed}.{done}", w, args.workers, n) for w in range(args.workers)]
            for counts in pool.map(_worker, jobs):  # type: ignore[arg-type]
                for k, v in counts.items():
                    total[k] = (
                        max(total[k], v) if k in ("slowest_ms", "largest_bytes") else total[k] + v
                    )
            done += n
            rate = total["inputs"] / (time.perf_counter() - started)
            print(json.dumps({**total, "per_second": round(rate, 1)}), flush=True)
    print(json.dumps({**total, "seconds": round(time.perf_counter() - started)}), flush=True)
    sys.exit(1 if total["crashes"] else 0)


if __name__ == "__main__":
    main()

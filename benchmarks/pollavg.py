"""Benchmark of :func:`treatywatch.stats.pollmodel.fit_average` on synthetic polls.

The polls of each size span the same four years (1,461 days) and twenty pollsters, so a
larger size means more polls per day, as a busier series would have. Building the
:class:`PollObs` objects is not timed; normalising them and fitting is.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.special import expit

from treatywatch.stats.pollmodel import PollObs, fit_average

SPAN_DAYS = 1461
POLLSTERS = 20


def synthetic_polls(n: int, seed: int = 0) -> list[PollObs]:
    """``n`` polls of one series: a random walk, house effects, 1-7 fieldwork days."""
    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.normal(0.0, 0.02, SPAN_DAYS))
    house = rng.normal(0.0, 0.07, POLLSTERS)
    house -= house.mean()
    length = rng.integers(1, 8, n)
    start = rng.integers(0, SPAN_DAYS - 7, n)
    who = rng.integers(0, POLLSTERS, n)
    size = rng.integers(400, 2000, n)
    p = expit(walk[start + (length - 1) // 2] + house[who] + rng.normal(0.0, 0.02, n))
    decided = rng.uniform(0.8, 0.95, n)
    f = rng.binomial(size, p * decided) / size * 100
    a = np.round(decided * 100 - f, 1).clip(0.1, 100 - f)
    origin = dt.date(2020, 1, 1).toordinal()
    dates = [dt.date.fromordinal(origin + i) for i in range(SPAN_DAYS)]
    names = [f"pollster {j}" for j in range(POLLSTERS)]
    return [
        PollObs(dates[s], dates[s + ln - 1], float(x), float(y), None, int(k), names[w])
        for s, ln, x, y, k, w in zip(
            start.tolist(),
            length.tolist(),
            f.tolist(),
            a.tolist(),
            size.tolist(),
            who.tolist(),
            strict=True,
        )
    ]


def run(sizes: Sequence[int] = (10_000, 100_000, 1_000_000)) -> dict[str, Any]:
    """Seconds to fit each size, per-poll cost, and how that cost scales (1.0 = linear); the
    baselines' seconds for one day at each size; ``polls-eval --dev``'s seconds."""
    from treatywatch.queries.races import DEV_FIT_BEFORE, dev_files, evaluate_files
    from treatywatch.stats.baselines import BASELINES

    seconds: dict[str, float] = {}
    baselines: dict[str, dict[str, float]] = {}
    for n in sizes:
        polls = synthetic_polls(n)
        t0 = time.perf_counter()
        fit_average(polls)
        seconds[str(n)] = time.perf_counter() - t0
        day = max(p.end for p in polls)
        for name, method in BASELINES.items():
            t0 = time.perf_counter()
            method(polls, day)
            baselines.setdefault(name, {})[str(n)] = round(time.perf_counter() - t0, 4)
        del polls
    t0 = time.perf_counter()
    evaluate_files(dev_files(), fit_before=DEV_FIT_BEFORE)
    eval_seconds = time.perf_counter() - t0
    ns, ts = [float(n) for n in sizes], list(seconds.values())
    out: dict[str, Any] = {
        "seconds": {k: round(v, 4) for k, v in seconds.items()},
        "baseline_seconds_one_day": baselines,
        "polls_eval_dev_seconds": round(eval_seconds, 3),
        "microseconds_per_poll": {k: round(1e6 * v / float(k), 3) for k, v in seconds.items()},
    }
    if len(ns) >= 2:
        # Per-poll cost at the largest size over that at the smallest: <= 1 is linear or better.
        out["linearity_ratio"] = round((ts[-1] / ns[-1]) / (ts[0] / ns[0]), 3)
        out["scaling_exponent"] = round(math.log(ts[-1] / ts[0]) / math.log(ns[-1] / ns[0]), 3)
    return out

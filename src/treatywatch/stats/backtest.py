"""Leave-one-round-out backtest of the forecast against two baselines.

Each complete round (every required member has a ratification date) is left out in turn:
the model is fitted on the other rounds and asked, as of the round's signature and 90 and
180 days after, when the last required member will ratify. The truth compared with is that
date (the last required member's earliest ratifying act), not the membership date. A round
already complete at a checkpoint is not forecast there (and not counted). Rounds signed on
the same day as the held-out one (Finland's and Sweden's protocols, 2022-07-05) are left
out with it: most allies ratified both in one act, so keeping the twin would leak the
held-out dates. Only the held-out round's acts dated on or before the checkpoint reach its
forecast.

Baselines, each with an 80% interval:

* ``median``: the median completion (signature to last ratification) of the other rounds
  still running after the days elapsed; interval: their 10th-90th percentiles.
* ``pace``: straight-line extrapolation, ``n * t / k`` days when ``k`` of ``n`` required
  members have ratified after ``t`` days; undefined at signature or with ``k = 0``, where
  the median baseline is used (and said so). Interval: the point times the 10th and 90th
  percentiles of the other rounds' completions relative to their median.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from treatywatch.domain.model import RATIFYING_ACTS
from treatywatch.domain.status import happened_by
from treatywatch.reference.rounds import Round
from treatywatch.stats.forecast import fit, forecast_round
from treatywatch.stats.speed import midpoint_date
from treatywatch.stats.survival import completion_days

CHECKPOINTS = (0, 90, 180)
METHODS = ("model", "median", "pace")
TARGET = "the day the last required member ratified (its earliest ratifying act)"
# Below this many forecasts at a checkpoint, no method is claimed to be better.
MIN_CASES_FOR_CLAIM = 10


@dataclass(frozen=True)
class Prediction:
    method: str
    point: date
    low80: date
    high80: date
    note: str = ""


@dataclass(frozen=True)
class Case:
    """One held-out round at one checkpoint; no predictions when it was already complete."""

    round_id: str
    checkpoint: int
    as_of: date
    actual: date
    ratified: int
    required: int
    training: tuple[str, ...]
    predictions: tuple[Prediction, ...] = ()

    def prediction(self, method: str) -> Prediction | None:
        return next((p for p in self.predictions if p.method == method), None)

    def error(self, method: str) -> float | None:
        p = self.prediction(method)
        return None if p is None else float(abs((p.point - self.actual).days))

    def covered(self, method: str) -> bool | None:
        p = self.prediction(method)
        return None if p is None else p.low80 <= self.actual <= p.high80


@dataclass(frozen=True)
class Score:
    """A method's record at a checkpoint: absolute errors and 80% interval hits."""

    method: str
    checkpoint: int
    errors: tuple[float, ...]
    covered: tuple[bool, ...]
    mae_ci95: tuple[float, float]  # bootstrap over the cases

    @property
    def n(self) -> int:
        return len(self.errors)

    @property
    def mae(self) -> float:
        return float(np.mean(self.errors)) if self.errors else float("nan")

    @property
    def coverage80(self) -> float:
        return float(np.mean(self.covered)) if self.covered else float("nan")


@dataclass(frozen=True)
class Report:
    cases: tuple[Case, ...]
    scores: tuple[Score, ...]
    caveats: tuple[str, ...]

    def score(self, method: str, checkpoint: int) -> Score:
        return next(s for s in self.scores if s.method == method and s.checkpoint == checkpoint)

    def render(self) -> str:
        """Plain-text tables: scores, then each case's errors."""
        lines = [
            f"target: {TARGET}",
            "method   at day   n   MAE (95% bootstrap)   min-max   in 80% interval",
        ]
        for s in self.scores:
            lo, hi = s.mae_ci95
            lines.append(
                f"{s.method:<8} {s.checkpoint:>6} {s.n:>3} {s.mae:>6.0f} ({lo:>4.0f}-{hi:<4.0f})"
                f"   {min(s.errors, default=0):>4.0f}-{max(s.errors, default=0):<4.0f}"
                f"   {sum(s.covered)}/{s.n}"
            )
        lines += [
            "",
            "round                            day  actual      errors (model median pace)",
        ]
        for c in self.cases:
            errs = " ".join(
                f"{e:>5.0f}" if (e := c.error(m)) is not None else "    -" for m in METHODS
            )
            state = errs if c.predictions else "already complete"
            lines.append(f"{c.round_id:<32} {c.checkpoint:>4}  {c.actual}  {state}")
        return "\n".join([*lines, "", *(f"caveat: {c}" for c in self.caveats)])


def training_rounds(held_out: Round, pool: Sequence[Round]) -> list[Round]:
    """The rounds a held-out round is forecast from: not itself, not its same-day twins."""
    return [r for r in pool if r.id != held_out.id and r.signature != held_out.signature]


def baselines(rnd: Round, as_of: date, training: Sequence[Round]) -> list[Prediction]:
    """The median and pace baselines for a round as of a day (see the module docstring)."""
    start = midpoint_date(rnd.signature)
    t = (as_of - start).days
    totals = np.array([d for r in training if (d := completion_days(r)) is not None])
    if totals.size == 0:
        return []
    running = totals[totals > t]
    pool, note = (running, "") if running.size else (totals, "no other round ran this long")

    def day(x: float) -> date:
        return start + timedelta(days=round(max(float(x), t + 1)))

    low, mid, high = np.quantile(pool, [0.1, 0.5, 0.9])
    med = Prediction("median", day(mid), day(low), day(high), note)
    required = rnd.required or ()
    k = len(
        {
            a.member_code
            for a in rnd.acts
            if a.member_code in required and a.kind in RATIFYING_ACTS and happened_by(a.date, as_of)
        }
    )
    if t <= 0 or k == 0:
        why = "undefined at signature" if t <= 0 else "undefined: no member has ratified"
        return [med, Prediction("pace", med.point, med.low80, med.high80, f"{why}; median used")]
    point = len(required) * t / k
    lo, hi = np.quantile(totals / np.median(totals), [0.1, 0.9])
    pace = Prediction(
        "pace",
        day(point),
        day(point * lo),
        day(point * hi),
        f"{k} of {len(required)} after {t} days",
    )
    return [med, pace]


def backtest_round(
    held: Round, pool: Sequence[Round], checkpoints: Sequence[int] = CHECKPOINTS, draws: int = 4000
) -> list[Case]:
    """One complete round's cases: forecast from :func:`training_rounds` at each checkpoint."""
    last = held.last_ratification()
    if last is None or not held.required:
        raise ValueError(f"{held.id} is not complete")
    training = training_rounds(held, pool)
    model = fit(training)
    actual = midpoint_date(last.date)
    names = tuple(r.id for r in training)
    cases = []
    for cp in checkpoints:
        as_of = held.signature.upper() + timedelta(days=cp)
        k = sum(1 for r in held.ratifications().values() if happened_by(r.date, as_of))
        preds: list[Prediction] = []
        if actual > as_of:
            f = forecast_round(held, as_of, model, draws=draws)
            preds = [Prediction("model", f.median, *f.interval(0.8))]
            preds += baselines(held, as_of, training)
        cases.append(Case(held.id, cp, as_of, actual, k, len(held.required), names, tuple(preds)))
    return cases


def backtest(
    rounds: Sequence[Round],
    *,
    checkpoints: Sequence[int] = CHECKPOINTS,
    draws: int = 4000,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Leave each complete round out, forecast it from the others, compare with the truth.

    ``rounds``: the bundled ones and any others (e.g. the example process, built with
    :meth:`Round.from_acts`), each both a held-out round and training for the others.
    ``progress(done, total)`` is called after each held-out round.
    """
    held_out = [r for r in rounds if r.complete and r.required]
    cases: list[Case] = []
    for i, held in enumerate(held_out, 1):
        cases += backtest_round(held, rounds, checkpoints, draws)
        if progress is not None:
            progress(i, len(held_out))
    return _report(cases, checkpoints, seed)


def _report(cases: list[Case], checkpoints: Sequence[int], seed: int) -> Report:
    rng = np.random.default_rng(seed)
    scores = []
    for cp in checkpoints:
        at = [c for c in cases if c.checkpoint == cp and c.predictions]
        for m in METHODS:
            errs = [e for c in at if (e := c.error(m)) is not None]
            cov = [v for c in at if (v := c.covered(m)) is not None]
            ci = (float("nan"), float("nan"))
            if errs:
                boot = rng.choice(np.array(errs), size=(4000, len(errs))).mean(axis=1)
                ci = (float(np.quantile(boot, 0.025)), float(np.quantile(boot, 0.975)))
            scores.append(Score(m, cp, tuple(errs), tuple(cov), ci))
    caveats = []
    for cp in checkpoints:
        n = sum(1 for c in cases if c.checkpoint == cp and c.predictions)
        done = sum(1 for c in cases if c.checkpoint == cp and not c.predictions)
        if n < MIN_CASES_FOR_CLAIM:
            caveats.append(
                f"day {cp}: {n} forecasts ({done} rounds already complete) - too few to claim "
                "any method is better; compare the bootstrap intervals, not the bare MAEs"
            )
    return Report(tuple(cases), tuple(scores), tuple(caveats))

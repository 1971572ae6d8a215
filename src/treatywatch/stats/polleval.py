"""Evaluate poll averages against real results.

The races come as values: their polls (race -> poll id -> :class:`RacePoll`, shares in percent
of all respondents) and their outcomes (race -> :class:`Outcome`), as
:mod:`treatywatch.queries.races` reads them from the CSV layout of
``shared/data/polls/README.md``.

For every race the two options with the largest actual shares are kept (ties: file order);
each method estimates the share of the first among the two on the vote's date from the polls
whose fieldwork ended before that date (polls that lack either option are left out). A race
without such polls is skipped and counted.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, logit

from treatywatch.stats.baselines import BASELINES
from treatywatch.stats.pollmodel import (
    DEFAULT_GAP,
    DEFAULT_PRIORS,
    Estimate,
    FloatArray,
    OutcomeGap,
    PollObs,
    Priors,
    estimate_priors,
    fit_average,
)

FEW_POLLS = 4  # races with 1..FEW_POLLS polls vs more, in the summary


@dataclass
class RacePoll:
    """One poll of a race with all its options (shares in percent of all respondents)."""

    poll_id: str
    pollster: str | None
    start: dt.date
    end: dt.date
    sample_size: int | None
    row: int
    shares: dict[str, float] = field(default_factory=dict)


@dataclass
class Outcome:
    date: dt.date
    shares: dict[str, float] = field(default_factory=dict)  # option -> percent, file order


# --- evaluating ------------------------------------------------------------------------------

Method = Callable[[Sequence[PollObs], dt.date], Estimate]


@dataclass(frozen=True)
class RaceCase:
    """One race ready to evaluate: the polls before the vote, for the top option vs the next."""

    race: str
    date: dt.date
    actual: float  # share of the first option among the top two, 0..1
    polls: list[PollObs]


def race_cases(
    polls: Mapping[str, Mapping[str, RacePoll]], outcomes: Mapping[str, Outcome]
) -> tuple[list[RaceCase], dict[str, int]]:
    """Every evaluable race; also counts of the races skipped."""
    skipped = {"fewer than two options": 0, "no polls before the vote": 0}
    cases = []
    for race, outcome in outcomes.items():
        if len(outcome.shares) < 2:
            skipped["fewer than two options"] += 1
            continue
        ranked = sorted(outcome.shares.items(), key=lambda kv: -kv[1])  # stable: file order
        (first, s1), (second, s2) = ranked[0], ranked[1]
        obs = _race_polls(race, polls.get(race, {}), first, second, outcome.date)
        if not obs or s1 + s2 <= 0:
            skipped["no polls before the vote"] += 1
            continue
        cases.append(RaceCase(race, outcome.date, s1 / (s1 + s2), obs))
    return cases, skipped


@dataclass(frozen=True)
class RaceResult:
    """One race: the actual share of the first option among the top two, and the estimates."""

    race: str
    date: dt.date
    n_polls: int
    actual: float  # 0..1
    estimates: dict[str, Estimate]


@dataclass(frozen=True)
class MethodSummary:
    """Errors in points of share; coverage: fraction of outcomes inside the 90% interval."""

    method: str
    n_races: int
    mae: float
    mae_few: float | None
    n_few: int
    mae_many: float | None
    n_many: int
    coverage: float
    mean_width: float


@dataclass(frozen=True)
class EvalReport:
    """Every race's estimates, the methods' order, skipped races, runtime and model priors."""

    races: list[RaceResult]
    methods: list[str]
    skipped: dict[str, int]
    seconds: float
    priors: Priors

    def summary(self) -> list[MethodSummary]:
        """One line per method, in the order of ``methods``."""
        out = []
        for m in self.methods:
            err = [(abs(r.estimates[m].mean - r.actual) * 100, r.n_polls) for r in self.races]
            few = [e for e, n in err if n <= FEW_POLLS]
            many = [e for e, n in err if n > FEW_POLLS]
            inside = [r.estimates[m].lower <= r.actual <= r.estimates[m].upper for r in self.races]
            width = [(r.estimates[m].upper - r.estimates[m].lower) * 100 for r in self.races]
            n = len(self.races)
            out.append(
                MethodSummary(
                    method=m,
                    n_races=n,
                    mae=sum(e for e, _ in err) / n if n else math.nan,
                    mae_few=sum(few) / len(few) if few else None,
                    n_few=len(few),
                    mae_many=sum(many) / len(many) if many else None,
                    n_many=len(many),
                    coverage=sum(inside) / n if n else math.nan,
                    mean_width=sum(width) / n if n else math.nan,
                )
            )
        return out


def _race_polls(
    race: str, polls: Mapping[str, RacePoll], first: str, second: str, date: dt.date
) -> list[PollObs]:
    out = []
    for p in polls.values():
        if p.end >= date or first not in p.shares or second not in p.shares:
            continue
        f, a = p.shares[first], p.shares[second]
        if f + a <= 0:
            continue
        undecided = max(0.0, 100.0 - sum(p.shares.values()))
        out.append(PollObs(p.start, p.end, f, a, undecided, p.sample_size, p.pollster, "all", race))
    return out


def evaluate(
    polls: Mapping[str, Mapping[str, RacePoll]],
    outcomes: Mapping[str, Outcome],
    *,
    pooled_priors: bool = True,
    gap: OutcomeGap = DEFAULT_GAP,
    baselines: Mapping[str, Method] = BASELINES,
    progress: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Run the model and every baseline on every race with polls before its vote.

    With ``pooled_priors`` the model's priors are first centred by :func:`estimate_priors` on
    the polls of all races (polls only: no outcome is looked at). ``progress(done, total)``
    is called after each race.
    """
    t0 = time.perf_counter()
    cases, skipped = race_cases(polls, outcomes)
    priors = estimate_priors([c.polls for c in cases]) if pooled_priors else DEFAULT_PRIORS
    results = []
    for case in cases:
        fit = fit_average(case.polls, until=case.date, priors=priors, gap=gap)
        estimates = {"model": fit.forecast(case.date)}
        estimates.update({name: m(case.polls, case.date) for name, m in baselines.items()})
        results.append(RaceResult(case.race, case.date, len(case.polls), case.actual, estimates))
        if progress is not None:
            progress(len(results), len(cases))
    methods = ["model", *baselines]
    return EvalReport(results, methods, skipped, time.perf_counter() - t0, priors)


def format_table(report: EvalReport) -> list[list[str]]:
    """Header and one row per method, as plain strings (MAE in points, coverage in %)."""

    def pts(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"

    rows = [["method", "races", "MAE", "MAE 1-4 polls", "MAE 5+ polls", "90% coverage", "width"]]
    for s in report.summary():
        few, many = f"{pts(s.mae_few)} ({s.n_few})", f"{pts(s.mae_many)} ({s.n_many})"
        coverage = f"{100 * s.coverage:.1f}%"
        rows.append([s.method, str(s.n_races), pts(s.mae), few, many, coverage, pts(s.mean_width)])
    return rows


def calibrate_gap(cases: Sequence[RaceCase], priors: Priors = DEFAULT_PRIORS) -> OutcomeGap:
    """Maximum-likelihood :class:`OutcomeGap` from past races' results (normal errors, logit).

    Each race's fitted consensus gives its mean and variance on the vote's day and the gap's
    known terms; the two free variances are those under which the results are most likely.
    ``DEFAULT_GAP`` is this on the 1,111 development races with priors from
    :func:`estimate_priors` (0.044, 0.171). Checks: fitted on the 1998-2004 races alone, the
    intervals cover 91% of the 2006-2010 races; fitted on those, 89% of the earlier ones.
    Shirani-Mehr et al. (JASA 2018) put the election-level bias of US state polls near 2.5
    points sd; here the shared, house and undecided terms make about 2 points for a race with
    five pollsters and 8% undecided.
    """
    rows = []
    for case in cases:
        fit = fit_average(case.polls, until=case.date, priors=priors)
        m, s = fit.logit_at(case.date)
        p = float(expit(m))
        fixed = s**2 + fit.params["house_sd"] ** 2 / fit.params["houses_in_consensus"]
        factor = (fit.params["undecided"] / max(p * (1.0 - p), 1e-3)) ** 2
        actual = min(max(case.actual, 1e-3), 1 - 1e-3)  # an unopposed race has no finite logit
        rows.append((float(logit(actual)) - m, fixed, factor))
    err, known, und = (np.array(col) for col in zip(*rows, strict=True))

    def nll(theta: FloatArray) -> float:
        var = known + math.exp(theta[0]) + math.exp(theta[1]) * und
        return 0.5 * float((np.log(var) + err**2 / var).sum())

    res = minimize(nll, np.log([0.01, 0.01]), method="Nelder-Mead", options={"xatol": 1e-4})
    return OutcomeGap(shared_sd=math.exp(res.x[0] / 2), undecided_sd=math.exp(res.x[1] / 2))

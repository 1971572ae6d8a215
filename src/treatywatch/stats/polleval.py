"""Evaluate poll averages against real results, out of sample.

The races come as values: their polls (race -> poll id -> :class:`RacePoll`, shares in percent
of all respondents) and their outcomes (race -> :class:`Outcome`), as
:mod:`treatywatch.queries.races` reads them from the CSV layout of the development data
(``treatywatch/data/polls/README.md``).

For every race the two options with the largest actual shares are kept (ties: file order);
each method estimates the share of the first among the two on the vote's date from the polls
whose fieldwork ended before that date (polls that lack either option are left out). A race
without such polls is skipped and counted.

Scores, in points of that share: absolute error of the centre; whether the 90% interval holds
the result; the interval score of the 90% interval (its width plus 20 times the distance by
which it misses, Gneiting and Raftery 2007: lower is better, and it rewards narrow intervals
only if they hold the result); and the CRPS of the whole predictive distribution (from 99 of
its quantiles). With ``fit_before`` the model's defaults (priors and :class:`OutcomeGap`) are
fitted on the races before that year alone and every score is reported for both halves; the
later half was not looked at while fitting.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, gammaln, logit

from treatywatch.stats.baselines import BASELINES
from treatywatch.stats.pollmodel import (
    DEFAULT_GAP,
    DEFAULT_PRIORS,
    SHARED_SD_PRIOR,
    AverageResult,
    Estimate,
    FloatArray,
    OutcomeGap,
    PollObs,
    Predictive,
    Priors,
    estimate_priors,
    fit_average,
    vote_moments,
)

LEVEL = 0.90
#: Quantile levels for the CRPS: the midpoints of 99 equal slices of (0, 1).
CRPS_LEVELS = (np.arange(99) + 0.5) / 99
#: How loosely the shared error's prior holds (sd of its log): a factor of 1.65 either way.
SHARED_SD_PRIOR_LOG_SD = 0.5

#: Groups of races the scores are also reported by: (what, label, test).
POLL_GROUPS = (("1-4", 1, 4), ("5-19", 5, 19), ("20+", 20, None))
DAY_GROUPS = (("0-3", 0, 3), ("4-14", 4, 14), ("15-60", 15, 60), ("61+", 61, None))
#: Targets of the issue, on the scored races.
TARGET_COVERAGE = (0.87, 0.93)
TARGET_GROUP_COVERAGE = (0.85, 0.95)
TARGET_GROUP_MIN = 20
TARGET_INTERVAL_GAIN = 0.30
TARGET_MAE_GAIN = 0.03


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
    country: str | None = None
    kind: str | None = None


# --- evaluating ------------------------------------------------------------------------------

Method = Callable[[Sequence[PollObs], dt.date], Predictive]


@dataclass(frozen=True)
class RaceCase:
    """One race ready to evaluate: the polls before the vote, for the top option vs the next."""

    race: str
    date: dt.date
    actual: float  # share of the first option among the top two, 0..1
    polls: list[PollObs]
    country: str | None = None
    kind: str | None = None


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
        actual = s1 / (s1 + s2)
        cases.append(RaceCase(race, outcome.date, actual, obs, outcome.country, outcome.kind))
    return cases, skipped


@dataclass(frozen=True)
class RaceResult:
    """One race: the actual share of the first option among the top two, and each method's
    estimate (90% interval) and CRPS (points)."""

    race: str
    date: dt.date
    n_polls: int
    days_from_last_poll: int
    actual: float  # 0..1
    estimates: dict[str, Estimate]
    crps: dict[str, float]
    country: str | None = None
    kind: str | None = None
    held_apart: bool = True  # scored out of sample (False: among the races the model was fitted on)


@dataclass(frozen=True)
class MethodSummary:
    """Scores in points of share; coverage: fraction of outcomes inside the 90% interval."""

    method: str
    n_races: int
    mae: float
    coverage: float
    mean_width: float
    interval_score: float
    crps: float


@dataclass(frozen=True)
class GroupSummary:
    """The scores of one group of races (e.g. ``by="polls"``, ``group="20+"``)."""

    by: str
    group: str
    n_races: int
    methods: list[MethodSummary]


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    goal: str
    met: bool


def _interval_score(e: Estimate, y: float) -> float:
    alpha = 1.0 - LEVEL
    miss = max(e.lower - y, 0.0) + max(y - e.upper, 0.0)
    return 100.0 * ((e.upper - e.lower) + 2.0 / alpha * miss)


def summarize(races: Sequence[RaceResult], methods: Sequence[str]) -> list[MethodSummary]:
    """One line per method over ``races`` (NaN scores when there are none)."""
    out = []
    n = len(races)
    for m in methods:
        est = [(r.estimates[m], r.actual) for r in races]

        def mean(xs: list[float]) -> float:
            return sum(xs) / n if n else math.nan

        out.append(
            MethodSummary(
                method=m,
                n_races=n,
                mae=mean([abs(e.mean - y) * 100 for e, y in est]),
                coverage=mean([float(e.lower <= y <= e.upper) for e, y in est]),
                mean_width=mean([(e.upper - e.lower) * 100 for e, _ in est]),
                interval_score=mean([_interval_score(e, y) for e, y in est]),
                crps=mean([r.crps[m] for r in races]),
            )
        )
    return out


def _band(value: int, bands: Sequence[tuple[str, int, int | None]]) -> str:
    return next(label for label, lo, hi in bands if value >= lo and (hi is None or value <= hi))


def group_keys(r: RaceResult) -> list[tuple[str, str]]:
    """The groups a race is reported in: by polls, by days from the last poll, and by country
    and kind of vote where the outcomes file says them."""
    keys = [
        ("polls", _band(r.n_polls, POLL_GROUPS)),
        ("days from last poll", _band(r.days_from_last_poll, DAY_GROUPS)),
    ]
    if r.country:
        keys.append(("country", r.country))
    if r.kind:
        keys.append(("kind", r.kind))
    return keys


@dataclass(frozen=True)
class EvalReport:
    """Every race's estimates, the methods' order, skipped races, runtime and the model's
    defaults; ``fit_before``: the year before which the defaults were fitted (None: given)."""

    races: list[RaceResult]
    methods: list[str]
    skipped: dict[str, int]
    seconds: float
    priors: Priors
    gap: OutcomeGap
    fit_before: int | None = None

    def scored(self) -> list[RaceResult]:
        """The races scored out of sample: all of them unless the defaults were fitted here."""
        return [r for r in self.races if r.held_apart]

    def summary(self) -> list[MethodSummary]:
        """One line per method, in the order of ``methods``, over the scored races."""
        return summarize(self.scored(), self.methods)

    def fitted_summary(self) -> list[MethodSummary]:
        """The same over the races the defaults were fitted on (empty when none were)."""
        fitted = [r for r in self.races if not r.held_apart]
        return summarize(fitted, self.methods) if fitted else []

    def groups(self) -> list[GroupSummary]:
        """The scored races' summary by group, in a stable order."""
        members: dict[tuple[str, str], list[RaceResult]] = {}
        for r in self.scored():
            for key in group_keys(r):
                members.setdefault(key, []).append(r)
        order = {"polls": 0, "days from last poll": 1, "country": 2, "kind": 3}
        bands = [label for label, _, _ in POLL_GROUPS + DAY_GROUPS]

        def rank(key: tuple[str, str]) -> tuple[int, int, str]:
            by, group = key
            return order[by], bands.index(group) if group in bands else len(bands), group

        return [
            GroupSummary(by, group, len(rs), summarize(rs, self.methods))
            for (by, group) in sorted(members, key=rank)
            for rs in [members[(by, group)]]
        ]

    def targets(self) -> list[Target]:
        """The targets for the model on the scored races, each with its value and whether met."""
        summary = {s.method: s for s in self.summary()}
        model = summary.pop("model", None)
        if model is None or not summary or model.n_races == 0:
            return []
        best_is = min(s.interval_score for s in summary.values())
        best_mae = min(s.mae for s in summary.values())
        lo, hi = TARGET_COVERAGE
        glo, ghi = TARGET_GROUP_COVERAGE
        out = [
            Target("coverage", model.coverage, f"{lo:.0%}-{hi:.0%}", lo <= model.coverage <= hi),
            Target(
                "interval score gain over the best baseline",
                1.0 - model.interval_score / best_is,
                f">= {TARGET_INTERVAL_GAIN:.0%}",
                1.0 - model.interval_score / best_is >= TARGET_INTERVAL_GAIN,
            ),
            Target(
                "MAE gain over the best baseline",
                1.0 - model.mae / best_mae,
                f">= {TARGET_MAE_GAIN:.0%}",
                1.0 - model.mae / best_mae >= TARGET_MAE_GAIN,
            ),
        ]
        for g in self.groups():
            if g.n_races >= TARGET_GROUP_MIN:
                cov = next(s.coverage for s in g.methods if s.method == "model")
                out.append(
                    Target(
                        f"coverage, {g.by} {g.group}",
                        cov,
                        f"{glo:.0%}-{ghi:.0%}",
                        glo <= cov <= ghi,
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
    fit_before: int | None = None,
    pooled_priors: bool = True,
    gap: OutcomeGap = DEFAULT_GAP,
    baselines: Mapping[str, Method] = BASELINES,
    progress: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Run the model and every baseline on every race with polls before its vote.

    With ``fit_before`` the model's priors (:func:`estimate_priors`, polls only) and its
    :class:`OutcomeGap` (:func:`calibrate_gap`, results) are fitted on the races held before
    that year, and only the later races are scored out of sample; ``gap`` is then unused.
    Otherwise, with ``pooled_priors``, the priors are centred on the polls of all races (polls
    only: no outcome is looked at) and ``gap`` is used as given. ``progress(done, total)`` is
    called after each race.
    """
    t0 = time.perf_counter()
    cases, skipped = race_cases(polls, outcomes)
    held = [fit_before is None or c.date.year >= fit_before for c in cases]
    if fit_before is not None and all(held):
        raise ValueError(f"no race before {fit_before} to fit the model on")
    if fit_before is not None and not any(held):
        raise ValueError(f"no race in or after {fit_before} to score")
    if fit_before is not None:
        priors = estimate_priors([c.polls for c, h in zip(cases, held, strict=True) if not h])
    else:
        priors = estimate_priors([c.polls for c in cases]) if pooled_priors else DEFAULT_PRIORS
    fits = []
    for case in cases:
        fits.append(fit_average(case.polls, until=case.date, priors=priors, level=LEVEL))
        if progress is not None:
            progress(len(fits), len(cases))
    if fit_before is not None:
        in_fit = [(c, f) for c, f, h in zip(cases, fits, held, strict=True) if not h]
        gap = calibrate_gap([c for c, _ in in_fit], fits=[f for _, f in in_fit])
    results = []
    for case, fit, is_held in zip(cases, fits, held, strict=True):
        predictive = {"model": fit.predictive(case.date, gap)}
        predictive.update({name: m(case.polls, case.date) for name, m in baselines.items()})
        results.append(
            RaceResult(
                case.race,
                case.date,
                len(case.polls),
                (case.date - fit.last_poll).days,
                case.actual,
                {k: v.interval(LEVEL) for k, v in predictive.items()},
                {k: crps(v, case.actual) for k, v in predictive.items()},
                case.country,
                case.kind,
                held_apart=is_held,
            )
        )
    methods = ["model", *baselines]
    return EvalReport(results, methods, skipped, time.perf_counter() - t0, priors, gap, fit_before)


def crps(predictive: Predictive, actual: float) -> float:
    """Continuous ranked probability score in points: twice the mean quantile (pinball) loss
    over :data:`CRPS_LEVELS` (Gneiting and Raftery 2007, eq. 22, as a Riemann sum)."""
    q = predictive.quantiles(CRPS_LEVELS) * 100.0
    y = actual * 100.0
    return float(2.0 * np.mean(((y < q) - CRPS_LEVELS) * (q - y)))


def format_table(report: EvalReport) -> list[list[str]]:
    """Header and one row per method over the scored races, as plain strings (points, %)."""
    return summary_rows(report.summary())


def summary_rows(summary: Sequence[MethodSummary]) -> list[list[str]]:
    rows = [["method", "races", "MAE", "90% coverage", "width", "interval score", "CRPS"]]
    for s in summary:
        rows.append(
            [
                s.method,
                str(s.n_races),
                f"{s.mae:.2f}",
                f"{100 * s.coverage:.1f}%",
                f"{s.mean_width:.2f}",
                f"{s.interval_score:.2f}",
                f"{s.crps:.3f}",
            ]
        )
    return rows


def format_groups(report: EvalReport) -> list[list[str]]:
    """Header and one row per group: the model's coverage and scores beside the best
    baseline's (by interval score) in that group."""
    rows = [
        ["group", "races", "model coverage", "model IS", "best baseline", "its IS", "model MAE"]
    ]
    for g in report.groups():
        label = {
            "polls": f"{g.group} polls",
            "days from last poll": f"last poll {g.group} days before",
        }.get(g.by, g.group)
        by_method = {s.method: s for s in g.methods}
        model = by_method.pop("model")
        best = min(by_method.values(), key=lambda s: s.interval_score)
        rows.append(
            [
                label,
                str(g.n_races),
                f"{100 * model.coverage:.1f}%",
                f"{model.interval_score:.2f}",
                best.method,
                f"{best.interval_score:.2f}",
                f"{model.mae:.2f}",
            ]
        )
    return rows


def _t_logpdf(x: FloatArray, df: float) -> FloatArray:
    c = gammaln((df + 1) / 2) - gammaln(df / 2) - 0.5 * math.log(df * math.pi)
    return np.asarray(c - (df + 1) / 2 * np.log1p(x * x / df), dtype=np.float64)


def calibrate_gap(
    cases: Sequence[RaceCase],
    priors: Priors = DEFAULT_PRIORS,
    *,
    fits: Sequence[AverageResult] | None = None,
) -> OutcomeGap:
    """Penalised maximum-likelihood :class:`OutcomeGap` from past races' results.

    Each race's fitted consensus gives its :class:`~treatywatch.stats.pollmodel.VoteTerms`
    on the vote's day (what :meth:`AverageResult.predictive` widens too); the gap's five
    parameters are those under which the results are most likely (Student t errors on the
    logit). ``shared_sd`` has a log-normal prior centred on :data:`SHARED_SD_PRIOR` (the
    published size of the error all polls of an election share) with log-sd 0.5: on US races
    the undecided term can stand in for it, elsewhere (few undecided) it cannot.
    ``fits``: the races' fitted averages if already made (else fitted with ``priors``).
    """
    if fits is None:
        fits = [fit_average(c.polls, until=c.date, priors=priors) for c in cases]
    terms = [fit.vote_terms(case.date) for case, fit in zip(cases, fits, strict=True)]
    columns = [np.array(col) for col in zip(*terms, strict=True)]
    # An unopposed race has no finite logit.
    y = logit(np.clip([case.actual for case in cases], 1e-3, 1 - 1e-3))
    centre = math.log(SHARED_SD_PRIOR**2)
    lo, hi = -30.0, 10.0

    def unpack(theta: FloatArray) -> tuple[float, float, float, float, float]:
        t = np.clip(theta, lo, hi)
        return (
            math.exp(t[0]),
            math.exp(t[1]),
            math.exp(t[2]),
            float(expit(t[3])),
            2.0 + math.exp(t[4]),
        )

    def nll(theta: FloatArray) -> float:
        shared2, drift2, und2, even, df = unpack(theta)
        gap = OutcomeGap(math.sqrt(shared2), math.sqrt(drift2), math.sqrt(und2), even, df)
        loc, var = vote_moments(gap, *columns)
        scale = np.sqrt(var)
        z = (y - loc) / scale
        penalty = 0.5 * ((math.log(shared2) - centre) / (2 * SHARED_SD_PRIOR_LOG_SD)) ** 2
        return -float((_t_logpdf(z, df) - np.log(scale)).sum()) + penalty

    start = np.array([centre, math.log(1e-4), math.log(0.04), 0.0, math.log(8.0)])
    res = minimize(
        nll, start, method="Nelder-Mead", options={"maxiter": 10_000, "xatol": 1e-6, "fatol": 1e-7}
    )
    shared2, drift2, und2, even, df = unpack(res.x)
    return OutcomeGap(math.sqrt(shared2), math.sqrt(drift2), math.sqrt(und2), even, df)

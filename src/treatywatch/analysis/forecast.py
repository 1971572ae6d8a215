"""When will a process in ratification be complete? A survival model over past rounds.

Model. Members ratify a round at ``T = D * U``: ``D`` is the round's completion (days from
signature to the last required ratification) and ``U`` in (0, 1] a member's position.
Completions vary less between rounds than their members' pace does (in 2022 nearly every
ally ratified within days, yet the last two took nine months), so ``D`` carries the pace.

* ``log D``: the predictive distribution from past rounds' completions (Student t with
  n - 1 degrees of freedom: normal with unknown mean and variance).
* Shape: each past round's positions, kernel-smoothed on the logit scale with no parametric
  form (a Kaplan-Meier-like estimate on durations scaled by their round) and mixed with the
  pool of all rounds' positions, is a template; the round being forecast follows one of
  them, each equally likely a priori. The pool's weight is the one that best predicts each
  past round from the others (leave-one-round-out likelihood).
* Members: a member's ranks within past rounds (as normal scores) give its effect, shrunk
  toward 0 by empirical Bayes (little history, little effect; none: the pooled member). It
  shifts the member's quantile within the template (a Gaussian copula).

Shapes come from rounds where at least half of the required members have dates (so a
shape is not set by which members the sources mentioned); completions from every round
whose completion is known.

Forecast on a day ``t`` days after signature: the posterior of ``D`` and the template, on a
grid, combines the prior with who has ratified by ``t`` and who has not (current status:
the exact early dates are not used, so one very early ratifier cannot rule a shape out).
For each draw every pending member's position is drawn above ``t / D``; the one placed last
ratifies at ``D``, the others at ``D * U``. Completion is the last required member's
ratification (the organization's rule); membership adds a deposit delay drawn from past
rounds' delays between completion and membership. Monte Carlo with a fixed seed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, log_ndtr, logit, logsumexp, ndtr, ndtri

from treatywatch.analysis.speed import Duration, midpoint_date, round_durations
from treatywatch.domain.dates import PartialDate
from treatywatch.domain.model import RATIFYING_ACTS, RatificationAct
from treatywatch.domain.status import happened_by
from treatywatch.history import HistoricalAct, Round, date_dict, load_rounds
from treatywatch.reference import country_name

FloatArray = NDArray[np.float64]
# A round's shape informs the fit when at least this share of required members have dates.
MIN_COVERAGE = 0.5
_CLIP = 6.0  # logit positions are clipped to +-6 (a member on the signing day)
_XG = np.linspace(-9.0, 9.0, 721)  # logit grid the templates are tabulated on
_EPS = 1e-12
_MAX_DAYS = 20 * 365.0  # the completion grid's end
_POOLING = np.linspace(0.0, 1.0, 21)  # candidate weights of the pool in each template


@dataclass(frozen=True)
class Model:
    """The fitted model: completions' distribution, round shapes, member effects."""

    log_total_mean: float
    log_total_var: float
    totals: dict[str, float]  # round -> completion, days
    templates: dict[str, FloatArray]  # round -> CDF of logit positions on _XG
    pooling: float
    member_effects: dict[str, tuple[float, float]]  # code -> (normal-score shift, variance)
    member_history: dict[str, tuple[Duration, ...]]
    var_member: float
    delays: dict[str, tuple[float, ...]]  # organization -> days from completion to membership

    def effect(self, code: str) -> tuple[float, float]:
        """A member's shift and the sd of its normal score around it."""
        a, va = self.member_effects.get(code, (0.0, self.var_member))
        return a, float(np.sqrt(max(1.0 - self.var_member, 0.05) + va))

    def log_prior(self, days: FloatArray) -> FloatArray:
        """Predictive log density of log D for a new round (up to a constant): Student t with
        n - 1 degrees of freedom and scale s * sqrt(1 + 1/n) from n past completions."""
        n = len(self.totals)
        z = (np.log(days) - self.log_total_mean) / np.sqrt(self.log_total_var * (1 + 1 / n))
        return np.asarray(-0.5 * n * np.log1p(z**2 / (n - 1)), dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "completion x position; shapes of past rounds (partly pooled); member ranks",
            "completions_days": self.totals,
            "typical_completion_days": float(np.exp(self.log_total_mean)),
            "var_log_completion": self.log_total_var,
            "templates": sorted(self.templates),
            "pooling": self.pooling,
            "var_member": self.var_member,
            "deposit_delays": {k: list(v) for k, v in self.delays.items()},
        }


def completion_days(rnd: Round) -> float | None:
    """Days from signature to the last required ratification, when known."""
    done = rnd.completed_on()
    if done is None:
        return None
    return float((midpoint_date(done[0]) - midpoint_date(rnd.signature)).days)


def _eligible(rnd: Round) -> bool:
    cov = rnd.coverage()
    return cov.required is not None and len(cov.ratified) >= max(MIN_COVERAGE * cov.required, 5)


def _kernel_cdf(x: FloatArray) -> FloatArray:
    """Kernel-smoothed CDF of logit positions on ``_XG`` (Silverman's bandwidth)."""
    iqr = float(np.subtract(*np.percentile(x, [75, 25]))) / 1.349
    h = max(0.9 * min(float(np.std(x)), iqr or float(np.std(x))) * x.size**-0.2, 0.1)
    return np.asarray(ndtr((_XG[:, None] - x[None, :]) / h).mean(axis=1), dtype=np.float64)


def _log_pdf(cdf: FloatArray, x: FloatArray) -> FloatArray:
    return np.log(np.maximum(np.interp(x, _XG, np.gradient(cdf, _XG)), 1e-300))


def _choose_pooling(shapes: dict[str, FloatArray]) -> float:
    """The pool's weight that best predicts each round's positions from the other rounds."""
    if len(shapes) < 3:
        return 1.0
    best, best_ll = 1.0, -np.inf
    for lam in _POOLING:
        ll = 0.0
        for k, x in shapes.items():
            others = [v for j, v in shapes.items() if j != k]
            pool = _kernel_cdf(np.concatenate(others))
            per = [np.sum(_log_pdf((1 - lam) * _kernel_cdf(v) + lam * pool, x)) for v in others]
            ll += float(logsumexp(per) - np.log(len(per)))
        if ll > best_ll:
            best, best_ll = float(lam), ll
    return best


def _member_effects(
    scores: list[tuple[str, float]],
) -> tuple[dict[str, tuple[float, float]], float]:
    """Empirical-Bayes shrinkage of each member's mean normal score (rank within rounds)."""
    codes = sorted({c for c, _ in scores})
    mi = np.array([codes.index(c) for c, _ in scores])
    s = np.array([v for _, v in scores])
    n = np.bincount(mi, minlength=len(codes)).astype(float)
    mean = np.bincount(mi, s, len(codes)) / n
    within = float(np.sum((s - mean[mi]) ** 2) / max(s.size - len(codes), 1))
    tau2 = float(np.clip(np.var(mean) - np.mean(within / n), 1e-4, 0.9))
    shrunk = n * tau2 / (n * tau2 + within) * mean
    var = tau2 * within / (n * tau2 + within)
    return {c: (float(shrunk[i]), float(var[i])) for i, c in enumerate(codes)}, tau2


def fit(rounds: Sequence[Round]) -> Model:
    """Fit to past rounds: completions, round shapes, member effects, deposit delays."""
    totals = {r.id: d for r in rounds if (d := completion_days(r)) is not None and d > 0}
    if len(totals) < 2:
        raise ValueError("too few past rounds with a known completion to fit a model")
    shapes: dict[str, FloatArray] = {}
    scores: list[tuple[str, float]] = []
    history: dict[str, list[Duration]] = {}
    for r in rounds:
        if r.id not in totals or not _eligible(r):
            continue
        items = sorted(round_durations(r), key=lambda d: d.days)
        days = np.array([max(d.days, 0.0) for d in items])
        u = (days[days < days.max()] + 0.5) / (totals[r.id] + 1.0)  # the last is at D
        shapes[r.id] = np.clip(logit(np.clip(u, _EPS, 1 - _EPS)), -_CLIP, _CLIP)
        ranks = np.array([np.mean(np.flatnonzero(days == v)) + 1 for v in days])
        for item, rank in zip(items, ranks, strict=True):
            scores.append((item.member_code, float(ndtri((rank - 0.5) / len(items)))))
            history.setdefault(item.member_code, []).append(item)
    if not shapes:
        raise ValueError("no past round has dates for at least half of its members")
    lam = _choose_pooling(shapes)
    pool = _kernel_cdf(np.concatenate(list(shapes.values())))
    effects, tau2 = _member_effects(scores)
    log_t = np.log(np.array(list(totals.values())))
    return Model(
        log_total_mean=float(np.mean(log_t)),
        log_total_var=max(float(np.var(log_t, ddof=1)), 1e-4),
        totals=totals,
        templates={k: (1 - lam) * _kernel_cdf(x) + lam * pool for k, x in shapes.items()},
        pooling=lam,
        member_effects=effects,
        member_history={k: tuple(v) for k, v in history.items()},
        var_member=tau2,
        delays=deposit_delays(rounds),
    )


def deposit_delays(rounds: Iterable[Round]) -> dict[str, tuple[float, ...]]:
    """Days from each round's completion (last ratification) to membership, by organization."""
    out: dict[str, list[float]] = {}
    for r in rounds:
        done, member = r.completed_on(), r.membership
        if done is not None and member is not None:
            days = float((midpoint_date(member) - midpoint_date(done[0])).days)
            out.setdefault(r.organization, []).append(max(days, 0.0))
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _scores(cdf: FloatArray, u: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Logit positions of ``u`` and their normal scores under a template."""
    x = logit(np.clip(u, _EPS, 1 - _EPS))
    return x, ndtri(np.clip(np.interp(x, _XG, cdf), _EPS, 1 - _EPS))


def _log_survival(model: Model, code: str, cdf: FloatArray, u: FloatArray) -> FloatArray:
    """log P(position > u) for a member under a template."""
    a, sd = model.effect(code)
    _, z = _scores(cdf, u)
    return np.asarray(np.where(u < 1.0, log_ndtr((a - z) / sd), -np.inf), dtype=np.float64)


def _draw_position(
    model: Model, code: str, cdfs: FloatArray, above: FloatArray, rng: np.random.Generator
) -> FloatArray:
    """A position above ``above`` for each draw (``cdfs``: each draw's template)."""
    a, sd = model.effect(code)
    x0 = logit(np.clip(above, _EPS, 1 - _EPS))
    q0 = np.array([np.interp(x, _XG, c) for x, c in zip(x0, cdfs, strict=True)])
    z0 = ndtri(np.clip(q0, _EPS, 1 - _EPS))
    # Z ~ N(a, sd) above z0, by inverse CDF from the upper tail.
    v = rng.uniform(size=x0.size) * np.exp(log_ndtr((a - z0) / sd))
    q = ndtr(a - sd * ndtri(np.clip(v, 1e-300, 1.0)))
    x = np.array([np.interp(p, c, _XG) for p, c in zip(q, cdfs, strict=True)])
    return np.asarray(np.maximum(expit(x), above), dtype=np.float64)


@dataclass(frozen=True)
class PendingMember:
    code: str
    days_pending: int
    median_days: float  # total days from signature
    interval80_days: tuple[float, float]
    chance_last: float
    shift: float  # the member's rank effect, in normal scores (0 = pooled; > 0 later)
    history: tuple[Duration, ...]

    def to_dict(self, signature: date) -> dict[str, Any]:
        def day(x: float) -> str:
            return (signature + timedelta(days=round(x))).isoformat()

        return {
            "member": {"code": self.code, "name": country_name(self.code)},
            "days_pending": self.days_pending,
            "median_date": day(self.median_days),
            "interval80": [day(x) for x in self.interval80_days],
            "chance_last": self.chance_last,
            "rank_effect": self.shift,
            "history": [
                {"round": d.round_id, "days": d.days, "sources": [s.to_dict() for s in d.sources]}
                for d in self.history
            ],
        }


@dataclass(frozen=True)
class Forecast:
    """The forecast as of a day, or the completion date if the process was complete by then."""

    as_of: date
    signature: PartialDate
    required: tuple[str, ...]
    ratified: tuple[str, ...]
    completed_on: PartialDate | None = None
    pending: tuple[PendingMember, ...] = ()
    samples: FloatArray = field(default_factory=lambda: np.zeros(0))  # completion, days
    membership_samples: FloatArray = field(default_factory=lambda: np.zeros(0))
    model: Model | None = None
    templates: dict[str, float] = field(default_factory=dict)  # posterior weight of each

    @property
    def completed(self) -> bool:
        return self.completed_on is not None

    @property
    def start(self) -> date:
        return midpoint_date(self.signature)

    def _date(self, days: float) -> date:
        return self.start + timedelta(days=round(float(days)))

    def quantile(self, q: float, membership: bool = False) -> date:
        s = self.membership_samples if membership else self.samples
        if s.size == 0:
            raise ValueError("no forecast: the process is complete or has no model")
        return self._date(float(np.quantile(s, q)))

    @property
    def median(self) -> date:
        return self.quantile(0.5)

    def interval(self, level: float) -> tuple[date, date]:
        return self.quantile((1 - level) / 2), self.quantile((1 + level) / 2)

    def probability_by(self, day: date) -> float:
        """Probability that every required member has ratified on or before ``day``."""
        if self.completed_on is not None:
            return 1.0 if self.completed_on.upper() <= day else 0.0
        return float(np.mean(self.samples <= (day - self.start).days))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "signature": date_dict(self.signature),
            "required": len(self.required),
            "ratified": list(self.ratified),
            "completed": self.completed,
            "completed_on": date_dict(self.completed_on),
        }
        if self.completed or self.samples.size == 0:
            return out
        out["completion"] = {
            "rule": "the last required member's ratification",
            "median": self.median.isoformat(),
            "interval50": [d.isoformat() for d in self.interval(0.5)],
            "interval80": [d.isoformat() for d in self.interval(0.8)],
            "probability_by": {
                d.isoformat(): self.probability_by(d)
                for d in (self.quantile(q) for q in (0.1, 0.25, 0.5, 0.75, 0.9))
            },
        }
        if self.membership_samples.size:
            out["membership"] = {
                "median": self.quantile(0.5, True).isoformat(),
                "interval80": [
                    self.quantile(0.1, True).isoformat(),
                    self.quantile(0.9, True).isoformat(),
                ],
            }
        out["pending"] = [p.to_dict(self.start) for p in self.pending]
        out["model"] = self.model.to_dict() if self.model else None
        out["templates"] = self.templates
        return out


def forecast(
    signature: PartialDate,
    required: Sequence[str],
    acts: Iterable[RatificationAct | HistoricalAct],
    as_of: date,
    *,
    model: Model | None = None,
    organization: str = "NATO",
    draws: int = 4000,
    seed: int = 20170120,
) -> Forecast:
    """Forecast completion from the acts certainly done on or before ``as_of``.

    A month-precision act counts once its month is over. ``model`` defaults to :func:`fit`
    over the bundled rounds not signed the same day (not the process itself, nor its twins).
    A process complete by ``as_of`` gets no forecast, only its date.
    """
    if as_of < signature.lower():
        raise ValueError(f"as_of {as_of} is before the signature ({signature.edtf})")
    first: dict[str, PartialDate] = {}
    for a in acts:
        code = a.member_code
        if code is None or code not in required:
            continue
        if a.kind in RATIFYING_ACTS and happened_by(a.date, as_of):
            if code not in first or a.date.lower() < first[code].lower():
                first[code] = a.date
    ratified = tuple(c for c in required if c in first)
    if len(ratified) == len(required):
        last = max(first.values(), key=lambda d: (d.upper(), d.lower()))
        return Forecast(as_of, signature, tuple(required), ratified, completed_on=last)
    model = model or fit([r for r in load_rounds() if r.signature != signature])
    start = midpoint_date(signature)
    elapsed = max((as_of - start).days, 0)
    pending = [c for c in required if c not in first]
    grid = np.exp(np.linspace(np.log(elapsed + 1), np.log(_MAX_DAYS), 900))  # completion, days
    names = sorted(model.templates)
    cdfs = np.array([model.templates[k] for k in names])
    logp = np.tile(model.log_prior(grid), (len(names), 1))
    u_t = (elapsed + 0.5) / (grid + 1.0)  # the position reached by the end of as_of
    for t, cdf in enumerate(cdfs):
        for code in ratified:
            logp[t] += np.log(-np.expm1(np.minimum(_log_survival(model, code, cdf, u_t), -1e-300)))
        for code in pending:
            logp[t] += _log_survival(model, code, cdf, u_t)
    post = np.exp(logp - logsumexp(logp)).ravel()
    rng = np.random.default_rng(seed)
    cell = rng.choice(post.size, size=draws, p=post / post.sum())
    which, at = np.divmod(cell, grid.size)
    step = np.log(grid[1] / grid[0])
    total = np.maximum(grid[at] * np.exp(rng.uniform(-0.5, 0.5, draws) * step), elapsed + 1.0)
    above = (elapsed + 0.5) / (total + 1.0)
    pos = np.array([_draw_position(model, c, cdfs[which], above, rng) for c in pending])
    times = np.maximum(np.ceil(pos * (total + 1.0) - 0.5), elapsed + 1.0)
    last_idx = pos.argmax(axis=0)
    times[last_idx, np.arange(draws)] = np.ceil(total)
    completion = times.max(axis=0)
    last_share = np.bincount(last_idx, minlength=len(pending)) / draws
    delays = model.delays.get(organization) or tuple(d for v in model.delays.values() for d in v)
    membership = completion + rng.choice(np.array(delays), draws) if delays else np.zeros(0)
    members = [
        PendingMember(
            code=code,
            days_pending=elapsed,
            median_days=float(np.median(times[i])),
            interval80_days=(float(np.quantile(times[i], 0.1)), float(np.quantile(times[i], 0.9))),
            chance_last=float(last_share[i]),
            shift=model.effect(code)[0],
            history=model.member_history.get(code, ()),
        )
        for i, code in enumerate(pending)
    ]
    members.sort(key=lambda p: (-p.chance_last, p.code))
    weights = np.bincount(which, minlength=len(names)) / draws
    return Forecast(
        as_of,
        signature,
        tuple(required),
        ratified,
        pending=tuple(members),
        samples=completion,
        membership_samples=membership,
        model=model,
        templates={k: float(weights[i]) for i, k in enumerate(names)},
    )


def forecast_round(rnd: Round, as_of: date, model: Model | None = None, **kwargs: Any) -> Forecast:
    """Forecast a round (bundled, or built with :meth:`Round.from_acts`) as of a day."""
    if rnd.required is None:
        raise ValueError(f"{rnd.id}: the member list at signature is unknown")
    return forecast(
        rnd.signature,
        rnd.required,
        rnd.acts,
        as_of,
        model=model,
        organization=rnd.organization,
        **kwargs,
    )

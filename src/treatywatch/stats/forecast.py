"""When will a process in ratification be complete? A forecast from past rounds.

Completion. The quantity forecast is the round's completion ``D`` (days from signature to
the last required member's ratification), and it is modelled directly at the round level
(:mod:`treatywatch.stats.survival`): a log-normal with an organization shift, fitted to
every past round's completion, exact or bounded by its rows. Few rounds are known, so the
predictive is a full posterior predictive (Student-t-like tails), not a plug-in fit.

What is known on the forecast day ``t``: the process is still running, so ``D > t``; the
posterior is conditioned on that, and ``D`` is drawn above ``t``. How many members have
ratified is deliberately *not* used to move ``D``: the last ratification is usually a
political hold-out (Greece 1982, Turkey 2004 and 2023, Germany in the EU 2013, Spain
2017), and in 2022 nearly every ally ratified within weeks while the last two took nine
months. With a handful of rounds there is no way to learn how much progress should shift
``D`` without fitting the answer.

Who is last. Each member's ranks within past complete rounds (as normal scores) give its
effect, shrunk toward 0 by empirical Bayes (little history, little effect; none: the pooled
member). In each draw every pending member gets a normal score around its effect; the
highest ratifies at ``D``. The other pending members' days are spread as sorted uniform
draws between ``t`` and ``D`` in that order (an illustrative assumption, stated in the
output; it does not affect the completion). Membership adds a deposit delay drawn from past
rounds' delays between completion and membership. Monte Carlo with a fixed seed.

Pure: the past rounds, the fitted model and the members' display names are given; nothing
here reads the bundled history (``treatywatch.queries.forecasts`` does).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

from treatywatch.domain.dates import PartialDate
from treatywatch.domain.model import RATIFYING_ACTS, RatificationAct
from treatywatch.domain.status import happened_by
from treatywatch.reference.rounds import HistoricalAct, Round
from treatywatch.stats.speed import Duration, midpoint_date, round_durations
from treatywatch.stats.survival import (
    CompletionModel,
    completion_days,
    completions,
)

FloatArray = NDArray[np.float64]
# A round's member ranks inform the fit when at least this share of members have dates.
MIN_COVERAGE = 0.5

__all__ = ["Forecast", "Model", "PendingMember", "completion_days", "fit", "forecast"]


@dataclass(frozen=True)
class Model:
    """The fitted model: past completions (exact or bounded), member effects, delays."""

    completion: CompletionModel
    member_effects: dict[str, tuple[float, float]]  # code -> (normal-score shift, variance)
    member_history: dict[str, tuple[Duration, ...]]
    var_member: float
    delays: dict[str, tuple[float, ...]]  # organization -> days from completion to membership

    @property
    def totals(self) -> dict[str, float]:
        """Exactly known completions, days (round -> days)."""
        return {c.round_id: c.low for c in self.completion.data if c.exact}

    def effect(self, code: str) -> tuple[float, float]:
        """A member's shift and the sd of its normal score around it."""
        a, va = self.member_effects.get(code, (0.0, self.var_member))
        return a, float(np.sqrt(max(1.0 - self.var_member, 0.05) + va))


def _eligible(rnd: Round) -> bool:
    cov = rnd.coverage()
    return cov.required is not None and len(cov.ratified) >= max(MIN_COVERAGE * cov.required, 5)


def _member_effects(
    scores: list[tuple[str, float]],
) -> tuple[dict[str, tuple[float, float]], float]:
    """Empirical-Bayes shrinkage of each member's mean normal score (rank within rounds)."""
    if not scores:
        return {}, 0.0
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
    """Fit to past rounds: completions (exact or bounded), member ranks, deposit delays."""
    data = completions(rounds)
    if sum(1 for c in data if c.exact) < 2:
        raise ValueError("too few past rounds with a known completion to fit a model")
    scores: list[tuple[str, float]] = []
    history: dict[str, list[Duration]] = {}
    for r in rounds:
        if completion_days(r) is None or not _eligible(r):
            continue
        items = sorted(round_durations(r), key=lambda d: d.days)
        days = np.array([d.days for d in items])
        ranks = np.array([np.mean(np.flatnonzero(days == v)) + 1 for v in days])
        for item, rank in zip(items, ranks, strict=True):
            scores.append((item.member_code, float(ndtri((rank - 0.5) / len(items)))))
            history.setdefault(item.member_code, []).append(item)
    effects, tau2 = _member_effects(scores)
    return Model(
        completion=CompletionModel(data),
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


def member_days(
    model: Model,
    pending: Sequence[str],
    elapsed: float,
    completion: FloatArray,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """Each pending member's day in each draw, and which one is last (index per draw).

    The member with the highest normal score (around its rank effect) ratifies at the
    completion; the others at sorted uniform days between ``elapsed`` and the completion.
    """
    draws = completion.size
    shift = np.array([model.effect(c) for c in pending]).reshape(len(pending), 2)
    z = shift[:, :1] + shift[:, 1:] * rng.standard_normal((len(pending), draws))
    order = np.argsort(np.argsort(z, axis=0), axis=0)  # 0 = first to ratify
    spread = np.sort(rng.uniform(size=(len(pending), draws)), axis=0)
    spread[-1] = 1.0
    frac = np.take_along_axis(spread, order, axis=0)
    times = np.ceil(elapsed + (completion - elapsed)[None, :] * frac)
    times = np.maximum(times, elapsed + 1.0)
    last = z.argmax(axis=0)
    times[last, np.arange(draws)] = np.ceil(completion)
    return np.asarray(times, dtype=np.float64), np.asarray(last)


@dataclass(frozen=True)
class PendingMember:
    code: str
    name: str  # for display: the name given, else the code
    days_pending: int
    median_days: float  # total days from signature
    interval80_days: tuple[float, float]
    chance_last: float
    shift: float  # the member's rank effect, in normal scores (0 = pooled; > 0 later)
    history: tuple[Duration, ...]


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
    organization: str = "NATO"

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


def forecast(
    signature: PartialDate,
    required: Sequence[str],
    acts: Iterable[RatificationAct | HistoricalAct],
    as_of: date,
    *,
    model: Model,
    organization: str = "NATO",
    names: Mapping[str, str] | None = None,
    draws: int = 4000,
    seed: int = 20170120,
    done: Collection[str] = (),
) -> Forecast:
    """Forecast completion from the acts certainly done on or before ``as_of``.

    A month-precision act counts once its month is over. ``model``: :func:`fit` over past
    rounds, not the process itself nor its twins signed the same day. ``names``: members'
    display names by code. ``done``: members known to have ratified by ``as_of`` on days no
    source gives (they are not pending). A process complete by ``as_of`` gets no forecast,
    only its date.
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
    ratified = tuple(c for c in required if c in first or c in done)
    if len(ratified) == len(required):
        if any(c not in first for c in required):
            raise ValueError("every member had ratified, but not every date is known")
        last = max(first.values(), key=lambda d: (d.upper(), d.lower()))
        return Forecast(as_of, signature, tuple(required), ratified, completed_on=last)
    elapsed = float(max((as_of - midpoint_date(signature)).days, 0))
    pending = [c for c in required if c not in ratified]
    rng = np.random.default_rng(seed)
    completion = np.ceil(
        model.completion.sample(organization, elapsed, draws, rng, parties=len(required))
    )
    times, last_idx = member_days(model, pending, elapsed, completion, rng)
    last_share = np.bincount(last_idx, minlength=len(pending)) / draws
    delays = model.delays.get(organization) or tuple(d for v in model.delays.values() for d in v)
    membership = completion + rng.choice(np.array(delays), draws) if delays else np.zeros(0)
    members = [
        PendingMember(
            code=code,
            name=(names or {}).get(code, code),
            days_pending=int(elapsed),
            median_days=float(np.median(times[i])),
            interval80_days=(float(np.quantile(times[i], 0.1)), float(np.quantile(times[i], 0.9))),
            chance_last=float(last_share[i]),
            shift=model.effect(code)[0],
            history=model.member_history.get(code, ()),
        )
        for i, code in enumerate(pending)
    ]
    members.sort(key=lambda p: (-p.chance_last, p.code))
    return Forecast(
        as_of,
        signature,
        tuple(required),
        ratified,
        pending=tuple(members),
        samples=completion,
        membership_samples=membership,
        model=model,
        organization=organization,
    )


def forecast_round(rnd: Round, as_of: date, model: Model, **kwargs: Any) -> Forecast:
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

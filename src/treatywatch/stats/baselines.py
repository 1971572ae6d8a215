"""Simple poll averages to compare the state-space model with.

Each takes the polls of one series and a date and returns a :class:`Predictive` of the share of
the decided who are for (0..1), using only polls whose fieldwork ended on or before that date;
its ``interval(0.90)`` is the usual estimate and 90% interval.

Every baseline is a weighted mean of the polls' decided shares, sum(l_i * p_i) with
sum(l_i) = 1, and its interval is the sampling error such an average would have if every poll
were a simple random sample of its effective size: var = p(1 - p) * sum(l_i**2 / n_i), with p
the estimate (normal approximation, clipped to [0, 1]). That is the margin of error these
averages are usually shown with; it knows nothing of non-sampling error, and the evaluation
shows what that costs.

LOESS is written here rather than taken from statsmodels because the interval needs the
smoother's weights at the evaluation day, which ``statsmodels.nonparametric.lowess`` does not
return (it returns fitted values only); the tests check our fitted values against statsmodels'.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence

import numpy as np

from treatywatch.stats.pollmodel import FloatArray, PollObs, Predictive, _columns

#: Fraction of the polls in each local fit of :func:`loess`. Wikipedia's opinion-polling
#: graphs are mostly drawn with local regression over roughly half of the polls; we use
#: 0.5 with local lines (degree 1) and tricube weights, not extended past the last poll.
LOESS_SPAN = 0.5
LOESS_DEGREE = 1

#: Half-life, in days, of the exponentially time-weighted mean: a fortnight, so a poll from
#: a month ago still counts for a quarter of a fresh one.
EWMA_HALF_LIFE = 14.0

#: How many of the latest polls :func:`mean_of_last` averages.
LAST_K = 5

Baseline = Callable[[Sequence[PollObs], dt.date], Predictive]


def _usable(polls: Sequence[PollObs], day: dt.date) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(end day ordinals, p_decided, n_eff) of the polls ended by ``day``, sorted by end."""
    c = _columns(polls) if polls else None
    if c is None or not (kept := c.end <= day.toordinal()).any():
        raise ValueError(f"no poll ended on or before {day}")
    # A stable sort: polls ending on the same day keep their given order.
    order = np.argsort(c.end[kept], kind="stable")
    ends = c.end[kept][order].astype(np.float64)
    return ends, c.p[kept][order], c.n_eff[kept][order]


def _weighted(p: FloatArray, n: FloatArray, weights: FloatArray) -> Predictive:
    w = weights / weights.sum()
    mean = float(np.clip(w @ p, 0.0, 1.0))
    sd = math.sqrt(mean * (1.0 - mean) * float((w**2 / n).sum()))
    return Predictive(mean, sd, on_logit=False)


def last_poll(polls: Sequence[PollObs], day: dt.date) -> Predictive:
    """The latest poll; polls ending on that same day are averaged (no order among them)."""
    ends, p, n = _usable(polls, day)
    return _weighted(p, n, (ends == ends[-1]).astype(np.float64))


def mean_of_last(polls: Sequence[PollObs], day: dt.date, *, k: int = LAST_K) -> Predictive:
    """The plain mean of the ``k`` latest polls (ties at the cut keep the given order)."""
    _, p, n = _usable(polls, day)
    return _weighted(p[-k:], n[-k:], np.ones(min(k, len(p))))


def loess(
    polls: Sequence[PollObs],
    day: dt.date,
    *,
    span: float = LOESS_SPAN,
    degree: int = LOESS_DEGREE,
) -> Predictive:
    """Local polynomial regression on fieldwork end dates, evaluated at ``day``.

    As in R's ``loess``: the nearest ceil(span * n) polls (at least degree + 1) get tricube
    weights over the distance to the farthest of them; polls are not weighted by sample size.
    Like the graphs, the curve stops at the last poll: a later ``day`` gets its value there.
    Where the local fit is degenerate (e.g. all neighbours on one day) the degree is lowered.
    """
    ends, p, n = _usable(polls, day)
    x0 = min(float(day.toordinal()), float(ends[-1]))
    dist = np.abs(ends - x0)
    k = min(len(p), max(degree + 1, math.ceil(span * len(p))))
    h = float(np.sort(dist)[k - 1])
    if h > 0:
        # Slightly wider than the k-th distance so that the k-th poll keeps a small weight.
        u = np.clip(dist / (h * (1.0 + 1e-6)), 0.0, 1.0)
        tricube = (1.0 - u**3) ** 3
    else:
        tricube = (dist == 0).astype(np.float64)
    weights = tricube  # replaced below: degree 0 always has full rank
    for deg in range(degree, -1, -1):
        x = np.vander(ends - x0, deg + 1, increasing=True)
        xtw = x.T * tricube
        gram = xtw @ x
        if np.linalg.matrix_rank(gram) == deg + 1:
            # Fitted value at x0 is the intercept: a linear smoother l = e1' G^-1 X'W.
            weights = np.linalg.solve(gram, xtw)[0]
            break
    return _weighted(p, n, weights)


def ewma(
    polls: Sequence[PollObs],
    day: dt.date,
    *,
    half_life: float = EWMA_HALF_LIFE,
) -> Predictive:
    """Mean weighted by 0.5 ** (days from fieldwork end to ``day`` / ``half_life``)."""
    ends, p, n = _usable(polls, day)
    age = float(day.toordinal()) - ends
    return _weighted(p, n, 0.5 ** (age / half_life))


BASELINES: dict[str, Baseline] = {
    "last_poll": last_poll,
    "last_5": mean_of_last,
    "loess": loess,
    "ewma": ewma,
}

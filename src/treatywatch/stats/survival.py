"""Completion times of past rounds, exact or bounded, and their predictive distribution.

A round's completion ``D`` is the number of days from signature to the last required
member's ratification. It is known exactly for a complete round (or, for NATO, from the
protocol's entry into force: :meth:`Round.completed_on`). For a partial round the rows
still bound it, by two rules that hold for every round:

* from below, by the latest ratifying act of any member in the rows (completion is the
  *last* ratification, so it cannot come before one that happened);
* from above, by the latest membership date given for a candidate (no candidate joins
  before the members have ratified: a NATO candidate is invited once the protocol is in
  force, an EU treaty enters into force once every instrument is deposited), or by the
  agreement's entry into force where it is earlier and the organization's rule says it comes
  only once every required member has ratified (a Schengen accession agreement: the first day
  of the second month after the last deposit).

Model: ``log D = m + b_o + c * x + e`` for a round of organization ``o`` (``b_o = 0`` for the
organization forecast, a shift of its own for each other one), ``e``
normal with sd ``s``, where ``x = log(parties / 20)`` and ``parties`` is the number of members
required to ratify: completion is the *last* of the parties' ratifications, so a round with
more parties tends to end later (the maximum of more draws is larger). ``c ~ N(0, 1)``; the
slope is used only when at least ``MIN_SIZED_ROUNDS`` training rounds have a known member
list, and a round whose member list is unknown (the EU rounds of 2004 and 2007 in the bundled
data) enters with ``x`` at the known rounds' mean and their spread added to its variance
(``x`` integrated over the known rounds' distribution), never with an invented size. Priors: flat on ``m``, ``1/s`` on ``s`` (so with exact completions from one
organization the predictive is the textbook Student t with n - 1 degrees of freedom and
scale ``s * sqrt(1 + 1/n)``), and each ``b_o ~ N(0, 1)``: organizations' typical completions
differ by a factor of about e^±2 at most (95%), and an organization with few rounds of its
own borrows from the others only that much. Bounded completions enter the likelihood as
interval probabilities. The posterior of ``(m, log s, c)`` is tabulated on a grid, each shift
summed out over its prior (the predictive needs no more).

A process still running ``t`` days after signature has ``D > t``: that is evidence about
the parameters too (a slow round is more likely under a slow ``m``), so the posterior is
reweighted by ``P(D > t)`` before ``D`` is drawn above ``t`` (which amounts to the
predictive's part beyond ``t``, renormalized).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from scipy.special import log_ndtr, ndtri

from treatywatch.reference.rounds import Round
from treatywatch.stats.speed import midpoint_date

FloatArray = NDArray[np.float64]

B_PRIOR_SD = 1.0  # prior sd of the organization shift, log scale
C_PRIOR_SD = 1.0  # prior sd of the slope on log(parties)
PARTIES_REF = 20.0  # log(parties / PARTIES_REF) centres the slope
MIN_SIZED_ROUNDS = 3  # rounds with a known member list needed to fit the slope at all
_M = np.linspace(np.log(10.0), np.log(10000.0), 70)  # log-mean grid (at PARTIES_REF parties)
# Organization-shift grid, about -4 to 4 in steps of two m steps: then m + b falls on the
# 150 points of _MB (m + b for _M[i] and _B[j] is _MB[i + 2 j]).
_B = 2 * (_M[1] - _M[0]) * np.arange(-20, 21)
_MB = _M[0] + (_M[1] - _M[0]) * np.arange(-40, _M.size + 40)
_LOG_S = np.linspace(np.log(0.02), np.log(4.0), 40)  # log-sd grid
_C = np.linspace(-3.0, 3.0, 31)  # slope of log completion on log(parties)


def parties_x(parties: int) -> float:
    return float(np.log(parties / PARTIES_REF))


@dataclass(frozen=True)
class Completion:
    """A past round's completion in days: exact (``low == high``) or within bounds."""

    round_id: str
    organization: str
    low: float  # 0: no lower bound
    high: float  # inf: no upper bound
    basis: str
    parties: int | None = None  # members required to ratify, when the member list is known

    @property
    def exact(self) -> bool:
        return self.low == self.high


def completion_days(rnd: Round) -> float | None:
    """Days from signature to the last required ratification, when known."""
    done = rnd.completed_on()
    if done is None:
        return None
    return float((midpoint_date(done[0]) - midpoint_date(rnd.signature)).days)


def completion_of(rnd: Round) -> Completion | None:
    """The round's completion, exact or bounded (None: the rows say nothing about it)."""
    exact = completion_days(rnd)
    if exact is not None:
        done = rnd.completed_on()
        basis = done[1] if done else ""
        return Completion(rnd.id, rnd.organization, exact, exact, basis, _parties(rnd))
    sig = rnd.signature
    required = set(rnd.required) if rnd.required is not None else None
    acts = [
        r.date for code, r in rnd.ratifications().items() if required is None or code in required
    ]
    low, why_low = 0.0, "no ratification in the rows"
    if acts:
        last = max(acts, key=lambda d: d.lower())
        low = float(max((last.lower() - sig.upper()).days, 0))
        why_low = f"latest ratification in the rows on {last.edtf}"
    high, why_high = float("inf"), "no membership date"
    if rnd.memberships and not rnd.in_force_once_all_ratified:
        why_high = "membership does not bound it (the organization's rule is not in the sources)"
    elif rnd.memberships:
        joined = max(f.date.upper() for f in rnd.memberships)
        high = float(max((joined - sig.lower()).days, 0))
        why_high = f"latest membership date {joined.isoformat()}"
    eif = rnd.entry_into_force_for_all
    if eif is not None and rnd.in_force_once_all_ratified:
        in_force = float(max((eif.upper() - sig.lower()).days, 0))
        if in_force < high:
            high, why_high = in_force, f"entry into force {eif.edtf}"
    if low <= 0 and np.isinf(high):
        return None
    return Completion(
        rnd.id, rnd.organization, low, high, f"bounds: {why_low}; {why_high}", _parties(rnd)
    )


def _parties(rnd: Round) -> int | None:
    return len(rnd.required) if rnd.required else None


def completions(rounds: Iterable[Round]) -> tuple[Completion, ...]:
    return tuple(c for r in rounds if (c := completion_of(r)) is not None)


def _log_bound(days: float) -> float:
    if days <= 0:
        return -np.inf
    return float(np.log(days)) if np.isfinite(days) else np.inf


# The shift's prior, N(0, B_PRIOR_SD) on the b grid, as weights summing to 1.
_B_WEIGHTS = np.exp(-0.5 * (_B / B_PRIOR_SD) ** 2)
_B_WEIGHTS /= _B_WEIGHTS.sum()


def _integrate_shift(total: FloatArray) -> FloatArray:
    """An organization's summed log likelihood over its shift b: from ``total`` on the
    (m + b, log s, c) grid (``_MB``) to log sum_j prior(b_j) exp(total at m + b_j) on the
    (m, log s, c) grid. Each (log s, c) column is scaled by its largest value first, so the
    exponentials cannot all underflow; a cell that still does is e^-745 below its column's best,
    and gets -inf."""
    top = total.max(axis=0)
    scaled = np.exp(total - top)
    acc = np.zeros((_M.size, *total.shape[1:]))
    for j, weight in enumerate(_B_WEIGHTS):
        acc += weight * scaled[2 * j : 2 * j + _M.size]  # m + b_j is _MB[i + 2 j]
    with np.errstate(divide="ignore"):
        return np.asarray(np.log(acc) + top, dtype=np.float64)


@lru_cache(maxsize=16)
def _log_posterior(data: tuple[tuple[float, float, str, float, float], ...]) -> FloatArray:
    """Log posterior of (m, log s, c), each other organization's shift integrated out.

    data: (log low, log high, the round's organization or "" for the forecast's own, x, sd of
    x); a round of unknown size has x at the known rounds' mean and their spread as its sd,
    which widens its likelihood.

    A round of the forecast's organization depends on (m, log s, c). A round of another
    organization o depends on m and its shift b_o only through m + b_o, which takes 150 values
    (``_MB``, b's grid step being twice m's): its terms are summed on that grid, organization by
    organization, and each sum is integrated over b_o's prior (:func:`_integrate_shift`). The
    result is the marginal posterior of (m, log s, c), which is all the predictive needs.
    """
    ls = _LOG_S[None, :, None]
    c = _C[None, None, :]
    shape = (_M.size, _LOG_S.size, _C.size)
    # Priors: flat m; 1/s on s is flat on log s; c ~ N(0, C_PRIOR_SD); b_o ~ N(0, B_PRIOR_SD).
    lp = np.broadcast_to(-0.5 * (c / C_PRIOR_SD) ** 2, shape).copy()
    others: dict[str, FloatArray] = {}
    for lo, hi, org, x, x_sd in data:
        sd = np.sqrt(np.exp(2 * ls) + (c * x_sd) ** 2)
        if org:
            total = others.setdefault(org, np.zeros((_MB.size, *shape[1:])))
            mu = _MB[:, None, None] + c * x
        else:
            total, mu = lp, _M[:, None, None] + c * x
        if lo == hi:
            total -= np.log(sd) + 0.5 * ((lo - mu) / sd) ** 2
            continue
        upper = log_ndtr((hi - mu) / sd)  # log P(D <= hi)
        total += upper
        if not np.isneginf(lo):  # without a lower bound, P(D <= lo) = 0 adds log(1 - 0) = 0
            lower = log_ndtr((lo - mu) / sd)  # log P(D <= lo)
            total += np.log(-np.expm1(np.minimum(lower - upper, -1e-12)))
    for org in sorted(others):
        lp += _integrate_shift(others[org])
    lp -= lp.max()
    lp -= np.log(np.exp(lp).sum())
    lp.flags.writeable = False  # shared by every caller of the cache
    return lp


def _running_term(cut: float, x: float) -> FloatArray:
    """log P(D > t | m, s, c) for a round of the forecast's organization, on the (m, log s, c)
    grid."""
    m = _M[:, None, None]
    return np.asarray(
        log_ndtr((m + _C[None, None, :] * x - cut) / np.exp(_LOG_S)[None, :, None]),
        dtype=np.float64,
    )


def _choice(post: FloatArray, draws: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """``rng.choice(post.size, size=draws, p=post)``, the same cells from the same draws, with
    the cumulative sum made in place (numpy's own checks ``p`` in three more passes and sums
    it into a new array). ``post`` sums to 1 and is overwritten."""
    cdf = np.cumsum(post, out=post)
    cdf /= cdf[-1]
    return np.asarray(cdf.searchsorted(rng.random(draws), side="right"), dtype=np.int64)


@dataclass(frozen=True)
class CompletionModel:
    """Past completions and the posterior predictive of a new round's completion."""

    data: tuple[Completion, ...]

    @property
    def sizes_known(self) -> bool:
        """Whether enough rounds have a known member list for the size slope to be fitted."""
        return sum(1 for c in self.data if c.parties) >= MIN_SIZED_ROUNDS

    def _key(self, organization: str) -> tuple[tuple[float, float, str, float, float], ...]:
        xs = [parties_x(c.parties) for c in self.data if c.parties]
        use = self.sizes_known
        x_mean = float(np.mean(xs)) if use else 0.0
        x_sd = float(np.std(xs, ddof=1)) if use and len(xs) > 1 else 0.0

        def x_of(c: Completion) -> tuple[float, float]:
            if not use:
                return 0.0, 0.0
            return (parties_x(c.parties), 0.0) if c.parties else (x_mean, x_sd)

        return tuple(
            (
                _log_bound(c.low),
                _log_bound(c.high),
                "" if c.organization == organization else c.organization,
                *x_of(c),
            )
            for c in self.data
        )

    def own(self, organization: str) -> int:
        return sum(1 for c in self.data if c.organization == organization)

    def sample(
        self,
        organization: str,
        elapsed: float,
        draws: int,
        rng: np.random.Generator,
        parties: int = int(PARTIES_REF),
    ) -> FloatArray:
        """Completion days of a round of ``organization`` with ``parties`` members to ratify,
        still running after ``elapsed`` days."""
        lp = _log_posterior(self._key(organization))
        cut = float(np.log(max(elapsed, 0.0) + 0.5))
        x = parties_x(parties) if self.sizes_known else 0.0
        # The round is still running: P(D > t | m, s, c).
        w = lp + _running_term(cut, x)
        w -= w.max()
        np.exp(w, out=w)
        post = w.ravel()
        post /= post.sum()
        cell = _choice(post, draws, rng)
        del w, post
        mi, si, ci = np.unravel_index(cell, lp.shape)
        m = _M[mi] + rng.uniform(-0.5, 0.5, draws) * (_M[1] - _M[0]) + _C[ci] * x
        s = np.exp(_LOG_S[si] + rng.uniform(-0.5, 0.5, draws) * (_LOG_S[1] - _LOG_S[0]))
        # log D ~ N(m, s) above the cut, by inverse CDF from the upper tail.
        tail = np.exp(log_ndtr((m - cut) / s))
        v = np.clip(rng.uniform(size=draws) * tail, 1e-300, 1.0)
        log_d = m - s * ndtri(v)
        return np.asarray(np.maximum(np.exp(log_d), elapsed + 1.0), dtype=np.float64)

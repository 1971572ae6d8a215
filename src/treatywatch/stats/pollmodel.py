"""A poll average with honest uncertainty: a state-space model fitted by maximum likelihood.

On the logit of the decided share p = for / (for + against), over a grid of days:

    x[first] ~ N(0, level_sd**2);  x[d] = x[d-1] + N(0, q)      opinion: a random walk
    y[i] = x[mid_i] + h[house_i] + N(0, s2[i] + tau2 + q * (L**2 - 1) / (12 L))

y is a poll's empirical logit (finite at p = 0 or 1), s2 its sampling variance from the
effective sample, tau2 extra noise. A poll speaks for the mean of its L fieldwork days: it sits
at the midpoint, and the last term is the variance of that mean around the midpoint's value.
House effects h ~ N(0, sigma_h**2) sum to zero over the known pollsters (or are measured from
``reference_pollster``); with fewer than two pollsters there are none. A poll without pollster
comes from an unknown house, a fresh draw from the prior: sigma_h**2 joins its noise.

Given (q, tau2, sigma_h2) the model is linear-Gaussian: path and house effects have an exact
posterior (banded Cholesky of the tridiagonal path precision, O(days), and a small Schur
complement for the houses), and the marginal likelihood is exact. The log-variances are set to
their posterior mode under weak log-normal priors (:class:`Priors`, a penalised MLE whose
priors matter only for series with few polls); :func:`estimate_priors` centres those priors by
pooled likelihood over many series. Polls are summed per (day, pollster) with ``np.bincount``;
above ``max_mle_polls`` the variances come from a seeded subsample, the smoothing uses all.

Intervals are expit(m +- z * sd) for a logit mean m and sd (z = 1.645 at 90%). For
``mean``/``lower``/``upper`` and :meth:`AverageResult.at`, sd is the posterior sd of the latent
consensus given the estimated variances (their own uncertainty is not propagated); past the
last poll it grows with the walk. :meth:`AverageResult.forecast`, for a vote, adds in
quadrature the errors that averaging cannot remove (:class:`OutcomeGap`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray
from scipy.linalg.lapack import dpbtrf, dpbtrs, dpotrf, dpotri, dpotrs
from scipy.optimize import minimize
from scipy.special import expit, logit, ndtri, stdtrit

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Base = Literal["all", "decided", "unknown"]

#: Sample assumed when a poll publishes none (flagged ``sample_imputed``): about the median
#: state-poll sample, below the national 1,000 so that an unknown sample buys no confidence.
DEFAULT_SAMPLE = 600

#: Undecided share of recent polls is averaged over this many days before the last poll.
RECENT_DAYS = 30
#: Above this many polls the variances are estimated on a seeded random subsample.
MAX_MLE_POLLS = 50_000


@dataclass(frozen=True)
class PollObs:
    """One poll of a two-sided question; shares in percent as published.

    ``base``: the shares are of all respondents, of the decided only, or unknown (treated like
    "all": undecided respondents do not count towards the sample).
    """

    start: dt.date
    end: dt.date
    share_for: float
    share_against: float
    share_undecided: float | None = None
    sample_size: int | None = None
    pollster: str | None = None
    base: Base = "all"
    series: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"fieldwork ends ({self.end}) before it starts ({self.start})")
        shares = (self.share_for, self.share_against, self.share_undecided or 0.0)
        if not all(0.0 <= x <= 100.0 for x in shares) or not sum(shares[:2]) > 0.0:
            raise ValueError(f"shares must be within 0..100, for + against > 0; got {shares}")
        if self.sample_size is not None and self.sample_size <= 0:
            raise ValueError(f"sample_size must be positive, got {self.sample_size}")
        if self.base not in ("all", "decided", "unknown"):
            raise ValueError(f"unknown base {self.base!r}")


@dataclass(frozen=True)
class NormalizedPoll:
    """A poll on the common base; the raw shares stay in ``poll``."""

    poll: PollObs
    p_decided: float
    n_eff: float
    sample_imputed: bool


@dataclass(frozen=True)
class Estimate:
    """A share of the decided (0..1) and its interval."""

    mean: float
    lower: float
    upper: float


@dataclass(frozen=True)
class HouseEffect:
    """A pollster's lean in points of decided share (at the series' mean level), and in logits."""

    estimate: float
    lower: float
    upper: float
    logit: float
    logit_sd: float
    n_polls: int


@dataclass(frozen=True)
class Priors:
    """Log-normal priors on the model's variances, given as standard deviations (logit, days).

    Default centres are :func:`estimate_priors` on the polls (not the results) of the 1,111
    development races (US 1998-2010, Scotland 2014), rounded: the walk moves 0.02 logit a day
    (half a point of share), extra noise 0.02 and house effects 0.07 logit. ``*_log_sd`` is
    the prior sd of each log-variance: how far one series may stray from the centre; wide for
    the walk, since a US campaign's last weeks say little about a referendum's year.
    """

    step_sd: float = 0.02
    step_log_sd: float = 2.0
    noise_sd: float = 0.02
    noise_log_sd: float = 1.0
    house_sd: float = 0.07
    house_log_sd: float = 1.0
    level_sd: float = 10.0


@dataclass(frozen=True)
class OutcomeGap:
    """Errors between the eve-of-vote consensus and the result that averaging cannot remove.

    A forecast's logit variance adds, to the consensus' posterior variance (which already
    grows with every day from the last poll to the vote, as the walk does):

    - an error common to all polls of a vote (turnout models, screening rules every pollster
      shares) of sd ``shared_sd`` on each option's share of all voters (0..1), carried to the
      top-two share's logit by :func:`shared_factor` (larger where the two options are a
      small part of the vote, as in a many-party election); it does not shrink however many
      polls there are;
    - ``drift_sd**2 * days``: late movement beyond the walk, growing with the days from the last
      poll's fieldwork to the vote;
    - ``house_sd**2 / J``: the consensus is the mean of its J pollsters, so it keeps their mean
      house effect (J = 1 with a single or a reference pollster);
    - ``(undecided_sd * u / (p (1 - p)))**2``: a share u of respondents was undecided and need
      not split as the decided do; ``undecided_sd`` is the sd of the fraction of them that
      goes "for", around its expected value.

    The expected value moves too: a fraction ``undecided_even`` of the undecided split evenly
    and the rest like the decided, so the forecast share is p + undecided_even * u * (1/2 - p).
    The error is Student t with ``tail_df`` degrees of freedom (``inf``: normal) whose scale is
    the square root of the sum above, so a vote's interval is always wider than the
    consensus' normal one.

    :data:`DEFAULT_GAP` is :func:`treatywatch.stats.polleval.calibrate_gap` on all 1,116
    development races, rounded: the procedure was scored out of sample by fitting it on the
    races before 2006 alone and scoring the later ones (``treatywatch polls-eval --dev``), then
    refitted on all of them for use.
    """

    shared_sd: float = 0.0
    drift_sd: float = 0.0
    undecided_sd: float = 0.0
    undecided_even: float = 0.0
    tail_df: float = math.inf

    def __post_init__(self) -> None:
        sds = (self.shared_sd, self.drift_sd, self.undecided_sd)
        if not all(x >= 0.0 for x in sds) or not 0.0 <= self.undecided_even <= 1.0:
            raise ValueError(f"invalid outcome gap {self}")
        if not self.tail_df > 2.0:
            raise ValueError(f"tail_df must exceed 2 (a finite variance), got {self.tail_df}")


DEFAULT_PRIORS = Priors()
#: Prior centre of ``OutcomeGap.shared_sd`` in :func:`~treatywatch.stats.polleval.calibrate_gap`
#: (share of all voters): Shirani-Mehr, Rothschild, Goel and Gelman (JASA 2018) find an
#: "average absolute election-level bias ... about 2 percentage points" in 608 US state races;
#: a normal error of mean absolute 2 points has sd 2.5 points, 0.10 logit in an even two-way
#: race with 5% undecided, which :func:`shared_factor` (about 8.9 there) makes 0.034 here.
SHARED_SD_PRIOR = 0.034
DEFAULT_GAP = OutcomeGap(
    shared_sd=0.0145, drift_sd=0.0, undecided_sd=0.106, undecided_even=0.58, tail_df=8.1
)


@functools.lru_cache(maxsize=32)
def _z(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be within (0, 1), got {level}")
    return float(ndtri(0.5 + level / 2.0))  # the normal quantile (scipy.stats is slow to import)


def _estimate(m: float, s: float, level: float) -> Estimate:
    z = _z(level)
    return Estimate(float(expit(m)), float(expit(m - z * s)), float(expit(m + z * s)))


def standard_quantile(q: FloatArray, df: float = math.inf) -> FloatArray:
    """Quantiles of the standard normal (``df`` infinite) or the standard Student t."""
    if math.isinf(df):
        return np.asarray(ndtri(q), dtype=np.float64)
    return np.asarray(stdtrit(df, q), dtype=np.float64)


@dataclass(frozen=True)
class Predictive:
    """A share (0..1) as a distribution: ``loc + sd * T`` with T standard normal, or standard
    Student t with ``df`` degrees of freedom (so ``sd`` is its scale; its variance is larger),
    on the logit scale if ``on_logit``, else on the share itself (clipped to 0..1). The
    baselines' intervals are the latter kind."""

    loc: float
    sd: float
    df: float = math.inf
    on_logit: bool = True

    def quantiles(self, q: FloatArray) -> FloatArray:
        x = self.loc + self.sd * standard_quantile(q, self.df)
        return np.asarray(expit(x) if self.on_logit else np.clip(x, 0.0, 1.0), dtype=np.float64)

    def interval(self, level: float) -> Estimate:
        """The central ``level`` interval; ``mean`` is the median (the mean on the share scale)."""
        _z(level)  # validates the level
        lo, hi = self.quantiles(np.array([0.5 - level / 2.0, 0.5 + level / 2.0]))
        centre = float(expit(self.loc)) if self.on_logit else min(max(self.loc, 0.0), 1.0)
        return Estimate(centre, float(lo), float(hi))


@dataclass(frozen=True, eq=False)
class AverageResult:
    """Daily consensus (share of the decided, 0..1) with intervals, house effects, variances."""

    days: list[dt.date]
    mean: FloatArray
    lower: FloatArray
    upper: FloatArray
    house_effects: dict[str, HouseEffect]
    params: dict[str, float]
    level: float
    gap: OutcomeGap
    last_poll: dt.date  # the latest fieldwork end
    logit_mean: FloatArray = field(repr=False)
    logit_sd: FloatArray = field(repr=False)

    def logit_at(self, day: dt.date) -> tuple[float, float]:
        """Posterior mean and sd of the latent logit on any day (extrapolated as a walk)."""
        first, last = self.days[0], self.days[-1]
        q = self.params["step_sd"] ** 2
        i = min(max((day - first).days, 0), len(self.days) - 1)
        beyond = (first - day).days if day < first else max((day - last).days, 0)
        return float(self.logit_mean[i]), math.sqrt(self.logit_sd[i] ** 2 + q * beyond)

    def at(self, day: dt.date, *, level: float | None = None) -> Estimate:
        """The consensus on ``day``; beyond the polls the interval keeps widening."""
        m, s = self.logit_at(day)
        return _estimate(m, s, self.level if level is None else level)

    def vote_terms(self, day: dt.date) -> VoteTerms:
        """What a vote held on ``day`` adds the :class:`OutcomeGap` to."""
        m, s = self.logit_at(day)
        par = self.params
        return VoteTerms(
            logit_mean=m,
            known_var=s**2 + par["house_sd"] ** 2 / par["houses_in_consensus"],
            undecided=par["undecided"],
            two_options=par["two_options"],
            days=float(max((day - self.last_poll).days, 0)),
        )

    def predictive(self, day: dt.date, gap: OutcomeGap | None = None) -> Predictive:
        """The result of a vote held on ``day``, as a distribution (see :class:`OutcomeGap`;
        ``gap`` replaces the fit's own)."""
        gap = self.gap if gap is None else gap
        loc, var = vote_moments(gap, *self.vote_terms(day))
        return Predictive(float(loc), math.sqrt(float(var)), gap.tail_df)

    def forecast(self, day: dt.date, *, level: float | None = None) -> Estimate:
        """The result of a vote held on ``day``: :meth:`predictive`'s interval."""
        return self.predictive(day).interval(self.level if level is None else level)


class VoteTerms(NamedTuple):
    """A fit's side of a vote's result: the consensus' logit mean, its posterior variance plus
    the pollsters' mean house effect's, the undecided and the two options' shares of all
    respondents, and the days from the last poll to the vote."""

    logit_mean: float
    known_var: float
    undecided: float
    two_options: float
    days: float


def vote_moments(
    gap: OutcomeGap,
    logit_mean: Any,
    known_var: Any,
    undecided: Any,
    two_options: Any,
    days: Any,
) -> tuple[Any, Any]:
    """Centre (logit) and variance of a vote's result: :class:`VoteTerms` (floats, or arrays
    of many races' terms) widened and moved by ``gap``, as :class:`OutcomeGap` describes."""
    p0 = expit(logit_mean)
    p = np.clip(p0 + gap.undecided_even * undecided * (0.5 - p0), 1e-9, 1.0 - 1e-9)
    und = gap.undecided_sd * undecided / np.maximum(p * (1.0 - p), 1e-3)
    var = (
        known_var
        + gap.shared_sd**2 * shared_factor(p, two_options)
        + gap.drift_sd**2 * days
        + und**2
    )
    return logit(p), var


def shared_factor(p: float | FloatArray, two: float | FloatArray) -> Any:
    """Logit variance of the top-two share p per unit variance of an error on each option's
    share of all voters: an error e on each of the two shares (f = p d, a = (1 - p) d, d the two
    options' share of all) moves p by (a e_f - f e_a) / d**2, and logit(p) by that over
    p (1 - p). A two-way race (d near 1, p near 1/2) gets about 8; two parties of a
    many-party election (d = 0.55, p = 0.73) about 51: the same miss of a point or two on
    each party moves their top-two share far more."""
    pq = np.maximum(np.asarray(p) * (1.0 - np.asarray(p)), 1e-3)
    return (np.asarray(p) ** 2 + (1.0 - np.asarray(p)) ** 2) / (np.asarray(two) ** 2 * pq**2)


@dataclass(frozen=True)
class _Columns:
    start: IntArray  # ordinal days
    end: IntArray
    p: FloatArray
    n_eff: FloatArray
    undecided: FloatArray  # fraction of all respondents
    two: FloatArray  # for + against, fraction of all respondents (1 on a decided base)
    imputed: NDArray[np.bool_]
    pollster: IntArray  # index into names; len(names) for an unknown pollster
    names: list[str]


def _columns(polls: Sequence[PollObs]) -> _Columns:
    # Column-wise comprehensions: a million polls in well under a second.
    start = np.array([p.start.toordinal() for p in polls], dtype=np.int64)
    end = np.array([p.end.toordinal() for p in polls], dtype=np.int64)
    f = np.array([p.share_for for p in polls], dtype=np.float64)
    a = np.array([p.share_against for p in polls], dtype=np.float64)
    sizes = [p.sample_size for p in polls]
    imputed = np.array([s is None for s in sizes], dtype=np.bool_)
    n = np.array([DEFAULT_SAMPLE if s is None else s for s in sizes], dtype=np.float64)
    decided = np.array([p.base == "decided" for p in polls], dtype=np.bool_)
    # Of all respondents, only the decided count; rounding can push for + against past 100.
    n_eff = np.where(decided, n, n * np.minimum(1.0, (f + a) / 100.0))
    # Undecided: as published; else the rest of all respondents (none known on a decided base).
    und = np.array([np.nan if p.share_undecided is None else p.share_undecided for p in polls])
    und = np.where(np.isnan(und), np.where(decided, 0.0, np.maximum(0.0, 100.0 - f - a)), und)
    index = {name: i for i, name in enumerate(sorted({p.pollster or "" for p in polls} - {""}))}
    pollster = np.array([index.get(p.pollster or "", len(index)) for p in polls], dtype=np.int64)
    two = np.where(decided, 1.0, np.minimum(1.0, (f + a) / 100.0))
    return _Columns(
        start, end, f / (f + a), n_eff, und / 100.0, two, imputed, pollster, list(index)
    )


def normalize(polls: Sequence[PollObs]) -> list[NormalizedPoll]:
    """Put every poll on the decided base: p = for / (for + against) and its effective sample.

    n_eff = n * min(1, (for + against) / 100) for shares of all (or unknown) respondents, n for
    shares of the decided; an unpublished n is :data:`DEFAULT_SAMPLE`, flagged ``sample_imputed``.
    """
    if not polls:
        return []
    c = _columns(polls)
    return [
        NormalizedPoll(poll, float(p), float(n), bool(i))
        for poll, p, n, i in zip(polls, c.p, c.n_eff, c.imputed, strict=True)
    ]


def group_by_series(polls: Iterable[PollObs]) -> dict[str, list[PollObs]]:
    """Split polls by ``series``: different questions must never be averaged together."""
    groups: dict[str, list[PollObs]] = {}
    for poll in polls:
        groups.setdefault(poll.series, []).append(poll)
    return groups


@dataclass(frozen=True)
class _Data:
    y: FloatArray  # empirical logit
    s2: FloatArray  # its sampling variance
    fw: FloatArray  # (L^2 - 1) / (12 L): fieldwork-length factor of the walk variance
    unknown: NDArray[np.bool_]  # no pollster: the house effect is noise
    cell: IntArray  # grid index * (J + 1) + house index (J = unknown)
    gap: FloatArray  # days between consecutive grid points
    n_houses: int
    z: FloatArray  # J x K basis of the house effects the constraint allows


class _Posterior(NamedTuple):
    loglik: float
    x: FloatArray  # path mean and variance
    x_var: FloatArray
    h: FloatArray  # house effects, mean and covariance
    h_cov: FloatArray


def _basis(n_houses: int, reference: int | None) -> FloatArray:
    """Map K free parameters to J house effects: sum to zero, or zero for the reference."""
    if n_houses < 2:
        return np.zeros((n_houses, 0))
    if reference is not None:
        return np.delete(np.eye(n_houses), reference, axis=1)
    # An orthonormal basis of {h : sum(h) = 0}: iid N(0, s2) on it is the sum-zero prior.
    q, _ = np.linalg.qr(np.eye(n_houses) - 1.0 / n_houses)
    return np.ascontiguousarray(q[:, : n_houses - 1])


def _prepare(c: _Columns, keep: IntArray, grid: IntArray, reference: int | None) -> _Data:
    """Model inputs for polls ``keep`` on ``grid`` (sorted ordinal days holding all midpoints)."""
    start, end, n_eff, x = c.start[keep], c.end[keep], c.n_eff[keep], c.p[keep] * c.n_eff[keep]
    length = (end - start + 1).astype(np.float64)
    z = _basis(len(c.names), reference)
    n_h = len(c.names)
    house = c.pollster[keep] if z.shape[1] > 0 else np.full(len(keep), n_h, dtype=np.int64)
    t = np.searchsorted(grid, start + (end - start) // 2)
    return _Data(
        y=np.log((x + 0.5) / (n_eff - x + 0.5)),
        s2=1.0 / (x + 0.5) + 1.0 / (n_eff - x + 0.5),
        fw=(length**2 - 1.0) / (12.0 * length),
        unknown=(c.pollster[keep] == n_h) & (z.shape[1] > 0),
        cell=t * (n_h + 1) + house,
        gap=np.diff(grid).astype(np.float64),
        n_houses=n_h,
        z=z,
    )


def _solve(d: _Data, q: float, tau2: float, sh2: float, level_var: float, full: bool) -> _Posterior:
    """Exact log marginal likelihood (and, if ``full``, the posterior) for given variances."""
    n_days, n_h, k = len(d.gap) + 1, d.n_houses, d.z.shape[1]
    v = d.s2 + tau2 + q * d.fw + sh2 * d.unknown
    w = 1.0 / v
    cw = np.bincount(d.cell, w, n_days * (n_h + 1)).reshape(n_days, n_h + 1)
    cb = np.bincount(d.cell, w * d.y, n_days * (n_h + 1)).reshape(n_days, n_h + 1)
    bx = cb.sum(axis=1)
    # Tridiagonal precision of the path (upper band storage): the walk plus each day's polls.
    link = 1.0 / (q * d.gap)  # and the first day's level has its own prior
    ab = np.array(
        [np.r_[0.0, -link], cw.sum(axis=1) + np.r_[link, 0.0] + np.r_[1 / level_var, link]]
    )
    chol, info = dpbtrf(ab)
    if info != 0:
        raise np.linalg.LinAlgError("path precision is not positive definite")
    # log det(posterior precision) - log det(prior precision), summed as we go
    logdet = 2 * float(np.log(chol[1]).sum()) + math.log(level_var) + float(np.log(q * d.gap).sum())
    px_b = dpbtrs(chol, bx)[0]
    quad = float(bx @ px_b)
    h, s_inv, m = np.zeros(k), np.zeros((k, k)), np.zeros((n_days, k))
    if k > 0:
        c = cw[:, :n_h] @ d.z
        m = dpbtrs(chol, c)[0]
        s = d.z.T @ (cw[:, :n_h].sum(axis=0)[:, None] * d.z) - c.T @ m
        s[np.diag_indices(k)] += 1.0 / sh2
        s_chol, info = dpotrf(s, lower=1)
        if info != 0:
            raise np.linalg.LinAlgError("house-effect precision is not positive definite")
        r = d.z.T @ cb[:, :n_h].sum(axis=0) - c.T @ px_b
        h = dpotrs(s_chol, r, lower=1)[0]
        logdet += 2.0 * float(np.log(np.diag(s_chol)).sum()) + k * math.log(sh2)
        quad += float(r @ h)
    fit = float(np.log(v).sum()) + float(w @ (d.y * d.y)) - quad + logdet
    loglik = -0.5 * (len(d.y) * math.log(2.0 * math.pi) + fit)
    if not full:
        return _Posterior(loglik, px_b, np.zeros(0), h, s_inv)
    if k > 0:
        s_inv = np.tril(dpotri(s_chol, lower=1)[0])
        s_inv = s_inv + np.tril(s_inv, -1).T
    x = px_b - m @ h
    x_var = _banded_inverse_diagonal(chol) + np.einsum("ij,jk,ik->i", m, s_inv, m)
    return _Posterior(loglik, x, x_var, d.z @ h, d.z @ s_inv @ d.z.T)


def _banded_inverse_diagonal(chol: FloatArray) -> FloatArray:
    """diag(P^-1) from the upper bidiagonal Cholesky factor U of P = U'U."""
    a = (1.0 / chol[1] ** 2).tolist()
    c = ((chol[0, 1:] / chol[1, :-1]) ** 2).tolist()
    out = a[:]
    for i in range(len(a) - 2, -1, -1):  # sequential by nature; O(days), once per fit
        out[i] = a[i] + c[i] * out[i + 1]
    return np.array(out)


def _fit_variances(data: Sequence[_Data], pr: Priors) -> FloatArray:
    """Posterior mode of (log q, log tau2, log sigma_h2) over the given series jointly."""
    centre = np.log([pr.step_sd**2, pr.noise_sd**2, pr.house_sd**2])
    spread = np.array([pr.step_log_sd, pr.noise_log_sd, pr.house_log_sd])
    # Stay within 6 prior sds: beyond, the likelihood is flat and the algebra ill-posed. Without
    # house effects the likelihood ignores sigma_h2 and its prior keeps it at the centre.
    lo, hi = centre - 6 * spread, centre + 6 * spread

    def objective(theta: FloatArray) -> float:
        q, tau2, sh2 = np.exp(np.clip(theta, lo, hi))
        nll = -sum(_solve(d, q, tau2, sh2, pr.level_sd**2, full=False).loglik for d in data)
        return nll + 0.5 * float((((np.clip(theta, lo, hi) - centre) / spread) ** 2).sum())

    def with_gradient(theta: FloatArray) -> tuple[float, FloatArray]:
        # Forward differences by hand: scipy's generic ones cost more than a small solve.
        f0 = objective(theta)
        return f0, np.array([(objective(theta + e) - f0) / 1e-6 for e in np.eye(len(theta)) * 1e-6])

    # The objective sums log-likelihoods over the series: scale the tolerance with their number.
    res = minimize(
        with_gradient, centre, jac=True, method="BFGS", options={"gtol": 1e-3 * len(data)}
    )
    return np.asarray(np.clip(res.x, lo, hi), dtype=np.float64)


def _mle_data(c: _Columns, reference: int | None, max_polls: int) -> _Data:
    keep = np.arange(len(c.p))
    if len(keep) > max_polls:
        keep = np.sort(np.random.default_rng(0).choice(len(keep), max_polls, replace=False))
    # Days without polls do not change the likelihood: the walk just spans the gaps.
    return _prepare(
        c, keep, np.unique(c.start[keep] + (c.end[keep] - c.start[keep]) // 2), reference
    )


def estimate_priors(series: Iterable[Sequence[PollObs]], priors: Priors = DEFAULT_PRIORS) -> Priors:
    """Empirical Bayes: centre the priors on the variances that best explain all the series.

    One (q, tau2, sigma_h2) is fitted to every series with two polls or more by pooled
    (penalised) maximum likelihood, from the polls alone; the spreads are kept.
    """
    data = [_mle_data(_columns(s), None, MAX_MLE_POLLS) for s in series if len(s) >= 2]
    if not data:
        return priors
    q, tau2, sh2 = np.exp(_fit_variances(data, priors))
    return dataclasses.replace(
        priors, step_sd=math.sqrt(q), noise_sd=math.sqrt(tau2), house_sd=math.sqrt(sh2)
    )


def fit_average(
    polls: Sequence[PollObs],
    *,
    level: float = 0.90,
    until: dt.date | None = None,
    reference_pollster: str | None = None,
    priors: Priors = DEFAULT_PRIORS,
    gap: OutcomeGap = DEFAULT_GAP,
    max_mle_polls: int = MAX_MLE_POLLS,
) -> AverageResult:
    """Fit the average to the polls of one series; days run from the first poll to ``until``.

    ``until`` (default: the last fieldwork midpoint) extends the daily series past the polls.
    The model and its intervals are described in the module docstring.
    """
    if not polls:
        raise ValueError("no polls to average")
    if len({p.series for p in polls}) > 1:
        raise ValueError("polls from different series cannot be averaged together")
    z = _z(level)
    c = _columns(polls)
    if reference_pollster is not None and reference_pollster not in c.names:
        raise ValueError(f"reference pollster {reference_pollster!r} has no poll here")
    reference = None if reference_pollster is None else c.names.index(reference_pollster)
    mid = c.start + (c.end - c.start) // 2
    origin = int(mid.min())
    last = max(int(mid.max()), until.toordinal() if until is not None else origin)

    q, tau2, sh2 = np.exp(_fit_variances([_mle_data(c, reference, max_mle_polls)], priors))
    d = _prepare(c, np.arange(len(c.p)), np.arange(origin, last + 1), reference)
    post = _solve(d, q, tau2, sh2, priors.level_sd**2, full=True)

    sd = np.sqrt(post.x_var)
    recent = c.end >= c.end.max() - RECENT_DAYS
    houses = d.z.shape[1] + 1 if reference is None and d.z.shape[1] > 0 else 1
    params = dict(
        step_sd=math.sqrt(q),
        noise_sd=math.sqrt(tau2),
        house_sd=math.sqrt(sh2),
        houses_in_consensus=float(houses),
        undecided=float(c.undecided[recent].mean()),
        two_options=float(c.two[recent].mean()),
        loglik=post.loglik,
        n_polls=float(len(c.p)),
        n_imputed=float(c.imputed.sum()),
    )
    return AverageResult(
        days=[dt.date.fromordinal(origin + i) for i in range(last - origin + 1)],
        mean=expit(post.x),
        lower=expit(post.x - z * sd),
        upper=expit(post.x + z * sd),
        house_effects=_house_effects(c, post, z) if d.z.shape[1] > 0 else {},
        params=params,
        level=level,
        gap=gap,
        last_poll=dt.date.fromordinal(int(c.end.max())),
        logit_mean=post.x,
        logit_sd=sd,
    )


def _house_effects(c: _Columns, post: _Posterior, z: float) -> dict[str, HouseEffect]:
    n = np.bincount(c.pollster, minlength=len(c.names) + 1)
    # Points of decided share at the series' mean level (delta method: dp = p(1-p) dx).
    k = 100.0 * float(c.p.mean() * (1.0 - c.p.mean()))
    sd = np.sqrt(np.maximum(np.diag(post.h_cov), 0.0)).tolist()
    return {
        name: HouseEffect(k * h, k * (h - z * s), k * (h + z * s), h, s, int(n[j]))
        for j, (name, h, s) in enumerate(zip(c.names, post.h.tolist(), sd, strict=True))
    }

"""Baselines on tiny examples worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from treatywatch.stats.baselines import BASELINES, ewma, last_poll, loess, mean_of_last
from treatywatch.stats.pollmodel import PollObs

Z90 = 1.6448536269514722


def poll(end: int, share_for: float, share_against: float, n: int = 1000) -> PollObs:
    d = dt.date(2024, 1, 1) + dt.timedelta(days=end)
    return PollObs(d, d, share_for, share_against, None, n, "P")


def on(i: int) -> dt.date:
    return dt.date(2024, 1, 1) + dt.timedelta(days=i)


# p: 0.5, 0.5625, 0.75 (each of 800 decided respondents), then 0.6 on day 20 of 500 decided
POLLS = [poll(0, 40, 40), poll(4, 45, 35), poll(9, 60, 20), poll(20, 30, 20)]


def test_last_poll_and_its_binomial_interval() -> None:
    est = last_poll(POLLS, on(10)).interval(0.90)  # the day-20 poll is not out yet
    half = Z90 * math.sqrt(0.75 * 0.25 / 800)
    assert est.mean == pytest.approx(0.75)
    assert (est.lower, est.upper) == pytest.approx((0.75 - half, 0.75 + half))


def test_last_poll_averages_polls_ending_the_same_day() -> None:
    est = last_poll([poll(3, 40, 40), poll(3, 60, 20)], on(5)).interval(0.90)
    assert est.mean == pytest.approx(0.625)
    half = Z90 * math.sqrt(0.625 * 0.375 * (0.25 / 800 + 0.25 / 800))
    assert est.upper - est.mean == pytest.approx(half)


def test_mean_of_last() -> None:
    assert mean_of_last(POLLS, on(30)).interval(0.90).mean == pytest.approx(
        (0.5 + 0.5625 + 0.75 + 0.6) / 4
    )
    two = mean_of_last(POLLS, on(30), k=2).interval(0.90)
    assert two.mean == pytest.approx((0.75 + 0.6) / 2)
    half = Z90 * math.sqrt(0.675 * 0.325 * (0.25 / 800 + 0.25 / 500))
    assert two.upper - two.mean == pytest.approx(half)


def test_ewma_weights_halve_every_half_life() -> None:
    est = ewma(POLLS, on(20), half_life=10.0).interval(0.90)
    w = [0.5**2.0, 0.5**1.6, 0.5**1.1, 1.0]
    expected = (w[0] * 0.5 + w[1] * 0.5625 + w[2] * 0.75 + w[3] * 0.6) / sum(w)
    assert est.mean == pytest.approx(expected)


def test_loess_reproduces_a_straight_line_and_stops_at_the_last_poll() -> None:
    # p rises by exactly 1 point a day: every local line is that line.
    line = [poll(i, 50 + i, 50 - i) for i in range(0, 12, 2)]
    assert loess(line, on(7)).loc == pytest.approx(0.56)  # polls ended by day 7 only
    assert loess(line, on(10)).loc == pytest.approx(0.60)
    assert loess(line, on(40)).loc == pytest.approx(0.60)  # not extended past the data


def test_loess_tricube_weights_by_hand() -> None:
    # At day 10, span 1: distances 10, 5, 0 over h = 10 (the farthest weighs ~nothing).
    polls = [poll(0, 70, 30), poll(5, 50, 50), poll(10, 60, 40)]
    w5 = (1 - 0.5**3) ** 3
    assert loess(polls, on(10), span=1.0, degree=0).loc == pytest.approx(
        (w5 * 0.5 + 0.6) / (w5 + 1),
        abs=1e-6,  # h is widened by 1e-6 relative
    )


def test_single_poll_and_no_poll() -> None:
    for name, method in BASELINES.items():
        assert method(POLLS[:1], on(3)).loc == pytest.approx(0.5), name
        with pytest.raises(ValueError, match="no poll"):
            method(POLLS, on(-1))


def test_loess_agrees_with_statsmodels() -> None:
    """Our local-linear tricube fit gives statsmodels' lowess values (no robustness steps)."""
    from statsmodels.nonparametric.smoothers_lowess import lowess  # a dev dependency

    rng = np.random.default_rng(7)
    for n in (20, 36, 64):  # at least 5 neighbours: with 2 the local line is degenerate
        days = np.sort(rng.choice(200, n, replace=False))
        share = 40 + 10 * np.sin(days / 30) + rng.normal(0, 2, n)
        polls = [poll(int(d), float(f), float(100 - f)) for d, f in zip(days, share, strict=True)]
        for k in (n // 2, n):  # the polls out by the k-th one's day; evaluated on that day
            at = int(days[k - 1])
            # statsmodels takes int(frac * k) neighbours, ours ceil(span * k): same for even k.
            span = 0.5 if k % 2 == 0 else 0.5 * (k - 1) / k
            theirs = lowess(share[:k] / 100, days[:k], frac=0.5, it=0, delta=0.0, xvals=[at])
            ours = loess(polls, on(at), span=span)
            assert ours.loc == pytest.approx(float(theirs[0]), abs=1e-6), (n, k)


def test_baselines_are_predictive_distributions_on_the_share() -> None:
    pred = mean_of_last(POLLS, on(30), k=2)
    assert not pred.on_logit
    q = pred.quantiles(np.array([0.05, 0.5, 0.95]))
    est = pred.interval(0.90)
    assert (q[0], q[1], q[2]) == pytest.approx((est.lower, est.mean, est.upper))

"""The state-space poll average: normalisation, recovery of a known truth, API behaviour."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit, logit

from treatywatch import serialize
from treatywatch.stats.pollmodel import (
    DEFAULT_SAMPLE,
    PollObs,
    estimate_priors,
    fit_average,
    group_by_series,
    normalize,
)

D0 = dt.date(2023, 1, 1)


def day(i: int) -> dt.date:
    return D0 + dt.timedelta(days=i)


def test_normalize_puts_shares_on_the_decided_base() -> None:
    polls = [
        PollObs(day(0), day(2), 45.0, 35.0, 20.0, 1000, "A"),
        PollObs(day(0), day(0), 60.0, 40.0, None, None, "B", base="decided"),
        PollObs(day(0), day(0), 51.0, 50.0, None, 400, None),  # rounding: sums to 101
    ]
    a, b, c = normalize(polls)
    assert a.p_decided == pytest.approx(45 / 80)
    assert a.n_eff == pytest.approx(800)
    assert not a.sample_imputed
    assert a.poll.share_undecided == 20.0  # raw shares stay on record
    assert b.p_decided == pytest.approx(0.6)
    assert b.n_eff == DEFAULT_SAMPLE
    assert b.sample_imputed
    assert c.n_eff == pytest.approx(400)  # never more than the sample


def test_poll_rejects_impossible_values() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        PollObs(day(3), day(2), 40.0, 50.0)
    with pytest.raises(ValueError, match="0..100"):
        PollObs(day(0), day(0), 140.0, 50.0)
    with pytest.raises(ValueError, match=r"for \+ against"):
        PollObs(day(0), day(0), 0.0, 0.0)


def synthetic(seed: int) -> tuple[list[PollObs], np.ndarray, dict[str, float]]:
    """300 polls over 200 days of a known walk, four pollsters with known house effects."""
    rng = np.random.default_rng(seed)
    walk = logit(0.45) + np.cumsum(rng.normal(0.0, 0.02, 200))
    house = {"A": 0.10, "B": -0.05, "C": 0.0, "D": -0.05}  # logits, summing to zero
    polls = []
    for _ in range(300):
        start, length = int(rng.integers(0, 196)), int(rng.integers(1, 5))
        who, n = str(rng.choice(list(house))), int(rng.integers(500, 1500))
        p = expit(walk[start + (length - 1) // 2] + house[who] + rng.normal(0.0, 0.02))
        share = rng.binomial(n, p) / n * 100
        polls.append(PollObs(day(start), day(start + length - 1), share, 100 - share, None, n, who))
    return polls, walk, house


def test_recovers_known_latent_series_and_house_effects() -> None:
    polls, walk, house = synthetic(seed=0)
    fit = fit_average(polls)
    first = (fit.days[0] - D0).days
    truth = expit(walk[first : first + len(fit.days)])
    inside = (truth >= fit.lower) & (truth <= fit.upper)
    assert inside.mean() >= 0.8  # nominal 0.9, the path's days are strongly correlated
    assert np.abs(truth - fit.mean).mean() < 0.01  # within a point on average
    assert set(fit.house_effects) == set(house)
    for name, effect in fit.house_effects.items():
        lo = effect.logit - 1.645 * effect.logit_sd
        hi = effect.logit + 1.645 * effect.logit_sd
        assert lo <= house[name] <= hi, name
        assert effect.lower < effect.estimate < effect.upper
    assert 0.005 < fit.params["step_sd"] < 0.05


def test_reference_pollster_is_zero_and_others_are_measured_against_it() -> None:
    polls, _, house = synthetic(seed=1)
    fit = fit_average(polls, reference_pollster="C")
    assert fit.house_effects["C"].logit == 0.0
    assert fit.house_effects["A"].logit - fit.house_effects["B"].logit == pytest.approx(
        house["A"] - house["B"], abs=0.04
    )
    with pytest.raises(ValueError, match="reference"):
        fit_average(polls, reference_pollster="nobody")


def test_interval_widens_after_the_last_poll_and_forecast_is_wider() -> None:
    polls = [PollObs(day(i), day(i + 1), 50.0 + i % 3, 40.0, None, 800, "A") for i in range(20)]
    fit = fit_average(polls, until=day(40))
    assert fit.days[0] == day(0) and fit.days[-1] == day(40)
    widths = [fit.at(day(i)).upper - fit.at(day(i)).lower for i in (20, 40, 100, 400)]
    assert widths == sorted(widths) and widths[0] < widths[-1] / 2
    assert fit.house_effects == {}  # one pollster: no house effect
    at, vote = fit.at(day(40)), fit.forecast(day(40))
    # A vote's centre moves towards even by the undecided (10% here) who split evenly.
    u, even = fit.params["undecided"], fit.gap.undecided_even
    assert u == pytest.approx(0.10, abs=0.02) and even > 0
    assert vote.mean == pytest.approx(at.mean + even * u * (0.5 - at.mean))
    assert vote.upper - vote.lower > at.upper - at.lower
    assert fit.at(day(-30)).upper - fit.at(day(-30)).lower > widths[0]


def test_series_are_never_mixed() -> None:
    a = PollObs(day(0), day(0), 40.0, 50.0, series="if Sweden joins")
    b = PollObs(day(1), day(1), 45.0, 45.0, series="")
    with pytest.raises(ValueError, match="series"):
        fit_average([a, b])
    assert group_by_series([a, b, a]) == {"if Sweden joins": [a, a], "": [b]}
    with pytest.raises(ValueError, match="no polls"):
        fit_average([])


def test_unknown_pollster_gets_no_house_effect() -> None:
    polls, _, _ = synthetic(seed=2)
    polls += [PollObs(day(10 + i), day(10 + i), 47.0, 53.0, None, 900, None) for i in range(5)]
    fit = fit_average(polls)
    assert set(fit.house_effects) == {"A", "B", "C", "D"}
    assert fit.house_effects["A"].n_polls + fit.house_effects["B"].n_polls < 300


def test_pooled_priors_come_from_the_polls() -> None:
    series = [synthetic(seed)[0] for seed in (3, 4)]
    priors = estimate_priors(series)
    assert 0.03 < priors.house_sd < 0.15  # true spread of the four effects: 0.061
    assert priors.noise_sd < 0.06


shares = st.floats(0.0, 100.0, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(shares, shares, st.integers(1, 5000), st.integers(0, 60)), max_size=12))
def test_average_stays_within_its_inputs(rows: list[tuple[float, float, int, int]]) -> None:
    polls = [PollObs(day(d), day(d), f, a, None, n) for f, a, n, d in rows if f + a > 0]
    if not polls:
        return
    ps = [x.p_decided for x in normalize(polls)]
    assert all(0.0 <= p <= 1.0 for p in ps)
    fit = fit_average(polls)
    # One house: the smoothed logit is a convex combination of the polls' and the prior's 0.
    lo, hi = min(min(ps), 0.5), max(max(ps), 0.5)
    assert np.all(fit.mean >= lo - 1e-9) and np.all(fit.mean <= hi + 1e-9)
    assert np.all(fit.lower <= fit.mean) and np.all(fit.mean <= fit.upper)


def test_a_far_off_as_of_day_fits_no_more_days(example_text: str) -> None:
    """A hostile ?as_of=9999-12-31 must not make the server fit 3 million days: the fit
    stops after the last poll and the as-of estimate is extrapolated (same numbers)."""
    from treatywatch.queries.averages import poll_averages
    from treatywatch.sources.article import parse

    polls = parse(example_text, "a.txt").polls
    near = poll_averages(polls, dt.date(2017, 10, 13))[0]
    far = poll_averages(polls, dt.date(9999, 12, 31))[0]
    assert far.result.days == near.result.days
    assert far.result.days[-1] == dt.date(2017, 10, 13)
    assert serialize.average(far)["estimate"]["for"] == pytest.approx(
        serialize.average(near)["estimate"]["for"]
    )
    assert (
        serialize.average(far)["estimate"]["upper"]
        > serialize.average(near)["estimate"]["upper"] + 20
    )

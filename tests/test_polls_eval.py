"""Evaluating poll averages on races given as values, on a hand-written fixture and on the shared data."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit

from treatywatch import serialize
from treatywatch.queries.races import (
    DEV_FIT_BEFORE,
    dev_files,
    evaluate_files,
    read_outcomes,
    read_polls,
)
from treatywatch.stats.polleval import (
    Outcome,
    RacePoll,
    RaceResult,
    calibrate_gap,
    crps,
    evaluate,
    format_table,
    race_cases,
    summarize,
)
from treatywatch.stats.pollmodel import (
    DEFAULT_GAP,
    Estimate,
    OutcomeGap,
    PollObs,
    Predictive,
    estimate_priors,
    fit_average,
    shared_factor,
)

FIXTURES = Path(__file__).parent / "fixtures" / "polls"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "polls"
#: Races from other countries (``extra-*.csv``) beside the 1,110 US ones, and how many of
#: them fall before the split year.
EXTRA_RACES, EXTRA_BEFORE = 6, 1
FIXTURE = (read_polls(FIXTURES / "polls.csv"), read_outcomes(FIXTURES / "outcomes.csv"))


def test_races_as_plain_values() -> None:
    day = dt.date(2020, 1, 1)
    polls = {
        "r": {
            "p1": RacePoll("p1", "A", day, day, 500, 2, {"yes": 40.0, "no": 50.0}),
            "late": RacePoll(
                "late", "A", day, dt.date(2020, 2, 1), None, 4, {"yes": 1.0, "no": 1.0}
            ),
        },
        "q": {"p2": RacePoll("p2", None, day, day, None, 6, {"yes": 30.0})},
    }
    outcomes = {
        "r": Outcome(dt.date(2020, 2, 1), {"yes": 45.0, "no": 55.0}),
        "q": Outcome(dt.date(2020, 2, 1), {"yes": 60.0, "no": 40.0}),
    }
    cases, skipped = race_cases(polls, outcomes)
    assert skipped == {"fewer than two options": 0, "no polls before the vote": 1}
    (case,) = cases
    assert (case.race, case.actual) == ("r", pytest.approx(0.55))
    assert [(p.share_for, p.share_against, p.share_undecided) for p in case.polls] == [
        (50.0, 40.0, 10.0)
    ]
    report = evaluate(polls, outcomes, pooled_priors=False)
    (race,) = report.races
    assert isinstance(race, RaceResult)
    assert race.estimates["last_poll"].mean == pytest.approx(50 / 90)


def test_fixture_races_are_built_as_documented() -> None:
    cases, skipped = race_cases(*FIXTURE)
    by_race = {c.race: c for c in cases}
    assert skipped == {"fewer than two options": 0, "no polls before the vote": 1}
    # "one": the winner is "no" (55 to 45); its share in the poll is 50 / (50 + 40).
    assert by_race["one"].actual == pytest.approx(0.55)
    assert by_race["one"].polls[0].share_for == 50.0
    # "six": the poll ending on the vote day is left out; s5 has no pollster, no sample.
    six = by_race["six"].polls
    assert len(six) == 6
    assert sum(p.pollster is None and p.sample_size is None for p in six) == 1
    # "three": top two are x (48) and y (40); t2 lacks y; z's 10 points count as undecided.
    assert by_race["three"].actual == pytest.approx(48 / 88)
    assert [p.share_undecided for p in by_race["three"].polls] == [10.0, 16.0]


def test_evaluate_fixture() -> None:
    report = evaluate(*FIXTURE)
    assert report.methods == ["model", "last_poll", "last_5", "loess", "ewma"]
    results = {r.race: r for r in report.races}
    assert results["one"].estimates["last_poll"].mean == pytest.approx(50 / 90)
    assert results["six"].estimates["last_poll"].mean == pytest.approx(50 / 90)
    assert results["six"].estimates["last_5"].mean == pytest.approx(
        (48 / 90 + 51 / 92 + 47 / 90 + 49 / 90 + 50 / 90) / 5
    )
    assert report.fit_before is None and report.scored() == report.races
    summary = {s.method: s for s in report.summary()}
    assert summary["last_poll"].mae == pytest.approx(
        100 * (abs(50 / 90 - 0.55) + abs(50 / 90 - 0.52) + abs(46 / 84 - 48 / 88)) / 3
    )
    for s in summary.values():
        assert 0.0 <= s.coverage <= 1.0
        assert s.mean_width > 0
        assert s.interval_score >= s.mean_width  # width plus the misses' penalty
        assert s.crps > 0
    groups = {(g.by, g.group): g.n_races for g in report.groups()}
    assert groups[("polls", "1-4")] == 2 and groups[("polls", "5-19")] == 1
    data = json.loads(json.dumps(serialize.poll_evaluation(report)))
    assert data["n_races"] == 3 and len(data["methods"]) == 5
    assert data["fit_before"] is None and data["fitted_half"] == []
    assert {g["by"] for g in data["groups"]} == {"polls", "days from last poll"}
    assert [t["name"] for t in data["targets"]][:3] == [
        "coverage",
        "interval score gain over the best baseline",
        "MAE gain over the best baseline",
    ]
    table = format_table(report)
    assert table[0][:3] == ["method", "races", "MAE"] and len(table) == 6


def test_interval_score_by_hand() -> None:
    # A 90% interval 40-50 and a result of 55: width 10 plus 20 times the 5-point miss.
    race = RaceResult(
        "r", dt.date(2020, 1, 1), 3, 2, 0.55, {"m": Estimate(0.45, 0.40, 0.50)}, {"m": 0.0}
    )
    (s,) = summarize([race], ["m"])
    assert s.interval_score == pytest.approx(10 + 20 * 5)
    assert s.coverage == 0.0 and s.mae == pytest.approx(10.0)


def test_crps_matches_the_closed_form_for_a_normal() -> None:
    # CRPS(N(mu, sd), y) = sd * (z (2 Phi(z) - 1) + 2 phi(z) - 1 / sqrt(pi)), z = (y - mu) / sd
    for mu, sd, y in ((0.5, 0.03, 0.5), (0.5, 0.03, 0.56), (0.42, 0.05, 0.30)):
        z = (y - mu) / sd
        phi = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
        cdf = 0.5 * (1 + math.erf(z / math.sqrt(2)))
        exact = 100 * sd * (z * (2 * cdf - 1) + 2 * phi - 1 / math.sqrt(math.pi))
        approx = crps(Predictive(mu, sd, on_logit=False), y)
        assert approx == pytest.approx(exact, rel=0.02, abs=0.01)


def test_student_t_interval_is_wider_than_the_normal_of_the_same_scale() -> None:
    normal = Predictive(0.0, 0.1).interval(0.90)
    heavy = Predictive(0.0, 0.1, df=5.0).interval(0.90)
    assert normal.mean == heavy.mean == 0.5
    # t(5)'s 95% quantile is 2.015 against the normal's 1.645
    assert heavy.upper == pytest.approx(float(expit(0.1 * 2.015048)), abs=1e-6)
    assert heavy.upper > normal.upper == pytest.approx(float(expit(0.1 * 1.644854)), abs=1e-6)


def test_a_vote_interval_is_never_narrower_than_the_consensus() -> None:
    day = dt.date(2020, 1, 1)
    polls = [PollObs(day, day, 45.0 + i % 4, 45.0, None, 800, "AB"[i % 2]) for i in range(30)]
    fit = fit_average(polls, until=day)
    for later in (0, 10, 400):
        at = day + dt.timedelta(days=later)
        vote, consensus = fit.forecast(at), fit.at(at)
        assert vote.upper - vote.lower > consensus.upper - consensus.lower


def test_the_gap_moves_the_centre_towards_even_by_the_undecided_who_split_evenly() -> None:
    day = dt.date(2020, 1, 1)
    polls = [PollObs(day, day, 60.0, 20.0, 20.0, 1000, "A")]  # p = 0.75, 20% undecided
    fit = fit_average(polls, until=day)
    even = fit.predictive(day, OutcomeGap(undecided_even=1.0))
    like = fit.predictive(day, OutcomeGap(undecided_even=0.0))
    p = float(expit(like.loc))
    assert float(expit(even.loc)) == pytest.approx(p + 0.2 * (0.5 - p))


def test_dev_data_ships_and_the_held_apart_half_is_never_looked_at() -> None:
    """The development races in the package; the defaults are what the earlier half gives;
    changing every later result changes no fitted number."""
    report = evaluate_files(dev_files(), fit_before=DEV_FIT_BEFORE)
    assert len(report.races) == 1110 + EXTRA_RACES
    fitted = [r for r in report.races if not r.held_apart]
    assert all(r.date.year < DEV_FIT_BEFORE for r in fitted)
    assert len(fitted) == 500 + EXTRA_BEFORE
    # The shipped defaults are the same procedure refitted on every development race.
    polls_all: dict[str, dict[str, RacePoll]] = {}
    outcomes_all: dict[str, Outcome] = {}
    for p, o in dev_files():
        polls_all.update(read_polls(p))
        outcomes_all.update(read_outcomes(o))
    cases, _ = race_cases(polls_all, outcomes_all)
    gap = calibrate_gap(cases, estimate_priors([c.polls for c in cases]))
    assert gap.shared_sd == pytest.approx(DEFAULT_GAP.shared_sd, abs=0.002)
    assert gap.undecided_sd == pytest.approx(DEFAULT_GAP.undecided_sd, abs=0.002)
    assert gap.undecided_even == pytest.approx(DEFAULT_GAP.undecided_even, abs=0.01)
    assert gap.tail_df == pytest.approx(DEFAULT_GAP.tail_df, abs=0.5)
    assert gap.drift_sd == pytest.approx(DEFAULT_GAP.drift_sd, abs=0.002)
    assert report.gap != DEFAULT_GAP  # scored: the earlier half's own fit, not the shipped one

    flipped = {
        race: Outcome(o.date, dict(zip(o.shares, reversed(list(o.shares.values())), strict=True)))
        if o.date.year >= DEV_FIT_BEFORE
        else o
        for race, o in outcomes_all.items()
    }
    again = evaluate(polls_all, flipped, fit_before=DEV_FIT_BEFORE)
    assert again.gap == report.gap and again.priors == report.priors

    summary = {s.method: s for s in report.summary()}
    model = summary.pop("model")
    for name, baseline in summary.items():  # on the held-apart half
        assert model.mae < baseline.mae, name
        assert model.interval_score < 0.75 * baseline.interval_score, name
        assert model.crps < baseline.crps, name
    assert 0.83 <= model.coverage <= 0.95
    assert {t.name for t in report.targets()} >= {"coverage", "coverage, polls 20+"}


def test_shared_development_data_as_files() -> None:
    """The shared copy (with the Scottish referendum, not shipped: no licence) still reads."""
    if not (SHARED / "polls.csv").exists():
        pytest.skip(f"shared poll data not found at {SHARED}")
    report = evaluate_files([(SHARED / "polls.csv", SHARED / "outcomes.csv")])
    assert len(report.races) == 1111
    summary = {s.method: s for s in report.summary()}
    model = summary.pop("model")
    for name, baseline in summary.items():
        assert model.mae < baseline.mae, name
    assert 0.85 <= model.coverage <= 0.95


def test_the_shared_error_on_each_share_is_carried_to_the_top_two_logit() -> None:
    """shared_factor against simulation: independent misses of sd e on each option's share of
    all voters, and the variance of the top-two share's logit that follows."""
    rng = np.random.default_rng(3)
    e = 0.01
    for f, a in ((0.475, 0.475), (0.40, 0.15), (0.30, 0.28)):
        ff = f + rng.normal(0, e, 200_000)
        aa = a + rng.normal(0, e, 200_000)
        simulated = float(np.var(np.log(ff / aa)))  # logit of ff / (ff + aa)
        p, two = f / (f + a), f + a
        assert shared_factor(p, two) * e**2 == pytest.approx(simulated, rel=0.03)
    # A two-way race against two parties of a many-party election: about 8 against 51.
    assert float(shared_factor(0.5, 1.0)) == pytest.approx(8.0)
    assert float(shared_factor(0.40 / 0.55, 0.55)) == pytest.approx(50.6, abs=0.2)

"""Evaluating poll averages on races given as values, on a hand-written fixture and on the shared data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from treatywatch.queries.races import evaluate_files, read_outcomes, read_polls
from treatywatch.stats.polleval import (
    Outcome,
    RacePoll,
    RaceResult,
    evaluate,
    format_table,
    race_cases,
)

FIXTURES = Path(__file__).parent / "fixtures" / "polls"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "polls"
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
    summary = {s.method: s for s in report.summary()}
    assert summary["last_poll"].n_few == 2 and summary["last_poll"].n_many == 1
    assert summary["last_poll"].mae == pytest.approx(
        100 * (abs(50 / 90 - 0.55) + abs(50 / 90 - 0.52) + abs(46 / 84 - 48 / 88)) / 3
    )
    for s in summary.values():
        assert 0.0 <= s.coverage <= 1.0
        assert s.mean_width > 0
    data = json.loads(json.dumps(report.to_json()))
    assert data["n_races"] == 3 and len(data["methods"]) == 5
    table = format_table(report)
    assert table[0][:3] == ["method", "races", "MAE"] and len(table) == 6


def test_shared_development_data() -> None:
    """Done-when targets on the 1,111 shared races (skipped where the data is absent)."""
    if not (SHARED / "polls.csv").exists():
        pytest.skip(f"shared poll data not found at {SHARED}")
    report = evaluate_files(SHARED / "polls.csv", SHARED / "outcomes.csv")
    assert len(report.races) == 1111
    summary = {s.method: s for s in report.summary()}
    model = summary.pop("model")
    for name, baseline in summary.items():
        assert model.mae < baseline.mae, name
    assert 0.85 <= model.coverage <= 0.95
    assert report.seconds < 60

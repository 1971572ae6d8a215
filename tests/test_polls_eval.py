"""Reading the evaluation layout, evaluating on a hand-written fixture and on the shared data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from treatywatch.stats.polleval import (
    PollDataError,
    evaluate,
    format_table,
    race_cases,
    read_outcomes,
    read_polls,
)

FIXTURES = Path(__file__).parent / "fixtures" / "polls"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "polls"
HEADER = "race,poll_id,pollster,fieldwork_start,fieldwork_end,sample_size,option,share\n"
GOOD = "r,p1,A,2020-01-01,2020-01-02,500,yes,40\nr,p1,A,2020-01-01,2020-01-02,500,no,50\n"


def test_fixture_races_are_built_as_documented() -> None:
    cases, skipped = race_cases(FIXTURES / "polls.csv", FIXTURES / "outcomes.csv")
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
    report = evaluate(FIXTURES / "polls.csv", FIXTURES / "outcomes.csv")
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


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (GOOD + "r,p2,A,2020-01-03,2020-01-04,500,yes,101\n", r"polls\.csv: row 4: share 101"),
        (GOOD + "r,p2,A,2020-01-03,2020-01-04,500,yes,-1\n", r"row 4: share -1"),
        (GOOD + "r,p2,A,2020-01-05,2020-01-04,500,yes,40\n", r"row 4: fieldwork_end .* before"),
        (GOOD + "r,p2,A,2020-01-03,2020-01-04,many,yes,40\n", r"row 4: sample_size 'many'"),
        (GOOD + "r,p2,A,2020-01-03,2020-01-04,500,yes,4o\n", r"row 4: share '4o' is not a n"),
        (GOOD + "r,p2,A,2020-02-30,2020-03-04,500,yes,40\n", r"row 4: fieldwork_start '2020-"),
        (GOOD + "r,p1,B,2020-01-01,2020-01-02,500,maybe,5\n", r"row 4: poll p1 disagrees"),
        (GOOD + "r,p2,A,2020-01-03\n", r"row 4: 4 fields, expected 8"),
    ],
)
def test_bad_poll_rows_name_file_and_row(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "polls.csv"
    path.write_text(HEADER + body)
    with pytest.raises(PollDataError, match=message):
        read_polls(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"row 1: empty file"),
        ("\n\n", r"row 1: empty file"),
        (HEADER.replace("share", "pct") + GOOD, r"row 1: .*unknown: \['pct'\].*missing: \['share'"),
        (HEADER.replace(",share", "") + "r,p1,A,2020-01-01,2020-01-02,500,yes\n", r"row 1: .*"),
        (HEADER, r"row 2: no data rows"),
    ],
)
def test_bad_files_name_file_and_row(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "polls.csv"
    path.write_text(text)
    with pytest.raises(PollDataError, match=message) as info:
        read_polls(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_bad_outcomes(tmp_path: Path) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_text("race,option,share,date\nr,yes,40,2020-01-10\nr,no,160,2020-01-10\n")
    with pytest.raises(PollDataError, match=r"outcomes\.csv: row 3: share 160"):
        read_outcomes(path)
    path.write_text("race,option,share,date,note\nr,yes,40,2020-01-10,x\n")
    with pytest.raises(PollDataError, match=r"row 1: .*unknown: \['note'\]"):
        read_outcomes(path)
    with pytest.raises(PollDataError, match="cannot read"):
        read_outcomes(tmp_path / "missing.csv")


def test_shared_development_data() -> None:
    """Done-when targets on the 1,111 shared races (skipped where the data is absent)."""
    if not (SHARED / "polls.csv").exists():
        pytest.skip(f"shared poll data not found at {SHARED}")
    report = evaluate(SHARED / "polls.csv", SHARED / "outcomes.csv")
    assert len(report.races) == 1111
    summary = {s.method: s for s in report.summary()}
    model = summary.pop("model")
    for name, baseline in summary.items():
        assert model.mae < baseline.mae, name
    assert 0.85 <= model.coverage <= 0.95
    assert report.seconds < 60

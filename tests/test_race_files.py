"""Reading the races of polls-eval from CSV: every bad row or file is named, with its row."""

from __future__ import annotations

from pathlib import Path

import pytest

from treatywatch.queries.races import PollDataError, read_outcomes, read_polls

HEADER = "race,poll_id,pollster,fieldwork_start,fieldwork_end,sample_size,option,share\n"
GOOD = "r,p1,A,2020-01-01,2020-01-02,500,yes,40\nr,p1,A,2020-01-01,2020-01-02,500,no,50\n"


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

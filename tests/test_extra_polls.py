"""The extra development races (src/treatywatch/data/polls/extra-*.csv) are well formed."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest

from treatywatch.queries.races import POLL_COLUMNS

POLLS_DIR = Path(__file__).resolve().parents[1] / "src" / "treatywatch" / "data" / "polls"

POLL_HEADER = list(POLL_COLUMNS)
OUTCOME_HEADER = ["race", "option", "share", "date", "country", "kind"]
SOURCE_HEADER = ["race", "source_url", "licence", "outcome_source_url", "outcome_quote", "note"]
RACE_ID = re.compile(r"^[a-z]{2}_[a-z]+_\d{4}(_[a-z0-9]+)*$")


def _read(name: str, header: list[str]) -> list[dict[str, str]]:
    with open(POLLS_DIR / name, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == header, name
        rows = list(reader)
    assert rows, name
    return rows


@pytest.fixture(scope="module")
def polls() -> list[dict[str, str]]:
    return _read("extra-polls.csv", POLL_HEADER)


@pytest.fixture(scope="module")
def outcomes() -> list[dict[str, str]]:
    return _read("extra-outcomes.csv", OUTCOME_HEADER)


@pytest.fixture(scope="module")
def sources() -> list[dict[str, str]]:
    return _read("extra-sources.csv", SOURCE_HEADER)


def test_poll_rows_parse(polls: list[dict[str, str]]) -> None:
    seen: dict[str, tuple[str, ...]] = {}
    options: set[tuple[str, str]] = set()
    for row in polls:
        assert RACE_ID.match(row["race"]), row["race"]
        assert row["poll_id"] and row["pollster"].strip() == row["pollster"] != ""
        start = date.fromisoformat(row["fieldwork_start"])
        end = date.fromisoformat(row["fieldwork_end"])
        assert start <= end, row
        if row["sample_size"]:
            assert int(row["sample_size"]) > 0, row
        assert 0.0 <= float(row["share"]) <= 100.0, row
        # every row of one poll carries the same poll facts, and an option appears once a poll
        facts = tuple(row[k] for k in POLL_HEADER[:6])
        assert seen.setdefault(row["poll_id"], facts) == facts, row
        key = (row["poll_id"], row["option"])
        assert key not in options, row
        options.add(key)


def test_outcome_rows_parse(outcomes: list[dict[str, str]]) -> None:
    dates: dict[str, str] = {}
    totals: dict[str, float] = {}
    for row in outcomes:
        share = float(row["share"])
        assert 0.0 <= share <= 100.0, row
        date.fromisoformat(row["date"])
        assert dates.setdefault(row["race"], row["date"]) == row["date"], row
        totals[row["race"]] = totals.get(row["race"], 0.0) + share
    assert all(total <= 100.05 for total in totals.values()), totals


def test_every_race_has_an_outcome_and_a_source(
    polls: list[dict[str, str]], outcomes: list[dict[str, str]], sources: list[dict[str, str]]
) -> None:
    poll_races = {r["race"] for r in polls}
    outcome_races = {r["race"] for r in outcomes}
    source_races = [r["race"] for r in sources]
    assert len(source_races) == len(set(source_races))
    assert poll_races == outcome_races == set(source_races)
    # at least two options with a result for each race, and every polled option has one
    for race in poll_races:
        resulted = {r["option"] for r in outcomes if r["race"] == race}
        assert len(resulted) >= 2, race
        assert {r["option"] for r in polls if r["race"] == race} <= resulted, race


def test_every_poll_ended_before_its_vote(
    polls: list[dict[str, str]], outcomes: list[dict[str, str]]
) -> None:
    vote_day = {r["race"]: date.fromisoformat(r["date"]) for r in outcomes}
    late = [
        r["poll_id"] for r in polls if date.fromisoformat(r["fieldwork_end"]) >= vote_day[r["race"]]
    ]
    assert late == []


def test_every_source_row_names_url_and_licence(sources: list[dict[str, str]]) -> None:
    for row in sources:
        assert row["source_url"].startswith("https://"), row
        assert row["outcome_source_url"].startswith("https://"), row
        assert row["licence"].strip(), row
        assert row["outcome_quote"].strip(), row

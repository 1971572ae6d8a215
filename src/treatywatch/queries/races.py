"""Races with known outcomes, read from two CSV files: the input ``polls-eval`` scores.

Layout of ``shared/data/polls/README.md``. ``polls.csv``:
``race,poll_id,pollster,fieldwork_start,fieldwork_end,sample_size,option,share``, one row per
poll and option, shares in percent of all respondents, sample size may be empty.
``outcomes.csv``: ``race,option,share,date``, the result and the vote's date, and optionally
``country`` and ``kind`` (of vote), by which the evaluation also groups its scores.

Bad input raises :class:`PollDataError` (a ``ValueError``, and an ``InputError``: exit code 2)
naming the file and the row; rows are numbered as lines of the file, the header being row 1.
The evaluation itself is pure statistics (:mod:`treatywatch.stats.polleval`).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from treatywatch.errors import InputError

if TYPE_CHECKING:
    from treatywatch.stats.polleval import EvalReport, Outcome, RacePoll

POLL_COLUMNS = (
    "race",
    "poll_id",
    "pollster",
    "fieldwork_start",
    "fieldwork_end",
    "sample_size",
    "option",
    "share",
)
OUTCOME_COLUMNS = ("race", "option", "share", "date")
OPTIONAL_OUTCOME_COLUMNS = ("country", "kind")
#: The development races that ship with treatywatch: (polls, outcomes) file pairs.
DEV_DATA = ("us-538", "extra")


class PollDataError(InputError, ValueError):
    """Unreadable poll or outcome data; the message names the file and the row."""


def _rows(
    path: Path, columns: Sequence[str], optional: Sequence[str] = ()
) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, record) for each non-blank data row; the header must hold ``columns`` and
    may hold ``optional`` ones (absent ones read as empty)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None or not any(h.strip() for h in header):
                raise PollDataError(f"{path}: row 1: empty file")
            names = [h.strip() for h in header]
            unknown = [n for n in names if n not in columns and n not in optional]
            missing = [c for c in columns if c not in names]
            if unknown or missing or len(set(names)) != len(names):
                raise PollDataError(
                    f"{path}: row 1: columns must be {','.join(columns)}"
                    + (f", optionally {','.join(optional)}" if optional else "")
                    + f" (unknown: {unknown or '-'}, missing: {missing or '-'})"
                )
            seen = False
            for record in reader:
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) != len(names):
                    raise PollDataError(
                        f"{path}: row {reader.line_num}: {len(record)} fields, expected {len(names)}"
                    )
                seen = True
                rec = {n: v.strip() for n, v in zip(names, record, strict=True)}
                yield reader.line_num, {**dict.fromkeys(optional, ""), **rec}
            if not seen:
                raise PollDataError(f"{path}: row 2: no data rows")
    except OSError as e:
        raise PollDataError(f"{path}: cannot read: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise PollDataError(f"{path}: not UTF-8 text: {e.reason}") from e
    except csv.Error as e:
        raise PollDataError(f"{path}: {e}") from e


def _text(path: Path, row: int, rec: Mapping[str, str], col: str) -> str:
    if not rec[col]:
        raise PollDataError(f"{path}: row {row}: {col} is empty")
    return rec[col]


def _date(path: Path, row: int, rec: Mapping[str, str], col: str) -> dt.date:
    try:
        return dt.date.fromisoformat(rec[col])
    except ValueError:
        raise PollDataError(f"{path}: row {row}: {col} {rec[col]!r} is not a date") from None


def _share(path: Path, row: int, rec: Mapping[str, str], col: str) -> float:
    try:
        value = float(rec[col])
    except ValueError:
        raise PollDataError(f"{path}: row {row}: {col} {rec[col]!r} is not a number") from None
    if not 0.0 <= value <= 100.0:  # also rejects nan
        raise PollDataError(f"{path}: row {row}: {col} {rec[col]} is outside 0..100")
    return value


def _sample(path: Path, row: int, rec: Mapping[str, str]) -> int | None:
    raw = rec["sample_size"]
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise PollDataError(f"{path}: row {row}: sample_size {raw!r} is not a number") from None
    if not (math.isfinite(value) and value > 0 and value == int(value)):
        raise PollDataError(f"{path}: row {row}: sample_size {raw} is not a positive integer")
    return int(value)


def read_polls(path: Path | str) -> dict[str, dict[str, RacePoll]]:
    """race -> poll_id -> poll, validated; raises :class:`PollDataError` naming the row."""
    from treatywatch.stats.polleval import RacePoll

    path = Path(path)
    races: dict[str, dict[str, RacePoll]] = {}
    for row, rec in _rows(path, POLL_COLUMNS):
        race = _text(path, row, rec, "race")
        poll_id = _text(path, row, rec, "poll_id")
        option = _text(path, row, rec, "option")
        start = _date(path, row, rec, "fieldwork_start")
        end = _date(path, row, rec, "fieldwork_end")
        if end < start:
            raise PollDataError(f"{path}: row {row}: fieldwork_end {end} is before start {start}")
        share = _share(path, row, rec, "share")
        size = _sample(path, row, rec)
        pollster = rec["pollster"] or None
        polls = races.setdefault(race, {})
        poll = polls.setdefault(poll_id, RacePoll(poll_id, pollster, start, end, size, row))
        if (poll.pollster, poll.start, poll.end, poll.sample_size) != (pollster, start, end, size):
            raise PollDataError(
                f"{path}: row {row}: poll {poll_id} disagrees with its row {poll.row}"
                " on pollster, fieldwork or sample size"
            )
        if option in poll.shares:
            raise PollDataError(f"{path}: row {row}: poll {poll_id} repeats option {option!r}")
        poll.shares[option] = share
    return races


def read_outcomes(path: Path | str) -> dict[str, Outcome]:
    """race -> outcome, validated; raises :class:`PollDataError` naming the row."""
    from treatywatch.stats.polleval import Outcome

    path = Path(path)
    out: dict[str, Outcome] = {}
    for row, rec in _rows(path, OUTCOME_COLUMNS, OPTIONAL_OUTCOME_COLUMNS):
        race = _text(path, row, rec, "race")
        option = _text(path, row, rec, "option")
        share = _share(path, row, rec, "share")
        date = _date(path, row, rec, "date")
        country, kind = rec["country"] or None, rec["kind"] or None
        outcome = out.setdefault(race, Outcome(date, country=country, kind=kind))
        if outcome.date != date:
            raise PollDataError(f"{path}: row {row}: race {race} has two dates")
        if (outcome.country, outcome.kind) != (country, kind):
            raise PollDataError(f"{path}: row {row}: race {race} has two countries or kinds")
        if option in outcome.shares:
            raise PollDataError(f"{path}: row {row}: race {race} repeats option {option!r}")
        outcome.shares[option] = share
    return out


def dev_files() -> list[tuple[Path, Path]]:
    """The development races shipped in the package: (polls, outcomes) file pairs."""
    folder = Path(__file__).resolve().parent.parent / "data" / "polls"
    return [(folder / f"{n}-polls.csv", folder / f"{n}-outcomes.csv") for n in DEV_DATA]


#: The development races are split here: the model's defaults are fitted on earlier races.
DEV_FIT_BEFORE = 2006


def evaluate_files(
    files: Sequence[tuple[Path | str, Path | str]],
    progress: Callable[[int, int], None] | None = None,
    *,
    fit_before: int | None = None,
) -> EvalReport:
    """Read every (polls, outcomes) pair and score the model and the baselines on their races
    (``progress(done, total)`` after each race); a race id may appear in one pair only."""
    from treatywatch.stats.polleval import evaluate

    polls: dict[str, dict[str, RacePoll]] = {}
    outcomes: dict[str, Outcome] = {}
    for polls_path, outcomes_path in files:
        more_polls, more_outcomes = read_polls(polls_path), read_outcomes(outcomes_path)
        if clash := sorted(
            (more_outcomes.keys() & outcomes.keys()) | (more_polls.keys() & polls.keys())
        ):
            raise PollDataError(f"{outcomes_path}: race {clash[0]} is also in another file")
        polls.update(more_polls)
        outcomes.update(more_outcomes)
    return evaluate(polls, outcomes, progress=progress, fit_before=fit_before)

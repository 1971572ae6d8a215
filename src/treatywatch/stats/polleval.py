"""Evaluate poll averages against real results (layout of ``shared/data/polls/README.md``).

``polls.csv``: ``race,poll_id,pollster,fieldwork_start,fieldwork_end,sample_size,option,share``,
one row per poll and option, shares in percent of all respondents, sample size may be empty.
``outcomes.csv``: ``race,option,share,date``, the result and the vote's date.

For every race the two options with the largest actual shares are kept (ties: file order);
each method estimates the share of the first among the two on the vote's date from the polls
whose fieldwork ended before that date (polls that lack either option are left out). A race
without such polls is skipped and counted.

Bad input raises :class:`PollDataError` (a ``ValueError``, and an ``InputError``: exit code 2)
naming the file and the row; rows are numbered as lines of the file, the header being row 1.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, logit

from treatywatch.errors import InputError
from treatywatch.stats.baselines import BASELINES
from treatywatch.stats.pollmodel import (
    DEFAULT_GAP,
    DEFAULT_PRIORS,
    Estimate,
    FloatArray,
    OutcomeGap,
    PollObs,
    Priors,
    estimate_priors,
    fit_average,
)

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
FEW_POLLS = 4  # races with 1..FEW_POLLS polls vs more, in the summary


class PollDataError(InputError, ValueError):
    """Unreadable poll or outcome data; the message names the file and the row."""


@dataclass
class RacePoll:
    """One poll of a race with all its options (shares in percent of all respondents)."""

    poll_id: str
    pollster: str | None
    start: dt.date
    end: dt.date
    sample_size: int | None
    row: int
    shares: dict[str, float] = field(default_factory=dict)


@dataclass
class Outcome:
    date: dt.date
    shares: dict[str, float] = field(default_factory=dict)  # option -> percent, file order


# --- reading ---------------------------------------------------------------------------------


def _rows(path: Path, columns: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, record) for each non-blank data row; the header must match ``columns``."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None or not any(h.strip() for h in header):
                raise PollDataError(f"{path}: row 1: empty file")
            names = [h.strip() for h in header]
            unknown = [n for n in names if n not in columns]
            missing = [c for c in columns if c not in names]
            if unknown or missing or len(set(names)) != len(names):
                raise PollDataError(
                    f"{path}: row 1: columns must be {','.join(columns)}"
                    f" (unknown: {unknown or '-'}, missing: {missing or '-'})"
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
                yield reader.line_num, {n: v.strip() for n, v in zip(names, record, strict=True)}
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
    path = Path(path)
    out: dict[str, Outcome] = {}
    for row, rec in _rows(path, OUTCOME_COLUMNS):
        race = _text(path, row, rec, "race")
        option = _text(path, row, rec, "option")
        share = _share(path, row, rec, "share")
        date = _date(path, row, rec, "date")
        outcome = out.setdefault(race, Outcome(date))
        if outcome.date != date:
            raise PollDataError(f"{path}: row {row}: race {race} has two dates")
        if option in outcome.shares:
            raise PollDataError(f"{path}: row {row}: race {race} repeats option {option!r}")
        outcome.shares[option] = share
    return out


# --- evaluating ------------------------------------------------------------------------------

Method = Callable[[Sequence[PollObs], dt.date], Estimate]


@dataclass(frozen=True)
class RaceCase:
    """One race ready to evaluate: the polls before the vote, for the top option vs the next."""

    race: str
    date: dt.date
    actual: float  # share of the first option among the top two, 0..1
    polls: list[PollObs]


def race_cases(
    polls_path: Path | str, outcomes_path: Path | str
) -> tuple[list[RaceCase], dict[str, int]]:
    """Read both files and build every evaluable race; also counts of the races skipped."""
    polls = read_polls(polls_path)
    outcomes = read_outcomes(outcomes_path)
    skipped = {"fewer than two options": 0, "no polls before the vote": 0}
    cases = []
    for race, outcome in outcomes.items():
        if len(outcome.shares) < 2:
            skipped["fewer than two options"] += 1
            continue
        ranked = sorted(outcome.shares.items(), key=lambda kv: -kv[1])  # stable: file order
        (first, s1), (second, s2) = ranked[0], ranked[1]
        obs = _race_polls(race, polls.get(race, {}), first, second, outcome.date)
        if not obs or s1 + s2 <= 0:
            skipped["no polls before the vote"] += 1
            continue
        cases.append(RaceCase(race, outcome.date, s1 / (s1 + s2), obs))
    return cases, skipped


@dataclass(frozen=True)
class RaceResult:
    """One race: the actual share of the first option among the top two, and the estimates."""

    race: str
    date: dt.date
    n_polls: int
    actual: float  # 0..1
    estimates: dict[str, Estimate]


@dataclass(frozen=True)
class MethodSummary:
    """Errors in points of share; coverage: fraction of outcomes inside the 90% interval."""

    method: str
    n_races: int
    mae: float
    mae_few: float | None
    n_few: int
    mae_many: float | None
    n_many: int
    coverage: float
    mean_width: float


@dataclass(frozen=True)
class EvalReport:
    """Every race's estimates, the methods' order, skipped races, runtime and model priors."""

    races: list[RaceResult]
    methods: list[str]
    skipped: dict[str, int]
    seconds: float
    priors: Priors

    def summary(self) -> list[MethodSummary]:
        """One line per method, in the order of ``methods``."""
        out = []
        for m in self.methods:
            err = [(abs(r.estimates[m].mean - r.actual) * 100, r.n_polls) for r in self.races]
            few = [e for e, n in err if n <= FEW_POLLS]
            many = [e for e, n in err if n > FEW_POLLS]
            inside = [r.estimates[m].lower <= r.actual <= r.estimates[m].upper for r in self.races]
            width = [(r.estimates[m].upper - r.estimates[m].lower) * 100 for r in self.races]
            n = len(self.races)
            out.append(
                MethodSummary(
                    method=m,
                    n_races=n,
                    mae=sum(e for e, _ in err) / n if n else math.nan,
                    mae_few=sum(few) / len(few) if few else None,
                    n_few=len(few),
                    mae_many=sum(many) / len(many) if many else None,
                    n_many=len(many),
                    coverage=sum(inside) / n if n else math.nan,
                    mean_width=sum(width) / n if n else math.nan,
                )
            )
        return out

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict: the summary, skipped races and runtime (not every race)."""
        return {
            "n_races": len(self.races),
            "skipped": dict(self.skipped),
            "seconds": round(self.seconds, 3),
            "level": 0.90,
            "priors": dataclasses.asdict(self.priors),
            "methods": [s.__dict__ for s in self.summary()],
        }


def _race_polls(
    race: str, polls: Mapping[str, RacePoll], first: str, second: str, date: dt.date
) -> list[PollObs]:
    out = []
    for p in polls.values():
        if p.end >= date or first not in p.shares or second not in p.shares:
            continue
        f, a = p.shares[first], p.shares[second]
        if f + a <= 0:
            continue
        undecided = max(0.0, 100.0 - sum(p.shares.values()))
        out.append(PollObs(p.start, p.end, f, a, undecided, p.sample_size, p.pollster, "all", race))
    return out


def evaluate(
    polls_path: Path | str,
    outcomes_path: Path | str,
    *,
    pooled_priors: bool = True,
    gap: OutcomeGap = DEFAULT_GAP,
    baselines: Mapping[str, Method] = BASELINES,
) -> EvalReport:
    """Run the model and every baseline on every race with polls before its vote.

    With ``pooled_priors`` the model's priors are first centred by :func:`estimate_priors` on
    the polls of all races (polls only: no outcome is looked at).
    """
    t0 = time.perf_counter()
    cases, skipped = race_cases(polls_path, outcomes_path)
    priors = estimate_priors([c.polls for c in cases]) if pooled_priors else DEFAULT_PRIORS
    results = []
    for case in cases:
        fit = fit_average(case.polls, until=case.date, priors=priors, gap=gap)
        estimates = {"model": fit.forecast(case.date)}
        estimates.update({name: m(case.polls, case.date) for name, m in baselines.items()})
        results.append(RaceResult(case.race, case.date, len(case.polls), case.actual, estimates))
    methods = ["model", *baselines]
    return EvalReport(results, methods, skipped, time.perf_counter() - t0, priors)


def format_table(report: EvalReport) -> list[list[str]]:
    """Header and one row per method, as plain strings (MAE in points, coverage in %)."""

    def pts(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"

    rows = [["method", "races", "MAE", "MAE 1-4 polls", "MAE 5+ polls", "90% coverage", "width"]]
    for s in report.summary():
        few, many = f"{pts(s.mae_few)} ({s.n_few})", f"{pts(s.mae_many)} ({s.n_many})"
        coverage = f"{100 * s.coverage:.1f}%"
        rows.append([s.method, str(s.n_races), pts(s.mae), few, many, coverage, pts(s.mean_width)])
    return rows


def calibrate_gap(cases: Sequence[RaceCase], priors: Priors = DEFAULT_PRIORS) -> OutcomeGap:
    """Maximum-likelihood :class:`OutcomeGap` from past races' results (normal errors, logit).

    Each race's fitted consensus gives its mean and variance on the vote's day and the gap's
    known terms; the two free variances are those under which the results are most likely.
    ``DEFAULT_GAP`` is this on the 1,111 development races with priors from
    :func:`estimate_priors` (0.044, 0.171). Checks: fitted on the 1998-2004 races alone, the
    intervals cover 91% of the 2006-2010 races; fitted on those, 89% of the earlier ones.
    Shirani-Mehr et al. (JASA 2018) put the election-level bias of US state polls near 2.5
    points sd; here the shared, house and undecided terms make about 2 points for a race with
    five pollsters and 8% undecided.
    """
    rows = []
    for case in cases:
        fit = fit_average(case.polls, until=case.date, priors=priors)
        m, s = fit.logit_at(case.date)
        p = float(expit(m))
        fixed = s**2 + fit.params["house_sd"] ** 2 / fit.params["houses_in_consensus"]
        factor = (fit.params["undecided"] / max(p * (1.0 - p), 1e-3)) ** 2
        actual = min(max(case.actual, 1e-3), 1 - 1e-3)  # an unopposed race has no finite logit
        rows.append((float(logit(actual)) - m, fixed, factor))
    err, known, und = (np.array(col) for col in zip(*rows, strict=True))

    def nll(theta: FloatArray) -> float:
        var = known + math.exp(theta[0]) + math.exp(theta[1]) * und
        return 0.5 * float((np.log(var) + err**2 / var).sum())

    res = minimize(nll, np.log([0.01, 0.01]), method="Nelder-Mead", options={"xatol": 1e-4})
    return OutcomeGap(shared_sd=math.exp(res.x[0] / 2), undecided_sd=math.exp(res.x[1] / 2))

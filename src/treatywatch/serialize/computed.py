"""The computed answers' shapes: poll averages, forecasts, speeds, past rounds, backtests,
and the views that combine records with them (overview, timeline, check results)."""

from __future__ import annotations

import dataclasses
import math
from datetime import date as Day
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from treatywatch.serialize.records import (
    NO_NAMES,
    Names,
    act,
    country,
    date,
    document,
    finding,
    maybe_date,
    milestone,
    poll,
    position,
    problem,
    provenance,
    relation,
    status,
)
from treatywatch.serialize.shapes import (
    AverageShape,
    BacktestShape,
    CaseShape,
    ConflictShape,
    CoverageShape,
    CurvePointShape,
    ForecastShape,
    HistoricalActShape,
    MemberSpeedShape,
    OverviewShape,
    PendingShape,
    PollEvalShape,
    PredictionShape,
    RecordsShape,
    RoundShape,
    ScoreShape,
    SpeedObservationShape,
    TimelineEntryShape,
)

if TYPE_CHECKING:
    from treatywatch.checks.timeline import TimelineEntry
    from treatywatch.queries.averages import SeriesAverage
    from treatywatch.queries.overview import Overview
    from treatywatch.queries.records import ProcessRecords
    from treatywatch.reference.rounds import Conflict, Coverage, HistoricalAct, Round
    from treatywatch.stats.backtest import Case, Prediction, Report, Score
    from treatywatch.stats.forecast import Forecast, Model, PendingMember
    from treatywatch.stats.polleval import EvalReport
    from treatywatch.stats.pollmodel import AverageResult
    from treatywatch.stats.speed import Duration, MemberSpeed
    from treatywatch.stats.survival import Completion, CompletionModel

# The chart draws the average every this many days (the fit itself is daily).
CHART_STEP_DAYS = 7


def average_method() -> str:
    """How the poll average is made and what its intervals cover, in plain words."""
    from treatywatch.stats.pollmodel import DEFAULT_SAMPLE

    return (
        "a state-space model on the logit of the decided share: opinion follows a daily random "
        "walk, each pollster has a lean (house effect; they sum to zero), and each poll adds "
        "sampling noise from its effective sample plus estimated extra noise; polls without a "
        f"sample size count as {DEFAULT_SAMPLE:,} respondents. The interval of the average "
        "covers where the pollsters' consensus stood: sampling error, leans and the movement "
        "between polls, widening with every day since the last poll. It does not cover the "
        "error all pollsters can share. The interval for a vote held that day adds it: an "
        "error common to all polls of a vote, the undecided splitting otherwise than the "
        "decided (most of them split evenly, which moves the centre towards 50%), and "
        "heavier tails than a normal; its size was fitted on 1,116 past votes (fitted on those "
        "before 2006 alone, it was checked on the later ones: treatywatch polls-eval --dev)"
    )


# -- a process's records ----------------------------------------------------
def records(r: ProcessRecords) -> RecordsShape:
    names = r.names
    return {
        "status": status(r.status, names),
        "milestones": [milestone(m, names) for m in r.milestones],
        "ratifications": [act(a, names) for a in r.acts],
        "polls": [poll(p, names) for p in r.polls],
        "party_positions": [position(p, names) for p in r.positions],
        "relations": [relation(x, names) for x in r.relations],
        "sources": [document(d) for d in r.documents],
        "findings": [finding(f, names) for f in r.findings],
        "problems": [problem(name, p) for name, p in r.problems],
    }


def timeline_entry(e: TimelineEntry, names: Names = NO_NAMES) -> TimelineEntryShape:
    return {
        "kind": e.kind,
        "label": e.label,
        "date": date(e.date),
        "qualifier": e.qualifier,
        "member_code": e.member_code,
        "sources": [provenance(s, names) for s in e.sources],
    }


# -- poll averages ------------------------------------------------------------
def _curve(result: AverageResult, step: int, until: Day) -> list[CurvePointShape]:
    """Every ``step``-th day of the fit up to ``until``, and ``until`` itself last: the
    curve's end is the average at the last poll, the one the CLI and the API call latest."""
    days = [i for i in range(0, len(result.days), step) if result.days[i] <= until]
    end = max((i for i, day in enumerate(result.days) if day <= until), default=None)
    if end is not None and (not days or days[-1] != end):
        days.append(end)
    return [
        {
            "date": result.days[i].isoformat(),
            "mean": 100 * float(result.mean[i]),
            "lower": 100 * float(result.lower[i]),
            "upper": 100 * float(result.upper[i]),
        }
        for i in days
    ]


def average(a: SeriesAverage, daily: bool = False) -> AverageShape:
    """A series' average on its day, with its curve (weekly points; daily on request)."""
    now = a.result.at(a.as_of)
    last = a.result.at(a.last_poll)
    vote = a.result.forecast(a.as_of)
    step = 1 if daily else CHART_STEP_DAYS
    return {
        "series": a.series,
        "polls": a.polls,
        "as_of": a.as_of.isoformat(),
        "last_poll": a.last_poll.isoformat(),
        "at_last_poll": {
            "for": 100 * last.mean,
            "lower": 100 * last.lower,
            "upper": 100 * last.upper,
        },
        "level": a.result.level,
        "estimate": {"for": 100 * now.mean, "lower": 100 * now.lower, "upper": 100 * now.upper},
        "vote": {"for": 100 * vote.mean, "lower": 100 * vote.lower, "upper": 100 * vote.upper},
        "house_effects": {
            name: {"estimate": h.estimate, "lower": h.lower, "upper": h.upper, "polls": h.n_polls}
            for name, h in sorted(a.result.house_effects.items())
        },
        "params": a.result.params,
        "curve": _curve(a.result, step=step, until=min(a.as_of, a.last_poll)),
        "method": average_method(),
    }


# -- speeds and forecasts ------------------------------------------------------
def duration(d: Duration, names: Names = NO_NAMES) -> SpeedObservationShape:
    return {
        "round": d.round_id,
        "organization": d.organization,
        "member": country(d.member_code, d.member_name),
        "signature": date(d.signature),
        "ratified_on": date(d.ratified_on),
        "act": {"kind": d.kind.value, "event": d.event},
        "days": d.days,
        "days_min": d.days_min,
        "days_max": d.days_max,
        "imprecise": d.imprecise,
        "disputed": d.disputed,
        "sources": [provenance(s, names) for s in d.sources],
        "disputed_by": [provenance(s, names) for s in d.disputed_by],
    }


def member_speed(m: MemberSpeed, names: Names = NO_NAMES) -> MemberSpeedShape:
    return {
        "member": country(m.member_code, m.member_name),
        "rounds": m.rounds,
        "median_days": m.median_days,
        "median_of": [d.round_id for d in m.median_of],
        "fastest": duration(m.fastest, names),
        "slowest": duration(m.slowest, names),
        "imprecise": m.imprecise,
        "observations": [duration(d, names) for d in m.observations],
    }


def pending(p: PendingMember, signature: Day, names: Names = NO_NAMES) -> PendingShape:
    def day(x: float) -> str:
        return (signature + timedelta(days=round(x))).isoformat()

    return {
        "member": country(p.code, p.name),
        "days_pending": p.days_pending,
        "median_date": day(p.median_days),
        "interval80": [day(x) for x in p.interval80_days],
        "chance_last": p.chance_last,
        "rank_effect": p.shift,
        "order_note": "days of members other than the last: illustrative (see the model)",
        "history": [
            {
                "round": d.round_id,
                "days": d.days,
                "sources": [provenance(s, names) for s in d.sources],
            }
            for d in p.history
        ],
    }


def completion_model(m: CompletionModel) -> dict[str, Any]:
    return {
        "method": (
            "log-normal completion, organization shift b ~ N(0, 1), slope c ~ N(0, 1) on "
            "log(parties required), flat mean, 1/s prior; bounded completions of partial "
            "rounds as intervals"
        ),
        "completions": [completion(c) for c in m.data],
    }


def completion(c: Completion) -> dict[str, Any]:
    return {
        "round": c.round_id,
        "organization": c.organization,
        "days": [c.low, None if math.isinf(c.high) else c.high],
        "exact": c.exact,
        "basis": c.basis,
        "parties": c.parties,
    }


def model(m: Model) -> dict[str, Any]:
    return {
        **completion_model(m.completion),
        "completions_days": m.totals,
        "who_is_last": "member rank effects (normal scores), empirical-Bayes shrunk",
        "var_member": m.var_member,
        "deposit_delays": {k: list(v) for k, v in m.delays.items()},
    }


def forecast(f: Forecast, names: Names = NO_NAMES) -> ForecastShape:
    out: ForecastShape = {
        "as_of": f.as_of.isoformat(),
        "signature": date(f.signature),
        "required": len(f.required),
        "ratified": list(f.ratified),
        "completed": f.completed,
        "completed_on": maybe_date(f.completed_on),
    }
    if f.completed or f.samples.size == 0:
        return out
    out["completion"] = {
        "rule": "the last required member's ratification",
        "median": f.median.isoformat(),
        "interval50": [d.isoformat() for d in f.interval(0.5)],
        "interval80": [d.isoformat() for d in f.interval(0.8)],
        "probability_by": {
            d.isoformat(): f.probability_by(d)
            for d in (f.quantile(q) for q in (0.1, 0.25, 0.5, 0.75, 0.9))
        },
    }
    if f.membership_samples.size:
        out["membership"] = {
            "median": f.quantile(0.5, True).isoformat(),
            "interval80": [f.quantile(0.1, True).isoformat(), f.quantile(0.9, True).isoformat()],
        }
    out["pending"] = [pending(p, f.start, names) for p in f.pending]
    if f.model is None:
        out["model"] = None
    else:
        out["model"] = model(f.model) | {
            "own_organization_rounds": f.model.completion.own(f.organization)
        }
    return out


# -- past rounds ---------------------------------------------------------------
def coverage(c: Coverage) -> CoverageShape:
    return {
        "required": c.required,
        "with_rows": list(c.with_rows),
        "ratified": list(c.ratified),
        "missing": list(c.missing),
        "complete": c.complete,
        "summary": c.summary,
    }


def conflict(c: Conflict) -> ConflictShape:
    return {
        "round_id": c.round_id,
        "subject": c.subject,
        "act": c.act,
        "dates": [date(d) for d in c.dates],
        "sources": [provenance(s) for s in c.sources],
    }


def historical_act(a: HistoricalAct) -> HistoricalActShape:
    return {
        "member": country(a.member_code, a.member_name),
        "event": a.event,
        "act": a.kind.value if a.kind else None,
        "date": date(a.date),
        "text": a.text,
        "details": dict(a.details),
        "provenance": provenance(a.source),
    }


def round_(r: Round) -> RoundShape:
    from treatywatch.reference import country_name

    sigs = sorted({f.date for f in r.signatures}, key=lambda d: d.lower())
    return {
        "id": r.id,
        "organization": r.organization,
        "process": r.process,
        "candidates": [country(c, country_name(c)) for c in r.candidates],
        "signature": date(r.signature),
        "signature_dates_given": [d.edtf for d in sigs],
        "entry_into_force": maybe_date(r.entry_into_force),
        "membership": maybe_date(r.membership),
        "required": list(r.required) if r.required is not None else None,
        "required_basis": r.required_basis,
        "coverage": coverage(r.coverage()),
        "conflicts": [conflict(c) for c in r.conflicts()],
        "acts": [historical_act(a) for a in r.acts],
        "unresolved_names": list(r.unresolved),
    }


# -- evaluations ---------------------------------------------------------------
def prediction(p: Prediction) -> PredictionShape:
    return {
        "method": p.method,
        "point": p.point.isoformat(),
        "interval80": [p.low80.isoformat(), p.high80.isoformat()],
        "note": p.note,
    }


def case(c: Case) -> CaseShape:
    from treatywatch.stats.backtest import METHODS

    return {
        "round": c.round_id,
        "checkpoint_days": c.checkpoint,
        "as_of": c.as_of.isoformat(),
        "actual": c.actual.isoformat(),
        "ratified": c.ratified,
        "required": c.required,
        "training_rounds": list(c.training),
        "status": "forecast" if c.predictions else "already complete",
        "predictions": [prediction(p) for p in c.predictions],
        "errors_days": {m: c.error(m) for m in METHODS},
        "in_interval80": {m: c.covered(m) for m in METHODS},
    }


def score(s: Score) -> ScoreShape:
    return {
        "method": s.method,
        "checkpoint_days": s.checkpoint,
        "n": s.n,
        "mae_days": s.mae,
        "mae_ci95_bootstrap": list(s.mae_ci95),
        "min_error_days": min(s.errors, default=None),
        "max_error_days": max(s.errors, default=None),
        "coverage80": s.coverage80,
        "in_interval80": sum(s.covered),
    }


def backtest(r: Report) -> BacktestShape:
    from treatywatch.stats.backtest import TARGET

    return {
        "target": TARGET,
        "rounds": sorted({c.round_id for c in r.cases}),
        "scores": [score(s) for s in r.scores],
        "cases": [case(c) for c in r.cases],
        "caveats": list(r.caveats),
    }


def poll_evaluation(r: EvalReport) -> PollEvalShape:
    """The scores of the races scored out of sample (``methods``; all races unless the model
    was fitted here, ``fit_before``), of the races it was fitted on (``fitted_half``), by
    group, and the targets; skipped races and runtime (not every race)."""
    from treatywatch.stats.polleval import LEVEL

    def finite(d: dict[str, Any]) -> dict[str, Any]:  # JSON has no infinity: a normal is null
        return {
            k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in d.items()
        }

    return {
        "n_races": len(r.races),
        "n_scored": len(r.scored()),
        "fit_before": r.fit_before,
        "skipped": dict(r.skipped),
        "seconds": round(r.seconds, 3),
        "level": LEVEL,
        "priors": dataclasses.asdict(r.priors),
        "gap": finite(dataclasses.asdict(r.gap)),
        "methods": [dataclasses.asdict(s) for s in r.summary()],
        "fitted_half": [dataclasses.asdict(s) for s in r.fitted_summary()],
        "groups": [
            {
                "by": g.by,
                "group": g.group,
                "n_races": g.n_races,
                "methods": [dataclasses.asdict(s) for s in g.methods],
            }
            for g in r.groups()
        ],
        "targets": [dataclasses.asdict(t) for t in r.targets()],  # type: ignore[misc]
    }


def overview(o: Overview) -> OverviewShape:
    names = o.records.names
    r = records(o.records)
    return {
        "status": r["status"],
        "milestones": r["milestones"],
        "ratifications": r["ratifications"],
        "polls": r["polls"],
        "party_positions": r["party_positions"],
        "relations": r["relations"],
        "sources": r["sources"],
        "averages": [average(a) for a in o.averages],
        "forecast": forecast(f, names) if (f := o.forecast) else None,
        "member_speeds": [member_speed(m, names) for m in o.speeds],
        "findings": r["findings"],
        "problems": r["problems"],
    }

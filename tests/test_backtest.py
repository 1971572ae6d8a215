"""Leave-one-round-out backtest: no leakage, baselines, an honest report."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path

import pytest

from treatywatch import serialize
from treatywatch.domain.dates import PartialDate
from treatywatch.reference.rounds import Fact, Round, load_round, load_rounds
from treatywatch.sources.article import parse
from treatywatch.stats.backtest import (
    Report,
    backtest,
    backtest_round,
    baselines,
    training_rounds,
)

EXAMPLE = (
    Path(__file__).resolve().parents[1] / "src/treatywatch/examples/montenegro-nato-relations.txt"
)


def _example() -> Round:
    doc = parse(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE)
    sig = next(m.date for m in doc.milestones if m.kind == "protocol_signed")
    member = next(m.date for m in doc.milestones if m.kind == "membership")
    return Round.from_acts(
        "montenegro-2017", "NATO", sig, doc.acts, candidates=["ME"], membership=member
    )


def _shift(d: PartialDate, days: int) -> PartialDate:
    return PartialDate.of(d.lower() + timedelta(days=days))


def _poison(r: Round, after: int) -> Round:
    """The round with every act later than ``after`` days moved ten years on."""
    cut = r.signature.upper() + timedelta(days=after)
    acts = tuple(
        dataclasses.replace(a, date=_shift(a.date, 3650)) if a.date.upper() > cut else a
        for a in r.acts
    )
    late = tuple(dataclasses.replace(f, date=_shift(f.date, 3650)) for f in r.memberships)
    return dataclasses.replace(r, acts=acts, memberships=late)


@pytest.fixture(scope="module")
def report() -> Report:
    return backtest([*load_rounds(), _example()], draws=2000)


def test_runs_over_the_complete_rounds(report: Report) -> None:
    assert {c.round_id for c in report.cases} == {
        "nato-1982-spain",
        "nato-2004-seven",
        "nato-2023-finland",
        "eu-2004-ten",
        "eu-2007-bulgaria-romania",
        "eu-2013-croatia",
        "schengen-1997-greece",
        "weu-1995-greece",
        "montenegro-2017",
    }
    assert report.score("model", 0).n == 9
    # Spain was complete after 170 days: no forecast at day 180, and it is said so.
    spain = next(c for c in report.cases if c.round_id == "nato-1982-spain" and c.checkpoint == 180)
    assert not spain.predictions and serialize.case(spain)["status"] == "already complete"
    assert report.score("model", 180).n == 8


def test_report_states_that_data_are_too_few(report: Report) -> None:
    assert len(report.caveats) == 3 and all("too few" in c for c in report.caveats)
    text = report.render()
    assert "caveat:" in text and "bootstrap" in text
    out = serialize.backtest(report)
    json.dumps(out)
    s = out["scores"][0]
    assert {"n", "mae_days", "mae_ci95_bootstrap", "coverage80", "min_error_days"} <= set(s)


@pytest.mark.parametrize("checkpoint", [0, 90, 180])
def test_no_leakage_from_the_held_out_round(checkpoint: int) -> None:
    pool = [*load_rounds(), _example()]
    held = load_round("nato-2004-seven")
    poisoned = _poison(held, checkpoint)
    assert poisoned.last_ratification() != held.last_ratification()
    clean = backtest_round(held, pool, [checkpoint], draws=500)
    dirty = backtest_round(
        poisoned, [poisoned if r.id == held.id else r for r in pool], [checkpoint], draws=500
    )
    assert clean[0].predictions and clean[0].predictions == dirty[0].predictions
    assert clean[0].actual != dirty[0].actual  # only the truth moved


def test_no_leakage_from_a_same_day_twin() -> None:
    finland = load_round("nato-2023-finland")
    sweden = load_round("nato-2024-sweden")
    pool = [*load_rounds(), _example()]
    assert sweden.id not in {r.id for r in training_rounds(finland, pool)}
    fake = dataclasses.replace(
        sweden, acts=tuple(dataclasses.replace(a, date=_shift(a.date, 999)) for a in sweden.acts)
    )
    clean = backtest_round(finland, pool, [90], draws=500)
    dirty = backtest_round(
        finland, [fake if r.id == sweden.id else r for r in pool], [90], draws=500
    )
    assert clean[0].predictions == dirty[0].predictions


def test_pace_baseline() -> None:
    held = load_round("nato-1982-spain")
    training = [r for r in load_rounds() if r.id != held.id]
    at_signature = baselines(held, held.signature.upper(), training)
    assert "undefined at signature" in at_signature[1].note
    assert at_signature[1].point == at_signature[0].point
    # 4 of 15 after 90 days: 15 * 90 / 4 = 337.5 days.
    day90 = baselines(held, held.signature.upper() + timedelta(days=90), training)[1]
    assert day90.note == "4 of 15 after 90 days"
    assert (day90.point - held.signature.upper()).days == 338
    assert day90.low80 <= day90.point <= day90.high80


def test_median_baseline_uses_rounds_still_running() -> None:
    held = load_round("nato-2023-finland")
    training = training_rounds(held, [*load_rounds(), _example()])
    med = baselines(held, held.signature.upper() + timedelta(days=300), training)[0]
    # Of 170, 338, 560, 364, 407, 371 (EU 2003), 604 (EU 2005), 1820 (Schengen 1992), 836
    # (WEU 1992) days only those over 300 remain: median of 338, 364, 371, 407, 560, 604, 836,
    # 1820 = (407 + 560) / 2 = 483.5 days, rounded to 484.
    assert (med.point - held.signature.upper()).days == 484


def test_example_round_facts_are_given() -> None:
    ex = _example()
    assert isinstance(ex.memberships[0], Fact) and ex.membership == PartialDate(2017, 6, 5)


def test_the_leakage_check_is_not_vacuous() -> None:
    """Moving a training round's dates does change the forecast."""
    pool = [*load_rounds(), _example()]
    held = load_round("nato-2004-seven")
    ex = pool[-1]
    slower = dataclasses.replace(
        ex, acts=tuple(dataclasses.replace(a, date=_shift(a.date, 200)) for a in ex.acts)
    )
    clean = backtest_round(held, pool, [90], draws=500)
    moved = backtest_round(held, [*pool[:-1], slower], [90], draws=500)
    assert clean[0].predictions != moved[0].predictions

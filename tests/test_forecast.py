"""The completion forecast: survival given not ratified, the last-member rule, the example."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit, ndtr

from treatywatch.analysis import forecast as fc
from treatywatch.domain.dates import PartialDate
from treatywatch.domain.model import ActKind, Provenance, RatificationAct
from treatywatch.history import Round, load_rounds
from treatywatch.sources.article import parse

EXAMPLE = (
    Path(__file__).resolve().parents[1] / "src/treatywatch/examples/montenegro-nato-relations.txt"
)
SIGNED = PartialDate(2020, 1, 1)


def _uniform_model(effects: dict[str, tuple[float, float]] | None = None) -> fc.Model:
    """Positions uniform on (0, 1) (logit positions: standard logistic), completion ~100 days."""
    return fc.Model(
        log_total_mean=float(np.log(100.0)),
        log_total_var=0.01,
        totals={"a": 95.0, "b": 100.0, "c": 105.0},
        templates={"t": np.asarray(expit(fc._XG), dtype=np.float64)},
        pooling=0.0,
        member_effects=effects or {},
        member_history={},
        var_member=0.0,
        delays={"NATO": (10.0,)},
    )


def _act(code: str, day: PartialDate, kind: ActKind = ActKind.RATIFIED) -> RatificationAct:
    return RatificationAct(code, code, kind, day, Provenance("doc", 1, 1))


def test_survival_by_hand() -> None:
    model = _uniform_model({"SLOW": (0.5, 0.0)})
    cdf = model.templates["t"]
    # Uniform positions: P(U > 0.25) = 0.75 for a member with no history.
    got = fc._log_survival(model, "XX", cdf, np.array([0.25, 0.5]))
    assert np.exp(got) == pytest.approx([0.75, 0.5], abs=1e-3)
    # A member half a normal score late: P(U > 0.5) = Phi(0.5) = 0.6915.
    got = fc._log_survival(model, "SLOW", cdf, np.array([0.5]))
    assert np.exp(got[0]) == pytest.approx(float(ndtr(0.5)), abs=1e-3)


def test_positions_are_drawn_given_not_ratified_yet() -> None:
    model = _uniform_model()
    above = np.full(20000, 0.6)
    cdfs = np.repeat(model.templates["t"][None, :], above.size, axis=0)
    u = fc._draw_position(model, "XX", cdfs, above, np.random.default_rng(0))
    # Uniform on (0.6, 1): mean 0.8, a quarter below 0.7.
    assert u.min() >= 0.6 and u.mean() == pytest.approx(0.8, abs=0.01)
    assert np.mean(u < 0.7) == pytest.approx(0.25, abs=0.015)


def test_completion_is_the_last_required_member() -> None:
    model = _uniform_model()
    acts = [_act("AA", PartialDate(2020, 1, 20)), _act("BB", PartialDate(2020, 2, 1))]
    f = fc.forecast(SIGNED, ["AA", "BB", "CC"], acts, date(2020, 3, 1), model=model)
    (cc,) = f.pending
    assert cc.code == "CC" and cc.chance_last == 1.0
    # The one pending member's day is the completion; both come after as_of.
    assert f.median > date(2020, 3, 1) and f.probability_by(date(2020, 3, 1)) == 0.0
    assert f.probability_by(date(2030, 1, 1)) == 1.0
    assert f.quantile(0.5, membership=True) > f.median  # the deposit delay is added


def test_parliament_votes_do_not_count_and_future_acts_are_ignored() -> None:
    model = _uniform_model()
    acts = [
        _act("AA", PartialDate(2020, 1, 20)),
        _act("BB", PartialDate(2020, 1, 25), ActKind.PARLIAMENT_APPROVAL),
        _act("CC", PartialDate(2020, 6, 1)),  # after as_of
        _act("DD", PartialDate(2020, 2)),  # its month is not over on as_of
    ]
    f = fc.forecast(SIGNED, ["AA", "BB", "CC", "DD"], acts, date(2020, 2, 10), model=model)
    assert f.ratified == ("AA",) and {p.code for p in f.pending} == {"BB", "CC", "DD"}
    same = fc.forecast(SIGNED, ["AA", "BB", "CC", "DD"], acts[:1], date(2020, 2, 10), model=model)
    assert np.array_equal(f.samples, same.samples)


def test_complete_process_shows_no_forecast() -> None:
    acts = [_act("AA", PartialDate(2020, 1, 20)), _act("BB", PartialDate(2020, 3, 5))]
    f = fc.forecast(SIGNED, ["AA", "BB"], acts, date(2020, 4, 1), model=_uniform_model())
    assert f.completed and f.completed_on == PartialDate(2020, 3, 5) and not f.pending
    assert f.to_dict()["completed"] is True and "completion" not in f.to_dict()
    earlier = fc.forecast(SIGNED, ["AA", "BB"], acts, date(2020, 2, 1), model=_uniform_model())
    assert not earlier.completed and [p.code for p in earlier.pending] == ["BB"]


def _example() -> Round:
    doc = parse(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE)
    sig = next(m.date for m in doc.milestones if m.kind == "protocol_signed")
    member = next(m.date for m in doc.milestones if m.kind == "membership")
    return Round.from_acts(
        "montenegro-2017", "NATO", sig, doc.acts, candidates=["ME"], membership=member
    )


@pytest.fixture(scope="module")
def bundled_model() -> fc.Model:
    return fc.fit(load_rounds())


def test_example_as_of_2017_01_20(bundled_model: fc.Model) -> None:
    f = fc.forecast_round(_example(), date(2017, 1, 20), bundled_model)
    assert len(f.ratified) == 14 and len(f.pending) == 14
    low80, high80 = f.interval(0.8)
    low50, high50 = f.interval(0.5)
    assert low80 <= low50 <= f.median <= high50 <= high80
    assert date(2017, 1, 21) <= f.median <= date(2018, 1, 20)
    chances = [p.chance_last for p in f.pending]
    assert chances == sorted(chances, reverse=True) and sum(chances) == pytest.approx(1.0)
    assert f.probability_by(high80) == pytest.approx(0.9, abs=0.02)
    out = f.to_dict()
    json.dumps(out)
    assert out["completion"]["median"] == f.median.isoformat()
    assert out["pending"][0]["member"]["code"] == f.pending[0].code


def test_forecast_is_deterministic(bundled_model: fc.Model) -> None:
    a = fc.forecast_round(_example(), date(2016, 12, 1), bundled_model, draws=1000)
    b = fc.forecast_round(_example(), date(2016, 12, 1), bundled_model, draws=1000)
    assert np.array_equal(a.samples, b.samples)


def test_the_model_pools_members_with_little_history(bundled_model: fc.Model) -> None:
    ca, _ = bundled_model.member_effects["CA"]
    assert ca < 0  # Canada usually ratifies early
    shift, sd = bundled_model.effect("XX")  # unseen: the pool
    assert shift == 0.0 and sd == pytest.approx(1.0)
    assert set(bundled_model.templates) == {
        "nato-1982-spain",
        "nato-2004-seven",
        "nato-2023-finland",
        "eu-2013-croatia",
    }
    json.dumps(bundled_model.to_dict())

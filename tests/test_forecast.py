"""The completion forecast: survival given not ratified, the last-member rule, the example."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from treatywatch import serialize
from treatywatch.domain.dates import PartialDate
from treatywatch.domain.model import ActKind, Provenance, RatificationAct
from treatywatch.reference.rounds import Round, load_round, load_rounds
from treatywatch.sources.article import parse
from treatywatch.stats import forecast as fc
from treatywatch.stats.survival import Completion, CompletionModel, completion_of

EXAMPLE = (
    Path(__file__).resolve().parents[1] / "src/treatywatch/examples/montenegro-nato-relations.txt"
)
SIGNED = PartialDate(2020, 1, 1)
NATO_TOTALS = (80.0, 100.0, 125.0)


def _model(totals: tuple[float, ...] = NATO_TOTALS, extra: tuple[Completion, ...] = ()) -> fc.Model:
    """Exact NATO completions (and any ``extra`` ones); no member history."""
    data = tuple(Completion(f"r{i}", "NATO", d, d, "given") for i, d in enumerate(totals))
    return fc.Model(
        completion=CompletionModel(data + extra),
        member_effects={},
        member_history={},
        var_member=0.0,
        delays={"NATO": (10.0,)},
    )


def _act(code: str, day: PartialDate, kind: ActKind = ActKind.RATIFIED) -> RatificationAct:
    return RatificationAct(code, code, kind, day, Provenance("doc", 1, 1))


def test_who_is_last_follows_member_effects() -> None:
    model = dataclasses.replace(_model(), member_effects={"SLOW": (1.0, 0.0), "FAST": (-1.0, 0.0)})
    completion = np.full(20000, 300.0)
    times, last = fc.member_days(
        model, ["SLOW", "FAST", "XX"], 100.0, completion, np.random.default_rng(0)
    )
    share = np.bincount(last, minlength=3) / completion.size
    assert share[0] > share[2] > share[1] and share.sum() == pytest.approx(1.0)
    # The last one ratifies at the completion; the others after today and by then.
    assert np.array_equal(times.max(axis=0), completion)
    assert times.min() >= 101.0


def test_predictive_is_student_t_with_exact_completions() -> None:
    """Flat mean, 1/s prior, n exact log completions: t with n - 1 df, scale s sqrt(1 + 1/n)."""
    logs = np.log(NATO_TOTALS)
    n = len(logs)
    scale = float(np.std(logs, ddof=1)) * np.sqrt(1 + 1 / n)
    got = _model().completion.sample("NATO", 0.0, 40000, np.random.default_rng(0))
    for q in (0.1, 0.25, 0.5, 0.75, 0.9):
        want = float(np.exp(np.mean(logs) + scale * stats.t.ppf(q, n - 1)))
        assert np.quantile(got, q) == pytest.approx(want, rel=0.05), q


def test_still_running_means_later_than_today() -> None:
    model = _model()
    rng = np.random.default_rng(1)
    prior = model.completion.sample("NATO", 0.0, 20000, rng)
    later = model.completion.sample("NATO", 150.0, 20000, rng)
    assert later.min() >= 151.0
    # Reweighting the parameters by P(D > 150) and drawing above 150 is Bayes' rule: the
    # same as the predictive's part beyond 150.
    tail = prior[prior > 150]
    for q in (0.25, 0.5, 0.75):
        assert np.quantile(later, q) == pytest.approx(np.quantile(tail, q), rel=0.05)


def test_bounded_completions_of_partial_rounds() -> None:
    sweden = completion_of(load_round("nato-2024-sweden"))
    # The Sweden protocol's entry into force (2024-03-07, US depositary notice) is recorded, so
    # the partial round's completion is that day, exactly (before: bounded 609-611 days).
    assert sweden is not None and sweden.exact and "entry into force" in sweden.basis
    assert (sweden.low, sweden.high) == (611.0, 611.0)  # signed 2022-07-05, in force 2024-03-07
    # A partial round without an entry into force is still bounded.
    germany = completion_of(load_round("nato-1955-west-germany"))
    assert germany is not None and germany.low == 0.0 and germany.high == 198.0
    assert completion_of(load_round("nato-2023-finland")) == Completion(
        "nato-2023-finland", "NATO", 268.0, 268.0, "last required member to ratify: TR", 30
    )
    # Where no membership is dated, the entry into force bounds completion from above, for an
    # organization whose agreement enters into force only once every required member ratified.
    greece = load_round("eu-1981-greece")
    no_member = dataclasses.replace(greece, memberships=())
    bounded = completion_of(no_member)
    assert (
        bounded is not None and bounded.high == 584.0 and "entry into force 1981" in bounded.basis
    )
    assert completion_of(dataclasses.replace(no_member, in_force_once_all_ratified=False)) is None
    # Nor does a membership bound it where the rule is not in the sources (the WEU's): the
    # 1988 protocol's round says only that it ran past Luxembourg's law (1989-06-22).
    weu = load_round("weu-1990-portugal-spain")
    assert weu.memberships and not weu.in_force_once_all_ratified
    open_ended = completion_of(weu)
    assert open_ended is not None and open_ended.high == float("inf")
    assert open_ended.low == float((date(1989, 6, 22) - date(1988, 11, 14)).days)
    assert "membership does not bound it" in open_ended.basis
    bounded_weu = completion_of(dataclasses.replace(weu, in_force_once_all_ratified=True))
    assert bounded_weu is not None and bounded_weu.high == 498.0  # to 1990-03-27
    # A bound pulls the predictive: a slow partial round makes the forecast later.
    slow = Completion("s", "NATO", 900.0, 1000.0, "bounds")
    rng = np.random.default_rng(2)
    base = np.median(_model().completion.sample("NATO", 0.0, 20000, rng))
    assert np.median(_model(extra=(slow,)).completion.sample("NATO", 0.0, 20000, rng)) > base


def test_organization_shift_is_partly_pooled() -> None:
    eu = (Completion("e1", "EU", 500.0, 500.0, "given"), Completion("e2", "EU", 600.0, 600.0, ""))
    model = _model(extra=eu)
    rng = np.random.default_rng(3)
    nato = np.median(model.completion.sample("NATO", 0.0, 20000, rng))
    union = np.median(model.completion.sample("EU", 0.0, 20000, rng))
    assert nato < 150 and 300 < union < 600  # the EU's own rounds, pulled a little toward NATO's
    # An organization without rounds of its own gets the others' (and a wider interval).
    other = model.completion.sample("XX", 0.0, 20000, rng)
    assert np.quantile(other, 0.9) / np.quantile(other, 0.1) > 3


def test_completion_is_the_last_required_member() -> None:
    model = _model()
    acts = [_act("AA", PartialDate(2020, 1, 20)), _act("BB", PartialDate(2020, 2, 1))]
    f = fc.forecast(SIGNED, ["AA", "BB", "CC"], acts, date(2020, 3, 1), model=model)
    (cc,) = f.pending
    assert cc.code == "CC" and cc.chance_last == 1.0
    # The one pending member's day is the completion; both come after as_of.
    assert f.median > date(2020, 3, 1) and f.probability_by(date(2020, 3, 1)) == 0.0
    assert f.probability_by(date(2030, 1, 1)) > 0.99  # three rounds: a heavy tail
    assert f.quantile(0.5, membership=True) > f.median  # the deposit delay is added


def test_parliament_votes_do_not_count_and_future_acts_are_ignored() -> None:
    model = _model()
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


def test_pending_members_are_named_as_given() -> None:
    acts = [_act("AA", PartialDate(2020, 1, 20))]
    names = {"BB": "Bravo"}
    f = fc.forecast(SIGNED, ["AA", "BB", "CC"], acts, date(2020, 3, 1), model=_model(), names=names)
    members = {p.code: serialize.pending(p, f.start)["member"] for p in f.pending}
    assert members == {"BB": {"code": "BB", "name": "Bravo"}, "CC": {"code": "CC", "name": "CC"}}


def test_complete_process_shows_no_forecast() -> None:
    acts = [_act("AA", PartialDate(2020, 1, 20)), _act("BB", PartialDate(2020, 3, 5))]
    f = fc.forecast(SIGNED, ["AA", "BB"], acts, date(2020, 4, 1), model=_model())
    assert f.completed and f.completed_on == PartialDate(2020, 3, 5) and not f.pending
    assert serialize.forecast(f)["completed"] is True and "completion" not in serialize.forecast(f)
    earlier = fc.forecast(SIGNED, ["AA", "BB"], acts, date(2020, 2, 1), model=_model())
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
    out = serialize.forecast(f)
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
    rounds = {c.round_id for c in bundled_model.completion.data}
    assert set(bundled_model.totals) == {
        "nato-1982-spain",
        "nato-2004-seven",
        "nato-2020-north-macedonia",
        "nato-2023-finland",
        "nato-2024-sweden",  # exact since its protocol's entry into force is recorded
        "eu-2004-ten",
        "eu-2007-bulgaria-romania",
        "eu-2013-croatia",
        "schengen-1997-greece",
        "weu-1995-greece",
    }
    assert {
        "nato-2024-sweden",
        "nato-1952-greece-turkey",
        "nato-1999-czech-hungary-poland",
    } <= rounds
    json.dumps(serialize.model(bundled_model))


def test_more_parties_take_longer_when_sizes_are_known() -> None:
    """Completion is the last of the parties' ratifications: a larger round tends to end later."""
    sized = tuple(
        Completion(f"r{n}", "NATO", float(d), float(d), "given", n)
        for n, d in ((12, 120), (15, 170), (19, 330), (26, 300), (28, 370), (30, 420))
    )
    model = _model(extra=sized)
    assert model.completion.sizes_known
    rng = np.random.default_rng(4)
    small = np.median(model.completion.sample("NATO", 0.0, 20000, rng, parties=12))
    large = np.median(model.completion.sample("NATO", 0.0, 20000, rng, parties=30))
    assert large > 1.5 * small
    # With fewer than MIN_SIZED_ROUNDS rounds of known size the slope is not used at all.
    few = _model(extra=sized[:2])
    assert not few.completion.sizes_known
    a = few.completion.sample("NATO", 0.0, 5000, np.random.default_rng(5), parties=12)
    b = few.completion.sample("NATO", 0.0, 5000, np.random.default_rng(5), parties=30)
    assert np.array_equal(a, b)


def test_the_posterior_equals_the_model_written_out_over_the_whole_grid() -> None:
    # The posterior of (m, log s, c) is computed term by term on small grids (a round of the
    # forecast's organization has no shift; another organization's depends on m + b only) and
    # each other organization's shift is summed out over its prior. Written out cell by cell on
    # the full (m, b, log s, c) grid and summed over b, the model must give the same values
    # (the NATO and EU rounds: one shift, for the other organization; a third organization
    # would need a fifth axis, too large to write out).
    from scipy.special import log_ndtr

    from treatywatch.stats import survival

    two = [c for c in survival.completions(load_rounds()) if c.organization in ("NATO", "EU")]
    model = CompletionModel(tuple(two))
    for organization in ("NATO", "EU"):
        key = model._key(organization)
        assert {o for _, _, o, _, _ in key} == {"", "EU" if organization == "NATO" else "NATO"}
        assert any(lo != hi for lo, hi, _, _, _ in key)  # bounded rounds are in the check
        survival._log_posterior.cache_clear()
        fast = survival._log_posterior(key)
        m = survival._M[:, None, None, None]
        b = survival._B[None, :, None, None]
        ls = survival._LOG_S[None, None, :, None]
        c = survival._C[None, None, None, :]
        lp = -0.5 * (b / survival.B_PRIOR_SD) ** 2 - 0.5 * (c / survival.C_PRIOR_SD) ** 2
        lp = np.broadcast_to(lp, (m.size, b.size, ls.size, c.size)).copy()
        for lo, hi, other, x, x_sd in key:
            mu = m + (b if other else 0.0) + c * x
            sd = np.sqrt(np.exp(2 * ls) + (c * x_sd) ** 2)
            if lo == hi:
                lp += -np.log(sd) - 0.5 * ((lo - mu) / sd) ** 2
            else:
                upper = log_ndtr((hi - mu) / sd)
                lower = log_ndtr((lo - mu) / sd) if np.isfinite(lo) else -np.inf
                lp += upper + np.log(-np.expm1(np.minimum(lower - upper, -1e-12)))
        post = np.exp(lp - lp.max()).sum(axis=1)
        post /= post.sum()
        assert fast.shape == post.shape
        assert np.abs(np.exp(fast) - post).max() < 1e-12
        mass = post > np.exp(-50.0)  # every cell with a weight above e^-50
        assert np.abs(fast[mass] - np.log(post[mass])).max() < 1e-9
    survival._log_posterior.cache_clear()


def test_a_shift_is_summed_out_over_its_prior() -> None:
    # _integrate_shift(t)[i] = log sum_j prior(b_j) exp(t at m_i + b_j), written out.
    from scipy.special import logsumexp

    from treatywatch.stats import survival

    rng = np.random.default_rng(0)
    t = rng.normal(0.0, 200.0, (survival._MB.size, 3, 4))  # spread far beyond exp's range
    got = survival._integrate_shift(t)
    log_w = np.log(survival._B_WEIGHTS)
    for i in (0, 17, survival._M.size - 1):
        for s in range(3):
            for k in range(4):
                terms = [log_w[j] + t[i + 2 * j, s, k] for j in range(survival._B.size)]
                assert got[i, s, k] == pytest.approx(float(logsumexp(terms)), abs=1e-9)
    assert np.isclose(survival._B_WEIGHTS.sum(), 1.0)


def test_each_other_organization_has_its_own_shift() -> None:
    # A very slow round of a third organization moves a NATO forecast little: its own shift
    # takes it up. Had it shared the EU's shift, it would have pulled the EU's rounds' fit.
    eu = tuple(Completion(f"e{i}", "EU", d, d, "") for i, d in enumerate((400.0, 450.0, 500.0)))
    slow = Completion("s", "Schengen", 1800.0, 1800.0, "")
    rng = np.random.default_rng(4)

    def median(extra: tuple[Completion, ...]) -> float:
        model = _model(extra=extra)
        return float(np.median(model.completion.sample("NATO", 0.0, 20000, rng)))

    base = median(eu)
    own = median((*eu, slow))
    shared = median((*eu, dataclasses.replace(slow, organization="EU")))
    assert abs(own / base - 1) < 0.08  # 102 -> 107 days (its shift's prior resists a little)
    assert shared / base > 1.15 and shared / own > 1.1  # 121 days

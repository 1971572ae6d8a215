"""The opinion polls chart: each poll's For and Against shares, and their average.

Pollsters keep their colours whatever the day (the colour scale's domain is every
pollster of the process); the share axis fits the data. See :mod:`treatywatch.render.charts`
for what every chart shares.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from treatywatch.domain.words import count
from treatywatch.render import vl
from treatywatch.render.charts import (
    GREY,
    ChartSpec,
    _finish,
    _pct,
    _rows,
    _utc,
    edtf_bounds,
    empty_chart,
    time_axis,
)
from treatywatch.render.vl import Rows, encoding, field, layer, mark, unit

Y_TITLES = {"share_for": "For (% of all answers)", "share_for_decided": "For (% of decided)"}
# The Against share drawn beside each For share; None: the complement (of those deciding).
AGAINST = {"share_for": "share_against", "share_for_decided": None}
SIDES = ("For", "Against")
SHARES = ("for", "against", "undecided", "for_decided")
UNNAMED = "(unnamed)"
# Pollsters' colours, assigned in the order of the process's sorted pollsters (Tableau 10).
POLLSTER_COLORS = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b",
                   "#b279a2", "#ff9da6", "#9d755d", "#bab0ac")  # fmt: skip


@dataclass(frozen=True)
class PollItem:
    pollster: str | None
    fieldwork: str  # EDTF day, month or interval: "2016-05-28/2016-06-05"
    share_for: float | None  # percentages, 0-100
    share_against: float | None = None
    share_undecided: float | None = None
    share_for_decided: float | None = None
    sample_size: int | None = None


@dataclass(frozen=True)
class AverageItem:
    date: str  # ISO day
    mean: float
    lower: float
    upper: float


def _padded(values: Iterable[float]) -> list[float]:
    """A share axis around the values and 50, padded to the next 5 points, within 0-100."""
    low, high = min(values), max(values)
    return [max(0.0, 5 * math.floor((low - 2) / 5)), min(100.0, 5 * math.ceil((high + 2) / 5))]


def polls_chart(
    polls: Iterable[PollItem | Mapping[str, Any]],
    average: Iterable[AverageItem | Mapping[str, Any]] | None = None,
    *,
    y_field: str = "share_for",
    y_title: str | None = None,
    title: str = "Opinion polls",
    pollsters: Sequence[str] | None = None,
) -> ChartSpec:
    """Each poll's For and Against shares at its fieldwork's midpoint; an optional average
    of For (its complement drawn for Against) with its band.

    ``y_field`` names the For share drawn (``share_for``, ``share_for_decided`` or any
    numeric key of the dicts given; Against is drawn for the first two: ``share_against``,
    or 100 minus the share of those deciding); shares are percentages. ``pollsters``
    fixes the colours: pass every pollster of the process (sorted, "" for unnamed), so
    each keeps its colour whatever the day.
    """
    rows = []
    against_of = AGAINST.get(y_field, "")
    for p in _rows(polls, ("pollster", "fieldwork", y_field)):
        lower, upper = edtf_bounds(p["fieldwork"])
        n = p.get("sample_size") or None  # 0 or missing: unknown
        value = p[y_field]
        against = (100 - value if against_of is None and _number(value)
                   else p.get(against_of) if against_of else None)  # fmt: skip
        row = dict(
            mid=(lower + timedelta(days=(upper - lower).days // 2)).isoformat(),
            fieldwork=p["fieldwork"], pollster=(p["pollster"] or "").strip() or UNNAMED,
            sample_size=n, sample=f"{n:,}" if n else "unknown",
            **{k: _pct(p.get(f"share_{k}")) for k in SHARES},
        )  # fmt: skip
        rows.append(row | {"side": "For", "value": value})
        if against_of != "":
            rows.append(row | {"side": "Against", "value": against})
    rows.sort(key=lambda r: (r["mid"], r["pollster"], r["fieldwork"], r["side"], str(r["value"])))
    means = sorted(
        _rows(average or [], ("date", "mean", "lower", "upper")), key=lambda r: r["date"]
    )

    valued = [r for r in rows if _number(r["value"])]
    polled = [r for r in rows if r["side"] == "For"]
    fors = [r for r in valued if r["side"] == "For"]
    y_name = y_title or Y_TITLES.get(y_field, y_field)
    if not fors:
        none = "No polls had been published yet." if not rows else (
            f"{count(len(polled), 'poll')}, none with a value for {y_name}.")  # fmt: skip
        return empty_chart(title, none, "Opinion polls: none to draw")
    names = sorted({r["pollster"] for r in polled})
    last, values = fors[-1], [r["value"] for r in fors]
    caption = (
        f"{count(len(polled), 'poll')} by {count(len(names), 'pollster')}, fieldwork "
        f"midpoints {fors[0]['mid']} to {last['mid']}; {y_name}: from {_pct(min(values))} to "
        f"{_pct(max(values))}; latest {last['pollster']} ({last['fieldwork']}): "
        f"{_pct(last['value'])}"
    )
    if against_of != "":
        opposed = [r for r in valued if r["side"] == "Against" and r["mid"] == last["mid"]
                   and r["pollster"] == last["pollster"]]  # fmt: skip
        caption += f" for, {_pct(opposed[-1]['value'])} against" if opposed else " for"
    if unknown := sum(1 for r in fors if not r["sample_size"]):
        caption += f"; {count(unknown, 'poll')} without a sample size (open symbols)"
    sides = [{"side": "For", **m} for m in means]
    if means and against_of != "":
        sides += [{"side": "Against", "date": m["date"], "mean": 100 - m["mean"],
                   "lower": 100 - m["upper"], "upper": 100 - m["lower"]} for m in means]  # fmt: skip
    for m in sides:
        m["average"] = _pct(round(m["mean"], 1))
        m["interval"] = f"{_pct(round(m['lower'], 1))} to {_pct(round(m['upper'], 1))}"
    if means:
        m = means[-1]
        caption += (f"; average on {m['date']}: {_pct(m['mean'])} "
                    f"({_pct(m['lower'])} to {_pct(m['upper'])})")  # fmt: skip
    caption += "."
    drawn = "For and Against" if against_of != "" else y_name
    alt_text = (f"Scatter chart of {count(len(polled), 'poll')}, {fors[0]['mid'][:4]}–"
                f"{last['mid'][:4]}: {drawn}" + (", with the average" if means else ""))  # fmt: skip

    everything = [r["value"] for r in valued] + [50.0]
    everything += [v for m in sides for v in (m["lower"], m["upper"])]
    y_scale = {"domain": _padded(everything), "nice": False, "zero": False}
    domain = sorted({(n or "").strip() or UNNAMED for n in pollsters or ()} | set(names))
    color = field("pollster:N", title="Pollster",
                  scale={"domain": domain, "range": list(POLLSTER_COLORS)},
                  legend={"values": names})  # fmt: skip
    shape = field(
        "side:N", title="Side", scale={"domain": list(SIDES), "range": ["circle", "square"]}
    )
    pick = "pollster_pick"
    tips = vl.tips(("pollster:N", "Pollster"), ("fieldwork:N", "Fieldwork"), ("for:N", "For"),
                   ("against:N", "Against"), ("undecided:N", "Undecided"),
                   ("for_decided:N", "For, of decided"), ("sample:N", "Sample"))  # fmt: skip
    x = _utc("mid:T", "Fieldwork (midpoint)", labelOverlap=True,
             **time_axis(date.fromisoformat(fors[0]["mid"]), date.fromisoformat(last["mid"])))  # fmt: skip
    y = field("value:Q", title=y_name, scale=y_scale)

    def dots(part: list[dict[str, Any]], name: str, extra: dict[str, Any], **mark_: Any) -> Any:
        return unit(
            Rows(part), mark("point", **mark_), name=name,
            encoding=encoding(x=x, y=y, color=color, shape=shape, tooltip=tips,
                              opacity=vl.condition(pick, 0.85, 0.15, param=True), **extra),
        )  # fmt: skip

    layers = [
        unit(Rows([{"half": 50}]), mark("rule", strokeDash=[4, 4], color=GREY),
             encoding=encoding(y=field("half:Q", scale=y_scale)))
    ]  # fmt: skip
    if means:
        avg = Rows(sides)
        avg_encoding = dict(
            x=_utc("date:T"), detail="side:N",
            tooltip=vl.tips(("date:N", "Date"), ("side:N", "Average of"),
                            ("average:N", "Average"), ("interval:N", "Interval")),
        )  # fmt: skip
        layers.append(unit(
            avg, mark("area", opacity=0.2, color=GREY),
            encoding=encoding(**avg_encoding, y=field("lower:Q", scale=y_scale), y2="upper:Q"),
        ))  # fmt: skip
        layers.append(unit(
            avg, mark("line", color="#252525", point={"opacity": 0, "size": 60}),
            encoding=encoding(**avg_encoding, y=field("mean:Q", scale=y_scale),
                              strokeDash=field("side:N", title="Side", scale={
                                  "domain": list(SIDES), "range": [[1, 0], [5, 3]]})),
        ))  # fmt: skip
    points = []
    if sized := [r for r in valued if r["sample_size"]]:
        size = field("sample_size:Q", title="Sample size", scale={"range": [30, 300]})
        points.append(dots(sized, "polls", {"size": size}, filled=True))
    if unsized := [r for r in valued if not r["sample_size"]]:
        points.append(dots(unsized, "polls_no_sample", {}, filled=False, size=60, strokeWidth=1.5))
    # The legend's selection, on the first points' view (Altair puts it at the top level).
    params = [{"name": pick, "select": {"type": "point", "fields": ["pollster"]},
               "bind": "legend", "views": [points[0]["name"]]}]  # fmt: skip
    return _finish(layer(*layers, *points, params=params), title, caption, 300, alt_text)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and value == value and abs(value) != float("inf")

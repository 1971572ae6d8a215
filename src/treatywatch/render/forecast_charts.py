"""Charts of the completion forecast and of members' speeds (Vega-Lite, as Altair wrote them)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from treatywatch.domain.words import count
from treatywatch.render import vl
from treatywatch.render.charts import ChartSpec, _finish, _utc
from treatywatch.render.vl import Rows, encoding, field, layer, mark, unit

if TYPE_CHECKING:
    from treatywatch.stats.forecast import Forecast
    from treatywatch.stats.speed import MemberSpeed

# The fan chart samples the completion probability every this many days.
STEP_DAYS = 3


def forecast_chart(f: Forecast, title: str = "When will ratification be complete?") -> ChartSpec:
    """A fan chart: the probability that every required member has ratified by each day,
    with the 50% and 80% intervals shaded and the median marked."""
    lo80, hi80 = f.interval(0.8)
    lo50, hi50 = f.interval(0.5)
    end = f.quantile(0.99)
    days: list[dict[str, Any]] = []
    day = f.as_of
    while day <= end + timedelta(days=STEP_DAYS):
        days.append({"date": day.isoformat(), "p": round(f.probability_by(day), 4)})
        day += timedelta(days=STEP_DAYS)
    bands = [
        {"from": lo80.isoformat(), "to": hi80.isoformat(), "band": "80% interval"},
        {"from": lo50.isoformat(), "to": hi50.isoformat(), "band": "50% interval"},
    ]
    caption = (
        f"Completion forecast as of {f.as_of.isoformat()}: {len(f.ratified)} of "
        f"{len(f.required)} members had ratified; median completion {f.median.isoformat()}; "
        f"50% interval {lo50.isoformat()} to {hi50.isoformat()}; 80% interval "
        f"{lo80.isoformat()} to {hi80.isoformat()}."
    )
    x = _utc("date:T", title="Date", span=(f.as_of, day - timedelta(days=STEP_DAYS)),
             labelOverlap=True)  # fmt: skip
    shade = unit(
        Rows(bands), mark("rect", opacity=0.25),
        encoding=encoding(
            x=_utc("from:T"), x2="to:T",
            color=field("band:N", title="Interval", scale={
                "domain": ["80% interval", "50% interval"], "range": ["#9ecae1", "#4292c6"]}),
        ),
    )  # fmt: skip
    curve = unit(
        Rows(days), mark("line", color="#08519c", interpolate="step-after"),
        encoding=encoding(
            x=x,
            y=field("p:Q", title="Probability complete by then", scale={"domain": [0, 1]},
                    axis={"format": "%"}),
            tooltip=vl.tips(("date:T", "Date"), ("p:Q", "Probability")),
        ),
    )  # fmt: skip
    median = unit(
        Rows([{"date": f.median.isoformat(), "label": "median"}]),
        mark("rule", strokeDash=[4, 3], color="#333333"),
        encoding=encoding(x=_utc("date:T"), tooltip=vl.tips(("date:T", "Median completion"))),
    )
    alt_text = f"Fan chart of the chance that ratification is complete by each day after {f.as_of.isoformat()}"
    return _finish(layer(shade, curve, median), title, caption, 260, alt_text)


def speeds_chart(
    rows: list[MemberSpeed], title: str = "Days from signature to ratification"
) -> ChartSpec:
    """Each member's ratifications across rounds (dots) and its median (a tick)."""
    from treatywatch.reference import country_name

    points = [
        {"member": country_name(m.member_code), "round": d.round_id, "days": d.days,
         "imprecise": d.imprecise}
        for m in rows for d in m.observations
    ]  # fmt: skip
    order = [country_name(m.member_code) for m in rows]
    medians = [{"member": country_name(m.member_code), "days": m.median_days} for m in rows]
    caption = (
        f"Members' speeds: {count(len(rows), 'member')}, "
        f"{count(len(points), 'ratification')} in past rounds; "
        + "; ".join(f"{c['member']} median {c['days']:.0f} days" for c in medians[:5])
        + ("; …" if len(medians) > 5 else "")
        + "."
    )
    y = field("member:N", sort=order, title=None)
    dots = unit(
        Rows(points), mark("circle", size=40, opacity=0.6),
        encoding=encoding(
            x=field("days:Q", title="Days from signature"), y=y,
            color=field("round:N", title="Round"),
            tooltip=vl.tips(("member:N", "Member"), ("round:N", "Round"), ("days:Q", "Days"),
                            ("imprecise:N", "Month precision")),
        ),
    )  # fmt: skip
    ticks = unit(
        Rows(medians),
        mark("tick", color="#000000", thickness=2),
        encoding=encoding(
            x="days:Q", y=y, tooltip=vl.tips(("member:N", "Member"), ("days:Q", "Median days"))
        ),
    )
    alt_text = (
        f"Dot chart of {len(rows)} members' days from signature to ratification in past rounds"
    )
    return _finish(layer(dots, ticks), title, caption, max(200, 14 * len(rows)), alt_text)

"""Charts of the completion forecast and of members' speeds (Vega-Lite via Altair)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from treatywatch.render.charts import ChartSpec, _finish, _tips, _utc

if TYPE_CHECKING:
    from treatywatch.stats.forecast import Forecast
    from treatywatch.stats.speed import MemberSpeed

# The fan chart samples the completion probability every this many days.
STEP_DAYS = 3


def forecast_chart(f: Forecast, title: str = "When will ratification be complete?") -> ChartSpec:
    """A fan chart: the probability that every required member has ratified by each day,
    with the 50% and 80% intervals shaded and the median marked."""
    import altair as alt

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
    x = _utc(
        alt,
        "date:T",
        title="Date",
        span=(f.as_of, day - timedelta(days=STEP_DAYS)),
        labelOverlap=True,
    )
    shade = (
        alt.Chart(alt.InlineData(values=bands))
        .mark_rect(opacity=0.25)
        .encode(
            x=_utc(alt, "from:T"),
            x2="to:T",
            color=alt.Color(
                "band:N",
                title="Interval",
                scale=alt.Scale(
                    domain=["80% interval", "50% interval"], range=["#9ecae1", "#4292c6"]
                ),
            ),
        )
    )
    curve = (
        alt.Chart(alt.InlineData(values=days))
        .mark_line(color="#08519c", interpolate="step-after")
        .encode(
            x=x,
            y=alt.Y("p:Q", title="Probability complete by then", scale=alt.Scale(domain=[0, 1]),
                    axis=alt.Axis(format="%")),
            tooltip=_tips(alt, ("date:T", "Date"), ("p:Q", "Probability")),
        )
    )  # fmt: skip
    median = (
        alt.Chart(alt.InlineData(values=[{"date": f.median.isoformat(), "label": "median"}]))
        .mark_rule(strokeDash=[4, 3], color="#333333")
        .encode(x=_utc(alt, "date:T"), tooltip=_tips(alt, ("date:T", "Median completion")))
    )
    alt_text = f"Fan chart of the chance that ratification is complete by each day after {f.as_of.isoformat()}"
    return _finish(alt.layer(shade, curve, median), title, caption, 260, alt_text)


def speeds_chart(
    rows: list[MemberSpeed], title: str = "Days from signature to ratification"
) -> ChartSpec:
    """Each member's ratifications across rounds (dots) and its median (a tick)."""
    import altair as alt

    from treatywatch.reference import country_name

    points = [
        {"member": country_name(m.member_code), "round": d.round_id, "days": d.days,
         "imprecise": d.imprecise}
        for m in rows for d in m.observations
    ]  # fmt: skip
    order = [country_name(m.member_code) for m in rows]
    medians = [{"member": country_name(m.member_code), "days": m.median_days} for m in rows]
    caption = (
        f"Members' speeds: {len(rows)} members, {len(points)} ratifications in past rounds; "
        + "; ".join(f"{c['member']} median {c['days']:.0f} days" for c in medians[:5])
        + ("; …" if len(medians) > 5 else "")
        + "."
    )
    y = alt.Y("member:N", sort=order, title=None)
    dots = (
        alt.Chart(alt.InlineData(values=points))
        .mark_circle(size=40, opacity=0.6)
        .encode(x=alt.X("days:Q", title="Days from signature"), y=y, color=alt.Color("round:N", title="Round"),
                tooltip=_tips(alt, ("member:N", "Member"), ("round:N", "Round"), ("days:Q", "Days"),
                              ("imprecise:N", "Month precision")))
    )  # fmt: skip
    ticks = (
        alt.Chart(alt.InlineData(values=medians))
        .mark_tick(color="#000000", thickness=2)
        .encode(
            x="days:Q", y=y, tooltip=_tips(alt, ("member:N", "Member"), ("days:Q", "Median days"))
        )
    )
    alt_text = (
        f"Dot chart of {len(rows)} members' days from signature to ratification in past rounds"
    )
    return _finish(alt.layer(dots, ticks), title, caption, max(200, 14 * len(rows)), alt_text)

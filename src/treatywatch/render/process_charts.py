"""The charts of a process page, built from its overview (shared by the web page and the report)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from treatywatch import serialize
from treatywatch.domain.model import Milestone, Process
from treatywatch.domain.status import MemberState
from treatywatch.queries.overview import Overview
from treatywatch.reference import country_name
from treatywatch.render.charts import (
    ChartSpec,
    MapCandidate,
    MapMember,
    RatificationItem,
    TimelineItem,
    map_chart,
    ratification_curve_chart,
    timeline_chart,
)
from treatywatch.render.poll_charts import PollItem, polls_chart
from treatywatch.serialize import display_name

KINDS = ("timeline", "map", "ratifications", "polls", "forecast", "speeds")


def process_charts(ov: Overview, topojson: str | Mapping[str, Any]) -> dict[str, ChartSpec]:
    """Every chart of a process that has data, as of the overview's date.

    ``topojson``: a URL or the data.
    """
    charts = {}
    for kind in KINDS:
        try:
            charts[kind] = process_chart(ov, kind, topojson)
        except NoChart:
            continue
    return charts


class NoChart(LookupError):
    """The process has no data for this chart (e.g. no forecast once complete)."""


def process_chart(ov: Overview, kind: str, topojson: str | Mapping[str, Any]) -> ChartSpec:
    """One chart; only the polls, forecast and speeds charts compute their part of ``ov``."""
    records = ov.records
    s = records.status
    if kind == "timeline":
        # One point an event: a document's rows giving the same milestone on the same day
        # are one point citing each of their lines.
        same: dict[tuple[str, str, str], list[Milestone]] = {}
        for m in records.milestones:
            same.setdefault((m.label, m.date.edtf, m.provenance.document), []).append(m)
        return timeline_chart(
            [
                TimelineItem(
                    label,
                    day,
                    rows[0].date.precision.value,
                    f"{display_name(doc, records.names)}, line{'s' if len(rows) > 1 else ''} "
                    + ", ".join(str(m.provenance.line_start) for m in rows),
                )
                for (label, day, doc), rows in same.items()
            ],
            title=f"{s.process.candidate_name} → {s.process.organization}: milestones",
        )
    if kind == "map":
        members = [
            MapMember(
                m.code,
                m.name,
                "ratified" if m.state == MemberState.RATIFIED_UNDATED else m.state.value,
                m.ratified_on.edtf if m.ratified_on else None,
            )
            for m in s.members
        ]
        return map_chart(
            members,
            _candidates(s.process),
            topojson,
            title=f"Ratification by member, {s.as_of.isoformat()}",
            as_of=s.as_of.isoformat(),
            members_known=s.members_known,
        )
    if kind == "ratifications":
        return ratification_curve_chart(
            [
                RatificationItem(m.name, m.ratified_on.edtf, m.code)
                for m in s.members
                if m.ratified_on is not None
            ],
            s.required_count if s.members_known else None,
            s.as_of,
            signed=s.protocol_signed.lower() if s.protocol_signed is not None else None,
            undated=len(s.undated),
        )
    if kind == "polls":
        averages = [a for a in ov.averages if a.series == ""]
        curve = _average_curve(serialize.average(averages[0])) if averages else None
        return polls_chart(
            [
                PollItem(
                    p.pollster,
                    p.fieldwork.edtf,
                    p.share_for.value,
                    p.share_against.value,
                    p.share_undecided.value if p.share_undecided else None,
                    _decided(p.share_for.value, p.share_against.value),
                    p.sample_size,
                )
                for p in records.polls
            ],
            curve,
            y_field="share_for_decided",
            y_title="Share of those deciding (%)",
            pollsters=records.pollsters,
        )
    if kind == "forecast":
        f = ov.forecast
        if f is None or f.completed or f.samples.size == 0:
            raise NoChart("no forecast: the process is complete, or has no signed protocol")
        from treatywatch.render.forecast_charts import forecast_chart

        return forecast_chart(f)
    if kind == "speeds":
        if not ov.speeds:
            raise NoChart("no ratification history for these members")
        from treatywatch.render.forecast_charts import speeds_chart

        return speeds_chart(ov.speeds)
    raise ValueError(f"unknown chart {kind!r}; known: {', '.join(KINDS)}")


def _average_curve(shape: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The average's weekly curve, ending on the last poll's day (as ``polls --average`` says)."""
    curve = [dict(point) for point in shape["curve"]]
    last = shape["at_last_poll"]
    if curve and curve[-1]["date"] < shape["last_poll"]:
        curve.append({"date": shape["last_poll"], "mean": last["for"], "lower": last["lower"],
                      "upper": last["upper"]})  # fmt: skip
    return curve


def _decided(share_for: float, share_against: float) -> float | None:
    """The share for among those who chose a side, in percent."""
    total = share_for + share_against
    return 100 * share_for / total if total else None


def _candidates(process: Process) -> MapCandidate | list[MapCandidate]:
    """The process's candidate, or each of its candidates with its own name (a round of
    several stores their codes joined by commas and one name for them all)."""
    codes = process.candidate_codes
    if len(codes) == 1:
        return MapCandidate(process.candidate_code, process.candidate_name)
    return [MapCandidate(code, country_name(code)) for code in codes]

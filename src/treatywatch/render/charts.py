"""Vega-Lite chart specifications for the dashboard and the report.

Each function takes plain data (the dataclasses below, or dicts with the same
keys) and returns a :class:`ChartSpec`: the Vega-Lite spec as a dict, built
with Altair, and a caption with the key numbers for screen readers. The caption
is also the spec's top-level ``description``, which Vega puts on the chart's
container as its aria-label.

Output is deterministic: rows are sorted, the one parameter and its view are
named, Altair names inline datasets by a hash of their content, and dates are
drawn on UTC scales. Dump specs with :func:`spec_json`. Altair is imported
inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import calendar
import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from treatywatch.domain.dates import parse_edtf_span

STATUS_LABELS = {
    "deposited": "Instrument deposited",
    "ratified": "Ratified",
    "parliament_approved": "Parliament approved",
    "pending": "Pending",
}
CANDIDATE_LABEL = "Candidate"
NON_MEMBER_LABEL = "Not a member"
# Same order as the labels: STATUS_LABELS, then the candidate, then non-members.
COLORS = ("#08519c", "#4292c6", "#9ecae1", "#fd8d3c", "#7b3294", "#e3e3e3")
# Natural Earth features without an ISO 3166-1 numeric id are keyed by their name.
NO_ISO_NUMERIC = {"XK": "Kosovo"}
# West, south, east, north (degrees): Europe, the Atlantic and eastern North America.
NORTH_ATLANTIC = (-100.0, 24.0, 45.0, 72.0)
TOPOJSON_DATASET = "countries-topojson"
FEATURE_KEY = "isValid(datum.id) ? '' + datum.id : 'name:' + datum.properties.name"
Y_TITLES = {"share_for": "For (% of all answers)", "share_for_decided": "For (% of decided)"}
GREY = "#636363"
SHARES = ("for", "against", "undecided", "for_decided")


class ChartSpec(NamedTuple):
    """A Vega-Lite spec and its text alternative."""

    spec: dict[str, Any]
    caption: str

    def to_json(self) -> str:
        return spec_json(self.spec)


@dataclass(frozen=True)
class TimelineItem:
    label: str
    date: str  # EDTF: "2016-05-19", "2009-12" or "2009"
    precision: str  # "day", "month" or "year"
    source: str = ""  # the source line, e.g. "nato.int, line 12"


@dataclass(frozen=True)
class MapMember:
    code: str  # ISO 3166-1 alpha-2
    name: str
    status: str  # a key of STATUS_LABELS
    date: str | None = None  # EDTF of the act behind the status


@dataclass(frozen=True)
class MapCandidate:
    code: str
    name: str


@dataclass(frozen=True)
class RatificationItem:
    name: str
    date: str  # EDTF; a partial date counts from its last possible day
    code: str | None = None


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


def spec_json(spec: Mapping[str, Any]) -> str:
    """A spec as canonical JSON: sorted keys, no whitespace."""
    return json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _rows(items: Iterable[Any], required: Sequence[str]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            row = dataclasses.asdict(item)
        elif isinstance(item, Mapping):
            row = dict(item)
        else:
            raise TypeError(f"expected a dataclass or a mapping, got {type(item).__name__}")
        row = {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}
        if missing := [k for k in required if k not in row]:
            raise ValueError(f"missing {', '.join(missing)} in {row!r}")
        out.append(row)
    return out


def edtf_bounds(text: str) -> tuple[date, date]:
    """The first and last day an EDTF date or interval ("2009-12", "a/b") can be."""
    span = parse_edtf_span(text)
    return span.lower(), span.upper()


def _precision(text: str) -> str:
    span = parse_edtf_span(text)
    return span.start.precision.value if not span.is_interval else "interval"


def _span(text: str, precision: str | None) -> tuple[date, date]:
    """The days a date covers at a precision (never narrower than the date itself)."""
    lower, upper = edtf_bounds(text)
    if precision is None:
        return lower, upper
    if precision == "year":
        return date(lower.year, 1, 1), max(upper, date(lower.year, 12, 31))
    if precision == "month":
        last = calendar.monthrange(lower.year, lower.month)[1]
        return lower.replace(day=1), max(upper, lower.replace(day=last))
    if precision != "day":
        raise ValueError(f"unknown precision {precision!r}")
    return lower, upper


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _tips(alt: Any, *pairs: tuple[str, str]) -> list[Any]:
    return [alt.Tooltip(field, title=title) for field, title in pairs]


def _utc(alt: Any, field: str, title: str | None = None, **axis: Any) -> Any:
    return alt.X(field, title=title, scale=alt.Scale(type="utc"), axis=alt.Axis(**axis))


def _finish(chart: Any, title: str, caption: str, height: int) -> ChartSpec:
    chart = chart.properties(title=title, width="container", height=height, description=caption)
    return ChartSpec(chart.to_dict(), caption)


def timeline_chart(
    milestones: Iterable[TimelineItem | Mapping[str, Any]], *, title: str = "Milestones"
) -> ChartSpec:
    """Milestones on a time axis: a point for a day, a span for a month or a year."""
    import altair as alt

    raw = [(_span(r["date"], r.get("precision")), r) for r in _rows(milestones, ("label", "date"))]
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for (lower, upper), r in sorted(raw, key=lambda p: (p[0], p[1]["label"])):
        n = seen[r["label"]] = seen.get(r["label"], 0) + 1
        rows.append(dict(
            label=r["label"], row=r["label"] if n == 1 else f"{r['label']} ({n})",
            date=r["date"], precision=r.get("precision") or _precision(r["date"]),
            source=r.get("source") or "",
            start=lower.isoformat(), end=(upper + timedelta(days=1)).isoformat(),
            kind="point" if lower == upper else "span",
        ))  # fmt: skip
    caption = "Timeline: no milestones recorded."
    if rows:
        caption = (
            f"Timeline of {_count(len(rows), 'milestone')} from {rows[0]['date']} to "
            f"{rows[-1]['date']}: " + "; ".join(f"{r['label']}, {r['date']}" for r in rows) + "."
        )
    x = _utc(alt, "start:T", format="%Y", tickCount="year", labelOverlap=True)
    y = alt.Y("row:N", title=None, sort=[r["row"] for r in rows], axis=alt.Axis(labelLimit=260))
    tips = _tips(alt, ("label:N", "Milestone"), ("date:N", "Date"),
                 ("precision:N", "Precision"), ("source:N", "Source"))  # fmt: skip
    spans = (
        alt.Chart().mark_bar(height=12, cornerRadius=2, color="#4292c6")
        .encode(x=x, x2="end:T", y=y, tooltip=tips).transform_filter("datum.kind === 'span'")
    )  # fmt: skip
    points = (
        alt.Chart().mark_point(filled=True, size=90, color="#08519c", opacity=1)
        .encode(x=x, y=y, tooltip=tips).transform_filter("datum.kind === 'point'")
    )  # fmt: skip
    chart = alt.layer(spans, points, data=alt.InlineData(values=rows))
    return _finish(chart, title, caption, max(80, 30 * len(rows)))


def _map_row(code: str, name: str, status: str, when: str | None) -> dict[str, Any]:
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    key = str(country.numeric) if country is not None else "code:" + code
    if code in NO_ISO_NUMERIC:
        key = "name:" + NO_ISO_NUMERIC[code]
    label = STATUS_LABELS.get(status, CANDIDATE_LABEL)
    return dict(key=key, code=code, member_name=name, status=status, status_label=label,
                date=when or "")  # fmt: skip


def _fit(extent: tuple[float, float, float, float]) -> dict[str, Any]:
    """Points along an extent's edges, for the projection to fit the view to."""
    west, south, east, north = extent
    lons = [west + (east - west) * i / 8 for i in range(9)]
    coords = [[lon, lat] for lon in lons for lat in (south, north)]
    return {"type": "Feature", "properties": {},
            "geometry": {"type": "MultiPoint", "coordinates": coords}}  # fmt: skip


def _feature_keys(topo: Mapping[str, Any]) -> set[str]:
    geoms = topo.get("objects", {}).get("countries", {}).get("geometries", [])
    return {str(g["id"]) if "id" in g else f"name:{g.get('properties', {}).get('name')}"
            for g in geoms}  # fmt: skip


def map_chart(
    members: Iterable[MapMember | Mapping[str, Any]],
    candidate: MapCandidate | Mapping[str, Any] | None,
    topojson_url_or_values: str | Mapping[str, Any],
    *,
    title: str = "Ratification by member",
    as_of: str | date | None = None,
    extent: tuple[float, float, float, float] = NORTH_ATLANTIC,
    height: int = 400,
) -> ChartSpec:
    """Members coloured by ratification status, the candidate in its own colour.

    Pass the TopoJSON's URL (the web page) or the parsed TopoJSON (the report and
    exports, which cannot fetch URLs). ``extent`` is west, south, east, north.
    """
    import altair as alt

    rows: list[dict[str, Any]] = []
    names: dict[str, list[str]] = {s: [] for s in STATUS_LABELS}
    for m in sorted(_rows(members, ("code", "name", "status")), key=lambda r: r["code"]):
        if m["status"] not in STATUS_LABELS:
            raise ValueError(f"unknown status {m['status']!r} for {m['code']}")
        if rows and rows[-1]["code"] == m["code"]:
            raise ValueError(f"member {m['code']} given twice")
        names[m["status"]].append(m["name"])
        rows.append(_map_row(m["code"], m["name"], m["status"], m.get("date")))
    cand = _rows([candidate], ("code", "name"))[0] if candidate is not None else None
    if cand is not None and cand["code"] not in {r["code"] for r in rows}:
        rows.append(_map_row(cand["code"], cand["name"], "candidate", None))

    done = len(names["deposited"]) + len(names["ratified"])
    when = f" as of {as_of.isoformat() if isinstance(as_of, date) else as_of}" if as_of else ""
    parts = [f"{done} of {sum(map(len, names.values()))} members have ratified{when}"]
    for status, label in STATUS_LABELS.items():
        if names[status]:
            listed = status in ("parliament_approved", "pending")
            who = f" ({', '.join(sorted(names[status]))})" if listed else ""
            parts.append(f"{label.lower()}: {len(names[status])}{who}")
    if cand is not None:
        parts.append(f"candidate: {cand['name']}")
    if isinstance(topojson_url_or_values, str):
        data: Any = alt.topo_feature(topojson_url_or_values, "countries")
    else:
        # Added to the spec's datasets after Altair is done: walking 100 kB of arcs
        # through Altair's schema classes would take most of a second.
        fmt = alt.TopoDataFormat(type="topojson", feature="countries")
        data = alt.NamedData(name=TOPOJSON_DATASET, format=fmt)
        drawn = _feature_keys(topojson_url_or_values)
        if missing := [r["member_name"] for r in rows if r["key"] not in drawn]:
            parts.append(f"too small to draw at this scale: {', '.join(missing)}")
    caption = "Map: " + "; ".join(parts) + "."

    labels = [*STATUS_LABELS.values(), CANDIDATE_LABEL, NON_MEMBER_LABEL]
    lookup = alt.LookupData(data=alt.InlineData(values=rows), key="key",
                            fields=["code", "member_name", "status_label", "date"])  # fmt: skip
    color = alt.Color("status_label:N", title="Status",
                      scale=alt.Scale(domain=labels, range=list(COLORS)),
                      legend=alt.Legend(orient="bottom", columns=3))  # fmt: skip
    is_cand = f"datum.status_label === '{CANDIDATE_LABEL}'"
    chart = (
        alt.Chart(data)
        # One aria-label per country would drown the caption: the description says it all.
        .mark_geoshape(clip=True, aria=False)
        .transform_calculate(key=FEATURE_KEY)
        .transform_lookup(lookup="key", from_=lookup)
        .transform_calculate(
            status_label=f"isValid(datum.status_label) ? datum.status_label : '{NON_MEMBER_LABEL}'",
            country="isValid(datum.member_name) ? datum.member_name : datum.properties.name",
            date="isValid(datum.date) ? datum.date : ''",
        )
        .encode(
            color=color,
            stroke=alt.condition(is_cand, alt.value("#3f007d"), alt.value("#ffffff")),
            strokeWidth=alt.condition(is_cand, alt.value(2), alt.value(0.5)),
            tooltip=_tips(alt, ("country:N", "Country"), ("status_label:N", "Status"),
                          ("date:N", "Date")),
        )
        .project(type="equalEarth", rotate=[-(extent[0] + extent[2]) / 2, 0], fit=_fit(extent))
    )  # fmt: skip
    out = _finish(chart, title, caption, height)
    if not isinstance(topojson_url_or_values, str):
        out.spec.setdefault("datasets", {})[TOPOJSON_DATASET] = dict(topojson_url_or_values)
    return out


def ratification_curve_chart(
    acts: Iterable[RatificationItem | Mapping[str, Any]],
    required_count: int,
    as_of: date | None = None,
    *,
    title: str = "Ratifications over time",
) -> ChartSpec:
    """Cumulative members ratified (a step line), with a rule at the number required.

    A member (by code, else name) counts once, from the last possible day of its
    earliest act; acts after ``as_of`` are left out and the line runs on to it.
    """
    import altair as alt

    firsts: dict[str, tuple[date, str, str]] = {}
    for a in _rows(acts, ("name", "date")):
        day = edtf_bounds(a["date"])[1]
        who = a.get("code") or a["name"]
        act = (day, a["name"], a["date"])
        if (as_of is None or day <= as_of) and (who not in firsts or act < firsts[who]):
            firsts[who] = act
    done = sorted(firsts.values())
    rows = [dict(day=d.isoformat(), count=i, name=n, date=t, kind="act")
            for i, (d, n, t) in enumerate(done, start=1)]  # fmt: skip
    if end := as_of or (done[-1][0] if done else None):
        rows.append(dict(day=end.isoformat(), count=len(done), name="", date="", kind="end"))
    caption = f"No ratifications yet of {required_count} required."
    if done:
        by = f" by {as_of.isoformat()}" if as_of else ""
        first, latest = done[0], done[-1]
        caption = (f"{len(done)} of {required_count} required ratifications{by}; first "
                   f"{first[1]} ({first[2]}), latest {latest[1]} ({latest[2]})")  # fmt: skip
        if len(done) >= required_count > 0:
            _, name, when = done[required_count - 1]
            caption += f"; the required number was reached with {name} ({when})"
        caption += "."

    x = _utc(alt, "day:T", format="%b %Y", labelOverlap=True)
    y = alt.Y("count:Q", title="Members ratified", axis=alt.Axis(tickMinStep=1, format="d"),
              scale=alt.Scale(domain=[0, max(required_count, len(done), 1)]))  # fmt: skip
    line = alt.Chart().mark_line(interpolate="step-after", color="#08519c").encode(x=x, y=y)
    tips = _tips(alt, ("name:N", "Member"), ("date:N", "Date"), ("count:Q", "Count"))
    points = (
        alt.Chart().mark_point(filled=True, size=50, color="#08519c")
        .encode(x=x, y=y, tooltip=tips).transform_filter("datum.kind === 'act'")
    )  # fmt: skip
    required = alt.InlineData(values=[{"n": required_count, "text": f"Required: {required_count}"}])
    rule = alt.Chart(required).mark_rule(strokeDash=[4, 4], color=GREY).encode(y="n:Q")
    label = (
        alt.Chart(required).mark_text(align="left", dx=4, dy=-6, color=GREY)
        .encode(y="n:Q", x=alt.value(0), text="text:N")
    )  # fmt: skip
    chart = alt.layer(alt.layer(line, points, data=alt.InlineData(values=rows)), rule, label)
    return _finish(chart, title, caption, 260)


def polls_chart(
    polls: Iterable[PollItem | Mapping[str, Any]],
    average: Iterable[AverageItem | Mapping[str, Any]] | None = None,
    *,
    y_field: str = "share_for",
    y_title: str | None = None,
    title: str = "Opinion polls",
) -> ChartSpec:
    """Each poll a point at its fieldwork's midpoint; an optional average with its band.

    ``y_field`` names the share drawn (``share_for``, ``share_for_decided`` or any
    numeric key of the dicts given); shares are percentages.
    """
    import altair as alt

    rows = []
    for p in _rows(polls, ("pollster", "fieldwork", y_field)):
        lower, upper = edtf_bounds(p["fieldwork"])
        n = p.get("sample_size") or None  # 0 or missing: unknown
        rows.append(dict(
            mid=(lower + timedelta(days=(upper - lower).days // 2)).isoformat(),
            value=p[y_field], fieldwork=p["fieldwork"],
            pollster=(p["pollster"] or "").strip() or "(unnamed)",
            sample_size=n, sample=f"{n:,}" if n else "unknown",
            **{k: _pct(p.get(f"share_{k}")) for k in SHARES},
        ))  # fmt: skip
    rows.sort(key=lambda r: (r["mid"], r["pollster"], r["fieldwork"], str(r["value"])))
    means = sorted(
        _rows(average or [], ("date", "mean", "lower", "upper")), key=lambda r: r["date"]
    )

    valued = [r for r in rows if isinstance(r["value"], int | float)]
    pollsters = sorted({r["pollster"] for r in rows})
    y_name = y_title or Y_TITLES.get(y_field, y_field)
    caption = f"{_count(len(rows), 'poll')}, none with a value for {y_name}"
    if valued:
        last, values = valued[-1], [r["value"] for r in valued]
        caption = (
            f"{_count(len(rows), 'poll')} by {_count(len(pollsters), 'pollster')}, fieldwork "
            f"midpoints {valued[0]['mid']} to {last['mid']}; {y_name}: from {_pct(min(values))} to "
            f"{_pct(max(values))}; latest {last['pollster']} ({last['fieldwork']}): "
            f"{_pct(last['value'])}"
        )
    if unknown := sum(1 for r in valued if not r["sample_size"]):
        caption += f"; {_count(unknown, 'poll')} without a sample size (open circles)"
    if means:
        m = means[-1]
        caption += (f"; average on {m['date']}: {_pct(m['mean'])} "
                    f"({_pct(m['lower'])} to {_pct(m['upper'])})")  # fmt: skip
    caption += "."

    y_scale = alt.Scale(domain=[0, 100])
    pick = alt.selection_point(name="pollster_pick", fields=["pollster"], bind="legend")
    size = alt.Size("sample_size:Q", title="Sample", scale=alt.Scale(range=[30, 300]))
    tips = _tips(alt, ("pollster:N", "Pollster"), ("fieldwork:N", "Fieldwork"), ("for:N", "For"),
                 ("against:N", "Against"), ("undecided:N", "Undecided"),
                 ("for_decided:N", "For, of decided"), ("sample:N", "Sample"))  # fmt: skip
    # Both layers name the same data: Altair stores it once, as one dataset of every poll.
    base = alt.Chart(alt.InlineData(values=rows)).encode(
        x=_utc(alt, "mid:T", "Fieldwork (midpoint)", format="%b %Y", labelOverlap=True),
        y=alt.Y("value:Q", title=y_name, scale=y_scale),
        color=alt.Color("pollster:N", title="Pollster", sort=pollsters),
        opacity=alt.condition(pick, alt.value(0.8), alt.value(0.15)),
        tooltip=tips,
    )
    valid = "isValid(datum.value) && isFinite(datum.value) && "
    sized = (
        base.mark_circle().encode(size=size).add_params(pick).properties(name="polls")
        .transform_filter(valid + "isValid(datum.sample_size)")
    )  # fmt: skip
    unsized = (
        base.mark_point(size=60, strokeWidth=1.5).properties(name="polls_no_sample")
        .transform_filter(valid + "!isValid(datum.sample_size)")
    )  # fmt: skip
    half = alt.InlineData(values=[{"half": 50}])
    layers = [alt.Chart(half).mark_rule(strokeDash=[4, 4], color=GREY).encode(y="half:Q")]
    if means:
        avg = alt.Chart(alt.InlineData(values=means)).encode(x=_utc(alt, "date:T"))
        layers.append(avg.mark_area(opacity=0.2, color=GREY).encode(y="lower:Q", y2="upper:Q"))
        layers.append(avg.mark_line(color="#252525").encode(y=alt.Y("mean:Q", scale=y_scale)))
    return _finish(alt.layer(*layers, sized, unsized), title, caption, 300)

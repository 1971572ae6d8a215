"""Vega-Lite chart specifications for the dashboard and the report.

Each function takes plain data (the dataclasses below, or dicts with the same
keys) and returns a :class:`ChartSpec`: the Vega-Lite spec as a dict, written
as Altair writes it (:mod:`treatywatch.render.vl`, without importing Altair); a caption with the key numbers (the figure's caption); and a short
``alt`` that names the chart (its accessible name: the spec's top-level
``description``, which Vega puts on the chart as its aria-label). The two differ,
so a screen reader does not read the same text twice. A chart with nothing to
draw (a process that had not begun) is a sentence saying so, not an empty frame.

Output is deterministic: rows are sorted, the one parameter and its view are
named, inline datasets are named by a hash of their content (as Altair names them),
and dates are drawn on UTC scales. Dump specs with :func:`spec_json`.
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
from treatywatch.domain.words import count
from treatywatch.render import vl
from treatywatch.render.vl import Rows, encoding, field, layer, mark, unit

STATUS_LABELS = {
    "deposited": "Instrument deposited",
    "ratified": "Ratified",
    "parliament_approved": "Parliament approved",
    "pending": "Pending",
    "not_in_sources": "No ratification in the sources",
}
CANDIDATE_LABEL = "Candidate"
NON_MEMBER_LABEL = "Not a member"
# The others, where the organization's member list is not known (only the members the sources
# name are drawn): some of them may be members.
UNNAMED_LABEL = "Not named in the sources"
# Same order as the labels: STATUS_LABELS, then the candidate, then non-members.
COLORS = ("#08519c", "#4292c6", "#9ecae1", "#fd8d3c", "#969696", "#7b3294", "#e3e3e3")
# Natural Earth features without an ISO 3166-1 numeric id are keyed by their name.
NO_ISO_NUMERIC = {"XK": "Kosovo"}
# West, south, east, north (degrees): Europe, the Atlantic and eastern North America; the
# frame of a map whose countries the TopoJSON does not draw.
NORTH_ATLANTIC = (-100.0, 24.0, 45.0, 72.0)
# A map frames the members within this many degrees of longitude of the candidate, when the
# others are at most this share of them (named in the caption: "outside the map: …").
MAP_REACH = 60.0
MAP_FAR_SHARE = 0.25
TOPOJSON_DATASET = "countries-topojson"
FEATURE_KEY = "isValid(datum.id) ? '' + datum.id : 'name:' + datum.properties.name"
GREY = "#636363"
# The smallest text a chart draws, in pixels (WCAG's readers need no less than 12).
FONT_SIZE = 12
CONFIG: dict[str, Any] = {
    "axis": {"labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE},
    "legend": {"labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE},
    "header": {"labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE},
    "title": {"fontSize": 14, "subtitleFontSize": FONT_SIZE},
    "text": {"fontSize": FONT_SIZE},
}


class ChartSpec(NamedTuple):
    """A Vega-Lite spec, its caption (the key numbers) and its short accessible name."""

    spec: dict[str, Any]
    caption: str
    alt: str = ""

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


def _utc(
    shorthand: str,
    title: str | None = None,
    span: tuple[date, date] | None = None,
    **axis: Any,
) -> dict[str, Any]:
    """A UTC time x; ``span`` fixes its domain and picks its ticks (see :func:`time_axis`)."""
    scale: dict[str, Any] = {"type": "utc"}
    if span is not None:
        scale = {"domain": [vl.day_time(span[0]), vl.day_time(span[1])], "type": "utc"}
        axis = time_axis(*span) | axis
    return field(shorthand, title=title, scale=scale, axis=dict(sorted(axis.items())))


def _finish(
    chart: dict[str, Any],
    title: str | dict[str, str],
    caption: str,
    height: int,
    alt: str,
) -> ChartSpec:
    """The spec with its size, title (text, or a dict with ``text`` and ``subtitle``),
    accessible name (``alt``), caption and text sizes."""
    spec = vl.top(
        chart, CONFIG, title=title, width="container", height=height, description=alt,
        usermeta={"caption": caption},
    )  # fmt: skip
    return ChartSpec(spec, caption, alt)


def empty_chart(title: str, message: str, alt: str | None = None) -> ChartSpec:
    """A chart with nothing to draw: the message in words, no axes, no empty frame."""
    text = unit(
        Rows([{"text": message}]),
        mark("text", fontSize=14, color=GREY, align="center", baseline="middle", limit=0),
        encoding=encoding(text="text:N"), view={"stroke": None},
    )  # fmt: skip
    return _finish(text, title, message, 60, alt or f"{title}: nothing to show")


def time_axis(start: date, end: date) -> dict[str, Any]:
    """Axis settings for days from ``start`` to ``end``: one label per month (or per a few
    months, or per year) on its first day, so no label is written twice."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months > 36:
        years = (end.year - start.year) // 8 + 1
        return {"format": "%Y", "tickCount": {"interval": "year", "step": years}}
    if months <= 2:
        return {"format": "%-d %b %Y", "tickCount": {"interval": "week", "step": 1}}
    step = next(s for s in (1, 2, 3, 6, 12) if months / s <= 8)
    return {"format": "%b %Y", "tickCount": {"interval": "month", "step": step}}


def timeline_chart(
    milestones: Iterable[TimelineItem | Mapping[str, Any]], *, title: str = "Milestones"
) -> ChartSpec:
    """Milestones on a time axis: a point for a day, a span for a month or a year."""
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
    if not rows:
        return empty_chart(title, "No milestones had been reached yet.", "Timeline: empty")
    caption = (
        f"Timeline of {count(len(rows), 'milestone')} from {rows[0]['date']} to "
        f"{rows[-1]['date']}: " + "; ".join(f"{r['label']}, {r['date']}" for r in rows) + "."
    )
    alt_text = (
        f"Timeline of {count(len(rows), 'milestone')}, {rows[0]['date'][:4]}–{rows[-1]['date'][:4]}"
    )
    earlier, rows = _before_a_long_gap(rows)
    heading: str | dict[str, str] = title
    if earlier:
        # Each step once, with its dates: "Partnership for Peace (1994, 1994-05-09)".
        dates: dict[str, list[str]] = {}
        for r in earlier:
            dates.setdefault(r["label"], []).append(r["date"])
        named = ", ".join(f"{label} ({', '.join(days)})" for label, days in dates.items())
        caption += f" Drawn from {rows[0]['date']}; earlier, not drawn: {named}."
        heading = {"text": title, "subtitle": f"Earlier: {named}"}
    first = date.fromisoformat(rows[0]["start"])
    last = max(date.fromisoformat(r["end"]) for r in rows)
    # A margin on each side, so a milestone at either end is not drawn half out of the frame.
    pad = timedelta(days=max(1, (last - first).days // 40))
    x = _utc("start:T", span=(first - pad, last + pad), labelOverlap=True)
    y = field("row:N", title=None, sort=[r["row"] for r in rows], axis={"labelLimit": 260})
    tips = vl.tips(("label:N", "Milestone"), ("date:N", "Date"),
                   ("precision:N", "Precision"), ("source:N", "Source"))  # fmt: skip
    # Each layer gets only its own rows: a layer filtered down to nothing would leave Vega
    # an empty extent to scale.
    layers = []
    if spans := [r for r in rows if r["kind"] == "span"]:
        layers.append(unit(
            Rows(spans), mark("bar", height=12, cornerRadius=2, color="#4292c6"),
            encoding=encoding(x=x, x2="end:T", y=y, tooltip=tips),
        ))  # fmt: skip
    if points := [r for r in rows if r["kind"] == "point"]:
        layers.append(unit(
            Rows(points), mark("point", filled=True, size=90, color="#08519c", opacity=1),
            encoding=encoding(x=x, y=y, tooltip=tips),
        ))  # fmt: skip
    return _finish(layer(*layers), heading, caption, max(80, 30 * len(rows)), alt_text)


# A timeline leaves out the milestones before a gap longer than this share of its whole span
# and than TIMELINE_GAP_DAYS (Sweden's Partnership for Peace of 1994, 28 years before its
# application): drawn, they would squeeze the rest into a quarter of the axis or less.
TIMELINE_GAP_SHARE = 0.75
TIMELINE_GAP_DAYS = 5 * 365


def _before_a_long_gap(
    rows: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``rows`` (sorted by start) split at their longest gap when it is longer than
    ``TIMELINE_GAP_SHARE`` of their span and than ``TIMELINE_GAP_DAYS``: (the rows before
    it, the rows after); else ([], rows)."""
    starts = [date.fromisoformat(r["start"]) for r in rows]
    ends = [date.fromisoformat(r["end"]) for r in rows]
    span = (max(ends) - starts[0]).days
    best, at, reach = 0, 0, ends[0]
    for i in range(1, len(rows)):
        if (gap := (starts[i] - reach).days) > best:
            best, at = gap, i
        reach = max(reach, ends[i])
    if best <= max(TIMELINE_GAP_SHARE * span, TIMELINE_GAP_DAYS):
        return [], rows
    return rows[:at], rows[at:]


def _map_row(code: str, name: str, status: str, when: str | None) -> dict[str, Any]:
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    key = str(country.numeric) if country is not None else "code:" + code
    if code in NO_ISO_NUMERIC:
        key = "name:" + NO_ISO_NUMERIC[code]
    label = STATUS_LABELS.get(status, CANDIDATE_LABEL)
    return dict(key=key, code=code, member_name=name, status=status, status_label=label,
                date=when or "")  # fmt: skip


def map_chart(
    members: Iterable[MapMember | Mapping[str, Any]],
    candidate: MapCandidate | Mapping[str, Any] | Sequence[MapCandidate] | None,
    topojson_url_or_values: str | Mapping[str, Any],
    *,
    title: str = "Ratification by member",
    as_of: str | date | None = None,
    extent: tuple[float, float, float, float] | None = None,
    height: int = 400,
    members_known: bool = True,
) -> ChartSpec:
    """Members coloured by ratification status, the candidate (or each of several) in its
    own colour.

    ``members_known=False`` (the organization's member list is not in the reference data):
    ``members`` are those the sources name, and the other countries are "not named in the
    sources", not "not a member".

    Pass the TopoJSON's URL (the web page; it must serve the vendored world map, which
    frames the view) or the parsed TopoJSON (the report and exports, which cannot fetch
    URLs). The view frames the members and the candidate (their largest polygons, see
    :mod:`treatywatch.render.geo`) unless ``extent`` (west, south, east, north) is given.
    """
    from treatywatch.render.geo import around, extent_of, feature_key, fit_feature

    rows: list[dict[str, Any]] = []
    names: dict[str, list[str]] = {s: [] for s in STATUS_LABELS}
    for m in sorted(_rows(members, ("code", "name", "status")), key=lambda r: r["code"]):
        if m["status"] not in STATUS_LABELS:
            raise ValueError(f"unknown status {m['status']!r} for {m['code']}")
        if rows and rows[-1]["code"] == m["code"]:
            raise ValueError(f"member {m['code']} given twice")
        names[m["status"]].append(m["name"])
        rows.append(_map_row(m["code"], m["name"], m["status"], m.get("date")))
    when = f" as of {as_of.isoformat() if isinstance(as_of, date) else as_of}" if as_of else ""
    if not rows:
        return empty_chart(
            title, f"No member had yet been asked to ratify{when}: the accession protocol "
            "had not been signed.", "Map: empty",
        )  # fmt: skip
    cands = _rows(candidate if isinstance(candidate, Sequence) else
                  [candidate] if candidate is not None else [], ("code", "name"))  # fmt: skip
    for c in cands:
        if c["code"] not in {r["code"] for r in rows}:
            rows.append(_map_row(c["code"], c["name"], "candidate", None))
    cand = cands[0] if cands else None  # the map frames the (first) candidate's region

    done = len(names["deposited"]) + len(names["ratified"])
    total = sum(map(len, names.values()))
    named = "" if members_known else " named in the sources"
    counted = f"{total} members" if members_known else f"the {total} members{named}"
    parts = [f"{done} of {counted} {'has' if done == 1 else 'have'} ratified{when}"]
    for status, label in STATUS_LABELS.items():
        if names[status]:
            listed = status in ("parliament_approved", "pending", "not_in_sources")
            who = f" ({', '.join(sorted(names[status]))})" if listed else ""
            parts.append(f"{label.lower()}: {len(names[status])}{who}")
    if cands:
        who = ", ".join(c["name"] for c in cands)
        parts.append(f"candidates: {who}" if len(cands) > 1 else f"candidate: {who}")
    fmt = {"feature": "countries", "type": "topojson"}
    if isinstance(topojson_url_or_values, str):
        from treatywatch.render.assets import world_topojson

        data: dict[str, Any] = {"url": topojson_url_or_values, "format": fmt}
        topo: Mapping[str, Any] = world_topojson()
    else:
        # Added to the spec's datasets at the end, after the rows (as Altair had it).
        data = {"name": TOPOJSON_DATASET, "format": fmt}
        topo = topojson_url_or_values
        drawn = {feature_key(g) for g in
                 topo.get("objects", {}).get("countries", {}).get("geometries", [])}  # fmt: skip
        if missing := [r["member_name"] for r in rows if r["key"] not in drawn]:
            parts.append(f"too small to draw at this scale: {', '.join(missing)}")
    keys = [r["key"] for r in rows]
    subtitle = ""
    if extent is None and cand is not None:
        # Frame the candidate's region: a few members far off (Canada and the United States
        # for NATO) would shrink it to specks; they are named in the caption instead.
        cand_key = next(r["key"] for r in rows if r["code"] == cand["code"])
        near, far = around(topo, keys, cand_key, MAP_REACH)
        if far and len(far) <= len(keys) * MAP_FAR_SHARE:
            keys = near
            by_key = {r["key"]: r for r in rows}
            outside = sorted(
                f"{by_key[k]['member_name']} ({by_key[k]['status_label'].lower()})" for k in far
            )
            parts.append(f"outside the map: {', '.join(outside)}")
            subtitle = f"Outside the map: {', '.join(outside)}"
    caption = "Map: " + "; ".join(parts) + "."
    frame = extent or extent_of(topo, keys) or NORTH_ATLANTIC
    alt_text = f"Map of the {total} members{named} by ratification status{when}"

    # The legend lists the states that occur (non-members are drawn around the members).
    others = NON_MEMBER_LABEL if members_known else UNNAMED_LABEL
    occurring = {r["status_label"] for r in rows} | {others}
    pairs = [(label, color) for label, color in
             zip([*STATUS_LABELS.values(), CANDIDATE_LABEL, others], COLORS, strict=True)
             if label in occurring]  # fmt: skip
    lookup = {"data": Rows(rows), "key": "key",
              "fields": ["code", "member_name", "status_label", "date"]}  # fmt: skip
    color = field("status_label:N", title="Status",
                  scale={"domain": [p[0] for p in pairs], "range": [p[1] for p in pairs]},
                  legend={"columns": 3, "orient": "bottom"})  # fmt: skip
    is_cand = f"datum.status_label === '{CANDIDATE_LABEL}'"
    calculated = {
        "status_label": f"isValid(datum.status_label) ? datum.status_label : '{others}'",
        "country": "isValid(datum.member_name) ? datum.member_name : datum.properties.name",
        "date": "isValid(datum.date) ? datum.date : ''",
    }
    chart = unit(
        data,
        # One aria-label per country would drown the caption: the description says it all.
        mark("geoshape", clip=True, aria=False),
        transform=[
            {"calculate": FEATURE_KEY, "as": "key"},
            {"lookup": "key", "from": lookup},
            *({"calculate": expr, "as": name} for name, expr in calculated.items()),
        ],
        encoding=encoding(
            color=color,
            stroke=vl.condition(is_cand, "#3f007d", "#ffffff"),
            strokeWidth=vl.condition(is_cand, 2, 0.5),
            tooltip=vl.tips(("country:N", "Country"), ("status_label:N", "Status"),
                            ("date:N", "Date")),
        ),
        projection={"fit": fit_feature(frame), "rotate": [-(frame[0] + frame[2]) / 2, 0],
                    "type": "equalEarth"},
    )  # fmt: skip
    heading: str | dict[str, str] = {"text": title, "subtitle": subtitle} if subtitle else title
    out = _finish(chart, heading, caption, height, alt_text)
    if not isinstance(topojson_url_or_values, str):
        out.spec.setdefault("datasets", {})[TOPOJSON_DATASET] = dict(topojson_url_or_values)
    return out


def ratification_curve_chart(
    acts: Iterable[RatificationItem | Mapping[str, Any]],
    required_count: int | None,
    as_of: date | None = None,
    *,
    signed: date | None = None,
    title: str = "Ratifications over time",
    undated: int = 0,
) -> ChartSpec:
    """Cumulative members ratified (a step line), with a rule at the number required
    (``None``: not known, as where an organization's member list is not in the reference data;
    then no rule, and the caption counts the ratifications the sources name).

    A member (by code, else name) counts once, from the last possible day of its
    earliest act; acts after ``as_of`` are left out; ``undated`` members, known to have
    ratified on days no source gives, are named in the caption only. The axis runs from the protocol's
    signature (``signed``, else the first act) to the last ratification once every
    required member has ratified, else to ``as_of``.
    """
    firsts: dict[str, tuple[date, str, str]] = {}
    for a in _rows(acts, ("name", "date")):
        day = edtf_bounds(a["date"])[1]
        who = a.get("code") or a["name"]
        act = (day, a["name"], a["date"])
        if (as_of is None or day <= as_of) and (who not in firsts or act < firsts[who]):
            firsts[who] = act
    done = sorted(firsts.values())
    by = f" by {as_of.isoformat()}" if as_of else ""
    if not done and (signed is None or required_count == 0):  # None: a count is unknown
        return empty_chart(
            title, f"No member had ratified{by}: the accession protocol had not been signed.",
            "Ratifications over time: none",
        )  # fmt: skip
    complete = required_count is not None and len(done) >= required_count > 0
    of = f" of {required_count} required" if required_count is not None else ""
    start = min(([signed] if signed else []) + ([done[0][0]] if done else []))
    last = done[-1][0] if done else start
    end = max(last if complete or as_of is None else as_of, last, start + timedelta(days=1))
    rows = [dict(day=start.isoformat(), count=0, name="", date="", kind="start")]
    rows += [dict(day=d.isoformat(), count=i, name=n, date=t, kind="act")
             for i, (d, n, t) in enumerate(done, start=1)]  # fmt: skip
    rows.append(dict(day=end.isoformat(), count=len(done), name="", date="", kind="end"))
    caption = f"No ratifications yet{by}{of}."
    if done:
        first, latest = done[0], done[-1]
        counted = (f"{len(done)} of {required_count} required ratifications"
                   if required_count is not None else
                   f"{count(len(done), 'ratification')} named in the sources (the number "
                   "required is not known)")  # fmt: skip
        caption = (f"{counted}{by}; first "
                   f"{first[1]} ({first[2]}), latest {latest[1]} ({latest[2]})")  # fmt: skip
        if complete and required_count is not None:
            _, name, when = done[required_count - 1]
            caption += f"; the required number was reached with {name} ({when})"
        caption += "."
    if undated:
        caption += (f" {undated} more had ratified on days no source gives (not drawn).")  # fmt: skip
    alt_text = (f"Step chart of members ratified, {start.isoformat()} to {end.isoformat()}: "
                f"{len(done)}{of}")  # fmt: skip

    x = _utc("day:T", span=(start, end), labelOverlap=True)
    y = field("count:Q", title="Members ratified", axis={"format": "d", "tickMinStep": 1},
              scale={"domain": [0, max(required_count or 0, len(done), 1)]})  # fmt: skip
    line = unit(Rows(rows), mark("line", interpolate="step-after", color="#08519c"),
                encoding=encoding(x=x, y=y))  # fmt: skip
    tips = vl.tips(("name:N", "Member"), ("date:N", "Date"), ("count:Q", "Count"))
    layers = [line]
    if done:
        acts_only = Rows(r for r in rows if r["kind"] == "act")
        layers.append(unit(acts_only, mark("point", filled=True, size=50, color="#08519c"),
                           encoding=encoding(x=x, y=y, tooltip=tips)))  # fmt: skip
    chart = layer(*layers)
    if required_count is not None:
        required = Rows([{"n": required_count, "text": f"Required: {required_count}"}])
        rule = unit(required, mark("rule", strokeDash=[4, 4], color=GREY),
                    encoding=encoding(y="n:Q"))  # fmt: skip
        label = unit(required, mark("text", align="left", dx=4, dy=-8, color=GREY),
                     encoding=encoding(y="n:Q", x=vl.value(0), text="text:N"))  # fmt: skip
        chart = layer(chart, rule, label)
    return _finish(chart, title, caption, 260, alt_text)

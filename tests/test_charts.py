"""Chart specifications: shape, validity against the Vega-Lite schema, captions, determinism."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from treatywatch.render.charts import (
    ChartSpec,
    MapCandidate,
    MapMember,
    RatificationItem,
    TimelineItem,
    map_chart,
    ratification_curve_chart,
    spec_json,
    timeline_chart,
)
from treatywatch.render.poll_charts import AverageItem, PollItem, polls_chart

TESTS = Path(__file__).resolve().parent
# 28 NATO members in 2016: (code, name), Montenegro the candidate.
NATO_2016 = [
    ("AL", "Albania"), ("BE", "Belgium"), ("BG", "Bulgaria"), ("CA", "Canada"),
    ("HR", "Croatia"), ("CZ", "Czechia"), ("DK", "Denmark"), ("EE", "Estonia"),
    ("FR", "France"), ("DE", "Germany"), ("GR", "Greece"), ("HU", "Hungary"),
    ("IS", "Iceland"), ("IT", "Italy"), ("LV", "Latvia"), ("LT", "Lithuania"),
    ("LU", "Luxembourg"), ("NL", "Netherlands"), ("NO", "Norway"), ("PL", "Poland"),
    ("PT", "Portugal"), ("RO", "Romania"), ("SK", "Slovakia"), ("SI", "Slovenia"),
    ("ES", "Spain"), ("TR", "Turkey"), ("GB", "United Kingdom"), ("US", "United States"),
]  # fmt: skip
PENDING = {"ES": "pending", "NL": "parliament_approved", "CA": "ratified"}


def milestones() -> list[TimelineItem]:
    return [
        TimelineItem("Member", "2017-06-05", "day", "nato.int, line 9"),
        TimelineItem("Membership Action Plan", "2009-12", "month", "nato.int, line 4"),
        TimelineItem("Application", "2008", "year", "nato.int, line 2"),
        TimelineItem("Accession protocol signed", "2016-05-19", "day", "nato.int, line 6"),
    ]


def members() -> list[MapMember]:
    return [
        MapMember(code, name, PENDING.get(code, "deposited"), None if code == "ES" else "2016-12")
        for code, name in NATO_2016
    ]


def acts() -> list[RatificationItem]:
    return [
        RatificationItem(name, f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}", code)
        for i, (code, name) in enumerate(NATO_2016)
        if code not in ("ES", "NL")
    ]


def polls(n: int = 27) -> list[PollItem]:
    pollsters = ["CEDEM", "Ipsos", "", None, "Damar"]
    return [
        PollItem(
            pollsters[i % 5],
            f"2016-{1 + i % 12:02d}-01/2016-{1 + i % 12:02d}-09"
            if i % 3
            else f"2015-{1 + i % 12:02d}",
            40 + i % 9,
            35 + i % 5,
            25 - i % 9 - i % 5,
            round(100 * (40 + i % 9) / (75 + i % 9 + i % 5), 1),
            None if i % 4 == 0 else 1000 + 10 * i,
        )
        for i in range(n)
    ]


def average() -> list[AverageItem]:
    return [
        AverageItem(f"2016-{m:02d}-15", 44 + m / 4, 40 + m / 4, 48 + m / 4) for m in range(1, 13)
    ]


def tiny_topology() -> dict[str, Any]:
    """A two-country TopoJSON (one with an id, one without): enough to build a map."""
    return {
        "type": "Topology",
        "arcs": [[[0, 0], [10, 0], [0, 10], [-10, 0], [0, -10]]],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "arcs": [[0]],
                        "id": "499",
                        "properties": {"name": "Montenegro"},
                    },
                    {"type": "Polygon", "arcs": [[0]], "properties": {"name": "Kosovo"}},
                ],
            }
        },
    }


def all_charts(
    topo: str | dict[str, Any] = "/static/vendor/countries-110m.json",
) -> dict[str, ChartSpec]:
    return {
        "timeline": timeline_chart(milestones()),
        "map": map_chart(members(), MapCandidate("ME", "Montenegro"), topo, as_of="2017-01-01"),
        "curve": ratification_curve_chart(acts(), 28, date(2017, 1, 1), signed=date(2015, 12, 2)),
        "polls": polls_chart(polls(), average(), y_field="share_for_decided"),
    }


def digests() -> dict[str, str]:
    """SHA-256 of each chart's canonical JSON (also run in a fresh interpreter)."""
    from treatywatch.render.assets import world_topojson

    candidate = MapCandidate("ME", "Montenegro")
    charts = all_charts() | {
        "map_inline": all_charts(tiny_topology())["map"],
        "map_world": map_chart(members(), candidate, world_topojson(), as_of=date(2017, 1, 1)),
    }
    return {k: hashlib.sha256(c.to_json().encode()).hexdigest() for k, c in charts.items()}


def datasets_of(spec: dict[str, Any]) -> list[list[Any]]:
    return [v for v in spec.get("datasets", {}).values() if isinstance(v, list)]


def timeline_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The timeline's rows, spans and points together, in date order."""
    return sorted((r for v in datasets_of(spec) for r in v), key=lambda r: (r["start"], r["row"]))


def values(spec: dict[str, Any], data: dict[str, Any]) -> Any:
    """A data object's values, inline or from the spec's named datasets."""
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def lookup_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    (lookup,) = [t for t in spec["transform"] if "lookup" in t]
    rows: list[dict[str, Any]] = values(spec, lookup["from"]["data"])
    return rows


def test_importing_charts_does_not_import_altair() -> None:
    code = "import sys, treatywatch.render.charts; print('altair' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_same_input_same_json_in_process() -> None:
    first = digests()
    # Building other charts in between must not shift any generated name.
    polls_chart(polls(5))
    assert digests() == first


def test_same_json_in_a_fresh_process() -> None:
    code = (
        f"import sys; sys.path.insert(0, {str(TESTS)!r}); import json, test_charts; "
        "print(json.dumps(test_charts.digests()))"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert json.loads(out.stdout) == digests()


def test_specs_validate_against_the_vega_lite_schema() -> None:
    import altair as alt
    import jsonschema  # type: ignore[import-untyped]

    schema = alt.vegalite.v6.schema.core.load_schema()
    validator = jsonschema.Draft7Validator(schema)
    for name, chart in (all_charts() | {"map_inline": all_charts(tiny_topology())["map"]}).items():
        errors = list(validator.iter_errors(chart.spec))
        assert not errors, (name, errors[:1])
        assert chart.spec["$schema"].endswith(f"/{alt.SCHEMA_VERSION}.json")


def test_every_chart_has_title_container_width_and_a_short_alt_apart_from_its_caption() -> None:
    for name, chart in all_charts().items():
        spec = chart.spec
        assert spec["width"] == "container", name
        assert spec["title"], name
        # The accessible name is the short alt; the caption (the figcaption) is not repeated.
        assert spec["description"] == chart.alt, name
        assert chart.alt and chart.alt != chart.caption and chart.alt not in chart.caption, name
        assert len(chart.alt) < 100 < len(chart.caption), name
        assert spec["usermeta"] == {"caption": chart.caption}, name
        assert (
            chart.to_json()
            == spec_json(spec)
            == json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        )


def test_timeline_spans_months_and_years_and_points_days() -> None:
    chart = timeline_chart(milestones())
    rows = timeline_rows(chart.spec)
    by_label = {r["label"]: r for r in rows}
    assert [r["label"] for r in rows] == [
        "Application",
        "Membership Action Plan",
        "Accession protocol signed",
        "Member",
    ]
    assert (by_label["Application"]["start"], by_label["Application"]["end"]) == (
        "2008-01-01",
        "2009-01-01",
    )
    mp = by_label["Membership Action Plan"]
    assert (mp["start"], mp["end"], mp["kind"], mp["date"]) == (
        "2009-12-01",
        "2010-01-01",
        "span",
        "2009-12",
    )
    member = by_label["Member"]
    assert (member["kind"], member["start"], member["source"]) == (
        "point",
        "2017-06-05",
        "nato.int, line 9",
    )
    tooltips = [t["field"] for layer in chart.spec["layer"] for t in layer["encoding"]["tooltip"]]
    assert {"label", "date", "precision", "source"} <= set(tooltips)
    # The axis fits the milestones (2008 to June 2017) with a margin of weeks, not years.
    start, end = x_domain(chart.spec)
    assert "2007-09-01" < start < "2008-01-01" and "2017-06-06" < end < "2017-10-01"
    assert "4 milestones from 2008 to 2017-06-05" in chart.caption
    assert "Membership Action Plan, 2009-12" in chart.caption


def test_timeline_reads_dicts_and_keeps_repeated_labels_apart() -> None:
    chart = timeline_chart(
        [
            {"label": "Vote", "date": "2016-10"},
            {"label": "Vote", "date": "2016-12-01", "precision": "day"},
        ]
    )
    rows = timeline_rows(chart.spec)
    assert [(r["row"], r["precision"], r["kind"]) for r in rows] == [
        ("Vote", "month", "span"),
        ("Vote (2)", "day", "point"),
    ]
    (row,) = timeline_rows(timeline_chart([{"label": "Signed", "date": date(2016, 5, 19)}]).spec)
    assert (row["date"], row["precision"], row["kind"]) == ("2016-05-19", "day", "point")
    with pytest.raises(ValueError, match="precision"):
        timeline_chart([TimelineItem("x", "2016", "decade")])


def test_map_data_has_every_member_with_its_status() -> None:
    chart = map_chart(
        members(), MapCandidate("ME", "Montenegro"), "/static/vendor/countries-110m.json"
    )
    spec = chart.spec
    assert spec["data"] == {
        "url": "/static/vendor/countries-110m.json",
        "format": {"type": "topojson", "feature": "countries"},
    }
    rows = lookup_rows(spec)
    assert {(r["code"], r["status"]) for r in rows} == {(m.code, m.status) for m in members()} | {
        ("ME", "candidate")
    }
    keys = {r["code"]: r["key"] for r in rows}
    assert (keys["ME"], keys["BE"], keys["US"]) == ("499", "056", "840")
    assert spec["projection"]["type"] == "equalEarth"
    assert "26 of 28 members have ratified" in chart.caption
    assert (
        "pending: 1 (Spain)" in chart.caption
        and "parliament approved: 1 (Netherlands)" in chart.caption
    )
    assert "candidate: Montenegro" in chart.caption


def test_map_with_inline_topojson_and_features_without_an_id() -> None:
    topo = tiny_topology()
    chart = map_chart([MapMember("XK", "Kosovo", "pending"), MapMember("MT", "Malta", "ratified")],
                      {"code": "ME", "name": "Montenegro"}, topo)  # fmt: skip
    spec = chart.spec
    assert spec["data"]["format"] == {"type": "topojson", "feature": "countries"}
    assert values(spec, spec["data"]) == topo
    keys = {r["code"]: r["key"] for r in lookup_rows(spec)}
    assert keys == {"XK": "name:Kosovo", "MT": "470", "ME": "499"}
    assert "too small to draw at this scale: Malta" in chart.caption
    assert topo == tiny_topology()  # not modified


def test_map_rejects_unknown_status_and_repeated_members() -> None:
    with pytest.raises(ValueError, match="unknown status"):
        map_chart([MapMember("BE", "Belgium", "signed")], None, "x.json")
    with pytest.raises(ValueError, match="twice"):
        map_chart([MapMember("BE", "Belgium", "pending")] * 2, None, "x.json")


def test_vendored_topojson_ids_match_pycountry_for_members() -> None:
    from treatywatch.render.assets import world_topojson

    geoms = world_topojson()["objects"]["countries"]["geometries"]
    ids = {g["id"] for g in geoms if "id" in g}
    without_id = sorted(g["properties"]["name"] for g in geoms if "id" not in g)
    assert without_id == ["Kosovo", "N. Cyprus", "Somaliland"]
    rows = lookup_rows(
        map_chart(members(), MapCandidate("ME", "Montenegro"), world_topojson()).spec
    )
    assert all(r["key"] in ids for r in rows)


def curve_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The step line's rows: the signature, each member's first act, the end."""
    (rows,) = [v for v in datasets_of(spec) if v and v[0].get("kind") == "start"]
    return rows


def x_domain(spec: dict[str, Any]) -> list[str]:
    """A chart's time domain as ISO days (from the DateTime objects of its scale)."""
    (scale,) = {
        json.dumps(enc["x"]["scale"], sort_keys=True)
        for enc in walk(spec, "encoding")
        if "x" in enc and "domain" in enc["x"].get("scale", {})
    }
    return [f"{d['year']}-{d['month']:02d}-{d['date']:02d}" for d in json.loads(scale)["domain"]]


def walk(node: Any, key: str) -> list[Any]:
    """Every value under ``key`` anywhere in a spec."""
    found = []
    if isinstance(node, dict):
        found += [node[key]] if key in node else []
        for value in node.values():
            found += walk(value, key)
    elif isinstance(node, list):
        for value in node:
            found += walk(value, key)
    return found


def test_ratification_curve_counts_members_once_until_as_of() -> None:
    items = [
        *acts(),
        RatificationItem("Belgium", "2016-12-30", "BE"),
        RatificationItem("Spain", "2017-03", "ES"),
    ]
    chart = ratification_curve_chart(items, 28, date(2017, 1, 1), signed=date(2015, 12, 2))
    spec = chart.spec
    rule_values = [values(spec, layer["data"]) for layer in spec["layer"][1:]]
    assert rule_values[0] == [{"n": 28, "text": "Required: 28"}]
    rows = curve_rows(spec)
    assert rows[0] == {"day": "2015-12-02", "count": 0, "name": "", "date": "", "kind": "start"}
    act_rows = [r for r in rows if r["kind"] == "act"]
    assert len(act_rows) == 26 and [r["count"] for r in act_rows] == list(range(1, 27))
    assert rows[-1] == {"day": "2017-01-01", "count": 26, "name": "", "date": "", "kind": "end"}
    assert [r["date"] for r in act_rows if r["name"] == "Belgium"] == ["2016-02-02"]
    assert chart.caption.startswith(
        "26 of 28 required ratifications by 2017-01-01; first Albania (2016-01-01)"
    )
    line = spec["layer"][0]["layer"][0]
    assert line["mark"]["interpolate"] == "step-after"
    # Pending members: the axis runs from the signature to the as-of day.
    assert x_domain(spec) == ["2015-12-02", "2017-01-01"]


def test_ratification_curve_partial_dates_and_completion() -> None:
    chart = ratification_curve_chart(
        [{"name": "A", "date": "2016-05"}, {"name": "B", "date": "2016-04-02"}],
        2,
        date(2020, 1, 1),
        signed=date(2016, 3, 1),
    )
    assert [(r["name"], r["day"]) for r in curve_rows(chart.spec)] == [
        ("", "2016-03-01"),
        ("B", "2016-04-02"),
        ("A", "2016-05-31"),
        ("", "2016-05-31"),
    ]
    assert "the required number was reached with A (2016-05)" in chart.caption
    # Complete: the axis stops at the last ratification, not at the as-of day (2020).
    assert x_domain(chart.spec) == ["2016-03-01", "2016-05-31"]
    signed_only = ratification_curve_chart([], 3, date(2016, 4, 1), signed=date(2016, 3, 1))
    assert "No ratifications yet by 2016-04-01 of 3 required" in signed_only.caption
    assert x_domain(signed_only.spec) == ["2016-03-01", "2016-04-01"]


def svg_texts(chart: ChartSpec) -> list[tuple[str, float]]:
    """Each text an SVG rendering of the chart draws, with its font size in px."""
    import xml.etree.ElementTree as ET

    from treatywatch.render.images import chart_to_svg

    root = ET.fromstring(chart_to_svg(chart.spec))
    out = []
    for el in root.iter("{http://www.w3.org/2000/svg}text"):
        size = el.get("font-size") or ""
        out.append(("".join(el.itertext()), float(size.removesuffix("px"))))
    return out


def test_ratification_axis_labels_each_month_once_in_the_2016_view() -> None:
    # The example as of 2016-12-31: signed 2016-05-19, 11 of 28 ratified.
    days = [
        "06-23",
        "07-05",
        "07-08",
        "07-12",
        "08-23",
        "09-06",
        "09-27",
        "11-01",
        "11-17",
        "11-28",
        "12-20",
    ]
    done = [RatificationItem(n, f"2016-{d}", c) for (c, n), d in zip(NATO_2016, days, strict=False)]
    chart = ratification_curve_chart(done, 28, date(2016, 12, 31), signed=date(2016, 5, 19))
    texts = [text for text, _ in svg_texts(chart)]
    months = [t for t in texts if t.endswith(" 2016") and t[:3].isalpha()]
    assert months and len(months) == len(set(months)), months
    assert months[0] in ("Jun 2016", "Jul 2016") and months[-1] in ("Nov 2016", "Dec 2016")


def test_time_axis_ticks_never_repeat_a_label() -> None:
    from treatywatch.render.charts import time_axis

    assert time_axis(date(2016, 5, 19), date(2016, 12, 31))["tickCount"] == {
        "interval": "month",
        "step": 1,
    }
    assert time_axis(date(2016, 5, 19), date(2017, 6, 5))["tickCount"]["step"] == 2
    assert time_axis(date(2008, 11, 15), date(2017, 10, 9))["format"] == "%Y"
    assert time_axis(date(2016, 5, 19), date(2016, 6, 1))["tickCount"]["interval"] == "week"
    # Eleven days (week ticks) and five years (year ticks): each label drawn once.
    for start, end in [
        (date(2016, 5, 19), date(2016, 5, 30)),
        (date(2015, 1, 1), date(2020, 2, 1)),
    ]:
        chart = ratification_curve_chart([], 3, end, signed=start)
        labels = [t for t, _ in svg_texts(chart) if t[-4:] in {str(y) for y in range(2014, 2022)}]
        assert len(labels) >= 2 and len(labels) == len(set(labels)), labels


def test_views_before_the_process_began_say_so_in_words() -> None:
    before = date(2005, 1, 1)
    empty = {
        "timeline": timeline_chart([]),
        "map": map_chart([], MapCandidate("ME", "Montenegro"), "x.json", as_of=before),
        "curve": ratification_curve_chart([], 0, before),
        "polls": polls_chart([]),
    }
    for name, chart in empty.items():
        spec = chart.spec
        assert "not" in chart.caption.lower() or "no " in chart.caption.lower(), name
        assert chart.caption.endswith("."), name
        assert "0 of 0" not in chart.caption, name
        # One text mark and no axis, scale or frame: nothing for Vega to take an extent of.
        assert spec["mark"]["type"] == "text" and "x" not in spec["encoding"], name
        assert values(spec, spec["data"]) == [{"text": chart.caption}], name
        texts = [text for text, _ in svg_texts(chart)]
        assert chart.caption in texts and not any(t in texts for t in ("0", "1")), (name, texts)
    assert "the accession protocol had not been signed" in empty["map"].caption
    assert "as of 2005-01-01" in empty["map"].caption
    assert empty["polls"].caption == "No polls had been published yet."


def test_no_layer_draws_empty_data() -> None:
    """Vega warns "Infinite extent" when a scaled layer has no rows: every layer has some,
    in every chart, with and without sample sizes, averages or acts."""
    cases = all_charts() | {
        "curve_signed_only": ratification_curve_chart([], 3, date(2016, 4, 1), signed=date(2016, 3, 1)),
        "polls_no_sizes": polls_chart([PollItem(
            p.pollster, p.fieldwork, p.share_for, p.share_against) for p in polls()]),
        "polls_all_sized": polls_chart([PollItem("A", "2016-05", 50, 40, 10, None, 900)]),
        "timeline_points_only": timeline_chart([TimelineItem("Signed", "2016-05-19", "day")]),
        "timeline_spans_only": timeline_chart([TimelineItem("Talks", "2016-05", "month")]),
    }  # fmt: skip
    for name, chart in cases.items():
        spec = chart.spec
        for data in walk(spec, "data"):
            if isinstance(data, dict) and "url" not in data:
                assert values(spec, data), (name, data)
        # No layer hides its rows behind a filter that could leave it empty.
        assert not [t for t in walk(spec, "transform") for t in t if "filter" in t], name
    sizes = [
        layer.get("encoding", {}).get("size") for layer in cases["polls_no_sizes"].spec["layer"]
    ]
    assert not any(sizes)  # no "Sample size" legend without sample sizes


def test_chart_text_is_at_least_12_px() -> None:
    from treatywatch.render.assets import world_topojson

    charts = all_charts(tiny_topology()) | {
        "map_world": map_chart(members(), MapCandidate("ME", "Montenegro"), world_topojson()),
        "empty": timeline_chart([]),
    }
    for name, chart in charts.items():
        texts = svg_texts(chart)
        assert texts, name
        small = [(text, size) for text, size in texts if size < 12]
        assert not small, (name, small[:5])


def test_map_frames_the_members_and_the_candidate() -> None:
    from treatywatch.render.assets import world_topojson

    nato = map_chart(members(), MapCandidate("ME", "Montenegro"), world_topojson())
    west, south, east, north = fit_extent(nato.spec)
    # Europe, Iceland to Turkey: Canada and the United States would shrink the Balkans to
    # specks, so they are named in the caption instead (and still drawn, off the frame).
    assert -30 < west < -20 and 30 < south < 36 and 40 < east < 50 and 68 < north < 76
    assert "outside the map: Canada (" in nato.caption and "United States (" in nato.caption
    assert nato.spec["title"]["subtitle"].startswith("Outside the map: Canada (")
    # Members mostly far from the candidate: the frame keeps them all.
    spread = [("US", "United States"), ("CA", "Canada"), ("MX", "Mexico"), ("BR", "Brazil"),
              ("FR", "France")]  # fmt: skip
    wide = map_chart(
        [MapMember(c, n, "ratified") for c, n in spread],
        MapCandidate("PT", "Portugal"),
        world_topojson(),
    )
    assert fit_extent(wide.spec)[0] < -100 and "outside the map" not in wide.caption
    eu = [("AT", "Austria"), ("CY", "Cyprus"), ("FI", "Finland"), ("FR", "France"),
          ("IE", "Ireland"), ("PT", "Portugal"), ("DE", "Germany")]  # fmt: skip
    chart = map_chart(
        [MapMember(c, n, "ratified") for c, n in eu],
        MapCandidate("UA", "Ukraine"),
        world_topojson(),
    )
    west, south, east, north = fit_extent(chart.spec)
    # Europe only: France counts by its mainland, not French Guiana or Réunion.
    assert -15 < west < -8 and 30 < south < 36 and 38 < east < 45 and 68 < north < 75
    # The URL form is framed the same (from the vendored map the URL serves).
    url = map_chart(
        members(), MapCandidate("ME", "Montenegro"), "/static/vendor/countries-110m.json"
    )
    assert url.spec["projection"] == nato.spec["projection"]


def fit_extent(spec: dict[str, Any]) -> tuple[float, float, float, float]:
    coords = spec["projection"]["fit"]["geometry"]["coordinates"]
    lons, lats = [c[0] for c in coords], [c[1] for c in coords]
    return min(lons), min(lats), max(lons), max(lats)


def test_map_legend_lists_only_the_states_that_occur() -> None:
    from treatywatch.render.charts import CANDIDATE_LABEL, COLORS, NON_MEMBER_LABEL, STATUS_LABELS

    labels = [*STATUS_LABELS.values(), CANDIDATE_LABEL, NON_MEMBER_LABEL]
    colour = dict(zip(labels, COLORS, strict=True))
    ratified = [MapMember(c, n, "ratified") for c, n in NATO_2016[:10]]
    chart = map_chart(ratified, MapCandidate("ME", "Montenegro"), "x.json", extent=(0, 30, 30, 60))
    scale = chart.spec["encoding"]["color"]["scale"]
    assert scale["domain"] == ["Ratified", "Candidate", NON_MEMBER_LABEL]
    assert scale["range"] == [colour[d] for d in scale["domain"]]  # each state keeps its colour
    assert scale["range"] == [COLORS[1], COLORS[5], COLORS[6]]
    full = map_chart(members(), MapCandidate("ME", "Montenegro"), "x.json", extent=(0, 30, 30, 60))
    scale = full.spec["encoding"]["color"]["scale"]
    assert "No ratification in the sources" not in scale["domain"]  # no such member in 2016
    assert scale["range"] == [c for c in COLORS if c != colour["No ratification in the sources"]]
    # After membership, where the rule is not in the sources: a state of its own, named.
    over = [MapMember("LU", "Luxembourg", "ratified"), MapMember("FR", "France", "not_in_sources")]
    done = map_chart(over, MapCandidate("ES", "Spain"), "x.json", extent=(-10, 35, 10, 55))
    scale = done.spec["encoding"]["color"]["scale"]
    assert scale["domain"] == [
        "Ratified",
        "No ratification in the sources",
        "Candidate",
        NON_MEMBER_LABEL,
    ]
    assert "no ratification in the sources: 1 (France)" in done.caption


def test_polls_chart_draws_for_and_against_on_a_fitted_axis() -> None:
    chart = polls_chart(polls(), average(), y_field="share_for_decided")
    spec = chart.spec
    points, no_sample = [
        layer for layer in spec["layer"] if layer.get("name", "").startswith("polls")
    ]
    assert (points["name"], no_sample["name"]) == ("polls", "polls_no_sample")
    rows = values(spec, points["data"]) + values(spec, no_sample["data"])
    assert len(rows) == 2 * 27
    assert sorted({r["pollster"] for r in rows}) == ["(unnamed)", "CEDEM", "Damar", "Ipsos"]
    assert sum(r["sample_size"] is None for r in rows) == 2 * 7
    fors = [r for r in rows if r["side"] == "For"]
    against = {
        (r["mid"], r["pollster"], r["fieldwork"]): r["value"]
        for r in rows
        if r["side"] == "Against"
    }
    assert {r["value"] for r in fors} == {p.share_for_decided for p in polls()}
    assert all(abs(r["value"] + against[r["mid"], r["pollster"], r["fieldwork"]] - 100) < 1e-9
               for r in fors)  # fmt: skip
    enc = points["encoding"]
    assert enc["size"]["field"] == "sample_size" and enc["size"]["title"] == "Sample size"
    assert no_sample["mark"]["size"] == 60 and no_sample["mark"]["filled"] is False
    assert enc["shape"]["field"] == "side" and enc["shape"]["scale"]["domain"] == ["For", "Against"]
    assert [t["field"] for t in enc["tooltip"]][:2] == ["pollster", "fieldwork"]
    assert [p["name"] for p in walk(spec, "params") for p in p] == ["pollster_pick"]
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "area", "line", "point", "point"]
    # The axis fits the shares (all within 30-70 here), not 0-100, and holds the 50% rule.
    (domain,) = {
        json.dumps(e["y"]["scale"]["domain"])
        for e in walk(spec, "encoding")
        if "scale" in e.get("y", {})
    }
    low, high = json.loads(domain)
    shares = [r["value"] for r in rows]
    assert 0 < low <= min(shares) - 2 and max(shares) + 2 <= high < 100 and low < 50 < high
    assert "27 polls by 4 pollsters" in chart.caption
    assert "7 polls without a sample size (open symbols)" in chart.caption
    assert "average on 2016-12-15: 47% (43% to 51%)" in chart.caption


def test_polls_axis_of_the_example_range_is_padded_around_it() -> None:
    chart = polls_chart([PollItem("A", "2016-05", 36, 64), PollItem("B", "2016-06", 56, 44)],
                        y_field="share_for")  # fmt: skip
    (domain,) = {json.dumps(e["y"]["scale"]["domain"]) for e in walk(chart.spec, "encoding")
                 if "scale" in e.get("y", {})}  # fmt: skip
    assert json.loads(domain) == [30, 70]
    texts = [text for text, _ in svg_texts(chart)]
    assert "30" in texts and "70" in texts and "0" not in texts and "100" not in texts
    assert "Against" in texts and "For" in texts  # the sides' legend
    assert not [t for t in texts if t.startswith("Sample")]  # no sizes: no size legend
    sized = polls_chart([PollItem("A", "2016-05", 36, 64, sample_size=800)], y_field="share_for")
    assert "Sample size" in [text for text, _ in svg_texts(sized)]


def test_average_line_has_a_tooltip_for_each_side() -> None:
    chart = polls_chart(polls(), average(), y_field="share_for_decided")
    (line,) = [layer for layer in chart.spec["layer"] if layer["mark"]["type"] == "line"]
    assert line["mark"]["point"]["opacity"] == 0  # invisible points to hover
    tips = [t["field"] for t in line["encoding"]["tooltip"]]
    assert tips == ["date", "side", "average", "interval"]
    rows = values(chart.spec, line["data"])
    last_for = [r for r in rows if r["side"] == "For"][-1]
    last_against = [r for r in rows if r["side"] == "Against"][-1]
    assert (last_for["average"], last_for["interval"]) == ("47%", "43% to 51%")
    assert (last_against["average"], last_against["interval"]) == ("53%", "49% to 57%")


def test_pollster_colours_do_not_change_with_the_day() -> None:
    everyone = ["", "CEDEM", "Damar", "Ipsos"]
    early = polls_chart(polls()[:2], y_field="share_for_decided", pollsters=everyone)
    late = polls_chart(polls(), y_field="share_for_decided", pollsters=everyone)
    scales = [
        [e["color"]["scale"] for e in walk(c.spec, "encoding") if "color" in e][0]
        for c in (early, late)
    ]
    assert scales[0] == scales[1]
    assert scales[0]["domain"] == ["(unnamed)", "CEDEM", "Damar", "Ipsos"]
    # The legend lists the pollsters drawn so far; the colours stay where they are.
    legends = [[e["color"]["legend"]["values"] for e in walk(c.spec, "encoding") if "color" in e][0]
               for c in (early, late)]  # fmt: skip
    assert legends == [["CEDEM", "Ipsos"], ["(unnamed)", "CEDEM", "Damar", "Ipsos"]]


def test_polls_chart_without_average_or_values() -> None:
    chart = polls_chart([PollItem(None, "2016-05", None)])
    assert chart.spec["mark"]["type"] == "text"
    assert chart.caption == "1 poll, none with a value for For (% of all answers)."
    with pytest.raises(ValueError, match="missing"):
        polls_chart([{"pollster": "X", "fieldwork": "2016"}], y_field="lead")
    only_for = polls_chart([PollItem("A", "2016-05", 40)])  # no Against share given
    assert [layer["mark"]["type"] for layer in only_for.spec["layer"]] == ["rule", "point"]


@pytest.fixture(scope="module")
def example_store() -> Any:
    from conftest import EXAMPLE
    from treatywatch.ingest import import_paths
    from treatywatch.store.db import Store

    with Store.memory() as store:
        import_paths(store, [EXAMPLE])
        yield store


def example_charts(store: Any, day: date | None) -> dict[str, ChartSpec]:
    from treatywatch.queries.overview import process_overview
    from treatywatch.render.process_charts import process_chart

    ov = process_overview(store, "montenegro-nato", day)
    kinds = ("timeline", "map", "ratifications", "polls")
    return {k: process_chart(ov, k, "/static/vendor/countries-110m.json") for k in kinds}


def test_example_charts_across_as_of_days(example_store: Any) -> None:
    from treatywatch import serialize
    from treatywatch.queries.averages import poll_averages
    from treatywatch.queries.records import process_records

    early, late = (
        example_charts(example_store, date(2016, 12, 31)),
        example_charts(example_store, None),
    )

    def colors(chart: ChartSpec) -> Any:
        return [e["color"]["scale"] for e in walk(chart.spec, "encoding") if "color" in e][0]

    # Each pollster keeps its colour: NSPM and CISR/IRI polled after 2016 or not.
    assert colors(early["polls"]) == colors(late["polls"])
    assert colors(early["polls"])["domain"] == [
        "(unnamed)",
        "CEDEM",
        "CISR/IRI",
        "DAMAR",
        "Ipsos",
        "NSPM",
    ]
    # The signature (2016-05-19) to the as-of day; once complete, to the last ratification.
    assert x_domain(early["ratifications"].spec) == ["2016-05-19", "2016-12-31"]
    assert x_domain(late["ratifications"].spec) == ["2016-05-19", "2017-05-18"]
    # The caption's latest average is the one `polls --average` prints: at the last poll.
    records = process_records(example_store, "montenegro-nato")
    (avg,) = [a for a in poll_averages(records.polls, records.status.as_of) if a.series == ""]
    shape = serialize.average(avg)
    assert f"average on {shape['last_poll']}: " in late["polls"].caption
    # Before the protocol: words, not "Map: 0 of 0 members".
    before = example_charts(example_store, date(2010, 1, 1))
    assert "0 of 0" not in before["map"].caption and before["map"].spec["mark"]["type"] == "text"
    assert before["ratifications"].spec["mark"]["type"] == "text"
    assert before["polls"].spec["layer"]  # three polls by 2010 are drawn


def test_map_of_several_candidates_draws_each() -> None:
    # NATO's 2004 round: seven candidates, each its own country on the map (before, the
    # joined codes "BG,EE,…" matched no country and none was drawn).
    from treatywatch.render.assets import world_topojson

    seven = [("BG", "Bulgaria"), ("EE", "Estonia"), ("LV", "Latvia"), ("LT", "Lithuania"),
             ("RO", "Romania"), ("SK", "Slovakia"), ("SI", "Slovenia")]  # fmt: skip
    allies = [MapMember(c, n, "deposited") for c, n in NATO_2016 if c not in dict(seven)]
    chart = map_chart(allies, [MapCandidate(c, n) for c, n in seven], world_topojson())
    rows = lookup_rows(chart.spec)
    assert sorted(r["code"] for r in rows if r["status"] == "candidate") == sorted(dict(seven))
    assert "candidates: Bulgaria, Estonia, Latvia, Lithuania, Romania, Slovakia, Slovenia" in (
        chart.caption
    )
    assert "too small to draw" not in chart.caption


def test_map_and_curve_where_the_member_list_is_unknown() -> None:
    named = [MapMember("NL", "Netherlands", "deposited"), MapMember("FR", "France", "ratified")]
    chart = map_chart(named, MapCandidate("AT", "Austria"), "x.json", members_known=False)
    scale = chart.spec["encoding"]["color"]["scale"]
    assert scale["domain"][-1] == "Not named in the sources"
    assert "Not a member" not in json.dumps(chart.spec)
    assert chart.caption.startswith("Map: 2 of the 2 members named in the sources have ratified")
    items = [RatificationItem("Netherlands", "1997-02-06", "NL")]
    curve = ratification_curve_chart(items, None, date(1997, 6, 1), signed=date(1995, 4, 28))
    assert curve.caption.startswith(
        "1 ratification named in the sources (the number required is not known) by 1997-06-01"
    )
    assert "Required" not in json.dumps(curve.spec) and "of 0" not in curve.alt


def test_timeline_leaves_out_what_comes_before_a_long_gap() -> None:
    # Sweden: Partnership for Peace in 1994, then 2022-2024; drawn, 1994 would squeeze the
    # accession into the right 6% of the axis. It is named above the chart and in the caption.
    sweden = [
        {"label": "Partnership for Peace", "date": "1994-05-09"},
        {"label": "Application", "date": "2022-05-18"},
        {"label": "Accession protocol signed", "date": "2022-07-05"},
        {"label": "Membership", "date": "2024-03-07"},
    ]
    chart = timeline_chart(sweden, title="Sweden → NATO")
    rows = timeline_rows(chart.spec)
    assert [r["label"] for r in rows] == ["Application", "Accession protocol signed", "Membership"]
    assert chart.spec["title"] == {
        "text": "Sweden → NATO",
        "subtitle": "Earlier: Partnership for Peace (1994-05-09)",
    }
    assert chart.caption.startswith("Timeline of 4 milestones from 1994-05-09 to 2024-03-07:")
    assert chart.caption.endswith(
        "Drawn from 2022-05-18; earlier, not drawn: Partnership for Peace (1994-05-09)."
    )
    start = chart.spec["layer"][0]["encoding"]["x"]["scale"]["domain"][0]
    # The axis starts at the application (less a margin of 1/40 of what is drawn).
    assert (start["year"], start["month"]) == (2022, 5) and start["date"] < 18
    # Two rows of one step before the gap are named once, with both dates (Finland's).
    finland = [{"label": "Partnership for Peace", "date": "1994"}, *sweden]
    assert timeline_chart(finland).caption.endswith(
        "earlier, not drawn: Partnership for Peace (1994, 1994-05-09)."
    )
    # Montenegro's gap (MAP 2009 to the invitation of 2015) is 57% of its span: all drawn.
    montenegro = [
        {"label": "Partnership for Peace", "date": "2006-12-14"},
        {"label": "Membership Action Plan", "date": "2009-12-04"},
        {"label": "Invitation", "date": "2015-12-02"},
        {"label": "Membership", "date": "2017-06-05"},
    ]
    assert len(timeline_rows(timeline_chart(montenegro).spec)) == 4
    # A gap of most of a short span (West Germany: six months to the next step) is not long.
    germany = [
        {"label": "Accession protocol signed", "date": "1954-10-23"},
        {"label": "Membership", "date": "1955-05-06"},
        {"label": "First Council session", "date": "1955-05-09"},
    ]
    short = timeline_chart(germany)
    assert len(timeline_rows(short.spec)) == 3 and "not drawn" not in short.caption

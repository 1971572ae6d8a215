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
    AverageItem,
    ChartSpec,
    MapCandidate,
    MapMember,
    PollItem,
    RatificationItem,
    TimelineItem,
    map_chart,
    polls_chart,
    ratification_curve_chart,
    spec_json,
    timeline_chart,
)

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
        "curve": ratification_curve_chart(acts(), 28, date(2017, 1, 1)),
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


def test_every_chart_has_title_container_width_and_description() -> None:
    for name, chart in all_charts().items():
        spec = chart.spec
        assert spec["width"] == "container", name
        assert spec["title"], name
        assert spec["description"] == chart.caption, name
        assert (
            chart.to_json()
            == spec_json(spec)
            == json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        )


def test_timeline_spans_months_and_years_and_points_days() -> None:
    chart = timeline_chart(milestones())
    (rows,) = datasets_of(chart.spec)
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
    assert "4 milestones from 2008 to 2017-06-05" in chart.caption
    assert "Membership Action Plan, 2009-12" in chart.caption


def test_timeline_reads_dicts_and_keeps_repeated_labels_apart() -> None:
    chart = timeline_chart(
        [
            {"label": "Vote", "date": "2016-10"},
            {"label": "Vote", "date": "2016-12-01", "precision": "day"},
        ]
    )
    (rows,) = datasets_of(chart.spec)
    assert [(r["row"], r["precision"], r["kind"]) for r in rows] == [
        ("Vote", "month", "span"),
        ("Vote (2)", "day", "point"),
    ]
    (row,) = datasets_of(timeline_chart([{"label": "Signed", "date": date(2016, 5, 19)}]).spec)[0]
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


def test_ratification_curve_counts_members_once_until_as_of() -> None:
    items = [
        *acts(),
        RatificationItem("Belgium", "2016-12-30", "BE"),
        RatificationItem("Spain", "2017-03", "ES"),
    ]
    chart = ratification_curve_chart(items, 28, date(2017, 1, 1))
    spec = chart.spec
    rule_values = [values(spec, layer["data"]) for layer in spec["layer"][1:]]
    assert rule_values[0] == [{"n": 28, "text": "Required: 28"}]
    (rows,) = [v for v in datasets_of(spec) if v and "count" in v[0]]
    act_rows = [r for r in rows if r["kind"] == "act"]
    assert len(act_rows) == 26 and [r["count"] for r in act_rows] == list(range(1, 27))
    assert rows[-1] == {"day": "2017-01-01", "count": 26, "name": "", "date": "", "kind": "end"}
    assert [r["date"] for r in act_rows if r["name"] == "Belgium"] == ["2016-02-02"]
    assert chart.caption.startswith(
        "26 of 28 required ratifications by 2017-01-01; first Albania (2016-01-01)"
    )
    line = spec["layer"][0]["layer"][0]
    assert line["mark"]["interpolate"] == "step-after"


def test_ratification_curve_partial_dates_and_completion() -> None:
    chart = ratification_curve_chart(
        [{"name": "A", "date": "2016-05"}, {"name": "B", "date": "2016-04-02"}], 2
    )
    (rows,) = [v for v in datasets_of(chart.spec) if v and "count" in v[0]]
    assert [(r["name"], r["day"]) for r in rows] == [
        ("B", "2016-04-02"),
        ("A", "2016-05-31"),
        ("", "2016-05-31"),
    ]
    assert "the required number was reached with A (2016-05)" in chart.caption
    assert "No ratifications yet of 3 required" in ratification_curve_chart([], 3).caption


def test_polls_chart_has_one_datum_per_poll() -> None:
    chart = polls_chart(polls(), average(), y_field="share_for_decided")
    spec = chart.spec
    points, no_sample = [
        layer for layer in spec["layer"] if layer.get("name", "").startswith("polls")
    ]
    assert (points["name"], no_sample["name"]) == ("polls", "polls_no_sample")
    assert points["data"] == no_sample["data"]  # one dataset for both
    rows = spec["datasets"][points["data"]["name"]]
    assert len(rows) == 27
    assert sorted({r["pollster"] for r in rows}) == ["(unnamed)", "CEDEM", "Damar", "Ipsos"]
    assert sum(r["sample_size"] is None for r in rows) == 7
    assert {r["value"] for r in rows} == {p.share_for_decided for p in polls()}
    enc = points["encoding"]
    assert enc["size"]["field"] == "sample_size" and no_sample["mark"]["size"] == 60
    assert [t["field"] for t in enc["tooltip"]][:2] == ["pollster", "fieldwork"]
    assert spec["params"][0]["name"] == "pollster_pick"
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "area", "line", "circle", "point"]
    assert "27 polls by 4 pollsters" in chart.caption
    assert "7 polls without a sample size (open circles)" in chart.caption
    assert "average on 2016-12-15: 47% (43% to 51%)" in chart.caption


def test_polls_chart_without_average_or_values() -> None:
    chart = polls_chart([PollItem(None, "2016-05", None)])
    assert [layer["mark"]["type"] for layer in chart.spec["layer"]] == ["rule", "circle", "point"]
    assert chart.caption == "1 poll, none with a value for For (% of all answers)."
    with pytest.raises(ValueError, match="missing"):
        polls_chart([{"pollster": "X", "fieldwork": "2016"}], y_field="lead")

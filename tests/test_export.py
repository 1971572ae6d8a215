"""SVG/PNG export with vl-convert (offline), and the vendored front-end files."""

from __future__ import annotations

import hashlib
import importlib.resources
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from test_charts import acts, average, members, milestones, polls
from treatywatch.render import assets
from treatywatch.render.charts import (
    COLORS,
    MapCandidate,
    map_chart,
    ratification_curve_chart,
    timeline_chart,
)
from treatywatch.render.images import ExportError, chart_to_png, chart_to_svg, prepare
from treatywatch.render.poll_charts import polls_chart

SVG = "{http://www.w3.org/2000/svg}"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def map_svg() -> str:
    chart = map_chart(members(), MapCandidate("ME", "Montenegro"), assets.world_topojson())
    return chart_to_svg(chart.spec)


def _marks(node: Any, name: str) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("name") == name and "items" in node:
            yield node
        for value in node.values():
            yield from _marks(value, name)
    elif isinstance(node, list):
        for value in node:
            yield from _marks(value, name)


@pytest.mark.parametrize("kind", ["timeline", "curve", "polls"])
def test_svg_and_png_of_each_chart(kind: str) -> None:
    chart = {
        "timeline": lambda: timeline_chart(milestones()),
        "curve": lambda: ratification_curve_chart(acts(), 28, date(2017, 1, 1)),
        "polls": lambda: polls_chart(polls(), average()),
    }[kind]()
    svg = chart_to_svg(chart.spec)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("aria-label") == chart.alt and root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None
    assert root.findtext(f"{SVG}desc") == chart.caption
    assert int(root.get("width", "0")) >= 600  # "container" became a fixed width
    png = chart_to_png(chart.spec, scale=1)
    assert png.startswith(PNG_MAGIC)
    assert len(chart_to_png(chart.spec)) > len(png)  # scale 2 is bigger


def test_map_svg_with_inline_topojson_draws_countries(map_svg: str) -> None:
    root = ET.fromstring(map_svg)
    assert root.tag == f"{SVG}svg"
    paths = [p for p in root.iter(f"{SVG}path") if len(p.get("d", "")) > 50]
    assert len(paths) > 150  # 177 countries, less any clipped out of view
    # Every state of 2017, the candidate, the others (none has "no ratification in the
    # sources", COLORS[4]: NATO's rule makes membership show every ratification).
    assert set(COLORS) - {COLORS[4]} <= {p.get("fill") for p in paths}
    assert "Montenegro" in (root.findtext(f"{SVG}desc") or "")


def test_map_png_with_inline_topojson() -> None:
    chart = map_chart(members(), {"code": "ME", "name": "Montenegro"}, assets.world_topojson())
    assert chart_to_png(chart.spec, scale=1).startswith(PNG_MAGIC)


def test_map_draws_every_feature_and_polls_every_poll() -> None:
    import vl_convert

    chart = map_chart(members(), MapCandidate("ME", "Montenegro"), assets.world_topojson())
    scene = vl_convert.vegalite_to_scenegraph(prepare(chart.spec, 720, 360))
    (shapes,) = _marks(scene, "marks")
    assert len(shapes["items"]) == 177
    chart = polls_chart(polls(), average(), y_field="share_for_decided")
    scene = vl_convert.vegalite_to_scenegraph(prepare(chart.spec, 720, 360))
    (sized,) = _marks(scene, "polls_marks")
    (unsized,) = _marks(scene, "polls_no_sample_marks")
    assert (len(sized["items"]), len(unsized["items"])) == (2 * 20, 2 * 7)  # For and Against
    assert {item["size"] for item in unsized["items"]} == {60}


def test_map_with_a_url_cannot_be_exported() -> None:
    chart = map_chart(members(), None, assets.STATIC_URL_PREFIX + assets.WORLD_TOPOJSON)
    with pytest.raises(ExportError, match="URL"):
        chart_to_svg(chart.spec)


def test_prepare_fixes_sizes_and_leaves_the_spec_alone() -> None:
    spec = polls_chart(polls(3)).spec
    ready = prepare(spec, 500, 200)
    assert (ready["width"], ready["height"]) == (500, 300)
    assert spec["width"] == "container"


ROW = re.compile(
    r"^\| ([\w.-]+) \| [^|]+ \| [^|]+ \| ([\w-]+) \(`[^`]+`\) \| [^|]+ \| ([0-9a-f]{64}) \|$"
)


def test_vendored_files_match_recorded_sha256() -> None:
    lines = assets.vendor_text("VENDORED.md").splitlines()
    rows = [m.groups() for m in map(ROW.match, lines) if m]
    on_disk = {p.name for p in assets.vendor_dir().iterdir()} - {"VENDORED.md"}
    assert {name for name, _, _ in rows} == on_disk
    assert set(assets.VENDOR_FILES) <= on_disk
    for name, package, digest in rows:
        assert hashlib.sha256(assets.vendor_bytes(name)).hexdigest() == digest, name
        assert f"{package}.LICENSE" in on_disk, name


def test_vendored_versions_match_altair() -> None:
    import altair as alt

    head = assets.vendor_text("vega-lite.min.js")[:2000]
    assert f'"{alt.VEGALITE_VERSION}"' in head
    assert f"| vega-lite.min.js | Vega-Lite | {alt.VEGALITE_VERSION} |" in assets.vendor_text(
        "VENDORED.md"
    )


def test_assets_loader() -> None:
    vendor = importlib.resources.files("treatywatch") / "render" / "static" / "vendor"
    assert {p.name for p in vendor.iterdir()} >= set(assets.VENDOR_FILES)
    path = assets.vendor_path("vega.min.js")
    assert path.is_file() and path.read_bytes() == assets.vendor_bytes("vega.min.js")
    assert assets.vendor_text("vega-embed.min.js").startswith("!function")
    assert assets.vendor_url("vega.min.js") == "/static/vendor/vega.min.js"
    topo = assets.world_topojson()
    assert topo is assets.world_topojson()  # parsed once
    assert topo["type"] == "Topology" and len(topo["objects"]["countries"]["geometries"]) == 177
    for bad in ("../pyproject.toml", "", ".hidden", "nope.js"):
        with pytest.raises((ValueError, FileNotFoundError)):
            assets.vendor_text(bad)

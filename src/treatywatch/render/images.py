"""SVG and PNG export of Vega-Lite specs with vl-convert, offline.

vl-convert may not fetch anything: a spec must carry its data inline (for the
map, pass the parsed TopoJSON to ``map_chart``). A ``"container"`` width or
height, which only means something in a web page, becomes a fixed size. The
SVG gets the spec's description (the chart's short ``alt``) as its accessible name,
its title as ``<title>`` and the caption the spec carries in ``usermeta`` as ``<desc>``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from typing import Any
from xml.sax.saxutils import escape, quoteattr

DEFAULT_WIDTH = 720
DEFAULT_HEIGHT = 360


class ExportError(ValueError):
    """A spec that cannot be exported offline."""


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if path or key != "datasets":  # inline rows may have any keys
                yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}/{i}")


def prepare(spec: Mapping[str, Any], width: int, height: int) -> dict[str, Any]:
    """A copy of a spec ready for vl-convert: fixed sizes, checked to need no fetching."""
    out = copy.deepcopy(dict(spec))
    for path, node in _walk(out):
        if path.endswith("/data") and "url" in node:
            raise ExportError(f"data at {path} is a URL ({node['url']!r}); export needs values")
        if node.get("width") == "container":
            node["width"] = width
        if node.get("height") == "container":
            node["height"] = height
    return out


def _vl_version(spec: Mapping[str, Any]) -> str | None:
    """The spec's Vega-Lite minor version, if vl-convert has it (else its default)."""
    import vl_convert

    m = re.search(r"/v(\d+\.\d+)", str(spec.get("$schema", "")))
    return m.group(1) if m and m.group(1) in vl_convert.get_vegalite_versions() else None


def _title_text(spec: Mapping[str, Any]) -> str:
    title = spec.get("title")
    text = title.get("text", "") if isinstance(title, Mapping) else title or ""
    return " ".join(text) if isinstance(text, list) else str(text)


def _label(svg: str, spec: Mapping[str, Any]) -> str:
    """Give the SVG root role="img", an aria-label, a <title> and a <desc>."""
    title, name = _title_text(spec), str(spec.get("description") or "")
    meta = spec.get("usermeta")
    desc = str(meta.get("caption") or "") if isinstance(meta, Mapping) else ""
    desc = desc or name
    if not (title or name):
        return svg
    start = svg.index("<svg")
    end = svg.index(">", start)
    attrs = f" role={quoteattr('img')} aria-label={quoteattr(name or title)}"
    inner = f"<title>{escape(title or name)}</title>" + (
        f"<desc>{escape(desc)}</desc>" if desc else ""
    )
    return svg[:end] + attrs + ">" + inner + svg[end + 1 :]


def chart_to_svg(
    spec: Mapping[str, Any], *, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT
) -> str:
    """The chart as an SVG document (``width``/``height`` replace ``"container"``)."""
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(
        prepare(spec, width, height), vl_version=_vl_version(spec), allowed_base_urls=[]
    )
    return _label(svg, spec)


def chart_to_png(
    spec: Mapping[str, Any],
    scale: float = 2,
    *,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
) -> bytes:
    """The chart as PNG bytes, ``scale`` times the SVG's pixel size."""
    import vl_convert

    png: bytes = vl_convert.vegalite_to_png(
        prepare(spec, width, height),
        vl_version=_vl_version(spec),
        scale=scale,
        allowed_base_urls=[],
    )
    return png

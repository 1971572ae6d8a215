"""SVG and PNG export of Vega-Lite specs with vl-convert, offline.

vl-convert is not allowed to fetch anything: specs must carry their data inline
(for the map, pass the parsed TopoJSON to ``map_chart``). A ``"container"``
width or height, which only means something in a web page, becomes a fixed size.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from typing import Any

DEFAULT_WIDTH = 720
DEFAULT_HEIGHT = 360


class ExportError(ValueError):
    """A spec that cannot be exported offline."""


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(node, Mapping):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}/{i}")


def _fix_sizes(spec: dict[str, Any], width: int, height: int) -> dict[str, Any]:
    out = copy.deepcopy(spec)
    for _path, node in _walk(out):
        if not isinstance(node, dict):
            continue
        if node.get("width") == "container":
            node["width"] = width
        if node.get("height") == "container":
            node["height"] = height
    return out


def _check_offline(spec: Mapping[str, Any]) -> None:
    for path, node in _walk({k: v for k, v in spec.items() if k != "datasets"}):
        if path.endswith("/data") or path.endswith("/from/data") or path == "/data":
            if "url" in node:
                raise ExportError(
                    f"data at {path} is a URL ({node['url']!r}); export needs inline values"
                )


def _vl_version(spec: Mapping[str, Any]) -> str | None:
    import vl_convert

    m = re.search(r"/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
    if m is None:
        return None
    version = f"{m.group(1)}.{m.group(2)}"
    return version if version in vl_convert.get_vegalite_versions() else None


def _prepare(spec: Mapping[str, Any], width: int, height: int) -> tuple[dict[str, Any], str | None]:
    _check_offline(spec)
    return _fix_sizes(dict(spec), width, height), _vl_version(spec)


def chart_to_svg(
    spec: Mapping[str, Any], *, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT
) -> str:
    """The chart as an SVG document (``width``/``height`` replace ``"container"``)."""
    import vl_convert

    prepared, version = _prepare(spec, width, height)
    svg: str = vl_convert.vegalite_to_svg(prepared, vl_version=version, allowed_base_urls=[])
    return svg


def chart_to_png(
    spec: Mapping[str, Any],
    scale: float = 2,
    *,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
) -> bytes:
    """The chart as PNG bytes, ``scale`` times the SVG's pixel size."""
    import vl_convert

    prepared, version = _prepare(spec, width, height)
    png: bytes = vl_convert.vegalite_to_png(
        prepared, vl_version=version, scale=scale, allowed_base_urls=[]
    )
    return png

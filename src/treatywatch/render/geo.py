"""Where a map looks: the extent of the countries it is about, read from a TopoJSON.

A member's overseas territories (Alaska and Hawaii, French Guiana, Svalbard) would stretch
a frame of the North Atlantic to the whole world, so each country counts by its largest
polygon: the United States by its contiguous states, France by its metropolitan mainland.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# West, south, east, north in degrees.
Extent = tuple[float, float, float, float]
# Degrees added on every side of the countries' extent, so no coast touches the frame.
MARGIN = 2.0


def feature_key(geometry: Mapping[str, Any]) -> str:
    """How a map row names a TopoJSON geometry: its ISO numeric id, else ``name:`` its name."""
    if "id" in geometry:
        return str(geometry["id"])
    return f"name:{geometry.get('properties', {}).get('name')}"


def _arcs(topo: Mapping[str, Any]) -> list[list[tuple[float, float]]]:
    """Every arc as longitude, latitude points (undoing quantization's deltas)."""
    transform = topo.get("transform")
    out = []
    for arc in topo.get("arcs", []):
        if transform is None:
            out.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (kx, ky), (dx, dy) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for p in arc:
            x, y = x + p[0], y + p[1]
            points.append((x * kx + dx, y * ky + dy))
        out.append(points)
    return out


def _ring(
    arcs: list[list[tuple[float, float]]], indexes: Sequence[int]
) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for i in indexes:
        ring.extend(arcs[i] if i >= 0 else arcs[~i][::-1])
    return ring


def _area(ring: Sequence[tuple[float, float]]) -> float:
    """The ring's area in square degrees (enough to tell a mainland from an island)."""
    pairs = zip(ring, [*ring[1:], *ring[:1]], strict=True)
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairs)) / 2


def _mainland(
    arcs: list[list[tuple[float, float]]], geometry: Mapping[str, Any]
) -> list[tuple[float, float]]:
    """The outer ring of a geometry's largest polygon."""
    if geometry.get("type") == "Polygon":
        polygons = [geometry["arcs"]]
    elif geometry.get("type") == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return []
    rings = [_ring(arcs, polygon[0]) for polygon in polygons if polygon]
    return max(rings, key=_area, default=[])


def centres(topo: Mapping[str, Any], keys: Iterable[str]) -> dict[str, tuple[float, float]]:
    """The centre (of the bounding box) of the largest polygon of each feature named by
    ``keys`` that the TopoJSON draws, as longitude and latitude."""
    wanted = set(keys)
    geoms = topo.get("objects", {}).get("countries", {}).get("geometries", [])
    arcs = _arcs(topo)
    out = {}
    for g in geoms:
        if (key := feature_key(g)) in wanted and (ring := _mainland(arcs, g)):
            lons, lats = [p[0] for p in ring], [p[1] for p in ring]
            out[key] = ((min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2)
    return out


def around(
    topo: Mapping[str, Any], keys: Sequence[str], centre_key: str, reach: float
) -> tuple[list[str], list[str]]:
    """``keys`` split into those whose centre lies within ``reach`` degrees of longitude of
    ``centre_key``'s (or that the map cannot place) and those beyond."""
    placed = centres(topo, [*keys, centre_key])
    if centre_key not in placed:
        return list(keys), []
    lon = placed[centre_key][0]

    def distance(key: str) -> float:
        d = abs(placed[key][0] - lon) % 360.0
        return min(d, 360.0 - d)

    near = [k for k in keys if k not in placed or distance(k) <= reach]
    return near, [k for k in keys if k in placed and distance(k) > reach]


def extent_of(
    topo: Mapping[str, Any], keys: Iterable[str], margin: float = MARGIN
) -> Extent | None:
    """The extent of the largest polygon of each feature named by ``keys`` (see
    :func:`feature_key`), with a margin; None when the TopoJSON draws none of them."""
    wanted = set(keys)
    geoms = topo.get("objects", {}).get("countries", {}).get("geometries", [])
    chosen = [g for g in geoms if feature_key(g) in wanted]
    if not chosen:
        return None
    arcs = _arcs(topo)
    points = [p for g in chosen for p in _mainland(arcs, g)]
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return (
        round(max(-180.0, min(lons) - margin), 3),
        round(max(-90.0, min(lats) - margin), 3),
        round(min(180.0, max(lons) + margin), 3),
        round(min(90.0, max(lats) + margin), 3),
    )


def fit_feature(extent: Extent) -> dict[str, Any]:
    """Points along an extent's edges, as a GeoJSON feature a projection can fit the view to."""
    west, south, east, north = extent
    lons = [west + (east - west) * i / 8 for i in range(9)]
    lats = [south + (north - south) * i / 4 for i in range(5)]
    coords = [[lon, lat] for lon in lons for lat in (south, north)]
    coords += [[lon, lat] for lon in (west, east) for lat in lats[1:-1]]
    return {"type": "Feature", "properties": {},
            "geometry": {"type": "MultiPoint", "coordinates": coords}}  # fmt: skip

"""Vega-Lite specs as plain dicts, written as Altair writes them.

The charts were built with Altair; importing it and walking its schema classes took most of
a second of ``treatywatch report``. These helpers build the same dicts directly: the same
keys in the same order (Altair puts a schema class's required properties first, then the
others sorted), inline rows moved to the top-level ``datasets`` under Altair's names
(``data-`` and 32 hex digits of the SHA-256 of the rows' sorted-key JSON), and a layer's data
lifted to the layer when every layer in it shares the same rows object, as
``alt.layer`` does. ``tests/test_charts.py`` checks the specs against the Vega-Lite schema.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

# The Vega-Lite schema the specs are written for (Altair 6.0's).
SCHEMA_URL = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
VIEW_DEFAULTS = {"continuousWidth": 300, "continuousHeight": 300}
_TYPES = {"N": "nominal", "Q": "quantitative", "T": "temporal", "O": "ordinal"}
# Channels whose field definitions take no type (Altair drops the shorthand's).
_UNTYPED = {"x2", "y2"}


class Rows(list[dict[str, Any]]):
    """Inline rows: a data object of their own, named and moved to ``datasets`` at the end.
    Layers given the same ``Rows`` object share it (and a layer of them only gets it lifted)."""


def _sorted(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: props[k] for k in sorted(props)}


def field(shorthand: str, channel: str = "", **props: Any) -> dict[str, Any]:
    """An encoding's field definition from ``"name:T"`` shorthand and its properties."""
    name, _, kind = shorthand.partition(":")
    out: dict[str, Any] = {"field": name, **props}
    if kind and channel not in _UNTYPED:
        out["type"] = _TYPES[kind]
    return _sorted(out)


def encoding(**channels: Any) -> dict[str, Any]:
    """An encoding: shorthand strings become field definitions; channels sorted by name."""
    out = {}
    for name in sorted(channels):
        value = channels[name]
        out[name] = field(value, name) if isinstance(value, str) else value
    return out


def tips(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [field(f, title=title) for f, title in pairs]


def value(v: Any) -> dict[str, Any]:
    return {"value": v}


def condition(test: str, if_true: Any, if_false: Any, *, param: bool = False) -> dict[str, Any]:
    """A conditional value: on a test expression, or on a selection parameter's name."""
    return {"condition": {"param" if param else "test": test, "value": if_true}, "value": if_false}


def mark(kind: str, **props: Any) -> dict[str, Any]:
    return {"type": kind, **_sorted(props)}


def day_time(day: date) -> dict[str, Any]:
    """A Vega-Lite DateTime of a day, in UTC."""
    return {"date": day.day, "month": day.month, "utc": True, "year": day.year}


def unit(data: Rows | dict[str, Any], mark_: dict[str, Any], **props: Any) -> dict[str, Any]:
    """A single view: its data, mark and the other properties sorted."""
    return {"data": data, "mark": mark_, **_sorted(props)}


def layer(*layers: dict[str, Any], **props: Any) -> dict[str, Any]:
    """Layers; their data goes up to the layer when every one of them has the same rows."""
    parts = list(layers)
    out: dict[str, Any] = {"layer": parts}
    first = parts[0].get("data") if parts else None
    if first is not None and all(p.get("data") is first for p in parts):
        out["layer"] = [{k: v for k, v in p.items() if k != "data"} for p in parts]
        out["data"] = first
    return out | _sorted(props)


def top(spec: dict[str, Any], config: Mapping[str, Any], **props: Any) -> dict[str, Any]:
    """The top-level spec: config first, the spec, its properties (merged, sorted after the
    spec's first keys as Altair has them), ``$schema``, then the rows as ``datasets``."""
    head = [k for k in ("layer", "data", "mark") if k in spec]
    rest = {k: v for k, v in spec.items() if k not in head} | props
    out: dict[str, Any] = {"config": {"view": VIEW_DEFAULTS, **_sorted(config)}}
    out |= {k: spec[k] for k in head} | _sorted(rest)
    out["$schema"] = SCHEMA_URL
    datasets: dict[str, Any] = {}
    _name_rows(out, datasets)
    if datasets:
        out["datasets"] = datasets
    return out


def _dataset_name(rows: list[dict[str, Any]]) -> str:
    if rows == [{}]:
        return "empty"
    text = json.dumps(rows, sort_keys=True, default=str)
    return "data-" + hashlib.sha256(text.encode()).hexdigest()[:32]


def _name_rows(node: Any, datasets: dict[str, Any]) -> None:
    """Replace every ``Rows`` by ``{"name": ...}`` and keep them in ``datasets``, in the
    order the spec is read (each layer's data, then a lookup's)."""
    if isinstance(node, dict):
        for key, item in node.items():
            if isinstance(item, Rows):
                name = _dataset_name(item)
                datasets.setdefault(name, list(item))
                node[key] = {"name": name}
            else:
                _name_rows(item, datasets)
    elif isinstance(node, list):
        for item in node:
            _name_rows(item, datasets)

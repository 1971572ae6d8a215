"""Every public JSON shape has a JSON Schema, and every output keeps to it.

The shapes are typed dicts in ``treatywatch.serialize.shapes``; their schemas are written to
``docs/schemas/`` (regenerate with ``TREATYWATCH_UPDATE_SCHEMAS=1 pytest tests/test_shapes.py``).
The CLI's ``--json`` outputs are checked against them here, strictly (no key outside the
shape); the API's responses are checked by FastAPI itself (the shapes are its response
models) and by schemathesis against the OpenAPI document built from them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import TypeAdapter

from conftest import EXAMPLE, ROOT, Cli
from treatywatch.serialize import shapes

SCHEMAS = ROOT / "docs" / "schemas"


def shape_types() -> dict[str, Any]:
    return {
        name: value
        for name, value in vars(shapes).items()
        if isinstance(value, type) and hasattr(value, "__annotations__") and name[0].isupper()
        and (name.endswith("Shape") or name.endswith("Response"))
    }  # fmt: skip


def strict(schema: Any) -> Any:
    """The schema with ``additionalProperties: false`` on every object with named properties
    (typed dicts are closed: a key outside the shape is an error)."""
    if isinstance(schema, dict):
        out = {k: strict(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


def schema_of(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = TypeAdapter(shape_types()[name]).json_schema()
    return strict(schema)  # type: ignore[no-any-return]


def check(name: str, value: Any) -> None:
    jsonschema.validate(value, schema_of(name))


@pytest.mark.parametrize("name", sorted(shape_types()))
def test_the_documented_schema_is_the_shape(name: str) -> None:
    path = SCHEMAS / f"{name}.json"
    text = json.dumps(schema_of(name), indent=2, sort_keys=True) + "\n"
    if os.environ.get("TREATYWATCH_UPDATE_SCHEMAS"):
        SCHEMAS.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no schema for {name}: run with TREATYWATCH_UPDATE_SCHEMAS=1"
    assert path.read_text(encoding="utf-8") == text, f"docs/schemas/{name}.json is stale"


def test_every_documented_schema_is_a_shape() -> None:
    assert {p.stem for p in SCHEMAS.glob("*.json")} == set(shape_types())


def test_a_key_outside_the_shape_is_refused() -> None:
    date = {
        "edtf": "2017-06",
        "precision": "month",
        "earliest": "2017-06-01",
        "latest": "2017-06-30",
    }
    check("DateShape", date)
    with pytest.raises(jsonschema.ValidationError):
        check("DateShape", {**date, "extra": 1})
    with pytest.raises(jsonschema.ValidationError):
        check("DateShape", {k: v for k, v in date.items() if k != "precision"})


def test_cli_outputs_keep_to_their_shapes(cli: Cli, tmp_path: Path) -> None:
    (outcome,) = cli("import", EXAMPLE, "--json").json()
    check("OutcomeShape", outcome)
    for s in cli("processes", "--json").json():
        check("StatusShape", s)
    for day in ("2016-06-01", "2017-05-10", "2020-01-01"):
        status = cli("status", "montenegro-nato", "--as-of", day, "--json").json()
        check("StatusShape", status)
        for m in cli("ratifications", "montenegro-nato", "--as-of", day, "--json").json():
            check("MemberStatusShape", m)
        check("ForecastShape", cli("forecast", "montenegro-nato", "--as-of", day, "--json").json())
    for p in cli("polls", "montenegro-nato", "--json").json():
        check("PollShape", p)
    for a in cli("polls", "montenegro-nato", "--average", "--json").json():
        check("AverageShape", a)
    for e in cli("timeline", "montenegro-nato", "--json").json():
        check("TimelineEntryShape", e)
    for m in cli("members", "NATO", "--json").json():
        check("MemberSpeedShape", m)
    check("FindingsShape", cli("check", EXAMPLE, "--format", "json").json())
    check("FindingsShape", cli("check", EXAMPLE, "--json").json())
    check("BacktestShape", cli("backtest", "--json").json())


def test_status_dates_share_one_shape(cli: Cli) -> None:
    cli("import", EXAMPLE)
    s = cli("status", "montenegro-nato", "--json").json()
    for key in ("protocol_signed", "all_ratified_on", "member_since"):
        check("DateShape", s[key])
    assert s["member_since"]["edtf"] == "2017-06-05"


def test_a_provenance_names_the_document_as_given(cli: Cli) -> None:
    cli("import", EXAMPLE)
    status = cli("status", "montenegro-nato", "--json").json()
    provs = [a["provenance"] for m in status["members"] for a in m["acts"]]
    # Given by its absolute path (a bundled file): named as in the package (issue 13).
    assert provs and {p["name"] for p in provs} == {EXAMPLE.name}


def test_polls_and_forecast_name_their_sources_as_the_api_does(cli: Cli) -> None:
    cli("import", EXAMPLE)
    polls = cli("polls", "montenegro-nato", "--json").json()
    assert {p["provenance"]["name"] for p in polls} == {EXAMPLE.name}
    f = cli("forecast", "montenegro-nato", "--as-of", "2017-01-20", "--json").json()
    sources = [s for p in f["pending"] for h in p["history"] for s in h["sources"]]
    assert sources and all(s["name"] for s in sources)

"""The API keeps its promises: documented errors in one shape, Allow on 405, HEAD like GET."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

P = "/api/v1/processes/montenegro-nato"


def _operations(client: TestClient) -> list[tuple[str, dict[str, Any]]]:
    doc = client.get("/api/v1/openapi.json").json()
    return [(path, op["get"]) for path, op in doc["paths"].items()]


def test_every_error_status_is_documented_with_the_error_schema(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    error = doc["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    detail = doc["components"]["schemas"]["ErrorDetail"]
    assert detail["properties"]["status"]["type"] == "integer" and detail["required"] == [
        "status",
        "message",
    ]
    for path, op in _operations(client):
        responses = op["responses"]
        expected = {"400"}  # a Host the server does not answer to
        if "{" in path:
            expected.add("404")
        if any(p["in"] == "query" for p in op.get("parameters", [])):
            expected.add("422")
        assert expected <= set(responses), path
        for status in set(responses) - {"200"}:
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (path, status)
    assert "HTTPValidationError" not in doc["components"]["schemas"]


def test_csv_is_documented_as_csv(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    ok = doc["paths"][f"{P.replace('montenegro-nato', '{slug}')}/{{table}}.csv"]["get"]
    assert list(ok["responses"]["200"]["content"]) == ["text/csv"]


@pytest.mark.parametrize(
    "url",
    [
        f"{P}/status",
        "/api/v1/processes",
        "/processes/montenegro-nato",
        "/static/vendor/vega.min.js",
    ],
)
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_405_names_the_allowed_methods(client: TestClient, url: str, method: str) -> None:
    r = client.request(method, url)
    assert r.status_code == 405
    assert sorted(m.strip() for m in r.headers["allow"].split(",")) == ["GET", "HEAD"]
    if url.startswith("/api/"):
        assert r.json() == {"error": {"status": 405, "message": "Method Not Allowed"}}
    else:
        assert r.headers["content-type"].startswith("text/html")


def test_unknown_api_path_is_404_in_the_error_shape(client: TestClient) -> None:
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["status"] == 404


def test_an_unexpected_error_is_a_500_in_the_error_shape(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from treatywatch.web import app

    def broken(*args: object) -> None:
        raise RuntimeError("kaboom-internal")

    monkeypatch.setattr(app, "process_status", broken)
    quiet = TestClient(client.app, raise_server_exceptions=False)
    r = quiet.get("/api/v1/processes")
    assert r.status_code == 500
    assert r.json() == {
        "error": {"status": 500, "message": "internal error; please report it as a bug"}
    }
    page = quiet.get("/")
    assert page.status_code == 500 and "kaboom" not in page.text  # no internals shown


def test_path_parameters_say_what_they_take(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    chart = doc["paths"]["/api/v1/processes/{slug}/charts/{kind}"]["get"]["parameters"]
    schemas = {p["name"]: p["schema"] for p in chart}
    assert schemas["slug"]["examples"] == ["montenegro-nato"]
    assert "map" in schemas["kind"]["enum"] and "pie" not in schemas["kind"]["enum"]
    for kind in schemas["kind"]["enum"]:  # every documented chart exists (as of a day with all)
        assert client.get(f"{P}/charts/{kind}", params={"as_of": "2017-01-20"}).status_code == 200

"""The overview's parts are computed separately: a route computes only what it shows.

Lists, tables, CSVs and the status fit no poll average, make no forecast and compute no
members' speeds; the routes that show those parts do.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

P = "/api/v1/processes/montenegro-nato"
# Routes that show records only, with and without a day.
RECORD_ROUTES = [
    f"{P}/{tail}{query}"
    for tail in (
        "status",
        "milestones",
        "ratifications",
        "polls",
        "sources",
        "findings",
        "timeline",
        "charts/timeline",
        "charts/map",
        "charts/ratifications",
        *(f"{t}.csv" for t in ("milestones", "ratifications", "polls", "sources", "positions")),
        "findings.csv",
    )
    for query in ("", "?as_of=2016-12-31")
    if not (query and tail in ("sources", "findings", "timeline"))  # these take no day
]
# Routes that show a computed part: the average, the forecast or the speeds.
PART_ROUTES = [P, f"{P}/average", f"{P}/forecast", f"{P}/charts/polls", f"{P}/charts/forecast",
               f"{P}/charts/speeds", "/processes/montenegro-nato"]  # fmt: skip


class Computed(AssertionError):
    """A part was computed where it must not be."""


def _refuse(name: str) -> Any:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise Computed(f"{name} was called")

    return refuse


def _body(client: TestClient, route: str) -> Any:
    r = client.get(route)
    assert r.status_code == 200, route
    return r.text if ".csv" in route else r.json()


def _patch_statistics(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fitting an average, forecasting (or fitting its model) and speeds all raise."""
    from treatywatch.queries.derived import forget_memory
    from treatywatch.queries.forecasts import model_as_of
    from treatywatch.stats import forecast, pollmodel, speed

    model_as_of.cache_clear()  # a model cached by an earlier request would hide a forecast
    forget_memory()  # so would results remembered from an earlier request (queries/derived.py)

    monkeypatch.setattr(pollmodel, "fit_average", _refuse("fit_average"))
    monkeypatch.setattr(forecast, "forecast", _refuse("forecast"))
    monkeypatch.setattr(forecast, "fit", _refuse("fit"))
    monkeypatch.setattr(speed, "speed_table", _refuse("speed_table"))


@pytest.fixture
def no_statistics(monkeypatch: pytest.MonkeyPatch) -> None:
    _patch_statistics(monkeypatch)


def test_record_routes_compute_no_statistics(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {route: _body(client, route) for route in RECORD_ROUTES}
    _patch_statistics(monkeypatch)
    for route in RECORD_ROUTES:
        assert _body(client, route) == before[route], route


@pytest.mark.parametrize("route", PART_ROUTES)
@pytest.mark.usefixtures("no_statistics")
def test_routes_that_show_a_part_compute_it(client: TestClient, route: str) -> None:
    """The check above is not vacuous: the same patches stop every route that shows a part."""
    with pytest.raises(Computed):
        client.get(route)

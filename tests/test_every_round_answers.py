"""Every bundled round's page and forecast answer on any day, without a server error.

Regression: the 1952 round (no member's date in the record, member since 1952) made the
forecast run on for decades and the page answer 500 (OverflowError) as of 2016."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from treatywatch.web.app import create_app


def test_every_round_page_and_forecast_on_any_day(tmp_path: Path) -> None:
    with TestClient(create_app(str(tmp_path / "w.db"))) as client:
        slugs = [p["process"] for p in client.get("/api/v1/processes").json()["processes"]]
        assert len(slugs) >= 12
        for slug in slugs:
            for day in ("1990-01-01", "2016-12-31", "2021-06-30"):
                r = client.get(f"/api/v1/processes/{slug}/forecast", params={"as_of": day})
                assert r.status_code == 200, (slug, day, r.text)
            page = client.get(f"/processes/{slug}", params={"as_of": "2016-12-31"})
            assert page.status_code == 200, (slug, page.text[:300])
        old = client.get(
            "/api/v1/processes/nato-1952-greece-turkey/forecast", params={"as_of": "2016-12-31"}
        ).json()
        assert old["forecast"] is None

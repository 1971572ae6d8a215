"""Organizations with and without a member history in the reference data.

The EU's members are data (``data/eu-members.csv``); an organization without such a file
must say that its member list is unknown rather than count "0 of 0" or crash.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from treatywatch.store.db import Store

EU_ARTICLE = """= Croatia–European Union relations =

Croatia applied for membership on 21 February 2003. The Treaty of Accession was signed on 9 December 2011.

== Timeline ==
| Event | Date |
| Application | 2003-02-21 |
| Candidate status | 2004-06-18 |
| Treaty signed | 2011-12-09 |
| Ratification by: | |
| Slovakia | 2012-02-01 |
| Germany | 2013-06-21 |
| Membership | 2013-07-01 |

== Opinion polls ==
| Date | Pollster | Yes | No | Undecided |
| Jan 2012 | Ipsos | 60% | 30% | 10% |
| Dec 2011 | Ipsos | 55% | 35% | 10% |
"""


def _article(tmp_path: Path) -> Path:
    path = tmp_path / "croatia-eu.txt"
    path.write_text(EU_ARTICLE, encoding="utf-8")
    return path


def test_eu_status_counts_the_members_at_signature(cli: Cli, tmp_path: Path) -> None:
    assert cli("import", _article(tmp_path)).code == 0
    s = cli("status", "croatia-eu", "--as-of", "2012-06-01", "--json").json()
    assert s["members_known"] is True and (s["ratified_count"], s["required_count"]) == (1, 27)
    assert {"code": "GB", "name": "United Kingdom"} in s["pending"]


@pytest.fixture
def no_eu_members(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from treatywatch import reference
    from treatywatch.queries.forecasts import model_as_of
    from treatywatch.reference.rounds import load_rounds

    real = reference.organizations()
    stripped = {**real, "EU": dataclasses.replace(real["EU"], memberships=())}
    monkeypatch.setattr(reference, "organizations", lambda: stripped)
    # Cached history and models would otherwise carry the stripped EU into other tests.
    for cached in (load_rounds, model_as_of):
        cached.cache_clear()
    yield
    for cached in (load_rounds, model_as_of):
        cached.cache_clear()


@pytest.mark.usefixtures("no_eu_members")
def test_without_a_member_list_status_and_forecast_say_so(tmp_path: Path) -> None:
    from treatywatch.errors import NotFoundError
    from treatywatch.ingest import import_paths
    from treatywatch.queries.forecasts import process_forecast
    from treatywatch.queries.status import process_status

    with Store.memory() as store:
        import_paths(store, [_article(tmp_path)])
        s = process_status(store, "croatia-eu", date(2012, 6, 1))
        assert not s.members_known and s.required_count == 0 and s.ratified_count == 1
        assert "member list is not in the reference data" in s.stage_label
        assert [m.code for m in s.members] == ["DE", "SK"]
        with pytest.raises(NotFoundError, match="members required to ratify are unknown"):
            process_forecast(store, "croatia-eu", date(2012, 6, 1))


@pytest.mark.usefixtures("no_eu_members")
def test_without_a_member_list_pages_and_api(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from treatywatch.ingest import import_paths
    from treatywatch.web.app import create_app

    db = str(tmp_path / "eu.db")
    with Store.open(db) as store:
        import_paths(store, [_article(tmp_path)])
    with TestClient(create_app(db)) as client:
        page = client.get("/processes/croatia-eu", params={"as_of": "2012-06-01"})
        assert page.status_code == 200
        assert "member list is not in the reference data" in page.text
        assert "No forecast: the members required to ratify are unknown" in page.text
        data: Any = client.get("/api/v1/processes/croatia-eu").json()
        assert data["forecast"] is None and data["status"]["members_known"] is False
        assert data["status"]["required_count"] is None
        assert client.get("/").status_code == 200

"""An organization whose member history is not in the reference data (the EU): honest gaps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import Cli

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


def test_status_says_the_member_list_is_unknown(cli: Cli, tmp_path: Path) -> None:
    assert cli("import", _article(tmp_path)).code == 0
    s = cli("status", "croatia-eu", "--as-of", "2012-06-01", "--json").json()
    assert s["members_known"] is False and s["required_count"] is None
    assert (
        s["ratified_count"] == 1 and "member list is not in the reference data" in s["stage_label"]
    )
    assert [m["code"] for m in s["members"]] == ["DE", "SK"]
    r = cli("forecast", "croatia-eu", "--as-of", "2012-06-01")
    assert r.code == 3 and "members required to ratify are unknown" in r.err
    assert cli("check", "croatia-eu").code == 0


def test_pages_and_api_without_a_member_list(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from treatywatch.importing import import_paths
    from treatywatch.store.db import Store
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
        assert client.get("/").status_code == 200

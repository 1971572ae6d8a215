"""PostgreSQL end to end (psycopg 3), in a throwaway database (``pg_url`` in conftest).

The store's own tests run on both backends (tests/test_store.py); these add the CLI
and the dashboard. Runs when TREATYWATCH_TEST_PG is a postgresql:// URL of a role that may create
databases (.ci/run starts a local server and sets it); skipped otherwise, except
that CI sets TREATYWATCH_REQUIRE_PG=1 to make a missing server a failure.
"""

from __future__ import annotations

import os

import pytest

from treatywatch.ingest import read_text
from treatywatch.queries.status import process_status
from treatywatch.store.db import Store

pytestmark = pytest.mark.postgres


def test_postgres_round_trip_and_status(pg_url: str, example_text: str) -> None:
    with Store.open(pg_url) as store:
        assert store.dialect == "postgresql"
        assert [v for v, _ in store.schema_versions()] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        doc = read_text(example_text, "example.txt")
        assert store.import_documents([doc])[0].action == "imported"
        assert store.import_documents([doc])[0].action == "unchanged"
        assert store.polls(doc.process.slug) == list(doc.polls)
        assert store.acts(doc.process.slug) == list(doc.acts + doc.prose_acts)
        from datetime import date

        s = process_status(store, "montenegro-nato", date(2016, 12, 31))
        assert (s.ratified_count, s.required_count) == (11, 28)


def test_postgres_failed_import_rolls_back(pg_url: str, example_text: str) -> None:
    with Store.open(pg_url) as store:
        good = read_text(example_text, "a.txt")
        bad = read_text(example_text.replace("Montenegro–NATO", "Albania–NATO"), "b.txt")
        object.__setattr__(bad.polls[3], "fieldwork", None)
        with pytest.raises(AttributeError):
            store.import_documents([good, bad])
        assert all(n == 0 for n in store.table_counts().values())
    with Store.open(pg_url) as again:
        assert again.migrate() == []


def test_cli_and_dashboard_on_postgres(pg_url: str) -> None:
    import json
    import subprocess
    import sys

    from fastapi.testclient import TestClient

    from treatywatch.web.app import create_app

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "TREATYWATCH_DB": pg_url}
        return subprocess.run(
            [sys.executable, "-m", "treatywatch", *args], capture_output=True, text=True, env=env
        )

    assert run("import", "--example").returncode == 0
    assert "unchanged" in run("import", "--example").stdout
    s = json.loads(run("status", "montenegro-nato", "--as-of", "2016-12-31", "--json").stdout)
    assert (s["ratified_count"], len(s["pending"])) == (11, 17)
    assert run("check", "montenegro-nato").returncode == 1
    with TestClient(create_app(pg_url)) as client:
        page = client.get("/processes/montenegro-nato", params={"as_of": "2016-12-31"})
        assert page.status_code == 200 and "11 of 28" in page.text
        findings = client.get("/api/v1/processes/montenegro-nato/findings").json()
        assert findings["summary"]["by_severity"]["error"] == 2

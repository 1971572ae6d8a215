"""Recording what happens: new processes, dated acts with their source, corrections that
supersede without overwriting, --known-on against --as-of, and the write API."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from treatywatch.store.db import Store

SECRET = "s3cret-token-of-the-newsroom"


def _new(cli: Cli) -> None:
    r = cli(
        "new",
        "my-sweden",
        "--organization",
        "NATO",
        "--candidate",
        "Sweden",
        "--signed",
        "2022-07-05",
        "--source",
        "https://www.nato.int/",
        "--recorded-on",
        "2022-07-05",
    )
    assert r.code == 0, r.err


def test_new_then_three_acts_with_aliases(cli: Cli) -> None:
    _new(cli)
    s = cli("status", "my-sweden", "--json").json()
    assert (
        s["ratified_count"] == 0
        and s["required_count"] == 30
        and s["protocol_signed"]["edtf"] == "2022-07-05"
    )
    for member, day in (("Türkiye", "2024-01-25"), ("HU", "2024-03-05"), ("Turkey", "2024-01-23")):
        act = "ratified" if member != "Turkey" else "parliament_approval"
        r = cli(
            "record",
            "my-sweden",
            "--member",
            member,
            "--act",
            act,
            "--date",
            day,
            "--source",
            "https://example.org/news",
            "--quote",
            "ratified the protocol",
        )
        assert r.code == 0, r.err
    s = cli("status", "my-sweden", "--as-of", "2024-03-06", "--json").json()
    assert s["ratified_count"] == 2
    rows = {m["code"]: m for m in cli("ratifications", "my-sweden", "--json").json()}
    assert rows["TR"]["state"] == "ratified" and rows["TR"]["ratified_on"]["edtf"] == "2024-01-25"
    assert {a["act"] for a in rows["TR"]["acts"]} == {"ratified", "parliament_approval"}
    # Every recorded act cites its source, and its own record (who, when) by name
    act = rows["HU"]["acts"][0]
    assert act["provenance"]["url"] == "https://example.org/news"
    assert act["provenance"]["name"].startswith("record by ")


def test_bad_records_are_refused_and_change_nothing(cli: Cli) -> None:
    _new(cli)
    before = cli("ratifications", "my-sweden", "--json").out
    for args, message in (
        (("--member", "Narnia"), "not a country"),
        (("--member", "SE"), "not among the members required"),
        (("--member", "FI"), "not among the members required"),  # not a member on signature day
        (("--date", "2999-01-01"), "after the day it is recorded"),
        (("--date", "25 January"), "not a date"),
    ):
        base = {"--member": "HU", "--date": "2024-03-05"}
        base.update(dict(zip(args[::2], args[1::2], strict=True)))
        r = cli(
            "record",
            "my-sweden",
            "--act",
            "ratified",
            "--source",
            "https://x.org",
            *[x for kv in base.items() for x in kv],
        )
        assert r.code == 2 and message in r.err, (args, r.err)
    assert cli("ratifications", "my-sweden", "--json").out == before
    r = cli(
        "record",
        "no-such",
        "--member",
        "HU",
        "--act",
        "ratified",
        "--date",
        "2024-03-05",
        "--source",
        "x",
    )
    assert r.code == 3
    r = cli("new", "my-sweden", "--organization", "NATO", "--candidate", "SE")
    assert r.code == 2 and "already exists" in r.err
    r = cli("new", "x", "--organization", "Warsaw Pact", "--candidate", "SE")
    assert r.code == 2 and "unknown organization" in r.err


def test_known_on_shows_what_was_known_before_a_correction(cli: Cli) -> None:
    """A date first recorded wrong, then corrected: --as-of asks what had happened,
    --known-on what the store knew; the superseded act stays on record."""
    _new(cli)
    assert (
        cli(
            "record",
            "my-sweden",
            "--member",
            "HU",
            "--act",
            "ratified",
            "--date",
            "2024-03-02",
            "--source",
            "https://example.org/first-report",
            "--recorded-on",
            "2024-03-02",
        ).code
        == 0
    )
    assert (
        cli(
            "record",
            "my-sweden",
            "--member",
            "HU",
            "--act",
            "ratified",
            "--date",
            "2024-03-05",
            "--source",
            "https://example.org/gazette",
            "--correction",
            "--recorded-on",
            "2024-03-06",
        ).code
        == 0
    )

    def hungary(*args: str) -> dict[str, Any]:
        rows = cli("ratifications", "my-sweden", *args, "--json").json()
        return next(m for m in rows if m["code"] == "HU")

    now = hungary()
    assert now["ratified_on"]["edtf"] == "2024-03-05"
    then = hungary("--known-on", "2024-03-03")
    assert then["ratified_on"]["edtf"] == "2024-03-02"  # the first report, before the correction
    assert hungary("--as-of", "2024-03-03")["state"] == "pending"  # by then it had not happened
    # the day before the process was recorded, the store knew of no signature, no members
    assert cli("ratifications", "my-sweden", "--known-on", "2022-07-04", "--json").json() == []
    # Nothing overwritten: both acts are in the export, the correction marked
    events = cli("export", "my-sweden", "--format", "csv").out
    assert "2024-03-02" in events and "ratified; correction=yes" in events
    out = cli("status", "my-sweden", "--known-on", "2024-03-03").out
    assert "as known on 2024-03-03" in out
    assert "ratified: 1 of 30" in out  # Hungary, by the first report


# -- the write API -------------------------------------------------------------------------


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from treatywatch.web.app import create_app
    from treatywatch.web.writes import parse_tokens

    db = str(tmp_path / "w.db")
    with TestClient(create_app(db, write_tokens=parse_tokens(f"newsroom:{SECRET}"))) as c:
        c.db = db  # type: ignore[attr-defined]
        yield c


def test_writes_need_the_token(writer: Any, caplog: pytest.LogCaptureFixture) -> None:
    body = {
        "slug": "api-sweden",
        "organization": "NATO",
        "candidates": ["SE"],
        "signed": "2022-07-05",
    }
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {SECRET}"},
        {"Authorization": "Bearer "},
    ):
        r = writer.post("/api/v1/processes", json=body, headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
        assert r.json()["error"]["status"] == 401
    with Store.open(writer.db) as s:
        assert "api-sweden" not in {p.slug for p in s.processes()}
    auth = {"Authorization": f"Bearer {SECRET}"}
    with caplog.at_level(logging.INFO, logger="treatywatch.writes"):
        r = writer.post("/api/v1/processes", json=body, headers=auth)
        assert r.status_code == 201 and r.json()["required_count"] == 30
        r = writer.post(
            "/api/v1/processes/api-sweden/acts",
            headers=auth,
            json={
                "member": "Türkiye",
                "act": "ratified",
                "date": "2024-01-25",
                "source": "https://www.resmigazete.gov.tr/",
                "quote": "Resmî Gazete",
            },
        )
        assert r.status_code == 201, r.text
        assert r.json()["member"]["code"] == "TR" and r.json()["provenance"]["url"].startswith(
            "https://"
        )
    logged = " ".join(m for m in caplog.messages)
    assert "by API token newsroom" in logged and "api-sweden TR ratified 2024-01-25" in logged
    # Reads stay open; the act counts
    s = writer.get("/api/v1/processes/api-sweden/status").json()
    assert s["ratified_count"] == 1
    # Refused values: 422 in the one error shape, nothing stored
    r = writer.post(
        "/api/v1/processes/api-sweden/acts",
        headers=auth,
        json={"member": "Atlantis", "act": "ratified", "date": "2024-01-25", "source": "x"},
    )
    assert r.status_code == 422 and "not a country" in r.json()["error"]["message"]
    r = writer.post(
        "/api/v1/processes/nothing/acts",
        headers=auth,
        json={"member": "HU", "act": "ratified", "date": "2024-01-25", "source": "x"},
    )
    assert r.status_code == 404
    assert writer.get("/api/v1/processes/api-sweden/status").json()["ratified_count"] == 1


def test_without_tokens_there_are_no_writes(client: Any) -> None:
    r = client.post("/api/v1/processes", json={})
    assert r.status_code == 405
    doc = client.get("/api/v1/openapi.json").json()
    assert "post" not in doc["paths"]["/api/v1/processes"]


def test_writes_are_documented(writer: Any) -> None:
    doc = writer.get("/api/v1/openapi.json").json()
    post = doc["paths"]["/api/v1/processes/{slug}/acts"]["post"]
    assert {"201", "401", "404", "422"} <= set(post["responses"])


def test_short_secrets_are_refused() -> None:
    from treatywatch.errors import InputError
    from treatywatch.web.writes import parse_tokens

    with pytest.raises(InputError):
        parse_tokens("me:short")
    assert [t.name for t in parse_tokens(f"a:{SECRET},b:{SECRET}x")] == ["a", "b"]


def test_the_cli_offers_every_act_kind() -> None:
    from treatywatch.cli.write_commands import ActChoice
    from treatywatch.domain.model import ActKind

    assert {a.value for a in ActChoice} == {k.value for k in ActKind}


def test_known_on_before_the_store_had_the_process_says_so(cli: Cli) -> None:
    # A bundled round is recorded on first use (today): on an earlier day the store knew
    # nothing of it, which each command says in one line instead of an empty answer.
    for command in ("status", "ratifications", "timeline"):
        out = " ".join(cli(command, "nato-2024-sweden", "--known-on", "2020-01-01").out.split())
        assert out.startswith("nothing about nato-2024-sweden was on record on 2020-01-01: the "
                              "store first recorded it on "), (command, out)  # fmt: skip
        assert "not started" not in out and "0 of 0" not in out
    today = cli("status", "nato-2024-sweden", "--known-on", date.today().isoformat()).out
    assert "nothing about" not in today and "stage: Member" in today

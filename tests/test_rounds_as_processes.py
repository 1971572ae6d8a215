"""Every bundled past round is a process (issue 11, part 1): on a fresh store, without an
import, with its acts' sources, through the CLI and the API."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import Cli
from treatywatch import serialize
from treatywatch.ingest import load_bundled_rounds
from treatywatch.queries.status import process_status
from treatywatch.reference.rounds import load_rounds
from treatywatch.store.db import Store

ROUNDS = {r.id: r for r in load_rounds()}


def test_a_fresh_store_holds_every_round_once(any_store: Store) -> None:
    outcomes = load_bundled_rounds(any_store)
    assert {o.process for o in outcomes} == set(ROUNDS)
    assert load_bundled_rounds(any_store) == []  # unchanged files are not stored again
    assert {p.slug for p in any_store.processes()} == set(ROUNDS)


def test_each_round_answers_as_of_any_day(any_store: Store) -> None:
    load_bundled_rounds(any_store)
    for r in ROUNDS.values():
        before = process_status(any_store, r.id, r.signature.lower() - timedelta(days=1))
        assert before.ratified_count == 0 and before.member_since is None, r.id
        signed = process_status(any_store, r.id, r.signature.upper())
        assert signed.protocol_signed == r.signature, r.id
        after = process_status(any_store, r.id, date(2026, 1, 1))
        assert after.member_since == r.membership, r.id
        if r.complete:  # every required member's date is sourced: all ratified
            assert after.ratified_count == after.required_count == r.coverage().required, r.id


def test_sweden_as_of_a_day(any_store: Store) -> None:
    load_bundled_rounds(any_store)
    mid = process_status(any_store, "nato-2024-sweden", date(2023, 6, 1))
    assert mid.member_since is None and {"HU", "TR"} <= {m.code for m in mid.pending}
    assert mid.required_count == 30
    done = process_status(any_store, "nato-2024-sweden", date(2024, 3, 8))
    assert str(done.member_since) == "2024-03-07" and done.stage == "membership"
    assert "HU" not in {m.code for m in done.pending} and "TR" not in {m.code for m in done.pending}


def test_every_act_keeps_its_kind_and_source_row(any_store: Store) -> None:
    load_bundled_rounds(any_store)
    for r in ROUNDS.values():
        stored = any_store.acts(r.id)
        expected = [a for a in r.acts if a.kind is not None and a.member_code]
        assert len(stored) == len(expected), r.id
        assert {(a.member_code, a.kind, a.date) for a in stored} == {
            (a.member_code, a.kind, a.date) for a in expected
        }
        for a in stored:
            p = serialize.provenance(a.provenance, any_store.document_paths(r.id))
            assert p["name"] == r.file and p["url"] and p["quote"], r.id


def test_processes_status_and_api_for_a_round(cli: Cli, tmp_path: Path) -> None:
    listed = cli("processes", "--json").json()
    assert {p["process"] for p in listed} == set(ROUNDS)
    text = cli("processes")
    assert text.code == 0 and "complete" in text.out and "dates missing" in text.out
    s = cli("status", "nato-2024-sweden", "--as-of", "2024-03-08", "--json").json()
    assert s["member_since"]["edtf"] == "2024-03-07"
    assert cli("timeline", "nato-2023-finland", "--json").code == 0
    assert cli("ratifications", "eu-2013-croatia", "--json").code == 0
    assert cli("forecast", "nato-2024-sweden", "--as-of", "2023-06-01", "--json").code == 0


@pytest.mark.parametrize("slug", ["nato-2024-sweden", "eu-2004-ten"])
def test_api_routes_answer_for_a_round(tmp_path: Path, slug: str) -> None:
    from fastapi.testclient import TestClient

    from treatywatch.web.app import create_app

    with TestClient(create_app(str(tmp_path / "w.db"))) as c:
        home = c.get("/")
        assert home.status_code == 200 and f"/processes/{slug}" in home.text
        for route in ("", "/status", "/ratifications", "/milestones", "/timeline", "/sources"):
            r = c.get(
                f"/api/v1/processes/{slug}{route}",
                params={"as_of": "2023-06-01"} if route in ("", "/status") else None,
            )
            assert r.status_code == 200, (route, r.text)
        assert c.get(f"/processes/{slug}").status_code == 200

"""Every command that prints data takes --json and prints JSON, only JSON, to stdout."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import EXAMPLE, Cli

FIXTURES = Path(__file__).parent / "fixtures" / "polls"


def test_every_data_command_prints_json(cli: Cli) -> None:
    assert cli("import", EXAMPLE, "--json").code == 0
    commands = [
        ("processes",),
        ("status", "montenegro-nato"),
        ("timeline", "montenegro-nato"),
        ("ratifications", "montenegro-nato"),
        ("polls", "montenegro-nato"),
        ("members", "NATO"),
        ("forecast", "nato-2024-sweden", "--as-of", "2023-06-01"),
        ("check", "montenegro-nato"),
        ("backtest",),
        ("polls-eval", FIXTURES / "polls.csv", FIXTURES / "outcomes.csv"),
        ("new", "mine", "--organization", "NATO", "--candidate", "SE", "--signed", "2022-07-05"),
        (
            "record",
            "mine",
            "--member",
            "HU",
            "--act",
            "ratified",
            "--date",
            "2024-03-05",
            "--source",
            "https://example.org/",
        ),
    ]
    for args in commands:
        r = cli(*args, "--json")
        assert r.code in (0, 1), (args, r.err)  # check exits 1 when it finds errors
        json.loads(r.out)  # stdout is JSON and nothing else


def test_processes_json_lists_every_round(cli: Cli) -> None:
    cli("import", EXAMPLE)
    rows = cli("processes", "--json").json()
    assert len(rows) >= 13
    assert {"montenegro-nato", "nato-2024-sweden", "eu-2013-croatia"} <= {
        r["process"] for r in rows
    }

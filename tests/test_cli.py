"""The command line, run as users run it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer

from conftest import EXAMPLE, Cli
from treatywatch.cli import app
from treatywatch.reference.rounds import load_rounds

BUNDLED = {r.id for r in load_rounds()}


def test_import_reports_counts(cli: Cli) -> None:
    r = cli("import", EXAMPLE, "--json")
    assert r.code == 0, r.err
    (o,) = r.json()
    counts = o["counts"]
    assert (counts["milestones"], counts["ratifications"], counts["polls"]) == (8, 28, 27)
    assert counts["relations"] == 31
    assert o["action"] == "imported"
    text = cli("import", EXAMPLE)
    assert "unchanged" in text.out and "8 milestones" in text.out


def test_status_as_of(cli: Cli) -> None:
    cli("import", "--example")
    s = cli("status", "montenegro-nato", "--as-of", "2016-12-31", "--json").json()
    assert (s["ratified_count"], s["required_count"]) == (11, 28)
    assert len(s["pending"]) == 17 and {"code": "ES", "name": "Spain"} in s["pending"]
    assert s["member_since"] is None
    s = cli("status", "Montenegro", "--as-of", "2017-05-10", "--json").json()
    assert (s["ratified_count"], [p["name"] for p in s["pending"]]) == (27, ["Spain"])
    s = cli("status", "montenegro-nato", "--json").json()
    assert s["member_since"]["edtf"] == "2017-06-05" and s["stage"] == "membership"


def test_polls_json_keeps_precision(cli: Cli) -> None:
    cli("import", "--example")
    polls = cli("polls", "montenegro-nato", "--json").json()
    assert len(polls) == 27
    nspm = next(p for p in polls if p["pollster"] == "NSPM")
    start, end = nspm["fieldwork"]["start"], nspm["fieldwork"]["end"]
    assert (start["edtf"], end["edtf"], start["precision"]) == (
        "2016-05-28",
        "2016-06-05",
        "day",
    )
    oct14 = next(p for p in polls if p["fieldwork"]["edtf"] == "2014-10")
    start = oct14["fieldwork"]["start"]
    assert (start["edtf"], start["precision"], oct14["pollster"]) == (
        "2014-10",
        "month",
        None,
    )


def test_timeline_merges_table_and_prose(cli: Cli) -> None:
    cli("import", "--example")
    t = cli("timeline", "montenegro-nato", "--json").json()
    typed = {e["kind"]: e for e in t if e["kind"] != "event"}
    for kind, table_line, prose_line in [
        ("intensified_dialogue", 81, 10),
        ("invitation", 83, 24),
        ("protocol_signed", 84, 7),
        ("domestic_ratification", 85, 28),
        ("membership", 115, 28),
    ]:
        lines = {s["line_start"] for s in typed[kind]["sources"]}
        assert {table_line, prose_line} <= lines, kind
        assert sum(e["kind"] == kind for e in t) == 1, kind
    assert typed["membership_action_plan"]["date"] == {
        "edtf": "2009-12-04",
        "precision": "day",
        "earliest": "2009-12-04",
        "latest": "2009-12-04",
    }
    vague = [e for e in t if e["qualifier"] == "late"]
    assert vague and vague[0]["date"]["edtf"] == "2007"
    text = cli("timeline", "montenegro-nato")
    assert text.code == 0 and "late 2007" in text.out


def test_ratifications_and_processes(cli: Cli) -> None:
    cli("import", "--example")
    r = cli("ratifications", "montenegro-nato", "--as-of", "2016-12-31", "--json").json()
    assert sum(m["state"] == "ratified" for m in r) == 11
    us = next(
        m for m in cli("ratifications", "montenegro-nato", "--json").json() if m["code"] == "US"
    )
    assert [a["act"] for a in us["acts"]] == [
        "parliament_approval",
        "head_of_state_signature",
        "ratified",
    ]
    assert "montenegro-nato" in [p["process"] for p in cli("processes", "--json").json()]


def test_check_formats_and_exit_codes(cli: Cli, tmp_path: Path) -> None:
    r = cli("check", EXAMPLE)
    assert r.code == 1
    assert f"{EXAMPLE}:35" in r.out and "poll-lead-mismatch" in r.out and "errors (2)" in r.out
    data = cli("check", EXAMPLE, "--format", "json").json()
    assert data["summary"]["by_severity"]["error"] == 2
    sarif = cli("check", EXAMPLE, "--format", "sarif").json()
    assert (
        sarif["version"] == "2.1.0" and len(sarif["runs"][0]["results"]) == data["summary"]["total"]
    )
    gh = cli("check", EXAMPLE, "--format", "github")
    assert gh.out.startswith("::") and f"file={EXAMPLE},line=35" in gh.out
    cli("import", "--example")
    stored = cli("check", "montenegro-nato", "--format", "json").json()
    assert stored["summary"] == data["summary"]
    clean = tmp_path / "clean.txt"
    text = EXAMPLE.read_text(encoding="utf-8")
    clean.write_text(
        text.replace("| 54.2 | 45.8 | 10.0 |", "| 54.2 | 45.8 | 8.4 |").replace(
            "| 56 | 44 | 10 |", "| 56 | 44 | 12 |"
        ),
        encoding="utf-8",
    )
    assert cli("check", clean).code == 0
    assert cli("check", tmp_path / "missing.txt").code == 2
    assert cli("check", EXAMPLE, "--format", "xml").code == 2


def _db_bytes(cli: Cli) -> bytes:
    return cli.db.read_bytes()


@pytest.mark.parametrize("kind", ["missing", "empty", "binary", "latin1", "huge", "directory"])
def test_unreadable_input_exit_2_and_store_unchanged(cli: Cli, tmp_path: Path, kind: str) -> None:
    cli("import", "--example")
    before = _db_bytes(cli)
    path = tmp_path / f"{kind}.txt"
    if kind == "empty":
        path.write_text("")
    elif kind == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    elif kind == "latin1":
        path.write_bytes("= Montenegro–NATO relations =\nCaf\xe9\n".encode()[:-7] + b"Caf\xe9\n")
    elif kind == "huge":
        with path.open("wb") as f:
            f.truncate(100 * 1024 * 1024)  # 100 MB, sparse
    elif kind == "directory":
        path.mkdir()
    r = cli("import", path)
    assert r.code == 2, (r.out, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0]
    assert _db_bytes(cli) == before


def test_not_utf8_names_the_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(b"= Montenegro\xe2\x80\x93NATO relations =\n\nline three \xe9\n")
    r = cli("import", path)
    assert r.code == 2 and f"{path}:3: not UTF-8" in r.err


def test_strict_aborts_on_bad_rows(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace(
            "| Nov 2015 | CEDEM | 49.8 |", "| Nov 2015 | CEDEM | x |"
        ),
        encoding="utf-8",
    )
    r = cli("import", bad, "--strict")
    # Named as import names what it stores: by its file name when given by absolute path.
    assert r.code == 1 and "treatywatch: error: bad.txt:43:" in r.err
    # Nothing imported: the store holds the bundled past rounds only (issue 11).
    assert {p["process"] for p in cli("processes", "--json").json()} == BUNDLED
    lenient = cli("import", bad, "--json")
    assert lenient.code == 0 and lenient.json()[0]["counts"]["polls"] == 26
    assert lenient.json()[0]["problems"][0]["line"] == 43


def test_unknown_process_and_bad_date(cli: Cli) -> None:
    cli("import", "--example")
    r = cli("status", "atlantis")
    assert r.code == 3 and "no process 'atlantis'" in r.err
    r = cli("status", "montenegro-nato", "--as-of", "31/12/2016")
    assert r.code == 2 and "--as-of" in r.err


def test_every_command_has_help_ending_with_an_example() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    for name, command in group.commands.items():
        assert command.help, name
        assert command.help.strip().splitlines()[-1].startswith("Example: treatywatch "), name


def test_report_and_chart_files(cli: Cli, tmp_path: Path) -> None:
    cli("import", "--example")
    out = tmp_path / "report.html"
    r = cli("report", "montenegro-nato", "-o", out, "--as-of", "2016-12-31")
    assert r.code == 0, r.err
    html = out.read_text(encoding="utf-8")
    assert "11 of 28" in html and "<script src=" not in html  # scripts are inline
    assert 'id="doc-' in html  # the source text travels with the report
    svg = tmp_path / "map.svg"
    r = cli("chart", "montenegro-nato", "map", "-o", svg, "--as-of", "2016-12-31")
    assert r.code == 0, r.err
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<svg")
    png = tmp_path / "polls.png"
    assert cli("chart", "montenegro-nato", "polls", "-o", png).code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert cli("chart", "montenegro-nato", "pie", "-o", svg).code == 2
    assert cli("chart", "montenegro-nato", "map", "-o", tmp_path / "map.gif").code == 2


def test_demo_without_serving(cli: Cli) -> None:
    r = cli("demo", "--no-serve")
    assert r.code == 0, r.err
    assert "11 of 28" in r.out and "member since: 2017-06-05" in r.out


def test_polls_average(cli: Cli) -> None:
    cli("import", "--example")
    (avg,) = cli("polls", "montenegro-nato", "--average", "--json").json()
    assert avg["polls"] == 27 and avg["series"] == ""
    assert {"CEDEM", "Ipsos", "DAMAR"} <= set(avg["house_effects"])
    last = avg["at_last_poll"]
    assert last["lower"] < last["for"] < last["upper"]
    assert 30 < last["for"] < 70
    early = cli("polls", "montenegro-nato", "--average", "--as-of", "2013-12-31", "--json").json()
    assert early[0]["polls"] == 10 and early[0]["last_poll"] <= "2013-12-31"
    text = cli("polls", "montenegro-nato", "--average")
    assert text.code == 0 and "house effect" in text.out and "DAMAR" in text.out


def test_polls_eval_on_a_fixture(cli: Cli, tmp_path: Path) -> None:
    fixtures = Path(__file__).parent / "fixtures" / "polls"
    out = tmp_path / "eval.json"
    r = cli("polls-eval", fixtures / "polls.csv", fixtures / "outcomes.csv", "-o", out)
    assert r.code == 0, r.err
    assert "model" in r.out and "loess" in r.out
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data
    # --json prints the same JSON to standard output, and nothing else
    r = cli("polls-eval", fixtures / "polls.csv", fixtures / "outcomes.csv", "--json")
    assert r.code == 0
    printed = r.json()
    # how long the run took: the one figure that differs from one run to the next
    assert printed.pop("seconds") >= 0 and data.pop("seconds") >= 0
    assert printed == data
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "race,poll_id,pollster,fieldwork_start,fieldwork_end,sample_size,option,share\n"
        "r1,p1,X,2020-01-02,2020-01-01,500,yes,40\n",
        encoding="utf-8",
    )
    r = cli("polls-eval", bad, fixtures / "outcomes.csv")
    assert r.code == 2 and "bad.csv" in r.err and len(r.err.strip().splitlines()) == 1


def test_members_speeds_trace_to_source_rows(cli: Cli) -> None:
    cli("import", "--example")
    rows = cli("members", "NATO", "--json").json()
    by_code = {r["member"]["code"]: r for r in rows}
    assert {"US", "TR", "HU", "ES"} <= set(by_code)
    us = by_code["US"]
    assert us["rounds"] == len(us["observations"]) >= 3
    for obs in us["observations"]:
        assert obs["sources"] and all(s["name"] and s["line_start"] for s in obs["sources"])
        bundled = [s for s in obs["sources"] if s["name"].startswith("rounds/")]
        assert all(s["url"] and s["quote"] for s in bundled)
    days = [r["median_days"] for r in rows]
    assert days == sorted(days)
    slow = cli("members", "NATO", "--sort", "slowest", "--json").json()
    assert slow[0]["slowest"]["days"] == max(r["slowest"]["days"] for r in rows)
    text = cli("members", "nato")
    assert text.code == 0 and "United States" in text.out
    assert cli("members", "NATO", "--sort", "speed").code == 2
    # An organization's code is matched in any case ("Schengen" is not upper-case).
    schengen = cli("members", "schengen", "--json").json()
    assert {r["member"]["code"] for r in schengen} == {
        "BE",
        "DE",
        "ES",
        "FR",
        "IT",
        "LU",
        "NL",
        "PT",
    }
    assert cli("members", "SCHENGEN").out.splitlines()[0].strip().startswith("Schengen:")


def test_forecast_as_of_and_after_completion(cli: Cli) -> None:
    cli("import", "--example")
    f = cli("forecast", "montenegro-nato", "--as-of", "2017-01-20", "--json").json()
    assert f["completed"] is False and len(f["ratified"]) == 14 and f["required"] == 28
    c = f["completion"]
    assert (
        c["interval80"][0]
        <= c["interval50"][0]
        <= c["median"]
        <= c["interval50"][1]
        <= c["interval80"][1]
    )
    chances = [p["chance_last"] for p in f["pending"]]
    assert len(chances) == 14 and chances == sorted(chances, reverse=True)
    assert abs(sum(chances) - 1) < 1e-6
    done = cli("forecast", "montenegro-nato", "--json").json()
    assert done["completed"] is True and done["completed_on"]["edtf"] == "2017-05-18"
    assert "completion" not in done
    text = cli("forecast", "montenegro-nato", "--as-of", "2017-01-20")
    assert "median" in text.out and "chance of being last" in text.out


def test_backtest_command(cli: Cli, tmp_path: Path) -> None:
    cli("import", "--example")
    out = tmp_path / "bt.json"
    r = cli("backtest", "-o", out)
    assert r.code == 0, r.err
    assert "MAE" in r.out and "too few" in r.out
    data = json.loads(out.read_text(encoding="utf-8"))
    assert cli("backtest", "--json").json() == data
    rounds = {c["round"] for c in data["cases"]}
    assert {
        "nato-1982-spain",
        "nato-2004-seven",
        "nato-2023-finland",
        "eu-2013-croatia",
        "montenegro-nato",
    } <= rounds


def test_as_of_refuses_timestamps_and_partial_days(cli: Cli) -> None:
    cli("import", "--example")
    for bad in ("1500000000", "2016-1-1", "20161231"):
        r = cli("status", "montenegro-nato", "--as-of", bad)
        assert r.code == 2 and "YYYY-MM-DD" in r.err, bad


def test_counts_of_one_read_in_the_singular() -> None:
    from treatywatch.domain.words import count

    assert [count(1, "poll"), count(0, "poll"), count(27, "poll")] == [
        "1 poll",
        "0 polls",
        "27 polls",
    ]
    assert count(1, "party position") == "1 party position"
    assert count(2, "child", "children") == "2 children"

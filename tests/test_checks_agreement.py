"""Rows that date the same fact differently are reported; data packages (the bundled rounds
among them) are checked like articles by the rules that read records."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import Cli
from treatywatch.checks import check_records
from treatywatch.domain.model import ParsedDocument
from treatywatch.reference import organization
from treatywatch.sources.datapackage import read_package

ROUNDS = Path(__file__).resolve().parents[1] / "src" / "treatywatch" / "data" / "rounds"
HEADER = ["process", "member", "event", "date", "precision", "source_url", "source_quote"]


def _package(folder: Path, rows: list[list[str]]) -> Path:
    folder.mkdir()
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    precision = {4: "year", 7: "month", 10: "day"}
    for i, (member, event, day) in enumerate(rows):
        w.writerow(["P", member, event, day, precision[len(day)], f"https://e.org/{i}", f"q {i}"])
    (folder / "events.csv").write_text(out.getvalue(), encoding="utf-8")
    descriptor = {
        "name": "p",
        "resources": [{"name": "events", "path": "events.csv"}],
        "treatywatch": {"process": "p", "organization": "NATO", "candidates": ["SE"]},
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def _checked(path: Path) -> ParsedDocument:
    (doc,) = read_package(path)[:1]
    return check_records(doc, organization("NATO"))


def test_a_bundled_round_reports_its_sources_disagreeing() -> None:
    doc = _checked(ROUNDS / "nato-2024-sweden.datapackage.json")
    (f,) = doc.findings  # Iceland: 5 July in one source, 6 July in another; both rows kept
    assert f.rule == "sources-disagree" and f.severity.value == "warning"
    assert "Iceland's ratification: 2022-07-05: lines 11; 2022-07-06: lines 15" in f.message
    assert (f.line_start, f.related) == (15, (11,))
    assert "jyllands-posten.dk" in f.evidence and "yle.fi" in f.evidence
    eu = _checked(ROUNDS / "eu-1995-austria-finland-sweden.datapackage.json")
    sig, applied = sorted(eu.findings, key=lambda f: f.line_start)
    assert "the signature: 1994-06-24: lines 2, 3, 4; 1994-07-24: lines 5" in sig.message
    # A candidate's one-time step, named by its label in a round of several candidates.
    assert "'Application (Finland)': 1992-03-16: lines 27; 1992-03-18: lines 26" in (
        applied.message
    )


def test_a_candidates_one_time_steps_disagree_an_invitation_may_repeat(tmp_path: Path) -> None:
    rows = [
        ["ALL", "protocol_signed", "2022-07-05"],
        ["Sweden", "milestone: partnership_for_peace", "1994-05-09"],
        ["Sweden", "milestone: Partnership for Peace joined", "1994-05-10"],  # disagrees
        ["Sweden", "milestone: invitation", "2022-06-29"],
        ["Sweden", "milestone: invitation", "2023-07-10"],  # a second invitation: no finding
        ["Sweden", "membership", "2024-03-07"],
        ["Sweden", "membership", "2024-03"],  # the same month: agrees
    ]
    (f,) = _checked(_package(tmp_path / "p", rows)).findings
    assert f.rule == "sources-disagree"
    assert "'Partnership for Peace': 1994-05-09: lines 3; 1994-05-10: lines 4" in f.message


def test_agreeing_corrected_and_chamber_rows_are_not_disagreements(tmp_path: Path) -> None:
    rows = [
        ["ALL", "protocol_signed", "2022-07-05"],
        ["ALL", "protocol_signed", "2022-07-05"],  # corroborates
        ["Norway", "ratified", "2022-07"],
        ["Norway", "ratified", "2022-07-05"],  # within the month: agrees
        ["Poland", "parliament_approval; chamber=Sejm", "2022-07-05"],
        ["Poland", "parliament_approval; chamber=Senate", "2022-07-07"],  # two chambers
        ["Italy", "deposit", "2022-08-01"],
        ["Italy", "deposit; correction=yes", "2022-08-03"],  # supersedes
    ]
    assert _checked(_package(tmp_path / "ok", rows)).findings == ()
    rows.append(["Norway", "ratified", "2022-08-10"])
    (f,) = _checked(_package(tmp_path / "bad", rows)).findings
    assert "Norway's ratification: 2022-07: lines 4; 2022-07-05: lines 5; 2022-08-10: lines 10" in (
        f.message
    )


def test_check_reads_a_data_package_and_finds_procedure_errors(cli: Cli, tmp_path: Path) -> None:
    rows = [["ALL", "protocol_signed", "2022-07-05"], ["Norway", "ratified", "2022-06-01"]]
    folder = _package(tmp_path / "early", rows)
    r = cli("check", str(folder))
    assert r.code == 1 and "procedure-act-before-signature" in r.out
    assert "early/events.csv:3" in r.out  # the package's own name for its table
    found = cli("check", str(folder), "--format", "json").json()
    assert [f["rule"] for f in found["findings"]] == ["procedure-act-before-signature"]


def test_check_a_bundled_round_on_a_fresh_store(cli: Cli) -> None:
    r = cli("check", "nato-2023-finland")  # the first command on this store
    assert r.code == 0 and "sources-disagree" in r.out and "Iceland" in r.out

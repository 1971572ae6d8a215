"""Following an article on Wikipedia: `import --wiki`, then `sync`, as a user runs them.

The API never answers from the network: in-process runs answer from respx with responses in
the Action API's documented shape (formatversion=2) holding the wikitext fixture; the
offline runs are the real CLI in a subprocess whose HTTPS proxy is a closed local port, so
every connection fails the way it does without a network.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from typer.testing import CliRunner

from conftest import Cli
from treatywatch.cli import app
from treatywatch.store.db import Store

WIKI = Path(__file__).parents[1] / "docs" / "example-wikitext" / "montenegro-nato-relations.wiki"
TITLE = "Montenegro–NATO relations"
API = "https://en.wikipedia.org/w/api.php"
US_ROW = "{{flagu|United States}} || {{dts|2017|04|21}}"


def _answer(text: str, revid: int, stamp: str) -> httpx.Response:
    page = {
        "pageid": 52817310,
        "ns": 0,
        "title": TITLE,
        "revisions": [
            {
                "revid": revid,
                "parentid": revid - 1,
                "timestamp": stamp,
                "slots": {
                    "main": {
                        "contentmodel": "wikitext",
                        "contentformat": "text/x-wiki",
                        "content": text,
                    }
                },
            }
        ],
    }
    return httpx.Response(200, json={"batchcomplete": True, "query": {"pages": [page]}})


def _run(db: Path, *args: str) -> Any:
    return CliRunner().invoke(app, ["--db", str(db), *args])


def test_import_then_sync_keeps_each_revision_and_says_what_changed(tmp_path: Path) -> None:
    db = tmp_path / "tw.db"
    text = WIKI.read_text(encoding="utf-8")
    assert text.count(US_ROW) == 1
    edited = text.replace(US_ROW, US_ROW.replace("21}}", "22}}"))
    with respx.mock(assert_all_called=True) as api:
        route = api.get(API)
        route.mock(return_value=_answer(text, 1001, "2017-06-10T12:00:00Z"))
        r = _run(db, "import", "--wiki", TITLE, "--json")
        assert r.exit_code == 0, r.output
        (first,) = json.loads(r.output)
        assert first["action"] == "imported" and first["counts"]["ratifications"] == 28
        assert route.calls.last.request.url.params["titles"] == TITLE
        # unchanged: nothing new is stored
        r = _run(db, "sync")
        assert r.exit_code == 0 and "unchanged" in r.output
        route.mock(return_value=_answer(edited, 1002, "2017-07-01T08:00:00Z"))
        r = _run(db, "sync", "montenegro-nato")
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    assert "replaced earlier version" in out
    assert "changed: date changed: United States' ratified 2017-04-21 → 2017-04-22" in out
    with Store.open(str(db)) as store:
        (doc,) = [d for d in store.documents("montenegro-nato") if "oldid" in d.path]
        history = store.document_history(f"wiki:en:{TITLE}")
        changes = store.changes("montenegro-nato")
        acts = store.acts("montenegro-nato", origin="table")
    assert (
        doc.path
        == "https://en.wikipedia.org/w/index.php?title=Montenegro%E2%80%93NATO_relations&oldid=1002"
    )
    assert doc.licence == "CC BY-SA 4.0" and doc.published is not None
    assert doc.published.edtf == "2017-07-01"
    assert len(history) == 2 and history[0][2] == doc.sha256  # the old revision stays on record
    assert changes[0].lines[0] == "date changed: United States' ratified 2017-04-21 → 2017-04-22"
    assert not any(a.provenance.inferred for a in acts)


def test_a_revision_id(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=True) as api:
        route = api.get(API).mock(
            return_value=_answer(WIKI.read_text(encoding="utf-8"), 777, "2017-06-01T00:00:00Z")
        )
        r = _run(tmp_path / "tw.db", "import", "--wiki", TITLE, "--revision", "777")
    assert r.exit_code == 0, r.output
    assert route.calls.last.request.url.params["revids"] == "777"


def _offline(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TREATYWATCH_DB": str(db),
        "HTTPS_PROXY": "http://127.0.0.1:9",  # a closed port: every connection is refused
        "HTTP_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "treatywatch", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("command", [["import", "--wiki", TITLE], ["sync"]])
def test_offline_one_line_exit_2_store_unchanged(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "tw.db"
    with respx.mock() as api:  # a store that already follows the article
        api.get(API).mock(
            return_value=_answer(WIKI.read_text(encoding="utf-8"), 1001, "2017-06-10T12:00:00Z")
        )
        assert _run(db, "import", "--wiki", TITLE).exit_code == 0
    with Store.open(str(db)) as store:
        before = store.table_counts()
    p = _offline(db, *command)
    assert p.returncode == 2, p.stderr
    assert p.stdout == "" and p.stderr.count("\n") == 1
    assert p.stderr.startswith(f"treatywatch: error: en:{TITLE}: cannot reach en.wikipedia.org")
    with Store.open(str(db)) as store:
        assert store.table_counts() == before


def test_sync_without_wiki_articles_says_how_to_start(cli: Cli) -> None:
    r = cli("sync")
    assert r.code == 2 and r.out == ""
    assert r.err == (
        "treatywatch: error: the store follows no wiki article; "
        "start with: treatywatch import --wiki TITLE\n"
    )

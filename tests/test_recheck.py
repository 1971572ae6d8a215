"""Documents read and checked by another version of treatywatch are read and checked again,
once, when the store is opened: a store kept across an upgrade shows what this version reads
and finds."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from conftest import EXAMPLE, Cli
from treatywatch.domain.changes import READ_AGAIN
from treatywatch.ingest import import_paths, load_bundled_rounds, recheck_stored
from treatywatch.queries.exports import export_records
from treatywatch.render.exports import write_package
from treatywatch.render.feeds import atom
from treatywatch.store.cache import READER_VERSION_KEY, reader_version, set_state
from treatywatch.store.db import Store

# A bundled round with a sources-disagree finding (Iceland's 5 or 6 July 2022) and the
# imported article with its table and prose findings.
PROCESSES = ("nato-2023-finland", "montenegro-nato")
ROUND = "eu-1995-austria-finland-sweden"  # its candidates' steps are labelled by candidate


def findings_stale(store: Store) -> bool:
    return not store.read_by_this_version()


def _labels(store: Store, slug: str = ROUND) -> list[str]:
    return sorted(m.label for m in store.milestones(slug))


def _findings(store: Store) -> dict[str, list[tuple[str, int, str]]]:
    return {
        slug: sorted((f.rule, f.line_start, f.message) for f in store.findings(slug))
        for slug in PROCESSES
    }


def test_findings_of_another_version_are_made_again(any_store: Store) -> None:
    s = any_store
    assert not findings_stale(s)  # a store created by this version is marked as its own
    load_bundled_rounds(s)
    import_paths(s, [EXAMPLE])
    made = _findings(s)
    assert all(made.values()), made  # both have findings to lose
    read = {slug: len(s.milestones(slug)) for slug in (*PROCESSES, ROUND)}
    labels = _labels(s)
    assert "Application (Austria)" in labels
    history = s.rows("SELECT change_key, action, lines FROM changes")
    # As a store written by an older version that read and checked otherwise: here, no
    # findings, no milestones, and the 1995 round's labels as they were read before.
    with s.transaction():
        s.execute("DELETE FROM findings")
        s.execute("UPDATE milestones SET label = ? WHERE label LIKE ?", ("Application", "App% (%"))
        s.execute("DELETE FROM milestones WHERE process_slug = 'montenegro-nato'")
        set_state(s, READER_VERSION_KEY, "an-older-version")
    assert findings_stale(s) and not any(_findings(s).values())
    assert not s.milestones("montenegro-nato") and "Application (Austria)" not in _labels(s)
    told: list[int] = []
    ticks: list[tuple[int, int]] = []
    documents = sum(len(s.documents(p.slug)) for p in s.processes())
    assert recheck_stored(s, told.append, lambda *a: ticks.append(a)) == documents == told[0]
    assert ticks == [(done, documents) for done in range(documents)]
    assert _findings(s) == made and not findings_stale(s)
    # The article and the bundled tables were read again: their records are this version's.
    assert {slug: len(s.milestones(slug)) for slug in read} == read and _labels(s) == labels
    assert len(s.acts("montenegro-nato")) == 30
    # The history stays as it was, and each document whose reading changed has a change of
    # its own saying what the new reading brought.
    now = s.rows("SELECT change_key, action, lines FROM changes")
    assert set(history) <= set(now)
    added = [r for r in now if r not in history]
    assert added and {action for _, action, _ in added} == {READ_AGAIN}
    reread = [c for c in s.changes("montenegro-nato") if c.action == READ_AGAIN]
    assert len(reread) == 1 and any("milestone" in line for line in reread[0].lines)
    assert any("Application (Austria)" in line for c in s.changes(ROUND) for line in c.lines)
    proc = next(p for p in s.processes() if p.slug == ROUND)
    assert "read again by a new version" in atom(proc, ROUND, s.changes(ROUND))
    # A store made before the mark was kept (migration 10 adds an empty table) is stale.
    with s.transaction():
        s.execute("DELETE FROM store_state")
    assert findings_stale(s)


def test_the_page_says_what_a_new_reading_changed(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from treatywatch.web.app import create_app

    db = str(tmp_path / "p.db")
    with Store.open(db) as s:
        import_paths(s, [EXAMPLE])
        with s.transaction():
            s.execute("DELETE FROM milestones WHERE process_slug = 'montenegro-nato'")
            set_state(s, READER_VERSION_KEY, "an-older-version")
    with TestClient(create_app(db)) as client:  # the server's start reads the store again
        page = client.get("/processes/montenegro-nato").text
    latest = page.split("<h3>Latest changes</h3>")[1].split("</ul>")[0]
    assert "(read again by a new version of treatywatch): milestone added: " in latest


def test_the_first_command_after_an_upgrade_checks_again_once(cli: Cli) -> None:
    first = cli("import", "--example")
    assert first.code == 0 and "again" not in first.err  # a new store: nothing to redo
    with sqlite3.connect(cli.db) as db:
        before = db.execute("SELECT COUNT(*) FROM findings").fetchone()[0]
        db.execute("DELETE FROM findings")
        db.execute("UPDATE store_state SET value = 'an-older-version'")
    upgraded = cli("status", "montenegro-nato")
    assert upgraded.code == 0
    assert upgraded.err.startswith("treatywatch: reading and checking ")
    assert "another version" in upgraded.err
    with sqlite3.connect(cli.db) as db:
        assert db.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == before > 0
        state = db.execute("SELECT value FROM store_state").fetchall()
    assert state == [(reader_version(),)]
    assert "again" not in cli("status", "montenegro-nato").err  # once
    checked = cli("check", "montenegro-nato", "--format", "json")
    assert checked.json()["findings"], checked.out


def _readings(s: Store, slug: str) -> tuple[object, ...]:
    return (
        sorted(m.label for m in s.milestones(slug)),
        len(s.acts(slug)),
        len(s.polls(slug)),
        len(s.positions(slug)),
        sorted((f.rule, f.line_start, f.message) for f in s.findings(slug)),
    )


def test_imported_packages_are_read_again_from_their_stored_tables(
    any_store: Store, tmp_path: Path
) -> None:
    """A data package the user imported is read again on upgrade like an article: each table
    from its stored text, under its stored process (the package's descriptor is not kept)."""
    s = any_store
    load_bundled_rounds(s)
    import_paths(s, [EXAMPLE])
    # Two packages as a user would have them: the example's (events, polls, positions) and a
    # three-candidate round's with its members table, each under a slug of its own.
    packages = {"my-montenegro": "montenegro-nato", "my-1995": ROUND}
    for mine, theirs in packages.items():
        folder = tmp_path / mine
        write_package(export_records(s, theirs), folder)
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["treatywatch"]["process"] = mine
        (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        import_paths(s, [folder])
    read = {mine: _readings(s, mine) for mine in packages}
    assert read["my-montenegro"][2] > 0 and read["my-montenegro"][3] > 0
    assert "Application (Austria)" in read["my-1995"][0] and s.required_members("my-1995")
    # As a store written by an older version: its reader missed the polls and the positions,
    # labelled the candidates' steps without their names, and its checks found nothing.
    with s.transaction():
        for mine in packages:
            s.execute("DELETE FROM polls WHERE process_slug = ?", (mine,))
            s.execute("DELETE FROM party_positions WHERE process_slug = ?", (mine,))
            s.execute("DELETE FROM findings WHERE process_slug = ?", (mine,))
        s.execute(
            "UPDATE milestones SET label = ? WHERE process_slug = ? AND label LIKE ?",
            ("Application", "my-1995", "App% (%"),
        )
        set_state(s, READER_VERSION_KEY, "an-older-version")
    assert not s.polls("my-montenegro") and "Application (Austria)" not in _labels(s, "my-1995")
    recheck_stored(s)
    again = {mine: _readings(s, mine) for mine in packages}
    assert again == read
    assert s.required_members("my-1995") and not findings_stale(s)

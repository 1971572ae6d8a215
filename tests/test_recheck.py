"""Documents read and checked by another version of treatywatch are read and checked again,
once, when the store is opened: a store kept across an upgrade shows what this version reads
and finds."""

from __future__ import annotations

import sqlite3

from conftest import EXAMPLE, Cli
from treatywatch.ingest import import_paths, load_bundled_rounds, recheck_stored
from treatywatch.store.cache import READER_VERSION_KEY, reader_version, set_state
from treatywatch.store.db import Store

# A bundled round with a sources-disagree finding (Iceland's 5 or 6 July 2022) and the
# imported article with its table and prose findings.
PROCESSES = ("nato-2023-finland", "montenegro-nato")
ROUND = "eu-1995-austria-finland-sweden"  # its candidates' steps are labelled by candidate


def findings_stale(store: Store) -> bool:
    return not store.read_by_this_version()


def _labels(store: Store) -> list[str]:
    return sorted(m.label for m in store.milestones(ROUND))


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
    history = s.rows("SELECT COUNT(*) FROM changes")
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
    assert s.rows("SELECT COUNT(*) FROM changes") == history  # the history stays as it was
    # A store made before the mark was kept (migration 10 adds an empty table) is stale.
    with s.transaction():
        s.execute("DELETE FROM store_state")
    assert findings_stale(s)


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

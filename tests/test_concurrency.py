"""Many clients and many importers at once, on SQLite and on PostgreSQL.

A suite that sends one request at a time cannot see a server that fails when two
people use it; these tests run the real server and the real CLI in subprocesses.
"""

from __future__ import annotations

import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from serving import Server, cli, open_files, running_server
from treatywatch.ingest import read_text
from treatywatch.store.connection import WRITE_LOCK
from treatywatch.store.db import Store
from treatywatch.store.readers import POOL_SIZE
from treatywatch.store.schema import statements

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src" / "treatywatch" / "examples" / "montenegro-nato-relations.txt"
CLIENTS = 16
REQUESTS_PER_CLIENT = int(os.environ.get("TREATYWATCH_LOAD_REQUESTS", "12"))
WORKERS = 2


def every_url(base: str) -> list[str]:
    """Every page and API route of the server, with real parameters, and a vendored file."""
    doc = httpx.get(f"{base}/api/v1/openapi.json").json()
    sha = httpx.get(f"{base}/api/v1/processes/montenegro-nato/sources").json()["sources"][0][
        "sha256"
    ]
    fill = {"{slug}": "montenegro-nato", "{kind}": "map", "{table}": "polls", "{code}": "NATO"}
    fill["{sha}"] = sha
    urls = [base + "/", f"{base}/processes/montenegro-nato", f"{base}/documents/{sha}"]
    urls.append(f"{base}/processes/montenegro-nato?as_of=2016-12-31")
    urls.append(f"{base}/static/vendor/vega-embed.min.js")
    for path in doc["paths"]:
        url = re.sub(r"\{\w+\}", lambda m: fill[m.group(0)], path)
        urls.append(base + url)
        if "/processes/montenegro-nato/" in url and not url.endswith(("sources", "timeline")):
            urls.append(base + url + "?as_of=2017-01-20")
    return urls


def hammer(urls: list[str]) -> list[tuple[str, int | str]]:
    """CLIENTS keep-alive clients at once, each REQUESTS_PER_CLIENT requests over the
    routes from its own offset; return every request that did not answer 200."""
    failures: list[tuple[str, int | str]] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client(i: int) -> None:
        with httpx.Client(timeout=120) as c:
            start.wait()
            for k in range(REQUESTS_PER_CLIENT):
                url = urls[(i * 7 + k) % len(urls)]
                try:
                    status: int | str = c.get(url).status_code
                except httpx.HTTPError as e:
                    status = type(e).__name__
                if status != 200:
                    with lock:
                        failures.append((url, status))

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(client, range(CLIENTS)))
    return failures


THREADS_PER_WORKER = 40  # anyio's default limit on threads running sync handlers


def store_handles(server: Server, url: str) -> int:
    """Connections the server holds: file handles on a SQLite file, sessions on PostgreSQL."""
    if url.startswith("postgresql://"):
        name = urlsplit(url).path.lstrip("/")
        with Store.open(url) as s:
            rows = s.rows(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()",
                (name,),
            )
        return int(rows[0][0])
    return open_files(server.pids(), (url, url + "-wal", url + "-shm"))


def test_server_under_concurrent_clients(store_url: str) -> None:
    assert cli(store_url, "import", "--example").returncode == 0
    with running_server(store_url, WORKERS) as server:
        urls = every_url(server.url)
        assert len(urls) > 25
        with httpx.Client(timeout=120) as c:  # warm up every route once, in each worker
            for url in urls * WORKERS:
                assert c.get(url).status_code == 200, url
        assert hammer(urls) == []
        after = store_handles(server, store_url)
        assert hammer(urls) == []  # again: what stays open stays within the bound
        again = store_handles(server, store_url)
    if store_url.startswith("postgresql://"):
        # A pool per worker: bounded, whatever the load.
        assert after <= WORKERS * POOL_SIZE and again <= WORKERS * POOL_SIZE
    else:
        # One read-only connection per worker thread (anyio's 40 at most), three files each
        # (the store, its WAL and shared memory): bounded however many requests came.
        assert 0 < after <= WORKERS * THREADS_PER_WORKER * 3
        assert 0 < again <= WORKERS * THREADS_PER_WORKER * 3


def variant(text: str, i: int) -> str:
    """The example with one more, distinct poll row: a new version of the same article."""
    row = f"| {i + 1} Jan 2018 | TestPoll | {40 + i}.0 | {60 - i}.0 | {abs(20 - 2 * i)}.0 |\n"
    anchor = "| Oct 2014 | | 43.75 | 56.25 | 12.5 |\n"
    assert anchor in text
    return text.replace(anchor, anchor + row)


CANDIDATES = [
    "Montenegro", "Austria", "Ireland", "Malta", "Cyprus", "Georgia", "Moldova", "Ukraine",
    "Serbia", "Sweden", "Switzerland", "Armenia", "Azerbaijan", "Kazakhstan", "Belarus", "Andorra",
]  # fmt: skip


def other_article(text: str, country: str) -> str:
    return text.replace("Montenegro–NATO relations", f"{country}–NATO relations", 1)


def import_all_at_once(store_url: str, files: list[Path]) -> list[tuple[int, str]]:
    """One `treatywatch import` process per file, all started together."""
    with ThreadPoolExecutor(len(files)) as pool:
        done = list(pool.map(lambda f: cli(store_url, "import", str(f), timeout=300), files))
    return [(p.returncode, p.stderr) for p in done]


def test_sixteen_importers_of_distinct_articles(store_url: str, tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    files = []
    for country in CANDIDATES:
        f = tmp_path / f"{country}.txt"
        f.write_text(other_article(text, country), encoding="utf-8")
        files.append(f)
    assert import_all_at_once(store_url, files) == [(0, "")] * len(files)
    # The same counts as importing one after another into an empty store (where the CLI
    # stores the bundled rounds on first use).
    with Store.memory() as reference, Store.open(store_url) as store:
        from treatywatch.ingest import import_paths, load_bundled_rounds

        bundled = load_bundled_rounds(reference)
        import_paths(reference, files)
        assert store.table_counts() == reference.table_counts()
        assert len(store.processes()) == len(CANDIDATES) + len({o.process for o in bundled})
        for p in reference.processes():
            polls = 0 if p.slug in {o.process for o in bundled} else 27
            assert len(store.polls(p.slug)) == len(reference.polls(p.slug)) == polls


def test_sixteen_versions_of_one_article(store_url: str, tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    files = []
    for i in range(CLIENTS):
        f = tmp_path / f"version-{i}.txt"
        f.write_text(variant(text, i), encoding="utf-8")
        files.append(f)
    assert import_all_at_once(store_url, files) == [(0, "")] * len(files)
    with Store.open(store_url) as store:
        current = store.rows(
            "SELECT sha256 FROM documents WHERE superseded_by IS NULL AND source_key = ?",
            ("Montenegro–NATO relations",),
        )
        assert len(current) == 1
        assert len(store.documents("montenegro-nato", include_superseded=True)) == CLIENTS
        # The process shows exactly what its one current version says.
        doc = store.document(current[0][0])
        parsed = read_text(doc.text, "x.txt")
        assert len(store.polls("montenegro-nato")) == len(parsed.polls) == 28
        assert len(store.findings("montenegro-nato")) == len(parsed.findings)


def test_a_writer_waits_for_its_turn_then_gives_up_with_its_own_error(
    store_url: str, tmp_path: Path
) -> None:
    """A second writer waits while the first holds the store; past the lock timeout it
    fails with exit 5 and a message of its own, and writes nothing."""
    with Store.open(store_url) as holder:
        with holder.transaction(lock=WRITE_LOCK):
            env_timeout = {"TREATYWATCH_LOCK_TIMEOUT": "1"}
            old = {k: os.environ.get(k) for k in env_timeout}
            os.environ.update(env_timeout)
            try:
                p = cli(store_url, "import", "--example")
            finally:
                for k, v in old.items():
                    if v is None:
                        os.environ.pop(k)
                    else:
                        os.environ[k] = v
        assert p.returncode == 5, p.stderr
        assert "store is busy" in p.stderr and p.stderr.count("\n") == 1
        assert holder.table_counts()["documents"] == 0
    # Once the store is free, the same import goes through.
    assert cli(store_url, "import", "--example").returncode == 0


def test_fresh_store_migrated_by_many_at_once(store_url: str) -> None:
    """Processes opening a fresh store together: one migrates, the others wait and see it."""
    n = 8
    with ThreadPoolExecutor(n) as pool:
        done = list(pool.map(lambda _: cli(store_url, "processes", "--json"), range(n)))
    assert [(p.returncode, p.stderr) for p in done] == [(0, "")] * n
    with Store.open(store_url) as s:
        assert [v for v, _ in s.schema_versions()] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]


def test_writers_beside_dashboard_readers(store_url: str, tmp_path: Path) -> None:
    """Imports while 16 clients read the dashboard: every batch lands, every read answers."""
    assert cli(store_url, "import", "--example").returncode == 0
    text = EXAMPLE.read_text(encoding="utf-8")
    batches = []
    for i in range(8):
        f = tmp_path / f"batch-{i}.txt"
        f.write_text(variant(text, i), encoding="utf-8")
        batches.append(f)
    with running_server(store_url, WORKERS) as server:
        base = f"{server.url}/api/v1/processes/montenegro-nato"
        urls = [f"{base}/status", f"{base}/polls", f"{base}/ratifications", server.url + "/"]
        imports: list[tuple[int, str]] = []
        writer = threading.Thread(
            target=lambda: imports.extend(
                (p.returncode, p.stderr)
                for p in (cli(store_url, "import", str(f)) for f in batches)
            )
        )
        writer.start()
        failures = hammer(urls)
        writer.join()
    assert failures == []
    assert imports == [(0, "")] * len(batches)
    with Store.open(store_url) as store:
        assert len(store.polls("montenegro-nato")) == 28  # the last batch's version


def test_migration_repairs_a_store_with_several_current_versions(store_url: str) -> None:
    """Stores written before migration 3 could hold two current versions of one article
    (concurrent imports on PostgreSQL); migrating keeps the newest and its records only."""
    from treatywatch.store import db

    text = EXAMPLE.read_text(encoding="utf-8")
    old, new = read_text(text, "a.txt"), read_text(variant(text, 0), "a.txt")
    real = db._migrations
    try:
        db._migrations = lambda: real()[:2]  # type: ignore[assignment]
        with Store.open(store_url) as s:
            # Today's code writes the columns and tables of later migrations (4: a fact's
            # cited source, a document's origin; 6: what each version changed): add them for
            # the import, then drop them again, leaving a store as the code of migration 2
            # wrote it.
            added = [sql for sql in real() if sql[0] > 3]
            for _, _, sql in added:
                for statement in statements(sql, s.dialect):
                    s.execute(statement)
            for p in (old, new):  # as the old code did without a lock: both stay current
                s.execute("UPDATE documents SET superseded_by = 'x' WHERE superseded_by IS NULL")
                s.import_documents([p])
            s.execute("UPDATE documents SET superseded_by = NULL, superseded_at = NULL")
            assert len(s.polls("montenegro-nato")) == 27 + 28
            for _, _, sql in added:  # undone: added columns dropped, new tables dropped
                for statement in statements(sql, s.dialect):
                    words = statement.split()
                    if words[:2] == ["ALTER", "TABLE"]:
                        s.execute(f"ALTER TABLE {words[2]} DROP COLUMN {words[5]}")
                    elif words[:2] == ["CREATE", "TABLE"]:
                        s.execute(f"DROP TABLE {words[2]}")
    finally:
        db._migrations = real  # type: ignore[assignment]
    with Store.open(store_url) as s:
        assert [v for v, _ in s.schema_versions()] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        current = s.documents("montenegro-nato")
        assert [d.sha256 for d in current] == [new.document.sha256]
        assert len(s.polls("montenegro-nato")) == 28
        history = s.document_history(old.document.source_key)
        assert [(h[0], h[2]) for h in history] == [
            (old.document.sha256, new.document.sha256),
            (new.document.sha256, None),
        ]


def _readings(store: Store) -> tuple[int, int, int, int]:
    return (
        store.table_counts()["milestones"],
        store.table_counts()["acts"],
        len(store.rows("SELECT rule, line_start, message FROM findings")),
        len(store.rows("SELECT DISTINCT rule, line_start, message, document_sha FROM findings")),
    )


def test_an_upgraded_store_opened_by_many_at_once(store_url: str) -> None:
    """The first commands and a server after an upgrade, all at once: every one answers, the
    store is read again once, and as one reader would read it (no record or finding twice)."""
    from treatywatch.store.cache import READER_VERSION_KEY, set_state

    assert cli(store_url, "import", "--example").returncode == 0
    assert cli(store_url, "status", "nato-2024-sweden").returncode == 0
    with Store.open(store_url) as s:
        once = _readings(s)
        assert once[2] == once[3] > 0
        with s.transaction():
            s.execute("DELETE FROM findings")
            s.execute("DELETE FROM milestones WHERE process_slug = 'montenegro-nato'")
            set_state(s, READER_VERSION_KEY, "an-older-version")
    n = 6
    with ThreadPoolExecutor(n) as pool:
        asks = [pool.submit(cli, store_url, "status", "montenegro-nato", "--json")]
        asks += [pool.submit(cli, store_url, "processes", "--json") for _ in range(n - 1)]
        with running_server(store_url, WORKERS) as server:  # its workers start meanwhile
            failures = hammer([f"{server.url}/api/v1/processes/montenegro-nato/status"])
        done = [a.result() for a in asks]
    assert failures == []
    assert [p.returncode for p in done] == [0] * n, [p.stderr for p in done]
    assert all(p.stderr == "" or "another version" in p.stderr for p in done)
    # Read once: the others (or the server's workers) waited, then found it done.
    assert sum("another version" in p.stderr for p in done) <= 1
    with Store.open(store_url) as s:
        assert s.read_by_this_version()
        assert _readings(s) == once

"""No path of the server in any page, report, API response or export: a document is named
as its user gave it (a file given by absolute path by its file name, a bundled one by its
name inside the package)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Route

import treatywatch
from conftest import EXAMPLE, Cli
from treatywatch.sources.reading import given_name
from treatywatch.store.db import Store

SLUG = "montenegro-nato"
PACKAGE = Path(treatywatch.__file__).resolve().parent


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, Path, list[str]]]:
    """The app over a store in its own folder holding the example imported by its absolute
    path, and the paths that must not show."""
    from treatywatch.ingest import import_paths
    from treatywatch.web.app import create_app

    folder = tmp_path / "store-folder"
    folder.mkdir()
    db = folder / "web.db"
    with Store.open(str(db)) as s:
        import_paths(s, [EXAMPLE.resolve()])
    secrets = sorted(
        {str(folder), str(PACKAGE), str(EXAMPLE.resolve().parent), str(tmp_path)}, key=len
    )
    with TestClient(create_app(str(db))) as c:
        yield c, db, secrets


def _leaks(text: str, secrets: list[str]) -> list[str]:
    # JSON escapes "/" nowhere, but HTML attribute and JS strings may: search both forms.
    forms = {s for p in secrets for s in (p, p.replace("/", "\\/"))}
    return [s for s in forms if s in text]


def _urls(client: TestClient, sha: str) -> list[str]:
    """Every GET route of the app, its parameters filled with the example's values."""
    from treatywatch.render.process_charts import KINDS

    fill = {"slug": [SLUG], "sha": [sha], "code": ["NATO"], "kind": list(KINDS)}
    fill["table"] = ["milestones", "ratifications", "polls", "sources", "positions", "findings"]
    urls = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if not isinstance(route, Route) or "GET" not in (route.methods or ()):
            continue
        if route.path.endswith("/{digest}/{name}"):  # the vendored files at their hashed URLs
            from treatywatch.render.assets import VENDOR_FILES, hashed_vendor_url

            urls += [hashed_vendor_url(n) for n in VENDOR_FILES]
            continue
        paths = [route.path]
        for name in re.findall(r"{(\w+)}", route.path):
            paths = [p.replace(f"{{{name}}}", v) for p in paths for v in fill[name]]
        urls += paths
    return urls


def test_no_page_api_response_or_report_names_a_server_path(
    served: tuple[TestClient, Path, list[str]],
) -> None:
    client, _, secrets = served
    sha = client.get(f"/api/v1/processes/{SLUG}/sources").json()["sources"][0]["sha256"]
    urls = _urls(client, sha)
    assert "/" in urls and f"/documents/{sha}" in urls and f"/processes/{SLUG}" in urls
    assert len(urls) > 20
    checked = 0
    for url in urls:
        for params in ({}, {"as_of": "2016-12-31"}):
            r = client.get(url, params=params)
            # An error (no forecast once the process is complete) must not name one either.
            assert r.status_code in (200, 404), (url, params, r.text[:200])
            assert not _leaks(r.text, secrets), (url, params, _leaks(r.text, secrets))
            checked += r.status_code == 200
    assert checked > 40
    sources = client.get(f"/api/v1/processes/{SLUG}/sources").json()["sources"]
    assert sources[0]["name"] == "montenegro-nato-relations.txt"


def test_no_report_or_export_names_a_server_path(
    served: tuple[TestClient, Path, list[str]],
) -> None:
    from treatywatch.queries.exports import export_records
    from treatywatch.queries.overview import process_overview
    from treatywatch.render import exports
    from treatywatch.render.report import report_html

    _, db, secrets = served
    with Store.open(str(db)) as store:
        x = export_records(store, SLUG)
        outputs = {
            "report": report_html(process_overview(store, SLUG)),
            "csv": exports.csv_text(x),
            "json": exports.json_text(x),
            "wikitable": exports.wikitable(x),
            "ics": exports.calendar(x),
            **{f"package {k}": v for k, v in exports.package_files(x).items()},
        }
    for name, text in outputs.items():
        assert text and not _leaks(text, secrets), (name, _leaks(text, secrets))
    assert "montenegro-nato-relations.txt" in outputs["report"]


def test_cli_json_names_the_file_not_its_folder(cli: Cli, tmp_path: Path) -> None:
    copy = tmp_path / "private" / "article.txt"
    copy.parent.mkdir()
    copy.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    out = cli("import", copy, "--json")
    assert out.code == 0, out.err
    assert out.json()[0]["name"] == "article.txt"
    sources = cli("timeline", SLUG, "--json").json()
    names = {s["name"] for e in sources for s in e["sources"]}
    assert names == {"article.txt"}
    assert str(tmp_path) not in out.out


@pytest.mark.parametrize(
    "given,shown",
    [
        ("articles/a.txt", "articles/a.txt"),  # relative: as given
        ("/home/someone/articles/a.txt", "a.txt"),
        ("C:\\Users\\someone\\a.txt", "a.txt"),
        (str(PACKAGE / "examples" / "montenegro-nato-relations.txt"), "montenegro-nato-relations.txt"),
        (str(PACKAGE / "data" / "rounds" / "nato-2024-sweden.csv"), "rounds/nato-2024-sweden.csv"),
        ("https://en.wikipedia.org/w/index.php?oldid=1", "https://en.wikipedia.org/w/index.php?oldid=1"),
    ],
)  # fmt: skip
def test_given_name(given: str, shown: str) -> None:
    assert given_name(given) == shown


def test_a_store_written_before_names_were_kept_shows_no_server_path(tmp_path: Path) -> None:
    """Stores written by an older treatywatch hold absolute paths: shown by their names."""
    from treatywatch.ingest import import_paths
    from treatywatch.web.app import create_app

    db = tmp_path / "old.db"
    absolute = str(tmp_path / "home" / "someone" / "montenegro-nato-relations.txt")
    with Store.open(str(db)) as s:
        import_paths(s, [EXAMPLE])
        with s.transaction():
            s.execute(
                "UPDATE documents SET path = ? WHERE source_key NOT LIKE 'bundled:%'", (absolute,)
            )
        sha = s.documents(SLUG)[0].sha256
    with TestClient(create_app(str(db))) as client:
        pages = [
            client.get(u).text
            for u in (
                f"/processes/{SLUG}",
                f"/documents/{sha}",
                f"/api/v1/processes/{SLUG}",
                f"/api/v1/processes/{SLUG}/sources",
                f"/api/v1/processes/{SLUG}/ratifications",
                f"/api/v1/processes/{SLUG}/timeline",
                f"/api/v1/documents/{sha}",
            )
        ]
    assert not [p for p in pages if _leaks(p, [str(tmp_path)])]
    assert any("montenegro-nato-relations.txt" in p for p in pages)

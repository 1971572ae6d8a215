"""Data packages: import, export in every format, a lossless round trip (property test on
SQLite and PostgreSQL), and packages with errors refused whole."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLE, Cli, pg_database
from treatywatch.errors import InputError, PackageError
from treatywatch.ingest import import_paths, load_bundled_rounds
from treatywatch.queries.exports import export_records
from treatywatch.queries.status import process_status
from treatywatch.render import exports
from treatywatch.sources.article import MAX_SAMPLE
from treatywatch.sources.datapackage import COLUMNS, SCHEMAS, read_package
from treatywatch.store.db import Store


def _export(store: Store, slug: str, out: Path) -> dict[str, str]:
    shutil.rmtree(out, ignore_errors=True)
    exports.write_package(export_records(store, slug), out)
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}


def test_example_round_trip_is_identical(store_url: str, tmp_path: Path) -> None:
    """Article → store → package → empty store → package: the same files, byte for byte,
    and the same status on every day."""
    with Store.open(str(tmp_path / "a.db")) as a:
        import_paths(a, [EXAMPLE])
        first = _export(a, "montenegro-nato", tmp_path / "one")
        before = process_status(a, "montenegro-nato", date(2017, 3, 1))
    with Store.open(store_url) as b:
        import_paths(b, [tmp_path / "one"])
        second = _export(b, "montenegro-nato", tmp_path / "two")
        after = process_status(b, "montenegro-nato", date(2017, 3, 1))
    assert first == second
    assert set(first) == {
        "datapackage.json",
        "events.csv",
        "polls.csv",
        "positions.csv",
        "members.csv",
    }
    assert (after.ratified_count, after.required_count) == (
        before.ratified_count,
        before.required_count,
    )
    assert [m.ratified_on for m in after.members] == [m.ratified_on for m in before.members]
    # No server path leaks into the package: the article is cited by its file name.
    assert "/work/" not in "".join(first.values()) and str(EXAMPLE.parent) not in "".join(
        first.values()
    )
    assert "montenegro-nato-relations.txt#L" in first["events.csv"]


def test_semicolons_and_quotes_in_cells_do_not_change_the_dialect(tmp_path: Path) -> None:
    """Regression (found by the generated round trip): a party named ';"' made frictionless
    sniff ';' as the delimiter and refuse a valid table; the dialect is now declared."""
    import csv
    import io

    with Store.open(str(tmp_path / "a.db")) as a:
        import_paths(a, [EXAMPLE])
        first = _export(a, "montenegro-nato", tmp_path / "one")
    rows = list(csv.reader(io.StringIO(first["positions.csv"])))
    rows[1][0] = ';"'
    rows[2][0] = 'a;b;"c"'
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (tmp_path / "one" / "positions.csv").write_text(buf.getvalue(), encoding="utf-8")
    with Store.open(str(tmp_path / "b.db")) as b:
        import_paths(b, [tmp_path / "one"])
        parties = {p.party for p in b.positions("montenegro-nato")}
    assert {';"', 'a;b;"c"'} <= parties


def test_package_is_valid_frictionless(tmp_path: Path) -> None:
    import frictionless

    with Store.open(str(tmp_path / "a.db")) as a:
        import_paths(a, [EXAMPLE])
        _export(a, "montenegro-nato", tmp_path / "pkg")
    report = frictionless.validate(str(tmp_path / "pkg" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type"])


def test_zip_round_trip_and_identical_bytes(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "a.db")) as a:
        import_paths(a, [EXAMPLE])
        x = export_records(a, "montenegro-nato")
        exports.write_package(x, tmp_path / "one.zip")
        exports.write_package(x, tmp_path / "again.zip")
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "again.zip").read_bytes()
    with Store.open(str(tmp_path / "b.db")) as b:
        (events, polls, positions, members) = import_paths(b, [tmp_path / "one.zip"])
        assert events.counts["ratifications"] == 30 and polls.counts["polls"] == 27
        assert members.counts["required_members"] == 28  # the members table is read back
        exports.write_package(export_records(b, "montenegro-nato"), tmp_path / "two.zip")
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()


# -- generated processes -----------------------------------------------------------------

MEMBERS = ["Albania", "BE", "Türkiye", "Turkey", "TR", "United Kingdom", "us", "Czechia", ""]
# Any text a spreadsheet cell holds: markup, quotes, commas, ';', '=', newlines, any script
# (control characters other than the newline are not text a source gives).
TEXT = st.text(
    st.characters(
        exclude_categories=("Cs", "Cc", "Zl", "Zp"), include_characters="\n,;=\"'<>{}[]|"
    ),
    max_size=40,
)
DETAIL = TEXT.map(lambda s: " ".join(s.replace(";", ",").split()))


@st.composite
def partial_dates(draw: st.DrawFn) -> tuple[str, str]:
    y = draw(st.integers(1949, 2026))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return str(y), precision
    m = draw(st.integers(1, 12))
    if precision == "month":
        return f"{y}-{m:02d}", precision
    return f"{y}-{m:02d}-{draw(st.integers(1, 28)):02d}", precision


@st.composite
def event_rows(draw: st.DrawFn) -> dict[str, str]:
    d, precision = draw(partial_dates())
    member = draw(st.sampled_from(MEMBERS))
    kind = draw(
        st.sampled_from(["ratified", "deposit", "parliament_approval", "head_of_state_signature"])
    )
    details = draw(st.lists(st.sampled_from(["instrument", "inferred", "correction"]), unique=True))
    parts = [kind]
    for key in details:
        parts.append("correction=yes" if key == "correction" else f"{key}={draw(DETAIL)}")
    return {
        "process": "",
        "member": member,
        "event": "; ".join(parts),
        "date": d,
        "precision": precision,
        "source_url": draw(TEXT.filter(lambda s: s.strip() != "")),
        "source_quote": draw(TEXT),
    }


@st.composite
def milestone_rows(draw: st.DrawFn) -> dict[str, str]:
    d, precision = draw(partial_dates())
    kind = draw(
        st.sampled_from(
            [
                "milestone: invitation",
                "membership",
                "milestone: accession_talks",
                "milestone: ratification_by_members; ratified=28",  # a tally
            ]
        )
    )
    label = draw(st.one_of(st.just(""), DETAIL.map(lambda s: f"; source_label={s}" if s else "")))
    return {
        "process": "",
        "member": "ALL" if "ratified=" in kind else "Sweden",
        "event": kind + label,
        "date": d,
        "precision": precision,
        "source_url": "https://example.org/a?b=1",
        "source_quote": draw(TEXT),
    }


SHARE = st.one_of(
    st.just("100"),
    st.builds(
        lambda a, b: f"{a}.{b}" if b else str(a),
        st.integers(0, 99),
        st.sampled_from(["", "5", "25", "125"]),
    ),
)


@st.composite
def poll_rows(draw: st.DrawFn) -> dict[str, str]:
    (d, _), days = draw(partial_dates()), draw(st.booleans())
    return {
        "fieldwork": f"{d}/{d}" if days else d,
        "pollster": draw(TEXT),
        "sample_size": draw(st.sampled_from(["", "1", "800", str(MAX_SAMPLE)])),
        "share_for": draw(SHARE),
        "share_against": draw(SHARE),
        "share_undecided": draw(st.one_of(st.just(""), SHARE)),
        "lead": "",
        "question": draw(TEXT),
        "condition": draw(TEXT),
        "base": draw(st.sampled_from(["all", "decided", "unknown"])),
        "base_inferred": draw(st.sampled_from(["true", "false"])),
        "source_url": draw(TEXT),
        "source_quote": draw(TEXT),
    }


@st.composite
def packages(draw: st.DrawFn) -> dict[str, list[dict[str, str]]]:
    signed, precision = draw(partial_dates())
    sig = {
        "process": "",
        "member": "ALL",
        "event": "protocol_signed",
        "date": signed,
        "precision": precision,
        "source_url": "https://example.org/",
        "source_quote": "",
    }
    return {
        "events": [
            sig,
            *draw(st.lists(event_rows(), max_size=12)),
            *draw(st.lists(milestone_rows(), max_size=3)),
        ],
        "polls": draw(st.lists(poll_rows(), max_size=5)),
        "positions": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "party": TEXT.filter(lambda s: s.strip() != ""),
                        "position": st.sampled_from(["for", "against", "neutral", "ambiguous"]),
                        "statement": TEXT,
                        "source_url": TEXT,
                        "source_quote": TEXT,
                    }
                ),
                max_size=3,
            )
        ),
        # Who must ratify, when the package says (else NATO's members on the signature day).
        "members": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "code": st.sampled_from(["CA", "DK", "HU", "TR", "US", "GB", "NO"]),
                        "name": st.just(""),
                        "source_url": TEXT,
                        "source_quote": TEXT,
                    }
                ),
                max_size=4,
                unique_by=lambda r: r["code"],
            )
        ),
    }


def write_package(folder: Path, slug: str, tables: dict[str, list[dict[str, str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    resources = []
    for row in tables["events"]:
        row["process"] = f"Test {slug}"
    for name, rows in tables.items():
        out = io.StringIO()
        w = csv.DictWriter(out, fieldnames=COLUMNS[name], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        (folder / f"{name}.csv").write_text(out.getvalue(), encoding="utf-8", newline="")
        resources.append({"name": name, "path": f"{name}.csv", "schema": SCHEMAS[name]})
    descriptor = {
        "name": slug,
        "title": f"Test {slug}",
        "resources": resources,
        "treatywatch": {"process": slug, "organization": "NATO", "candidates": ["SE"]},
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def two_stores(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, Store]]:
    if request.param == "sqlite":
        base = tmp_path_factory.mktemp("stores")
        with Store.open(str(base / "a.db")) as a, Store.open(str(base / "b.db")) as b:
            yield a, b
    else:
        urls = pg_database(), pg_database()
        with Store.open(next(urls[0])) as a, Store.open(next(urls[1])) as b:
            yield a, b
        for gen in urls:
            next(gen, None)


COUNTER = iter(range(10**9))


def _clear(s: Store) -> None:
    from treatywatch.store.tables import CHANGES, DOCUMENTS, PROCESSES, RECORD_TABLES

    with s.transaction():
        for t in (*RECORD_TABLES, CHANGES, DOCUMENTS, PROCESSES):
            s.execute(f"DELETE FROM {t.name}")  # noqa: S608 - our own table names


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tables=packages())
def test_generated_processes_round_trip(
    two_stores: tuple[Store, Store],
    tables: dict[str, list[dict[str, str]]],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    a, b = two_stores
    for s in two_stores:  # each generated process into empty stores
        _clear(s)
    slug = f"gen-{next(COUNTER)}"
    base = tmp_path_factory.mktemp(slug)
    import_paths(a, [write_package(base / "given", slug, tables)])
    first = _export(a, slug, base / "one")
    import_paths(b, [base / "one"])
    second = _export(b, slug, base / "two")
    assert first == second
    # Every act and poll given came through (none dropped, none added).
    acts = [r for r in tables["events"] if r["member"] != "ALL" and r["member"] != "Sweden"]
    assert len(export_records(b, slug).acts) == len(acts)
    assert len(export_records(b, slug).polls) == len(tables["polls"])
    # A members table given is the list of who must ratify, each member with its source.
    if tables["members"]:
        written = {r["code"]: r for r in csv.DictReader(io.StringIO(first["members.csv"]))}
        assert set(written) == {m["code"] for m in tables["members"]}
        for m in tables["members"]:
            assert written[m["code"]]["source_quote"] == m["source_quote"]


# -- packages with errors ----------------------------------------------------------------


def test_every_problem_is_listed_and_nothing_is_stored(tmp_path: Path, cli: Cli) -> None:
    rows = [
        {
            "process": "",
            "member": "ALL",
            "event": "protocol_signed",
            "date": "2022-07-05",
            "precision": "day",
            "source_url": "https://x.org",
            "source_quote": "",
        },
        {
            "process": "",
            "member": "Narnia",
            "event": "ratified",
            "date": "2022-07-06",
            "precision": "day",
            "source_url": "https://x.org",
            "source_quote": "",
        },
        {
            "process": "",
            "member": "DE",
            "event": "ratified",
            "date": "2022-13",
            "precision": "day",
            "source_url": "https://x.org",
            "source_quote": "",
        },
        {
            "process": "",
            "member": "FR",
            "event": "",
            "date": "2022-07-08",
            "precision": "week",
            "source_url": "https://x.org",
            "source_quote": "",
        },
    ]
    polls = [
        {
            "fieldwork": "2022-05",
            "pollster": "X",
            "sample_size": "99999999999",
            "share_for": "150",
            "share_against": "40",
            "share_undecided": "",
            "lead": "",
            "question": "",
            "condition": "",
            "base": "all",
            "base_inferred": "true",
            "source_url": "",
            "source_quote": "",
        }
    ]
    pkg = write_package(tmp_path / "bad", "bad-one", {"events": rows, "polls": polls})
    assert cli("import", EXAMPLE).code == 0
    before = cli("processes", "--json").json()
    r = cli("import", pkg)
    assert r.code == 2
    lines = r.err.strip().splitlines()
    # file, row, field for each problem; the last line says how many and that nothing was imported
    assert any("events.csv:5: event" in line for line in lines), r.err
    assert any("events.csv:5: precision" in line for line in lines), r.err
    assert any("polls.csv:2: sample_size" in line for line in lines), r.err
    assert "nothing imported" in lines[-1] and "problem(s)" in lines[-1]
    assert cli("processes", "--json").json() == before
    # Fixed in its type errors, the package still has rows that break treatywatch's own rules
    rows[3] |= {"event": "ratified", "precision": "day"}
    polls[0] |= {"sample_size": "1000"}
    rows[2]["date"] = "2022-07"
    rows[2]["precision"] = "month"
    write_package(tmp_path / "bad", "bad-one", {"events": rows, "polls": polls})
    r = cli("import", pkg)
    assert r.code == 2 and "events.csv:3: member: 'Narnia' is not a country" in r.err
    assert "polls.csv:2: share_for: '150' is out of range (0–100)" in r.err
    assert cli("processes", "--json").json() == before


@pytest.mark.parametrize(
    "path, message",
    [
        ("https://example.org/events.csv", "must be a relative path"),
        ("../outside.csv", "must be a relative path"),
        ("/etc/passwd", "must be a relative path"),
    ],
)
def test_resource_paths_stay_inside_the_package(tmp_path: Path, path: str, message: str) -> None:
    folder = write_package(tmp_path / "p", "p", {"events": []})
    d = json.loads((folder / "datapackage.json").read_text())
    d["resources"][0]["path"] = path
    (folder / "datapackage.json").write_text(json.dumps(d))
    with pytest.raises(InputError, match=message):
        read_package(folder)


def test_symlink_out_of_the_package_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text("process,member\n")
    folder = write_package(tmp_path / "p", "p", {"events": []})
    (folder / "events.csv").unlink()
    (folder / "events.csv").symlink_to(tmp_path / "secret.csv")
    with pytest.raises(InputError, match="outside the package"):
        read_package(folder)


def test_a_folder_without_descriptor_and_a_broken_zip(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no datapackage.json"):
        read_package(tmp_path / "empty")
    (tmp_path / "x.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InputError, match="not a zip"):
        read_package(tmp_path / "x.zip")
    with zipfile.ZipFile(tmp_path / "y.zip", "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(InputError, match="no datapackage.json"):
        read_package(tmp_path / "y.zip")


def test_unknown_organization_and_candidate_are_listed(tmp_path: Path) -> None:
    folder = write_package(tmp_path / "p", "p", {"events": []})
    d = json.loads((folder / "datapackage.json").read_text())
    d["treatywatch"] |= {"organization": "WARSAW", "candidates": ["Atlantis"]}
    (folder / "datapackage.json").write_text(json.dumps(d))
    with pytest.raises(PackageError) as e:
        read_package(folder)
    assert any("organization" in p for p in e.value.problems)
    assert any("Atlantis" in p for p in e.value.problems)


# -- the other formats -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sweden() -> Iterator[Store]:
    s = Store.memory()
    load_bundled_rounds(s)
    yield s
    s.close()


def test_bundled_rounds_are_packages_read_by_the_same_reader(tmp_path: Path) -> None:
    """The bundled history is stored as data packages: the package reader takes each one
    as it is, and frictionless finds it valid."""
    import frictionless

    folder = Path(__file__).resolve().parents[1] / "src" / "treatywatch" / "data" / "rounds"
    descriptors = sorted(folder.glob("*.datapackage.json"))
    assert len(descriptors) >= 12
    for d in descriptors:
        (events,) = read_package(d)[:1]
        assert events.acts or events.milestones
        report = frictionless.validate(str(d))
        assert report.valid, (d.name, report.flatten(["rowNumber", "fieldName", "type"])[:3])


def test_wikitable_has_a_ref_per_ratified_row(sweden: Store) -> None:
    x = export_records(sweden, "nato-2024-sweden")
    text = exports.wikitable(x)
    rows = [line for line in text.splitlines() if line.startswith("| {{flag|")]
    assert len(rows) == x.status.required_count == 30
    ratified = [r for r in rows if "{{dts|" in r]
    assert len(ratified) == x.status.ratified_count
    assert all(r.count("<ref>") == 1 and r.endswith("</ref>") for r in ratified)
    assert (
        text.startswith('{| class="wikitable sortable"') and "|}" in text and "{{reflist}}" in text
    )
    hungary = next(r for r in rows if "Hungary" in r)
    assert "{{dts|2024|3|5}}" in hungary


def test_wikitable_escapes_markup_from_sources(tmp_path: Path) -> None:
    rows = [
        {
            "process": "",
            "member": "ALL",
            "event": "protocol_signed",
            "date": "2022-07-05",
            "precision": "day",
            "source_url": "https://x.org",
            "source_quote": "",
        },
        {
            "process": "",
            "member": "DE",
            "event": "ratified",
            "date": "2022-07-06",
            "precision": "day",
            "source_url": "javascript:alert(1)",
            "source_quote": "]] {{delete}} <script>x</script> | '''b''' [[Category:X]]",
        },
    ]
    with Store.open(str(tmp_path / "s.db")) as s:
        import_paths(s, [write_package(tmp_path / "p", "evil", {"events": rows})])
        text = exports.wikitable(export_records(s, "evil"))
    germany = next(line for line in text.splitlines() if "Germany" in line)
    assert "<script>" not in germany and "{{delete}}" not in germany and "[[Category" not in germany
    assert "[javascript" not in germany  # not a link: only http(s) URLs are linked
    assert "&lt;script&gt;" in germany


def test_calendar_uids_are_stable_and_precision_is_kept(sweden: Store) -> None:
    from icalendar import Calendar

    x = export_records(sweden, "nato-2024-sweden")
    one, two = exports.calendar(x), exports.calendar(export_records(sweden, "nato-2024-sweden"))
    assert one == two
    cal = Calendar.from_ical(one)
    events = cal.walk("VEVENT")
    uids = [str(e["uid"]) for e in events]
    assert len(uids) == len(set(uids)) > 50
    germany = [e for e in events if str(e["summary"]).startswith("Germany: Instrument deposited")]
    assert germany and "known to the month only: 2022-07" in str(germany[0]["description"])
    assert all(type(e.decoded("dtstart")) is date for e in events)  # all-day
    # An untyped row is summarised in its own words, not by its kind ("Sweden: event").
    summaries = {str(e["summary"]).split(" (")[0] for e in events}
    assert "Sweden: Application" in summaries
    assert not any(s.endswith(": event") for s in summaries)


def test_json_export_is_the_package_inline(sweden: Store) -> None:
    x = export_records(sweden, "nato-2024-sweden")
    d = json.loads(exports.json_text(x))
    assert d["treatywatch"]["process"] == "nato-2024-sweden"
    events = next(r for r in d["resources"] if r["name"] == "events")
    assert len(events["data"]) == len(exports.event_rows(x))


def test_csv_export_neutralises_formulas(tmp_path: Path) -> None:
    rows = [
        {
            "process": "",
            "member": "ALL",
            "event": "protocol_signed",
            "date": "2022-07-05",
            "precision": "day",
            "source_url": "https://x.org",
            "source_quote": '=HYPERLINK("http://evil")',
        },
    ]
    with Store.open(str(tmp_path / "s.db")) as s:
        import_paths(s, [write_package(tmp_path / "p", "f", {"events": rows})])
        x = export_records(s, "f")
    assert "'=HYPERLINK" in exports.csv_text(x)
    assert '"=HYPERLINK' in exports.package_files(x)["events.csv"]  # the package keeps data as is


def test_export_cli_every_format(cli: Cli, tmp_path: Path) -> None:
    for fmt, name in (
        ("wikitable", "t.wiki"),
        ("ics", "c.ics"),
        ("json", "p.json"),
        ("csv", "e.csv"),
    ):
        r = cli("export", "nato-2024-sweden", "--format", fmt, "-o", tmp_path / name)
        assert r.code == 0, r.err
        assert (tmp_path / name).stat().st_size > 1000
    r = cli("export", "nato-2024-sweden", "--format", "ics")
    assert r.code == 0 and r.out.startswith("BEGIN:VCALENDAR")
    r = cli("export", "nato-2024-sweden")
    assert r.code == 2 and "-o" in r.err
    r = cli("export", "nato-2024-sweden", "-o", tmp_path / "sweden.zip")
    assert r.code == 0 and zipfile.is_zipfile(tmp_path / "sweden.zip")


def test_a_fifo_named_like_a_zip_is_refused_not_waited_on(tmp_path: Path) -> None:
    """A zip is read by the same safe reader as an article: a FIFO is refused at once."""
    import os

    fifo = tmp_path / "package.zip"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="named pipe"):
        read_package(fifo)


def test_a_tally_must_be_a_count(tmp_path: Path) -> None:
    from treatywatch.sources.datapackage import problems, read_package_input

    sig = {"process": "", "member": "ALL", "event": "protocol_signed", "date": "2022-07-05"}
    tally = {"process": "", "member": "ALL", "date": "2022-10-14"}
    rows = [
        sig,
        tally | {"event": "milestone: ratification_by_members; ratified=most"},
        tally | {"event": "milestone: ratification_by_members; ratified=28"},
    ]
    for r in rows:
        r |= {"precision": "day", "source_url": "https://example.org/", "source_quote": "q"}
    folder = write_package(tmp_path / "p", "tally", {"events": rows})
    found = problems(read_package_input(folder))
    assert len(found) == 1 and "events.csv:3: event: ratified='most' is not a count" in found[0]
    rows.pop(1)
    good = write_package(tmp_path / "q", "tally", {"events": rows})
    assert problems(read_package_input(good)) == []
    (doc,) = read_package(good)
    (counted,) = [m for m in doc.milestones if m.ratified_count is not None]
    assert counted.ratified_count == 28 and counted.kind == "ratification_by_members"


def _members_package(folder: Path, members: list[dict[str, str]]) -> Path:
    """A NATO process signed 2022-07-05 whose members table names who must ratify."""
    src = {"precision": "day", "source_url": "https://example.org/t", "source_quote": "q"}
    rows = [
        {"process": "", "member": "ALL", "event": "protocol_signed", "date": "2022-07-05"} | src,
        {"process": "", "member": "Denmark", "event": "ratified", "date": "2022-07-07"} | src,
        {"process": "", "member": "Canada", "event": "ratified", "date": "2022-07-05"} | src,
    ]
    return write_package(folder, "members-given", {"events": rows, "members": members})


def test_a_members_table_decides_who_must_ratify(store_url: str, tmp_path: Path) -> None:
    # NATO's member list would make it 30 members; the package says three, each with the row
    # that says so, and the status, the export and a re-import agree.
    listed = [
        {"code": c, "name": n, "source_url": "https://example.org/parties", "source_quote": n}
        for c, n in (("DK", "Denmark"), ("CA", "Canada"), ("TR", "Turkey"))
    ]
    folder = _members_package(tmp_path / "p", listed)
    with Store.open(store_url) as s:
        outcomes = import_paths(s, [folder])
        assert [o.counts.get("required_members") for o in outcomes] == [0, 3]
        st = process_status(s, "members-given", date(2023, 1, 1))
        assert st.members_known and st.required_count == 3 and st.ratified_count == 2
        assert [m.code for m in st.pending] == ["TR"]
        turkey = next(m for m in st.required if m.code == "TR")
        assert turkey.source_url == "https://example.org/parties"
        # Before the signature no one is required yet, as with a member list.
        assert process_status(s, "members-given", date(2022, 1, 1)).required_count == 0
        exported = _export(s, "members-given", tmp_path / "out")
    rows = list(csv.DictReader(io.StringIO(exported["members.csv"])))
    assert [(r["code"], r["source_quote"]) for r in rows] == [
        ("CA", "Canada"),
        ("DK", "Denmark"),
        ("TR", "Turkey"),
    ]
    # Without the table, NATO's own list on the signature day decides (30 allies).
    bare = _members_package(tmp_path / "bare", [])
    (tmp_path / "bare" / "members.csv").unlink()
    descriptor = json.loads((bare / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "members"]
    (bare / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with Store.open(str(tmp_path / "bare.db")) as s:
        import_paths(s, [bare])
        assert process_status(s, "members-given", date(2023, 1, 1)).required_count == 30


def test_a_members_table_names_countries_only(tmp_path: Path, cli: Cli) -> None:
    bad = [
        {"code": "XX", "name": "Nowhere", "source_url": "", "source_quote": ""},
        {"code": "SE", "name": "Sweden", "source_url": "", "source_quote": ""},
    ]
    folder = _members_package(tmp_path / "p", bad)  # the candidate is Sweden
    out = cli("import", str(folder))
    assert out.code == 2
    assert "members.csv:2: code: 'XX' is not a country's ISO code" in out.err
    assert "members.csv:3: code: SE is the candidate" in out.err
    assert "members-given" not in cli("processes", "--json").out


def test_markup_in_a_members_table_stays_text(tmp_path: Path, cli: Cli) -> None:
    # A members table is the package's text like any other: shown as written, never run.
    hostile = [
        {"code": "DK", "name": "[bold red]Evil[/bold red]", "source_url": "", "source_quote": ""},
        {
            "code": "TR",
            "name": "<img src=x onerror=alert(1)>",
            "source_url": "",
            "source_quote": "",
        },
    ]
    folder = _members_package(tmp_path / "p", hostile)
    assert cli("import", str(folder)).code == 0
    status = cli("status", "members-given", "--as-of", "2023-01-01")
    assert "pending: <img src=x onerror=alert(1)>" in status.out
    table = cli("ratifications", "members-given", "--as-of", "2023-01-01")
    assert "[bold red]Evil[/bold red]" in table.out
    assert cli("report", "members-given", "-o", str(tmp_path / "r.html")).code == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_members_table_is_exported_before_its_signature_day(tmp_path: Path) -> None:
    # Found by the round-trip property test: a process signed in a year not over yet (here
    # one far ahead) has no one required "as of today", yet its members table is its data
    # and must come back out.
    src = {"precision": "year", "source_url": "https://example.org/t", "source_quote": "q"}
    rows = [{"process": "", "member": "ALL", "event": "protocol_signed", "date": "2099"} | src]
    listed = [
        {"code": "CA", "name": "", "source_url": "https://example.org/p", "source_quote": "CA"}
    ]
    folder = write_package(tmp_path / "p", "ahead", {"events": rows, "members": listed})
    with Store.open(str(tmp_path / "s.db")) as s:
        import_paths(s, [folder])
        assert process_status(s, "ahead").required_count == 0  # not signed yet today
        exported = _export(s, "ahead", tmp_path / "out")
    (row,) = csv.DictReader(io.StringIO(exported["members.csv"]))
    assert (row["code"], row["name"], row["source_quote"]) == ("CA", "Canada", "CA")


ROUNDS_FOLDER = Path(__file__).resolve().parents[1] / "src" / "treatywatch" / "data" / "rounds"


def test_every_row_about_the_candidates_or_the_round_is_a_step_of_the_process() -> None:
    """A round's rows about its candidates or about the round (member ALL) are all milestones
    of the stored process, typed where the organization's procedure names the step and kept
    untyped ("event") otherwise; before, the untyped ones (Finland's application, every
    entry into force, 122 rows in all) were read and silently left out."""
    from treatywatch.reference.rounds import load_rounds, read_event_rows

    untyped = 0
    for r in load_rounds():
        descriptor = ROUNDS_FOLDER / f"{r.id}.datapackage.json"
        (events,) = read_package(descriptor)[:1]
        stored = {m.provenance.line_start for m in events.milestones}
        text = (ROUNDS_FOLDER / f"{r.id}.csv").read_text(encoding="utf-8")
        cands = set(r.candidates)
        about = [
            row.line
            for row in read_event_rows(text, f"{r.id}.csv")
            if row.member == "ALL" or row.member_code in cands
        ]
        assert about and set(about) <= stored, (r.id, sorted(set(about) - stored))
        untyped += sum(m.kind == "event" for m in events.milestones)
    assert untyped >= 60


def test_untyped_steps_of_a_round_read_and_round_trip(tmp_path: Path) -> None:
    """Finland's application and Spain's and Portugal's own acts: named by their rows,
    never the stage, and the same after export and import into an empty store."""
    from treatywatch.queries.timeline import process_timeline
    from treatywatch.render.reading import headline

    with Store.open(str(tmp_path / "a.db")) as a:
        load_bundled_rounds(a)
        entries = process_timeline(a, "nato-2023-finland").entries
        seen = [(e.kind, e.label, e.date.edtf) for e in entries]
        assert ("event", "Application", "2022-05-18") in seen  # lines 6 and 7
        assert ("partnership_for_peace", "Partnership for Peace", "1994-05-09") in seen
        assert (
            "domestic_ratification",
            "Domestic ratification: parliament approval",
            "2023-03-01",
        ) in seen
        applied = process_status(a, "nato-2023-finland", date(2022, 6, 1))
        assert applied.stage == "partnership_for_peace"  # the application names no step
        # ... but the status says it came after the stage's step, until a step follows it.
        latest = applied.latest_event
        assert latest is not None and (latest.label, latest.date.edtf) == (
            "Application",
            "2022-05-18",
        )
        assert "then Application, 18 May 2022;" in headline(applied)
        assert process_status(a, "nato-2023-finland", date(2022, 5, 17)).latest_event is None
        assert process_status(a, "nato-2023-finland", date(2022, 7, 1)).latest_event is None
        assert process_status(a, "nato-2023-finland", date(2023, 5, 1)).latest_event is None
        weu = {(m.label, m.date.edtf) for m in a.milestones("weu-1990-portugal-spain")}
        assert ("Parliament approval (Portugal)", "1990-03-13") in weu
        assert ("Entry into force", "1990-03-27") in weu
        assert ("Invitation (Spain)", "1988-11-14") in weu  # "invitation to accede, per …"
        firsts = {
            slug: _export(a, slug, tmp_path / slug / "one")
            for slug in (
                "nato-2023-finland",
                "weu-1990-portugal-spain",
                "eu-1973-denmark-ireland-uk",
            )
        }
        before = {slug: sorted(map(_step, a.milestones(slug))) for slug in firsts}
    with Store.open(str(tmp_path / "b.db")) as b:
        for slug, first in firsts.items():
            import_paths(b, [tmp_path / slug / "one"])
            assert _export(b, slug, tmp_path / slug / "two") == first
            assert sorted(map(_step, b.milestones(slug))) == before[slug]


def _step(m: Any) -> tuple[str, str, str, str]:
    # A detail's value cannot hold ';' (it separates details): an export writes ','.
    return (m.kind, m.label, m.date.edtf, m.source_label.replace(";", ","))

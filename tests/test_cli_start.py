"""`status` starts fast: it loads no heavy library and none of the importers, and Typer
builds only the command that runs (its help and errors are the whole app's)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE, run_loading
from treatywatch.cli.app import COMMANDS, app, command_app
from treatywatch.ingest import import_paths
from treatywatch.store.db import Store

# Libraries `status` has no use for; each costs tens of milliseconds to import.
HEAVY = (
    "altair",
    "edtf",
    "fastapi",
    "frictionless",
    "httpx",
    "jinja2",
    "mwparserfromhell",
    "numpy",
    "psycopg",
    "pycountry",
    "pydantic",
    "scipy",
    "starlette",
    "vl_convert",
)
# The package's own importers and checks: a store that holds the bundled rounds already
# needs only their hashes.
IMPORTERS = (
    "treatywatch.checks",
    "treatywatch.ingest",
    "treatywatch.reference.rounds",
    "treatywatch.sources.article",
    "treatywatch.sources.datapackage",
    "treatywatch.sources.prose",
)


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "start.db")
    with Store.open(path) as s:
        import_paths(s, [EXAMPLE])
    _loaded(path, "processes")  # the first command stores the bundled rounds
    return path


def _loaded(db: str, *args: str) -> set[str]:
    return run_loading(db, *args)[1]


@pytest.mark.parametrize("as_json", [False, True])
def test_status_loads_no_heavy_library_nor_importer(db: str, as_json: bool) -> None:
    args = ["status", "montenegro-nato", "--as-of", "2016-12-31"] + (["--json"] if as_json else [])
    loaded = _loaded(db, *args)
    assert "treatywatch.queries.status" in loaded  # it did run
    heavy = {m for m in loaded if m.split(".")[0] in HEAVY}
    assert heavy == set()
    assert {m for m in loaded if m.startswith(IMPORTERS)} == set()


def test_status_text_does_not_load_the_json_shapes(db: str) -> None:
    assert "treatywatch.serialize" not in _loaded(db, "status", "montenegro-nato")
    assert "treatywatch.serialize" in _loaded(db, "status", "montenegro-nato", "--json")


def test_a_named_command_gets_an_app_of_that_command_alone() -> None:
    def names(args: list[str]) -> list[str | None]:
        return [c.name for c in command_app(args).registered_commands]

    assert names(["status", "x"]) == ["status"]
    assert names(["--db", "x.db", "--create", "status", "x"]) == ["status"]
    assert names(["--db=x.db", "polls", "x", "--average"]) == ["polls"]
    # No command named, or one that does not exist: the whole app.
    assert command_app(["--help"]) is app
    assert command_app(["--help", "status"]) is app
    assert command_app(["statuss"]) is app
    assert command_app([]) is app
    assert command_app(["--db", "status"]) is app  # "status" is --db's value here


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--help"],
        ["status"],  # missing argument
        ["status", "x", "--as-of", "2016-13-01"],  # a bad day
        ["polls", "x", "--nope"],  # no such option
    ],
)
def test_a_one_command_app_helps_and_fails_as_the_whole_app(args: list[str]) -> None:
    runner = CliRunner()
    env = {"COLUMNS": "100", "TREATYWATCH_DB": "/nonexistent-folder/x.db"}
    whole = runner.invoke(app, args, env=env, prog_name="treatywatch")
    alone = runner.invoke(command_app(args), args, env=env, prog_name="treatywatch")
    assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output)
    assert whole.exit_code == (0 if "--help" in args else 2)


def test_every_command_is_one_app() -> None:
    for name, _ in COMMANDS:
        assert [c.name for c in command_app([name]).registered_commands] == [name]

"""What every command shares: its options, the store from the command line, printing.

The global ``--db`` option lives in Typer's context (``ctx.obj``), set by the app's
callback; a command asks for its store with :func:`open_store`.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from treatywatch.store.db import Store


@dataclass
class Settings:
    """Options given before the command, for every command."""

    db: str | None = None


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="TREATYWATCH_DB",
        help="Store: a SQLite file path or a postgresql:// URL (default: your data directory).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ProcessArg = Annotated[
    str, typer.Argument(help="Process slug (e.g. montenegro-nato) or the candidate's name.")
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Show the process as it stood on this day (YYYY-MM-DD)."),
]


def settings(ctx: typer.Context) -> Settings:
    """The command line's settings (``--db``), from the root of the context."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings()


def store_url(ctx: typer.Context) -> str | None:
    return settings(ctx).db


def open_store(ctx: typer.Context) -> Store:
    """The store the command line names (``--db``, ``$TREATYWATCH_DB``, or the default),
    holding the bundled past rounds as processes (stored on first use)."""
    from treatywatch.ingest import load_bundled_rounds
    from treatywatch.store.db import Store

    store = Store.open(store_url(ctx))
    try:
        load_bundled_rounds(store)
    except BaseException:
        store.close()
        raise
    return store


def make_console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


JsonFileOption = Annotated[
    Path | None,
    typer.Option("-o", "--output", help="Also write the results as JSON to this file."),
]


def write_json_file(data: Any, output: Path | None, quiet: bool) -> None:
    """``-o FILE``: the JSON written to a file too, said on the terminal unless ``quiet``
    (with ``--json``, standard output holds the JSON alone)."""
    if output is None:
        return
    output.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        from treatywatch.cli.text import line

        make_console().print(line("wrote ", output))


KnownOnOption = Annotated[
    str | None,
    typer.Option(
        "--known-on",
        help="Show the record as the store knew it at the end of this day (YYYY-MM-DD): "
        "what had been imported or recorded by then, before later corrections.",
    ),
]


def parse_day(text: str | None, option: str = "--as-of") -> date | None:
    """An ``--as-of`` (or other) day, or a usage error (exit 2) naming the option."""
    if text is None:
        return None
    from treatywatch.domain.dates import DateParseError, parse_as_of

    try:
        return parse_as_of(text)
    except DateParseError as e:
        raise typer.BadParameter(str(e), param_hint=option) from None


def example_path() -> Path:
    """The bundled example article (Wikipedia, CC BY-SA 4.0; see examples/ATTRIBUTION.md)."""
    return Path(str(resources.files("treatywatch") / "examples" / "montenegro-nato-relations.txt"))

"""What every command shares: its options, the store from the command line, printing.

The global ``--db`` option lives in Typer's context (``ctx.obj``), set by the app's
callback; a command asks for its store with :func:`open_store`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from treatywatch.domain import words

if TYPE_CHECKING:
    from rich.console import Console

    from treatywatch.store.db import Store


@dataclass
class Settings:
    """Options given before the command, for every command."""

    db: str | None = None
    # Make the store's folder when it does not exist (else a typo in --db is an error).
    create: bool = False


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="TREATYWATCH_DB",
        help="Store: a SQLite file path or a postgresql:// URL (default: your data directory).",
    ),
]
CreateOption = Annotated[
    bool,
    typer.Option(
        "--create",
        help="Create the --db store's folder if it does not exist (the default store's folder "
        "is always created).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ProcessArg = Annotated[
    str, typer.Argument(help="Process slug (e.g. montenegro-nato) or the candidate's name.")
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Show the process as it stood on this day (YYYY-MM-DD; YYYY-MM or YYYY mean the "
        "month's or the year's last day).",
    ),
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
    from treatywatch.queries.ready import ready_store
    from treatywatch.store.db import Store

    given = settings(ctx)
    if given.db is not None and not given.create:
        _require_folder(given.db)
    store = Store.open(given.db)
    try:
        # A bar only where documents are read again (another version read them).
        again = progress_bar("reading again") if not store.read_by_this_version() else None
        with again or nullcontext() as progress:
            ready_store(store, _tell_recheck, progress)
    except BaseException:
        store.close()
        raise
    return store


def _tell_recheck(count: int) -> None:
    print(
        f"treatywatch: reading and checking {words.count(count, 'stored document')} again: "
        "another version of "
        "treatywatch read them",
        file=sys.stderr,
    )


def _require_folder(url: str) -> None:
    """A SQLite store's folder must exist: creating it would hide a typo in --db (an empty
    store where the user expected theirs); ``--create`` asks for it."""
    from treatywatch.errors import PlaceError
    from treatywatch.sources.reading import shown
    from treatywatch.store.connection import is_postgres, sqlite_path

    if is_postgres(url):
        return
    path = sqlite_path(url)
    if path == ":memory:" or path.startswith("file:"):
        return
    folder = Path(path).parent
    if not folder.is_dir():
        raise PlaceError(
            f"--db {shown(path)}: no folder {shown(folder)}; check the path (or "
            "TREATYWATCH_DB), or give --create to make a new store there"
        )


def output_path(path: Path) -> Path:
    """An output file's path, refused in one line when its folder does not exist."""
    from treatywatch.errors import PlaceError
    from treatywatch.sources.reading import shown

    folder = path.parent
    if not folder.is_dir():
        raise PlaceError(f"{shown(path)}: no folder {shown(folder)} to write it in")
    if path.is_dir():
        raise PlaceError(f"{shown(path)}: is a folder; give a file name")
    return path


def write_output(path: Path, data: str | bytes) -> None:
    """Write an output file whole, or fail in one line naming it (exit 2)."""
    from treatywatch.errors import PlaceError
    from treatywatch.sources.reading import shown

    output_path(path)
    try:
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8", newline="")
    except OSError as e:
        raise PlaceError(f"{shown(path)}: cannot write: {e.strerror or e}") from None


def on_terminal() -> bool:
    """True when both standard output and standard error are a terminal: progress bars
    are drawn only then (piped or redirected, a command stays quiet)."""
    return sys.stdout.isatty() and sys.stderr.isatty()


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar on standard error while the block runs, given as a callback
    ``(done, total)``; None (nothing drawn) when not on a terminal."""
    if not on_terminal():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = (
        "{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    )  # fmt: skip
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tick


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
    write_output(output, json.dumps(data, indent=2) + "\n")
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
    """An ``--as-of`` (or other) day, or a usage error (exit 2) naming the option: a day, or
    a month or a year meaning its last day."""
    if text is None:
        return None
    from treatywatch.domain.dates import DateParseError, parse_as_of_period

    try:
        return parse_as_of_period(text)
    except DateParseError as e:
        raise typer.BadParameter(str(e), param_hint=option) from None


def example_path() -> Path:
    """The bundled example article (Wikipedia, CC BY-SA 4.0; see examples/ATTRIBUTION.md)."""
    return Path(str(resources.files("treatywatch") / "examples" / "montenegro-nato-relations.txt"))

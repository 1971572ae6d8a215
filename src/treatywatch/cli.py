"""The command line: parses arguments, calls the package's functions, prints."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from treatywatch.errors import INTERNAL_ERROR_EXIT, TreatywatchError

if TYPE_CHECKING:
    from rich.console import Console

    from treatywatch.store.db import Store

app = typer.Typer(
    help="Follow how states join alliances and treaties: import sources, ask where a process stands.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_state: dict[str, str | None] = {"db": None}

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


@app.callback()
def _main(db: DbOption = None) -> None:
    _state["db"] = db


def _store() -> Store:
    from treatywatch.store.db import Store

    return Store.open(_state["db"])


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    from treatywatch.domain.dates import DateParseError, parse_as_of

    try:
        return parse_as_of(text)
    except DateParseError as e:
        raise typer.BadParameter(str(e), param_hint="--as-of") from None


def example_path() -> Path:
    """The bundled example article (Wikipedia, CC BY-SA 4.0; see examples/ATTRIBUTION.md)."""
    return Path(str(resources.files("treatywatch") / "examples" / "montenegro-nato-relations.txt"))


def main() -> None:
    """Console entry point: one-line errors with distinct exit codes."""
    try:
        app()
    except TreatywatchError as e:
        sys.stderr.write(f"treatywatch: error: {_one_line(str(e))}\n")
        raise SystemExit(e.exit_code) from None
    except Exception as e:  # a bug: say so in one line, with a code of its own
        if os.environ.get("TREATYWATCH_DEBUG"):
            raise
        sys.stderr.write(
            f"treatywatch: internal error: {type(e).__name__}: {_one_line(str(e))}; "
            "this is a bug in treatywatch: please report it with the command you ran "
            "(TREATYWATCH_DEBUG=1 shows the traceback)\n"
        )
        raise SystemExit(INTERNAL_ERROR_EXIT) from None


def _one_line(text: str, limit: int = 500) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _register() -> None:
    """Load the command modules, which add their commands to ``app``."""
    from importlib import import_module

    # In the order `treatywatch --help` lists them.
    for name in ("records", "checks", "history", "outputs"):
        import_module(f"treatywatch.commands.{name}")


_register()

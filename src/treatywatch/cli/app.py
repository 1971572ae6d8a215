"""The Typer app: every command in one list, the global options, and the entry point."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import typer

from treatywatch.cli import (
    check_commands,
    output_commands,
    record_commands,
    statistics_commands,
    write_commands,
)
from treatywatch.cli.common import CreateOption, DbOption, Settings
from treatywatch.errors import INTERNAL_ERROR_EXIT, TreatywatchError

# In the order `treatywatch --help` lists them: (name, function).
COMMANDS: list[tuple[str, Callable[..., Any]]] = [
    ("import", record_commands.import_),
    ("sync", record_commands.sync),
    ("new", write_commands.new),
    ("record", write_commands.record),
    ("export", write_commands.export),
    ("processes", record_commands.processes),
    ("status", record_commands.status),
    ("timeline", record_commands.timeline),
    ("ratifications", record_commands.ratifications),
    ("polls", record_commands.polls),
    ("polls-eval", record_commands.polls_eval),
    ("check", check_commands.check),
    ("members", statistics_commands.members),
    ("forecast", statistics_commands.forecast),
    ("backtest", statistics_commands.backtest_),
    ("serve", output_commands.serve),
    ("report", output_commands.report),
    ("chart", output_commands.chart),
    ("demo", output_commands.demo),
]


def _options(ctx: typer.Context, db: DbOption = None, create: CreateOption = False) -> None:
    ctx.obj = Settings(db=db, create=create)


def _typer_app(commands: list[tuple[str, Callable[..., Any]]]) -> typer.Typer:
    """A Typer app of ``commands`` and the global options."""
    made = typer.Typer(
        help="Follow how states join alliances and treaties: import sources, ask where a "
        "process stands.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for name, function in commands:
        made.command(name)(function)
    made.callback()(_options)
    return made


app = _typer_app(COMMANDS)


def command_app(args: list[str]) -> typer.Typer:
    """The app that runs ``args``: when they name a command, an app of that command alone
    (Typer reads every command's parameters each time it runs, which a one-command app
    spares; the command parses, helps and fails alike); else the whole app (``--help``,
    a mistyped command)."""
    names = dict(COMMANDS)
    i = 0
    while i < len(args) and (args[i] in ("--db", "--create") or args[i].startswith("--db=")):
        i += 2 if args[i] == "--db" else 1  # the global options before the command
    if i < len(args) and args[i] in names:
        return _typer_app([(args[i], names[args[i]])])
    return app


def main() -> None:
    """Console entry point: one-line errors with distinct exit codes."""
    try:
        command_app(sys.argv[1:])()
    except TreatywatchError as e:
        for problem in getattr(e, "problems", ()):  # a data package's: one line each
            sys.stderr.write(f"treatywatch: {_one_line(str(problem))}\n")
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

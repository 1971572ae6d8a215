"""Past enlargements: members' speeds, forecasts and the backtest."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated, Any

import typer

from treatywatch.cli.common import (
    AsOfOption,
    JsonFileOption,
    JsonOption,
    ProcessArg,
    make_console,
    open_store,
    output_path,
    parse_day,
    print_json,
    progress_bar,
    write_json_file,
)
from treatywatch.domain.words import count


def members(
    ctx: typer.Context,
    organization: Annotated[
        str, typer.Argument(help="Organization code: NATO, EU, Schengen or WEU.")
    ],
    sort: Annotated[
        str, typer.Option("--sort", help="median, fastest, slowest, rounds or name.")
    ] = "median",
    as_json: JsonOption = False,
) -> None:
    """How fast each member ratified in past rounds: median, fastest, slowest (days).

    Example: treatywatch members NATO --sort slowest
    """
    from treatywatch import serialize
    from treatywatch.cli.text import cells, plain
    from treatywatch.queries.speeds import member_speeds, organization_code

    keys = {
        "median": lambda m: m.median_days,
        "fastest": lambda m: m.fastest.days,
        "slowest": lambda m: -m.slowest.days,
        "rounds": lambda m: -m.rounds,
        "name": lambda m: m.member_code,
    }
    if sort not in keys:
        raise typer.BadParameter(f"{sort!r}; choose {', '.join(keys)}", param_hint="--sort")
    with open_store(ctx) as store:
        rows = sorted(member_speeds(store, organization), key=keys[sort])
        names = store.document_paths()
    if not rows:
        raise typer.BadParameter(f"no ratification history for {organization!r}")
    if as_json:
        print_json([serialize.member_speed(m, names) for m in rows])
        return
    from rich.table import Table

    from treatywatch.reference import country_name

    table = Table("member", "rounds", "median days", "fastest", "slowest", "sources",
                  title=plain(f"{organization_code(organization)}: days from signature to ratification"))  # fmt: skip
    for m in rows:
        src = {(s.document, s.line_start) for d in m.observations for s in d.sources}
        table.add_row(
            *cells(
                country_name(m.member_code),
                m.rounds,
                f"{m.median_days:.0f}",
                f"{'~' if m.fastest.imprecise else ''}{m.fastest.days:.0f} ({m.fastest.round_id})",
                f"{'~' if m.slowest.imprecise else ''}{m.slowest.days:.0f} ({m.slowest.round_id})",
                count(len(src), "row"),
            )
        )
    make_console().print(table)
    make_console().print(
        "A ~ marks month-precision dates counted at their midpoint; --json gives every source row."
    )


def forecast(
    ctx: typer.Context, process: ProcessArg, as_of: AsOfOption = None, as_json: JsonOption = False
) -> None:
    """When the process will likely complete: median date, intervals, who may be last.

    Example: treatywatch forecast montenegro-nato --as-of 2017-01-20
    """
    from treatywatch.cli.text import cells
    from treatywatch.queries.derived import derived

    day = parse_day(as_of) or date.today()
    with open_store(ctx) as store:
        slug = store.find_process(process).slug

        def compute() -> Any:
            from treatywatch import serialize
            from treatywatch.queries.forecasts import process_forecast

            f = process_forecast(store, slug, day)  # or NoForecast, saying why (not kept)
            return serialize.forecast(f, store.document_paths())

        # Sampled once per documents and day, kept in the store's cache of derived results
        # (apart from the API's "forecast": the CLI names sources from every document).
        f = derived(store, slug, "cli-forecast", day, compute)
    if as_json:
        print_json(f)
        return
    console = make_console()
    if f["completed"]:
        console.print(
            f"complete: every required member had ratified by {f['completed_on']['edtf']} (as of {f['as_of']}); no forecast"
        )
        return
    if "completion" not in f:  # as the forecast's own quantiles say it
        raise ValueError("no forecast: the process is complete or has no model")
    c = f["completion"]
    lo50, hi50 = c["interval50"]
    lo80, hi80 = c["interval80"]
    console.print(f"as of {f['as_of']}: {len(f['ratified'])} of {f['required']} ratified")
    console.print(
        f"completion (last required ratification): median {c['median']}; 50% {lo50} – {hi50}; 80% {lo80} – {hi80}"
    )
    from rich.table import Table

    table = Table(
        "pending member", "days pending", "median date", "80% interval", "chance of being last"
    )
    for d in f["pending"]:
        table.add_row(*cells(d["member"]["name"], d["days_pending"], d["median_date"],
                             " – ".join(d["interval80"]), f"{d['chance_last']:.0%}"))  # fmt: skip
    console.print(table)


def backtest_(
    ctx: typer.Context, as_json: JsonOption = False, output: JsonFileOption = None
) -> None:
    """Score the forecast on past rounds, each left out in turn, against two baselines.

    Example: treatywatch backtest --json
    """
    from treatywatch import serialize
    from treatywatch.queries.forecasts import run_backtest

    if output is not None:
        output_path(output)
    with open_store(ctx) as store, progress_bar("backtesting rounds") as progress:
        report = run_backtest(store, progress)
    data = serialize.backtest(report)
    if as_json:
        print_json(data)
    else:
        sys.stdout.write(report.render() + "\n")
    write_json_file(data, output, quiet=as_json)

"""The command line: parses arguments, calls the package's functions, prints."""

from __future__ import annotations

import json
import sys
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from treatywatch.errors import TreatywatchError

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


@app.command("import")
def import_(
    paths: Annotated[list[Path] | None, typer.Argument(help="Article files to import.")] = None,
    example: Annotated[bool, typer.Option("--example", help="Import the bundled example.")] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Abort (exit 1, store unchanged) on any unreadable row."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import accession articles into the store, all in one transaction.

    Example: treatywatch import montenegro-nato-relations.txt
    """
    from treatywatch import serialize
    from treatywatch.importing import import_paths

    todo: list[str | Path] = list(paths or [])
    if example:
        todo.append(example_path())
    if not todo:
        raise typer.BadParameter("give at least one PATH, or --example")
    with _store() as store:
        outcomes = import_paths(store, todo, strict=strict)
    if as_json:
        _print_json([serialize.outcome(o) for o in outcomes])
        return
    console = _console()
    for o in outcomes:
        c = o.counts
        verb = {"unchanged": "unchanged (already imported)", "replaced": "replaced earlier version"}
        console.print(
            f"[bold]{o.path}[/] → {o.process}: {verb.get(o.action, o.action)}; "
            f"{c['milestones']} milestones, {c['ratifications']} ratifications, {c['polls']} polls, "
            f"{c['relations']} member-state relations, {c['party_positions']} party positions"
        )
        for p in o.problems:
            console.print(f"  [yellow]{o.path}:{p.line}[/]: {p.message}", markup=True)


@app.command()
def processes(as_json: JsonOption = False) -> None:
    """List the processes in the store with their stage and ratification progress.

    Example: treatywatch processes
    """
    from treatywatch import serialize
    from treatywatch.analysis.status import process_status

    with _store() as store:
        statuses = [process_status(store, p.slug) for p in store.processes()]
    if as_json:
        _print_json([serialize.status(s) for s in statuses])
        return
    from rich.table import Table

    table = Table("process", "organization", "candidate", "stage", "ratified")
    for s in statuses:
        table.add_row(
            s.process.slug,
            s.process.organization,
            s.process.candidate_name,
            s.stage_label,
            f"{s.ratified_count} of {s.required_count}",
        )
    _console().print(table)


@app.command()
def status(process: ProcessArg, as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """Where a process stands: stage, who has ratified, who is pending.

    Example: treatywatch status montenegro-nato --as-of 2016-12-31
    """
    from treatywatch import serialize
    from treatywatch.analysis.status import process_status

    day = _as_of(as_of)
    with _store() as store:
        s = process_status(store, process, day)
    if as_json:
        _print_json(serialize.status(s))
        return
    console = _console()
    console.print(f"[bold]{s.process.candidate_name} → {s.process.organization}[/] as of {s.as_of}")
    console.print(f"stage: {s.stage_label}")
    if s.protocol_signed:
        since = (
            f" ({s.days_since_signature} days ago)" if s.days_since_signature is not None else ""
        )
        console.print(f"protocol signed: {s.protocol_signed}{since}")
    console.print(f"ratified: {s.ratified_count} of {s.required_count}")
    if s.pending:
        console.print("pending: " + ", ".join(m.name for m in s.pending))
    if s.unattributed_acts:
        console.print(f"[yellow]{s.unattributed_acts} ratification acts are not attributed[/]")
    console.print(f"member since: {s.member_since or '—'}")


@app.command()
def timeline(
    process: ProcessArg,
    acts: Annotated[
        bool, typer.Option("--acts", help="Also list every member's ratification acts.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Milestones from the tables and events from the prose, merged, with their sources.

    Example: treatywatch timeline montenegro-nato
    """
    from treatywatch.analysis.timeline import entry_dict, process_timeline

    with _store() as store:
        p = store.find_process(process)
        entries = process_timeline(store, p.slug, with_acts=acts)
        paths = {d.sha256: d.path for d in store.documents(p.slug)}
    if as_json:
        _print_json([entry_dict(e, paths) for e in entries])
        return
    from rich.table import Table

    table = Table("date", "precision", "event", "sources")
    for e in entries:
        when = f"{e.qualifier} {e.date.edtf}" if e.qualifier else e.date.edtf
        names = {Path(paths.get(s.document, s.document)).name for s in e.sources}
        lines = ", ".join(f"{s.line_start}{' (inferred)' if s.inferred else ''}" for s in e.sources)
        table.add_row(when, e.date.precision.value, e.label, f"{', '.join(sorted(names))}: {lines}")
    _console().print(table)


@app.command()
def ratifications(
    process: ProcessArg, as_of: AsOfOption = None, as_json: JsonOption = False
) -> None:
    """Each required member's ratification state on a day, from its dated acts.

    Example: treatywatch ratifications montenegro-nato --as-of 2017-05-10
    """
    from treatywatch import serialize
    from treatywatch.analysis.status import process_status

    day = _as_of(as_of)
    with _store() as store:
        s = process_status(store, process, day)
    if as_json:
        _print_json([serialize.member_status(m) for m in s.members])
        return
    from rich.table import Table

    table = Table("member", "state", "date", "act", "source", title=f"as of {s.as_of}")
    for m in s.members:
        last = m.acts[-1] if m.acts else None
        note = " (inferred)" if last and last.provenance.inferred else ""
        table.add_row(
            m.name,
            m.state.value,
            str(m.ratified_on or ""),
            last.kind.value if last else "",
            f"line {last.provenance.line_start}{note}" if last else "",
        )
    console = _console()
    console.print(table)
    console.print(f"{s.ratified_count} of {s.required_count} ratified")


@app.command()
def polls(
    process: ProcessArg,
    average: Annotated[
        bool,
        typer.Option("--average", help="The poll average with its 90% interval and house effects."),
    ] = False,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """The process's opinion polls as the sources give them, or their average.

    Example: treatywatch polls montenegro-nato --average
    """
    from treatywatch import serialize

    day = _as_of(as_of) or date.today()
    with _store() as store:
        p = store.find_process(process)
        rows = [q for q in store.polls(p.slug) if q.fieldwork.upper() <= day]
    if average:
        _print_average(rows, day, as_json)
        return
    if as_json:
        _print_json([serialize.poll(q) for q in rows])
        return
    from rich.table import Table

    table = Table("pollster", "for", "against", "undecided", "lead", "base", "line")
    table.add_column("fieldwork", no_wrap=True)
    for q in rows:
        table.add_row(
            q.pollster or "",
            str(q.share_for),
            str(q.share_against),
            str(q.share_undecided or ""),
            str(q.lead or ""),
            q.base.value,
            str(q.provenance.line_start),
            q.fieldwork.edtf,
        )
    _console().print(table)


def _print_average(rows: list[Any], day: date, as_json: bool) -> None:
    from treatywatch.analysis.average import poll_averages

    averages = poll_averages(rows, day)
    if as_json:
        _print_json([a.to_dict() for a in averages])
        return
    from rich.table import Table

    console = _console()
    if not averages:
        console.print(f"no polls by {day}")
    for a in averages:
        d = a.to_dict()
        e = d["estimate"]
        name = f"series '{a.series}'" if a.series else "polls"
        last = d["at_last_poll"]
        console.print(
            f"[bold]{name}[/]: {a.polls} polls; at the last poll ({d['last_poll']}), {last['for']:.1f}% "
            f"of those deciding were for ({d['level']:.0%} interval {last['lower']:.1f}–{last['upper']:.1f})"
        )
        if day > a.last_poll:
            console.print(
                f"as of {day}, with no poll since: {e['for']:.1f}% "
                f"({e['lower']:.1f}–{e['upper']:.1f}; the interval widens with time since the last poll)"
            )
        table = Table("pollster", "house effect (points)", f"{d['level']:.0%} interval", "polls")
        for name, h in d["house_effects"].items():
            table.add_row(
                name,
                f"{h['estimate']:+.1f}",
                f"{h['lower']:+.1f} to {h['upper']:+.1f}",
                str(h["polls"]),
            )
        console.print(table)


@app.command("polls-eval")
def polls_eval(
    polls_csv: Annotated[Path, typer.Argument(help="Polls, one row per poll and option.")],
    outcomes_csv: Annotated[Path, typer.Argument(help="Results, one row per race and option.")],
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Also write the results as JSON to this file.")
    ] = None,
) -> None:
    """Score the poll average and the usual baselines against known outcomes.

    Example: treatywatch polls-eval polls.csv outcomes.csv --json eval.json
    """
    from rich.table import Table

    from treatywatch.analysis.polleval import evaluate, format_table

    report = evaluate(polls_csv, outcomes_csv)
    rows = format_table(report)
    table = Table(*rows[0])
    for row in rows[1:]:
        table.add_row(*row)
    _console().print(table)
    if json_file is not None:
        json_file.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
        _console().print(f"wrote {json_file}")


@app.command()
def check(
    target: Annotated[str, typer.Argument(help="An article file, or a process in the store.")],
    fmt: Annotated[
        str, typer.Option("--format", help="text, json, sarif (SARIF 2.1.0) or github.")
    ] = "text",
) -> None:
    """Find where sources contradict themselves; exit 1 when there are errors.

    Example: treatywatch check montenegro-nato-relations.txt --format sarif
    """
    from treatywatch.analysis.checks import check_target

    if fmt not in ("text", "json", "sarif", "github"):
        raise typer.BadParameter(
            f"{fmt!r}; choose text, json, sarif or github", param_hint="--format"
        )
    result = check_target(target, _state["db"])
    if fmt == "json":
        _print_json(result.to_json())
    elif fmt == "sarif":
        _print_json(result.to_sarif())
    elif fmt == "github":
        sys.stdout.write(result.to_github())
    else:
        _print_findings(result)
    if result.has_errors:
        raise typer.Exit(1)


def _print_findings(result: Any) -> None:
    from rich.markup import escape

    console = _console()
    groups = result.by_severity()
    for severity, items in groups.items():
        if not items:
            continue
        console.print(f"[bold]{severity}s ({len(items)})[/]")
        for f in items:
            where = f"{result.path_of(f.document)}:{f.line_start}"
            console.print(f"  [cyan]{escape(where)}[/] [dim]{f.rule}[/] {escape(f.message)}")
            console.print(f"      evidence: {f.evidence}", markup=False)
            console.print(f"      fix: {f.fix}", markup=False)
    counts = ", ".join(f"{len(v)} {k}{'s' if len(v) != 1 else ''}" for k, v in groups.items())
    console.print(counts, markup=False)


@app.command()
def members(
    organization: Annotated[str, typer.Argument(help="Organization code, e.g. NATO or EU.")],
    sort: Annotated[
        str, typer.Option("--sort", help="median, fastest, slowest, rounds or name.")
    ] = "median",
    as_json: JsonOption = False,
) -> None:
    """How fast each member ratified in past rounds: median, fastest, slowest (days).

    Example: treatywatch members NATO --sort slowest
    """
    from treatywatch.analysis.enlargements import member_speeds

    keys = {
        "median": lambda m: m.median_days,
        "fastest": lambda m: m.fastest.days,
        "slowest": lambda m: -m.slowest.days,
        "rounds": lambda m: -m.rounds,
        "name": lambda m: m.member_code,
    }
    if sort not in keys:
        raise typer.BadParameter(f"{sort!r}; choose {', '.join(keys)}", param_hint="--sort")
    with _store() as store:
        rows = sorted(member_speeds(store, organization), key=keys[sort])
    if not rows:
        raise typer.BadParameter(f"no ratification history for {organization!r}")
    if as_json:
        _print_json([m.to_dict() for m in rows])
        return
    from rich.table import Table

    from treatywatch.reference import country_name

    table = Table("member", "rounds", "median days", "fastest", "slowest", "sources",
                  title=f"{organization.upper()}: days from signature to ratification")  # fmt: skip
    for m in rows:
        src = {f"{s.file}:{s.line}" for d in m.observations for s in d.sources}
        table.add_row(
            country_name(m.member_code),
            str(m.rounds),
            f"{m.median_days:.0f}",
            f"{m.fastest.days:.0f} ({m.fastest.round_id})",
            f"{m.slowest.days:.0f} ({m.slowest.round_id})",
            f"{len(src)} rows",
        )
    _console().print(table)
    _console().print(
        "A ~ marks month-precision dates counted at their midpoint; --json gives every source row."
    )


@app.command()
def forecast(process: ProcessArg, as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """When the process will likely complete: median date, intervals, who may be last.

    Example: treatywatch forecast montenegro-nato --as-of 2017-01-20
    """
    from treatywatch.analysis.enlargements import process_forecast

    day = _as_of(as_of)
    with _store() as store:
        f = process_forecast(store, process, day)
    if as_json:
        _print_json(f.to_dict())
        return
    console = _console()
    if f.completed:
        console.print(
            f"complete: every required member had ratified by {f.completed_on} (as of {f.as_of}); no forecast"
        )
        return
    lo50, hi50 = f.interval(0.5)
    lo80, hi80 = f.interval(0.8)
    console.print(f"as of {f.as_of}: {len(f.ratified)} of {len(f.required)} ratified")
    console.print(
        f"completion (last required ratification): median {f.median}; 50% {lo50} – {hi50}; 80% {lo80} – {hi80}"
    )
    from rich.table import Table

    table = Table(
        "pending member", "days pending", "median date", "80% interval", "chance of being last"
    )
    for pm in f.pending:
        d = pm.to_dict(f.start)
        table.add_row(d["member"]["name"], str(d["days_pending"]), d["median_date"],
                      " – ".join(d["interval80"]), f"{d['chance_last']:.0%}")  # fmt: skip
    console.print(table)


@app.command("backtest")
def backtest_(
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Also write the results as JSON to this file.")
    ] = None,
) -> None:
    """Score the forecast on past rounds, each left out in turn, against two baselines.

    Example: treatywatch backtest --json backtest.json
    """
    from treatywatch.analysis.enlargements import run_backtest

    with _store() as store:
        report = run_backtest(store)
    sys.stdout.write(report.render() + "\n")
    if json_file is not None:
        json_file.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
        _console().print(f"wrote {json_file}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web dashboard and JSON API (/api/v1/) over the store.

    Example: treatywatch serve --port 8000
    """
    import uvicorn

    from treatywatch.store.db import default_url
    from treatywatch.web.app import create_app

    db = _state["db"] or default_url()
    _store().close()  # fail early, with a clear message, if the store cannot be opened
    _console().print(f"treatywatch dashboard: http://{host}:{port}/  (store: {db})")
    uvicorn.run(create_app(db), host=host, port=port, log_level="warning")


@app.command()
def report(
    process: ProcessArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")],
    as_of: AsOfOption = None,
) -> None:
    """Write one self-contained HTML report of a process (data, scripts and map inline).

    Example: treatywatch report montenegro-nato -o report.html
    """
    from treatywatch.analysis.overview import process_overview
    from treatywatch.render.report import report_html

    day = _as_of(as_of)
    with _store() as store:
        html = report_html(process_overview(store, process, day))
    output.write_text(html, encoding="utf-8")
    _console().print(f"wrote {output} ({len(html) / 1e6:.1f} MB)")


@app.command()
def chart(
    process: ProcessArg,
    kind: Annotated[str, typer.Argument(help="timeline, map, ratifications or polls.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="An .svg or .png file.")],
    as_of: AsOfOption = None,
) -> None:
    """Write one chart of a process as an SVG or PNG image, for articles and slides.

    Example: treatywatch chart montenegro-nato map -o map.svg
    """
    from treatywatch.analysis.overview import process_overview
    from treatywatch.render.export import chart_to_png, chart_to_svg
    from treatywatch.render.process_charts import KINDS, process_chart
    from treatywatch.web.assets import world_topojson

    if kind not in KINDS:
        raise typer.BadParameter(f"{kind!r}; choose one of {', '.join(KINDS)}", param_hint="KIND")
    suffix = output.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise typer.BadParameter("the output must end in .svg or .png", param_hint="--output")
    day = _as_of(as_of)
    with _store() as store:
        spec = process_chart(process_overview(store, process, day), kind, world_topojson())
    if suffix == ".svg":
        output.write_text(chart_to_svg(spec.spec), encoding="utf-8")
    else:
        output.write_bytes(chart_to_png(spec.spec))
    _console().print(f"wrote {output}: {spec.caption}")


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port for the dashboard.")] = 8000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Stop after the import and the status.")
    ] = False,
) -> None:
    """Import the bundled example, show where it stands, write report.html, serve the dashboard.

    Example: treatywatch demo
    """
    console = _console()
    console.print(f"[bold]treatywatch demo[/]: importing the bundled example {example_path()}")
    import_(paths=None, example=True, strict=False, as_json=False)
    for day in ("2016-12-31", None):
        console.print()
        status("montenegro-nato", as_of=day, as_json=False)
    if no_serve:
        return
    console.print()
    report("montenegro-nato", output=Path("report.html"), as_of=None)
    serve(host="127.0.0.1", port=port)


def main() -> None:
    """Console entry point: one-line errors with distinct exit codes."""
    try:
        app()
    except TreatywatchError as e:
        sys.stderr.write(f"treatywatch: error: {e}\n")
        raise SystemExit(e.exit_code) from None

"""Outputs: the dashboard, the report, chart images, and the demo."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from treatywatch.cli.common import (
    AsOfOption,
    ProcessArg,
    example_path,
    make_console,
    open_store,
    output_path,
    parse_day,
    store_url,
    write_output,
)
from treatywatch.domain.words import count


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Server processes (each serves many requests).")
    ] = 1,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Also answer requests for this host name (repeatable; '*.example.org' for its "
            "subdomains). Loopback names and a specific --host are always answered.",
        ),
    ] = None,
    write_token: Annotated[
        str | None,
        typer.Option(
            "--write-token",
            envvar="TREATYWATCH_WRITE_TOKEN",
            help="Enable the write API for requests carrying this bearer token: NAME:SECRET "
            "(several separated by commas; a secret of 16+ characters). Off by default.",
        ),
    ] = None,
) -> None:
    """Serve the web dashboard and JSON API (/api/v1/) over the store.

    Example: treatywatch serve --host 0.0.0.0 --allow-host dashboard.example.org
    """
    import os

    import uvicorn

    from treatywatch.store.db import ENV_VAR, default_url
    from treatywatch.store.urls import redact_url
    from treatywatch.web.security import ALLOWED_HOSTS_ENV, allowed_hosts_for, is_loopback

    db = store_url(ctx) or default_url()
    open_store(ctx).close()  # migrate once here, and fail early with a clear message
    hosts = allowed_hosts_for(host, allow_host or ())
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
    make_console().print(
        f"treatywatch dashboard: {url}  (store: {redact_url(db)})", markup=False, soft_wrap=True
    )
    if not is_loopback(host):
        sys.stderr.write(
            f"warning: listening on {host}: the dashboard is reachable from other machines. "
            f"It answers only requests for {', '.join(hosts)}; add names with --allow-host.\n"
        )
    from treatywatch.web.writes import TOKEN_ENV, parse_tokens

    tokens = parse_tokens(write_token)
    if tokens:
        names = ", ".join(t.name for t in tokens)
        sys.stderr.write(f"write API enabled for token(s): {names}; writes are logged\n")
    # Read by the factory in each worker process.
    os.environ[ENV_VAR] = db
    if write_token:
        os.environ[TOKEN_ENV] = write_token
    os.environ[ALLOWED_HOSTS_ENV] = ",".join(hosts)
    uvicorn.run(
        "treatywatch.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )


def report(
    ctx: typer.Context,
    process: ProcessArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")],
    as_of: AsOfOption = None,
) -> None:
    """Write one self-contained HTML report of a process (data, scripts and map inline).

    Example: treatywatch report montenegro-nato -o report.html
    """
    from datetime import UTC, date, datetime

    from treatywatch.cli.text import line
    from treatywatch.queries.derived import derived
    from treatywatch.render.report import GENERATED_MARK, report_html

    day = parse_day(as_of) or date.today()
    output_path(output)  # before the work: a wrong folder is said at once
    with open_store(ctx) as store:
        slug = store.find_process(process).slug

        def compute() -> str:
            from treatywatch.queries.overview import process_overview

            ov = process_overview(store, slug, day)
            return report_html(ov, generated=GENERATED_MARK)

        # Written once per documents and day (the store's cache of derived results); the
        # time it was written goes in each time.
        kept: str = derived(store, slug, "report-html", day, compute)
    html = kept.replace(GENERATED_MARK, datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    write_output(output, html)
    make_console().print(line("wrote ", output, f" ({len(html) / 1e6:.1f} MB)"))


def chart(
    ctx: typer.Context,
    process: ProcessArg,
    kind: Annotated[str, typer.Argument(help="timeline, map, ratifications or polls.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="An .svg or .png file.")],
    as_of: AsOfOption = None,
) -> None:
    """Write one chart of a process as an SVG or PNG image, for articles and slides.

    Example: treatywatch chart montenegro-nato map -o map.svg
    """
    from treatywatch.cli.text import line
    from treatywatch.queries.overview import process_overview
    from treatywatch.render.assets import world_topojson
    from treatywatch.render.images import chart_to_png, chart_to_svg
    from treatywatch.render.process_charts import KINDS, process_chart

    if kind not in KINDS:
        raise typer.BadParameter(f"{kind!r}; choose one of {', '.join(KINDS)}", param_hint="KIND")
    suffix = output.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise typer.BadParameter("the output must end in .svg or .png", param_hint="--output")
    day = parse_day(as_of)
    output_path(output)
    with open_store(ctx) as store:
        spec = process_chart(process_overview(store, process, day), kind, world_topojson())
    write_output(output, chart_to_svg(spec.spec) if suffix == ".svg" else chart_to_png(spec.spec))
    make_console().print(line("wrote ", output, f": {spec.caption}"))


def demo(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="Port for the dashboard.")] = 8000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Stop after the import and the status.")
    ] = False,
) -> None:
    """Import the bundled example, show where it stands, write report.html, serve the dashboard.

    Example: treatywatch demo
    """
    from treatywatch.cli.record_commands import import_, status
    from treatywatch.cli.text import line

    console = make_console()
    console.print(
        line(("treatywatch demo", "bold"), ": importing the bundled example ", example_path())
    )
    import_(ctx, paths=None, example=True, strict=False, as_json=False)
    for day in ("2016-12-31", None):
        console.print()
        status(ctx, "montenegro-nato", as_of=day, as_json=False)
    from treatywatch.checks import summary
    from treatywatch.queries.findings import check_target

    counts = summary(check_target("montenegro-nato", store_url(ctx)).findings)["by_severity"]
    console.print(
        f"\nchecks: {count(counts['error'], 'error')}, {count(counts['warning'], 'warning')}, "
        f"{count(counts['info'], 'note')} in the sources — see `treatywatch check montenegro-nato`"
    )
    if no_serve:
        return
    console.print()
    report(ctx, "montenegro-nato", output=Path("report.html"), as_of=None)
    site = f"http://127.0.0.1:{port}/processes/montenegro-nato"
    console.print(f"follow it: {site}/feed.atom (what changed), {site}/calendar.ics (calendar)")
    serve(ctx, host="127.0.0.1", port=port)

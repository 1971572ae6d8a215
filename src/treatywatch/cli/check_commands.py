"""The check command: where sources contradict themselves."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from treatywatch.cli.common import (
    make_console,
    print_json,
    store_url,
)


def check(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="An article file, or a process in the store.")],
    fmt: Annotated[
        str, typer.Option("--format", help="text, json, sarif (SARIF 2.1.0) or github.")
    ] = "text",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (the same as --format json).")
    ] = False,
) -> None:
    """Find where sources contradict themselves; exit 1 when there are errors.

    Example: treatywatch check montenegro-nato-relations.txt --format sarif
    """
    from treatywatch.queries.findings import check_target

    if as_json:
        fmt = "json"
    if fmt not in ("text", "json", "sarif", "github"):
        raise typer.BadParameter(
            f"{fmt!r}; choose text, json, sarif or github", param_hint="--format"
        )
    result = check_target(target, store_url(ctx))
    if fmt == "json":
        from treatywatch import serialize

        print_json(serialize.findings(result.findings, result.names))
    elif fmt == "sarif":
        print_json(result.to_sarif())
    elif fmt == "github":
        sys.stdout.write(result.to_github())
    else:
        _print_findings(result)
    if result.has_errors:
        raise typer.Exit(1)


def _print_findings(result: Any) -> None:
    from treatywatch.cli.text import line, plain
    from treatywatch.serialize import display_name

    console = make_console()
    groups = result.by_severity()
    for severity, items in groups.items():
        if not items:
            continue
        console.print(f"[bold]{severity}s ({len(items)})[/]")
        for f in items:
            where = f"{display_name(f.document, result.names)}:{f.line_start}"
            console.print(line("  ", (where, "cyan"), " ", (f.rule, "dim"), " ", f.message))
            console.print(plain(f"      evidence: {f.evidence}"))
            console.print(plain(f"      fix: {f.fix}"))
    counts = ", ".join(f"{len(v)} {k}{'s' if len(v) != 1 else ''}" for k, v in groups.items())
    console.print(counts, markup=False)

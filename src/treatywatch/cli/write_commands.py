"""Commands that write a process's record or write it out: new, record, export."""

from __future__ import annotations

import getpass
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from treatywatch.sources.recorded import Recorder

from treatywatch.cli.common import (
    JsonOption,
    ProcessArg,
    make_console,
    open_store,
    output_path,
    parse_day,
    print_json,
    write_output,
)

RecordedOnOption = Annotated[
    str | None,
    typer.Option(
        "--recorded-on",
        help="The day this was learnt (YYYY-MM-DD), when entering it later; default: now. "
        "--known-on compares with it.",
    ),
]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Who records it (default: your user name).")
]
SourceOption = Annotated[str, typer.Option("--source", help="Where it is stated: a URL.")]
QuoteOption = Annotated[
    str | None, typer.Option("--quote", help="The words there that state it (short).")
]


class ExportFormat(StrEnum):
    datapackage = "datapackage"
    csv = "csv"
    json = "json"
    wikitable = "wikitable"
    ics = "ics"


class ActChoice(StrEnum):
    """``ActKind``'s values, repeated here so that the CLI starts without loading the domain
    model (tests/test_record.py checks that the two agree)."""

    ratified = "ratified"
    parliament_approval = "parliament_approval"
    head_of_state_signature = "head_of_state_signature"
    deposit = "deposit"


def _recorder(by: str | None, recorded_on: str | None) -> Recorder:
    from treatywatch.sources.recorded import Recorder

    now = datetime.now(UTC)
    day = parse_day(recorded_on, "--recorded-on")
    if day is not None:
        if day > now.date():
            raise typer.BadParameter(f"{day} is in the future", param_hint="--recorded-on")
        now = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    try:
        user = by or getpass.getuser()
    except Exception:  # no user name in this environment
        user = "unknown"
    return Recorder(" ".join(user.split())[:80] or "unknown", now)


def new(
    ctx: typer.Context,
    process: Annotated[str, typer.Argument(help="A slug for the new process (a-z, 0-9, '-').")],
    organization: Annotated[
        str,
        typer.Option("--organization", help="The organization joined: NATO, EU, Schengen or WEU."),
    ],
    candidate: Annotated[
        list[str],
        typer.Option("--candidate", help="The candidate: ISO code or name (repeatable)."),
    ],
    signed: Annotated[
        str | None,
        typer.Option("--signed", help="When the accession protocol or treaty was signed."),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Where the signature is stated: a URL.")
    ] = None,
    quote: QuoteOption = None,
    by: ByOption = None,
    recorded_on: RecordedOnOption = None,
    as_json: JsonOption = False,
) -> None:
    """Start a process of your own; then record each member's acts with 'record'.

    Example: treatywatch new my-sweden --organization NATO --candidate SE --signed 2022-07-05
    """
    from treatywatch import serialize
    from treatywatch.cli.text import line
    from treatywatch.ingest import start_process

    who = _recorder(by, recorded_on)
    with open_store(ctx) as store:
        outcome = start_process(
            store, process, organization, candidate, who, signed=signed, source=source, quote=quote
        )
    if as_json:
        print_json(serialize.outcome(outcome))
        return
    make_console().print(line("started ", (outcome.process, "bold"), f" ({outcome.path})"))


def record(
    ctx: typer.Context,
    process: ProcessArg,
    member: Annotated[
        str, typer.Option("--member", help="The member: ISO code or name (Türkiye, Turkey, TR).")
    ],
    act: Annotated[ActChoice, typer.Option("--act", help="What it did.")],
    day: Annotated[
        str,
        typer.Option(
            "--date", help="When: YYYY-MM-DD, or YYYY-MM / YYYY if that is all the source says."
        ),
    ],
    source: SourceOption,
    quote: QuoteOption = None,
    correction: Annotated[
        bool,
        typer.Option(
            "--correction",
            help="This corrects the member's earlier acts of this kind: they stay on record, "
            "superseded.",
        ),
    ] = False,
    by: ByOption = None,
    recorded_on: RecordedOnOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a member's dated act with its source; nothing is overwritten.

    Example: treatywatch record nato-2024-sweden --member HU --act ratified --date 2024-02-26 --source https://www.parlament.hu/
    """
    from treatywatch import serialize
    from treatywatch.cli.text import line
    from treatywatch.ingest import record_act

    who = _recorder(by, recorded_on)
    with open_store(ctx) as store:
        outcome, new_act = record_act(
            store, process, member, act.value, day, source, who, quote=quote, correction=correction
        )
    if as_json:
        print_json(serialize.act(new_act, {new_act.provenance.document: outcome.path}))
        return
    what = "correction: " if correction else ""
    make_console().print(
        line(
            f"{what}{new_act.member_name} {new_act.kind.value} {new_act.date.edtf} → ",
            (outcome.process, "bold"),
            f" ({outcome.path})",
        )
    )


def export(
    ctx: typer.Context,
    process: ProcessArg,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="datapackage (a folder, or a .zip), csv (the events table), json (the package "
            "with its rows inline), wikitable (MediaWiki), ics (iCalendar).",
        ),
    ] = ExportFormat.datapackage,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Where to write (default: standard output; a "
            "data package needs a folder or .zip path).",
        ),
    ] = None,
) -> None:
    """Write a process out: as a data package to edit and import again, its events as CSV,
    JSON, a MediaWiki table of its ratifications, or an iCalendar file.

    Example: treatywatch export nato-2024-sweden --format datapackage -o sweden/
    """
    from treatywatch.cli.text import line
    from treatywatch.queries.exports import export_records
    from treatywatch.render import exports

    if output is not None and fmt is not ExportFormat.datapackage:
        output_path(output)
    with open_store(ctx) as store:
        x = export_records(store, process)
    if fmt is ExportFormat.datapackage:
        if output is None:
            raise typer.BadParameter(
                "a data package is a folder or a .zip: give -o PATH", param_hint="-o"
            )
        written = exports.write_package(x, output)
        make_console().print(line("wrote ", (str(output), "bold"), f" ({len(written)} file(s))"))
        return
    text = {
        ExportFormat.csv: exports.csv_text,
        ExportFormat.json: exports.json_text,
        ExportFormat.wikitable: exports.wikitable,
        ExportFormat.ics: exports.calendar,
    }[fmt](x)
    if output is None:
        sys.stdout.write(text)
        return
    write_output(output, text)
    make_console().print(line("wrote ", (str(output), "bold")))

"""Commands over the stored record: import, processes, status, timeline, ratifications, polls."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from treatywatch.cli.common import (
    AsOfOption,
    JsonFileOption,
    JsonOption,
    KnownOnOption,
    ProcessArg,
    example_path,
    make_console,
    open_store,
    output_path,
    parse_day,
    print_json,
    progress_bar,
    write_json_file,
)
from treatywatch.domain.words import count

if TYPE_CHECKING:
    from treatywatch.domain.status import ProcessStatus
    from treatywatch.store.db import Store


def import_(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(help="Article files to import.")] = None,
    example: Annotated[bool, typer.Option("--example", help="Import the bundled example.")] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Abort (exit 1, store unchanged) on any unreadable row."),
    ] = False,
    wiki: Annotated[
        str | None,
        typer.Option(
            "--wiki",
            metavar="TITLE",
            help="Fetch this article's wikitext from Wikipedia (the network is used only here "
            "and by 'sync') and import it; follow it later with 'treatywatch sync'.",
        ),
    ] = None,
    lang: Annotated[
        str, typer.Option("--lang", help="The Wikipedia's language, with --wiki.")
    ] = "en",
    revision: Annotated[
        int | None,
        typer.Option("--revision", min=1, help="This revision id, with --wiki (default: latest)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import accession articles (plain text or wikitext, told by content), data packages,
    or a Wikipedia article (--wiki), all in one transaction.

    Example: treatywatch import montenegro-nato-relations.txt
    Example: treatywatch import --wiki "Montenegro–NATO relations"
    """
    from treatywatch.ingest import import_paths, import_wiki

    todo: list[str | Path] = list(paths or [])
    if example:
        todo.append(example_path())
    if not todo and wiki is None:
        raise typer.BadParameter("give at least one PATH, --example, or --wiki TITLE")
    if wiki is None and (revision is not None or lang != "en"):
        raise typer.BadParameter("--lang and --revision go with --wiki TITLE")
    with open_store(ctx) as store, progress_bar("importing") as progress:
        outcomes = import_paths(store, todo, strict=strict, progress=progress) if todo else []
        if wiki is not None:
            outcomes.append(import_wiki(store, wiki, lang, revision))
    _print_outcomes(outcomes, as_json)


def sync(
    ctx: typer.Context,
    process: Annotated[
        str | None, typer.Argument(help="Only this process's articles (default: every one).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Fetch the latest revision of every article imported with --wiki, import those that
    changed, and print what changed in the record (the old revision stays on record).

    Example: treatywatch sync montenegro-nato
    """
    from treatywatch.ingest import sync_wiki

    with open_store(ctx) as store:
        outcomes = sync_wiki(store, process)
    _print_outcomes(outcomes, as_json)


def _print_outcomes(outcomes: list[Any], as_json: bool) -> None:
    from treatywatch import serialize
    from treatywatch.cli.text import line

    if as_json:
        print_json([serialize.outcome(o) for o in outcomes])
        return
    console = make_console()
    for o in outcomes:
        c = o.counts
        verb = {"unchanged": "unchanged (already imported)", "replaced": "replaced earlier version"}
        console.print(
            line(
                (o.path, "bold"),
                f" → {o.process}: {verb.get(o.action, o.action)}; "
                f"{count(c['milestones'], 'milestone')}, "
                f"{count(c['ratifications'], 'ratification')}, {count(c['polls'], 'poll')}, "
                f"{count(c['relations'], 'member-state relation')}, "
                f"{count(c['party_positions'], 'party position')}",
            )
        )
        if o.action == "replaced":
            for change in o.changes or ["no change in the record"]:
                console.print(line("  changed: ", change))
        for p in o.problems:
            console.print(line("  ", (f"{o.path}:{p.line}", "yellow"), f": {p.message}"))


def processes(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the processes in the store with their stage and ratification progress.

    Example: treatywatch processes
    """
    from treatywatch import serialize
    from treatywatch.cli.text import cells
    from treatywatch.queries.status import process_status

    with open_store(ctx) as store:
        statuses = [process_status(store, p.slug) for p in store.processes()]
        names = store.document_paths()
    if as_json:
        print_json([serialize.status(s, names) for s in statuses])
        return
    from rich.table import Table

    table = Table("process", "organization", "candidate", "stage", "ratified", "record")
    for s in statuses:
        table.add_row(
            *cells(
                s.process.slug,
                s.process.organization,
                s.process.candidate_name,
                s.stage_label,
                f"{s.ratified_count} of {s.required_count}"
                if s.members_known
                else f"{s.ratified_count} (member list unknown)",
                s.record,
            )
        )
    console = make_console()
    console.print(table)
    from treatywatch.reference.rounds import load_rounds

    bundled = {r.id for r in load_rounds()}
    if all(s.process.slug in bundled for s in statuses):
        console.print(
            "No process of your own yet (the past rounds above come with treatywatch): import "
            "one with 'treatywatch import --example' (Montenegro → NATO) or "
            "'treatywatch import FILE'."
        )


def _status(
    ctx: typer.Context, process: str, as_of: str | None, known_on: str | None
) -> tuple[ProcessStatus, dict[str, str], date | None, str | None]:
    """The process's status for ``--as-of`` and ``--known-on``, its sources' names, the
    ``--known-on`` day, and why that day shows nothing (when the store had recorded nothing
    about the process by then)."""
    from treatywatch.queries.status import before_the_record, process_status

    day, known = parse_day(as_of), parse_day(known_on, "--known-on")
    with open_store(ctx) as store:
        s = process_status(store, process, day, known)
        empty = before_the_record(store, process, known)
        return s, store.document_paths(s.process.slug), known, empty


def _say(text: str) -> None:
    """One line of text from the sources or the store, printed as it is (no markup)."""
    from treatywatch.cli.text import plain

    make_console().print(plain(text))


def status(
    ctx: typer.Context,
    process: ProcessArg,
    as_of: AsOfOption = None,
    known_on: KnownOnOption = None,
    as_json: JsonOption = False,
) -> None:
    """Where a process stands: stage, who has ratified, who is pending.

    Example: treatywatch status montenegro-nato --as-of 2016-12-31
    """
    s, names, known, empty = _status(ctx, process, as_of, known_on)
    if as_json:
        from treatywatch import serialize

        print_json(serialize.status(s, names))
        return
    from treatywatch.cli.text import line, plain

    if empty:
        _say(empty)
        return
    console = make_console()
    console.print(
        line(
            (f"{s.process.candidate_name} → {s.process.organization}", "bold"),
            f" as of {s.as_of}",
            f", as known on {known}" if known else "",
        )
    )
    console.print(plain(f"stage: {s.stage_label}"))
    if e := s.latest_event:
        console.print(plain(f"latest: {e.label}, {e.date}"))
    if s.protocol_signed:
        since = (
            f" ({s.days_since_signature} days ago)" if s.days_since_signature is not None else ""
        )
        console.print(f"protocol signed: {s.protocol_signed}{since}")
    if s.protocol_signed is None:
        console.print(f"ratification: not started (no protocol or treaty signed by {s.as_of})")
    elif s.members_known:
        console.print(f"ratified: {s.ratified_count} of {s.required_count}")
    else:
        console.print(
            f"ratified: {s.ratified_count} named in the sources "
            f"({s.process.organization}'s member list is not in the reference data)"
        )
    if s.pending:
        console.print(plain("pending: " + ", ".join(m.name for m in s.pending)))
    for note, members in s.undated_groups():
        console.print(
            plain(
                f"ratified {note}, date not in the sources: " + ", ".join(m.name for m in members)
            )
        )
    if s.not_in_sources:
        console.print(
            plain(
                f"no ratification in the sources ({s.not_in_sources_reason}): "
                + ", ".join(m.name for m in s.not_in_sources)
            )
        )
    if s.unattributed_acts:
        console.print(f"[yellow]{s.unattributed_acts} ratification acts are not attributed[/]")
    console.print(f"member since: {s.member_since or '—'}")


def timeline(
    ctx: typer.Context,
    process: ProcessArg,
    acts: Annotated[
        bool, typer.Option("--acts", help="Also list every member's ratification acts.")
    ] = False,
    known_on: KnownOnOption = None,
    as_json: JsonOption = False,
) -> None:
    """Milestones from the tables and events from the prose, merged, with their sources.

    Example: treatywatch timeline montenegro-nato
    """
    from treatywatch import serialize
    from treatywatch.cli.text import cells
    from treatywatch.queries.status import before_the_record
    from treatywatch.queries.timeline import process_timeline

    known = parse_day(known_on, "--known-on")
    with open_store(ctx) as store:
        timeline = process_timeline(store, process, with_acts=acts, known_on=known)
        empty = before_the_record(store, process, known)
    if as_json:
        print_json([serialize.timeline_entry(e, timeline.names) for e in timeline.entries])
        return
    if empty:
        _say(empty)
        return
    from rich.table import Table

    table = Table("date", "precision", "event", "sources")
    for e in timeline.entries:
        when = e.when
        names = {Path(serialize.display_name(s.document, timeline.names)).name for s in e.sources}
        lines = ", ".join(f"{s.line_start}{' (inferred)' if s.inferred else ''}" for s in e.sources)
        table.add_row(
            *cells(when, e.date.precision.value, e.label, f"{', '.join(sorted(names))}: {lines}")
        )
    make_console().print(table)


def ratifications(
    ctx: typer.Context,
    process: ProcessArg,
    as_of: AsOfOption = None,
    known_on: KnownOnOption = None,
    as_json: JsonOption = False,
) -> None:
    """Each required member's ratification state on a day, from its dated acts.

    Example: treatywatch ratifications montenegro-nato --as-of 2017-05-10
    """
    from treatywatch import serialize
    from treatywatch.cli.text import cells

    s, names, known, empty = _status(ctx, process, as_of, known_on)
    if as_json:
        print_json([serialize.member_status(m, names) for m in s.members])
        return
    if empty:
        _say(empty)
        return
    from rich.table import Table

    title = f"as of {s.as_of}" + (f", as known on {known}" if known else "")
    table = Table("member", "state", "date", "act", "source", title=title)
    for m in s.members:
        cited = m.cited  # the line that states the row's date (or its bound)
        note = " (inferred)" if cited and cited.inferred else ""
        if cited and cited.url:  # the source the document cites for it
            note += f" · {_site(cited.url)}"
        table.add_row(
            *cells(
                m.name,
                m.label,
                m.when,
                m.cited_kind,
                f"line {cited.line_start}{note}" if cited else "",
            )
        )
    console = make_console()
    console.print(table)
    console.print(f"{s.ratified_count} of {s.required_count} ratified")


def _site(url: str) -> str:
    """A cited source's site, as the ratifications table names it ("example.org")."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def polls(
    ctx: typer.Context,
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
    from treatywatch.cli.text import cells
    from treatywatch.queries.status import no_polls, polls_by

    day = parse_day(as_of) or date.today()
    with open_store(ctx) as store:
        none = no_polls(store, process)
        averages = _averages(store, process, day) if average else []
        rows = [] if average else polls_by(store, process, day)
        names = {} if average else store.document_paths()
    if none and not as_json:  # a process without polls: one line, not an empty table
        _say(none)
        return
    if average:
        _print_average(averages, day, as_json)
        return
    if as_json:
        print_json([serialize.poll(q, names) for q in rows])
        return
    from rich.table import Table

    table = Table("pollster", "for", "against", "undecided", "lead", "base", "line")
    table.add_column("fieldwork", no_wrap=True)
    for q in rows:
        table.add_row(
            *cells(
                q.pollster or "",
                q.share_for,
                q.share_against,
                q.share_undecided or "",
                q.lead or "",
                q.base.value,
                q.provenance.line_start,
                q.fieldwork.edtf,
            )
        )
    make_console().print(table)


def _averages(store: Store, process: str, day: date) -> list[Any]:
    """The process's poll averages as of ``day`` (JSON), fitted once per documents and day:
    kept in the store's cache of derived results."""
    from treatywatch.queries.derived import derived

    slug = store.find_process(process).slug

    def compute() -> list[Any]:
        from treatywatch import serialize
        from treatywatch.queries.averages import poll_averages
        from treatywatch.queries.status import polls_by

        return [serialize.average(a) for a in poll_averages(polls_by(store, slug, day), day)]

    found: list[Any] = derived(store, slug, "averages", day, compute)
    return found


def _print_average(averages: list[Any], day: date, as_json: bool) -> None:
    from treatywatch.cli.text import cells, line

    if as_json:
        print_json(averages)
        return
    from rich.table import Table

    console = make_console()
    if not averages:
        console.print(f"no polls by {day}")
    for d in averages:
        e = d["estimate"]
        name = f"series '{d['series']}'" if d["series"] else "polls"
        last = d["at_last_poll"]
        console.print(
            line(
                (name, "bold"),
                f": {count(d['polls'], 'poll')}; at the last poll ({d['last_poll']}), "
                f"{last['for']:.1f}% "
                f"of those deciding were for ({d['level']:.0%} interval "
                f"{last['lower']:.1f}–{last['upper']:.1f})",
            )
        )
        if day > date.fromisoformat(d["last_poll"]):
            console.print(
                f"as of {day}, with no poll since: {e['for']:.1f}% "
                f"({e['lower']:.1f}–{e['upper']:.1f}; the interval widens with time since the last poll)"
            )
        v = d["vote"]
        console.print(
            f"a vote held on {day} would likely give {v['for']:.1f}% for "
            f"({d['level']:.0%} interval {v['lower']:.1f}–{v['upper']:.1f}: wider, with the error "
            "all pollsters can share on a vote day)",
            markup=False,
        )
        table = Table("pollster", "house effect (points)", f"{d['level']:.0%} interval", "polls")
        for name, h in d["house_effects"].items():
            table.add_row(
                *cells(
                    name,
                    f"{h['estimate']:+.1f}",
                    f"{h['lower']:+.1f} to {h['upper']:+.1f}",
                    h["polls"],
                )
            )
        console.print(table)


def polls_eval(
    polls_csv: Annotated[
        Path | None, typer.Argument(help="Polls, one row per poll and option.", show_default=False)
    ] = None,
    outcomes_csv: Annotated[
        Path | None,
        typer.Argument(help="Results, one row per race and option.", show_default=False),
    ] = None,
    dev: Annotated[
        bool,
        typer.Option(
            "--dev",
            help="Score the development races that ship with treatywatch (FiveThirtyEight's US"
            " races 1998-2010, and Sweden, the UK and Denmark), the model fitted on those"
            " before 2006 and scored on the rest.",
        ),
    ] = False,
    fit_before: Annotated[
        int | None,
        typer.Option(
            "--fit-before",
            metavar="YEAR",
            help="Fit the model's defaults on the races before YEAR; score only the later ones.",
        ),
    ] = None,
    as_json: JsonOption = False,
    output: JsonFileOption = None,
) -> None:
    """Score the poll average and the usual baselines against known outcomes.

    Example: treatywatch polls-eval --dev; treatywatch polls-eval polls.csv outcomes.csv --json
    """
    from rich.table import Table

    from treatywatch import serialize
    from treatywatch.cli.text import cells
    from treatywatch.queries.races import (
        DEV_FIT_BEFORE,
        PollDataError,
        dev_files,
        evaluate_files,
    )
    from treatywatch.stats.polleval import format_groups, format_table, summary_rows

    if dev == (polls_csv is not None or outcomes_csv is not None):
        raise typer.BadParameter("give either --dev or both POLLS_CSV and OUTCOMES_CSV")
    if not dev and outcomes_csv is None:
        raise typer.BadParameter("OUTCOMES_CSV is missing", param_hint="OUTCOMES_CSV")
    if output is not None:
        output_path(output)
    if dev:
        files = dev_files()
        fit_before = DEV_FIT_BEFORE if fit_before is None else fit_before
    else:
        assert polls_csv is not None and outcomes_csv is not None
        files = [(polls_csv, outcomes_csv)]
    with progress_bar("scoring races") as progress:
        try:
            report = evaluate_files(files, progress, fit_before=fit_before)
        except PollDataError:
            raise
        except ValueError as e:  # no race on one side of --fit-before
            raise typer.BadParameter(str(e), param_hint="--fit-before") from None
    data = serialize.poll_evaluation(report)
    if as_json:
        print_json(data)
        write_json_file(data, output, quiet=True)
        return
    console = make_console()

    def show(rows: list[list[str]]) -> None:
        table = Table(*rows[0])
        for row in rows[1:]:
            table.add_row(*cells(*row))
        console.print(table)

    scored = len(report.scored())
    if report.fit_before is not None:
        fitted = len(report.races) - scored
        console.print(
            f"model fitted on the {fitted} races before {report.fit_before}; "
            f"scored on the {scored} races from {report.fit_before} on, held apart:",
            markup=False,
        )
    show(format_table(report))
    console.print("by group (the same races; IS: interval score, lower is better):", markup=False)
    show(format_groups(report))
    for t in report.targets():
        mark = "met" if t.met else "NOT met"
        value = f"{100 * t.value:.1f}%"
        console.print(f"target {t.name}: {value} (goal {t.goal}): {mark}", markup=False)
    if report.fit_before is not None:
        console.print(f"on the races before {report.fit_before} (fitted on):", markup=False)
        show(summary_rows(report.fitted_summary()))
    write_json_file(data, output, quiet=False)

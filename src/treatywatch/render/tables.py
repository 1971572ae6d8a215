"""A process's tables as flat rows and CSV, for downloads and spreadsheets.

Text cells that a spreadsheet would read as a formula are neutralised (OWASP's advice on CSV
injection): a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading ``'``. Only text is touched: the numbers treatywatch computes (shares, leads, counts)
stay numbers, so ``-3.3`` is still ``-3.3``, while a source's text ``-3.3`` or ``=HYPERLINK(…)``
is written ``'-3.3`` and ``'=HYPERLINK(…)``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from treatywatch import serialize
from treatywatch.domain.model import Provenance
from treatywatch.errors import NotFoundError
from treatywatch.queries.records import ProcessRecords


def _prov(p: Provenance, records: ProcessRecords) -> dict[str, Any]:
    """The provenance shape as columns: its JSON keys after ``source_`` (``source_name``,
    ``source_line_start``, ``source_url``...), as the bundled reference CSVs name them."""
    return {f"source_{k}": v for k, v in serialize.provenance(p, records.names).items()}


def _milestones(records: ProcessRecords) -> list[dict[str, Any]]:
    return [
        {"kind": m.kind, "label": m.label, "date": m.date.edtf, "precision": m.date.precision.value}
        | _prov(m.provenance, records)
        for m in records.milestones
    ]


def _ratifications(records: ProcessRecords) -> list[dict[str, Any]]:
    return [
        {
            "code": m.code,
            "name": m.name,
            "state": m.state.value,
            "ratified_on": m.ratified_on.edtf if m.ratified_on else "",
            "ratified_by": m.ratified_by.edtf if m.ratified_by else "",
            "acts": "; ".join(f"{a.kind.value} {a.date}" for a in m.acts),
            "line": m.cited.line_start if m.cited else "",
            "inferred": m.inferred,
        }
        for m in records.status.members
    ]


def _polls(records: ProcessRecords) -> list[dict[str, Any]]:
    """Polls flat: the fieldwork and the provenance become columns; the figures as written
    are left out (the shares are the same numbers)."""
    rows = []
    for p in records.polls:
        shape = serialize.poll(p)
        fieldwork = {
            "fieldwork": p.fieldwork.edtf,
            "fieldwork_start": p.fieldwork.start.edtf,
            "fieldwork_end": p.fieldwork.end.edtf,
            "start_precision": p.fieldwork.start.precision.value,
            "end_precision": p.fieldwork.end.precision.value,
        }
        rest = {
            k: v for k, v in shape.items() if k not in ("as_written", "provenance", "fieldwork")
        }
        rows.append({"pollster": p.pollster} | fieldwork | rest | _prov(p.provenance, records))
    return rows


def _positions(records: ProcessRecords) -> list[dict[str, Any]]:
    return [
        {"party": p.party, "position": p.position.value, "quote": p.quote}
        | _prov(p.provenance, records)
        for p in records.positions
    ]


def _findings(records: ProcessRecords) -> list[dict[str, Any]]:
    """The findings the page shows on the records' as-of day (render.reading.checks_in_view):
    an earlier day's table keeps those on the lines of what had happened by then."""
    from treatywatch.render.reading import checks_in_view

    return [
        {k: v for k, v in serialize.finding(f).items() if k not in ("related", "provenance")}
        | _prov(Provenance(f.document, f.line_start, f.line_end), records)
        for f in checks_in_view(records).findings
    ]


TABLES: dict[str, Callable[[ProcessRecords], list[dict[str, Any]]]] = {
    "milestones": _milestones,
    "ratifications": _ratifications,
    "polls": _polls,
    "sources": lambda records: [dict(serialize.document(d)) for d in records.documents],
    "positions": _positions,
    "findings": _findings,
}


# Leading characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A cell safe to open in a spreadsheet: text that could start a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(rows: list[dict[str, Any]]) -> str:
    """Rows (the first one's keys are the header, our own names) as CSV, cells neutralised."""
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def table_csv(records: ProcessRecords, table: str) -> str:
    """One of the process's tables (see ``TABLES``) as CSV text."""
    if table not in TABLES:
        raise NotFoundError(f"no table {table!r}; tables: {', '.join(TABLES)}")
    return write_csv(TABLES[table](records))

"""Each stored record type's table, declared once: its columns, the fields they hold, and how
a value converts on the way in and out.

A :class:`Table` drives every INSERT, SELECT and row → record of its record type; no other
module lists a record table's columns. A :class:`~treatywatch.domain.model.Provenance` is
always the same columns (:data:`PROVENANCE`). Rows are read by column name. :data:`PARTS`
says which field of a :class:`~treatywatch.domain.model.ParsedDocument` each table stores.

The store keeps every value exactly or refuses it with its own error, the same on SQLite
and PostgreSQL: text with NUL (PostgreSQL cannot hold it), a key longer than an index row
can hold, or an inferred provenance where the table has no column for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from operator import attrgetter
from typing import Any, Generic, TypeVar

from treatywatch.domain.changes import Change
from treatywatch.domain.dates import parse_edtf_date, parse_edtf_span
from treatywatch.domain.findings import Finding, Severity
from treatywatch.domain.model import (
    ActKind,
    Base,
    Document,
    Milestone,
    ParsedDocument,
    PartyPosition,
    Poll,
    Position,
    Problem,
    Process,
    ProseEvent,
    Provenance,
    RatificationAct,
    Relation,
    RequiredMember,
    Share,
)
from treatywatch.errors import StoreError

R = TypeVar("R")

# PostgreSQL's B-tree index rows hold at most 2,704 bytes: keys stay well below, on both
# backends alike.
KEY_BYTES = 2000


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Codec:
    """How a field's value becomes a column's value (``write``) and back (``read``)."""

    write: Callable[[Any], Any] = _same
    read: Callable[[Any], Any] = _same


PLAIN = Codec()
FLAG = Codec(int, bool)
EDTF_DATE = Codec(attrgetter("edtf"), parse_edtf_date)  # PartialDate ↔ "2014-10"
EDTF_SPAN = Codec(attrgetter("edtf"), parse_edtf_span)  # DateSpan ↔ "2016-05-28/2016-06-05"
SHARE = Codec(str, Share.parse)  # Share ↔ "54.20": the text keeps its decimals
LINES = Codec(lambda lines: json.dumps(list(lines)), lambda text: tuple(json.loads(text)))


def enum(kind: type[Enum]) -> Codec:
    return Codec(attrgetter("value"), kind)


@dataclass(frozen=True)
class Column:
    """A column holding one field (named like the column unless ``field`` says otherwise)."""

    name: str
    field: str = ""
    codec: Codec = PLAIN
    nullable: bool = False
    key: bool = False  # indexed text: at most KEY_BYTES

    @property
    def attr(self) -> str:
        return self.field or self.name

    def write(self, value: Any) -> Any:
        return None if value is None and self.nullable else self.codec.write(value)

    def read(self, value: Any) -> Any:
        return None if value is None and self.nullable else self.codec.read(value)


@dataclass(frozen=True)
class Group:
    """A field whose value spans several columns (a Provenance); ``fixed`` are its fields
    that the table has no column for, with the only value they may take."""

    field: str
    make: Callable[..., Any]
    columns: tuple[Column, ...]
    fixed: tuple[tuple[str, Any], ...] = ()

    def check(self, record: Any) -> None:
        """Refuse a record whose value here the table cannot keep (see ``fixed``)."""
        value = getattr(record, self.field)
        for name, fixed in self.fixed:
            if getattr(value, name) != fixed:
                raise StoreError(
                    f"a {type(record).__name__} with {self.field}.{name} = "
                    f"{getattr(value, name)!r} cannot be stored: its table keeps no {name}"
                )

    def without(self, **fixed: Any) -> Group:
        """The group stored without some of its columns: each field must hold the given value."""
        kept = tuple(c for c in self.columns if c.attr not in fixed)
        return Group(self.field, self.make, kept, tuple(fixed.items()))


def plain(*names: str) -> tuple[Column, ...]:
    """Columns holding a field of the same name as it is (text or a number)."""
    return tuple(Column(name) for name in names)


def optional(*names: str, codec: Codec = PLAIN) -> tuple[Column, ...]:
    """Columns holding a field that may be None (NULL)."""
    return tuple(Column(name, codec=codec, nullable=True) for name in names)


# Where a fact came from: the document, the lines, and whether (and why) it was inferred.
PROVENANCE = Group(
    "provenance",
    Provenance,
    (
        Column("document_sha", "document"),
        *plain("line_start", "line_end"),
        Column("inferred", codec=FLAG),
        *optional("reason"),
        Column("source_url", "url", nullable=True),
        Column("source_quote", "quote", nullable=True),
    ),
)
# Tables whose facts are never inferred (no importer infers a poll, a relation or a
# party's position): polls and positions keep the cited source (a data package's rows
# name one); relations keep the document and lines only.
CITED = PROVENANCE.without(inferred=False, reason=None)
LOCATION = PROVENANCE.without(inferred=False, reason=None, url=None, quote=None)


@dataclass(frozen=True)
class Table(Generic[R]):
    """A record type's table: the columns its fields fill, and the ``given`` columns that the
    import fills from the document being stored (its process, its SHA-256, …)."""

    name: str
    make: Callable[..., R]
    fields: tuple[Column | Group, ...]
    given: tuple[str, ...] = ()
    order: str = "id"

    @cached_property
    def field_columns(self) -> tuple[Column, ...]:
        return tuple(_flatten(self.fields))

    @cached_property
    def key_columns(self) -> frozenset[str]:
        return frozenset(c.name for c in self.field_columns if c.key)

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """Every column an insert fills, in order."""
        return self._plan.columns

    def insert_sql(self, suffix: str = "") -> str:
        marks = ", ".join("?" * len(self.columns))
        sql = f"INSERT INTO {self.name} ({', '.join(self.columns)}) VALUES ({marks})"
        return f"{sql} {suffix}" if suffix else sql

    def select(self, alias: str = "") -> str:
        """The columns a record is read from, as a SELECT list."""
        prefix = f"{alias}." if alias else ""
        return ", ".join(prefix + c.name for c in self.field_columns)

    def select_sql(self, where: str = "", order: str = "") -> str:
        """``SELECT`` the records (``where`` a condition with ``?`` parameters), in order."""
        sql = f"SELECT {self.select()} FROM {self.name}"
        return f"{sql}{f' WHERE {where}' if where else ''} ORDER BY {order or self.order}"

    @cached_property
    def _plan(self) -> _Plan:
        return _Plan.of(self)

    def row(self, record: R, given: Mapping[str, Any]) -> tuple[Any, ...]:
        """The insert's parameters for a record. A record is stored under the document it is
        imported with: a given column (``document_sha``) wins over the record's own value."""
        plan = self._plan
        for group in plan.groups:
            group.check(record)
        plain = plan.plain(record)
        # Only plain values can hold text from a source (a converted value is EDTF, digits,
        # an enum's value or JSON); the given ones are checked where they are stored.
        for name, value in zip(plan.columns[: len(plain)], plain, strict=True):
            if type(value) is str:
                self._check(name, value)
        return (
            *plain,
            *(write(record) for write in plan.converted),
            *(given[name] for name in self.given),
        )

    def record(self, row: Mapping[str, Any]) -> R:
        """The record a row (by column name) holds."""
        return self.make(**dict(_read(self.fields, row)))

    def _check(self, name: str, value: str) -> None:
        if "\x00" in value:
            raise StoreError(
                f"{self.name}.{name} holds a NUL character, which the store does not keep "
                "(PostgreSQL cannot)"
            )
        if name in self.key_columns and len(value.encode("utf-8")) > KEY_BYTES:
            raise StoreError(
                f"{self.name}.{name} is longer than the store keeps in a key "
                f"({KEY_BYTES:,} bytes of UTF-8): {value[:40]!r}…"
            )


def _flatten(fields: tuple[Column | Group, ...]) -> Iterator[Column]:
    for f in fields:
        if isinstance(f, Group):
            yield from f.columns
        else:
            yield f


def _paths(fields: tuple[Column | Group, ...]) -> Iterator[tuple[str, Column]]:
    """Each column with the attribute path of its value in a record ("provenance.line_end")."""
    for f in fields:
        if isinstance(f, Group):
            yield from ((f"{f.field}.{c.attr}", c) for c in f.columns)
        else:
            yield f.attr, f


@dataclass(frozen=True)
class _Plan:
    """How a table's insert gets its values, built once: the plain columns' values in one
    ``attrgetter`` call, then the converted ones, then the given ones (the import's hot path)."""

    columns: tuple[str, ...]
    plain: Callable[[Any], tuple[Any, ...]]
    converted: tuple[Callable[[Any], Any], ...]
    groups: tuple[Group, ...]

    @classmethod
    def of(cls, table: Table[Any]) -> _Plan:
        own = [(path, c) for path, c in _paths(table.fields) if c.name not in table.given]
        plain = [(path, c) for path, c in own if c.codec is PLAIN]
        converted = [(path, c) for path, c in own if c.codec is not PLAIN]
        return cls(
            tuple(c.name for _, c in plain + converted) + table.given,
            _getter(*(path for path, _ in plain)),
            tuple(_writer(path, c) for path, c in converted),
            tuple(f for f in table.fields if isinstance(f, Group) and f.fixed),
        )


def _getter(*paths: str) -> Callable[[Any], tuple[Any, ...]]:
    """A record's values at ``paths``, always as a tuple."""
    if not paths:
        return lambda record: ()
    get = attrgetter(*paths)
    return get if len(paths) > 1 else lambda record: (get(record),)


def _writer(path: str, column: Column) -> Callable[[Any], Any]:
    """A record's value for a column, converted."""
    get, write = attrgetter(path), column.codec.write
    if column.nullable:
        return lambda record: None if (value := get(record)) is None else write(value)
    return lambda record: write(get(record))


def _read(fields: tuple[Column | Group, ...], row: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for f in fields:
        if isinstance(f, Group):
            yield f.field, f.make(**dict(_read(f.columns, row)))
        else:
            yield f.attr, f.read(row[f.name])


# The columns every record read from a document carries: its process and its document.
SCOPE = ("process_slug", "document_sha")

DOCUMENTS = Table(
    "documents",
    Document,
    (
        Column("sha256", key=True),
        Column("source_key", key=True),
        *plain("path", "title", "text"),
        *optional("licence"),
        *optional("retrieved", "published", codec=EDTF_DATE),
    ),
    given=("process_slug", "imported_at"),
    order="imported_at",
)
PROCESSES = Table(
    "processes",
    Process,
    (Column("slug", key=True), *plain("candidate_code", "candidate_name", "organization")),
    order="slug",
)
MILESTONES = Table(
    "milestones",
    Milestone,
    (
        *plain("kind", "label", "source_label"),
        Column("date", codec=EDTF_DATE),
        PROVENANCE,
        *optional("ratified_count"),
    ),
    given=SCOPE,
)
# ``origin``: "table" for an act read from a table, "prose" for a member's step in the prose.
ACTS = Table(
    "acts",
    RatificationAct,
    (
        *optional("member_code", "member_name", "instrument"),
        Column("kind", codec=enum(ActKind)),
        Column("date", codec=EDTF_DATE),
        PROVENANCE,
        Column("correction", codec=FLAG),
    ),
    given=(*SCOPE, "origin"),
)
POLLS = Table(
    "polls",
    Poll,
    (
        Column("fieldwork", codec=EDTF_SPAN),
        Column("share_for", codec=SHARE),
        Column("share_against", codec=SHARE),
        *optional("share_undecided", "lead", codec=SHARE),
        *optional("pollster", "sample_size", "question", "condition"),
        Column("base", codec=enum(Base)),
        Column("base_inferred", codec=FLAG),
        CITED,
    ),
    given=SCOPE,
)
RELATIONS = Table(
    "relations",
    Relation,
    (*optional("code"), *plain("name"), LOCATION),
    given=SCOPE,
)
REQUIRED_MEMBERS = Table(
    "required_members",
    RequiredMember,
    (*plain("code", "name"), CITED),
    given=SCOPE,
)
PARTY_POSITIONS = Table(
    "party_positions",
    PartyPosition,
    (*plain("party", "quote"), Column("position", codec=enum(Position)), CITED),
    given=SCOPE,
)
PROBLEMS = Table(
    "problems",
    Problem,
    plain("kind", "line", "message"),
    given=("document_sha",),
)
PROSE_EVENTS = Table(
    "prose_events",
    ProseEvent,
    (
        *plain("kind", "label", "sentence", "date_text", "line"),
        *optional("qualifier", "reason", "member_code"),
        Column("date", codec=EDTF_DATE),
        Column("inferred", codec=FLAG),
        Column("document_sha", "document"),
    ),
    given=SCOPE,
)
FINDINGS = Table(
    "findings",
    Finding,
    (
        Column("finding_id", "id"),
        *plain("rule", "message", "evidence", "fix", "line_start", "line_end"),
        Column("severity", codec=enum(Severity)),
        Column("document_sha", "document"),
        Column("related", codec=LINES),
    ),
    given=SCOPE,
    order="line_start, id",
)


# Not a record table: a version's change stays when a later version replaces it.
CHANGES = Table(
    "changes",
    Change,
    (
        Column("change_key", "key", key=True),
        Column("process_slug", "process"),
        Column("document_sha", "document"),
        Column("previous_sha", "previous", nullable=True),
        Column("source_key", key=True),
        *plain("path", "at", "action"),
        Column("lines", codec=LINES),
    ),
    order="at, id",
)


@dataclass(frozen=True)
class Part:
    """One kind of record a parsed document holds: what an import outcome counts it as, the
    ParsedDocument field that holds it, its table, and the columns the import gives it beyond
    its process and document (an act's ``origin``)."""

    count: str
    field: str
    table: Table[Any]
    given: tuple[tuple[str, str], ...] = ()

    def records(self, p: ParsedDocument) -> Sequence[Any]:
        records: Sequence[Any] = getattr(p, self.field)
        return records


# Each kind of record a parsed document holds, in the order the import writes them.
PARTS = (
    Part("milestones", "milestones", MILESTONES),
    Part("ratifications", "acts", ACTS, (("origin", "table"),)),
    Part("polls", "polls", POLLS),
    Part("relations", "relations", RELATIONS),
    Part("party_positions", "positions", PARTY_POSITIONS),
    Part("required_members", "required", REQUIRED_MEMBERS),
    Part("problems", "problems", PROBLEMS),
    Part("prose_events", "events", PROSE_EVENTS),
    Part("prose_acts", "prose_acts", ACTS, (("origin", "prose"),)),
    Part("findings", "findings", FINDINGS),
)

# Tables of records read from one document: deleted and rewritten with it.
RECORD_TABLES: tuple[Table[Any], ...] = tuple(dict.fromkeys(part.table for part in PARTS))

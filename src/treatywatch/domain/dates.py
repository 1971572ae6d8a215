"""Partial dates and intervals that keep the precision they were given.

Values are written as EDTF (Extended Date/Time Format, ISO 8601-2) strings:
``2014-10`` is October 2014 at month precision, ``2016-05-28/2016-06-05`` an
interval of days. A day is never invented: ``Oct 2014`` stays a month.

Reading our own EDTF back is a small pure function (the query path must start
fast); free text goes through :func:`parse_text`, and every string we build is
checked against the ``edtf`` library's grammar in :func:`validate_edtf`.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class DateParseError(ValueError):
    """A text that does not read as a date."""


MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name):
    if _i:
        MONTHS[_name.lower()] = _i
        MONTHS[_name[:3].lower()] = _i
MONTHS["sept"] = 9


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to the day, the month or the year."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise DateParseError(f"year out of range: {self.year}")
        if self.day is not None and self.month is None:
            raise DateParseError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise DateParseError(f"month out of range: {self.month}")
        if self.day is not None and self.month is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise DateParseError(f"day out of range: {self.year}-{self.month:02d}-{self.day}")

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def edtf(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def lower(self) -> date:
        """The earliest day this date can be."""
        return date(self.year, self.month or 1, self.day or 1)

    def upper(self) -> date:
        """The latest day this date can be."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    def __str__(self) -> str:
        return self.edtf

    @classmethod
    def of(cls, d: date) -> PartialDate:
        return cls(d.year, d.month, d.day)


@dataclass(frozen=True)
class DateSpan:
    """A single partial date, or an interval between two (a poll's fieldwork)."""

    start: PartialDate
    end: PartialDate

    def __post_init__(self) -> None:
        if self.end.upper() < self.start.lower():
            raise DateParseError(f"interval ends before it starts: {self.start}/{self.end}")

    @property
    def is_interval(self) -> bool:
        return self.start != self.end

    @property
    def edtf(self) -> str:
        return f"{self.start.edtf}/{self.end.edtf}" if self.is_interval else self.start.edtf

    def lower(self) -> date:
        return self.start.lower()

    def upper(self) -> date:
        return self.end.upper()

    def __str__(self) -> str:
        return self.edtf

    @classmethod
    def single(cls, d: PartialDate) -> DateSpan:
        return cls(d, d)


_EDTF_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


def parse_edtf_date(text: str) -> PartialDate:
    """Read one EDTF calendar date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``)."""
    m = _EDTF_DATE.match(text.strip())
    if not m:
        raise DateParseError(f"not an EDTF date: {text!r}")
    y, mo, d = m.groups()
    return PartialDate(int(y), int(mo) if mo else None, int(d) if d else None)


def parse_edtf_span(text: str) -> DateSpan:
    """Read an EDTF date or ``start/end`` interval."""
    if "/" in text:
        a, b = text.split("/", 1)
        return DateSpan(parse_edtf_date(a), parse_edtf_date(b))
    return DateSpan.single(parse_edtf_date(text))


def validate_edtf(text: str) -> bool:
    """Check a string against the EDTF grammar (the ``edtf`` library)."""
    from edtf import is_valid_edtf  # slow to import: only on the import path

    return bool(is_valid_edtf(text))


_DASH = r"\s*[-–—]\s*"
_MONTH = r"([A-Za-z]{3,9})\.?"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # 2016-05-28/2016-06-05 or 2014-10
    (
        re.compile(
            r"^([0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?)(?:/([0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?))?$"
        ),
        "iso",
    ),
    # 28 May-5 Jun 2016 / 28 May 2016 – 5 June 2016
    (
        re.compile(
            rf"^([0-9]{{1,2}})\s+{_MONTH}(?:\s+([0-9]{{4}}))?{_DASH}([0-9]{{1,2}})\s+{_MONTH}\s+([0-9]{{4}})$"
        ),
        "dmdmy",
    ),
    # 6–12 October 2017
    (re.compile(rf"^([0-9]{{1,2}}){_DASH}([0-9]{{1,2}})\s+{_MONTH}\s+([0-9]{{4}})$"), "ddmy"),
    # 26 June 2016
    (re.compile(rf"^([0-9]{{1,2}})\s+{_MONTH},?\s+([0-9]{{4}})$"), "dmy"),
    # June 26, 2016
    (re.compile(rf"^{_MONTH}\s+([0-9]{{1,2}}),?\s+([0-9]{{4}})$"), "mdy"),
    # May-June 2016
    (re.compile(rf"^{_MONTH}{_DASH}{_MONTH}\s+([0-9]{{4}})$"), "mmy"),
    # Oct 2014
    (re.compile(rf"^{_MONTH}\s+([0-9]{{4}})$"), "my"),
]


def _month(name: str) -> int:
    try:
        return MONTHS[name.lower()]
    except KeyError:
        raise DateParseError(f"unknown month: {name!r}") from None


# Years a source may date an accession step or a poll with: treaty organizations are younger
# than 1800; anything after 2200 is a typo (and far dates overflow date arithmetic).
SOURCE_YEARS = range(1800, 2201)


def parse_text(text: str) -> DateSpan:
    """Read a date as sources write it, keeping its precision (years 1800–2200).

    >>> parse_text("28 May-5 Jun 2016").edtf
    '2016-05-28/2016-06-05'
    >>> parse_text("Oct 2014").edtf
    '2014-10'
    """
    span = _parse_text(text)
    for d in (span.start, span.end):
        if d.year not in SOURCE_YEARS:
            raise DateParseError(
                f"year {d.year} is outside {SOURCE_YEARS.start}–{SOURCE_YEARS.stop - 1}"
            )
    return span


def _parse_text(text: str) -> DateSpan:
    s = " ".join(text.replace("\u00a0", " ").split())
    for pattern, kind in _PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        g = m.groups()
        if kind == "iso":
            return DateSpan(parse_edtf_date(g[0]), parse_edtf_date(g[1] or g[0]))
        if kind == "dmdmy":
            y_end = int(g[5])
            y_start = int(g[2]) if g[2] else y_end
            return DateSpan(
                PartialDate(y_start, _month(g[1]), int(g[0])),
                PartialDate(y_end, _month(g[4]), int(g[3])),
            )
        if kind == "ddmy":
            y, mo = int(g[3]), _month(g[2])
            return DateSpan(PartialDate(y, mo, int(g[0])), PartialDate(y, mo, int(g[1])))
        if kind == "dmy":
            return DateSpan.single(PartialDate(int(g[2]), _month(g[1]), int(g[0])))
        if kind == "mdy":
            return DateSpan.single(PartialDate(int(g[2]), _month(g[0]), int(g[1])))
        if kind == "mmy":
            y = int(g[2])
            return DateSpan(PartialDate(y, _month(g[0])), PartialDate(y, _month(g[1])))
        if kind == "my":
            return DateSpan.single(PartialDate(int(g[1]), _month(g[0])))
    raise DateParseError(
        f"not a date: {text!r}" if len(text) <= 60 else f"not a date: {text[:60]!r}…"
    )


# Exactly YYYY-MM-DD in ASCII digits: no timestamps, no "2016-1-1", no times, no week dates.
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_DAY_PATTERN = "^" + _ISO_DAY.pattern + "$"


def parse_as_of(text: str) -> date:
    """Read an as-of day (``--as-of``, ``?as_of=``): exactly ``YYYY-MM-DD``, a real calendar day."""
    if _ISO_DAY.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise DateParseError(f"not a calendar day written YYYY-MM-DD: {text!r}")


_AS_OF_PERIOD = re.compile(r"[0-9]{4}(-[0-9]{2})?")


def parse_as_of_period(text: str) -> date:
    """An as-of that may name a month or a year: ``2017-05-10`` that day; ``2017-05`` the
    month's last day; ``2017`` the year's last day (dates of month and year precision are
    everywhere in the sources). Anything else raises :class:`DateParseError`."""
    if _AS_OF_PERIOD.fullmatch(text):
        try:
            return parse_edtf_date(text).upper()
        except (DateParseError, ValueError):
            pass
    else:
        try:
            return parse_as_of(text)
        except DateParseError:
            pass
    raise DateParseError(f"not a day (YYYY-MM-DD), month (YYYY-MM) or year (YYYY): {text!r}")


def most_stated(
    dates: Iterable[PartialDate], prefer: Iterable[PartialDate] = ()
) -> PartialDate | None:
    """The date most sources give (where they disagree, all stay on record); on a tie, a
    ``prefer`` date (e.g. the organization's member list's), else the earliest."""
    counts = Counter(dates)
    if not counts:
        return None
    preferred = set(prefer)
    return min(counts, key=lambda d: (-counts[d], d not in preferred, d.lower(), d.upper()))

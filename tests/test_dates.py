from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from treatywatch.domain.dates import (
    DateParseError,
    PartialDate,
    Precision,
    parse_as_of,
    parse_edtf_span,
    parse_text,
    validate_edtf,
)


@pytest.mark.parametrize(
    ("text", "edtf", "precision"),
    [
        ("Oct 2014", "2014-10", Precision.MONTH),
        ("2009", "2009", Precision.YEAR),
        ("6–12 October 2017", "2017-10-06/2017-10-12", Precision.DAY),
        ("28 May-5 Jun 2016", "2016-05-28/2016-06-05", Precision.DAY),
        ("2006-12-14", "2006-12-14", Precision.DAY),
        ("26 June 2016", "2016-06-26", Precision.DAY),
        ("June 2017", "2017-06", Precision.MONTH),
        ("8–16 Oct 2015", "2015-10-08/2015-10-16", Precision.DAY),
        ("30 Dec 2016 – 4 Jan 2017", "2016-12-30/2017-01-04", Precision.DAY),
        ("Sept 2012", "2012-09", Precision.MONTH),
    ],
)
def test_parse_text_keeps_precision(text: str, edtf: str, precision: Precision) -> None:
    span = parse_text(text)
    assert span.edtf == edtf
    assert span.start.precision == precision
    assert validate_edtf(span.edtf)


def test_month_bounds_never_invent_a_day() -> None:
    d = parse_text("Feb 2016").start
    assert d.day is None
    assert (d.lower(), d.upper()) == (date(2016, 2, 1), date(2016, 2, 29))


@pytest.mark.parametrize("text", ["", "soon", "31 February 2016", "12 Smarch 2016", "2016-13"])
def test_bad_dates_raise_parse_error(text: str) -> None:
    with pytest.raises(DateParseError):
        parse_text(text)


def test_interval_ending_before_start_is_refused() -> None:
    with pytest.raises(DateParseError):
        parse_text("12–6 October 2017")


@given(st.text(max_size=40))
def test_parse_text_raises_only_its_own_error(text: str) -> None:
    try:
        span = parse_text(text)
    except DateParseError:
        return
    assert span.start.lower() <= span.end.upper()


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(list(Precision)),
)
def test_edtf_round_trip(d: date, precision: Precision) -> None:
    p = PartialDate(
        d.year,
        d.month if precision != Precision.YEAR else None,
        d.day if precision == Precision.DAY else None,
    )
    assert parse_edtf_span(p.edtf).start == p
    assert p.lower() <= d <= p.upper()


STRICT_DAY_REFUSED = [
    "0",
    "1500000000",  # a Unix timestamp
    "2016-1-1",
    "2016-12-31T00:00",
    "20161231",  # ISO basic format, which date.fromisoformat takes
    "2016-W52-6",  # an ISO week date, likewise
    "2016-02-30",
    " 2016-12-31",
    "２０１６-12-31",  # full-width digits
]


@pytest.mark.parametrize("text", STRICT_DAY_REFUSED)
def test_as_of_takes_only_a_calendar_day_written_yyyy_mm_dd(text: str) -> None:
    with pytest.raises(DateParseError, match="YYYY-MM-DD"):
        parse_as_of(text)


def test_as_of_reads_a_day() -> None:
    assert parse_as_of("2016-02-29") == date(2016, 2, 29)


def test_as_of_may_name_a_month_or_a_year() -> None:
    from datetime import date

    from treatywatch.domain.dates import DateParseError, parse_as_of_period

    assert parse_as_of_period("2017-05-10") == date(2017, 5, 10)
    assert parse_as_of_period("2017-05") == date(2017, 5, 31)
    assert parse_as_of_period("2016-02") == date(2016, 2, 29)
    assert parse_as_of_period("2017") == date(2017, 12, 31)
    for bad in ("2017-13", "2017-02-30", "152017-01-01", "17", "2017-5", "", "0000", "x"):
        with pytest.raises(DateParseError):
            parse_as_of_period(bad)

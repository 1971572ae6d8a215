"""Inputs that crashed the importer, the checks or the CLI (issue 9), kept as regressions.

Each became a row problem (kept with the document, with its line), a one-line InputError
(exit 2) or plain output; none may raise anything else, hang, or reach the store out of
range.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from conftest import EXAMPLE, Cli
from treatywatch.domain.model import Share
from treatywatch.errors import InputError
from treatywatch.ingest import read_path, read_text
from treatywatch.sources.article import MAX_SAMPLE, parse, sample_size
from treatywatch.sources.prose import MAX_SENTENCE
from treatywatch.sources.reading import read_document
from treatywatch.store.db import Store

TITLE = "= Montenegro–NATO relations =\n\n"
POLL_HEADER = "| Date | Polling Firm/Source | Sample size | For | Against | Lead |"


def _polls(*rows: str) -> str:
    return TITLE + "== Opinion polls ==\n" + "\n".join([POLL_HEADER, *rows]) + "\n"


def _row(sample: str, date: str = "June 2017") -> str:
    return f"| {date} | CEDEM | {sample} | 54.2 | 45.8 | 8.4 |"


# -- ragged rows -----------------------------------------------------------------------------


def test_a_one_cell_row_in_a_poll_table_is_a_row_problem() -> None:
    parsed = read_text(_polls(_row("1,000"), "| 26 June 2016 |", _row("900")), "x.txt")
    assert [q.sample_size for q in parsed.polls] == [1000, 900]
    (problem,) = parsed.problems
    assert (problem.kind, problem.line) == ("row-cells", 6)
    assert "1 cells, its header has 6" in problem.message


def test_a_one_column_table_of_dates_is_not_read() -> None:
    """It raised IndexError: the label was looked for in a second column."""
    text = TITLE + "== Timeline ==\n| Date |\n| 2016-05-19 |\n| 2017-06-05 |\n| 2017-01-01 |\n"
    parsed = read_text(text, "x.txt")
    assert list(parsed.milestones) == []
    (problem,) = parsed.problems
    assert (problem.kind, problem.line) == ("unknown-table", 4)


def test_dates_past_the_header_s_columns() -> None:
    """Rows wider than their header made a column past it the date column: IndexError."""
    rows = "\n".join(f"| x | y | 2016-0{m}-01 |" for m in range(1, 6))
    parsed = read_text(TITLE + "| Event | Date |\n" + rows + "\n| Protocol | 2016-05-19 |", "x")
    assert all(p.kind in ("row-cells", "unknown-table") for p in parsed.problems)
    assert parsed.problems and all(p.line >= 3 for p in parsed.problems)


def test_a_lone_pipe_and_an_empty_table_row() -> None:
    text = (TITLE + "| Event | Date |\n|\n||\n| Accession protocol | 2016-05-19 |\n"
            "| Member of NATO | 2017-06-05 |\n")  # fmt: skip
    parsed = read_text(text, "x.txt")
    assert [m.kind for m in parsed.milestones] == ["protocol_signed", "membership"]
    assert [(p.kind, p.line) for p in parsed.problems] == [("row-cells", 4), ("row-cells", 5)]


def test_a_sentence_without_full_stops_is_stored_once_per_event_in_part() -> None:
    """Each event of a long "sentence" kept all of it: quadratic in the store."""
    clauses = "".join(f"in {1900 + i % 100} the protocol was signed, and " for i in range(2000))
    parsed = read_text(TITLE + clauses + "\n", "x.txt")
    assert len(parsed.events) == 2000
    for e in parsed.events:
        assert len(e.sentence) <= MAX_SENTENCE + 2 and e.date_text in e.sentence
    assert parsed.events[0].sentence.startswith("in 1900") and parsed.events[0].sentence.endswith(
        "…"
    )
    with Store.memory() as store:
        store.import_documents([parsed])
        assert store.events(parsed.process.slug) == list(parsed.events)


@pytest.mark.parametrize("item", ["1999, ", "early 2099, ", "early 5 June 2017, "])
def test_a_sentence_of_many_dates_keeps_less_of_itself_with_each(item: str) -> None:
    """Found by `make fuzz`: each of the events of a long list of dates kept 1,000 characters
    of it (83 times the text for "early 2099, …"); together they keep about 20 times it."""
    text = TITLE + "Spain " + item * 3000 + "early 1999.\n"
    parsed = read_text(text, "x.txt")
    assert len(parsed.events) >= 3000
    kept = sum(len(e.sentence) for e in parsed.events)
    assert kept <= 21 * len(text) and all(e.date_text in e.sentence for e in parsed.events)
    # A sentence with a few dates keeps all of itself with each.
    few = read_text(TITLE + "Spain " + item * 10 + "x " * 300 + "early 1999.\n", "y.txt")
    assert all(e.sentence == few.events[0].sentence for e in few.events)
    assert len(few.events[0].sentence) > 600


def test_long_cells_are_not_repeated_in_full_with_every_row() -> None:
    """A header's question, a section's condition, a pollster named in other rows' findings
    and a date's spaces are kept with many records: each is kept short."""
    long = "x" * 5000
    text = (TITLE + f"== Opinion polls if Sweden joins {long} ==\n"
            f"| Date | Polling Firm/Source | For {long} | Against | Lead |\n"
            f"| June 2017 | {long} | 54.2 | 45.8 | 1 |\n" + "| June 2016 | CEDEM | 54.2 | 45.8 | 2 |\n" * 3
            + "In May" + " " * 5000 + "2016 Montenegro signed. On 10 May it joined.\n")  # fmt: skip
    parsed = read_text(text, "x.txt")
    assert all(len(q.question or "") <= 200 and len(q.condition or "") <= 200 for q in parsed.polls)
    assert parsed.polls[0].question.startswith("x")  # type: ignore[union-attr]
    mismatch = [f for f in parsed.findings if f.rule == "poll-lead-mismatch"]
    assert len(mismatch) == 4 and all(len(f.message) + len(f.evidence) < 2000 for f in mismatch)
    assert [e.date_text for e in parsed.events][:1] == ["May 2016"]


# -- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["²", "١٠٠٠", "１０００", "1e3", "-5", "1.5", "", "n/a", "9" * 5000]
)
def test_sample_sizes_that_are_not_ascii_whole_numbers(text: str) -> None:
    with pytest.raises(ValueError, match="sample size"):
        sample_size(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("600", 600), ("1,034", 1034), ("1 034", 1034), ("1\u202f034", 1034), ("007", 7),
     (f"{MAX_SAMPLE:,}", MAX_SAMPLE)],
)  # fmt: skip
def test_sample_sizes_read(text: str, value: int) -> None:
    assert sample_size(text) == value


@pytest.mark.parametrize("text", ["0", "10,000,001", "3000000000", "12345678901234567890"])
def test_sample_sizes_out_of_range(text: str) -> None:
    with pytest.raises(ValueError, match="outside 1–10,000,000"):
        sample_size(text)


def test_a_superscript_sample_size_is_a_row_problem() -> None:
    """'²'.isdigit() is True and int('²') raises: the row crashed the import."""
    parsed = read_text(_polls(_row("²"), _row("800")), "x.txt")
    assert [q.sample_size for q in parsed.polls] == [800]
    (problem,) = parsed.problems
    assert (problem.kind, problem.line) == ("bad-number", 5)
    assert "'²' is not a whole number" in problem.message


@pytest.mark.parametrize("share", ["٥٤.٢", "５４.２", "54.2e0", "nan", "1_0", "54.2000001", "101"])
def test_shares_that_are_not_ascii_percentages(share: str) -> None:
    with pytest.raises(ValueError):
        Share.parse(share)
    text = _polls(f"| June 2017 | CEDEM | 1000 | {share} | 45.8 | 8.4 |")
    parsed = read_text(text, "x.txt")
    assert list(parsed.polls) == [] and [p.kind for p in parsed.problems] == ["bad-number"]


def test_prose_figures_and_dates_in_other_digits_are_not_read() -> None:
    text = (TITLE + "A poll in March 2014 found ٤٦ percent for and 42 percent against.\n\n"
            "Montenegro joined NATO on ٥ June ٢٠١٧.\n")  # fmt: skip
    reading = parse(text, "x.txt").prose
    assert list(reading.polls) == [] and list(reading.events) == []


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "1799", "2201", "٢٠١٦-٠٥-١٩"])
def test_dates_outside_1800_2200_or_in_other_digits(date: str) -> None:
    rows = ["| Invitation to join | 2015-12-02 |", f"| Accession protocol | {date} |",
            "| Member of NATO | 2017-06-05 |"]  # fmt: skip
    parsed = read_text(TITLE + "| Event | Date |\n" + "\n".join(rows) + "\n", "x.txt")
    assert [m.kind for m in parsed.milestones] == ["invitation", "membership"]
    assert [(p.kind, p.line) for p in parsed.problems] == [("bad-date", 5)]


@pytest.mark.parametrize("sample", ["12345678901234567890", "3000000000", "2147483648"])
def test_huge_sample_sizes_never_reach_sqlite(sample: str) -> None:
    """12345678901234567890 overflowed SQLite's INTEGER (OverflowError at the insert)."""
    parsed = read_text(_polls(_row(sample), _row("1,000")), "x.txt")
    with Store.memory() as store:
        store.import_documents([parsed])
        assert [q.sample_size for q in store.polls(parsed.process.slug)] == [1000]
        assert [p.kind for _sha, p in store.problems(parsed.process.slug)] == ["bad-number"]


# -- the same on PostgreSQL, where INTEGER ends at 2,147,483,647 --------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("sample", ["12345678901234567890", "3000000000", "2147483648"])
def test_huge_sample_sizes_never_reach_postgres(pg_url: str, sample: str) -> None:
    """3000000000 was out of range for PostgreSQL's INTEGER (a raw psycopg error)."""
    text = _polls(_row(sample), _row(f"{MAX_SAMPLE:,}"))
    parsed = read_text(text, "x.txt")
    with Store.open(pg_url) as store:
        store.import_documents([parsed])
        assert [q.sample_size for q in store.polls(parsed.process.slug)] == [MAX_SAMPLE]
        assert [p.line for _sha, p in store.problems(parsed.process.slug)] == [5]


@pytest.mark.postgres
def test_hostile_cells_round_trip_on_postgres(pg_url: str, example_text: str) -> None:
    """Markup, a formula and a script in cells and prose are stored as text and read back."""
    text = example_text.replace("| CISR/IRI |", '| [/b] =HYPERLINK("x") <script>x</script> |')
    text = text.replace("Montenegro began", "[red]Montenegro[/red] began")
    parsed = read_text(text, "x.txt")
    with Store.open(pg_url) as store:
        store.import_documents([parsed])
        slug = parsed.process.slug
        assert store.polls(slug) == list(parsed.polls)
        assert store.events(slug) == list(parsed.events)
        assert store.polls(slug)[0].pollster == '[/b] =HYPERLINK("x") <script>x</script>'


# -- files that are not regular files -------------------------------------------------------------


def _one_line_error(path: Path | str, expected: str) -> None:
    with pytest.raises(InputError) as e:
        read_document(path)
    assert str(e.value) == f"{path}: {expected}"


def test_a_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    _one_line_error(tmp_path / "a", "too many levels of symbolic links (a symlink loop?)")


def test_a_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    _one_line_error(fifo, "is a named pipe (FIFO), not a regular file")


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_devices(device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device}")
    _one_line_error(device, "is a character device, not a regular file")


def test_a_socket(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        _one_line_error(path, "is a socket, not a regular file")


def test_a_name_too_long_and_a_nul_in_a_name(tmp_path: Path) -> None:
    _one_line_error(tmp_path / ("x" * 300), "file name too long")
    with pytest.raises(InputError, match=r"^a\\x00b: not a valid file name$"):
        read_document("a\0b")


def test_a_fifo_swapped_in_after_the_stat_does_not_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race: the path is a regular file when stat()ed, a FIFO when opened. Opening a FIFO
    for reading blocks until a writer comes, unless O_NONBLOCK; then fstat refuses it."""
    import threading

    from treatywatch.sources import reading

    fifo, regular = tmp_path / "pipe.txt", tmp_path / "file.txt"
    os.mkfifo(fifo)
    regular.write_text("x")
    real_stat = os.stat
    monkeypatch.setattr(reading.os, "stat", lambda p, *a, **k: real_stat(regular))
    errors: list[Exception] = []
    reader = threading.Thread(target=lambda: errors.append(_raised(fifo)), daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "read_document blocked on a FIFO"
    assert [str(e) for e in errors] == [f"{fifo}: is a named pipe (FIFO), not a regular file"]


def _raised(path: Path) -> Exception:
    try:
        read_document(path)
    except InputError as e:
        return e
    raise AssertionError("no InputError")


@pytest.mark.parametrize(
    ("errno_", "message"),
    [(13, "permission denied"), (40, "too many levels of symbolic links (a symlink loop?)"),
     (5, "cannot open: Input/output error")],
)  # fmt: skip
def test_open_errors_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, errno_: int, message: str
) -> None:
    from treatywatch.sources import reading

    path = tmp_path / "a.txt"
    path.write_text("= x =")

    def refuse(*_a: object, **_k: object) -> int:
        raise OSError(errno_, os.strerror(errno_))

    monkeypatch.setattr(reading.os, "open", refuse)
    _one_line_error(path, message)


def test_a_name_with_control_characters_and_bad_bytes_is_escaped(tmp_path: Path) -> None:
    path = tmp_path / "new\nline\x1b[31m.txt"
    with pytest.raises(InputError) as e:
        read_document(path)
    assert "\n" not in str(e.value) and "\x1b" not in str(e.value)
    assert "new\\nline\\x1b[31m.txt: no such file" in str(e.value)
    latin = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.txt"))
    latin.write_bytes(EXAMPLE.read_bytes())
    parsed = read_path(latin)
    assert parsed.document.path.endswith("caf\\xe9.txt")
    with Store.memory() as store:  # it raised UnicodeEncodeError here
        store.import_documents([parsed])
        assert store.document(parsed.document.sha256).path == parsed.document.path
        # shown by its name only (this read kept the absolute path; import keeps the name)
        assert store.document_paths(parsed.process.slug) == {parsed.document.sha256: "caf\\xe9.txt"}


# -- the CLI ---------------------------------------------------------------------------------------


def _one_line(r: object, path: Path | str) -> None:
    err = r.err  # type: ignore[attr-defined]
    assert r.code == 2, (r.out, err)  # type: ignore[attr-defined]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "Traceback" not in err


def test_cli_fifo_import_and_check_do_not_hang(cli: Cli, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    _one_line(cli("import", fifo), fifo)  # the fixture's subprocess times out at 120 s
    _one_line(cli("check", fifo), fifo)


def test_cli_symlink_loop_and_devices(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    _one_line(cli("import", tmp_path / "a"), tmp_path / "a")
    _one_line(cli("check", tmp_path / "a"), tmp_path / "a")
    _one_line(cli("import", "/dev/null"), "/dev/null")


def test_cli_markup_in_a_cell_is_printed_as_written(cli: Cli, tmp_path: Path) -> None:
    """'[/b]' in a cell raised MarkupError after the import had committed (exit 1)."""
    bad = tmp_path / "bad.txt"
    bad.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace(
            "| Oct 2010 | CEDEM | 45.1 | 54.9 | 9.8 |", "| Oct 2010 | CEDEM | [/b] | 54.9 | 9.8 |"
        ),
        encoding="utf-8",
    )
    r = cli("import", bad)
    assert r.code == 0, r.err
    # import names a file given by absolute path by its name (issue 13: no server paths)
    assert f" {bad.name}:57: for share '[/b]' is not a number; row left out" in r.out
    r = cli("check", bad)
    assert r.code == 1 and "'[/b]' is not a number" in r.out and "Traceback" not in r.err


def test_cli_file_name_with_markup_is_printed_literally(cli: Cli, tmp_path: Path) -> None:
    """'[red]ok.txt' printed as 'ok.txt' (Rich read the name as a colour)."""
    named = tmp_path / "[red]ok.txt"
    named.write_bytes(EXAMPLE.read_bytes())
    r = cli("import", named)
    assert r.code == 0 and r.out.startswith(f"{named.name} → montenegro-nato: imported")
    r = cli("check", named)
    assert f"{named}:35 poll-lead-mismatch" in r.out.replace("\n", " ")


def test_cli_markup_in_prose_and_pollsters_in_every_table(cli: Cli, tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("| CISR/IRI |", "| [/b][red]x |")
    text = text.replace("applied to NATO's Partnership", "applied [/i] to NATO's Partnership")
    doc = tmp_path / "m.txt"
    doc.write_text(text, encoding="utf-8")
    assert cli("import", doc).code == 0
    for args in (("polls", "montenegro-nato"), ("polls", "montenegro-nato", "--average"),
                 ("timeline", "montenegro-nato"), ("status", "montenegro-nato"),
                 ("ratifications", "montenegro-nato"), ("processes",)):  # fmt: skip
        r = cli(*args)
        assert r.code == 0 and "Traceback" not in r.err, (args, r.err)
    assert "[/b][red]x" in cli("polls", "montenegro-nato").out

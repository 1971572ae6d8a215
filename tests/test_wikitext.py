"""Wikitext import: the article as its editors write it, read with mwparserfromhell.

The fixtures are written by hand in MediaWiki syntax (tests/fixtures/wikitext/): a wikitext
version of the bundled example, and a small article with the awkward cases (rowspan, a cell
holding two dates, a flag beside a linked name, refs defined once and reused, a comment in a
row, a caption naming the poll's question, stacked header rows).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLE, Cli
from treatywatch.domain.model import ParsedDocument
from treatywatch.errors import InputError
from treatywatch.ingest import read_text
from treatywatch.sources.article import parse
from treatywatch.sources.blocks import is_wikitext

FIXTURES = Path(__file__).parent / "fixtures" / "wikitext"
WIKI = Path(__file__).parents[1] / "docs" / "example-wikitext" / "montenegro-nato-relations.wiki"
AWKWARD = FIXTURES / "Accession_of_Sweden_to_NATO.wiki"


def _read(path: Path) -> ParsedDocument:
    return read_text(path.read_text(encoding="utf-8"), path.name)


@pytest.fixture(scope="module")
def both() -> tuple[ParsedDocument, ParsedDocument, list[str]]:
    wiki = _read(WIKI)
    plain = _read(Path(EXAMPLE))
    return wiki, plain, WIKI.read_text(encoding="utf-8").split("\n")


def test_detected_by_content_not_suffix(tmp_path: Path) -> None:
    assert is_wikitext(WIKI.read_text(encoding="utf-8"))
    assert is_wikitext(AWKWARD.read_text(encoding="utf-8"))
    assert not is_wikitext(Path(EXAMPLE).read_text(encoding="utf-8"))
    renamed = tmp_path / "montenegro-nato-relations.txt"  # wikitext under a .txt name
    renamed.write_text(WIKI.read_text(encoding="utf-8"), encoding="utf-8")
    facts = parse(renamed.read_text(encoding="utf-8"), renamed.name)
    assert len(facts.acts) == 28 and not any(a.provenance.inferred for a in facts.acts)


def test_same_record_as_the_plain_text_with_members_read(
    both: tuple[ParsedDocument, ParsedDocument, list[str]],
) -> None:
    wiki, plain, _ = both
    assert wiki.process == plain.process
    assert [(m.kind, m.date) for m in wiki.milestones] == [
        (m.kind, m.date) for m in plain.milestones
    ]
    assert sorted((a.member_code or "", a.date.edtf) for a in wiki.acts) == sorted(
        (a.member_code or "", a.date.edtf) for a in plain.acts
    )
    assert len(wiki.acts) == 28
    assert sum(a.provenance.inferred for a in plain.acts) == 28  # the rendering lost the flags
    assert sum(a.provenance.inferred for a in wiki.acts) == 0  # the markup names them

    def poll(p: object) -> tuple[object, ...]:
        return tuple(
            getattr(p, f) for f in ("fieldwork", "pollster", "share_for", "share_against", "lead")
        )

    assert len(wiki.polls) == 27
    assert [poll(p) for p in wiki.polls] == [poll(p) for p in plain.polls]
    assert len(wiki.relations) == len(plain.relations) == 31
    assert len(wiki.positions) == len(plain.positions)


def test_every_fact_points_at_the_wikitext_line_that_states_it(
    both: tuple[ParsedDocument, ParsedDocument, list[str]],
) -> None:
    wiki, _, lines = both
    for a in wiki.acts:
        d = a.date
        assert d.month is not None and d.day is not None
        span = "\n".join(lines[a.provenance.line_start - 1 : a.provenance.line_end])
        assert f"{{{{dts|{d.year}|{d.month:02d}|{d.day:02d}}}}}" in span, a
    for p in wiki.polls:
        assert p.pollster is None or p.pollster in lines[p.provenance.line_start - 1]
    for m in wiki.milestones:
        assert m.date.edtf in lines[m.provenance.line_start - 1] or m.kind == "membership"


def test_refs_give_each_row_its_source(
    both: tuple[ParsedDocument, ParsedDocument, list[str]],
) -> None:
    wiki, _, _ = both
    urls = {a.member_code: a.provenance.url for a in wiki.acts}
    depositary = "https://example.org/depositary/montenegro-protocol"
    # defined once (Albania), reused as <ref name=…/>, <ref name=… />, and {{r|…}}
    assert urls["AL"] == urls["DE"] == urls["GR"] == urls["US"] == depositary
    assert urls["IS"] == "https://example.org/iceland/althingi"  # a bare [url title] ref
    assert urls["ES"] == "https://example.org/boe/instrumento-montenegro"
    assert urls["BE"] is None and urls["FR"] is None  # no ref in the markup: none invented
    quotes = {a.member_code: a.provenance.quote for a in wiki.acts}
    assert quotes["ES"] == "Instrumento de ratificación … hecho en Madrid el 18 de mayo de 2017"
    assert quotes["AL"] == (
        "“Protocol to the North Atlantic Treaty on the Accession of Montenegro: status”, "
        "Example Depositary, 20 June 2017"
    )
    by_pollster = {(p.pollster, p.fieldwork.edtf): p.provenance.url for p in wiki.polls}
    assert (
        by_pollster[("CISR/IRI", "2017-10-06/2017-10-12")]
        == "https://example.org/iri/montenegro-2017"
    )
    # {{r|cedem}} on an earlier row than the ref's definition still finds it
    assert by_pollster[("CEDEM", "2017-06")] == "https://example.org/cedem/polls"


def _finding_key(message: str) -> str:
    return re.sub(r"\(lines? [0-9–, ]+\)", "(line)", message)


def test_check_reports_the_same_inconsistencies_at_wikitext_lines(
    both: tuple[ParsedDocument, ParsedDocument, list[str]],
) -> None:
    wiki, plain, lines = both
    inferred_rows = [f for f in plain.findings if f.message.startswith("28 table rows inferred")]
    assert len(inferred_rows) == 1  # the plain text's only extra finding: it guessed the members
    expected = Counter(_finding_key(f.message) for f in plain.findings if f not in inferred_rows)
    assert Counter(_finding_key(f.message) for f in wiki.findings) == expected
    by_rule = {f.rule: f for f in wiki.findings}
    spain = by_rule["prose-act-date"]
    assert "Spain" in lines[spain.line_start - 1] and "10 May" in lines[spain.line_start - 1]
    assert "(line 177)" in spain.message and "{{flag|Spain}}" in lines[176]
    order = by_rule["table-date-order"]
    assert lines[order.line_start - 1].startswith("| Intensified Dialogue")
    missing = by_rule["table-pollster-missing"]
    assert lines[missing.line_start - 1].startswith("| Mar 2014")


def test_awkward_markup() -> None:
    doc = _read(AWKWARD)
    lines = AWKWARD.read_text(encoding="utf-8").split("\n")
    assert doc.process.slug == "sweden-nato"  # from the file's name: wikitext has no title line
    acts = {(a.member_code, a.provenance.line_start): a for a in doc.acts}
    members = Counter(a.member_code for a in doc.acts)
    # {{flagicon|ALB}} [[Albania]]; {{flagcountry|CAN}} with rowspan=2 (two rows, so two acts);
    # [[Hungary|Magyarország]] beside {{flagicon|HUN}}; {{flag|Türkiye}}
    assert members == Counter({"AL": 1, "CA": 2, "DK": 1, "TR": 1, "HU": 1})
    assert not any(a.provenance.inferred for a in doc.acts)
    dk = next(a for a in doc.acts if a.member_code == "DK")
    assert dk.date.edtf == "2022-07"  # {{dts|2022|7}}: month precision kept
    tr = next(a for a in doc.acts if a.member_code == "TR")
    # the ref's citation spans six lines: the row's span runs to its end
    assert (tr.provenance.line_start, tr.provenance.line_end) == (36, 42)
    assert tr.provenance.url == "https://example.org/resmi-gazete/2024-01-25"
    al = next(a for a in doc.acts if a.member_code == "AL")
    assert al.provenance.url == "https://example.org/tracker"  # defined in {{Reflist|refs=…}}
    assert "Albania" in lines[al.provenance.line_start - 1]
    problems = {p.kind: p for p in doc.problems}
    # Belgium's cell holds two dates: left out, said where
    assert (
        problems["bad-date"].line == 25 and "2023-03-30 2023-04-20" in problems["bad-date"].message
    )
    assert "{{flag|Belgium}}" in lines[24] or "{{flag|Belgium}}" in lines[23]
    # a reused ref that is never defined is reported at its row
    assert problems["unknown-ref"].line == 44 and "undefined-ref" in problems["unknown-ref"].message
    assert len(acts) == 6
    # the caption names the poll's question; the stacked header gives the columns
    assert [p.question for p in doc.polls] == ["Should Sweden join NATO?"] * 3
    assert [(p.pollster, p.sample_size, str(p.share_for)) for p in doc.polls] == [
        ("Novus", 1034, "51"),
        ("Demoskop", 2022, "58"),
        ("[Sifo]", 1000, "54"),  # <nowiki> keeps its text
    ]
    assert doc.polls[1].provenance.url == "https://example.org/demoskop"
    assert [m.kind for m in doc.milestones] == [
        "partnership_for_peace",
        "protocol_signed",
        "membership",
    ]
    assert doc.milestones[1].provenance.url == "https://example.org/nato/protocols-signed"
    # comments and the infobox are not text: no prose fact comes from them
    from treatywatch.sources.wikitext import split_wikitext

    wb = split_wikitext(AWKWARD.read_text(encoding="utf-8"), AWKWARD.name)
    prose = " ".join(p.text for p in wb.blocks.paragraphs)
    assert "Test fixture" not in prose and "date_signed" not in prose
    assert "Erdoğan said on 24 May 2022" in prose  # a piped link reads as its text
    assert {r.code for r in doc.relations} == {"FI", "NO", "DK"}


def test_markup_in_cells_is_text_not_markup() -> None:
    text = (
        "{| class=wikitable\n! Date !! Pollster !! For !! Against\n|-\n"
        "| May 2016 || <script>alert(1)</script>{{cite web|url=javascript:x}} || 50 || 50\n"
        "|-\n| June 2016 || [[Ipsos|<b>Ipsos</b>]] || 51 || 49\n|}\n"
    )
    doc = parse(text, "Montenegro–NATO relations.wiki")
    assert [p.pollster for p in doc.polls] == ["alert(1)", "Ipsos"]


def test_title_from_the_lead_when_the_name_says_nothing() -> None:
    text = (
        "The '''accession of [[Montenegro]] to the [[NATO|North Atlantic Treaty "
        "Organization]]''' took place on 5 June 2017.\n"
    )
    assert parse(text, "article.wiki").process.slug == "montenegro-nato"
    with pytest.raises(InputError, match=r"article\.wiki:1: cannot tell the candidate"):
        parse("Some '''text''' with a [[link]].\n", "article.wiki")


_MARKUP = st.sampled_from(
    [
        "{|",
        "|}",
        "|-",
        "||",
        "!!",
        "|+",
        "{{",
        "}}",
        "[[",
        "]]",
        "<ref>",
        "</ref>",
        "<ref name=a/>",
        "<!--",
        "-->",
        "'''",
        "\n",
        "| ",
        "! ",
        "rowspan=2 |",
        'colspan="3" |',
        "{{flag|Spain}}",
        "{{dts|2017|5|18}}",
        "<nowiki>",
        "</nowiki>",
        "== H ==",
        "* ",
        "x",
        "2017-05-18",
        "<br/>",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_MARKUP, st.text(max_size=5)), max_size=60))
def test_any_markup_reads_or_is_refused_cleanly(parts: list[str]) -> None:
    text = "{| class=wikitable\n" + "".join(parts)
    try:
        facts = parse(text, "Montenegro–NATO relations.wiki")
    except InputError as e:
        assert "\n" not in str(e)
        return
    n = text.count("\n") + 1
    for rec in (*facts.milestones, *facts.acts, *facts.polls):
        assert 1 <= rec.provenance.line_start <= rec.provenance.line_end <= n
    for p in facts.problems:
        assert 1 <= p.line <= n


def test_cli_imports_and_checks_wikitext(cli: Cli) -> None:
    r = cli("import", WIKI, "--json")
    assert r.code == 0, r.err
    (outcome,) = r.json()
    assert outcome["process"] == "montenegro-nato" and outcome["counts"]["ratifications"] == 28
    rows = cli("ratifications", "montenegro-nato", "--json").json()
    table_acts = [a for row in rows for a in row["acts"] if a["provenance"]["line_start"] > 100]
    assert len(rows) == 28 and len(table_acts) == 28
    assert not any(a["provenance"]["inferred"] for a in table_acts)
    spain = next(row for row in rows if row["code"] == "ES")
    (act,) = spain["acts"]
    assert act["provenance"]["url"] == "https://example.org/boe/instrumento-montenegro"
    assert act["provenance"]["line_start"] == 177
    gh = cli("check", WIKI, "--format", "github")
    assert gh.code in (0, 1), gh.err
    spain = next(ln for ln in gh.out.splitlines() if "Spain" in ln and "prose" in ln.lower())
    assert f"file={WIKI.name}" in spain or f"file={WIKI}" in spain
    assert ",line=28" in spain


def test_flag_templates_with_olympic_codes() -> None:
    """Wikipedia's flag templates take IOC codes where they differ from ISO alpha-3
    ({{flagicon|GER}}); each mapping is a sourced row of data/ioc-codes.csv."""
    text = (
        "{| class=wikitable\n! Event !! Date\n|-\n| Accession protocol || 2016-05-19\n"
        "|-\n| Ratification by: ||\n"
        "|-\n| {{flagicon|GER}} || {{dts|2017|05|03}}\n"
        "|-\n| {{flag|NED}} || {{dts|2017|05|04}}\n"
        "|-\n| {{flagcountry|POR}} || {{dts|2017|03|27}}\n"
        "|-\n| {{flagicon|SLO}} [[Slovenija]] || {{dts|2016|07|08}}\n"
        "|-\n| {{flagicon|XYZ}} || {{dts|2016|07|09}}\n|}\n"
    )
    doc = parse(text, "Montenegro–NATO relations.wiki")
    assert [a.member_code for a in doc.acts] == ["DE", "NL", "PT", "SI"]
    assert [p.message for p in doc.problems] == ["'XYZ' is not a country; left out"]


def test_ioc_codes_are_sourced_and_differ_from_iso() -> None:
    import csv

    import pycountry

    from treatywatch.reference import data_text

    rows = list(csv.DictReader(data_text("ioc-codes.csv").splitlines()))
    assert len(rows) >= 10
    for r in rows:
        assert r["source_url"].startswith(("http://", "https://")) and r["source_quote"]
        assert r["ioc"] in r["source_quote"], r
        country = pycountry.countries.get(alpha_2=r["code"])
        assert country is not None and country.alpha_3 != r["ioc"], r

"""One pass a document: read and hashed once, split into blocks once, its prose read once,
checked on what was read, and built once into a frozen value; an unchanged text is not
parsed again. ``import`` and ``check FILE`` go the same way."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE
from treatywatch import ingest
from treatywatch.cli import app
from treatywatch.domain.facts import ProseReading
from treatywatch.domain.model import ParsedDocument
from treatywatch.errors import ProblemsError
from treatywatch.ingest import import_paths, read_path
from treatywatch.queries.findings import check_file
from treatywatch.sources import article, reading
from treatywatch.store.db import Store

# The readers, where the pipeline looks them up: the block splitter and the prose reader
# (called by the importer), and the importer itself (the table reader's entry).
READERS = {"split_blocks": article, "read_prose": article, "parse": ingest}


@contextmanager
def counted(*names: str) -> Iterator[dict[str, mock.MagicMock]]:
    """The named readers, wrapped to count their calls."""
    with ExitStack() as stack:
        spies = {}
        for name in names:
            real = getattr(READERS[name], name)
            spies[name] = stack.enter_context(mock.patch.object(READERS[name], name, wraps=real))
        yield spies


def test_one_import_splits_the_text_once_and_reads_the_prose_once() -> None:
    with Store.memory() as store, counted("split_blocks", "read_prose", "parse") as spies:
        (outcome,) = import_paths(store, [EXAMPLE])
    assert outcome.action == "imported" and outcome.counts["findings"] == 16
    assert spies["split_blocks"].call_count == 1
    assert spies["read_prose"].call_count == 1
    assert spies["parse"].call_count == 1


def test_the_text_is_hashed_once() -> None:
    hashes = mock.MagicMock(wraps=reading.text_sha)
    with (
        mock.patch.object(reading, "text_sha", hashes),
        mock.patch.object(article, "text_sha", hashes),
        Store.memory() as store,
    ):
        import_paths(store, [EXAMPLE])
    assert hashes.call_count == 1


def test_an_unchanged_reimport_returns_before_parsing() -> None:
    with Store.memory() as store:
        (first,) = import_paths(store, [EXAMPLE])
        with counted("split_blocks", "parse", "read_prose") as spies:
            (again,) = import_paths(store, [EXAMPLE])
    assert {name: spy.call_count for name, spy in spies.items()} == dict.fromkeys(spies, 0)
    assert again == dataclasses.replace(first, action="unchanged", changes=[])


def test_the_cli_says_unchanged_without_parsing(tmp_path: Path) -> None:
    db = str(tmp_path / "tw.db")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "import", str(EXAMPLE)]).exit_code == 0
    with counted("split_blocks", "parse", "read_prose") as spies:
        r = runner.invoke(app, ["--db", db, "import", str(EXAMPLE)])
    assert r.exit_code == 0, r.output
    assert "unchanged (already imported); 8 milestones" in " ".join(r.output.split())
    assert all(spy.call_count == 0 for spy in spies.values())


def _variant(text: str) -> str:
    """The example with one poll row less: a new version of the same article."""
    row = "| Oct 2014 | | 43.75 | 56.25 | 12.5 |\n"
    assert row in text
    return text.replace(row, "")


def test_a_restored_older_version_is_parsed_and_stored(
    any_store: Store, tmp_path: Path, example_text: str
) -> None:
    changed = tmp_path / "changed.txt"
    changed.write_text(_variant(example_text), encoding="utf-8")
    import_paths(any_store, [EXAMPLE])
    import_paths(any_store, [changed])
    with counted("split_blocks") as spies:
        (restored,) = import_paths(any_store, [EXAMPLE])
    assert restored.action == "replaced" and spies["split_blocks"].call_count == 1
    assert len(any_store.polls("montenegro-nato")) == 27


def test_a_version_replaced_earlier_in_the_same_import_is_parsed(
    any_store: Store, tmp_path: Path, example_text: str
) -> None:
    """Current when the import starts, but a document before it replaces it: importing
    one after the other, it comes back (parsed), as it did before the early return."""
    changed = tmp_path / "changed.txt"
    changed.write_text(_variant(example_text), encoding="utf-8")
    import_paths(any_store, [EXAMPLE])
    outcomes = import_paths(any_store, [changed, EXAMPLE])
    assert [o.action for o in outcomes] == ["replaced", "replaced"]
    assert len(any_store.polls("montenegro-nato")) == 27
    outcomes = import_paths(any_store, [EXAMPLE, changed])
    assert [o.action for o in outcomes] == ["unchanged", "replaced"]
    assert len(any_store.polls("montenegro-nato")) == 26


def test_an_unchanged_document_reports_its_stored_problems(
    any_store: Store, tmp_path: Path, example_text: str
) -> None:
    bad = tmp_path / "bad.txt"
    row = "| 26 June 2016 | DAMAR | 54.2 |"
    bad.write_text(example_text.replace(row, "| x | DAMAR | 54.2 |"), encoding="utf-8")
    (first,) = import_paths(any_store, [bad])
    assert first.problems and first.counts["problems"] == len(first.problems)
    with counted("parse") as spies:
        (again,) = import_paths(any_store, [bad])
        with pytest.raises(ProblemsError, match=r"bad\.txt:37: .*--strict: nothing imported"):
            import_paths(any_store, [bad], strict=True)
    assert spies["parse"].call_count == 0
    assert again == dataclasses.replace(first, action="unchanged", changes=[])


def test_check_file_and_import_find_the_same() -> None:
    checked = check_file(EXAMPLE)
    with Store.memory() as store:
        (outcome,) = import_paths(store, [EXAMPLE])
        stored = store.findings(outcome.process)
    assert checked.findings == stored == list(read_path(EXAMPLE).findings)
    assert [f.severity.value for f in stored].count("error") == 2
    assert [f.severity.value for f in stored].count("warning") == 5
    assert [f.severity.value for f in stored].count("info") == 9


def test_check_file_reads_the_file_the_same_single_way() -> None:
    with counted("split_blocks", "read_prose") as spies:
        check_file(EXAMPLE)
    assert [spy.call_count for spy in spies.values()] == [1, 1]


def test_the_parsed_document_cannot_be_changed() -> None:
    parsed = read_path(EXAMPLE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.findings = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        parsed.polls.append(parsed.polls[0])  # type: ignore[attr-defined]
    for f in dataclasses.fields(ParsedDocument):
        value = getattr(parsed, f.name)
        assert not isinstance(value, list | dict | set), f.name
    facts = article.parse(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.prose.events = ()  # type: ignore[misc]
    assert isinstance(facts.prose, ProseReading) and isinstance(facts.prose.events, tuple)


def test_the_checks_read_no_source_module_no_text_and_not_the_import() -> None:
    """``sources → checks → ingest``: the checks get what was read as values, never the
    document's text to read again."""
    folder = Path(__file__).resolve().parents[1] / "src" / "treatywatch" / "checks"
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                assert node.attr != "text", f"{path.name}:{node.lineno} reads a text"
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            bad = [n for n in names if n.startswith(("treatywatch.sources", "treatywatch.ingest"))]
            assert not bad, f"{path.name}:{node.lineno} imports {bad[0]}"

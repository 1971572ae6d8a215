"""One pass a document: read and hashed once, split into blocks once, its prose read once,
checked on what was read, and built once into a frozen value. ``import`` and ``check FILE``
go the same way."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

import pytest

from conftest import EXAMPLE
from treatywatch import ingest
from treatywatch.domain.facts import ProseReading
from treatywatch.domain.model import ParsedDocument
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

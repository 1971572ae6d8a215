"""Findings for a file (read and checked now) or a stored process (checked at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from treatywatch.domain.findings import Finding, Severity
from treatywatch.errors import InputError, NotFoundError

if TYPE_CHECKING:
    from treatywatch.store.db import Store


@dataclass(frozen=True)
class CheckResult:
    findings: list[Finding]
    names: dict[str, str]  # document SHA-256 → the name it was given, to show

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def by_severity(self) -> dict[str, list[Finding]]:
        return {s.value: [f for f in self.findings if f.severity is s] for s in Severity}

    def to_sarif(self) -> dict[str, Any]:
        from treatywatch.checks.sarif import to_sarif

        return to_sarif(self.findings, self.names)

    def to_github(self) -> str:
        from treatywatch.checks.sarif import to_github

        return to_github(self.findings, self.names)


def check_file(path: str | Path) -> CheckResult:
    """Read an article or a data package and check it, without touching the store (as
    ``import`` reads it)."""
    from treatywatch.ingest import read_path, read_records
    from treatywatch.sources.datapackage import is_package

    docs = read_records(path) if is_package(path) else [read_path(path)]
    findings = sorted(
        (f for d in docs for f in d.findings), key=lambda f: (f.document, f.line_start)
    )
    return CheckResult(findings, {d.document.sha256: d.document.path for d in docs})


def check_process(store: Store, query: str) -> CheckResult:
    """The findings stored with a process at import."""
    process = store.find_process(query)
    return CheckResult(store.findings(process.slug), store.document_paths(process.slug))


def _is_path(target: str) -> bool:
    """True when something is at ``target`` (a file, a FIFO, a broken or looping symlink):
    reading it then says what is wrong with it, instead of looking up a process."""
    try:
        os.lstat(target)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except (OSError, ValueError):  # a name too long, a NUL byte: not a process either
        return True
    return True


def check_target(target: str, db: str | None) -> CheckResult:
    """A path that exists is checked as a file; anything else names a stored process."""
    if _is_path(target):
        return check_file(target)
    from treatywatch.queries.ready import ready_store
    from treatywatch.store.db import Store

    with Store.open(db) as store:
        ready_store(store)  # a past round is a process from the first command on
        try:
            return check_process(store, target)
        except NotFoundError as e:
            raise InputError(f"{target}: no such file, and {e}") from None

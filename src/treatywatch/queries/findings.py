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
    paths: dict[str, str]  # document SHA-256 → path to show

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def path_of(self, sha: str) -> str:
        return self.paths.get(sha, sha[:12])

    def by_severity(self) -> dict[str, list[Finding]]:
        return {s.value: [f for f in self.findings if f.severity is s] for s in Severity}

    def to_json(self) -> dict[str, Any]:
        from treatywatch.checks import summary
        from treatywatch.checks.sarif import to_json

        return {"summary": summary(self.findings), "findings": to_json(self.findings, self.paths)}

    def to_sarif(self) -> dict[str, Any]:
        from treatywatch.checks.sarif import to_sarif

        return to_sarif(self.findings, self.paths)

    def to_github(self) -> str:
        from treatywatch.checks.sarif import to_github

        return to_github(self.findings, self.paths)


def check_file(path: str | Path) -> CheckResult:
    """Read an article and check it, without touching the store (as ``import`` reads it)."""
    from treatywatch.ingest import read_path

    parsed = read_path(path)
    return CheckResult(list(parsed.findings), {parsed.document.sha256: parsed.document.path})


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
    from treatywatch.store.db import Store

    with Store.open(db) as store:
        try:
            return check_process(store, target)
        except NotFoundError as e:
            raise InputError(f"{target}: no such file, and {e}") from None

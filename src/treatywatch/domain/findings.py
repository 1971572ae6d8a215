"""The Finding record: one place where a source contradicts itself or needs a look."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the source contradicts itself or the procedure
    WARNING = "warning"  # probably wrong, or inconsistent in a way that misleads
    INFO = "info"  # worth knowing: an inference, a coarse rounding, an exclusion

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Finding:
    """What a rule found, where (document SHA-256 and line span), and what to do about it."""

    id: str
    rule: str
    severity: Severity
    message: str
    evidence: str
    fix: str
    document: str
    line_start: int
    line_end: int
    related: tuple[int, ...] = ()

    @classmethod
    def make(
        cls,
        rule: str,
        severity: Severity,
        document: str,
        line: int,
        message: str,
        evidence: str,
        fix: str,
        *,
        line_end: int | None = None,
        related: tuple[int, ...] = (),
    ) -> Finding:
        """A finding with a stable id (a hash of rule, document, lines and message)."""
        end = line if line_end is None else line_end
        key = "\0".join((rule, document, str(line), str(end), message))
        fid = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        rel = tuple(sorted(set(related) - {line}))
        return cls(fid, rule, severity, message, evidence, fix, document, line, end, rel)


def sort_key(f: Finding) -> tuple[str, int, int, str, str]:
    return (f.document, f.line_start, f.severity.rank, f.rule, f.id)

"""The Finding record: one place where a source contradicts itself or needs a look."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "evidence": self.evidence,
            "fix": self.fix,
            "document": self.document,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "related": list(self.related),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(
            id=str(d["id"]),
            rule=str(d["rule"]),
            severity=Severity(d["severity"]),
            message=str(d["message"]),
            evidence=str(d["evidence"]),
            fix=str(d["fix"]),
            document=str(d["document"]),
            line_start=int(d["line_start"]),
            line_end=int(d["line_end"]),
            related=tuple(int(x) for x in d.get("related", ())),
        )


def sort_key(f: Finding) -> tuple[str, int, int, str, str]:
    return (f.document, f.line_start, f.severity.rank, f.rule, f.id)

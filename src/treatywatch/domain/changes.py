"""What changed in the record when a source's new version replaced its old one.

:func:`diff` compares the records read from two versions of one document (acts, milestones,
polls, findings) and says what a reader following the process wants to know, one line each:
acts added or removed, dates changed, polls added, findings new or resolved. Pure: the store
calls it when an import replaces a version, and keeps its lines (``changes`` table) for
``sync``, the Atom feed and the dashboard.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from treatywatch.domain.findings import Finding
from treatywatch.domain.model import Milestone, Poll, RatificationAct

_LINES = re.compile(r"\s*\((?:lines?|rows?) [0-9–, -]+\)")


# A change's action when a new version of treatywatch read a stored document again (the same
# text, read otherwise).
READ_AGAIN = "read again"


@dataclass(frozen=True)
class Change:
    """One version of a source coming into the store, and what it changed."""

    key: str  # stable: the version's SHA-256 and when it came
    process: str
    document: str
    previous: str | None  # the version it replaced
    source_key: str
    path: str  # the source as the user named it
    at: str  # ISO 8601
    action: str  # "imported" (a source's first version), "replaced" or "read again" (by a
    # new version of treatywatch: the same text, read otherwise)
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Records:
    """The records of one version that a change is told in."""

    milestones: Sequence[Milestone] = ()
    acts: Sequence[RatificationAct] = ()
    polls: Sequence[Poll] = ()
    findings: Sequence[Finding] = ()


def _act_key(a: RatificationAct) -> tuple[str, str]:
    return (a.member_name or a.member_code or "an unnamed member", a.kind.value.replace("_", " "))


def _grouped(pairs: Iterable[tuple[tuple[str, str], str]]) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return {k: sorted(v) for k, v in out.items()}


def _dated(
    what: str,
    old: dict[tuple[str, str], list[str]],
    new: dict[tuple[str, str], list[str]],
    name: str,
) -> list[str]:
    """Lines for dated facts keyed by (subject, kind): added, removed, date changed."""
    lines = []
    for key in sorted(old.keys() | new.keys()):
        subject, kind = key
        before, after = old.get(key, []), new.get(key, [])
        if before == after:
            continue
        owner = f"{subject}'" if subject.endswith("s") else f"{subject}'s"
        label = f"{owner} {kind}" if name == "act" else kind
        if not before:
            lines.append(f"{what} added: {label} {', '.join(after)}")
        elif not after:
            lines.append(f"{what} removed: {label} {', '.join(before)}")
        else:
            lines.append(f"date changed: {label} {', '.join(before)} → {', '.join(after)}")
    return lines


def _poll(p: Poll) -> str:
    who = p.pollster or "no pollster named"
    return f"{p.fieldwork.edtf} {who}"


def _shares(p: Poll) -> str:
    return f"{p.share_for} for, {p.share_against} against"


def _finding(f: Finding) -> str:
    return f"{f.rule}: {_LINES.sub('', f.message)}"


def diff(old: Records, new: Records) -> list[str]:
    """What changed from ``old`` to ``new``, one line each, in a fixed order."""
    lines = _dated(
        "act",
        _grouped((_act_key(a), a.date.edtf) for a in old.acts),
        _grouped((_act_key(a), a.date.edtf) for a in new.acts),
        "act",
    )
    lines += _dated(
        "milestone",
        _grouped((("", m.label), m.date.edtf) for m in old.milestones),
        _grouped((("", m.label), m.date.edtf) for m in new.milestones),
        "milestone",
    )
    old_polls = {_poll(p): _shares(p) for p in old.polls}
    new_polls = {_poll(p): _shares(p) for p in new.polls}
    for key in sorted(new_polls.keys() - old_polls.keys()):
        lines.append(f"poll added: {key} ({new_polls[key]})")
    for key in sorted(old_polls.keys() - new_polls.keys()):
        lines.append(f"poll removed: {key} ({old_polls[key]})")
    for key in sorted(old_polls.keys() & new_polls.keys()):
        if old_polls[key] != new_polls[key]:
            lines.append(f"poll changed: {key} ({old_polls[key]} → {new_polls[key]})")
    old_f = {_finding(f) for f in old.findings}
    new_f = {_finding(f) for f in new.findings}
    lines += [f"finding new: {f}" for f in sorted(new_f - old_f)]
    lines += [f"finding resolved: {f}" for f in sorted(old_f - new_f)]
    return lines


def first_version(new: Records) -> list[str]:
    """What a source's first version brought: its counts (the lines are its records)."""
    parts = [
        (len(new.milestones), "milestone"),
        (len(new.acts), "act"),
        (len(new.polls), "poll"),
        (len(new.findings), "finding"),
    ]
    return [", ".join(f"{n} {what}{'s' if n != 1 else ''}" for n, what in parts)]

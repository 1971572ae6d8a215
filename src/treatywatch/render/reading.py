"""What a process page says first: its one-line headline, and the checks that fit its date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from treatywatch.domain.dates import PartialDate
from treatywatch.domain.findings import Finding
from treatywatch.domain.model import Provenance
from treatywatch.domain.status import MemberStatus, ProcessStatus, happened_by
from treatywatch.domain.words import count
from treatywatch.queries.records import ProcessRecords

MONTHS = (
    "January February March April May June July August September October November December"
).split()


def say_date(d: PartialDate | date) -> str:
    """A date as a reader writes it: "5 June 2017", "June 2017" or "2017"."""
    if isinstance(d, date):
        d = PartialDate.of(d)
    if d.month is None:
        return str(d.year)
    if d.day is None:
        return f"{MONTHS[d.month - 1]} {d.year}"
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _last_to_ratify(s: ProcessStatus) -> MemberStatus | None:
    dated = [m for m in s.members if m.ratified_on is not None]
    if not dated:
        return None
    return max(dated, key=lambda m: (m.ratified_on.upper(), m.ratified_on.lower()))  # type: ignore[union-attr]


def headline(s: ProcessStatus) -> str:
    """One sentence on where the process stood on its as-of day."""
    day = say_date(s.as_of)
    last = _last_to_ratify(s)
    last_part = (
        f"; the last to ratify was {last.name} ({say_date(last.ratified_on)})"
        if last is not None and last.ratified_on is not None
        else ""
    )
    # Where the member list is unknown, the members the sources name.
    total = s.required_count if s.members_known else len(s.members)
    gaps = []  # who was last is not known
    if undated := len(s.undated):
        gaps.append(
            f"none of its {undated} ratifications is dated in the sources"
            if undated == total
            else f"{undated} of its {total} ratifications "
            f"{'is' if undated == 1 else 'are'} not dated in the sources"
        )
    if unknown := len(s.not_in_sources):
        gaps.append(f"the sources give no ratification for {unknown} of its {total} members")
    if gaps:
        last_part = "; " + "; ".join(gaps)
    if s.member_since is not None and happened_by(s.member_since, s.as_of):
        return f"Joined {say_date(s.member_since)}{last_part}."
    if s.protocol_signed is None or not happened_by(s.protocol_signed, s.as_of):
        if not s.reached:
            return f"Nothing had happened by {day}."
        e = s.latest_event
        latest = f"; then {e.label}, {say_date(e.date)}" if e else ""
        return f"On {day}: {s.stage_label}{latest}; no protocol or treaty signed yet."
    if not s.members_known:
        return (
            f"{count(s.ratified_count, 'member')} had ratified by {day}, as far as the sources say "
            f"({s.process.organization}'s member list is not in the reference data)."
        )
    pending = len(s.pending)
    if pending == 0:
        return f"All {s.required_count} members had ratified by {day}{last_part}."
    return (
        f"{s.ratified_count} of {s.required_count} members had ratified by {day}; "
        f"{pending} pending."
    )


@dataclass(frozen=True)
class ChecksInView:
    """The findings a page shows and what they cover."""

    findings: list[Finding]
    # Findings left out because none of the view's records stands on their lines.
    left_out: int
    # True when the view is today's: every finding is shown.
    complete: bool


def _lines(records: ProcessRecords) -> set[tuple[str, int]]:
    provenances: list[Provenance] = [m.provenance for m in records.milestones]
    provenances += [a.provenance for a in records.acts]
    provenances += [p.provenance for p in records.polls]
    return {
        (p.document, line)
        for p in provenances
        for line in range(p.line_start, max(p.line_start, p.line_end) + 1)
    }


def checks_in_view(records: ProcessRecords, today: date | None = None) -> ChecksInView:
    """The findings that concern what the page shows on its as-of day.

    Findings carry no date, so a view of an earlier day keeps the findings on the lines of
    the milestones, acts and polls dated by then, and counts the others as left out.
    """
    if records.status.as_of >= (today or date.today()):
        return ChecksInView(list(records.findings), 0, True)
    lines = _lines(records)
    kept = [
        f
        for f in records.findings
        if any(
            (f.document, n) in lines for n in range(f.line_start, max(f.line_start, f.line_end) + 1)
        )
    ]
    return ChecksInView(kept, len(records.findings) - len(kept), False)

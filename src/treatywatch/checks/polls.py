"""Rules on the poll table: leads, sums and bases, read with the rounding of the figures."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from treatywatch.checks.registry import Context, rule
from treatywatch.domain.findings import Finding, Severity
from treatywatch.domain.model import Base, Poll, Share

_EPS = 1e-9


def fmt(x: float, decimals: int = 1) -> str:
    """A number as a reader writes it: no trailing zeros ("8.4", "12")."""
    s = f"{x:.{decimals}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def decided_share(f: Share, a: Share) -> tuple[float, float]:
    """The range of for / (for + against) in percent, allowing for the figures' rounding."""
    flo, fhi = max(f.value - f.rounding, 0.0), f.value + f.rounding
    alo, ahi = max(a.value - a.rounding, 0.0), a.value + a.rounding
    return 100 * flo / (flo + ahi), 100 * fhi / (fhi + alo)  # ahi, fhi > 0: no zero division


def decided_mid(f: Share, a: Share) -> float | None:
    """for / (for + against) in percent as written; None when both are 0."""
    total = f.value + a.value
    return 100 * f.value / total if total else None


def computed_lead(p: Poll) -> tuple[float, float, int]:
    """The lead the shares give, its rounding slack, and the decimals they are written with."""
    decimals = max(p.share_for.decimals, p.share_against.decimals)
    diff = round(abs(p.share_for.value - p.share_against.value), decimals)
    return diff, p.share_for.rounding + p.share_against.rounding, decimals


def describe(p: Poll) -> str:
    who = p.pollster or "no pollster"
    if len(who) > 60:  # a cell, named in the findings of other rows too: keep them short
        who = who[:59] + "…"
    return f"{p.fieldwork} {who} (line {p.provenance.line_start})"


# A finding names this many other rows with the same shares (and counts the rest).
_SHOWN = 10


def _by_shares(ctx: Context) -> dict[tuple[str, str], list[Poll]]:
    """The polls of each pair of shares, as written, in table order."""
    groups: dict[tuple[str, str], list[Poll]] = {}
    for q in ctx.facts.polls:
        groups.setdefault((str(q.share_for), str(q.share_against)), []).append(q)
    return groups


def _same_shares(groups: dict[tuple[str, str], list[Poll]], p: Poll) -> tuple[list[Poll], int]:
    """Other polls with the same shares (the first _SHOWN, and how many in all); whole
    numbers are too common to suggest a copy."""
    if max(p.share_for.decimals, p.share_against.decimals) == 0:
        return [], 0
    group = groups[(str(p.share_for), str(p.share_against))]
    return list(islice((q for q in group if q is not p), _SHOWN)), len(group) - 1


@rule("poll-lead-mismatch", Severity.ERROR)
def lead_mismatch(ctx: Context) -> Iterator[Finding]:
    """A poll's stated lead does not follow from its shares, even allowing for rounding."""
    groups = _by_shares(ctx)
    for p in ctx.facts.polls:
        if p.lead is None:
            continue
        diff, slack, decimals = computed_lead(p)
        if abs(p.lead.value - diff) <= slack + p.lead.rounding + _EPS:
            continue
        line = p.provenance.line_start
        lo, hi = max(diff - slack, 0), diff + slack
        evidence = (
            f"{p.share_for} − {p.share_against} = {fmt(diff, decimals)}"
            + (f" ({fmt(lo, decimals + 1)}–{fmt(hi, decimals + 1)} with rounding)" if slack else "")
            + f"; the table states {p.lead}"
        )
        fix = f"correct the lead to {fmt(diff, decimals)}"
        if p.base is Base.DECIDED:
            half = p.lead.value / 2
            fix += (
                f", or check the shares: a lead of {p.lead} on decided-only shares would be "
                f"{fmt(50 + half, p.lead.decimals + 1)} / {fmt(50 - half, p.lead.decimals + 1)}"
            )
        twins, count = _same_shares(groups, p)
        if twins:
            evidence += "; the same shares appear in " + ", ".join(describe(q) for q in twins)
            if count > len(twins):
                evidence += f" and {count - len(twins)} more rows"
            fix += " (the shares may have been copied from that row)"
        yield ctx.finding(
            "poll-lead-mismatch",
            Severity.ERROR,
            line,
            f"lead of {describe(p)} is {p.lead}, but its shares give {fmt(diff, decimals)}",
            evidence,
            fix,
            related=[q.provenance.line_start for q in twins],
        )


@rule("poll-lead-rounded", Severity.INFO)
def lead_rounded(ctx: Context) -> Iterator[Finding]:
    """A poll's lead is written with fewer decimals than its shares (consistent, but coarser)."""
    for p in ctx.facts.polls:
        if p.lead is None:
            continue
        diff, slack, decimals = computed_lead(p)
        off = abs(p.lead.value - diff)
        if off <= _EPS or off > slack + p.lead.rounding + _EPS or p.lead.decimals >= decimals:
            continue
        yield ctx.finding(
            "poll-lead-rounded",
            Severity.INFO,
            p.provenance.line_start,
            f"lead of {describe(p)} is {p.lead}: the shares' {fmt(diff, decimals)} rounded "
            + ("to whole points" if p.lead.decimals == 0 else f"to {p.lead.decimals} decimal"),
            f"{p.share_for} − {p.share_against} = {fmt(diff, decimals)}; stated {p.lead}",
            f"write the lead as {fmt(diff, decimals)} to match the shares' precision",
        )


@rule("poll-shares-sum", Severity.WARNING)
def shares_sum(ctx: Context) -> Iterator[Finding]:
    """A poll's shares add up to more than 100, or, with undecided given, not to 100."""
    for p in ctx.facts.polls:
        parts = [p.share_for, p.share_against] + ([p.share_undecided] if p.share_undecided else [])
        total = sum(s.value for s in parts)
        slack = sum(s.rounding for s in parts)
        line = p.provenance.line_start
        figures = " + ".join(str(s) for s in parts)
        if total > 100 + slack + _EPS:
            yield ctx.finding(
                "poll-shares-sum",
                Severity.ERROR,
                line,
                f"shares of {describe(p)} add up to {fmt(total, 2)}, more than 100",
                f"{figures} = {fmt(total, 2)}",
                "check the figures against the poll's source",
            )
        elif p.share_undecided is not None and abs(total - 100) > slack + _EPS:
            yield ctx.finding(
                "poll-shares-sum",
                Severity.WARNING,
                line,
                f"shares of {describe(p)} add up to {fmt(total, 2)}, not 100",
                f"{figures} = {fmt(total, 2)}; {fmt(100 - total, 2)} points are not accounted for",
                "add the missing answer category (e.g. no answer) or check the figures",
            )


@rule("poll-base-mixed", Severity.WARNING)
def base_mixed(ctx: Context) -> Iterator[Finding]:
    """A poll table mixes bases: shares of all respondents among decided-only shares."""
    for polls in ctx.poll_tables():
        decided = [p for p in polls if p.base is Base.DECIDED]
        on_all = [p for p in polls if p.base is Base.ALL]
        if not decided or not on_all:
            continue
        majority, minority = (decided, on_all) if len(decided) >= len(on_all) else (on_all, decided)
        for p in minority:
            total = p.share_for.value + p.share_against.value
            lo, hi = decided_share(p.share_for, p.share_against)
            mid = decided_mid(p.share_for, p.share_against)
            if mid is None:
                continue
            if p.base is Base.ALL:
                msg = f"{describe(p)} gives shares of all respondents in a table of decided-only shares"
                evidence = (
                    f"{p.share_for} + {p.share_against} = {fmt(total, 2)}: {fmt(100 - total, 2)} "
                    f"points undecided or no answer; {len(majority)} other polls of the table "
                    f"add up to 100. On the decided base it is {fmt(mid)} / {fmt(100 - mid)} "
                    f"({fmt(lo)}–{fmt(hi)} for, with rounding)"
                )
                fix = (
                    f"mark the row as on all respondents, or give it on the decided base "
                    f"({fmt(mid)} / {fmt(100 - mid)}) like the rest of the table"
                )
            else:
                msg = f"{describe(p)} gives decided-only shares in a table of shares of all respondents"
                evidence = (
                    f"{p.share_for} + {p.share_against} = 100; {len(majority)} other polls do not"
                )
                fix = "mark the row's base, or give the undecided share like the rest of the table"
            yield ctx.finding(
                "poll-base-mixed",
                Severity.WARNING,
                p.provenance.line_start,
                msg,
                evidence,
                fix,
            )

"""merge_timeline: each event once, with every source that states it."""

from __future__ import annotations

from treatywatch.checks.timeline import compatible, merge_timeline
from treatywatch.domain.dates import PartialDate
from treatywatch.sources.article import parse


def test_table_and_prose_merge_into_one_entry_per_step(example_text: str) -> None:
    parsed = parse(example_text, "example.txt")
    prose = parsed.prose
    timeline = merge_timeline(parsed.milestones, prose.events)
    typed = {t.kind: t for t in timeline if t.kind in {m.kind for m in parsed.milestones}}
    assert len(typed) == len(parsed.milestones) == 8  # one entry per step
    assert [k for k in (t.kind for t in timeline) if k == "membership"] == ["membership"]
    assert typed["membership"].lines == (7, 28, 115, 118)
    assert typed["membership_action_plan"].lines == (7, 10, 82)
    assert typed["membership_action_plan"].date == PartialDate(2009, 12, 4)  # the finer date
    assert typed["intensified_dialogue"].lines == (10, 81)
    assert typed["partnership_for_peace"].lines == (10, 79)  # 2006 (prose) and 2006-12-14
    assert typed["domestic_ratification"].lines == (28, 85)


def test_conflicting_dates_stay_apart(example_text: str) -> None:
    parsed = parse(example_text, "example.txt")
    prose = parsed.prose
    timeline = merge_timeline(parsed.milestones, prose.events, parsed.acts)
    spain = [t for t in timeline if t.member_code == "ES"]
    assert [(str(t.date), t.lines) for t in spain] == [
        ("2017-05-10", (28,)),
        ("2017-05-18", (111,)),
    ]


def test_untyped_events_are_kept_each_with_its_sentence(example_text: str) -> None:
    parsed = parse(example_text, "example.txt")
    prose = parsed.prose
    timeline = merge_timeline([], prose.events)
    events = [t for t in timeline if t.kind == "event"]
    assert len(events) == sum(1 for e in prose.events if e.kind == "event")
    late = next(t for t in events if t.qualifier == "late")
    assert str(late.date) == "2007" and late.lines == (10,)


def test_timeline_is_in_date_order(example_text: str) -> None:
    parsed = parse(example_text, "example.txt")
    timeline = merge_timeline(parsed.milestones, parsed.prose.events)
    lows = [t.date.lower() for t in timeline]
    assert lows == sorted(lows)


def test_compatible_dates() -> None:
    assert compatible(PartialDate(2008, 4), PartialDate(2008, 4, 3))
    assert compatible(PartialDate(2006), PartialDate(2006, 12, 14))
    assert not compatible(PartialDate(2017, 5, 10), PartialDate(2017, 5, 18))
    assert not compatible(PartialDate(2003, 6), PartialDate(2006, 12, 14))

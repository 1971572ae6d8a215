"""Statuses derived from dated acts: a vote is not ratification, ratification is not deposit."""

from __future__ import annotations

from datetime import date

from treatywatch.domain.dates import PartialDate
from treatywatch.domain.model import ActKind, Milestone, Process, Provenance, RatificationAct
from treatywatch.domain.status import MemberState, MemberStatus, member_state, status_as_of
from treatywatch.reference import organization

PROV = Provenance("sha", 1, 1)
PROCESS = Process("montenegro-nato", "ME", "Montenegro", "NATO")


def act(code: str, kind: ActKind, d: str) -> RatificationAct:
    y, m, *rest = (int(x) for x in d.split("-"))
    return RatificationAct(code, code, kind, PartialDate(y, m, rest[0] if rest else None), PROV)


def test_parliament_vote_is_not_ratification() -> None:
    acts = [act("US", ActKind.PARLIAMENT_APPROVAL, "2017-03-28")]
    assert member_state(acts, date(2017, 4, 1))[0] == MemberState.PARLIAMENT_APPROVED


def test_signature_ratifies_and_deposit_deposits() -> None:
    acts = [
        act("US", ActKind.PARLIAMENT_APPROVAL, "2017-03-28"),
        act("US", ActKind.HEAD_OF_STATE_SIGNATURE, "2017-04-11"),
        act("US", ActKind.DEPOSIT, "2017-04-21"),
    ]
    assert member_state(acts, date(2017, 4, 11)) == (MemberState.RATIFIED, acts[1])
    assert member_state(acts, date(2017, 4, 21))[0] == MemberState.DEPOSITED
    assert member_state(acts, date(2017, 3, 27))[0] == MemberState.PENDING


def test_month_precision_counts_only_once_the_month_is_over() -> None:
    acts = [act("IS", ActKind.RATIFIED, "2017-03")]
    assert member_state(acts, date(2017, 3, 15))[0] == MemberState.PENDING
    assert member_state(acts, date(2017, 3, 31))[0] == MemberState.RATIFIED


def test_required_members_are_those_at_signature_and_stage_follows_milestones() -> None:
    signed = Milestone(
        "protocol_signed", "Accession protocol signed", PartialDate(2016, 5, 19), PROV
    )
    joined = Milestone("membership", "Membership", PartialDate(2017, 6, 5), PROV)
    acts = [act("ES", ActKind.RATIFIED, "2017-05-18")]
    s = status_as_of(PROCESS, organization("NATO"), [signed, joined], acts, date(2017, 5, 20))
    assert s.required_count == 28
    assert s.ratified_count == 1
    assert "ME" not in {m.code for m in s.required}
    assert s.stage == "protocol_signed"
    assert s.member_since is None
    later = status_as_of(PROCESS, organization("NATO"), [signed, joined], acts, date(2017, 6, 5))
    assert later.member_since == PartialDate(2017, 6, 5)


def test_no_protocol_means_no_required_members() -> None:
    s = status_as_of(PROCESS, organization("NATO"), [], [], date(2010, 1, 1))
    assert (s.required_count, s.stage, s.stage_label) == (0, None, "Not started")


def test_dates_of_different_precision_sort_by_their_bounds() -> None:
    acts = [act("US", ActKind.RATIFIED, "2017-03"), act("US", ActKind.DEPOSIT, "2017-03-05")]
    state, first = member_state(acts, date(2017, 4, 1))
    assert state == MemberState.DEPOSITED and first == acts[0]  # earliest first
    year = Milestone("protocol_signed", "signed", PartialDate(2016), PROV)
    day = Milestone("protocol_signed", "signed", PartialDate(2016, 5, 19), PROV)
    s = status_as_of(PROCESS, organization("NATO"), [year, day], [], date(2017, 1, 1))
    assert s.protocol_signed == PartialDate(2016)


def test_a_member_cites_the_act_whose_date_it_shows_and_only_acts_by_the_day() -> None:
    """The US ratified when its President signed (line 28), not on its table row (line 114);
    on a day before any of its acts, none of them is known."""
    signed = Milestone(
        "protocol_signed", "Accession protocol signed", PartialDate(2016, 5, 19), PROV
    )
    vote = act("US", ActKind.PARLIAMENT_APPROVAL, "2017-03-28")
    sign = RatificationAct(
        "US", "United States", ActKind.HEAD_OF_STATE_SIGNATURE, PartialDate(2017, 4, 11),
        Provenance("sha", 28, 28),
    )  # fmt: skip
    row = RatificationAct(
        "US", "United States", ActKind.RATIFIED, PartialDate(2017, 4, 21),
        Provenance("sha", 114, 114),
    )  # fmt: skip
    nato = organization("NATO")

    def us(day: date) -> MemberStatus:
        s = status_as_of(PROCESS, nato, [signed], [row, sign, vote], day)
        return next(m for m in s.members if m.code == "US")

    after = us(date(2017, 5, 1))
    assert after.state == MemberState.RATIFIED
    assert after.ratified_on == PartialDate(2017, 4, 11)
    assert after.act == sign
    voted = us(date(2017, 4, 1))
    assert voted.state == MemberState.PARLIAMENT_APPROVED
    assert voted.act == vote and voted.acts == (vote,)
    before = us(date(2016, 12, 31))
    assert before.state == MemberState.PENDING
    assert before.act is None and before.acts == ()

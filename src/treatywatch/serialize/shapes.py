"""The public JSON shapes, as typed dicts: what ``--json``, the API, the exports and the
report's data are made of.

Each shape is declared once here; the functions in :mod:`treatywatch.serialize` build them,
the API declares them as its response models (so the OpenAPI document is built from them),
and the tests check every output against their JSON Schema (``docs/schemas/``).

Two shapes recur everywhere: a date (:class:`DateShape`: EDTF text, precision, earliest
and latest day) and a provenance (:class:`ProvenanceShape`: the document by hash and by
the name it was given, the line span, and for reference data the source URL and quote).
"""

from __future__ import annotations

from typing import Any, NotRequired

# pydantic reads typed dicts from typing_extensions on Python < 3.12 (the tests and the
# API turn these into JSON Schema); importing it costs nothing at run time.
from typing_extensions import TypedDict


class DateShape(TypedDict):
    """A date as precise as its source: ``2017-06`` is a month, earliest 06-01, latest 06-30."""

    edtf: str
    precision: str
    earliest: str
    latest: str


class DateSpanShape(TypedDict):
    edtf: str
    start: DateShape
    end: DateShape


class ProvenanceShape(TypedDict):
    """Where a fact (or a finding) is stated."""

    document: str  # SHA-256 of the document's text
    name: str | None  # the document's name as given by the user (path or URL), or a bundled file's
    line_start: int
    line_end: int
    inferred: bool
    reason: str | None
    url: str | None  # reference data: the source the row was transcribed from
    quote: str | None  # reference data: the words there that state the fact


class CountryShape(TypedDict):
    code: str | None
    name: str | None


class ProcessShape(TypedDict):
    slug: str
    organization: str
    candidate: CountryShape


class MilestoneShape(TypedDict):
    kind: str
    label: str
    source_label: str
    date: DateShape
    provenance: ProvenanceShape


class ActShape(TypedDict):
    member: CountryShape | None
    act: str
    date: DateShape
    instrument: str | None
    correction: bool  # supersedes the member's other acts of this kind
    provenance: ProvenanceShape


# "for" is a Python keyword: the functional form of TypedDict.
AsWrittenShape = TypedDict(
    "AsWrittenShape", {"for": str, "against": str, "undecided": str | None, "lead": str | None}
)


class PollShape(TypedDict):
    pollster: str | None
    fieldwork: DateSpanShape
    sample_size: int | None
    question: str | None
    condition: str | None
    share_for: float
    share_against: float
    share_undecided: float | None
    lead: float | None
    as_written: AsWrittenShape
    base: str
    base_inferred: bool
    provenance: ProvenanceShape


class RelationShape(TypedDict):
    code: str | None
    name: str
    provenance: ProvenanceShape


class PositionShape(TypedDict):
    party: str
    position: str
    quote: str
    provenance: ProvenanceShape


class MemberStatusShape(TypedDict):
    code: str
    name: str
    state: str
    ratified_on: DateShape | None
    # state "ratified_undated": the day by which the member had certainly ratified (a
    # tally's day, or the candidate's membership day); no source gives its own date.
    ratified_by: DateShape | None
    inferred: bool
    acts: list[ActShape]
    # The line that states the act the state rests on (the ratification whose date is
    # ``ratified_on``, or the parliament's vote; for "ratified_undated", the tally or the
    # membership milestone, marked inferred with the reason); None while pending.
    provenance: ProvenanceShape | None


class StatusShape(TypedDict):
    process: str
    organization: str
    candidate: CountryShape
    as_of: str
    stage: str | None
    stage_label: str
    # The latest event that names no step of the procedure (an application, say), when it
    # came after every step reached and before membership; else None.
    latest_event: MilestoneShape | None
    ratified_count: int
    required_count: int | None
    members_known: bool
    pending: list[CountryShape]
    # Members that had ratified on days no source gives (a tally counted them, or the
    # candidate had joined).
    undated: list[CountryShape]
    # Once the candidate is a member: members the sources give no ratification, where the
    # organization's rule does not make membership show they had ratified (state
    # "not_in_sources"; not pending: the process is over).
    not_in_sources: list[CountryShape]
    # Once the process is over (a member, or every member ratified): how many required
    # members have no ratification date in the sources (0: a complete record); None while it
    # is open or when the member list is unknown.
    missing_dates: int | None
    members: list[MemberStatusShape]
    unattributed_acts: int
    protocol_signed: DateShape | None
    days_since_signature: int | None
    all_ratified_on: DateShape | None
    member_since: DateShape | None


class DocumentShape(TypedDict):
    """A source document: its hash, the name it was given, its title and size."""

    sha256: str
    name: str  # the path or URL as the user gave it
    title: str
    lines: int
    licence: str | None
    retrieved: DateShape | None
    published: DateShape | None


class ProblemShape(TypedDict):
    name: str
    kind: str
    line: int
    message: str


class FindingShape(TypedDict):
    id: str
    rule: str
    severity: str
    message: str
    evidence: str
    fix: str
    related: list[int]
    provenance: ProvenanceShape


class FindingsShape(TypedDict):
    summary: dict[str, Any]
    findings: list[FindingShape]


class OutcomeShape(TypedDict):
    name: str
    process: str
    action: str
    replaced: str | None
    counts: dict[str, int]
    problems: list[ProblemShape]
    changes: list[str]


class ChangeShape(TypedDict):
    id: str
    name: str
    document: str
    replaced: str | None
    at: str
    action: str
    changes: list[str]


class TimelineEntryShape(TypedDict):
    kind: str
    label: str
    date: DateShape
    qualifier: str | None
    member_code: str | None
    sources: list[ProvenanceShape]


class RecordsShape(TypedDict):
    status: StatusShape
    milestones: list[MilestoneShape]
    ratifications: list[ActShape]
    polls: list[PollShape]
    party_positions: list[PositionShape]
    relations: list[RelationShape]
    sources: list[DocumentShape]
    findings: list[FindingShape]
    problems: list[ProblemShape]


EstimateShape = TypedDict("EstimateShape", {"for": float, "lower": float, "upper": float})


class HouseEffectShape(TypedDict):
    estimate: float
    lower: float
    upper: float
    polls: int


class CurvePointShape(TypedDict):
    date: str
    mean: float
    lower: float
    upper: float


class AverageShape(TypedDict):
    series: str
    polls: int
    as_of: str
    last_poll: str
    at_last_poll: EstimateShape
    level: float
    estimate: EstimateShape
    vote: EstimateShape  # the result of a vote held on as_of (wider: adds the vote-day error)
    house_effects: dict[str, HouseEffectShape]
    params: dict[str, Any]
    curve: list[CurvePointShape]
    method: str


class SpeedObservationShape(TypedDict):
    round: str
    organization: str
    member: CountryShape
    signature: DateShape
    ratified_on: DateShape
    act: dict[str, str]
    days: float
    days_min: int
    days_max: int
    imprecise: bool
    disputed: bool
    sources: list[ProvenanceShape]
    disputed_by: list[ProvenanceShape]


class MemberSpeedShape(TypedDict):
    member: CountryShape
    rounds: int
    median_days: float
    median_of: list[str]
    fastest: SpeedObservationShape
    slowest: SpeedObservationShape
    imprecise: int
    observations: list[SpeedObservationShape]


class HistoryShape(TypedDict):
    round: str
    days: float
    sources: list[ProvenanceShape]


class PendingShape(TypedDict):
    member: CountryShape
    days_pending: int
    median_date: str
    interval80: list[str]
    chance_last: float
    rank_effect: float
    order_note: str
    history: list[HistoryShape]


class CompletionShape(TypedDict):
    rule: str
    median: str
    interval50: list[str]
    interval80: list[str]
    probability_by: dict[str, float]


class MembershipForecastShape(TypedDict):
    median: str
    interval80: list[str]


class ForecastShape(TypedDict):
    as_of: str
    signature: DateShape
    required: int
    ratified: list[str]
    completed: bool
    completed_on: DateShape | None
    completion: NotRequired[CompletionShape]
    membership: NotRequired[MembershipForecastShape]
    pending: NotRequired[list[PendingShape]]
    model: NotRequired[dict[str, Any] | None]


class OverviewShape(RecordsShape):
    averages: list[AverageShape]
    forecast: ForecastShape | None
    member_speeds: list[MemberSpeedShape]


class CoverageShape(TypedDict):
    required: int | None
    with_rows: list[str]
    ratified: list[str]
    missing: list[str]
    complete: bool
    summary: str


class ConflictShape(TypedDict):
    round_id: str
    subject: str
    act: str
    dates: list[DateShape]
    sources: list[ProvenanceShape]


class HistoricalActShape(TypedDict):
    member: CountryShape
    event: str
    act: str | None
    date: DateShape
    text: str
    details: dict[str, str]
    provenance: ProvenanceShape


class RoundShape(TypedDict):
    id: str
    organization: str
    process: str
    candidates: list[CountryShape]
    signature: DateShape
    signature_dates_given: list[str]
    entry_into_force: DateShape | None
    membership: DateShape | None
    required: list[str] | None
    required_basis: str
    coverage: CoverageShape
    conflicts: list[ConflictShape]
    acts: list[HistoricalActShape]
    unresolved_names: list[str]


class PredictionShape(TypedDict):
    method: str
    point: str
    interval80: list[str]
    note: str


class CaseShape(TypedDict):
    round: str
    checkpoint_days: int
    as_of: str
    actual: str
    ratified: int
    required: int
    training_rounds: list[str]
    status: str
    predictions: list[PredictionShape]
    errors_days: dict[str, float | None]
    in_interval80: dict[str, bool | None]


class ScoreShape(TypedDict):
    method: str
    checkpoint_days: int
    n: int
    mae_days: float | None
    mae_ci95_bootstrap: list[float | None]
    min_error_days: float | None
    max_error_days: float | None
    coverage80: float | None
    in_interval80: int


class BacktestShape(TypedDict):
    target: str
    rounds: list[str]
    scores: list[ScoreShape]
    cases: list[CaseShape]
    caveats: list[str]


class PollEvalGroupShape(TypedDict):
    by: str
    group: str
    n_races: int
    methods: list[dict[str, Any]]


class PollEvalTargetShape(TypedDict):
    name: str
    value: float
    goal: str
    met: bool


class PollEvalShape(TypedDict):
    n_races: int
    n_scored: int
    fit_before: int | None
    skipped: dict[str, int]
    seconds: float
    level: float
    priors: dict[str, Any]
    gap: dict[str, float | None]  # tail_df null: normal errors
    methods: list[dict[str, Any]]
    fitted_half: list[dict[str, Any]]
    groups: list[PollEvalGroupShape]
    targets: list[PollEvalTargetShape]


# -- the API's responses: one object each, named after what it holds ------------------
class ProcessesResponse(TypedDict):
    processes: list[StatusShape]


class MilestonesResponse(TypedDict):
    milestones: list[MilestoneShape]


class RatificationsResponse(TypedDict):
    as_of: str
    ratified_count: int
    required_count: int
    members: list[MemberStatusShape]


class PollsResponse(TypedDict):
    polls: list[PollShape]


class SourcesResponse(TypedDict):
    sources: list[DocumentShape]
    problems: list[ProblemShape]


class AveragesResponse(TypedDict):
    averages: list[AverageShape]


class ForecastResponse(TypedDict):
    forecast: ForecastShape | None


class MemberSpeedsResponse(TypedDict):
    organization: str
    members: list[MemberSpeedShape]


class TimelineResponse(TypedDict):
    timeline: list[TimelineEntryShape]


class ChangesResponse(TypedDict):
    changes: list[ChangeShape]


class ChartResponse(TypedDict):
    kind: str
    alt: str
    caption: str
    spec: dict[str, Any]


class DocumentTextResponse(DocumentShape):
    text_lines: list[str]

"""Everything known about a process as of a date: what the page, the report and the API show.

The overview assembles parts that are each available on their own: the records
(:func:`~treatywatch.queries.records.process_records`), the poll averages
(:func:`~treatywatch.queries.averages.poll_averages`), the completion forecast
(:func:`~treatywatch.queries.forecasts.forecast_or_reason`) and the members' speeds
(:func:`~treatywatch.queries.speeds.status_speeds`). The records are read at once; each
computed part on first use, so a chart or a JSON twin pays only for what it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from treatywatch.queries.derived import remembered_parts
from treatywatch.queries.enlargements import known_rounds, stored_rounds
from treatywatch.queries.records import ProcessRecords, process_records
from treatywatch.store.db import Store

if TYPE_CHECKING:
    from treatywatch.queries.averages import SeriesAverage
    from treatywatch.reference.rounds import Round
    from treatywatch.stats.forecast import Forecast
    from treatywatch.stats.speed import MemberSpeed

T = TypeVar("T")


@dataclass(frozen=True)
class Overview:
    records: ProcessRecords
    stored_rounds: tuple[Round, ...]  # the store's processes of the organization, as rounds
    # The computed parts, by name; shared by the overviews of the same process, day and
    # documents in this process (queries.derived.remembered_parts), so each is computed once.
    parts: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def _part(self, name: str, compute: Callable[[], T]) -> T:
        if name not in self.parts:
            self.parts[name] = compute()  # two threads at once may both compute: same value
        value: T = self.parts[name]
        return value

    @property
    def averages(self) -> list[SeriesAverage]:
        """Poll averages as of the overview's date, one per series."""
        from treatywatch.queries.averages import poll_averages

        return self._part(
            "averages", lambda: poll_averages(self.records.polls, self.records.status.as_of)
        )

    @property
    def _forecast(self) -> tuple[Forecast | None, str]:
        from treatywatch.queries.forecasts import forecast_or_reason

        return self._part(
            "forecast", lambda: forecast_or_reason(self.records.status, self.records.acts)
        )

    @property
    def forecast(self) -> Forecast | None:
        """The completion forecast as of the overview's date, if one can be made."""
        return self._forecast[0]

    @property
    def no_forecast_reason(self) -> str:
        """Why there is no forecast, when there is none."""
        return self._forecast[1]

    @property
    def speeds(self) -> list[MemberSpeed]:
        """How fast the required members ratified in other rounds signed before the day."""
        from treatywatch.queries.speeds import status_speeds

        org = self.records.status.process.organization
        return self._part(
            "speeds",
            lambda: status_speeds(self.records.status, known_rounds(self.stored_rounds, org)),
        )


def process_overview(store: Store, query: str, as_of: date | None = None) -> Overview:
    """The process as it stood on a day, with every part its page shows."""
    records = process_records(store, query, as_of)
    org = records.status.process.organization
    parts = remembered_parts(store, records.slug, records.status.as_of)
    return Overview(records, tuple(stored_rounds(store, org)), parts)

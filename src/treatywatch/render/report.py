"""The one-file report: the process page with its data, scripts and map inlined."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

from treatywatch.queries.derived import derived
from treatywatch.queries.overview import Overview
from treatywatch.render.assets import page_script, vendor_text, world_topojson
from treatywatch.render.charts import ChartSpec
from treatywatch.render.pages import render
from treatywatch.render.process_charts import process_charts
from treatywatch.serialize import display_name
from treatywatch.store.db import Store


def _inline_js(text: str) -> str:
    # A script's text must not close its own <script> element.
    return text.replace("</script", "<\\/script")


def report_charts(store: Store, ov: Overview) -> dict[str, ChartSpec]:
    """The report's charts (the map's countries inline), built once per process, documents
    and day: kept in the store's cache of derived results (:mod:`treatywatch.queries.derived`)."""

    def compute() -> dict[str, list[Any]]:
        return {kind: list(c) for kind, c in process_charts(ov, world_topojson()).items()}

    found = derived(store, ov.records.slug, "report-charts", ov.records.status.as_of, compute)
    return {kind: ChartSpec(*item) for kind, item in found.items()}


def report_html(ov: Overview, charts: Mapping[str, ChartSpec] | None = None) -> str:
    """A self-contained HTML report, readable from disk with no network; ``charts`` as
    :func:`report_charts` keeps them (built here when not given)."""
    if charts is None:
        charts = process_charts(ov, world_topojson())
    return render(
        "process.html",
        source_url=lambda sha, line: f"#doc-{sha[:12]}-L{line}",
        ov=ov,
        charts=charts,
        name_of=partial(display_name, names=ov.records.names),
        inline=True,
        home_url="#main",
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        vendor_js={
            "vega": _inline_js(vendor_text("vega.min.js")),
            "vega_lite": _inline_js(vendor_text("vega-lite.min.js")),
            "vega_embed": _inline_js(vendor_text("vega-embed.min.js")),
            "charts": _inline_js(page_script()),
        },
    )

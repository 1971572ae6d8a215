"""The one-file report: the process page with its data, scripts and map inlined."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial

from treatywatch.queries.overview import Overview
from treatywatch.render.assets import page_script, vendor_text, world_topojson
from treatywatch.render.charts import ChartSpec
from treatywatch.render.pages import render
from treatywatch.render.process_charts import process_charts
from treatywatch.serialize import display_name


def _inline_js(text: str) -> str:
    # A script's text must not close its own <script> element.
    return text.replace("</script", "<\\/script")


#: Stands for the time a report is written in a report kept to be written again.
GENERATED_MARK = "@@treatywatch-report-written@@"


def report_html(
    ov: Overview, charts: Mapping[str, ChartSpec] | None = None, *, generated: str | None = None
) -> str:
    """A self-contained HTML report, readable from disk with no network; ``charts`` built here
    when not given; ``generated``: the time written it says (default now). ``treatywatch
    report`` keeps the whole report per documents and day with :data:`GENERATED_MARK` for
    the time, put in as it writes the file."""
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
        generated=generated or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        vendor_js={
            "vega": _inline_js(vendor_text("vega.min.js")),
            "vega_lite": _inline_js(vendor_text("vega-lite.min.js")),
            "vega_embed": _inline_js(vendor_text("vega-embed.min.js")),
            "charts": _inline_js(page_script()),
        },
    )

"""The one-file report: the process page with its data, scripts and map inlined."""

from __future__ import annotations

from datetime import UTC, datetime

from treatywatch.queries.overview import Overview
from treatywatch.render.assets import page_script, vendor_text, world_topojson
from treatywatch.render.pages import render
from treatywatch.render.process_charts import process_charts


def _inline_js(text: str) -> str:
    # A script's text must not close its own <script> element.
    return text.replace("</script", "<\\/script")


def report_html(ov: Overview) -> str:
    """A self-contained HTML report, readable from disk with no network."""
    charts = process_charts(ov, world_topojson())
    return render(
        "process.html",
        source_url=lambda sha, line: f"#doc-{sha[:12]}-L{line}",
        ov=ov,
        charts=charts,
        path_of=ov.records.path_of,
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

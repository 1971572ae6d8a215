"""Jinja2 environment and page rendering shared by the web app and the one-file report."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import PurePath
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from treatywatch import serialize
from treatywatch.domain.words import count
from treatywatch.render.assets import hashed_vendor_url
from treatywatch.render.reading import checks_in_view, headline, say_date
from treatywatch.sources.reading import given_name

# Served pages' Content-Security-Policy allows this one inline stylesheet by its hash, and no
# other: the charts' own stylesheets (vega-embed's, vega-tooltip's) are turned off in
# render/static/charts.js and the rules they need are here.
CSS = """
:root { --fg:#1b1f24; --muted:#57606a; --line:#d0d7de; --accent:#0b5cad; }
*, *::before, *::after { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, sans-serif; color: var(--fg); margin: 0; }
header, main, footer { max-width: 70rem; margin: 0 auto; padding: 0.5rem 1rem; }
main { overflow-wrap: break-word; }
header a { font-weight: 700; color: var(--accent); text-decoration: none; }
.skip { position: absolute; left: 0; top: -3rem; padding: 0.5rem 1rem; background: #fff;
  color: var(--accent); font-weight: 700; z-index: 10; }
.skip:focus { top: 0; }
footer { color: var(--muted); font-size: 0.9rem; border-top: 1px solid var(--line); }
code { overflow-wrap: anywhere; }
.headline { font-size: 1.15rem; font-weight: 600; margin: 0 0 0.5rem; }
.scroll { overflow-x: auto; max-width: 100%; margin: 0.5rem 0 1.5rem; }
.scroll:focus { outline: 2px solid var(--accent); outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; margin: 0; font-size: 0.92rem; }
a.src { white-space: nowrap; }
caption { text-align: left; color: var(--muted); padding: 0.25rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
dl { display: grid; grid-template-columns: minmax(0, max-content) minmax(0, 1fr); gap: 0.2rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; min-width: 0; }
.status dl { margin: 0.5rem 0; }
.chart { width: 100%; min-height: 120px; max-width: 100%; }
.chart svg { max-width: 100%; height: auto; }
figure { margin: 1rem 0; } figcaption { color: var(--muted); font-size: 0.9rem; }
.asof { margin: 0.5rem 0; display: flex; flex-wrap: wrap; gap: 0.25rem 0.5rem; align-items: center; }
.asof input { font: inherit; max-width: 100%; }
.asof small { flex-basis: 100%; color: var(--muted); }
details.checks > summary { cursor: pointer; font-weight: 600; }
ol.source { font: 13px/1.4 ui-monospace, monospace; padding-left: 3.5rem; }
ol.source li { white-space: pre-wrap; overflow-wrap: anywhere; }
ol.source li:target { background: #fff3b0; }
ol.source.lines { list-style: none; padding-left: 0; }
ol.source.lines li { white-space: normal; display: grid; column-gap: 0.75rem;
  grid-template-columns: 3em minmax(0, 1fr); }
ol.source.lines li > span { white-space: pre-wrap; }
a.ln { color: var(--muted); text-decoration: underline; text-align: right; }
@media (max-width: 40rem) {
  header, main, footer { padding: 0.5rem 0.75rem; }
  .status dl { grid-template-columns: minmax(0, 1fr); gap: 0; }
  .status dd { margin-bottom: 0.4rem; }
  ol.source { padding-left: 2.5rem; }
  ol.source.lines { padding-left: 0; }
}
.vega-embed { position: relative; display: inline-block; box-sizing: border-box; max-width: 100%; }
.vega-embed .chart-wrapper.fit-x { width: 100%; } .vega-embed .chart-wrapper.fit-y { height: 100%; }
#vg-tooltip-element { visibility: hidden; padding: 8px; position: fixed; z-index: 1000;
  font: 11px sans-serif; border-radius: 3px; box-shadow: 2px 2px 4px rgba(0, 0, 0, 0.1);
  background-color: rgba(255, 255, 255, 0.95); border: 1px solid #d9d9d9; color: black; }
#vg-tooltip-element.visible { visibility: visible; }
#vg-tooltip-element h2 { margin: 0 0 10px; font-size: 13px; }
#vg-tooltip-element table { border-spacing: 0; width: auto; margin: 0; font-size: 11px; }
#vg-tooltip-element td { border: none; padding: 2px 0; }
#vg-tooltip-element td.key { color: #808080; max-width: 150px; text-align: right; padding-right: 4px; }
#vg-tooltip-element td.value { max-width: 300px; max-height: 7em; text-align: left; }
"""


def _basename(path: str) -> str:
    return PurePath(path).name or path


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("treatywatch", "render/templates"),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["basename"] = _basename
    # A document's name as its user gave it, never a path of this machine (older stores
    # kept absolute paths).
    env.filters["given"] = given_name
    # The shapes the API and --json give, for tables that show the same numbers.
    env.globals["shape"] = serialize
    env.globals["css"] = CSS
    # What a process page says first (render/reading.py).
    env.globals["headline"] = headline
    env.globals["checks_in_view"] = checks_in_view
    env.filters["say_date"] = say_date
    env.globals["count"] = count  # "1 poll", "27 polls"
    # Vendored scripts at their content-hashed URLs (cached by browsers for a year).
    env.globals["vendor_url"] = hashed_vendor_url
    return env


def render(template: str, source_url: Callable[[str, int], str], **context: Any) -> str:
    """Render a page; ``source_url(sha, line)`` makes the link to a document's line."""
    return (
        environment()
        .get_template(template)
        .render(source_url=source_url, home_url=context.pop("home_url", "/"), **context)
    )

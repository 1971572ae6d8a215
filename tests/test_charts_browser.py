"""The process page's charts as Vega draws them in Chromium: no warnings, readable text,
words for empty views, a tooltip on the poll average. Skipped without Chromium."""

from __future__ import annotations

import time
from typing import Any

import pytest

from test_browser import POLL_POINTS_JS, browser, site  # noqa: F401

# Days before the process began (2005: nothing; 2010: milestones and polls, no protocol),
# during ratification and today.
DAYS = ["2005-01-01", "2010-01-01", "2016-12-31", ""]
RENDERED_JS = "() => document.querySelectorAll('[data-rendered=\"true\"]').length"
FONT_SIZES_JS = """
() => Array.from(document.querySelectorAll('.chart svg text'))
  .filter(t => t.textContent.trim() !== '')
  .map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize)])
"""


def _wait_for_charts(page: Any, count: int = 4) -> None:
    """Poll from Python: the page's policy forbids the eval Playwright's in-page polling uses."""
    deadline = time.monotonic() + 30
    while page.evaluate(RENDERED_JS) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{count} charts were not drawn in 30 s")
        time.sleep(0.1)


@pytest.mark.parametrize("day", DAYS)
def test_charts_draw_without_warnings_and_with_12_px_text(
    browser: Any,  # noqa: F811
    site: str,  # noqa: F811
    day: str,
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.goto(f"{site}/processes/montenegro-nato" + (f"?as_of={day}" if day else ""))
    charts = page.evaluate("() => document.querySelectorAll('script[data-chart]').length")
    _wait_for_charts(page, charts)
    # Vega logs "Infinite extent for field …" (a warning) for a scale over no rows.
    assert [m for m in console if not m.startswith(("log:", "info:", "debug:"))] == []
    small = [(text, size) for text, size in page.evaluate(FONT_SIZES_JS) if size < 12]
    assert small == []
    if day == "2005-01-01":
        # Nothing had happened: each chart is a sentence, with no axis labels ("1, 1").
        for name in ("timeline", "map", "ratifications", "polls"):
            texts = page.evaluate(
                f"() => Array.from(document.querySelectorAll('#chart-{name} svg text'))"
                ".map(t => t.textContent)"
            )
            assert not [t for t in texts if t.strip().isdigit()], (name, texts)
            assert any(" yet" in t or "not been signed" in t for t in texts), (name, texts)
    page.close()


def test_poll_average_has_a_tooltip(browser: Any, site: str) -> None:  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site}/processes/montenegro-nato?as_of=2016-12-31")
    _wait_for_charts(page)
    assert page.evaluate(POLL_POINTS_JS) == 2 * 25
    # The average's hover points: invisible, one per curve point and side.
    hover = page.locator("#chart-polls svg .mark-symbol.role-mark:not(.polls_marks)"
                         ":not(.polls_no_sample_marks) path")  # fmt: skip
    assert hover.count() > 10
    target = hover.nth(hover.count() // 3)
    target.scroll_into_view_if_needed()
    target.hover(force=True)
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
    tip = page.inner_text("#vg-tooltip-element")
    assert "Average" in tip and "Interval" in tip and "%" in tip, tip
    page.close()

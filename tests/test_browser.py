"""The dashboard and the report in a real browser (Debian's Chromium driven by Playwright).

Skipped when /usr/bin/chromium is absent (install it with `apt-get install chromium`);
CI sets TREATYWATCH_REQUIRE_BROWSER=1, which turns a missing browser into a failure.
Screenshots are written to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLE, ROOT
from treatywatch.ingest import import_paths
from treatywatch.queries.overview import process_overview
from treatywatch.render.charts import COLORS, STATUS_LABELS
from treatywatch.render.report import report_html
from treatywatch.store.db import Store

STATUS_COLOURS = dict(zip(STATUS_LABELS, COLORS, strict=False))

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
EVIL = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]
STATUS_COLOURS_JS = """
(name) => {
  const svg = document.querySelector('#chart-' + name + ' svg');
  if (!svg) return null;
  return Array.from(svg.querySelectorAll('.mark-shape.role-mark path')).map(p => p.getAttribute('fill'));
}
"""

# The polls' symbols (not the average line's hover points): the layers named "polls*".
POLL_POINTS_JS = (
    "() => document.querySelectorAll('#chart-polls svg .polls_marks path,"
    " #chart-polls svg .polls_no_sample_marks path').length"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("TREATYWATCH_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing but TREATYWATCH_REQUIRE_BROWSER is set")
        pytest.skip("browser tests need Chromium: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(db: str) -> Iterator[str]:
    import uvicorn

    from treatywatch.web.app import create_app

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = str(tmp_path_factory.mktemp("browser") / "site.db")
    with Store.open(db) as store:
        import_paths(store, [EXAMPLE])
    yield from _serve(db)


def _wait_for_charts(page: Any, count: int = 4) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('[data-rendered=\"true\"]').length >= {count}", timeout=30_000
    )


def test_process_page_map_polls_and_as_of(browser: Any, site: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site}/processes/montenegro-nato")
    _wait_for_charts(page)
    fills = page.evaluate(STATUS_COLOURS_JS, "map")
    assert sum(1 for f in fills if f == STATUS_COLOURS["ratified"]) == 28
    points = page.evaluate(POLL_POINTS_JS)
    assert points == 2 * 27  # For and Against
    # The poll average: its line and its 90% band are drawn.
    assert (
        page.evaluate(
            "() => document.querySelectorAll('#chart-polls svg .mark-area.role-mark path').length"
        )
        >= 1
    )
    assert (
        page.evaluate(
            "() => document.querySelectorAll('#chart-polls svg .mark-line.role-mark path').length"
        )
        >= 1
    )
    page.fill("#as_of", "2016-12-31")
    page.click("form.asof button")
    page.wait_for_url("**as_of=2016-12-31")
    _wait_for_charts(page)
    assert page.inner_text("#ratified-count") == "11 of 28"
    assert page.inner_text("#pending-count") == "17"
    fills = page.evaluate(STATUS_COLOURS_JS, "map")
    assert sum(1 for f in fills if f == STATUS_COLOURS["ratified"]) == 11
    assert sum(1 for f in fills if f == STATUS_COLOURS["pending"]) == 17
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "process-page-2016-12-31.png"), full_page=True)
    assert errors == []
    page.close()


CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || "")));
"""


def test_charts_draw_under_the_content_security_policy(browser: Any, site: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.add_init_script(CSP_LISTENER)
    # As of a day with a forecast, so all six charts are on the page.
    response = page.goto(f"{site}/processes/montenegro-nato?as_of=2017-01-20")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    charts = page.evaluate("() => document.querySelectorAll('script[data-chart]').length")
    assert charts == 6
    _wait_for_charts(page, charts)
    # A tooltip (vega-tooltip, whose own stylesheet is off) still shows.
    point = page.locator("#chart-polls svg .polls_no_sample_marks path").nth(3)
    point.scroll_into_view_if_needed()
    point.hover()
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
    assert page.evaluate("() => window.__csp") == []
    assert [m for m in console if m.startswith(("error", "pageerror"))] == []
    # The policy is enforced: an inline script is blocked and reported.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.__ran") is None
    assert [v.split()[0] for v in page.evaluate("() => window.__csp")] == ["script-src-elem"]
    page.close()


def test_untrusted_text_is_shown_literally_everywhere(browser: Any, tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("| CISR/IRI |", f"| {EVIL[0]} |").replace("| NSPM |", f"| {EVIL[1]} |")
    path = tmp_path / "evil.txt"
    path.write_text(text, encoding="utf-8")
    db = str(tmp_path / "evil.db")
    with Store.open(db) as store:
        import_paths(store, [path])
        report = tmp_path / "report.html"
        report.write_text(report_html(process_overview(store, "montenegro-nato")), encoding="utf-8")
        sha = store.documents("montenegro-nato")[0].sha256
    dialogs: list[str] = []
    for base in _serve(db):
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for url in (
            f"{base}/",
            f"{base}/processes/montenegro-nato",
            f"{base}/processes/montenegro-nato?as_of=2016-12-31",
            f"{base}/documents/{sha}",
            report.as_uri(),
        ):
            page.goto(url)
            if "processes/" in url or url.startswith("file:"):
                _wait_for_charts(page)
            body = page.inner_text("body")
            if "as_of=2016" not in url and not url.endswith("/"):
                assert EVIL[0] in body and EVIL[1] in body, url
        page.close()
    assert dialogs == []


def test_report_from_disk_draws_all_charts_without_network(browser: Any, tmp_path: Path) -> None:
    with Store.memory() as store:
        import_paths(store, [EXAMPLE])
        html = report_html(process_overview(store, "montenegro-nato"))
    report = tmp_path / "report.html"
    report.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    _wait_for_charts(page)
    for name in ("timeline", "map", "ratifications", "polls"):
        assert page.evaluate(f"() => !!document.querySelector('#chart-{name} svg')"), name
    assert page.evaluate(POLL_POINTS_JS) == 2 * 27  # For and Against
    outside = [u for u in requests if not u.startswith(("file:", "data:", "blob:"))]
    assert outside == [], outside
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    page.close()


# -- every page on every screen --------------------------------------------------
WIDTHS = (360, 390, 768, 1440)
AXE = ROOT / "tests" / "vendor" / "axe.min.js"  # axe-core, see tests/vendor/VENDORED.md


@pytest.fixture(scope="module")
def every_page(site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each kind of page by name: home, process page today and as of a day, a bundled round,
    a source document, the report opened from disk, and the page for a bad as-of date."""
    import json
    import urllib.request

    with urllib.request.urlopen(f"{site}/api/v1/processes/montenegro-nato/sources") as r:
        sha = json.load(r)["sources"][0]["sha256"]
    with Store.memory() as store:
        import_paths(store, [EXAMPLE])
        html = report_html(process_overview(store, "montenegro-nato"))
    report = tmp_path_factory.mktemp("report") / "report.html"
    report.write_text(html, encoding="utf-8")
    return {
        "home": f"{site}/",
        "process": f"{site}/processes/montenegro-nato",
        "process-2016-12-31": f"{site}/processes/montenegro-nato?as_of=2016-12-31",
        "round-nato-2024-sweden": f"{site}/processes/nato-2024-sweden",
        "document": f"{site}/documents/{sha}",
        "report": report.as_uri(),
        "bad-as-of": f"{site}/processes/montenegro-nato?as_of=152017-01-01",
    }


def _open(page: Any, url: str) -> None:
    page.goto(url)
    charts = page.evaluate("() => document.querySelectorAll('script[data-chart]').length")
    if charts:
        _wait_for_charts(page, charts)


OVERFLOW_JS = """
() => ({
  scroll: document.documentElement.scrollWidth,
  inner: window.innerWidth,
  wide: Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll'))
    .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className)
})
"""

STATUS_JS = """
() => Array.from(document.querySelectorAll('.status dt')).map(dt => {
  const dd = dt.nextElementSibling, a = dt.getBoundingClientRect(), b = dd.getBoundingClientRect();
  return {label: dt.textContent, below: b.top >= a.bottom - 1, width: b.width, left: b.left - a.left};
})
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(browser: Any, every_page: dict[str, str], width: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    # bypass_csp: Playwright's wait_for_function evaluates its predicate, which the served
    # pages' policy (no eval) refuses; the policy has its own test above.
    page = browser.new_page(viewport={"width": width, "height": 800}, bypass_csp=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    for name, url in every_page.items():
        _open(page, url)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        m = page.evaluate(OVERFLOW_JS)
        assert m["scroll"] <= m["inner"], (name, width, m)
        if "process" in name or "round" in name or name == "report":
            status = page.evaluate(STATUS_JS)
            assert {s["label"] for s in status} >= {"Stage", "Ratified", "Member since"}
            for s in status:
                if width <= 390:  # label above value, the value the screen's width
                    assert s["below"] and s["left"] == 0 and s["width"] >= width - 40, (name, s)
                else:
                    assert s["width"] >= 200, (name, width, s)
    assert errors == []
    page.close()


def test_wide_tables_scroll_in_their_own_box(browser: Any, every_page: dict[str, str]) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 800}, bypass_csp=True)
    _open(page, every_page["process"])
    box = page.evaluate(
        """() => { const t = document.querySelector('#poll-table'), b = t.closest('.scroll');
        return {table: t.scrollWidth, box: b.clientWidth, scrolls: b.scrollWidth > b.clientWidth,
                role: b.getAttribute('role'), tab: b.tabIndex, label: b.getAttribute('aria-label')}; }"""
    )
    assert box["table"] > box["box"] and box["scrolls"], box  # too wide for 360 px, so it scrolls
    assert box["role"] == "region" and box["tab"] == 0 and box["label"] == "Polls table"
    page.close()


def test_axe_finds_no_serious_violations(browser: Any, every_page: dict[str, str]) -> None:
    # The served pages' Content-Security-Policy would block the injected axe script (and
    # Playwright's wait_for_function).
    page = browser.new_page(viewport={"width": 390, "height": 800}, bypass_csp=True)
    found: dict[str, list[Any]] = {}
    checked: dict[str, int] = {}
    for name, url in every_page.items():
        _open(page, url)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
        checked[name] = len(result["passes"])
        bad = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
            for v in result["violations"]
            if v["impact"] in ("critical", "serious")
        ]
        if bad:
            found[name] = bad
    assert found == {}
    assert all(n > 10 for n in checked.values()), checked  # axe really ran its rules
    page.close()


def test_axe_finds_what_the_pages_once_broke(browser: Any) -> None:
    # A control: the same axe run reports the violations fixed on the pages.
    page = browser.new_page()
    page.set_content(
        '<!doctype html><html lang="en"><title>t</title><main><h1>t</h1>'
        '<svg role="img" width="10" height="10"><rect width="10" height="10"/></svg>'
        '<p style="color:#1b1f24">Some text <a href="#x" style="color:#57606a;'
        'text-decoration:none">a link</a> in a block of text.</p></main></html>'
    )
    page.add_script_tag(path=str(AXE))
    ids = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id)")
    assert {"svg-img-alt", "link-in-text-block"} <= set(ids)
    page.close()


def test_pages_read_without_javascript(browser: Any, every_page: dict[str, str]) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(every_page["process-2016-12-31"])
    assert page.inner_text("#headline").startswith("11 of 28 members had ratified")
    assert page.locator("#ratification-table tbody tr").count() == 28
    assert page.locator("#poll-table tbody tr").count() > 0
    assert page.evaluate("() => document.querySelectorAll('svg').length") == 0  # no JS ran
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.goto(every_page["report"])
    assert page.locator("#ratification-table tbody tr").count() == 28
    context.close()

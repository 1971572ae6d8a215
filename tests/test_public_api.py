"""The package's public surface: exactly these names, each importable and documented."""

from __future__ import annotations

import subprocess
import sys

import treatywatch

PUBLIC = {
    "__version__",
    "Store",
    "create_app",
    "import_paths",
    "member_speeds",
    "parse_article",
    "poll_averages",
    "process_forecast",
    "process_overview",
    "process_status",
    "process_timeline",
    "report_html",
    "run_checks",
}


def test_all_is_exactly_the_public_names() -> None:
    assert set(treatywatch.__all__) == PUBLIC


def test_every_public_name_resolves_to_something_documented() -> None:
    for name in PUBLIC - {"__version__"}:
        value = getattr(treatywatch, name)
        assert value.__doc__, name


def test_importing_the_package_loads_no_heavy_library() -> None:
    code = (
        "import sys, treatywatch.cli; "
        "print(sorted(m for m in ('numpy', 'scipy', 'altair', 'fastapi', 'edtf', 'psycopg') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

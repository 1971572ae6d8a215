"""treatywatch: follow how states join alliances and treaties.

The package's public surface; the CLI and the web app are thin shells over it.
Names load on first use, so that ``import treatywatch`` (and the CLI) start fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers see: the real types, not Any
    from treatywatch.checks import run_checks as run_checks
    from treatywatch.ingest import import_paths as import_paths
    from treatywatch.queries.averages import poll_averages as poll_averages
    from treatywatch.queries.forecasts import process_forecast as process_forecast
    from treatywatch.queries.overview import process_overview as process_overview
    from treatywatch.queries.speeds import member_speeds as member_speeds
    from treatywatch.queries.status import process_status as process_status
    from treatywatch.queries.timeline import process_timeline as process_timeline
    from treatywatch.render.report import report_html as report_html
    from treatywatch.sources.article import parse as parse_article  # noqa: F401
    from treatywatch.store.db import Store as Store
    from treatywatch.web.app import create_app as create_app

__version__ = "0.1.0"

# Public name -> the module that defines it.
_EXPORTS = {
    "Store": "treatywatch.store.db",
    "import_paths": "treatywatch.ingest",
    "parse_article": "treatywatch.sources.article",
    "process_status": "treatywatch.queries.status",
    "process_overview": "treatywatch.queries.overview",
    "process_timeline": "treatywatch.queries.timeline",
    "run_checks": "treatywatch.checks",
    "poll_averages": "treatywatch.queries.averages",
    "process_forecast": "treatywatch.queries.forecasts",
    "member_speeds": "treatywatch.queries.speeds",
    "report_html": "treatywatch.render.report",
    "create_app": "treatywatch.web.app",
}
_ALIASES = {"parse_article": "parse"}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'treatywatch' has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name]), _ALIASES.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

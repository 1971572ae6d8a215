"""treatywatch: follow how states join alliances and treaties.

The package's public surface; the CLI and the web app are thin shells over it.
Names load on first use, so that ``import treatywatch`` (and the CLI) start fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

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
    "process_forecast": "treatywatch.queries.enlargements",
    "member_speeds": "treatywatch.queries.enlargements",
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

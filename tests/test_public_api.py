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


def test_type_checkers_see_the_real_types(tmp_path: object) -> None:
    """``py.typed`` and the facade's TYPE_CHECKING imports: ``treatywatch.Store`` is the
    class for a library user's mypy, not ``Any``."""
    from pathlib import Path

    import treatywatch as tw

    assert (Path(tw.__file__).parent / "py.typed").exists()
    user = Path(str(tmp_path)) / "user.py"
    user.write_text(
        "import treatywatch\n"
        "reveal_type(treatywatch.Store)\n"
        "reveal_type(treatywatch.process_status)\n",
        encoding="utf-8",
    )
    p = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--strict", str(user)],
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
    )
    assert (
        'Revealed type is "def (conn: Any, dialect: str) -> treatywatch.store.db.Store"' in p.stdout
    ), p.stdout
    assert "treatywatch.domain.status.ProcessStatus" in p.stdout
    assert "error" not in p.stdout.replace("reveal_type", ""), p.stdout

"""The command line: parses arguments, calls the package's functions, prints.

Every command is listed once, in :mod:`treatywatch.cli.app`; the commands themselves
live in ``*_commands`` modules by subject and share :mod:`treatywatch.cli.common`.
"""

from __future__ import annotations

from treatywatch.cli.app import app, main

__all__ = ["app", "main"]

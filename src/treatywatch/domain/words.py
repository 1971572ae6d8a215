"""Counts in words, the same in every output: "1 poll", "27 polls", "1 party position"."""

from __future__ import annotations


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and the noun in the number it takes (``plural`` where adding "s" is wrong)."""
    return f"{n} {singular}" if n == 1 else f"{n} {plural or singular + 's'}"

"""The vendored front-end files (Vega, Vega-Lite, vega-embed, world TopoJSON).

Read through :mod:`importlib.resources`, so they are found in an installed
package as well as in a source checkout. The list, versions and checksums are
in ``render/static/vendor/VENDORED.md``.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

# Files a page or the report may load; VENDORED.md records where each came from.
VENDOR_FILES: tuple[str, ...] = (
    "vega.min.js",
    "vega-lite.min.js",
    "vega-embed.min.js",
    "countries-110m.json",
)

# Where the web app serves the vendor directory (its static mount + "vendor/").
STATIC_URL_PREFIX = "/static/vendor/"
WORLD_TOPOJSON = "countries-110m.json"
# A vendored file at its content-hashed URL never changes: browsers may keep it for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
# Hex digits of the file's SHA-256 in its hashed URL (64 bits: no collision among versions).
DIGEST_LENGTH = 16
# The script that draws a page's charts, served at /static/charts.js and inlined in the report.
PAGE_SCRIPT = "charts.js"


def vendor_dir() -> Traversable:
    """The vendor directory inside the installed package."""
    return files("treatywatch").joinpath("render", "static", "vendor")


def _resource(name: str) -> Traversable:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"not a vendored file name: {name!r}")
    res = vendor_dir().joinpath(name)
    if not res.is_file():
        raise FileNotFoundError(f"no vendored file {name!r}")
    return res


def vendor_path(name: str) -> Path:
    """A filesystem path to a vendored file (the package must be installed unzipped)."""
    res = _resource(name)
    if isinstance(res, Path):
        return res
    raise FileNotFoundError(f"vendored file {name!r} is not on the filesystem: {res}")


def vendor_bytes(name: str) -> bytes:
    """The bytes of a vendored file."""
    return _resource(name).read_bytes()


def vendor_text(name: str) -> str:
    """The text of a vendored file (UTF-8)."""
    return _resource(name).read_text(encoding="utf-8")


def page_script() -> str:
    """Our own script that draws a page's charts (``render/static/charts.js``)."""
    return (
        files("treatywatch").joinpath("render", "static", PAGE_SCRIPT).read_text(encoding="utf-8")
    )


def vendor_url(name: str) -> str:
    """The URL the web app serves a vendored file at."""
    _resource(name)
    return STATIC_URL_PREFIX + name


@cache
def vendor_digest(name: str) -> str:
    """The start of the SHA-256 of a vendored file: its version in :func:`hashed_vendor_url`."""
    return hashlib.sha256(vendor_bytes(name)).hexdigest()[:DIGEST_LENGTH]


def hashed_vendor_url(name: str) -> str:
    """The URL of a vendored file with its content hash: ``/static/vendor/<digest>/<name>``,
    served with :data:`IMMUTABLE` (a new version of the file gets a new URL)."""
    return f"{STATIC_URL_PREFIX}{vendor_digest(name)}/{name}"


def hashed_vendor_file(digest: str, name: str) -> bytes | None:
    """The bytes of the vendored file ``name`` if ``digest`` is its current digest, else None."""
    if name not in VENDOR_FILES or digest != vendor_digest(name):
        return None
    return vendor_bytes(name)


@cache
def world_topojson() -> dict[str, Any]:
    """The Natural Earth 1:110m countries TopoJSON, parsed once; shared, do not modify it."""
    data: dict[str, Any] = json.loads(vendor_text(WORLD_TOPOJSON))
    return data

"""Store URLs as they may be shown to a person: never with a password."""

from __future__ import annotations

import re

MASK = "***"

# libpq's key=value form ("host=db user=tw password=secret"); the value may be quoted.
_KV_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
# A URL's query parameter ("?sslmode=require&password=secret").
_QUERY_PASSWORD = re.compile(r"([?&]password=)([^&#]*)", re.IGNORECASE)


def redact_url(url: str) -> str:
    """The store URL with any password replaced by ``***``.

    >>> redact_url("postgresql://tw:secret@db.example/treaties")
    'postgresql://tw:***@db.example/treaties'

    A SQLite path comes back as it is; a password in the query string
    (``?password=…``) or in a libpq ``key=value`` string is masked too.
    """
    if "://" not in url:
        return _KV_PASSWORD.sub(lambda m: m.group(1) + MASK, url)
    scheme, _, rest = url.partition("://")
    # Split at the last "@": a password with an unescaped "/", "?" or "@" is still masked whole.
    userinfo, at, hostpart = rest.rpartition("@")
    if at and ":" in userinfo:
        rest = userinfo.split(":", 1)[0] + ":" + MASK + "@" + hostpart
    return scheme + "://" + _QUERY_PASSWORD.sub(lambda m: m.group(1) + MASK, rest)

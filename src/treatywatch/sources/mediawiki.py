"""Fetch an article's wikitext from Wikipedia through the MediaWiki Action API.

One GET to ``https://{lang}.wikipedia.org/w/api.php`` (``action=query&prop=revisions``,
``formatversion=2``) gives the latest revision of a title, or the revision asked for by
its id. The API's title normalization and redirects are followed; HTTP redirects are not.
Replication lag (``maxlag``), 429 and 503 answers are waited out and retried a bounded
number of times; every other failure is a :class:`FetchError` of one line naming the
article. Parsing the wikitext is :mod:`treatywatch.sources.article`'s job, not this one's.
"""

from __future__ import annotations

import json
import os
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from treatywatch import __version__
from treatywatch.errors import FetchError
from treatywatch.sources import reading

__all__ = ["PROJECT_URL", "FetchError", "WikiRevision", "fetch_revision", "page_url"]

# The project's address, given in the User-Agent so that Wikimedia's operators can see who
# is calling and reach us (https://meta.wikimedia.org/wiki/User-Agent_policy).
PROJECT_URL = "https://github.com/treatywatch/treatywatch"

# A Wikipedia language code: "en", "pt-br", "be-tarask". Only a single DNS label of these
# characters can be put in front of ".wikipedia.org", so no other host can be reached.
_LANG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8}){0,3}")
# MediaWiki's own limit on a title, in bytes of UTF-8.
_MAX_TITLE_BYTES = 255
# Seconds to wait for the connection and for each read; an article is one small answer.
_TIMEOUT = 30.0
# Never sleep longer than this between attempts, whatever Retry-After asks for.
_MAX_WAIT = 30.0
# The lag we accept, in seconds: Wikimedia's recommended value for non-interactive clients.
_MAXLAG = 5
# Statuses that mean "too busy, try again later"; every other non-200 answer is final.
_RETRIED = {429, 503}
# How much of the API's own error text a message keeps.
_MAX_INFO = 300
# Unicode categories refused in a title: controls, line and paragraph separators, surrogates.
_NOT_IN_TITLES = {"Cc", "Zl", "Zp", "Cs"}
# Characters MediaWiki leaves unescaped in its page URLs (wfUrlencode).
_URL_SAFE = ";@$!*(),/~:"


@dataclass(frozen=True)
class WikiRevision:
    """One revision of a Wikipedia article, with where it came from."""

    title: str  # the page's title after normalization and redirects
    lang: str  # "en"
    revision_id: int
    timestamp: str  # the revision's timestamp as the API gives it: "2017-06-10T12:00:00Z"
    page_url: str  # https://en.wikipedia.org/wiki/Montenegro%E2%80%93NATO_relations
    # the revision's permanent link, naming the page and the revision:
    # https://en.wikipedia.org/w/index.php?title=Montenegro%E2%80%93NATO_relations&oldid=<id>
    permalink: str
    text: str  # the wikitext of the main slot
    redirected_from: str | None = None  # the title asked for, when it was a redirect


def page_url(title: str, lang: str) -> str:
    """The article's address: ``https://en.wikipedia.org/wiki/Montenegro%E2%80%93NATO_relations``."""
    _check_lang(lang, title)
    return f"https://{_host(lang)}/wiki/{quote(title.replace(' ', '_'), safe=_URL_SAFE)}"


def fetch_revision(
    title: str,
    lang: str = "en",
    revision: int | None = None,
    *,
    client: httpx.Client | None = None,
    retries: int = 4,
    sleep: Callable[[float], None] = time.sleep,
) -> WikiRevision:
    """The latest revision of ``title`` on ``lang``.wikipedia.org, or revision ``revision``
    of it; raises FetchError (one line, naming the article) when it cannot be had.

    ``retries`` is the most requests made in all (maxlag, 429 and 503 answers are retried);
    ``sleep`` is how to wait between them. A given ``client`` keeps its own timeouts.
    """
    if retries < 1:
        raise ValueError("retries must be at least 1")
    _check_lang(lang, title)
    name = f"{lang}:{_line(title)}"
    _check_title(title, name)
    params: dict[str, str | int] = {
        "action": "query",
        "prop": "revisions",
        "rvprop": "ids|timestamp|content",
        "rvslots": "main",
        "format": "json",
        "formatversion": 2,
        "redirects": 1,
        "maxlag": _MAXLAG,
    }
    if revision is None:
        params["titles"] = title
    else:
        if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
            raise FetchError(f"{name}: a revision id is a positive whole number, not {revision!r}")
        params["revids"] = revision
    own = client is None
    http = client or httpx.Client(timeout=_TIMEOUT, follow_redirects=False)
    try:
        data = _ask(http, lang, params, name, retries, sleep)
    finally:
        if own:
            http.close()
    return _revision(data, title, lang, revision, name)


def _ask(
    http: httpx.Client,
    lang: str,
    params: dict[str, str | int],
    name: str,
    retries: int,
    sleep: Callable[[float], None],
) -> dict[str, Any]:
    """The API's JSON answer, after waiting out lag and rate limits."""
    url = f"https://{_host(lang)}/w/api.php"
    headers = {"User-Agent": _user_agent(), "Accept": "application/json"}
    for attempt in range(1, retries + 1):
        last = attempt == retries
        try:
            with http.stream(
                "GET", url, params=params, headers=headers, follow_redirects=False
            ) as response:
                status = response.status_code
                if status in _RETRIED:
                    why = f"HTTP {status}"
                    wait = _retry_after(response, default=min(2.0 ** (attempt - 1), _MAX_WAIT))
                else:
                    _refuse_status(response, name, lang)
                    data = _json(_body(response, name), name)
                    error = data.get("error")
                    if not isinstance(error, dict):
                        return data
                    if error.get("code") != "maxlag":
                        raise FetchError(
                            f"{name}: the API refused the request: "
                            f"{_line(error.get('code', '?'))}: {_line(error.get('info', ''))}"
                        )
                    why = "maxlag: its databases lag behind"
                    wait = _retry_after(response, default=float(_MAXLAG))
        except httpx.TransportError as e:
            raise FetchError(
                f"{name}: cannot reach {_host(lang)} (offline?): "
                f"{_line(str(e) or type(e).__name__)}"
            ) from None
        except httpx.RequestError as e:  # an answer that cannot be decoded (bad gzip)
            raise FetchError(
                f"{name}: the answer of {_host(lang)} cannot be read: "
                f"{_line(str(e) or type(e).__name__)}"
            ) from None
        if last:
            break
        sleep(wait)
    raise FetchError(f"{name}: {_host(lang)} is busy ({why}) after {retries} attempts; try later")


def _refuse_status(response: httpx.Response, name: str, lang: str) -> None:
    status = response.status_code
    if status == 200:
        return
    if response.is_redirect:
        where = response.headers.get("Location", "")
        raise FetchError(
            f"{name}: {_host(lang)} answered HTTP {status}, a redirect to {_line(where)!r}; "
            "redirects are not followed"
        )
    raise FetchError(
        f"{name}: {_host(lang)} answered HTTP {status} {_line(response.reason_phrase)}"
    )


def _body(response: httpx.Response, name: str) -> bytes:
    """The answer's bytes, refused as soon as they pass the documents' size limit."""
    limit = reading.MAX_BYTES
    too_big = f"{name}: the API's answer is more than {limit / 1e6:.0f} MB; refused"
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(too_big)
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():  # decompressed: the limit is on what we keep
        total += len(chunk)
        if total > limit:
            raise FetchError(too_big)
        chunks.append(chunk)
    return b"".join(chunks)


def _json(body: bytes, name: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past any reason
        raise FetchError(f"{name}: the API's answer is not JSON") from None
    if not isinstance(data, dict):
        raise FetchError(f"{name}: the API's answer is not a JSON object")
    return data


def _revision(
    data: dict[str, Any], asked: str, lang: str, revision: int | None, name: str
) -> WikiRevision:
    """The WikiRevision in a ``formatversion=2`` answer, or why there is none."""
    query = data.get("query")
    if not isinstance(query, dict):
        raise FetchError(f"{name}: the API's answer has no query result")
    if query.get("badrevids"):
        raise FetchError(f"{name}: revision {revision} does not exist on {_host(lang)}")
    pages = query.get("pages")
    if not isinstance(pages, list) or len(pages) != 1 or not isinstance(pages[0], dict):
        interwiki = query.get("interwiki")
        if isinstance(interwiki, list) and interwiki:
            raise FetchError(f"{name}: the title points to another wiki (an interwiki link)")
        raise FetchError(f"{name}: the API's answer does not hold exactly one page")
    page: dict[str, Any] = pages[0]
    if page.get("invalid"):
        reason = _line(page.get("invalidreason", ""))
        raise FetchError(f"{name}: not a valid title on {_host(lang)}: {reason}")
    if page.get("missing"):
        raise FetchError(f"{name}: no such article on {_host(lang)}")
    if page.get("special"):
        raise FetchError(f"{name}: a special page, not an article")
    title = page.get("title")
    revisions = page.get("revisions")
    if not isinstance(title, str) or not isinstance(revisions, list) or not revisions:
        raise FetchError(f"{name}: the API's answer has no revision of the page")
    rev = revisions[0] if isinstance(revisions[0], dict) else {}
    slots = rev.get("slots")
    main = slots.get("main") if isinstance(slots, dict) else None
    revid, timestamp = rev.get("revid"), rev.get("timestamp")
    if not isinstance(main, dict) or not isinstance(revid, int) or not isinstance(timestamp, str):
        raise FetchError(f"{name}: the API's answer has no revision id, timestamp or content")
    if main.get("texthidden"):
        raise FetchError(f"{name}: the text of revision {revid} is hidden (revision-deleted)")
    text = main.get("content")
    if not isinstance(text, str):
        raise FetchError(f"{name}: the API's answer has no wikitext for revision {revid}")
    model = main.get("contentmodel", "wikitext")
    if model != "wikitext":
        raise FetchError(f"{name}: revision {revid} is {_line(model)}, not wikitext")
    redirected = bool(query.get("redirects"))
    if revision is not None and not redirected and _key(title) != _key(asked):
        raise FetchError(
            f"{name}: revision {revision} is of the article {_line(title)!r}, not of this one"
        )
    return WikiRevision(
        title=title,
        lang=lang,
        revision_id=revid,
        timestamp=timestamp,
        page_url=page_url(title, lang),
        permalink=(
            f"https://{_host(lang)}/w/index.php?"
            f"title={quote(title.replace(' ', '_'), safe=_URL_SAFE)}&oldid={revid}"
        ),
        text=text,
        redirected_from=asked if redirected else None,
    )


def _user_agent() -> str:
    """``treatywatch/0.1.0 (https://github.com/treatywatch/treatywatch; <contact>) httpx/0.28.1``,
    the contact from ``TREATYWATCH_CONTACT`` when it is set (Wikimedia's User-Agent policy)."""
    contact = "".join(c for c in os.environ.get("TREATYWATCH_CONTACT", "") if c.isprintable())
    about = f"{PROJECT_URL}; {contact.strip()}" if contact.strip() else PROJECT_URL
    return f"treatywatch/{__version__} ({about}) httpx/{httpx.__version__}"


def _retry_after(response: httpx.Response, default: float) -> float:
    """Retry-After in seconds (an HTTP date is not honoured: ``default``), within bounds."""
    value = response.headers.get("Retry-After", "").strip()
    try:
        seconds = float(value) if value else default
    except ValueError:
        seconds = default
    return min(max(seconds, 0.0), _MAX_WAIT) if seconds == seconds else default


def _check_lang(lang: object, title: str) -> None:
    if not isinstance(lang, str) or not _LANG.fullmatch(lang):
        raise FetchError(
            f"{_line(str(lang))}:{_line(title)}: not a Wikipedia language code "
            "(expected letters such as 'en' or 'pt-br')"
        )


def _check_title(title: object, name: str) -> None:
    if not isinstance(title, str) or not title.strip():
        raise FetchError(f"{name}: an empty title")
    # Control characters (a newline, an escape), line separators and lone surrogates; not
    # the format characters that some scripts' titles need (the zero-width non-joiner).
    if any(unicodedata.category(c) in _NOT_IN_TITLES for c in title):
        raise FetchError(f"{name}: a title cannot hold control characters")
    if len(title.encode("utf-8")) > _MAX_TITLE_BYTES:
        raise FetchError(f"{name}: a title is at most {_MAX_TITLE_BYTES} bytes of UTF-8")
    if "|" in title:  # the API would read two titles
        raise FetchError(f"{name}: a title cannot hold '|'")


def _host(lang: str) -> str:
    return f"{lang}.wikipedia.org"


def _key(title: str) -> str:
    """A title as MediaWiki compares them: underscores are spaces, the first letter upper."""
    t = " ".join(title.replace("_", " ").split())
    return t[:1].upper() + t[1:]


def _line(value: object) -> str:
    """Untrusted text (a title, the API's words) as one short printable line."""
    s = reading.shown(" ".join(str(value).split()))
    return s if len(s) <= _MAX_INFO else s[: _MAX_INFO - 1] + "…"

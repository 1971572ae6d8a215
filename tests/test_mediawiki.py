"""Fetching an article from Wikipedia's Action API, against stored answers (no network).

The answers in ``tests/fixtures/mediawiki/`` are written from the MediaWiki API
documentation (see ``tests/fixtures/README.md``), not recorded from the live API.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treatywatch.errors import InputError
from treatywatch.sources import mediawiki, reading
from treatywatch.sources.mediawiki import (
    PROJECT_URL,
    FetchError,
    WikiRevision,
    fetch_revision,
    page_url,
)

FIXTURES = Path(__file__).parent / "fixtures" / "mediawiki"
API = "https://en.wikipedia.org/w/api.php"
TITLE = "Montenegro–NATO relations"
NAME = f"en:{TITLE}"
PAGE_URL = "https://en.wikipedia.org/wiki/Montenegro%E2%80%93NATO_relations"


def answer(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    """A stored API answer, served byte for byte."""
    return httpx.Response(
        status,
        content=(FIXTURES / name).read_bytes(),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


class Sleeps(list[float]):
    """Records the waits asked for instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def api() -> Iterator[respx.Router]:
    """Every request goes to respx; one that matches no route fails the test."""
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture(autouse=True)
def no_contact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TREATYWATCH_CONTACT", raising=False)


def fetch_error(*args: Any, **kwargs: Any) -> str:
    """The message of the FetchError that fetch_revision raises; it is one line."""
    with pytest.raises(FetchError) as info:
        fetch_revision(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    return message


# -- a page ----------------------------------------------------------------------------


def test_the_latest_revision_of_a_title(api: respx.Router) -> None:
    route = api.get(API).mock(return_value=answer("page.json"))
    rev = fetch_revision(TITLE, sleep=Sleeps())
    assert rev == WikiRevision(
        title=TITLE,
        lang="en",
        revision_id=784839123,
        timestamp="2017-06-10T12:00:00Z",
        page_url=PAGE_URL,
        permalink="https://en.wikipedia.org/w/index.php?title=Montenegro%E2%80%93NATO_relations&oldid=784839123",
        text=rev.text,
        redirected_from=None,
    )
    assert rev.text.startswith("'''Montenegro–NATO relations''' are the relations")
    assert "== Accession ==" in rev.text
    assert route.call_count == 1
    request = route.calls.last.request
    assert request.method == "GET"
    assert (request.url.scheme, request.url.host, request.url.path) == (
        "https",
        "en.wikipedia.org",
        "/w/api.php",
    )
    assert dict(request.url.params) == {
        "action": "query",
        "prop": "revisions",
        "rvprop": "ids|timestamp|content",
        "rvslots": "main",
        "format": "json",
        "formatversion": "2",
        "redirects": "1",
        "maxlag": "5",
        "titles": TITLE,
    }


def test_the_user_agent_names_the_project_and_httpx(api: respx.Router) -> None:
    route = api.get(API).mock(return_value=answer("page.json"))
    fetch_revision(TITLE)
    agent = route.calls.last.request.headers["User-Agent"]
    assert agent == f"treatywatch/0.1.0 ({PROJECT_URL}) httpx/{httpx.__version__}"
    assert PROJECT_URL == "https://github.com/treatywatch/treatywatch"


def test_the_user_agent_gives_the_contact_when_set(
    api: respx.Router, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TREATYWATCH_CONTACT", "ops@example.org")
    route = api.get(API).mock(return_value=answer("page.json"))
    fetch_revision(TITLE)
    agent = route.calls.last.request.headers["User-Agent"]
    assert agent == f"treatywatch/0.1.0 ({PROJECT_URL}; ops@example.org) httpx/{httpx.__version__}"


def test_a_revision_by_its_id(api: respx.Router) -> None:
    route = api.get(API).mock(return_value=answer("revision.json"))
    rev = fetch_revision(TITLE, revision=723456789)
    params = route.calls.last.request.url.params
    assert params["revids"] == "723456789" and "titles" not in params
    assert (rev.revision_id, rev.timestamp, rev.title) == (723456789, "2016-05-20T08:15:42Z", TITLE)
    assert (
        rev.permalink
        == "https://en.wikipedia.org/w/index.php?title=Montenegro%E2%80%93NATO_relations&oldid=723456789"
    )
    assert rev.text.endswith("signed on 19 May 2016.\n")


def test_a_revision_of_another_article_is_refused(api: respx.Router) -> None:
    api.get(API).mock(return_value=answer("revision.json"))
    message = fetch_error("Montenegro", revision=723456789)
    assert message == (
        "en:Montenegro: revision 723456789 is of the article 'Montenegro–NATO relations', "
        "not of this one"
    )


def test_a_redirect_is_followed_and_reported(api: respx.Router) -> None:
    api.get(API).mock(return_value=answer("redirect.json"))
    rev = fetch_revision("Montenegro and NATO")
    assert rev.title == TITLE
    assert rev.redirected_from == "Montenegro and NATO"
    assert rev.page_url == PAGE_URL


def test_a_normalized_title_is_reported_but_is_no_redirect(api: respx.Router) -> None:
    api.get(API).mock(return_value=answer("normalized.json"))
    rev = fetch_revision("montenegro–NATO_relations")
    assert rev.title == TITLE
    assert rev.redirected_from is None
    assert rev.page_url == PAGE_URL


def test_a_client_can_be_given_and_is_left_open(api: respx.Router) -> None:
    api.get(API).mock(return_value=answer("page.json"))
    with httpx.Client() as client:
        assert fetch_revision(TITLE, client=client).revision_id == 784839123
        assert not client.is_closed


def test_another_language(api: respx.Router) -> None:
    route = api.get("https://pt-br.wikipedia.org/w/api.php").mock(return_value=answer("page.json"))
    rev = fetch_revision(TITLE, lang="pt-br")
    assert route.call_count == 1
    assert rev.lang == "pt-br"
    assert rev.page_url.startswith("https://pt-br.wikipedia.org/wiki/")
    assert (
        rev.permalink
        == "https://pt-br.wikipedia.org/w/index.php?title=Montenegro%E2%80%93NATO_relations&oldid=784839123"
    )


# -- what the API says is wrong ----------------------------------------------------------


def test_a_missing_page(api: respx.Router) -> None:
    api.get(API).mock(return_value=answer("missing.json"))
    message = fetch_error("Montenegro–Atlantis relations")
    assert message == "en:Montenegro–Atlantis relations: no such article on en.wikipedia.org"


def test_an_invalid_title(api: respx.Router) -> None:
    api.get(API).mock(return_value=answer("invalid.json"))
    message = fetch_error("Montenegro<NATO")
    assert message == (
        "en:Montenegro<NATO: not a valid title on en.wikipedia.org: "
        'The requested page title contains invalid characters: "<".'
    )


def test_a_revision_that_does_not_exist(api: respx.Router) -> None:
    api.get(API).mock(return_value=answer("badrevids.json"))
    message = fetch_error(TITLE, revision=999999999)
    assert message == f"{NAME}: revision 999999999 does not exist on en.wikipedia.org"


def test_an_api_error(api: respx.Router) -> None:
    api.get(API).mock(return_value=answer("error.json"))
    message = fetch_error(TITLE)
    assert message == (
        f"{NAME}: the API refused the request: badvalue: "
        'Unrecognized value for parameter "rvslots": mian.'
    )


def test_a_hidden_text(api: respx.Router) -> None:
    api.get(API).mock(return_value=answer("texthidden.json"))
    message = fetch_error(TITLE, revision=723456789)
    assert message == f"{NAME}: the text of revision 723456789 is hidden (revision-deleted)"


def test_an_answer_that_is_not_json(api: respx.Router) -> None:
    api.get(API).mock(return_value=httpx.Response(200, text="<html>Wikimedia Error</html>"))
    assert fetch_error(TITLE) == f"{NAME}: the API's answer is not JSON"


def test_json_nested_past_any_reason(api: respx.Router) -> None:
    api.get(API).mock(return_value=httpx.Response(200, content=b"[" * 100_000))
    assert fetch_error(TITLE) == f"{NAME}: the API's answer is not JSON"


def test_an_answer_that_cannot_be_decompressed(api: respx.Router) -> None:
    api.get(API).mock(
        return_value=httpx.Response(
            200, stream=httpx.ByteStream(b"not gzip"), headers={"Content-Encoding": "gzip"}
        )
    )
    message = fetch_error(TITLE)
    assert message.startswith(f"{NAME}: the answer of en.wikipedia.org cannot be read: ")


def test_a_json_answer_without_a_query(api: respx.Router) -> None:
    api.get(API).mock(return_value=httpx.Response(200, json={"batchcomplete": True}))
    assert fetch_error(TITLE) == f"{NAME}: the API's answer has no query result"


def test_an_error_status(api: respx.Router) -> None:
    api.get(API).mock(return_value=httpx.Response(404, text="Not Found"))
    assert fetch_error(TITLE) == f"{NAME}: en.wikipedia.org answered HTTP 404 Not Found"


def test_an_http_redirect_is_not_followed(api: respx.Router) -> None:
    route = api.get(API).mock(
        return_value=httpx.Response(302, headers={"Location": "https://evil.example/w/api.php"})
    )
    message = fetch_error(TITLE)
    assert message == (
        f"{NAME}: en.wikipedia.org answered HTTP 302, a redirect to "
        "'https://evil.example/w/api.php'; redirects are not followed"
    )
    assert route.call_count == 1


def test_an_api_message_with_line_breaks_stays_on_one_line(api: respx.Router) -> None:
    body = {"error": {"code": "internal_api_error", "info": "first\nsecond\r\n\x1b[31mthird"}}
    api.get(API).mock(return_value=httpx.Response(200, json=body))
    message = fetch_error(TITLE)
    assert message.startswith(f"{NAME}: the API refused the request: internal_api_error: first")
    assert "\x1b" not in message


# -- waiting: maxlag, 429, 503 -----------------------------------------------------------


def test_maxlag_is_waited_out_then_retried(api: respx.Router) -> None:
    route = api.get(API).mock(
        side_effect=[answer("maxlag.json", headers={"Retry-After": "1"}), answer("page.json")]
    )
    sleeps = Sleeps()
    rev = fetch_revision(TITLE, sleep=sleeps)
    assert rev.revision_id == 784839123
    assert sleeps == [1.0]
    assert route.call_count == 2
    assert all(c.request.url.params["maxlag"] == "5" for c in route.calls)


def test_a_long_retry_after_is_bounded(api: respx.Router) -> None:
    api.get(API).mock(
        side_effect=[answer("maxlag.json", headers={"Retry-After": "3600"}), answer("page.json")]
    )
    sleeps = Sleeps()
    fetch_revision(TITLE, sleep=sleeps)
    assert sleeps == [30.0]


def test_maxlag_without_retry_after_waits_five_seconds(api: respx.Router) -> None:
    api.get(API).mock(side_effect=[answer("maxlag.json"), answer("page.json")])
    sleeps = Sleeps()
    fetch_revision(TITLE, sleep=sleeps)
    assert sleeps == [5.0]


def test_maxlag_that_does_not_end_gives_up(api: respx.Router) -> None:
    route = api.get(API).mock(return_value=answer("maxlag.json", headers={"Retry-After": "2"}))
    sleeps = Sleeps()
    message = fetch_error(TITLE, sleep=sleeps)
    assert message == (
        f"{NAME}: en.wikipedia.org is busy (maxlag: its databases lag behind) "
        "after 4 attempts; try later"
    )
    assert route.call_count == 4 and sleeps == [2.0, 2.0, 2.0]


def test_429_is_retried_after_retry_after(api: respx.Router) -> None:
    route = api.get(API).mock(
        side_effect=[
            httpx.Response(429, text="Too many requests", headers={"Retry-After": "3"}),
            answer("page.json"),
        ]
    )
    sleeps = Sleeps()
    assert fetch_revision(TITLE, sleep=sleeps).title == TITLE
    assert sleeps == [3.0] and route.call_count == 2


def test_503_three_times_gives_up_with_exponential_backoff(api: respx.Router) -> None:
    route = api.get(API).mock(return_value=httpx.Response(503, text="Service Unavailable"))
    sleeps = Sleeps()
    message = fetch_error(TITLE, retries=3, sleep=sleeps)
    assert message == f"{NAME}: en.wikipedia.org is busy (HTTP 503) after 3 attempts; try later"
    assert route.call_count == 3
    assert sleeps == [1.0, 2.0]  # no wait after the last attempt


def test_the_backoff_doubles_and_is_bounded(api: respx.Router) -> None:
    api.get(API).mock(return_value=httpx.Response(429))
    sleeps = Sleeps()
    fetch_error(TITLE, retries=8, sleep=sleeps)
    assert sleeps == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_a_retry_after_that_is_a_date_falls_back_to_the_backoff(api: respx.Router) -> None:
    api.get(API).mock(
        side_effect=[
            httpx.Response(503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),
            answer("page.json"),
        ]
    )
    sleeps = Sleeps()
    fetch_revision(TITLE, sleep=sleeps)
    assert sleeps == [1.0]


def test_retries_must_allow_one_attempt() -> None:
    with pytest.raises(ValueError):
        fetch_revision(TITLE, retries=0)


# -- the network -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (httpx.ConnectError("[Errno -3] Temporary failure in name resolution"), "[Errno -3]"),
        (httpx.ConnectTimeout("timed out"), "timed out"),
        (httpx.ReadTimeout(""), "ReadTimeout"),
    ],
)
def test_offline_is_one_line(api: respx.Router, error: httpx.TransportError, reason: str) -> None:
    route = api.get(API).mock(side_effect=error)
    sleeps = Sleeps()
    message = fetch_error(TITLE, sleep=sleeps)
    assert message.startswith(f"{NAME}: cannot reach en.wikipedia.org (offline?): ")
    assert message.endswith(reason) or reason in message
    assert route.call_count == 1 and sleeps == []


def test_an_answer_over_the_size_limit(api: respx.Router, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_BYTES", 200)
    api.get(API).mock(return_value=answer("page.json"))
    assert fetch_error(TITLE) == f"{NAME}: the API's answer is more than 0 MB; refused"


def test_the_size_is_counted_without_a_content_length(
    api: respx.Router, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A streamed answer (no Content-Length) is counted as it arrives and cut off."""
    monkeypatch.setattr(reading, "MAX_BYTES", 1000)
    read: list[int] = []

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            read.append(1)
            yield b" " * 100

    api.get(API).mock(return_value=httpx.Response(200, content=chunks()))
    message = fetch_error(TITLE)
    assert "answer is more than" in message
    assert len(read) <= 11  # stopped at the limit, not read to the end


# -- refused before asking ---------------------------------------------------------------


@pytest.mark.parametrize(
    "lang",
    ["en.evil.com/", "evil.com#", "EN", "e", "en/", "", "en\n", "en:80", "en@evil", "../en", "en."],
)
def test_a_bad_language_is_refused_before_any_request(api: respx.Router, lang: str) -> None:
    message = fetch_error(TITLE, lang=lang)
    assert message.endswith(
        f":{TITLE}: not a Wikipedia language code (expected letters such as 'en' or 'pt-br')"
    )
    assert api.calls.call_count == 0


@pytest.mark.parametrize(
    ("title", "why"),
    [
        ("", "an empty title"),
        ("   ", "an empty title"),
        ("Montenegro\nNATO", "a title cannot hold control characters"),
        ("Montenegro\x00", "a title cannot hold control characters"),
        ("Montenegro\u2028NATO", "a title cannot hold control characters"),
        ("Montenegro|NATO", "a title cannot hold '|'"),
        ("x" * 256, "a title is at most 255 bytes of UTF-8"),
        ("é" * 128, "a title is at most 255 bytes of UTF-8"),
    ],
)
def test_a_bad_title_is_refused_before_any_request(api: respx.Router, title: str, why: str) -> None:
    message = fetch_error(title)
    assert message.endswith(f": {why}") and message.startswith("en:")
    assert api.calls.call_count == 0


def test_a_title_of_255_bytes_is_asked_for(api: respx.Router) -> None:
    route = api.get(API).mock(return_value=answer("missing.json"))
    fetch_error("é" * 127 + "x")
    assert route.call_count == 1


@pytest.mark.parametrize("revision", [0, -1, True])
def test_a_bad_revision_id_is_refused_before_any_request(api: respx.Router, revision: int) -> None:
    message = fetch_error(TITLE, revision=revision)
    assert message.startswith(f"{NAME}: a revision id is a positive whole number")
    assert api.calls.call_count == 0


def test_fetch_errors_are_input_errors_with_exit_code_2(api: respx.Router) -> None:
    api.get(API).mock(return_value=answer("missing.json"))
    with pytest.raises(InputError) as info:
        fetch_revision(TITLE)
    assert isinstance(info.value, FetchError) and info.value.exit_code == 2


# -- page addresses ----------------------------------------------------------------------


def test_page_url() -> None:
    assert page_url(TITLE, "en") == PAGE_URL
    assert page_url("Who's Who? & more", "de") == (
        "https://de.wikipedia.org/wiki/Who%27s_Who%3F_%26_more"
    )
    assert page_url("Talk:NATO/Archive 1", "en") == (
        "https://en.wikipedia.org/wiki/Talk:NATO/Archive_1"
    )


def test_page_url_refuses_a_bad_language() -> None:
    with pytest.raises(FetchError):
        page_url(TITLE, "en.evil.com/")


# -- any answer: a WikiRevision or a FetchError, never anything else ---------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
KEYS = st.sampled_from(["query", "pages", "revisions", "slots", "main", "error", "badrevids"])


def shaped(value: Any) -> Any:
    """Some of the answer's real keys around arbitrary values."""
    page = {"title": TITLE, "revisions": [{"revid": 1, "timestamp": "t", "slots": value}]}
    return {"query": {"pages": [page], "redirects": value}}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=JSON | JSON.map(shaped) | st.dictionaries(KEYS, JSON))
def test_any_answer_is_a_revision_or_a_fetch_error(body: Any) -> None:
    with respx.mock(assert_all_called=False) as router:
        router.get(API).mock(return_value=httpx.Response(200, content=json.dumps(body)))
        try:
            rev = fetch_revision(TITLE, sleep=Sleeps(), retries=1)
        except FetchError as e:
            assert "\n" not in str(e)
        else:
            assert isinstance(rev.text, str) and isinstance(rev.revision_id, int)


def test_the_public_names() -> None:
    assert set(mediawiki.__all__) == {
        "PROJECT_URL",
        "FetchError",
        "WikiRevision",
        "fetch_revision",
        "page_url",
    }

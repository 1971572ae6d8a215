"""The web dashboard and JSON API: parse the request, call the package, render.

Every page has a JSON twin under ``/api/v1/`` built from the same data function.
One success shape (a JSON object) and one error shape: ``{"error": {"status", "message"}}``.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import inspect
import json
import os
import threading
import typing
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import date
from importlib import resources
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute, Route

from treatywatch import serialize
from treatywatch.domain.dates import (
    ISO_DAY_PATTERN,
    DateParseError,
    parse_as_of_period,
)
from treatywatch.errors import NotFoundError
from treatywatch.queries.derived import derived
from treatywatch.queries.overview import Overview, process_overview
from treatywatch.queries.records import process_polls, process_records
from treatywatch.queries.status import process_status
from treatywatch.render.assets import (
    IMMUTABLE,
    STATIC_URL_PREFIX,
    WORLD_TOPOJSON,
    hashed_vendor_file,
)
from treatywatch.render.charts import ChartSpec
from treatywatch.render.pages import render
from treatywatch.render.process_charts import KINDS, NoChart, process_chart, process_charts
from treatywatch.serialize import shapes
from treatywatch.store.db import ENV_VAR, Store
from treatywatch.store.readers import Readers
from treatywatch.web.errors import API, install_error_handlers
from treatywatch.web.openapi import finish_openapi
from treatywatch.web.security import Dashboard, allowed_hosts_from_env
from treatywatch.web.writes import Token, tokens_from_env, write_routes

# The month and year forms exactly, for the OpenAPI document: years 0001–9999, months 01–12.
MONTH_OR_YEAR_PATTERN = r"^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])(-(0[1-9]|1[0-2]))?$"


def _strict_day(value: object) -> date:
    # Only the three forms: pydantic's own date type also takes Unix timestamps ("0").
    if isinstance(value, date):
        return value
    try:
        # a day, or a month or a year meaning its last day (domain.dates)
        return parse_as_of_period(str(value))
    except (DateParseError, ValueError):
        raise PydanticCustomError(
            "as_of",
            "{value} is not a day written YYYY-MM-DD, a month YYYY-MM or a year YYYY",
            {"value": repr(value)},
        ) from None


AsOf = Annotated[
    date | None,
    BeforeValidator(_strict_day),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date", "pattern": ISO_DAY_PATTERN},
                {"type": "string", "pattern": MONTH_OR_YEAR_PATTERN},
            ]
        }
    ),
    Query(
        description="Show the process as it stood on this day: YYYY-MM-DD, or YYYY-MM or "
        "YYYY for the last day of that month or year."
    ),
]


def _page_source_url(sha: str, line: int) -> str:
    return f"/documents/{sha}#L{line}"


def _given_request(handler: Callable[..., Any], call: Callable[..., Any]) -> Callable[..., Any]:
    """``call`` as FastAPI should see it: ``handler``'s parameters without ``store``, plus the
    request (keyword only)."""
    signature = inspect.signature(handler)
    params = [p for p in signature.parameters.values() if p.name != "store"]
    request = inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)
    call.__signature__ = signature.replace(parameters=[*params, request])  # type: ignore[attr-defined]
    return call


def with_store(handler: Callable[..., Any]) -> Callable[..., Any]:
    """The handler, given a read-only store for the request as ``store``.

    The store is opened and closed inside the handler's call, so in the one worker
    thread that runs it (a dependency with ``yield`` may be set up and torn down in
    two different threads, which ``sqlite3`` refuses).
    """

    @functools.wraps(handler)
    def call(*args: Any, request: Request, **kwargs: Any) -> Any:
        with request.app.state.readers.connect() as store:
            return handler(*args, store=store, **kwargs)

    return _given_request(handler, call)


# Encoded answers kept per app (server process), least recently used first out: at most this
# many bytes (a process page is ~1 MB, ~0.2 MB gzipped; a JSON answer a few kB), so a crawler
# asking for every day's page cannot grow a worker without bound.
ANSWER_BYTES = 64 * 2**20


@dataclasses.dataclass(frozen=True)
class Answer:
    """An encoded answer: its body, media type and (if worth it) its gzip-compressed body."""

    body: bytes
    media_type: str
    gzipped: bytes | None

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


class Answers:
    """An app's memory of encoded answers (LRU within a byte budget, thread-safe)."""

    def __init__(self, budget: int = ANSWER_BYTES) -> None:
        self.budget = budget
        self.used = 0
        self._kept: OrderedDict[tuple[str, ...], Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> Answer | None:
        with self._lock:
            answer = self._kept.get(key)
            if answer is not None:
                self._kept.move_to_end(key)
            return answer

    def put(self, key: tuple[str, ...], answer: Answer) -> None:
        if answer.size > self.budget:
            return  # larger than the whole budget: answered, not kept
        with self._lock:
            if (old := self._kept.pop(key, None)) is not None:
                self.used -= old.size
            self._kept[key] = answer
            self.used += answer.size
            while self.used > self.budget:
                _, dropped = self._kept.popitem(last=False)
                self.used -= dropped.size


def _encode(shape: Any) -> Callable[[Any], Answer]:
    """How a handler's result becomes an :class:`Answer`: a response's own body, or JSON
    validated and encoded as FastAPI does with the return annotation (the response model)."""

    def encode(result: Any) -> Answer:
        if isinstance(result, Response):
            body, media_type = bytes(result.body), str(result.media_type)
        else:
            value = shape.dump_python(shape.validate_python(result), mode="json")
            text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
            body, media_type = text.encode(), "application/json"
        small = len(body) < GZIP_MINIMUM_SIZE
        return Answer(body, media_type, None if small else gzip.compress(body, GZIP_LEVEL, mtime=0))

    return encode


def _fingerprint(readers: Readers) -> str:
    from treatywatch.store.cache import documents_fingerprint

    with readers.connect() as store:
        return documents_fingerprint(store)


def kept(handler: Callable[..., Any]) -> Callable[..., Any]:
    """A handler given a store (as :func:`with_store`) whose encoded answer is kept per path,
    query, documents and day: a repeated request costs one query (the documents' fingerprint)
    and no work, not even compression. A new version of any document, or another day, answers
    anew. Errors are not kept.
    """
    from pydantic import TypeAdapter

    returns = typing.get_type_hints(handler)["return"]
    is_response = isinstance(returns, type) and issubclass(returns, Response)
    encode = _encode(None if is_response else TypeAdapter(returns))

    def compute(key: tuple[str, ...], args: Any, kwargs: Any, request: Request) -> Answer:
        with request.app.state.readers.connect() as store:
            answer = encode(handler(*args, store=store, **kwargs))
        request.app.state.answers.put(key, answer)
        return answer

    @functools.wraps(handler)
    async def call(*args: Any, request: Request, **kwargs: Any) -> Any:
        # SQLite: on the event loop, one local query, then either the kept answer or the work
        # in a worker thread (a kept answer never waits for a thread, nor for the GIL's turns).
        # PostgreSQL: the query goes over the network and may wait for a pooled connection,
        # so it runs in a worker thread.
        readers: Readers = request.app.state.readers
        if readers.local:
            fingerprint = _fingerprint(readers)
        else:
            fingerprint = await run_in_threadpool(_fingerprint, readers)
        key = (request.url.path, request.url.query, fingerprint, date.today().isoformat())
        answer = request.app.state.answers.get(key)
        if answer is None:
            answer = await run_in_threadpool(compute, key, args, kwargs, request)
        accepts = "gzip" in request.headers.get("accept-encoding", "").lower()
        if answer.gzipped is not None and accepts:
            headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
            return Response(answer.gzipped, media_type=answer.media_type, headers=headers)
        return Response(answer.body, media_type=answer.media_type)

    return _given_request(handler, call)


# -- pages ----------------------------------------------------------------
def home(store: Store) -> HTMLResponse:
    statuses = [process_status(store, p.slug) for p in store.processes()]
    html = render("home.html", _page_source_url, statuses=statuses, today=date.today())
    return HTMLResponse(html)


def _page_charts(store: Store, ov: Overview) -> dict[str, ChartSpec]:
    """The page's charts, computed once per process, documents and day (queries.derived)."""
    day = ov.records.status.as_of

    def compute() -> dict[str, list[Any]]:
        charts = process_charts(ov, STATIC_URL_PREFIX + WORLD_TOPOJSON)
        return {kind: [c.spec, c.caption, c.alt] for kind, c in charts.items()}

    found = derived(store, ov.records.slug, "page-charts", day, compute)
    return {kind: ChartSpec(*parts) for kind, parts in found.items()}


def process_page(slug: str, store: Store, as_of: AsOf = None) -> HTMLResponse:
    """A process's page as of a day; its charts come from queries.derived, and the route keeps
    the encoded page per documents and day (:func:`kept`)."""
    process = store.find_process(slug)
    ov = process_overview(store, process.slug, as_of or date.today())
    html = render(
        "process.html",
        _page_source_url,
        ov=ov,
        charts=_page_charts(store, ov),
        name_of=functools.partial(serialize.display_name, names=ov.records.names),
        inline=False,
        changes=store.changes(process.slug, 5),
    )
    return HTMLResponse(html)


def document_page(sha: str, store: Store) -> HTMLResponse:
    doc = store.document(sha)
    html = render("document.html", _page_source_url, doc=doc, lines=doc.text.split("\n"))
    return HTMLResponse(html)


# -- API ------------------------------------------------------------------
def api_processes(store: Store) -> shapes.ProcessesResponse:
    """Every process with its status today."""
    names = store.document_paths()
    return {
        "processes": [
            serialize.status(process_status(store, p.slug), names) for p in store.processes()
        ]
    }


def api_process(slug: str, store: Store, as_of: AsOf = None) -> shapes.OverviewShape:
    """Everything about a process as of a day: the process page as JSON."""
    return serialize.overview(process_overview(store, slug, as_of))


def api_status(slug: str, store: Store, as_of: AsOf = None) -> shapes.StatusShape:
    """Stage, ratified and pending members as of a day."""
    return serialize.status(process_status(store, slug, as_of), store.document_paths(slug))


def api_milestones(slug: str, store: Store, as_of: AsOf = None) -> shapes.MilestonesResponse:
    """Milestones reached by a day, each with its date precision and source line."""
    r = process_records(store, slug, as_of)
    return {"milestones": [serialize.milestone(m, r.names) for m in r.milestones]}


def api_ratifications(slug: str, store: Store, as_of: AsOf = None) -> shapes.RatificationsResponse:
    """Each required member's state on a day, with the dated acts behind it."""
    s = process_status(store, slug, as_of)
    names = store.document_paths(s.process.slug)
    return {
        "as_of": s.as_of.isoformat(),
        "ratified_count": s.ratified_count,
        "required_count": s.required_count,
        "members": [serialize.member_status(m, names) for m in s.members],
    }


def api_polls(slug: str, store: Store, as_of: AsOf = None) -> shapes.PollsResponse:
    """Polls whose fieldwork ended by a day, as the sources give them."""
    polls, names = process_polls(store, slug, as_of)
    return {"polls": [serialize.poll(p, names) for p in polls]}


def api_sources(slug: str, store: Store) -> shapes.SourcesResponse:
    """The documents a process was read from, and rows that could not be read."""
    r = process_records(store, slug)
    return {
        "sources": [serialize.document(d) for d in r.documents],
        "problems": [serialize.problem(name, p) for name, p in r.problems],
    }


def api_average(slug: str, store: Store, as_of: AsOf = None) -> shapes.AveragesResponse:
    """The poll average of each question: estimate, 90% interval, house effects, daily curve."""
    from treatywatch.queries.averages import poll_averages

    records = process_records(store, slug, as_of)

    def compute() -> list[Any]:
        averages = poll_averages(records.polls, records.status.as_of)
        return [serialize.average(a, daily=True) for a in averages]

    found = derived(store, records.slug, "averages-daily", records.status.as_of, compute)
    return {"averages": found}


def api_forecast(slug: str, store: Store, as_of: AsOf = None) -> shapes.ForecastResponse:
    """When ratification will likely be complete, as of a day; none once it is complete."""
    from treatywatch.queries.forecasts import forecast_or_reason

    records = process_records(store, slug, as_of)

    def compute() -> Any:
        f, _ = forecast_or_reason(records.status, records.acts)
        return serialize.forecast(f, records.names) if f else None

    return {"forecast": derived(store, records.slug, "forecast", records.status.as_of, compute)}


def api_members(code: str, store: Store) -> shapes.MemberSpeedsResponse:
    """Each member's days from signature to ratification across past rounds, with sources."""
    from treatywatch.queries.speeds import member_speeds, organization_code

    rows = member_speeds(store, code)
    if not rows:
        raise NotFoundError(f"no ratification history for organization {code!r}")
    names = store.document_paths()
    return {
        "organization": organization_code(code),
        "members": [serialize.member_speed(m, names) for m in rows],
    }


def api_findings(slug: str, store: Store) -> shapes.FindingsShape:
    """What the checks found in the process's sources: rule, severity, line, evidence, fix."""
    records = process_records(store, slug)
    return serialize.findings(records.findings, records.names)


def api_timeline(slug: str, store: Store) -> shapes.TimelineResponse:
    """Table milestones and prose events merged: each event once, with all its sources."""
    from treatywatch.queries.timeline import process_timeline

    t = process_timeline(store, slug)
    return {"timeline": [serialize.timeline_entry(e, t.names) for e in t.entries]}


def api_chart(slug: str, kind: str, store: Store, as_of: AsOf = None) -> shapes.ChartResponse:
    """A chart of the process as a Vega-Lite specification, with its text alternative."""
    if kind not in KINDS:
        raise NotFoundError(f"no chart {kind!r}; charts: {', '.join(KINDS)}")
    ov = process_overview(store, slug, as_of)
    try:
        chart = process_chart(ov, kind, STATIC_URL_PREFIX + WORLD_TOPOJSON)
    except NoChart as e:
        raise NotFoundError(
            f"no {kind} chart for {slug} as of {ov.records.status.as_of}: {e}"
        ) from None
    return {"kind": kind, "alt": chart.alt, "caption": chart.caption, "spec": chart.spec}


def api_document(sha: str, store: Store) -> shapes.DocumentTextResponse:
    """A source document's text, line by line."""
    doc = store.document(sha)
    return {**serialize.document(doc), "text_lines": doc.text.split("\n")}


def api_changes(slug: str, store: Store) -> shapes.ChangesResponse:
    """What each new version of the process's sources changed in the record, newest first."""
    from treatywatch.render.feeds import change_id

    p = store.find_process(slug)
    return {
        "changes": [
            serialize.change(c, change_id(p.slug, c.key)) for c in store.changes(p.slug, 200)
        ]
    }


class AtomResponse(Response):
    media_type = "application/atom+xml"


class CalendarResponse(Response):
    media_type = "text/calendar"


def feed(slug: str, store: Store) -> Response:
    """The process's changes as an Atom feed, to subscribe to."""
    from treatywatch.queries.exports import export_records
    from treatywatch.render.feeds import atom

    x = export_records(store, slug)
    return AtomResponse(atom(x.process, x.title, store.changes(x.process.slug, 200)))


def calendar_ics(slug: str, store: Store) -> Response:
    """The process's milestones and acts as an iCalendar file, to subscribe to."""
    from treatywatch.queries.exports import export_records
    from treatywatch.render.exports import calendar

    x = export_records(store, slug)
    return CalendarResponse(
        calendar(x),
        headers={"Content-Disposition": f'inline; filename="{x.process.slug}.ics"'},
    )


class CsvResponse(Response):
    media_type = "text/csv"  # Starlette adds "; charset=utf-8"


def csv_table(slug: str, table: str, store: Store, as_of: AsOf = None) -> Response:
    """A table of the process as CSV: milestones, ratifications, polls, positions, findings
    or sources."""
    from treatywatch.render.tables import table_csv

    records = process_records(store, slug, as_of)
    text = table_csv(records, table)
    return CsvResponse(
        text, headers={"Content-Disposition": f'attachment; filename="{records.slug}-{table}.csv"'}
    )


# Responses smaller than this many bytes are sent as they are (gzip would barely help);
# level 6 compresses a process page to a fifth in about a millisecond.
GZIP_MINIMUM_SIZE = 1000
GZIP_LEVEL = 6
_MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".json": "application/json"}


@functools.cache
def _gzipped(digest: str, name: str) -> bytes:
    import gzip

    body = hashed_vendor_file(digest, name)
    return gzip.compress(body or b"", GZIP_LEVEL, mtime=0)


async def vendored_file(request: Request) -> Response:
    """A vendored file at its content-hashed URL (``render.assets.hashed_vendor_url``), cached by
    browsers for a year; compressed once per server process, not per request. A digest that is
    not the file's current one is a 404 (the unhashed ``/static/vendor/NAME`` always works)."""
    digest, name = request.path_params["digest"], request.path_params["name"]
    body = hashed_vendor_file(digest, name)
    if body is None:
        raise NotFoundError(f"no vendored file {name!r} with digest {digest!r}")
    media_type = _MEDIA_TYPES.get(os.path.splitext(name)[1], "application/octet-stream")
    headers = {"Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        body = _gzipped(digest, name)
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=media_type, headers=headers)


def warm_derived(
    url: str | None, day: date | None = None, slugs: Sequence[str] | None = None
) -> int:
    """Compute and keep in the store today's (or ``day``'s) derived results of every process
    (or of ``slugs``):
    the page's charts, the forecast and the daily poll averages. Returns how many processes.

    The server's request connections cannot write the store; this runs on a writable one.
    """
    from treatywatch.queries.ready import ready_store

    done = 0
    with Store.open(url) as store:
        ready_store(store)  # as the server does first: the bundled rounds are documents too
        for p in store.processes():
            if slugs is not None and p.slug not in slugs:
                continue
            try:
                ov = process_overview(store, p.slug, day)
                _page_charts(store, ov)
                api_forecast(p.slug, store, day)
                api_average(p.slug, store, day)
            except Exception:  # noqa: BLE001 - best effort: the page's own request reports it
                continue
            done += 1
    return done


# Set to 1 to have each server process fill the store's cache of today's results at start
# (in a background thread): the first visitor of each page then pays nothing.
WARM_ENV = "TREATYWATCH_WARM"


def create_app(
    db: str | None = None,
    allowed_hosts: Sequence[str] | None = None,
    write_tokens: Sequence[Token] | None = None,
) -> FastAPI:
    """The dashboard and API over the store at ``db`` (default: the user's store).

    With ``allowed_hosts``, only requests whose Host header names one of them are served
    (``*`` any, ``*.example.org`` its subdomains); others get a 400. With write tokens
    (``write_tokens``, else ``$TREATYWATCH_WRITE_TOKEN``), the write operations are served
    to requests that carry one (web/writes.py); without, there are none.
    """
    tokens = list(write_tokens) if write_tokens is not None else tokens_from_env()
    P = f"{API}/processes/{{slug}}"
    routes: list[BaseRoute] = [
        APIRoute("/", kept(home), response_class=HTMLResponse, include_in_schema=False),
        APIRoute(
            "/processes/{slug}",
            kept(process_page),
            response_class=HTMLResponse,
            include_in_schema=False,
        ),
        APIRoute(
            "/processes/{slug}/feed.atom",
            with_store(feed),
            response_class=AtomResponse,
            include_in_schema=False,
        ),
        APIRoute(
            "/processes/{slug}/calendar.ics",
            with_store(calendar_ics),
            response_class=CalendarResponse,
            include_in_schema=False,
        ),
        APIRoute(
            "/documents/{sha}",
            kept(document_page),
            response_class=HTMLResponse,
            include_in_schema=False,
        ),
        APIRoute(f"{API}/processes", kept(api_processes)),
        APIRoute(P, kept(api_process)),
        APIRoute(f"{P}/status", kept(api_status)),
        APIRoute(f"{P}/milestones", kept(api_milestones)),
        APIRoute(f"{P}/ratifications", kept(api_ratifications)),
        APIRoute(f"{P}/polls", kept(api_polls)),
        APIRoute(f"{P}/sources", kept(api_sources)),
        APIRoute(f"{P}/average", kept(api_average)),
        APIRoute(f"{P}/forecast", kept(api_forecast)),
        APIRoute(f"{API}/organizations/{{code}}/members", kept(api_members)),
        APIRoute(f"{P}/findings", kept(api_findings)),
        APIRoute(f"{P}/timeline", kept(api_timeline)),
        APIRoute(f"{P}/changes", kept(api_changes)),
        APIRoute(f"{P}/charts/{{kind}}", kept(api_chart)),
        APIRoute(f"{P}/{{table}}.csv", with_store(csv_table), response_class=CsvResponse),
        APIRoute(f"{API}/documents/{{sha}}", kept(api_document)),
        *(write_routes() if tokens else []),
        Route(f"{STATIC_URL_PREFIX}{{digest}}/{{name}}", vendored_file, methods=["GET"]),
    ]
    from treatywatch.queries.ready import ready_store

    with Store.open(db) as store:  # the bundled past rounds, as processes (once per store)
        ready_store(store)
    readers = Readers(db)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        readers.close()

    app = Dashboard(
        allowed_hosts=allowed_hosts,
        title="treatywatch",
        lifespan=lifespan,
        version="1",
        description="Accession processes, their ratifications and polls, each with its source line.",
        routes=routes,
        openapi_url=f"{API}/openapi.json",
        docs_url=None,  # the Swagger UI loads from a CDN; treatywatch stays offline
        redoc_url=None,
    )
    app.state.db = db
    app.state.readers = readers
    app.state.answers = Answers()
    app.state.write_tokens = tokens
    static = resources.files("treatywatch") / "render" / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    # Pages, JSON and the unhashed static files compressed for clients that accept gzip.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_SIZE, compresslevel=GZIP_LEVEL)
    # Errors in one shape (web/errors.py), each declared in the OpenAPI document.
    install_error_handlers(app)
    app.openapi_schema = finish_openapi(app.openapi(), app.routes)
    return app


def app_from_env() -> FastAPI:
    """The app over ``$TREATYWATCH_DB``, answering the hosts in ``$TREATYWATCH_ALLOWED_HOSTS``
    (any when unset): the factory ``serve`` gives uvicorn's workers."""
    db = os.environ.get(ENV_VAR)
    app = create_app(db, allowed_hosts_from_env())
    if os.environ.get(WARM_ENV) == "1":
        import threading

        threading.Thread(target=warm_derived, args=(db,), daemon=True, name="warm").start()
    return app

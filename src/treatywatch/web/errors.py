"""The one error shape, ``{"error": {"status", "message"}}``: its model, responses and handlers.

Under ``/api/`` an error is JSON; elsewhere (pages, static files) it is an HTML page with the
same status. Every status an API operation can answer is declared in the OpenAPI document
with the :class:`ErrorBody` schema (:func:`document_errors`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute

from treatywatch.errors import InputError, NotFoundError
from treatywatch.render.pages import render

API = "/api/v1"


class ErrorDetail(BaseModel):
    """What went wrong: the HTTP status again, and a sentence for a person."""

    model_config = ConfigDict(extra="forbid")
    status: int
    message: str


class ErrorBody(BaseModel):
    """Every error the API answers has this shape."""

    model_config = ConfigDict(extra="forbid", title="Error")
    error: ErrorDetail


# What each error status means, as the OpenAPI document says it.
DESCRIPTIONS = {
    400: "The Host header is not one this server answers to (when it has a host allow-list).",
    401: "A write without a valid write token (Authorization: Bearer …).",
    404: "No such process, document, organization, chart or table.",
    422: "A malformed parameter, e.g. an as_of that is not a calendar day written YYYY-MM-DD, "
    "or a write whose values treatywatch refuses (an unknown member, a date in the future).",
}


def _page_source_url(sha: str, line: int) -> str:
    return f"/documents/{sha}#L{line}"


def error_response(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """The error as JSON under ``/api/``, as an HTML page elsewhere."""
    if request.url.path.startswith(API):
        body = ErrorBody(error=ErrorDetail(status=status, message=message))
        return JSONResponse(body.model_dump(), status_code=status, headers=headers)
    html = render("error.html", _page_source_url, status=status, message=message)
    return HTMLResponse(html, status_code=status, headers=headers)


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_response(request, 404, str(exc))


async def _refused(request: Request, exc: Exception) -> Response:
    return error_response(request, 422, str(exc))


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if request.url.path.startswith(API):
        parts = [f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in errors]
        return error_response(request, 422, "; ".join(parts))
    # A page: plain words, and for a date the page cannot show, the as-of form again.
    bad_as_of = [e for e in errors if tuple(e["loc"]) == ("query", "as_of")]
    if bad_as_of:
        given = str(bad_as_of[0].get("input", ""))
        shown = given if len(given) <= 40 else given[:40] + "…"
        message = (
            f"“{shown}” is not a date this page can show. Write a day as YYYY-MM-DD "
            "(2016-12-31), a month as YYYY-MM (2017-05, its last day) or a year as YYYY "
            "(2017, its last day)."
        )
    else:
        message = "; ".join(str(e["msg"]) for e in errors)
    html = render(
        "error.html",
        _page_source_url,
        status=422,
        message=message,
        as_of_action=request.url.path if bad_as_of else None,
    )
    return HTMLResponse(html, status_code=422)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        # Every route answers GET, and HEAD with it (web/security.py); Starlette's own 405s
        # (static files) name no method at all.
        methods = [m.strip() for m in headers.get("Allow", "GET").split(",")]
        if "GET" in methods and "HEAD" not in methods:
            methods.append("HEAD")
        headers["Allow"] = ", ".join(methods)
    return error_response(request, exc.status_code, str(exc.detail), headers)


async def _internal(request: Request, exc: Exception) -> Response:
    # Starlette logs the exception and re-raises it after sending this.
    return error_response(request, 500, "internal error; please report it as a bug")


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error in the one shape."""
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(InputError, _refused)  # a value treatywatch refuses
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _internal)


def _statuses(route: APIRoute) -> list[int]:
    """The error statuses an API operation can answer."""
    statuses = [400]
    writes = "POST" in (route.methods or ())
    if writes:
        statuses.append(401)
    if route.dependant.path_params:
        statuses.append(404)
    if route.dependant.query_params or writes:
        statuses.append(422)
    return statuses


def document_errors(openapi: dict[str, Any], routes: list[BaseRoute]) -> dict[str, Any]:
    """Declare each operation's error statuses, with the :class:`ErrorBody` schema."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(body.pop("$defs", {}))
    schemas["Error"] = body
    ref = {"$ref": "#/components/schemas/Error"}
    for route in routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            responses = openapi["paths"][route.path_format][method.lower()]["responses"]
            responses.pop("422", None)  # FastAPI's, on any route with parameters; ours below
            for status in _statuses(route):
                responses[str(status)] = {
                    "description": DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": ref}},
                }
    # FastAPI's own 422 schemas, no longer referred to.
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return openapi

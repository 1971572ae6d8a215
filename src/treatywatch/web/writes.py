"""The API's write operations: start a process, record a member's act.

Off unless the server has write tokens (``serve --write-token NAME:SECRET`` or
``TREATYWATCH_WRITE_TOKEN``, several separated by commas). A request must carry
``Authorization: Bearer SECRET``; anything else gets 401 (the secret is compared in
constant time with every token). Each write is logged with its time and the token's
name, and is a record of its own like ``treatywatch record`` (nothing is overwritten).
Reads stay open.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from treatywatch import serialize
from treatywatch.domain.model import ActKind
from treatywatch.errors import InputError
from treatywatch.queries.status import process_status
from treatywatch.store.db import Store
from treatywatch.web.errors import API, error_response

if TYPE_CHECKING:
    from treatywatch.sources.recorded import Recorder

TOKEN_ENV = "TREATYWATCH_WRITE_TOKEN"
log = logging.getLogger("treatywatch.writes")


@dataclass(frozen=True)
class Token:
    name: str
    secret: str


def parse_tokens(text: str | None) -> list[Token]:
    """``NAME:SECRET`` (or a bare ``SECRET``, named "token"), comma-separated."""
    tokens = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        name, _, secret = part.rpartition(":")
        if len(secret) < 16:
            raise InputError("a write token's secret must be at least 16 characters")
        tokens.append(Token(name or "token", secret))
    return tokens


def tokens_from_env() -> list[Token]:
    return parse_tokens(os.environ.get(TOKEN_ENV))


def _authorized(request: Request, tokens: Sequence[Token]) -> Token | None:
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    given = given.strip() if scheme.lower() == "bearer" else ""
    found = None
    for t in tokens:  # every token compared, in constant time, whatever matches
        if hmac.compare_digest(given.encode(), t.secret.encode()) and given:
            found = t
    return found


class NewProcess(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: str = Field(max_length=80, examples=["my-sweden"])
    organization: str = Field(max_length=80, examples=["NATO"])
    candidates: list[str] = Field(min_length=1, max_length=20, examples=[["SE"]])
    signed: str | None = Field(default=None, max_length=10, examples=["2022-07-05"])
    source: str | None = Field(default=None, max_length=2000)
    quote: str | None = Field(default=None, max_length=2000)


class NewAct(BaseModel):
    model_config = ConfigDict(extra="forbid")
    member: str = Field(max_length=80, examples=["Türkiye"])
    act: ActKind
    date: str = Field(max_length=10, examples=["2024-01-25"])
    source: str = Field(min_length=1, max_length=2000, examples=["https://www.resmigazete.gov.tr/"])
    quote: str | None = Field(default=None, max_length=2000)
    correction: bool = False


def _recorder(request: Request) -> Recorder | Response:
    """Who writes (the token's name, now), or the 401 for a request without a valid token."""
    from treatywatch.sources.recorded import Recorder

    token = _authorized(request, request.app.state.write_tokens)
    if token is None:
        log.warning("write refused %s %s: no valid token", request.method, request.url.path)
        response = error_response(
            request, 401, "a valid write token is required (Authorization: Bearer …)"
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="treatywatch"'
        return response
    return Recorder(f"API token {token.name}", datetime.now(UTC))


# A value treatywatch refuses (InputError) is answered 422, an unknown process 404, by the
# app's error handlers (web/errors.py).


def create_process(request: Request, body: NewProcess) -> Any:
    """Start a process (a write token is required)."""
    from treatywatch.ingest import start_process

    who = _recorder(request)
    if isinstance(who, Response):
        return who
    with Store.open(request.app.state.db) as store:
        outcome = start_process(
            store,
            body.slug,
            body.organization,
            body.candidates,
            who,
            signed=body.signed,
            source=body.source,
            quote=body.quote,
        )
        status = process_status(store, outcome.process)
        names = store.document_paths(outcome.process)
    log.warning("write %s by %s: new process %s", who.at.isoformat(), who.by, outcome.process)
    return JSONResponse(serialize.status(status, names), status_code=201)


def record_act(request: Request, slug: str, body: NewAct) -> Any:
    """Record a member's dated act (a write token is required)."""
    from treatywatch.ingest import record_act as record

    who = _recorder(request)
    if isinstance(who, Response):
        return who
    with Store.open(request.app.state.db) as store:
        outcome, act = record(
            store,
            slug,
            body.member,
            body.act.value,
            body.date,
            body.source,
            who,
            quote=body.quote,
            correction=body.correction,
        )
    log.warning(
        "write %s by %s: %s %s %s %s",
        who.at.isoformat(),
        who.by,
        slug,
        act.member_code,
        act.kind.value,
        act.date.edtf,
    )
    names = {act.provenance.document: outcome.path}
    return JSONResponse(serialize.act(act, names), status_code=201)


def write_routes() -> list[APIRoute]:
    return [
        APIRoute(f"{API}/processes", create_process, methods=["POST"], status_code=201),
        APIRoute(f"{API}/processes/{{slug}}/acts", record_act, methods=["POST"], status_code=201),
    ]

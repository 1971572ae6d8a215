"""Finishing FastAPI's OpenAPI document: the error responses and what each path parameter takes.

FastAPI builds the document from the routes and their signatures; what it cannot know from
``slug: str`` (which values exist, which chart kinds there are) is added here, so clients and
schemathesis see the same choices the handlers make.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from treatywatch.render.process_charts import KINDS
from treatywatch.render.tables import TABLES
from treatywatch.web.errors import document_errors

# Path parameter -> what its schema adds to FastAPI's {"type": "string"}.
PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "slug": {
        "description": "A process: its slug, as /api/v1/processes lists them.",
        "examples": ["montenegro-nato"],
    },
    "kind": {"description": "The chart.", "enum": list(KINDS)},
    "table": {"description": "The table.", "enum": list(TABLES)},
    "code": {"description": "An organization's code.", "examples": ["NATO", "EU"]},
    "sha": {
        "description": "A document's SHA-256, as a process's sources list them.",
        "pattern": "^[0-9a-f]{64}$",
    },
}


def finish_openapi(openapi: dict[str, Any], routes: list[BaseRoute]) -> dict[str, Any]:
    """Declare every operation's errors and describe its path parameters."""
    document_errors(openapi, routes)
    for path in openapi["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                extra = (
                    PATH_PARAMETERS.get(parameter["name"]) if parameter["in"] == "path" else None
                )
                if extra:
                    parameter["description"] = extra["description"]
                    parameter["schema"].update(
                        {k: v for k, v in extra.items() if k != "description"}
                    )
    return openapi

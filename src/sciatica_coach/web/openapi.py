"""The OpenAPI schema says what the app really answers: the error bodies of `web/errors.py`, documented once.

Routes name the errors their use case can raise with `problem(...)`; `install` then makes every documented 422 the
`ValidationProblem` that `web/errors.py` sends (FastAPI's own default is `HTTPValidationError`, which is never sent),
adds the answers any request can get before or around a route (400, 503; 403 and 413 on unsafe methods) and, outside
`/api/`, the HTML page a browser gets instead of the JSON.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.domain.instruments.sbi import ITEM_MAX, ITEM_MIN

UNSAFE_METHODS = ("post", "put", "patch", "delete")
REF = "#/components/schemas/{model}"


class Problem(BaseModel):
    """An error: what is wrong, in words."""

    detail: str


class ValidationProblem(Problem):
    """The request is not valid: `detail` says so in words and `problems` names each field (a dotted path, or
    `request`) with what is wrong with it."""

    problems: dict[str, str]


class GateProblem(Problem):
    """Exercise is blocked: why, where to go about it, and whether it is urgent."""

    url: str
    urgent: bool


def problem(description: str, model: type[BaseModel] = Problem) -> dict[str, Any]:
    """A documented error answer for a route's `responses`."""
    return {"model": model, "description": description}


INVALID = problem("The request is not valid; `problems` names each field", ValidationProblem)
GATED = problem("Exercise is blocked until the safety questions are dealt with", GateProblem)

# Answers from outside the routes: unreadable requests and the security middleware, the database being down.
ANY_REQUEST = {
    "400": "The request could not be read (a body that is not UTF-8 JSON, or an address this app does not answer to)",
    "503": "The database is not answering; nothing saved is lost, try again in a minute",
}
UNSAFE_REQUEST = {
    "403": "Refused: the request was sent by another website",
    "413": "The request body is larger than the limit",
}


def _json(model: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": REF.format(model=model)}}}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a generated schema so each error answer is the one really sent (see the module's doc)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (Problem, ValidationProblem):
        components[model.__name__] = model.model_json_schema(ref_template=REF)
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses: dict[str, Any] = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"]["content"] = _json("ValidationProblem")
                if responses["422"].get("description") == "Validation Error":
                    responses["422"]["description"] = INVALID["description"]
            extra = {**ANY_REQUEST, **(UNSAFE_REQUEST if method in UNSAFE_METHODS else {})}
            for status, description in extra.items():
                responses.setdefault(status, {"description": description, "content": _json("Problem")})
            if not path.startswith("/api/"):
                for status, response in responses.items():
                    if status >= "400":
                        response.setdefault("content", {})["text/html"] = {"schema": {"type": "string"}}
            operation["responses"] = dict(sorted(responses.items()))
    return schema


def document_content(schema: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    """Name the ids the content defines where a body must use them: the short safety questions of the morning
    check-in (every one answered true or false) and the SBI's items (each a whole number 0-6)."""
    components = schema.get("components", {}).get("schemas", {})
    if "MorningBody" in components:
        ids = [item.id for item in catalog.red_flags.questions("short")]
        components["MorningBody"]["properties"]["red_flags"] = {
            "title": "Red Flags",
            "description": "Every short safety question, answered true (yes) or false (no)",
            "type": "object",
            "properties": {i: {"type": "boolean"} for i in ids},
            "required": ids,
            "additionalProperties": False,
        }
    if "SbiBody" in components:
        ids = [item.id for item in catalog.sbi.items]
        components["SbiBody"]["properties"]["answers"] = {
            "title": "Answers",
            "description": "Each SBI item, from 0 (not at all bothersome) to 6 (extremely bothersome)",
            "type": "object",
            "properties": {i: {"type": "integer", "minimum": ITEM_MIN, "maximum": ITEM_MAX} for i in ids},
            "required": ids,
            "additionalProperties": False,
        }
    return schema


def install(app: FastAPI, catalog: Catalog) -> None:
    """Serve the rewritten schema at the app's `openapi_url` (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            generated = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = document_content(document_errors(generated), catalog)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

"""The OpenAPI schema says what the JSON API really answers: schemathesis generates requests for every JSON operation
from the app's `/openapi.json` and runs them against the app in-process, on SQLite and PostgreSQL. No request may get
a 5xx, and every answer's status code, content type and body must be ones the schema documents.

The operations run twice, each time on a fresh database: as the app is first met (nobody screened, so starting a
session is gated) and with a clean screening and a session in progress, whose id is given to the session paths so the
requests reach a real session. Valid requests (positive) and requests the schema forbids (negative) are generated,
derandomized, so a run is the same every time. Every operation runs and all failures are reported together.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CheckFunction
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from helpers import Driver, screen_clean

CHECKS: list[CheckFunction] = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25
SESSION_PATH = "{session_id}"


def is_json_operation(path: str) -> bool:
    """The JSON API: `/api/...`, plus the two form posts that answer with a redirect or a JSON error."""
    return path.startswith("/api/") or path == "/sessions" or path.startswith("/plan/offers/")


def _modes(operation: dict[str, Any]) -> list[GenerationMode]:
    """Negative requests only where there is a body or a query to spoil: any text is a valid path parameter."""
    if operation.get("requestBody") or any(p["in"] != "path" for p in operation.get("parameters", [])):
        return [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    return [GenerationMode.POSITIVE]


def json_operations(schema: dict[str, Any]) -> list[tuple[str, str, list[GenerationMode]]]:
    """(method, path, modes) of every JSON operation in the order they run: starting a session, then the session's own
    paths with `/stop` (which ends it) last, then the rest (the check-ins' red flags lock exercise)."""
    found = [
        (method.upper(), path, _modes(operation))
        for path, operations in schema["paths"].items()
        if is_json_operation(path)
        for method, operation in operations.items()
    ]
    return sorted(
        found, key=lambda op: (op[1] != "/sessions", SESSION_PATH not in op[1], op[1].endswith("/stop"), op[1])
    )


@pytest.fixture
def api_schema(app: FastAPI, client: TestClient) -> Iterator[schemathesis.BaseSchema]:
    """The app's own schema, loaded through the app; the lifespan schemathesis started is shut down afterwards."""
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    asgi.shutdown_lifespans()


def _run(operation: schemathesis.APIOperation, mode: GenerationMode, path_parameters: dict[str, str]) -> None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=CHECKS, allow_redirects=False)

    run()


def test_every_json_operation_is_tested(client: TestClient) -> None:
    operations = json_operations(client.get("/openapi.json").json())
    paths = {path for _, path, _ in operations}
    assert {"/sessions", "/api/sessions/{session_id}", "/api/checkins/morning", "/api/plan", "/api/progress"} <= paths
    assert len(operations) >= 11
    assert operations[0][1] == "/sessions"
    in_session = [SESSION_PATH in path for _, path, _ in operations[1:]]
    assert in_session == sorted(in_session, reverse=True)
    assert [path for _, path, _ in operations if SESSION_PATH in path][-1].endswith("/stop")


@pytest.mark.parametrize("state", ["fresh", "session"])
def test_every_json_operation_answers_as_documented(
    api_schema: schemathesis.BaseSchema, app: FastAPI, client: TestClient, state: str
) -> None:
    if state == "session":
        screen_clean(app)
    failures = []
    for method, path, modes in json_operations(api_schema.raw_schema):
        path_parameters = {}
        if state == "session" and SESSION_PATH in path:
            path_parameters["session_id"] = Driver(client).start()  # the one in progress, or a new one after /stop
        for mode in modes:
            try:
                _run(api_schema[path][method], mode, path_parameters)
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis reports failures as a BaseExceptionGroup
                # every operation runs; all failures are reported together at the end
                failures.append(f"{method} {path} ({mode.value}, {state}):\n{exc}")
    assert not failures, "\n\n".join(failures)

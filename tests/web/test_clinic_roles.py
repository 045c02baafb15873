"""Clinic mode, role x route: every route of the app, asked by anonymous / patient / other patient / clinician /
other clinician / admin, answers what that role may get (on SQLite and PostgreSQL). A route added without a line
here fails `test_the_table_covers_every_route`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute
from starlette.websockets import WebSocketDisconnect

from sciatica_coach.domain.alerts import Raised
from sciatica_coach.domain.engine.prescription import default_prescription
from sciatica_coach.domain.engine.script import build_script
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.alerts import save_alerts
from sciatica_coach.storage.safety import record_screening
from sciatica_coach.storage.sessions import create_session
from web.clinic_world import ROLES, Clinic, clients, make_clinic

PATIENT_MODULES = {
    f"sciatica_coach.web.routes.{name}"
    for name in ("pages", "sessions", "history", "safety", "checkins", "progress", "messages", "exports", "reminders")
}
SESSION_PATHS = ("{session_id}",)
PATIENT_ONLY = {"patient": "ok", "other_patient": "ok", "clinician": 403, "other_clinician": 403, "admin": 403}
CLINICIAN_ONLY = {"patient": 403, "other_patient": 403, "clinician": 200, "other_clinician": 200, "admin": 403}
EVERYONE = dict.fromkeys(ROLES, "ok")


# One patient's pages for their clinician (`patient`'s, Dr Lee's): another clinician gets 404, as for a made-up id.
def _own_patient(clinician: int | str) -> dict[str, int | str]:
    return {"patient": 403, "other_patient": 403, "clinician": clinician, "other_clinician": 404, "admin": 403}


PATIENT_PAGE = "/clinic/patients/{patient_id}"
# Routes outside the patient routers: (method, path) -> role -> status ("ok": any answer that is not a refusal).
OTHER_ROUTES: dict[tuple[str, str], dict[str, int | str]] = {
    ("GET", "/clinic"): {"anonymous": 303, **CLINICIAN_ONLY},
    ("POST", "/clinic/invites"): {"anonymous": 401, **CLINICIAN_ONLY},
    ("GET", PATIENT_PAGE): {"anonymous": 303, **_own_patient(200)},
    ("POST", PATIENT_PAGE + "/messages"): {"anonymous": 401, **_own_patient(303)},
    ("POST", PATIENT_PAGE + "/messages/read"): {"anonymous": 401, **_own_patient(303)},
    ("POST", PATIENT_PAGE + "/assessment"): {"anonymous": 401, **_own_patient(422)},  # no form: nothing confirmed
    ("GET", PATIENT_PAGE + "/prescription"): {"anonymous": 303, **_own_patient(200)},
    # The patient's record for their clinician: the PDF report, JSON, FHIR and CSV downloads.
    ("GET", PATIENT_PAGE + "/report.pdf"): {"anonymous": 303, **_own_patient(200)},
    ("GET", PATIENT_PAGE + "/export.json"): {"anonymous": 303, **_own_patient(200)},
    ("GET", PATIENT_PAGE + "/export.fhir.json"): {"anonymous": 303, **_own_patient(200)},
    ("GET", PATIENT_PAGE + "/export.csv"): {"anonymous": 303, **_own_patient(200)},
    ("POST", PATIENT_PAGE + "/prescription"): {"anonymous": 401, **_own_patient(303)},
    ("POST", PATIENT_PAGE + "/changes/{change_id}"): {"anonymous": 401, **_own_patient(404)},  # a made-up id
    ("POST", PATIENT_PAGE + "/offers/{rule_id}"): {"anonymous": 401, **_own_patient(409)},  # no such offer
    ("POST", PATIENT_PAGE + "/reviews/{exercise_id}"): {"anonymous": 401, **_own_patient(404)},  # not paused
    ("GET", "/signin"): dict.fromkeys(ROLES, 200),
    ("POST", "/signin"): dict.fromkeys(ROLES, 422),  # no form sent: nobody is signed in or out by it
    ("POST", "/signout"): dict.fromkeys(ROLES, 303),
    ("GET", "/account"): {"anonymous": 303, **dict.fromkeys(ROLES[1:], 200)},
    ("POST", "/account/password"): {"anonymous": 401, **dict.fromkeys(ROLES[1:], 422)},  # no form: nothing changed
    # An alert about `patient` (Dr Lee's): another clinician's asking is a 404, never told apart from a missing one.
    # The page's form acknowledges it first (routes are asked in the order they are registered), so the JSON
    # acknowledgement that follows is told it was done already.
    ("GET", "/clinic/alerts/{alert_id}"): {"anonymous": 303, **CLINICIAN_ONLY, "other_clinician": 404},
    ("POST", "/clinic/alerts/{alert_id}/acknowledge"): {
        "anonymous": 401,
        **CLINICIAN_ONLY,
        "clinician": 303,
        "other_clinician": 404,
    },
    ("GET", "/api/clinic/alerts/{alert_id}"): {"anonymous": 401, **CLINICIAN_ONLY, "other_clinician": 404},
    ("POST", "/api/clinic/alerts/{alert_id}/acknowledge"): {
        "anonymous": 401,
        **CLINICIAN_ONLY,
        "clinician": 409,
        "other_clinician": 404,
    },
    ("GET", "/invite/{token}"): dict.fromkeys(ROLES, 404),  # a made-up token
    # The calendar feed needs no sign-in (calendar apps cannot sign in): a made-up token is a 404 for everyone.
    ("GET", "/calendar/{token}.ics"): dict.fromkeys(ROLES, 404),
    ("POST", "/invite/{token}"): dict.fromkeys(ROLES, 404),
    # Installable and offline: the manifest, the service worker and the offline page hold nothing personal.
    ("GET", "/manifest.webmanifest"): dict.fromkeys(ROLES, 200),
    ("GET", "/sw.js"): dict.fromkeys(ROLES, 200),
    ("GET", "/offline"): dict.fromkeys(ROLES, 200),
}
CHECK = {"index": 0, "back": 1, "leg": 1, "left_reach": "none", "right_reach": "none"}
# Valid bodies where a missing one would be refused (422) before the session is looked up.
JSON_BODIES = {
    "/api/sessions/{session_id}/progress": {"completed_index": 0},
    "/api/sessions/{session_id}/check": CHECK,
    "/api/clinic/alerts/{alert_id}/acknowledge": {"note": "Seen; phoning today."},
}
# The starting program with one more rep of the first exercise: a real change, saved as version 1.
PRESCRIPTION = {
    "items.0.exercise_id": "nerve-glide",
    "items.0.reps": "6",
    "items.0.hold_seconds": "5",
    "items.1.exercise_id": "prone-press-up",
    "items.1.reps": "5",
    "items.1.hold_seconds": "2",
    "items.2.exercise_id": "hip-hinge",
    "items.2.reps": "5",
    "items.2.hold_seconds": "2",
    "note": "One more glide.",
}
FORM_BODIES = {
    "/session/{session_id}/stop": {"without": "1"},
    PATIENT_PAGE + "/messages": {"body": "Hello"},
    PATIENT_PAGE + "/prescription": PRESCRIPTION,
    PATIENT_PAGE + "/changes/{change_id}": {"decision": "keep"},
    PATIENT_PAGE + "/offers/{rule_id}": {"answer": "accept"},
}
SIGNUP = {"email": "new@example.org", "password": "a long enough password", "confirm": "a long enough password"}


def _flat(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, including those of the included routers (FastAPI keeps each router as one entry; no prefixes)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from _flat(included.routes) if included is not None else [route]


def _routes(app: FastAPI) -> list[tuple[str, str, str]]:
    """(module, method, path) for every HTTP route the app serves."""
    found = []
    for route in _flat(app.routes):
        if isinstance(route, APIRoute):
            for method in sorted(route.methods - {"HEAD"}):
                found.append((route.endpoint.__module__, method, route.path))
    return sorted(found, key=lambda r: r[2] == "/signout")  # signing out last: the clients stay signed in till then


@pytest.fixture
def world(clinic_app: FastAPI) -> Iterator[tuple[Clinic, str, dict[str, TestClient]]]:
    clinic = make_clinic(clinic_app)
    assert clinic.patient.patient_id is not None
    with clinic_app.state.store.write(clinic.patient.patient_id) as db:  # alert 1, about Pat (Dr Lee's patient)
        kind = clinic_app.state.catalog.alerts.kind("leg-pain-high")
        raised = Raised(kind.id, kind.version, kind.tier, kind.reason, datetime.now(UTC))
        assert [row.id for row in save_alerts(db, clinic.patient.patient_id, [raised])] == [1]
    catalog = clinic_app.state.catalog
    with clinic_app.state.session_factory() as db:  # the patient's own session in progress
        assert clinic.patient.patient_id is not None
        record_screening(db, clinic.patient.patient_id, "full", all_no("full"))
        prescription = default_prescription(catalog.library)
        session = create_session(
            db, clinic.patient.patient_id, prescription, build_script(prescription, catalog.library)
        )
        db.commit()
        session_id = session.id
    with clients(clinic_app, clinic) as made:
        yield clinic, session_id, made


def test_the_table_covers_every_route(clinic_app: FastAPI) -> None:
    for module, method, path in _routes(clinic_app):
        assert module in PATIENT_MODULES or (method, path) in OTHER_ROUTES, f"{method} {path} has no expectation"
    assert len(_routes(clinic_app)) > 40  # the included routers were looked into
    sockets = [r.path for r in _flat(clinic_app.routes) if isinstance(r, APIWebSocketRoute)]
    assert sockets == ["/ws/camera/{session_id}"]  # covered by test_the_camera_socket_is_the_patients_own


def _expected(module: str, method: str, path: str, role: str) -> int | str:
    if module in PATIENT_MODULES:
        if role == "anonymous":
            return 303 if method == "GET" and not path.startswith("/api/") else 401
        if role == "other_patient" and any(part in path for part in SESSION_PATHS):
            return 404  # someone else's session id: not found, never told apart from a missing one
        return PATIENT_ONLY[role]
    return OTHER_ROUTES[(method, path)][role]


def test_every_route_answers_each_role_as_it_may(
    clinic_app: FastAPI, world: tuple[Clinic, str, dict[str, TestClient]]
) -> None:
    clinic, session_id, made = world
    exercise_id = next(iter(clinic_app.state.catalog.library.exercises))
    failures = []
    for module, method, template in _routes(clinic_app):
        path = template.format(
            session_id=session_id,
            exercise_id=exercise_id,
            token="not-a-real-token",
            rule_id="x",
            patient_id=clinic.patient.patient_id,
            change_id=999999,
            alert_id=1,
        )
        for role in ROLES:
            data = SIGNUP if template == "/invite/{token}" and method == "POST" else FORM_BODIES.get(template)
            answer = made[role].request(
                method,
                path,
                data=data,
                json=JSON_BODIES.get(template),
                headers={"accept": "text/html"},
                follow_redirects=False,
            )
            expected = _expected(module, method, template, role)
            got = answer.status_code
            if expected == "ok":
                refused = got in (401, 403) or (got == 303 and answer.headers["location"].startswith("/signin"))
                if refused or got >= 500:
                    failures.append(f"{role} {method} {template}: {got}, expected to get through")
            elif got != expected:
                failures.append(f"{role} {method} {template}: {got}, expected {expected}")
            if got == 303 and role == "anonymous" and not answer.headers["location"].startswith("/signin"):
                failures.append(f"{role} {method} {template}: sent to {answer.headers['location']}")
    assert not failures, "\n".join(failures)


def test_the_camera_socket_is_the_patients_own(world: tuple[Clinic, str, dict[str, TestClient]]) -> None:
    _, session_id, made = world
    for role in ("anonymous", "other_patient", "clinician", "admin"):
        with (
            made[role].websocket_connect(f"/ws/camera/{session_id}") as socket,
            pytest.raises(WebSocketDisconnect) as closed,
        ):
            socket.receive_json()
        assert closed.value.code == 4404, role
    with made["patient"].websocket_connect(f"/ws/camera/{session_id}") as socket:
        socket.send_json({"type": "exercise", "exercise_id": "nope"})
        assert socket.receive_json()["type"] == "error"  # the socket is open and answering: the session is hers

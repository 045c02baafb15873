"""The camera WebSocket: strict validation that never kills the socket, only your own session, results saved."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from sciatica_coach.domain.engine.prescription import default_prescription
from sciatica_coach.domain.engine.record import SessionRecord
from sciatica_coach.domain.engine.script import build_script
from sciatica_coach.domain.motion import PoseFrame
from sciatica_coach.domain.motion.results import merge_camera
from sciatica_coach.domain.motion.synthetic import SyntheticSpec, generate
from sciatica_coach.storage.models import ExerciseSession, Patient
from sciatica_coach.storage.patients import default_patient
from sciatica_coach.storage.sessions import create_session
from sciatica_coach.web.camera_messages import FLAG_PERSON, FRAME_BYTES, FRAME_HEADER, MAX_MESSAGE_CHARS

HINGE_INDEX = 2  # the standard program: nerve glide, prone press-up, hip hinge


def make_session(app: FastAPI, *, mine: bool = True, status: str = "in_progress") -> str:
    """A session with the standard program, for the default patient or for somebody else."""
    with app.state.session_factory() as db:
        if mine:
            patient = default_patient(db)
        else:
            patient = Patient(display_name="Someone else", is_default=False)
            db.add(patient)
            db.flush()
        library = app.state.catalog.library
        prescription = default_prescription(library)
        row = create_session(db, patient.id, prescription, build_script(prescription, library))
        row.status = status
        db.commit()
        return row.id


def stored_record(app: FastAPI, session_id: str) -> tuple[SessionRecord, int]:
    """The saved record and position of a session."""
    with app.state.session_factory() as db:
        row = db.get(ExerciseSession, session_id)
        assert row is not None
        return SessionRecord.from_dict(row.record), row.position


def standing(t: float) -> dict[str, Any]:
    """A valid frame message: a plausible standing person seen from the side."""
    points = []
    for i in range(33):
        y = 0.1 + 0.8 * i / 32
        points.append([0.5, round(y, 4), 0.0, 0.9])
    return {"type": "frame", "t": t, "width": 640, "height": 480, "landmarks": points}


def exercise(index: int = HINGE_INDEX, exercise_id: str = "hip-hinge", side: str = "") -> dict[str, Any]:
    return {"type": "exercise", "exercise_id": exercise_id, "exercise_index": index, "side": side}


def ask(ws: WebSocketTestSession, message: dict[str, Any] | str) -> dict[str, Any]:
    """Send one message and return the answer."""
    ws.send_text(message if isinstance(message, str) else json.dumps(message))
    answer: dict[str, Any] = ws.receive_json()
    return answer


def assert_error(answer: dict[str, Any], *words: str) -> None:
    assert answer["type"] == "error", answer
    for word in words:
        assert word in answer["message"], answer["message"]


def test_bad_messages_are_answered_and_the_socket_stays_usable(app: FastAPI, client: TestClient) -> None:
    session_id = make_session(app)
    with client.websocket_connect(f"/ws/camera/{session_id}") as ws:
        assert_error(ask(ws, standing(0.0)), "exercise")  # frames before saying which exercise
        assert ask(ws, exercise())["type"] == "exercise"

        short = standing(0.1)
        short["landmarks"] = short["landmarks"][:32]
        assert_error(ask(ws, short), "33")
        three = standing(0.1)
        three["landmarks"][5] = [0.5, 0.5, 0.0]
        assert_error(ask(ws, three), "landmark 5")
        text_point = standing(0.1)
        text_point["landmarks"][0][0] = "0.5"
        assert_error(ask(ws, text_point), "number")
        nan = json.dumps(standing(0.1)).replace("0.9]", "NaN]", 1)
        assert_error(ask(ws, nan), "finite")
        infinite = json.dumps(standing(0.1)).replace('"t": 0.1', '"t": Infinity')
        assert_error(ask(ws, infinite), "finite")
        too_big = standing(0.1)
        too_big["landmarks"][3][1] = 1e6
        assert_error(ask(ws, too_big), "outside")
        extra = {**standing(0.1), "image": "data:image/jpeg;base64,AAAA"}
        assert_error(ask(ws, extra), "unexpected image")
        assert_error(ask(ws, {**standing(0.1), "width": 0}), "width")
        assert_error(ask(ws, "not json"), "JSON")
        assert_error(ask(ws, [1, 2]), "object")  # type: ignore[arg-type]
        assert_error(ask(ws, {"type": "pixels"}), "unknown message type")
        oversize = json.dumps({**standing(0.1), "pad": "x" * MAX_MESSAGE_CHARS})
        assert_error(ask(ws, oversize), "too long")
        assert_error(ask(ws, exercise(HINGE_INDEX, "nerve-glide")), "no exercise")
        assert_error(ask(ws, exercise(7)), "no exercise")

        # After all that, the same socket still analyses frames.
        status = ask(ws, standing(0.2))
        assert status["type"] == "status"
        assert status["t"] == 0.2
        assert status["exercise_index"] == HINGE_INDEX
        assert status["rep_count"] == 0
        assert isinstance(status["visible"], bool)
        assert_error(ask(ws, standing(0.1)), "backwards")
        null_frame = {**standing(0.3), "landmarks": None}
        assert ask(ws, null_frame)["type"] == "status"


def test_another_patients_session_is_refused(app: FastAPI, client: TestClient) -> None:
    theirs = make_session(app, mine=False)
    with client.websocket_connect(f"/ws/camera/{theirs}") as ws, pytest.raises(WebSocketDisconnect) as refused:
        ws.receive_json()
    assert refused.value.code == 4404
    assert "no such session" in refused.value.reason
    with client.websocket_connect("/ws/camera/not-a-session") as ws, pytest.raises(WebSocketDisconnect) as missing:
        ws.receive_json()
    assert missing.value.code == 4404
    record, _ = stored_record(app, theirs)
    assert all(e.camera is None for e in record.exercises)


def test_finished_session_and_other_sites_are_refused(app: FastAPI, client: TestClient) -> None:
    done = make_session(app, status="completed")
    with client.websocket_connect(f"/ws/camera/{done}") as ws, pytest.raises(WebSocketDisconnect) as finished:
        ws.receive_json()
    assert finished.value.code == 4409
    mine = make_session(app)
    headers = {"origin": "http://evil.example"}
    with pytest.raises(WebSocketDisconnect) as cross, client.websocket_connect(f"/ws/camera/{mine}", headers=headers):
        pass  # refused before the handshake completes
    assert cross.value.code == 1008  # policy violation


def test_merge_adds_a_second_stretch_of_camera_use() -> None:
    first = {"rep_count": 2, "reps": [{"faults": ["rounded-back"]}, {"faults": []}], "holds": [], "warnings": ["a"]}
    second = {"rep_count": 1, "reps": [{"faults": ["rounded-back"]}], "holds": [{"seconds": 2}], "warnings": ["a"]}
    merged = merge_camera(first, second)
    assert merged["rep_count"] == 3
    assert len(merged["reps"]) == 3
    assert merged["holds"] == [{"seconds": 2}]
    assert merged["warnings"] == ["a"]
    assert merged["faults"] == {"rounded-back": 2}
    assert merged["fault_text"] == {"rounded-back": "Keep your back long and flat."}
    assert merge_camera(None, second) == {**second, "faults": {"rounded-back": 1}, "fault_text": merged["fault_text"]}


def set_position(app: FastAPI, session_id: str, position: int) -> None:
    with app.state.session_factory() as db:
        row = db.get(ExerciseSession, session_id)
        assert row is not None
        row.position = position
        db.commit()


def test_exercise_change_finish_and_disconnect_save_camera_results(app: FastAPI, client: TestClient) -> None:
    session_id = make_session(app)
    set_position(app, session_id, 17)
    with client.websocket_connect(f"/ws/camera/{session_id}") as ws:
        assert ask(ws, exercise(1, "prone-press-up"))["type"] == "exercise"
        for i in range(5):
            assert ask(ws, standing(i / 10))["type"] == "status"
        # Moving to the next exercise saves the press-up's results.
        assert ask(ws, exercise())["type"] == "exercise"
        record, position = stored_record(app, session_id)
        assert position == 17
        assert record.exercises[1].camera is not None
        assert record.exercises[1].camera["frames"] == 5
        assert record.exercises[1].camera["exercise"] == "prone-press-up"
        assert record.exercises[2].camera is None
        for i in range(3):
            ask(ws, standing(1 + i / 10))
        finished = ask(ws, {"type": "finish"})
        assert finished == {"type": "finished", "saved": [{"exercise_index": HINGE_INDEX, "rep_count": 0}]}
        # The camera is switched on again for the same exercise: a second stretch is added, not overwriting.
        assert ask(ws, exercise())["type"] == "exercise"
        ask(ws, standing(5.0))
    record, position = stored_record(app, session_id)  # closing the socket saved the last stretch
    assert position == 17
    hinge = record.exercises[HINGE_INDEX].camera
    assert hinge is not None
    assert hinge["frames"] == 4
    assert record.exercises[0].camera is None
    assert record.status == "in_progress"


def frame_message(frame: PoseFrame, offset: float = 0.0) -> dict[str, Any]:
    """A synthetic PoseFrame as the browser would send it (rounded numbers)."""
    landmarks = None if frame.landmarks is None else np.round(frame.landmarks, 5).tolist()
    return {"type": "frame", "t": round(frame.t + offset, 3), "width": frame.width, "height": frame.height,
            "landmarks": landmarks}  # fmt: skip


def test_synthetic_hinge_reps_are_counted_live_and_saved_with_faults(app: FastAPI, client: TestClient) -> None:
    session_id = make_session(app)
    frames = generate(SyntheticSpec("hip-hinge", reps=5, faults=frozenset({"rounded-back"}), fps=10, noise=0.02))
    counts = []
    with client.websocket_connect(f"/ws/camera/{session_id}") as ws:
        ask(ws, exercise())
        for frame in frames:
            status = ask(ws, frame_message(frame))
            assert status["type"] == "status", status
            counts.append(status["rep_count"])
        assert ask(ws, {"type": "finish"})["saved"] == [{"exercise_index": HINGE_INDEX, "rep_count": 5}]
    assert counts[-1] == 5
    assert counts == sorted(counts)  # the live count only goes up, one at a time
    assert set(np.diff(counts)) <= {0, 1}
    record, _ = stored_record(app, session_id)
    camera = record.exercises[HINGE_INDEX].camera
    assert camera is not None
    assert camera["rep_count"] == 5 and len(camera["reps"]) == 5
    assert camera["faults"].get("rounded-back", 0) >= 4
    assert camera["fault_text"]["rounded-back"] == "Keep your back long and flat."
    assert record.exercises[HINGE_INDEX].reps_done == {"": 0}  # self-reported reps are left alone
    page = client.get(f"/history/{session_id}")
    assert page.status_code == 200
    assert "Camera counted</strong> 5 reps" in page.text
    assert "Keep your back long and flat." in page.text


def test_glide_sides_follow_the_player_and_are_saved_per_side(app: FastAPI, client: TestClient) -> None:
    session_id = make_session(app)
    left = generate(SyntheticSpec("nerve-glide", reps=3, side="left", hold=5.0, fps=10))
    right = generate(SyntheticSpec("nerve-glide", reps=2, side="right", hold=5.0, fps=10))
    with client.websocket_connect(f"/ws/camera/{session_id}") as ws:
        ask(ws, exercise(0, "nerve-glide", "left"))
        for frame in left:
            ask(ws, frame_message(frame))
        ask(ws, exercise(0, "nerve-glide", "right"))
        offset = left[-1].t + 1.0
        for frame in right:
            last = ask(ws, frame_message(frame, offset))
        assert last["rep_count"] == 5
    record, _ = stored_record(app, session_id)
    camera = record.exercises[0].camera
    assert camera is not None
    assert camera["reps_by_side"] == {"left": 3, "right": 2}
    assert len(camera["holds"]) == 5
    assert all(hold["seconds"] > 4 for hold in camera["holds"])


def test_camera_result_partial_puts_the_counts_in_words(app: FastAPI) -> None:
    template = app.state.templates.env.get_template("session/_camera_result.html")
    camera = {
        "rep_count": 4,
        "reps_by_side": {"left": 3, "right": 1},
        "holds": [{"seconds": 4.8}, {"seconds": 5.25}],
        "faults": {"no-head-lift": 2},
        "fault_text": {"no-head-lift": "Lift your head <and> shoulders."},
        "warnings": [],
    }
    html = " ".join(template.render(line=SimpleNamespace(camera=camera)).split())
    assert "Camera counted</strong> 4 reps (left 3, right 1); 2 holds timed, longest 5.2 s." in html
    assert 'Lift your head &lt;and&gt; shoulders. <span class="muted">(2 of 4 reps)</span>' in html
    assert template.render(line=SimpleNamespace(camera=None)).strip() == ""


def binary_frame(t: float, landmarks: Any, width: int = 640, height: int = 480, flags: int | None = None) -> bytes:
    """A frame as camera.js sends it: the 16-byte header and 33 x 4 float32 numbers (zeros when nobody)."""
    if flags is None:
        flags = 0 if landmarks is None else FLAG_PERSON
    points = np.zeros((33, 4)) if landmarks is None else np.asarray(landmarks)
    return FRAME_HEADER.pack(t, width, height, flags) + points.astype("<f4").tobytes()


def standing_points() -> list[list[float]]:
    landmarks: list[list[float]] = standing(0.0)["landmarks"]
    return landmarks


def test_binary_frames_are_validated_without_closing_the_socket(app: FastAPI, client: TestClient) -> None:
    session_id = make_session(app)
    good = standing_points()
    assert len(binary_frame(0.0, good)) == FRAME_BYTES == 544
    with client.websocket_connect(f"/ws/camera/{session_id}") as ws:
        ws.send_bytes(binary_frame(0.0, good))
        assert_error(ws.receive_json(), "exercise")  # frames before saying which exercise
        assert ask(ws, exercise())["type"] == "exercise"
        nan = np.array(good)
        nan[4, 0] = np.nan
        far = np.array(good)
        far[7, 1] = 1e6
        seen = np.array(good)
        seen[3, 3] = 1.5
        for bad, words in [
            (binary_frame(0.1, nan), "finite"),
            (binary_frame(0.1, far), "outside"),
            (binary_frame(0.1, seen), "visibility"),
            (binary_frame(0.1, good, flags=0), "only zeros"),  # "nobody" cannot carry numbers
            (binary_frame(0.1, good, flags=7), "flags"),
            (binary_frame(0.1, good, width=0), "width"),
            (binary_frame(float("nan"), good), "t must"),
            (binary_frame(-1.0, good), "t must"),
        ]:
            ws.send_bytes(bad)
            assert_error(ws.receive_json(), words)
        ws.send_bytes(binary_frame(0.2, good))
        status = ws.receive_json()
        assert status["type"] == "status" and status["t"] == 0.2 and status["exercise_index"] == HINGE_INDEX
        ws.send_bytes(binary_frame(0.1, good))
        assert_error(ws.receive_json(), "backwards")
        # The same still person a few frames on: nothing new to say, so no answer until half a second has passed.
        for t in (0.25, 0.3, 0.35):
            ws.send_bytes(binary_frame(t, good))
        ws.send_bytes(binary_frame(0.75, good))
        later = ws.receive_json()
        assert later["type"] == "status" and later["t"] == 0.75, later
        ws.send_bytes(binary_frame(0.8, None))  # nobody in the picture
        ws.send_text(json.dumps({"type": "finish"}))
        answers = [ws.receive_json()]
        if answers[0]["type"] == "status":
            answers.append(ws.receive_json())
        assert answers[-1] == {"type": "finished", "saved": [{"exercise_index": HINGE_INDEX, "rep_count": 0}]}
    record, _ = stored_record(app, session_id)
    camera = record.exercises[HINGE_INDEX].camera
    assert camera is not None and camera["frames"] == 6


@pytest.mark.parametrize(
    "payload",
    [
        b"\xff\xd8\xff\xe0" + bytes(4000),  # a JPEG would start like this
        b"\x89PNG\r\n\x1a\n" + bytes(FRAME_BYTES - 8 + 1),  # one byte too many
        bytes(FRAME_BYTES - 1),
        bytes(2 * FRAME_BYTES),  # two frames at once
        b"",
    ],
    ids=["jpeg", "545", "543", "1088", "empty"],
)
def test_a_binary_message_of_any_other_size_closes_the_socket(app: FastAPI, client: TestClient, payload: bytes) -> None:
    session_id = make_session(app)
    with client.websocket_connect(f"/ws/camera/{session_id}") as ws:
        assert ask(ws, exercise())["type"] == "exercise"
        ws.send_bytes(binary_frame(0.0, standing_points()))
        assert ws.receive_json()["type"] == "status"
        ws.send_bytes(payload)
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1003
    assert f"exactly {FRAME_BYTES} bytes" in closed.value.reason
    record, _ = stored_record(app, session_id)  # what was counted before is still saved
    camera = record.exercises[HINGE_INDEX].camera
    assert camera is not None and camera["frames"] == 1


def test_synthetic_hinge_over_binary_frames_counts_like_json(app: FastAPI, client: TestClient) -> None:
    session_id = make_session(app)
    frames = generate(SyntheticSpec("hip-hinge", reps=5, faults=frozenset({"rounded-back"}), fps=30, noise=0.02))
    statuses = []
    with client.websocket_connect(f"/ws/camera/{session_id}") as ws:
        ask(ws, exercise())
        for frame in frames:
            ws.send_bytes(binary_frame(frame.t, frame.landmarks))
        ws.send_text(json.dumps({"type": "finish"}))
        while (answer := ws.receive_json())["type"] == "status":
            statuses.append(answer)
    assert answer == {"type": "finished", "saved": [{"exercise_index": HINGE_INDEX, "rep_count": 5}]}
    counts = [s["rep_count"] for s in statuses]
    assert counts == sorted(counts) and counts[-1] == 5
    assert set(np.diff(counts)) <= {0, 1} and len(set(counts)) == 6  # every new count was told
    assert len(statuses) < len(frames) / 2  # answers only when something changed
    times = [s["t"] for s in statuses]
    assert times == sorted(times) and set(times) <= {frame.t for frame in frames}
    assert max(np.diff(times)) <= 0.5 + 1 / 30 + 1e-9  # never silent for much longer than half a second
    record, _ = stored_record(app, session_id)
    camera = record.exercises[HINGE_INDEX].camera
    assert camera is not None and camera["rep_count"] == 5 and camera["frames"] == len(frames)
    assert camera["faults"].get("rounded-back", 0) >= 4

"""The camera coach's WebSocket: body landmarks in (never pixels), the analyzer's live answers out.

The browser runs the pose model itself and sends, for each analysed video frame, 33 landmarks of four numbers,
the frame time and the video size: a fixed-size binary frame (`camera_messages.FRAME_BYTES`; a binary message of any
other size closes the socket with a reason, since it could be a picture) or, from older pages, JSON text. Other bad
messages (bad numbers, oversized or malformed text) are refused with an error message and the socket stays open.
When the exercise changes, the session finishes or the socket closes, the analyzer's results are saved in
`record.exercises[i].camera` beside what the person reported themselves.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from sciatica_coach.domain.engine.record import SessionRecord
from sciatica_coach.storage.sessions import get_session
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.patients import local_patient_id
from sciatica_coach.usecases.sessions import save_camera_results
from sciatica_coach.web.auth import signed_in
from sciatica_coach.web.camera_messages import (
    WRONG_SIZE_REASON,
    MessageError,
    WrongSizeError,
    parse_frame_bytes,
    parse_message,
)
from sciatica_coach.web.camera_tracking import CameraSocket
from sciatica_coach.web.security import WS_POLICY_VIOLATION, WS_REFUSED_REASON, websocket_refusal
from sciatica_coach.web.writes import run_write

router = APIRouter()
log = logging.getLogger(__name__)

CLOSE_NOT_YOURS = 4404
CLOSE_FINISHED = 4409
CLOSE_UNSUPPORTED = 1003  # unsupported data: a binary message that is not one frame


def _open(store: Store, session_id: str, patient_id: int | None) -> tuple[int, list[str], str] | None:
    if patient_id is None:
        patient_id = local_patient_id(store)
    with store.read() as db:
        row = get_session(db, patient_id, session_id)
        if row is None:
            return None
        record = SessionRecord.from_dict(row.record)
        return patient_id, [e.exercise_id for e in record.exercises], row.status


@router.websocket("/ws/camera/{session_id}")
async def camera_socket(websocket: WebSocket, session_id: str) -> None:
    """Live camera coaching for one of the current patient's sessions."""
    # Browsers always send Origin: refuse other sites' pages and unknown Host names before accepting (the
    # security middleware already did; this keeps the socket safe wherever the router is mounted).
    if websocket_refusal(websocket, websocket.app.state.settings.host_allow_list()) is not None:
        await websocket.close(WS_POLICY_VIOLATION, WS_REFUSED_REASON)
        return
    await websocket.accept()
    store: Store = websocket.app.state.store
    patient_id: int | None = None
    if websocket.app.state.settings.clinic:  # the signed-in patient's own sessions only
        who = await signed_in(websocket)
        if who is None or who.patient_id is None:
            await websocket.close(CLOSE_NOT_YOURS, "There is no such session of yours.")
            return
        patient_id = who.patient_id
    opened = await run_in_threadpool(_open, store, session_id[:64], patient_id)
    if opened is None:
        await websocket.close(CLOSE_NOT_YOURS, "There is no such session of yours.")
        return
    patient_id, exercise_ids, status = opened
    if status != "in_progress":
        await websocket.close(CLOSE_FINISHED, "This session is already over.")
        return
    state = CameraSocket(exercise_ids)

    async def flush() -> None:
        if state.pending:
            results, state.pending = state.pending, []
            await run_write(store, save_camera_results, store, patient_id, session_id, results)

    try:
        while True:
            incoming = await websocket.receive()
            if incoming["type"] == "websocket.disconnect":
                break
            text = incoming.get("text")
            try:
                if text is None:
                    reply = state.handle(parse_frame_bytes(incoming.get("bytes") or b""))
                else:
                    reply = state.handle(parse_message(text))
            except WrongSizeError:
                await websocket.close(CLOSE_UNSUPPORTED, WRONG_SIZE_REASON)
                break
            except MessageError as exc:
                reply = {"type": "error", "message": str(exc)}
            except Exception:  # an analyzer bug must not end the person's session; it is logged without data
                log.exception("camera analyzer failed on a message")
                reply = {"type": "error", "message": "the movement analyzer could not read that frame"}
            await flush()
            if reply is not None:
                await websocket.send_json(reply)
    except WebSocketDisconnect:
        pass
    finally:
        state.close()
        await flush()

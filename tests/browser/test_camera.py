"""The camera coach in Chromium with a real clip as a fake camera: it counts the reps as the same clip analysed
offline does, with the same holds, and only numbers leave the page.

Pose runs in the browser on software WebGL at roughly one frame a second, so the clip is slowed down 12 times (each
rep then spans 30-50 analysed frames) and the session clock slowed as much, so frame times keep the clip's real pace.
The counting test takes five to seven minutes (the pose model's 30-50 s start included).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Playwright, WebSocket, expect

import sciatica_coach
from browser.camera_clip import (
    FakeCamera,
    hold_differences,
    holds_by_rep,
    labelled_clip,
    make_fake_camera,
    offline_result,
)
from browser.conftest import LiveServer, chromium, fresh_page
from browser.player_steps import UNDO_WAIT, skip_to_next_exercise, start_session
from helpers import clear_to_exercise, session_factory
from sciatica_coach.domain.engine.record import SessionRecord
from sciatica_coach.storage.models import ExerciseSession
from sciatica_coach.web.camera_messages import FRAME_BYTES, MAX_MESSAGE_CHARS, parse_frame_bytes

CLIP = "hinge-deadlift-side.mp4"
# Headless Chromium runs the pose model at 0.5-2 s a frame on software WebGL depending on the machine's load;
# at 12x slower each rep of the clip still spans a dozen or more analysed frames.
SLOWDOWN = 12.0
POSE_JS = Path(sciatica_coach.__file__).parent / "web" / "static" / "vendor" / "pose" / "pose.js"

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]


@pytest.fixture
def fake_camera(tmp_path: Path) -> FakeCamera:
    """The labelled hinge clip as a slowed-down MJPEG in tmp (skipped without ../shared/media; failed under CI)."""
    if not POSE_JS.exists():
        pytest.fail(f"{POSE_JS} is missing: run `make assets` (copies @mediapipe/pose from node_modules)")
    clip = labelled_clip(CLIP)
    assert clip.exercise == "hip-hinge"
    return make_fake_camera(clip, tmp_path, SLOWDOWN)


@pytest.fixture
def camera_page(playwright: Playwright, fake_camera: FakeCamera) -> Iterator[Page]:
    """A page in a second Chromium whose camera plays the clip (the shared browser has no fake camera)."""
    flags = [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={fake_camera.path}",
    ]
    with chromium(playwright, flags) as instance, fresh_page(instance, timeout_ms=30_000) as page:
        yield page


def saved_camera(database_url: str, session_id: str, exercise_index: int) -> dict[str, object] | None:
    """What the session record holds from the camera for one exercise."""
    with session_factory(database_url) as factory, factory() as db:
        row = db.get(ExerciseSession, session_id)
        assert row is not None
        return SessionRecord.from_dict(row.record).exercises[exercise_index].camera


def reps_shown(page: Page) -> int:
    return int(page.locator("[data-camera-reps]").text_content() or "0")


def story(answers: list[str | bytes]) -> str:
    """What the analyzer said over time, for a failure message: statuses, when the count moved, unseen ones."""
    statuses = [json.loads(a) for a in answers if isinstance(a, str) and '"status"' in a]
    moves, unseen, last = [], 0, 0
    for status in statuses:
        unseen += not status["visible"]
        if status["rep_count"] != last:
            moves.append(f"t={status['t']:.1f}->{status['rep_count']}")
            last = status["rep_count"]
    return f"{len(statuses)} statuses, count moved at {', '.join(moves) or 'never'}, {unseen} not seen"


def frame_json(payload: bytes) -> dict[str, object]:
    """A binary frame as the JSON frame message it replaces (to replay it through the analyzer)."""
    frame = parse_frame_bytes(payload)
    landmarks = None if frame.landmarks is None else frame.landmarks.tolist()
    return {"type": "frame", "t": frame.t, "width": frame.width, "height": frame.height, "landmarks": landmarks}


def assert_only_landmark_numbers(sent: list[str | bytes]) -> int:
    """Every frame the page sent is one binary message of exactly FRAME_BYTES (33 x 4 float32 numbers and a small
    header, far too small for a picture) holding valid landmark numbers; the only text messages are the short JSON
    exercise and finish messages. Returns how many frames."""
    frames = 0
    for payload in sent:
        if isinstance(payload, bytes):
            assert len(payload) == FRAME_BYTES, f"a {len(payload)}-byte binary message was sent"
            frame = parse_frame_bytes(payload)  # raises on anything but finite landmark numbers in range
            assert frame.width > 0 and frame.height > 0
            frames += 1
            continue
        assert len(payload) <= MAX_MESSAGE_CHARS, f"a {len(payload)}-character message was sent"
        assert "data:" not in payload and "base64" not in payload.lower()
        message = json.loads(payload)
        assert message["type"] in ("exercise", "finish"), message
        assert all(not isinstance(v, str) or len(v) < 40 for v in message.values()), message
    return frames


# The session clock runs as many times slower as the clip is slowed down, so frame times are at the clip's real pace.
# The pose model takes all the CPU it gets and the count needs enough analysed frames per rep: run it alone.
@pytest.mark.alone
@pytest.mark.video
@pytest.mark.parametrize("live_server", [1 / SLOWDOWN], indirect=True)
def test_camera_counts_the_hinge_clip_and_sends_only_landmarks(
    camera_page: Page, live_server: LiveServer, fake_camera: FakeCamera
) -> None:
    page = camera_page
    began = time.monotonic()
    clear_to_exercise(live_server.database_url)
    sent: list[str | bytes] = []
    answers: list[str | bytes] = []

    def watch(socket: WebSocket) -> None:
        if "/ws/camera/" in socket.url:
            socket.on("framesent", lambda payload: sent.append(payload))
            socket.on("framereceived", lambda payload: answers.append(payload))

    page.on("websocket", watch)
    posted: list[str] = []
    page.on("request", lambda request: posted.append(request.post_data or "") if request.method != "GET" else None)
    session_id = start_session(page, live_server.url)
    for _ in range(2):  # nerve glide and press-up skipped: on to the hip hinge
        skip_to_next_exercise(page)
    expect(page.locator("#exercise-name")).to_contain_text("Hip hinge")

    expect(page.locator("#camera-privacy")).to_contain_text("stays on this device")
    page.get_by_role("switch", name="Use camera").check()
    expect(page.locator("[data-camera-live]")).to_be_visible(timeout=90_000)
    camera_on = time.monotonic()  # the fake camera starts playing the clip when it is opened

    true_reps = labelled_clip(CLIP).true_reps
    deadline = camera_on + fake_camera.seconds + 20
    while reps_shown(page) < true_reps and time.monotonic() < deadline:
        page.wait_for_timeout(500)
    reached = time.monotonic()
    counted = reps_shown(page)
    dump = os.environ.get("SCIATICA_CAMERA_DUMP")  # a file to keep the frames sent, to replay through the analyzer
    if dump:
        Path(dump).write_text(json.dumps([frame_json(p) for p in sent if isinstance(p, bytes)]))
    assert counted == true_reps, f"camera counted {counted} of {true_reps}: {story(answers)}"
    # Let the rest of the clip play, up to its held last picture: the count must not run past the true number.
    page.wait_for_timeout(max(0.0, camera_on + fake_camera.safe_stop - time.monotonic()) * 1000)
    assert reps_shown(page) == true_reps, f"the count ran past {true_reps}: {story(answers)}"

    page.get_by_role("switch", name="Use camera").uncheck()
    expect(page.locator("[data-camera-message]")).to_contain_text("saved")
    camera = saved_camera(live_server.database_url, session_id, 2)
    assert camera is not None
    assert camera["rep_count"] == true_reps
    assert camera["exercise"] == "hip-hinge"
    # Live equals offline: the same window through `sciatica-coach analyze`'s path gives the same count and each
    # rep's hold within half a second of the one the camera saved.
    offline = offline_result(labelled_clip(CLIP))
    assert offline["rep_count"] == true_reps
    differences = hold_differences(camera, offline)
    assert not differences, f"{differences}: live holds {camera['holds']}, offline holds {offline['holds']}"

    frames = assert_only_landmark_numbers(sent)
    assert frames >= 4 * true_reps
    assert all(isinstance(answer, str) for answer in answers)
    for body in posted:  # nor did any other request carry a picture
        assert len(body) < MAX_MESSAGE_CHARS and "data:" not in body and "base64" not in body.lower(), body[:200]
    pairs = zip(holds_by_rep(camera)[0], holds_by_rep(offline)[0], strict=True)
    held = ", ".join(f"{live:.2f}/{off:.2f}" for live, off in pairs)
    print(
        f"\ncamera test: {counted} reps counted (true {true_reps}), {frames} frames sent "
        f"({frames / (time.monotonic() - camera_on):.2f}/s), count reached after {reached - camera_on:.0f} s "
        f"of a {fake_camera.seconds:.0f} s clip, holds by rep live/offline {held} s, "
        f"whole test {time.monotonic() - began:.0f} s"
    )


def switch_camera_on_at_the_hinge(page: Page, base_url: str) -> None:
    start_session(page, base_url)
    for _ in range(2):
        skip_to_next_exercise(page)
    expect(page.locator("#exercise-name")).to_contain_text("Hip hinge")
    page.get_by_role("switch", name="Use camera").check()


def test_without_a_camera_a_clear_message_and_the_session_carries_on(page: Page, live_server: LiveServer) -> None:
    clear_to_exercise(live_server.database_url)
    switch_camera_on_at_the_hinge(page, live_server.url)  # the shared headless Chromium has no camera at all
    expect(page.locator("[data-camera-message]")).to_contain_text("No camera was found")
    expect(page.get_by_role("switch", name="Use camera")).not_to_be_checked()
    expect(page.locator("[data-camera-live]")).to_be_hidden()
    page.locator("#skip").click()  # the session itself goes on to its end
    page.get_by_role("button", name="Yes, skip").click()
    expect(page.locator("#summary")).to_be_visible(timeout=UNDO_WAIT)


def test_camera_permission_refused_says_how_to_allow_it(playwright: Playwright, live_server: LiveServer) -> None:
    clear_to_exercise(live_server.database_url)
    flags = ["--use-fake-device-for-media-stream"]  # a camera, but no permission given
    with chromium(playwright, flags) as instance, fresh_page(instance, timeout_ms=30_000) as page:
        switch_camera_on_at_the_hinge(page, live_server.url)
        expect(page.locator("[data-camera-message]")).to_contain_text("permission was not given", timeout=90_000)
        expect(page.get_by_role("switch", name="Use camera")).not_to_be_checked()
        expect(page.locator("#player")).to_have_attribute("data-state", "running")


ENCODE_FRAMES = """async () => {
  const { landmarkFrame, FRAME_BYTES } = await import("/static/js/camera_pose.js");
  const points = Array.from({ length: 33 }, (_, i) => ({ x: i / 40, y: 1 - i / 40, z: -0.1 * i, visibility: 0.9 }));
  points[3] = { x: NaN, y: 0.5, z: 0, visibility: 1.5 };  // a bad number becomes 0, visibility stays within 0-1
  const frames = [
    landmarkFrame(12.345, 640, 480, points),
    landmarkFrame(12.5, 640, 480, null),  // nobody in the picture
    landmarkFrame(13, 1280, 720, points.slice(0, 5)),  // not a whole body: sent as nobody
  ];
  return { size: FRAME_BYTES, frames: frames.map((buffer) => Array.from(new Uint8Array(buffer))) };
}"""


def test_the_page_encodes_frames_the_server_reads(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    encoded = page.evaluate(ENCODE_FRAMES)
    assert encoded["size"] == FRAME_BYTES
    whole, nobody, partial = (parse_frame_bytes(bytes(frame)) for frame in encoded["frames"])
    assert (whole.t, whole.width, whole.height, whole.compact) == (12.345, 640, 480, True)
    assert whole.landmarks is not None and whole.landmarks.shape == (33, 4)
    assert abs(whole.landmarks[10, 0] - 10 / 40) < 1e-6 and abs(whole.landmarks[10, 1] - 30 / 40) < 1e-6
    assert abs(whole.landmarks[10, 2] + 1.0) < 1e-6 and abs(whole.landmarks[10, 3] - 0.9) < 1e-6
    assert list(whole.landmarks[3]) == [0.0, 0.5, 0.0, 1.0]
    assert nobody.landmarks is None and nobody.t == 12.5
    assert partial.landmarks is None and (partial.width, partial.height) == (1280, 720)

"""Browser landmarks against offline ones, without the camera: the hinge clip's frames (640 px JPEG, as the camera
test's fake camera gets them) sent one by one to the pose model in Chromium (`static/js/camera_pose.js`), each with
a time stamp, then through the analyzer; compared with the offline analysis of the same window (the landmark cache).

The time stamps are the frame times at the movement's real pace (what the page gives since the holds branch) and,
with `--stretch 12`, 12 times slower (what the page's clock gave in the 12x slowed camera test before). Prints the
mean difference of the rep signal to offline, the reps and each rep's hold, and whether the camera test's
comparison (same count, holds within 0.5 s) passes. About 2 minutes per time base and 100 frames; CPU-heavy.

    PYTHONPATH=src:tests python bench/browser_landmarks.py [--fps 10] [--stretch 1,12]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

import numpy as np

from browser.camera_clip import LANDMARK_CACHE, hold_differences, holds_by_rep, labelled_clip, offline_result
from sciatica_coach.domain.motion import PoseFrame, create_analyzer
from sciatica_coach.video.landmark_cache import cached_track

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "src" / "sciatica_coach" / "web" / "static"
CLIP = "hinge-deadlift-side.mp4"
PAGE = """<!doctype html><script type=module>
import { createPoseTracker } from "/static/js/camera_pose.js";
window.track = async (count, fps, stretch) => {
  let last = null;
  const pose = await createPoseTracker("/static/vendor/pose/", (r) => {
    last = r.poseLandmarks ? r.poseLandmarks.map((p) => [p.x, p.y, p.z, p.visibility]) : null;
  });
  const frames = [];
  for (let i = 1; i <= count; i++) {
    const image = new Image();
    image.src = `/frames/${String(i).padStart(4, "0")}.jpg`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    canvas.getContext("2d").drawImage(image, 0, 0);
    const t = (i - 1) / fps;
    last = null;
    await pose.send({ image: canvas }, 1 + t * 1000 * stretch);
    frames.push({ t, width: image.width, height: image.height, landmarks: last });
  }
  return frames;
};
window.ready = true;
</script>"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    """A static file server that does not log every request."""

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing."""


def browser_frames(folder: Path, count: int, fps: float, stretch: float) -> list[PoseFrame]:
    """The pose model's landmarks in Chromium for the JPEG frames in `folder`/frames."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
            page.wait_for_function("window.ready === true")
            raw = page.evaluate(f"window.track({count}, {fps}, {stretch})")
            browser.close()
    finally:
        server.shutdown()
    return [
        PoseFrame(f["t"], None if f["landmarks"] is None else np.array(f["landmarks"], float), f["width"], f["height"])
        for f in raw
    ]


def signal(frames: list[PoseFrame]) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """The analyzer's smoothed rep signal at each frame, and its result."""
    analyzer = create_analyzer("hip-hinge")
    times, values = [], []
    for frame in frames:
        analyzer.update(frame)
        times.append(frame.t)
        values.append(analyzer.signal.value)
    return np.array(times), np.array(values), analyzer.finish().to_dict()


def main() -> None:
    """Run the comparison and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fps", type=float, default=10.0, help="frames a second of clip time (the camera test: 5-12)")
    parser.add_argument("--stretch", default="1,12", help="time stamp stretches to try, comma-separated")
    args = parser.parse_args()
    clip = labelled_clip(CLIP)
    offline = offline_result(clip)
    off_t, off_v, _ = signal(
        [f for f in cached_track(clip.path, LANDMARK_CACHE).frames if clip.start <= f.t < clip.end]
    )
    print(f"offline: {offline['rep_count']} reps, holds by rep {holds_by_rep(offline)[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "frames").mkdir()
        (folder / "static").symlink_to(STATIC)
        (folder / "index.html").write_text(PAGE)
        vf = f"scale=640:-2,fps={args.fps:g}"
        command = ["ffmpeg", "-v", "error", "-y", "-ss", f"{clip.start}", "-to", f"{clip.end}", "-i", str(clip.path)]
        subprocess.run([*command, "-vf", vf, "-q:v", "5", str(folder / "frames" / "%04d.jpg")], check=True)
        count = len(list((folder / "frames").glob("*.jpg")))
        for stretch in (float(s) for s in args.stretch.split(",")):
            frames = browser_frames(folder, count, args.fps, stretch)
            times, values, live = signal(frames)
            gap = float(np.nanmean(np.abs(values - np.interp(times, off_t - clip.start, off_v))))
            differences = hold_differences(live, offline) or ["agree"]
            print(
                f"time stamps x{stretch:g}: {count} frames, signal {gap:.1f} deg from offline on average, "
                f"{live['rep_count']} reps, holds by rep {holds_by_rep(live)[0]}: {'; '.join(differences)}"
            )


if __name__ == "__main__":
    main()

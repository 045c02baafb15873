"""How many live camera streams one server process sustains: 30 frames/s each, p99 frame-to-status under 50 ms.

The server is a real uvicorn in its own process (the app built by `create_app`, with the options of
`sciatica-coach serve`, on a throwaway SQLite database holding one session in progress). The clients run in another
process: asyncio and the `websockets` package, N sockets, each sending a synthetic hip-hinge recording
(`domain.motion.synthetic`, 5 reps with noise and dropped frames, looped with times running on) at 30 frames/s on
its own schedule, starting at a different point of the recording. Latency is from just before a frame is sent to
the moment its status arrives (the status names the frame time it answers). Side by side in the same run:

- `echo`: a bare Starlette WebSocket endpoint on the same uvicorn that answers every binary frame with a fixed
  status text (what the server and the client cost with no validation and no analyzer: the ceiling);
- `json`: the app's camera socket with JSON text frames (the path of older pages);
- `binary`: the app's camera socket with the fixed-size binary frame (`web.camera_messages.FRAME_BYTES`).

For each, a run at each of `--streams`, then a search for the highest N meeting the targets (every stream kept its
30 frames/s, at least 99% of its frames answered, p99 < 50 ms). Figures only: nothing here is asserted.

    python bench/camera_streams.py [--streams 25,50,100] [--seconds 6] [--warmup 2] [--modes echo,json,binary]
                                   [--no-search] [--max-streams 400]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from math import inf
from pathlib import Path
from typing import Any

from serving import subprocess_server

ROOT = Path(__file__).resolve().parents[1]
FPS = 30.0
TARGET_P99_MS = 50.0
HINGE_INDEX = 2  # the standard program: nerve glide, prone press-up, hip hinge
MODES = ("echo", "json", "binary")


# --- The server (a subprocess: `python bench/camera_streams.py --serve KIND DATABASE_URL PORT`) ------------------


def echo_app() -> Any:
    """A bare WebSocket endpoint: every message answered with the same small status text."""
    from starlette.applications import Starlette
    from starlette.routing import WebSocketRoute
    from starlette.websockets import WebSocket

    from sciatica_coach.web.camera_messages import FRAME_HEADER

    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        while True:
            incoming = await websocket.receive()
            if incoming["type"] == "websocket.disconnect":
                return
            data = incoming.get("bytes")
            if data is None:  # an exercise message
                await websocket.send_text('{"type": "exercise"}')
                continue
            t = FRAME_HEADER.unpack_from(data)[0]
            await websocket.send_text(f'{{"type": "status", "t": {t!r}, "rep_count": 0, "phase": "rest"}}')

    return Starlette(routes=[WebSocketRoute("/ws/camera/{session_id}", echo)])


def serve(kind: str, database_url: str, port: int) -> None:
    """Serve the app (as `sciatica-coach serve` does) or the echo endpoint, on one process."""
    import uvicorn

    from sciatica_coach.web.camera_messages import MAX_MESSAGE_CHARS

    if kind == "app":
        from sciatica_coach.settings import Settings
        from sciatica_coach.web.app import create_app

        app = create_app(Settings(database_url=database_url, speech=False))
    else:
        app = echo_app()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", ws_max_size=MAX_MESSAGE_CHARS * 4)


def prepare_database(database_url: str) -> str:
    """Migrate; the default patient with one session in progress; returns the session's id."""
    from sciatica_coach.domain.content import load_library
    from sciatica_coach.domain.engine.prescription import default_prescription
    from sciatica_coach.domain.engine.script import build_script
    from sciatica_coach.storage.db import make_engine, make_session_factory
    from sciatica_coach.storage.migrate import upgrade
    from sciatica_coach.storage.patients import default_patient
    from sciatica_coach.storage.sessions import create_session

    upgrade(database_url)
    engine = make_engine(database_url)
    library = load_library()
    with make_session_factory(engine)() as db:
        patient = default_patient(db)
        prescription = default_prescription(library)
        row = create_session(db, patient.id, prescription, build_script(prescription, library))
        db.commit()
        session_id = row.id
    engine.dispose()
    return session_id


@contextmanager
def server(kind: str, database_url: str, workdir: Path) -> Iterator[tuple[int, int]]:
    """A uvicorn subprocess serving `kind`; yields its port and process id."""
    with subprocess_server(__file__, kind, database_url, workdir) as (port, pid, _log):
        yield port, pid


# --- The clients (a subprocess: `python bench/camera_streams.py --client MODE URL N SECONDS WARMUP`) -------------


def recording() -> list[tuple[float, Any]]:
    """A synthetic hip-hinge recording at 30 frames/s: (frame time, landmarks or None)."""
    from sciatica_coach.domain.motion.synthetic import SyntheticSpec, generate

    frames = generate(SyntheticSpec("hip-hinge", reps=5, fps=FPS, noise=0.02, drop_rate=0.03, seed=3))
    return [(frame.t, frame.landmarks) for frame in frames]


def encoder(mode: str) -> Any:
    """A function (t, landmarks) -> the message the browser would send in this mode."""
    import numpy as np

    from sciatica_coach.web.camera_messages import FLAG_PERSON, FRAME_HEADER, LANDMARK_COUNT

    zeros = np.zeros((LANDMARK_COUNT, 4), dtype="<f4").tobytes()

    def binary(t: float, landmarks: Any) -> bytes:
        if landmarks is None:
            return FRAME_HEADER.pack(t, 640, 480, 0) + zeros
        return FRAME_HEADER.pack(t, 640, 480, FLAG_PERSON) + landmarks.astype("<f4").tobytes()

    def text(t: float, landmarks: Any) -> str:
        points = None if landmarks is None else np.round(landmarks, 5).tolist()
        return json.dumps({"type": "frame", "t": t, "width": 640, "height": 480, "landmarks": points})

    return text if mode == "json" else binary


async def one_stream(
    url: str,
    mode: str,
    frames: list[tuple[float, Any]],
    index: int,
    count: int,
    began: float,
    args: tuple[float, float],
) -> dict[str, Any]:
    """One camera: sends frames on a 30 frames/s schedule, times each status that comes back."""
    import websockets

    seconds, warmup = args
    origin = url.replace("ws://", "http://").split("/ws/", 1)[0]
    encode = encoder(mode)
    offset = (index * 37) % len(frames)
    period = 1.0 / FPS
    latencies: list[float] = []
    sent_at: dict[float, float] = {}
    measured: dict[str, float] = {"sent": 0, "answered": 0, "late_sends": 0, "sent_total": 0, "drain": inf}
    finished = asyncio.get_running_loop().create_future()
    window = (began + warmup, began + warmup + seconds)
    async with websockets.connect(url, origin=origin, max_size=2**20, compression=None) as ws:  # type: ignore[arg-type]
        await ws.send(json.dumps({"type": "exercise", "exercise_id": "hip-hinge", "exercise_index": HINGE_INDEX,
                                  "side": ""}))  # fmt: skip
        await ws.recv()

        async def receive() -> None:
            async for raw in ws:
                answer = json.loads(raw)
                if answer.get("type") == "exercise" and not finished.done() and sending_done:
                    finished.set_result(time.perf_counter())
                if answer.get("type") != "status":
                    continue
                at = sent_at.pop(answer["t"], None)
                if at is not None:
                    latencies.append(time.perf_counter() - at)
                    measured["answered"] += 1

        sending_done = False
        receiver = asyncio.create_task(receive())
        start = began + (index / count) * period  # streams spread over one frame period
        k = 0
        loop_t = 0.0
        while True:
            due = start + k * period
            now = time.perf_counter()
            if due > window[1]:
                break
            if due > now:
                await asyncio.sleep(due - now)
            elif now - due > period and window[0] <= due:
                measured["late_sends"] += 1
            landmarks = frames[(offset + k) % len(frames)][1]
            t = round(loop_t + k * period, 4)
            message = encode(t, landmarks)
            if window[0] <= due:
                sent_at[t] = time.perf_counter()
                measured["sent"] += 1
            await ws.send(message)
            measured["sent_total"] += 1
            k += 1
        # Messages are answered in order, so the time to answer an exercise message sent after the last frame (the
        # same exercise, another side: nothing saved, nothing reset) is how far behind this stream the server was.
        asked = time.perf_counter()
        sending_done = True
        await ws.send(json.dumps({"type": "exercise", "exercise_id": "hip-hinge", "exercise_index": HINGE_INDEX,
                                  "side": "left"}))  # fmt: skip
        with suppress(TimeoutError):
            measured["drain"] = await asyncio.wait_for(finished, 30) - asked
        receiver.cancel()
    return {"latencies": latencies, **measured}


async def run_clients(mode: str, url: str, count: int, seconds: float, warmup: float) -> dict[str, Any]:
    frames = recording()
    began = time.perf_counter() + 1.0 + count * 0.02  # time to connect everyone first
    results = await asyncio.gather(
        *(one_stream(url, mode, frames, i, count, began, (seconds, warmup)) for i in range(count)),
        return_exceptions=True,
    )
    failed = [repr(r)[:200] for r in results if isinstance(r, BaseException)]
    good = [r for r in results if not isinstance(r, BaseException)]
    latencies = sorted(x for r in good for x in r["latencies"])
    every_frame = mode != "binary"  # echo and JSON answer every frame; binary only when the status changes

    def kept_up(r: dict[str, Any]) -> bool:
        answered = r["answered"] >= 0.99 * r["sent"] if every_frame else r["answered"] > 0
        return bool(r["sent"]) and answered and r["late_sends"] <= 0.01 * r["sent"] and r["drain"] * 1e3 < TARGET_P99_MS

    sustained = sum(1 for r in good if kept_up(r))
    drains = sorted(r["drain"] for r in good)
    return {
        "streams": count,
        "failed": failed[:3],
        "sustained": sustained,
        "sent": sum(r["sent"] for r in good),
        "sent_total": sum(r["sent_total"] for r in good),
        "answered": sum(r["answered"] for r in good),
        "drain_max": drains[-1] * 1e3 if drains else float("nan"),
        "seconds": seconds,
        "latencies": latencies,
    }


def client_main(mode: str, url: str, count: int, seconds: float, warmup: float) -> None:
    result = asyncio.run(run_clients(mode, url, count, seconds, warmup))
    lat = result.pop("latencies")
    if len(lat) >= 2:
        q = statistics.quantiles(lat, n=100)
        result.update(p50=q[49] * 1e3, p95=q[94] * 1e3, p99=q[98] * 1e3)
    else:
        result.update(p50=float("nan"), p95=float("nan"), p99=float("nan"))
    print(json.dumps(result))


# --- The runs ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    mode: str
    streams: int
    sustained: int
    rate: float  # frames sent (and, when drained, analysed) per second
    answers: float  # statuses per second
    p50: float
    p95: float
    p99: float
    drain: float  # ms: the slowest stream's wait for the answer to the message after its last frame
    cpu_us: float  # the server's CPU time per frame, microseconds (not slowed by other processes' load)
    failed: list[str]

    @property
    def meets(self) -> bool:
        return not self.failed and self.sustained == self.streams and self.p99 < TARGET_P99_MS

    def line(self) -> str:
        mark = "yes" if self.meets else "no"
        row = (
            f"{self.mode:<7} {self.streams:>7} {self.sustained:>9} {self.rate:>9.0f} {self.answers:>9.0f} "
            f"{self.p50:>7.1f} {self.p95:>7.1f} {self.p99:>7.1f} {self.drain:>8.1f} {self.cpu_us:>7.0f} {mark:>5}"
        )
        return row + (f"  errors: {'; '.join(self.failed)}" if self.failed else "")


HEADER = (
    f"{'path':<7} {'streams':>7} {'sustained':>9} {'frames/s':>9} {'answers/s':>9} {'p50 ms':>7} {'p95 ms':>7} "
    f"{'p99 ms':>7} {'drain ms':>8} {'CPU µs':>7} {'meets':>5}"
)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(mode: str, served: tuple[int, int], session_id: str, streams: int, args: argparse.Namespace) -> Run:
    port, pid = served
    url = f"ws://127.0.0.1:{port}/ws/camera/{session_id}"
    cpu_before = cpu_seconds(pid)
    env = {"PYTHONPATH": str(ROOT / "src"), **os.environ}
    done = subprocess.run(
        [sys.executable, __file__, "--client", mode, url, str(streams), str(args.seconds), str(args.warmup)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120 + streams,
    )
    cpu = cpu_seconds(pid) - cpu_before
    nan = float("nan")
    if done.returncode != 0:
        return Run(mode, streams, 0, 0.0, 0.0, nan, nan, nan, nan, nan, [done.stderr.strip()[-300:]])
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(
        mode, streams, data["sustained"], data["sent"] / data["seconds"], data["answered"] / data["seconds"],
        data["p50"], data["p95"], data["p99"], data["drain_max"], cpu / max(data["sent_total"], 1) * 1e6,
        data["failed"],
    )  # fmt: skip


def search(mode: str, port: tuple[int, int], session_id: str, args: argparse.Namespace, known: list[Run]) -> int:
    """The highest stream count meeting the targets: doubling from the best known pass, then bisecting."""
    passed = max((r.streams for r in known if r.meets), default=0)
    failed = min((r.streams for r in known if not r.meets and r.streams > passed), default=0)
    if not failed:
        n = max(passed * 2, 10)
        while n <= args.max_streams:
            run = measure(mode, port, session_id, n, args)
            print(run.line(), flush=True)
            if not run.meets:
                failed = n
                break
            passed, n = n, n * 2
        else:
            return passed
    while failed - passed > max(5, passed // 10):
        n = (passed + failed) // 2
        run = measure(mode, port, session_id, n, args)
        print(run.line(), flush=True)
        if run.meets:
            passed = n
        else:
            failed = n
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", default="25,50,100", help="stream counts to run side by side")
    parser.add_argument("--seconds", type=float, default=6.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds sent before measuring")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--no-search", action="store_true", help="skip the search for the highest N")
    parser.add_argument("--max-streams", type=int, default=400)
    parser.add_argument("--serve", nargs=3, metavar=("KIND", "DATABASE_URL", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--client", nargs=5, metavar=("MODE", "URL", "N", "SECONDS", "WARMUP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        kind, url, port = args.serve
        serve(kind, url, int(port))
        return
    if args.client:
        mode, url, n, seconds, warmup = args.client
        client_main(mode, url, int(n), float(seconds), float(warmup))
        return
    modes = [m for m in args.modes.split(",") if m]
    counts = [int(n) for n in args.streams.split(",") if n]
    print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_url = f"sqlite:///{workdir / 'bench.db'}"
        session_id = prepare_database(database_url)
        print(HEADER)
        runs: dict[str, list[Run]] = {m: [] for m in modes}
        for mode in modes:
            with server("echo" if mode == "echo" else "app", database_url, workdir) as served:
                for n in counts:
                    run = measure(mode, served, session_id, n, args)
                    runs[mode].append(run)
                    print(run.line(), flush=True)
                if not args.no_search:
                    best = search(mode, served, session_id, args, runs[mode])
                    print(f"{mode}: highest stream count meeting the targets: {best}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

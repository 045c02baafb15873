"""What the benchmarks share: a free loopback port, and a server run as a subprocess of a bench script."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def subprocess_server(
    script: str,
    kind: str,
    database_url: str,
    workdir: Path,
    *,
    wrapper: Sequence[str] = (),
    start_timeout: float = 60,
    stop_timeout: float = 10,
) -> Iterator[tuple[int, int, Path]]:
    """`python SCRIPT --serve KIND DATABASE_URL PORT` on a free port (run by `wrapper`, such as valgrind, when
    given), up once it accepts connections; yields the port, the process id and the log its errors go to. Stopped
    afterwards (SIGTERM, uvicorn's graceful shutdown, then killed after `stop_timeout`)."""
    port = free_port()
    env = {"PYTHONPATH": str(ROOT / "src"), **os.environ}  # a PYTHONPATH given wins (to measure another tree)
    log = workdir / f"{kind}-{port}.log"
    with log.open("wb") as err:
        process = subprocess.Popen(
            [*wrapper, sys.executable, script, "--serve", kind, database_url, str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{kind} server did not start:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.1)
        yield port, process.pid, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

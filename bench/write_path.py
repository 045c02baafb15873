"""Speed of the check-in write path against a bare FastAPI endpoint, and of the read pages against history size.

1. POST /api/checkins/morning on the app (served by uvicorn as `sciatica-coach serve` does, from
   `create_app(Settings(database_url=...))`, after a clean full screening) next to a bare FastAPI endpoint (defined
   here) that inserts one row through SQLAlchemy into a fresh database of the same kind with the same engine
   (`storage.db.make_engine`), so the ratio is what the app's own work costs per request. Same client for both:
   wrk when installed (Debian: `apt-get install wrk`), else a threaded httpx2 client; 10 concurrent connections, a
   warm-up, then a fixed duration. Prints req/s, p50 and p99 of each and the ratio, on SQLite and on PostgreSQL
   (aim: ratio >= 0.5, the app's p99 no more than twice the bare endpoint's).
2. GET /progress?days=7, /progress (28 days) and / with 7 and with 730 days of daily history
   (`storage.demo_load.write_steady_history`: a morning check-in with its short screening, two sessions with a quick
   check before and after each exercise, a weekly SBI), side by side (aim: the same cost; ratio 1.0).

Every server is a real uvicorn in a subprocess, all of a comparison up at once; runs alternate between them for
`--rounds` rounds and the best run of each is kept (the CPU may be shared). Databases are fresh (PostgreSQL:
scratch databases on 127.0.0.1:5432, dropped afterwards; skipped with a message when the server is absent).

    python bench/write_path.py [--duration S] [--warmup S] [--rounds N] [--connections N] [--client wrk|httpx]
                               [--databases sqlite,postgres] [--no-write] [--no-history]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sciatica_coach.storage.models import utcnow
from serving import subprocess_server

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_ADMIN_URL = os.environ.get("SCIATICA_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MORNING = {"back_pain": 3, "leg_pain": 4, "left_reach": "thigh", "right_reach": "none", "numbness": False}
HISTORY_DAYS = (7, 730)


# --- The servers (run in subprocesses: `python bench/write_path.py --serve app|bare URL PORT`) ---------------------


class BareBase(DeclarativeBase):
    """The bare endpoint's own table."""


class BareRow(BareBase):
    """One row per request: a few columns of a check-in."""

    __tablename__ = "bare_rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    back_pain: Mapped[int] = mapped_column(Integer)
    leg_pain: Mapped[int] = mapped_column(Integer)


def bare_app(database_url: str) -> Any:
    """A bare FastAPI app: one endpoint that inserts one row through SQLAlchemy, one unit of work per request."""
    from fastapi import Body, FastAPI

    from sciatica_coach.storage.db import make_engine, make_session_factory

    engine = make_engine(database_url)
    BareBase.metadata.create_all(engine)
    factory = make_session_factory(engine)
    app = FastAPI()

    @app.post("/bare", status_code=201)
    def insert_one(payload: dict[str, Any] = Body(...)) -> dict[str, Any]:
        with factory() as db, db.begin():
            row = BareRow(patient_id=1, kind="morning", back_pain=payload["back_pain"], leg_pain=payload["leg_pain"])
            db.add(row)
            db.flush()
            return {"saved": True, "id": row.id}

    return app


def serve(kind: str, database_url: str, port: int) -> None:
    """Serve the app or the bare endpoint with the same uvicorn options as `sciatica-coach serve` (quieter log)."""
    import uvicorn

    if kind == "app":
        from sciatica_coach.settings import Settings
        from sciatica_coach.web.app import create_app
        from sciatica_coach.web.camera_messages import MAX_MESSAGE_CHARS

        app = create_app(Settings(database_url=database_url, speech=False))
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", ws_max_size=MAX_MESSAGE_CHARS * 4)
    else:
        uvicorn.run(bare_app(database_url), host="127.0.0.1", port=port, log_level="warning")


@contextmanager
def server(kind: str, database_url: str, workdir: Path) -> Iterator[str]:
    """A uvicorn subprocess serving `kind`; yields its base URL. Its errors go to a log shown when it fails."""
    with subprocess_server(__file__, kind, database_url, workdir) as (port, _pid, log):
        try:
            yield f"http://127.0.0.1:{port}"
        except Exception:
            print(f"--- {kind} server log (last lines) ---\n{log.read_text()[-3000:]}", file=sys.stderr)
            raise


# --- Databases ---------------------------------------------------------------------------------------------------


@contextmanager
def fresh_database(backend: str, workdir: Path) -> Iterator[str]:
    """An empty database of this kind: a new SQLite file, or a scratch PostgreSQL database dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        return
    from sqlalchemy import create_engine, text

    name = f"sc_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_missing() -> str | None:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except OperationalError as exc:
        return str(exc.orig).strip().splitlines()[0]
    return None


def prepare_app_database(database_url: str, history_days: int = 0) -> None:
    """Migrate; the default patient cleared to exercise by a clean full screening; optionally daily history."""
    from sciatica_coach.domain.content import load_library
    from sciatica_coach.domain.screening import all_no
    from sciatica_coach.storage.db import make_engine, make_session_factory
    from sciatica_coach.storage.demo_load import write_steady_history
    from sciatica_coach.storage.migrate import upgrade
    from sciatica_coach.storage.patients import default_patient
    from sciatica_coach.storage.plans import apply_adaptation
    from sciatica_coach.storage.safety import record_screening

    upgrade(database_url)
    engine = make_engine(database_url)
    library = load_library()
    with make_session_factory(engine)() as db:
        patient = default_patient(db)
        record_screening(db, patient.id, "full", all_no("full"))
        db.commit()
        if history_days:
            write_steady_history(db, patient.id, library, history_days)
            db.commit()
        # The plan state exists and the rules have read everything, as after any first visit. (Without it,
        # concurrent first requests race to create the plan_states row: see the report in bench/README.md.)
        apply_adaptation(db, patient.id, library)
        db.commit()
    if engine.dialect.name == "postgresql":  # planner statistics, as autovacuum would gather after a bulk load
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    engine.dispose()


# --- The load client ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One measured run."""

    rate: float  # requests per second
    p50: float  # milliseconds
    p99: float
    requests: int
    errors: int


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def run_wrk(url: str, body: str | None, connections: int, seconds: float, workdir: Path) -> Result:
    """wrk with one thread (the CPU is shared with the server), `connections` connections, --latency."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "30s"]
    if body is not None:
        script = workdir / "post.lua"
        escaped = body.replace("\\", "\\\\").replace("'", "\\'")
        script.write_text(
            f"wrk.method = 'POST'\nwrk.body = '{escaped}'\nwrk.headers['Content-Type'] = 'application/json'\n"
        )
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout

    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        assert found, out
        return float(found.group(1)) * _UNITS[found.group(2)]

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    assert rate and total, out
    return Result(float(rate.group(1)), latency("50"), latency("99"), int(total.group(1)), errors)


def run_httpx(url: str, body: str | None, connections: int, seconds: float) -> Result:
    """`connections` threads, each with its own keep-alive client, sending back to back for `seconds`."""
    import httpx2

    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    stop = time.perf_counter() + seconds

    def worker(n: int) -> None:
        with httpx2.Client(timeout=30) as client:
            while time.perf_counter() < stop:
                began = time.perf_counter()
                if body is None:
                    response = client.get(url)
                else:
                    response = client.post(url, content=body, headers={"Content-Type": "application/json"})
                latencies[n].append(time.perf_counter() - began)
                if response.status_code >= 400:
                    errors[n] += 1

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    every = sorted(x for part in latencies for x in part)
    cuts = statistics.quantiles(every, n=100)
    return Result(len(every) / elapsed, cuts[49] * 1e3, cuts[98] * 1e3, len(every), sum(errors))


def measure(args: argparse.Namespace, url: str, body: str | None, workdir: Path) -> Result:
    """A warm-up run, then the measured run, with the chosen client."""
    for seconds in (args.warmup, args.duration):
        if args.client == "wrk":
            result = run_wrk(url, body, args.connections, seconds, workdir)
        else:
            result = run_httpx(url, body, args.connections, seconds)
    if result.errors:
        raise RuntimeError(f"{url}: {result.errors} failed requests of {result.requests}")
    return result


# --- The two comparisons -----------------------------------------------------------------------------------------


def morning_body() -> str:
    import json

    from sciatica_coach.domain.screening import all_no

    return json.dumps({**MORNING, "weakness": False, "red_flags": all_no("short")})


def best(results: list[Result]) -> Result:
    """The run with the highest rate (the CPU may be shared with other work; the best run is the least disturbed)."""
    return max(results, key=lambda r: r.rate)


def write_path(args: argparse.Namespace, backend: str, workdir: Path) -> tuple[Result, Result]:
    """Both servers up side by side on fresh databases; rounds alternate bare and app runs; the best of each."""
    body = morning_body()
    bares: list[Result] = []
    apps: list[Result] = []
    with fresh_database(backend, workdir) as app_url, fresh_database(backend, workdir) as bare_url:
        prepare_app_database(app_url)
        with server("bare", bare_url, workdir) as bare_base, server("app", app_url, workdir) as app_base:
            for _ in range(args.rounds):
                bares.append(measure(args, f"{bare_base}/bare", body, workdir))
                apps.append(measure(args, f"{app_base}/api/checkins/morning", body, workdir))
    bare, app = best(bares), best(apps)
    ratio = app.rate / bare.rate
    print(
        f"{backend:<10} {'bare insert':<26} {bare.rate:>8.1f} {bare.p50:>8.1f} {bare.p99:>8.1f} {bare.requests:>8}",
        flush=True,
    )
    print(
        f"{backend:<10} {'POST /api/checkins/morning':<26} {app.rate:>8.1f} {app.p50:>8.1f} {app.p99:>8.1f} "
        f"{app.requests:>8}   ratio {ratio:.2f} (aim >= 0.5), p99 x{app.p99 / bare.p99:.1f} (aim <= 2)",
        flush=True,
    )
    return bare, app


PAGES = ("/progress?days=7", "/progress", "/")


def history(args: argparse.Namespace, backend: str, workdir: Path) -> None:
    """One server per history size, both up side by side; rounds alternate; the best of each."""
    short, long = HISTORY_DAYS
    runs: dict[tuple[str, int], list[Result]] = {(path, days): [] for path in PAGES for days in HISTORY_DAYS}
    with fresh_database(backend, workdir) as short_url, fresh_database(backend, workdir) as long_url:
        for days, url in ((short, short_url), (long, long_url)):
            began = time.perf_counter()
            prepare_app_database(url, history_days=days)
            print(f"  ({backend}: {days} days seeded in {time.perf_counter() - began:.1f} s)", flush=True)
        with server("app", short_url, workdir) as short_base, server("app", long_url, workdir) as long_base:
            for _ in range(args.rounds):
                for path in PAGES:
                    for days, base in ((short, short_base), (long, long_base)):
                        runs[(path, days)].append(measure(args, base + path, None, workdir))
    for path in PAGES:
        a, b = best(runs[(path, short)]), best(runs[(path, long)])
        print(
            f"{backend:<10} GET {path:<16} {a.rate:>9.1f} {a.p50:>8.1f} {b.rate:>9.1f} {b.p50:>8.1f} "
            f"{b.rate / a.rate:>8.2f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up before each run")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per endpoint; the best is kept")
    parser.add_argument("--client", choices=["wrk", "httpx"], default="wrk" if wrk_available() else "httpx")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--no-write", action="store_true", help="skip the write-path comparison")
    parser.add_argument("--no-history", action="store_true", help="skip the history-size comparison")
    parser.add_argument("--serve", nargs=3, metavar=("KIND", "URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        kind, url, port = args.serve
        serve(kind, url, int(port))
        return
    backends = [b.strip() for b in args.databases.split(",") if b.strip()]
    if "postgres" in backends and (reason := postgres_missing()):
        print(f"(PostgreSQL skipped: {reason})")
        backends.remove("postgres")
    print(
        f"client: {args.client}, {args.connections} connections, {args.warmup:g} s warm-up + {args.duration:g} s, "
        f"best of {args.rounds} alternating rounds"
    )
    with tempfile.TemporaryDirectory(prefix="sc-bench-") as tmp:
        workdir = Path(tmp)
        if not args.no_write:
            print("\nWrite path: the app's morning check-in against a bare one-row insert, same database kind")
            print(f"{'database':<10} {'endpoint':<26} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>8}")
            for backend in backends:
                write_path(args, backend, workdir)
        if not args.no_history:
            short, long = HISTORY_DAYS
            print(f"\nRead pages with {short} vs {long} days of daily history (ratio = {long}-day rate / {short}-day)")
            print(
                f"{'database':<10} {'page':<20} {f'{short}d req/s':>9} {'p50 ms':>8} {f'{long}d req/s':>9} "
                f"{'p50 ms':>8} {'ratio':>8}"
            )
            for backend in backends:
                history(args, backend, workdir)


if __name__ == "__main__":
    main()

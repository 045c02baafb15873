"""CPU instructions per request of the morning check-in and of the bare insert, counted by valgrind (callgrind).

The write-path rates (`write_path.py`) move by half between runs on a shared VM; an instruction count does not: the
same code, inputs and environment give the same count whatever else the machine does. Each server (the same two as
`write_path.py`: the app's POST /api/checkins/morning and the bare one-row insert, on fresh databases) runs under
`valgrind --tool=callgrind`, takes a warm-up and then N sequential requests; it is run twice (N = FEW and MANY) and
the difference, divided by MANY - FEW, is what one request costs, start-up and warm-up cancelled out. The database
server's own work is not counted (another process): the figure is the Python side's.

    python bench/instructions.py [--databases postgres,sqlite] [--few 20] [--many 100]

Needs valgrind (`apt-get install valgrind`). Each run takes about a minute.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import httpx2

from serving import subprocess_server
from write_path import fresh_database, morning_body, postgres_missing, prepare_app_database

HERE = Path(__file__).resolve().parent
PATHS = {"app": "/api/checkins/morning", "bare": "/bare"}
WARM_UP = 10


def collected(kind: str, backend: str, requests: int, workdir: Path) -> int:
    """Instructions callgrind counted in a server of `kind` that answered WARM_UP + `requests` check-ins."""
    callgrind = ("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null")
    with fresh_database(backend, workdir) as url:
        if kind == "app":
            prepare_app_database(url)
        server = subprocess_server(
            str(HERE / "write_path.py"), kind, url, workdir, wrapper=callgrind, start_timeout=300, stop_timeout=300
        )
        with server as (port, _pid, log):
            body = morning_body()
            headers = {"content-type": "application/json"}
            with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=120, headers=headers) as client:
                for _ in range(WARM_UP + requests):
                    answer = client.post(PATHS[kind], content=body)
                    if answer.status_code not in (200, 201):
                        raise RuntimeError(f"{kind}: {answer.status_code} {answer.text[:300]}")
    err = log.read_text()  # valgrind's summary, written as the server stopped
    found = re.search(r"Collected : (\d+)", err)
    if found is None:
        raise RuntimeError(f"no count from callgrind:\n{err[-2000:]}")
    return int(found.group(1))


def per_request(kind: str, backend: str, few: int, many: int, workdir: Path) -> float:
    """Millions of instructions one request costs."""
    return (collected(kind, backend, many, workdir) - collected(kind, backend, few, workdir)) / (many - few) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="postgres,sqlite")
    parser.add_argument("--few", type=int, default=20)
    parser.add_argument("--many", type=int, default=100)
    args = parser.parse_args()
    os.environ["PYTHONHASHSEED"] = "0"  # the servers' dict and set orders, and so their counts, the same every run
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    workdir = Path(tempfile.mkdtemp(prefix="sc-instructions-"))
    print("database   bare M/request   app M/request   bare/app (the write-path ratio if both were CPU-bound)")
    for backend in args.databases.split(","):
        if backend == "postgres" and (missing := postgres_missing()):
            print(f"{backend:10} skipped: {missing}")
            continue
        bare = per_request("bare", backend, args.few, args.many, workdir)
        app = per_request("app", backend, args.few, args.many, workdir)
        print(f"{backend:10} {bare:14.2f} {app:15.2f} {bare / app:10.2f}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

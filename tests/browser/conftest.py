"""Browser fixtures: the real server on a free loopback port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from helpers import DatabaseKind, clear_to_exercise, fresh_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Terminate a process the test started and wait for it (killed when it does not stop in time)."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class LiveServer:
    """A running `sciatica-coach serve` process."""

    url: str
    database_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """Terminate the server and wait for it."""
        stop_process(self.process)


def start_server(
    tmp_path: Path, database_url: str, clock_speed: float = 1.0, env: dict[str, str] | None = None
) -> LiveServer:
    """Start the server against `database_url` (with any extra environment, e.g. clinic mode) and wait until it
    answers."""
    port = free_port()
    log_path = tmp_path / f"server-{port}.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SCIATICA_CLOCK_SPEED": str(clock_speed),
        "SCIATICA_SPEECH": "true",
        **(env or {}),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sciatica_coach", "serve", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", database_url, process, log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log()}")
        try:
            with urllib.request.urlopen(server.url + "/learn", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"server did not start in 30 s:\n{server.log()}")


@pytest.fixture
def browser_db(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated database for a browser test: SQLite, or PostgreSQL with
    `@pytest.mark.parametrize("browser_db", ["postgres"], indirect=True)` (skipped when absent, failed under CI)."""
    kind: DatabaseKind = getattr(request, "param", "sqlite")
    with fresh_database(kind, tmp_path) as url:
        yield url


@pytest.fixture
def cleared(browser_db: str) -> int:
    """The default patient of the browser database, cleared to exercise."""
    return clear_to_exercise(browser_db)


@pytest.fixture
def live_server(tmp_path: Path, browser_db: str, request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """The app served on a free port with an accelerated clock; its log is printed when the test fails."""
    speed = getattr(request, "param", 20.0)
    server = start_server(tmp_path, browser_db, clock_speed=speed)
    yield server
    server.stop()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(f"\n--- server log ---\n{server.log()}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@contextmanager
def chromium(playwright: Playwright, extra_flags: Sequence[str] = ()) -> Iterator[Browser]:
    """Debian's Chromium, headless, with any extra flags; always closed, even when the test fails."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium)")
    instance = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_FLAGS, *extra_flags]
    )
    try:
        yield instance
    finally:
        instance.close()


def watch_csp(page: Page) -> list[str]:
    """Every Content-Security-Policy violation the page reports, from the console and `securitypolicyviolation`."""
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => console.error("
        "`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI} on ${e.documentURI}`))"
    )
    return violations


PHONE = (390, 844)
DESKTOP = (1280, 800)


@contextmanager
def fresh_page(browser: Browser, timeout_ms: float = 15_000, size: tuple[int, int] = PHONE) -> Iterator[Page]:
    """A page in a fresh context of `browser`, phone-sized unless `size` says otherwise; the context is closed
    afterwards, even on failure, and the test fails if the page broke its Content-Security-Policy."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    try:
        context.set_default_timeout(timeout_ms)
        page = context.new_page()
        violations = watch_csp(page)
        yield page
    finally:
        context.close()
    assert not violations, f"the Content-Security-Policy was violated: {violations}"


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """The Playwright driver, once per test run."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless, shared by the tests."""
    with chromium(playwright) as instance:
        yield instance


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context and page, phone-sized; fails the test if the page broke its security policy."""
    with fresh_page(browser) as fresh:
        yield fresh


@pytest.fixture
def desktop_page(browser: Browser) -> Iterator[Page]:
    """As `page`, in a 1280x800 desktop window."""
    with fresh_page(browser, size=DESKTOP) as fresh:
        yield fresh

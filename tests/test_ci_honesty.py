"""Under CI=true what a test needs must be there: missing clips or PostgreSQL fail the test instead of skipping it."""

from __future__ import annotations

from pathlib import Path

import pytest

import helpers


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_missing_clips_fail_under_ci_and_skip_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ci: str, outcome: type[BaseException]
) -> None:
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(helpers, "MEDIA_DIR", tmp_path / "no-media")
    with pytest.raises(outcome, match="real test clips not found"):
        helpers.require_media()


def test_an_unreachable_postgres_fails_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr(helpers, "POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:1/test")
    with (
        pytest.raises(pytest.fail.Exception, match="PostgreSQL not reachable"),
        helpers.fresh_database("postgres", tmp_path),
    ):
        pass


class FakeItem:
    def __init__(self, nodeid: str, fixturenames: list[str], marked: bool, marker: str = "video") -> None:
        self.nodeid, self.fixturenames, self.marked, self.marker = nodeid, fixturenames, marked, marker
        self.path = Path("/checkout") / nodeid.split("::")[0]

    def get_closest_marker(self, name: str) -> object | None:
        return object() if self.marked and name == self.marker else None


def test_a_test_using_the_clips_must_be_marked_video() -> None:
    items = [
        FakeItem("a", ["media"], marked=False),
        FakeItem("b", ["clip_frames"], marked=True),
        FakeItem("c", [], False),
    ]
    assert helpers.unmarked_clip_users(items) == ["a uses media but is not marked video"]  # type: ignore[arg-type]


def test_a_test_driving_a_browser_must_be_marked_browser() -> None:
    """`make test` runs the unmarked tests on parallel workers: a browser test must not slip in among them."""
    items = [
        FakeItem("tests/browser/test_x.py::a", [], marked=False, marker="browser"),
        FakeItem("tests/web/test_y.py::b", ["client", "page"], marked=False, marker="browser"),
        FakeItem("tests/browser/test_x.py::c", ["page"], marked=True, marker="browser"),
        FakeItem("tests/web/test_y.py::d", ["client"], marked=False, marker="browser"),
    ]
    assert helpers.unmarked_browser_tests(items) == [  # type: ignore[arg-type]
        "tests/browser/test_x.py::a is in tests/browser/ but is not marked browser",
        "tests/web/test_y.py::b uses page but is not marked browser",
    ]

"""One morning check-in a day: a second one corrects today's, the rules run once for the day on the corrected
answers (nothing doubled), and the form posts then redirects (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from checkins.conftest import short_no
from checkins.test_web import checked
from sciatica_coach.domain.clock import local_day
from sciatica_coach.storage.models import AuditEntry, CheckIn, PlanChange, Screening, utcnow
from sciatica_coach.storage.plans import current_plan
from sciatica_coach.usecases.checkins import morning_checkin

HTML = {"accept": "text/html"}


def answers(leg: int, reach: str = "thigh", back: int = 2) -> dict[str, object]:
    return {
        "back_pain": back,
        "leg_pain": leg,
        "left_reach": reach,
        "right_reach": "none",
        "numbness": False,
        "weakness": False,
    }


def count(app: FastAPI, model: type, *where: object) -> int:
    with app.state.session_factory() as db:
        return int(db.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def morning_at(app: FastAPI, patient_id: int, at: datetime, leg: int, reach: str = "thigh"):  # type: ignore[no-untyped-def]
    return morning_checkin(
        app.state.store, app.state.catalog, patient_id, answers(leg, reach), short_no(), strict=True, at=at
    )


def days(n: int) -> list[datetime]:
    """Eight in the morning, local time, on each of the last `n` days (today last)."""
    today_start, _ = local_day(utcnow())
    return [today_start + timedelta(days=offset - n + 1, hours=8) for offset in range(n)]


def test_a_second_check_in_the_same_day_corrects_the_first_and_the_rules_run_once(app: FastAPI, screened: int) -> None:
    day1, day2, day3 = days(3)
    morning_at(app, screened, day1, leg=2)
    morning_at(app, screened, day2, leg=2)
    worse = morning_at(app, screened, day3, leg=6, reach="below-knee")  # spreading and worse: the rules react
    changes_after_worse = count(app, PlanChange)
    assert worse.advice.level != "continue" and not worse.corrected

    fixed = morning_at(app, screened, day3 + timedelta(hours=1), leg=2)  # it was a typo: same as yesterday
    assert fixed.corrected and fixed.advice.level == "continue"
    assert count(app, CheckIn, CheckIn.kind == "morning") == 3  # still one a day
    assert count(app, PlanChange) <= changes_after_worse - len(worse.applied.changes) + len(fixed.applied.changes)
    with app.state.session_factory() as db:
        plan_fixed = current_plan(db, screened, app.state.catalog.library).prescription.to_dict()
        (today,) = db.scalars(select(CheckIn).where(CheckIn.kind == "morning", CheckIn.created_at >= day3)).all()
        assert (today.leg_pain, today.left_reach) == (2, "thigh")  # the corrected answers, at the first time
        assert db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "morning-corrected"))

    again = morning_at(app, screened, day3 + timedelta(hours=2), leg=6, reach="below-knee")
    assert again.corrected and again.advice.level == worse.advice.level
    assert [c.rule_id for c in again.applied.changes] == [c.rule_id for c in worse.applied.changes]
    assert count(app, PlanChange) == changes_after_worse  # replayed once, not added to what was there
    back = morning_at(app, screened, day3 + timedelta(hours=3), leg=2)
    with app.state.session_factory() as db:
        assert current_plan(db, screened, app.state.catalog.library).prescription.to_dict() == plan_fixed
    assert back.trend is not None and back.trend.effect == "unchanged"  # still against yesterday's morning


def test_the_form_posts_then_redirects_and_a_second_visit_shows_todays_answers(
    app: FastAPI, client: TestClient, screened: int
) -> None:
    form = {
        "back_pain": "3",
        "leg_pain": "4",
        "left_reach": "thigh",
        "right_reach": "none",
        "numbness": "no",
        "weakness": "no",
        **{f"rf_{key}": "no" for key in short_no()},
    }
    posted = client.post("/checkin", data=form, headers=HTML, follow_redirects=False)
    assert posted.status_code == 303 and posted.headers["location"] == "/checkin/today"
    result = client.get("/checkin/today", headers=HTML)
    assert result.status_code == 200 and "Check-in saved" in result.text and "change today's answers" in result.text
    reloaded = client.get("/checkin/today", headers=HTML)  # a reload of the result saves nothing
    assert reloaded.status_code == 200
    assert count(app, CheckIn, CheckIn.kind == "morning") == 1
    screenings = count(app, Screening)

    visit = client.get("/checkin", headers=HTML).text
    assert "You checked in today at" in visit
    assert (
        checked(visit, "leg_pain", "4") and checked(visit, "left_reach", "thigh") and checked(visit, "numbness", "no")
    )
    corrected = client.post("/checkin", data={**form, "leg_pain": "2"}, headers=HTML, follow_redirects=False)
    assert corrected.status_code == 303
    assert count(app, CheckIn, CheckIn.kind == "morning") == 1
    assert count(app, Screening) == screenings + 1  # every safety answer is kept
    with app.state.session_factory() as db:
        assert db.scalars(select(CheckIn.leg_pain).where(CheckIn.kind == "morning")).one() == 2


def test_before_todays_check_in_the_result_page_sends_to_the_form(client: TestClient, screened: int) -> None:
    response = client.get("/checkin/today", headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/checkin"


def test_the_json_answer_says_when_it_corrected_todays(client: TestClient, screened: int) -> None:
    body = {**answers(3), "red_flags": short_no()}
    first = client.post("/api/checkins/morning", json=body)
    second = client.post("/api/checkins/morning", json={**body, "leg_pain": 4})
    assert first.status_code == second.status_code == 201
    assert first.json()["corrected"] is False and second.json()["corrected"] is True

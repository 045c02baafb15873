"""Clinic mode accounts, on SQLite and PostgreSQL: sign-in and sign-out, password length rules, invites that are
used once and expire, the signed cookie, and sign-in rate limiting."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import itsdangerous
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from helpers import PASSWORD, sign_in
from sciatica_coach.storage.models import Invite, User
from sciatica_coach.usecases.accounts import INVITE_GONE, create_user, make_invite, token_hash
from sciatica_coach.usecases.errors import Invalid
from sciatica_coach.web.auth import SESSION_COOKIE

EMAIL = "lee@clinic.test"


@pytest.fixture
def clinician(clinic_app: FastAPI) -> int:
    return create_user(clinic_app.state.store, EMAIL, PASSWORD, "clinician", "Dr Lee").id


@pytest.fixture
def web(clinic_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(clinic_app) as client:
        yield client


def _signup(client: TestClient, token: str, email: str = "pat@example.org", password: str = PASSWORD) -> object:
    return client.post(
        f"/invite/{token}",
        data={"email": email, "password": password, "confirm": password, "name": "Pat"},
        follow_redirects=False,
    )


def test_anonymous_users_are_sent_to_sign_in(web: TestClient) -> None:
    page = web.get("/progress?days=7", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/signin?next=/progress%3Fdays%3D7"
    assert web.get("/api/plan").status_code == 401
    assert web.post("/api/checkins/sbi", json={}).status_code == 401


def test_sign_in_sets_a_signed_httponly_lax_cookie_and_sign_out_ends_it(web: TestClient, clinician: int) -> None:
    signed = sign_in(web, EMAIL)
    assert signed.status_code == 303 and signed.headers["location"] == "/clinic"
    cookie = signed.headers["set-cookie"].lower()
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "httponly" in cookie and "samesite=lax" in cookie
    assert web.get("/clinic").status_code == 200
    out = web.post("/signout", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/signin"
    assert web.get("/clinic", follow_redirects=False).status_code == 303


def test_a_wrong_password_or_unknown_email_is_refused_alike(web: TestClient, clinician: int) -> None:
    wrong = sign_in(web, EMAIL, "not the password at all")
    unknown = sign_in(web, "nobody@clinic.test", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match an account" in wrong.text and "do not match an account" in unknown.text
    assert SESSION_COOKIE not in web.cookies


def test_sign_in_follows_only_a_local_next_path(web: TestClient, clinician: int) -> None:
    for target, expected in [
        ("/clinic?sort=sbi", "/clinic?sort=sbi"),
        ("//evil.example/", "/clinic"),
        ("https://evil.example/", "/clinic"),
    ]:
        answer = web.post(
            "/signin", data={"email": EMAIL, "password": PASSWORD, "next": target}, follow_redirects=False
        )
        assert answer.headers["location"] == expected


def test_the_same_origin_check_still_guards_sign_in(web: TestClient, clinician: int) -> None:
    answer = web.post(
        "/signin",
        data={"email": EMAIL, "password": PASSWORD},
        headers={"origin": "http://evil.example"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert SESSION_COOKIE not in web.cookies


@pytest.mark.parametrize("password", ["short pass!", "x" * 129, " " * 20])
def test_a_weak_password_is_refused_for_clinicians_and_at_sign_up(
    clinic_app: FastAPI, web: TestClient, clinician: int, password: str
) -> None:
    with pytest.raises(Invalid) as refused:
        create_user(clinic_app.state.store, "new@clinic.test", password, "clinician")
    assert "password" in refused.value.problems
    token = make_invite(clinic_app.state.store, clinician)
    answer = _signup(web, token, password=password)
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert "password" in answer.text.lower()  # type: ignore[attr-defined]
    with clinic_app.state.session_factory() as db:
        assert db.query(User).filter_by(role="patient").count() == 0
        assert db.get(Invite, 1).used_at is None  # still usable with a good password


def test_an_invite_signs_a_patient_up_once_and_links_them_to_the_clinician(
    clinic_app: FastAPI, web: TestClient, clinician: int
) -> None:
    token = make_invite(clinic_app.state.store, clinician, "Pat One")
    assert "Pat One" in web.get(f"/invite/{token}").text
    first = _signup(web, token)
    assert first.status_code == 303 and first.headers["location"] == "/screening"  # type: ignore[attr-defined]
    assert web.get("/screening").status_code == 200  # signed in as the new patient
    with clinic_app.state.session_factory() as db:
        patient = db.query(User).filter_by(role="patient").one()
        assert (patient.clinician_id, patient.email) == (clinician, "pat@example.org")
        invite = db.query(Invite).one()
        assert invite.used_by == patient.id and invite.token_hash == token_hash(token) != token
    with TestClient(clinic_app) as again:
        reused = _signup(again, token, email="someone@example.org")
        assert reused.status_code == 404 and INVITE_GONE in reused.text  # type: ignore[attr-defined]
        assert again.get(f"/invite/{token}").status_code == 404
    with clinic_app.state.session_factory() as db:
        assert db.query(User).filter_by(role="patient").count() == 1


def test_an_expired_or_forged_invite_is_refused(clinic_app: FastAPI, web: TestClient, clinician: int) -> None:
    made = datetime.now(UTC) - timedelta(hours=72, seconds=1)
    expired = make_invite(clinic_app.state.store, clinician, now=made)
    fresh = make_invite(clinic_app.state.store, clinician, now=datetime.now(UTC) - timedelta(hours=71))
    assert web.get(f"/invite/{expired}").status_code == 404
    assert _signup(web, expired).status_code == 404  # type: ignore[attr-defined]
    forged = fresh[:-2] + ("AA" if not fresh.endswith("AA") else "BB")
    assert _signup(web, forged).status_code == 404  # type: ignore[attr-defined]
    assert web.get(f"/invite/{fresh}").status_code == 200  # 71 hours old: still good
    with clinic_app.state.session_factory() as db:
        assert db.query(User).filter_by(role="patient").count() == 0


def test_only_a_clinician_can_invite(web: TestClient, clinic_app: FastAPI) -> None:
    admin = create_user(clinic_app.state.store, "admin@clinic.test", PASSWORD, "admin")
    sign_in(web, "admin@clinic.test")
    assert web.post("/clinic/invites", data={"name": "X"}).status_code == 403
    with clinic_app.state.session_factory() as db:
        assert db.query(Invite).count() == 0
    assert admin.role == "admin"


def _tampered(value: str) -> str:
    payload, _, rest = value.partition(".")
    data = json.loads(base64.b64decode(payload + "=="))
    data["uid"] = data["uid"] + 1
    return base64.b64encode(json.dumps(data).encode()).decode() + "." + rest


def test_a_cookie_without_a_valid_signature_is_anonymous(clinic_app: FastAPI, clinician: int) -> None:
    other = create_user(clinic_app.state.store, "kaur@clinic.test", PASSWORD, "clinician")
    with TestClient(clinic_app) as web:
        sign_in(web, EMAIL)
        good = web.cookies[SESSION_COOKIE]
    forged_elsewhere = (
        itsdangerous.TimestampSigner("some-other-secret-key-0123456789abcdef")
        .sign(base64.b64encode(json.dumps({"uid": other.id}).encode()))
        .decode()
    )
    for bad in (_tampered(good), good[:-3] + "xyz", forged_elsewhere, "not-a-cookie"):
        with TestClient(clinic_app, cookies={SESSION_COOKIE: bad}) as web:
            answer = web.get("/clinic", follow_redirects=False)
            assert answer.status_code == 303 and answer.headers["location"].startswith("/signin")
    with TestClient(clinic_app, cookies={SESSION_COOKIE: good}) as web:
        assert web.get("/clinic").status_code == 200  # the untouched cookie still works


def test_sign_in_is_rate_limited_per_account(web: TestClient, clinician: int) -> None:
    for _ in range(5):
        assert sign_in(web, EMAIL, "wrong password here").status_code == 401
    limited = sign_in(web, EMAIL)  # even the right password waits now
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert "Too many sign-in attempts" in limited.text
    assert SESSION_COOKIE not in web.cookies


def test_sign_in_is_rate_limited_per_address(clinic_app: FastAPI, web: TestClient, clinician: int) -> None:
    for n in range(20):  # 4 tries each on 5 made-up accounts: none reaches the per-account limit
        assert sign_in(web, f"guess{n % 5}@clinic.test", "wrong password here").status_code == 401
    assert sign_in(web, EMAIL).status_code == 429


def test_a_right_password_clears_the_account_count(web: TestClient, clinician: int) -> None:
    for _ in range(4):
        sign_in(web, EMAIL, "wrong password here")
    assert sign_in(web, EMAIL).status_code == 303
    for _ in range(4):
        assert sign_in(web, EMAIL, "wrong password here").status_code == 401
    assert sign_in(web, EMAIL).status_code == 303


NEW_PASSWORD = "a new and longer passphrase"


def _change(web: TestClient, current: str, new: str, confirm: str | None = None) -> object:
    form = {"current": current, "password": new, "confirm": new if confirm is None else confirm}
    return web.post("/account/password", data=form, follow_redirects=False)


def test_a_password_change_keeps_this_device_and_signs_out_the_others(clinic_app: FastAPI, clinician: int) -> None:
    with TestClient(clinic_app) as here, TestClient(clinic_app) as laptop:
        sign_in(here, EMAIL)
        sign_in(laptop, EMAIL)
        answer = _change(here, PASSWORD, NEW_PASSWORD)
        assert answer.status_code == 303 and answer.headers["location"] == "/account?changed=true"  # type: ignore[attr-defined]
        assert "Your password was changed" in here.get("/account?changed=true").text
        assert here.get("/clinic").status_code == 200  # this device stays signed in
        gone = laptop.get("/clinic", follow_redirects=False)  # the other one was signed in with the old password
        assert gone.status_code == 303 and gone.headers["location"].startswith("/signin")
    with TestClient(clinic_app) as web:
        assert sign_in(web, EMAIL).status_code == 401  # the old password no longer works
        assert sign_in(web, EMAIL, NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field"),
    [
        ("not my password at all", NEW_PASSWORD, None, "That is not your current password."),
        (PASSWORD, "too short", None, "12"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", "The two new passwords are not the same."),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    web: TestClient, clinician: int, current: str, new: str, confirm: str | None, field: str
) -> None:
    sign_in(web, EMAIL)
    answer = _change(web, current, new, confirm)
    assert answer.status_code == 422 and field in answer.text  # type: ignore[attr-defined]
    assert web.get("/clinic").status_code == 200  # still signed in
    with TestClient(web.app) as fresh:
        assert sign_in(fresh, EMAIL).status_code == 303  # the password is as it was


def test_personal_mode_has_no_sign_in(client: TestClient) -> None:
    assert client.get("/signin").status_code == 404
    assert client.get("/clinic").status_code == 404
    assert client.get("/", follow_redirects=False).status_code == 200
    assert SESSION_COOKIE not in client.get("/").headers.get("set-cookie", "")

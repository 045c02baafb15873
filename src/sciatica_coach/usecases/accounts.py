"""Clinic-mode accounts: create an account, invite a patient, accept an invite, sign in.

Passwords are hashed with Argon2 through pwdlib; invite tokens are random (32 bytes, URL-safe) and only their
SHA-256 is stored, so a database copy holds no usable link.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy.exc import IntegrityError

from sciatica_coach.domain.accounts import (
    INVITE_LIFETIME,
    Role,
    email_problem,
    normalize_email,
    password_problem,
)
from sciatica_coach.storage.accounts import invite_by_hash, user_by_email, user_by_id
from sciatica_coach.storage.models import Invite, Patient, User
from sciatica_coach.storage.unit_of_work import Store
from sciatica_coach.usecases.errors import Invalid, NotFound

# Argon2id with pwdlib's defaults (tests swap in a cheaper Argon2 cost through this one name).
HASHER = PasswordHash((Argon2Hasher(),))
# Verified against when no account has the e-mail given, so an unknown address takes as long as a wrong password
# (the hash of a random string nobody knows, made once with the default cost).
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$vIikLyMfTTRicBK5VqND7w$+Jq34ZNIsXAHRQss4lWOFr8kDVdQrQ5EKvUcG22+5EM"
INVITE_GONE = (
    "This invite link has expired, has been used already, or is not a real link: ask your clinician for a new one."
)


@dataclass(frozen=True)
class Account:
    """Who is signed in: what the web layer needs, detached from the database session."""

    id: int
    email: str
    role: Role
    display_name: str
    patient_id: int | None
    clinician_id: int | None
    # Changes with the password: a session cookie carrying another stamp (signed in before a change) is signed out.
    stamp: str = ""


def password_stamp(password_hash: str) -> str:
    """A short fingerprint of the stored hash (not the hash: the cookie can be read by its holder)."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


def _account(user: User) -> Account:
    role: Role = user.role  # type: ignore[assignment]  # the column only ever holds a Role
    stamp = password_stamp(user.password_hash)
    return Account(user.id, user.email, role, user.display_name, user.patient_id, user.clinician_id, stamp)


def token_hash(token: str) -> str:
    """The stored form of an invite token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_new(email: str, password: str) -> dict[str, str]:
    problems = {}
    if (problem := email_problem(email)) is not None:
        problems["email"] = problem
    if (problem := password_problem(password)) is not None:
        problems["password"] = problem
    return problems


def create_user(store: Store, email: str, password: str, role: Role, display_name: str = "") -> Account:
    """An admin or clinician account (patients come through invites). Refuses a taken e-mail or a weak password."""
    problems = _check_new(email, password)
    if problems:
        raise Invalid(problems)
    with store.write() as db:
        user = User(
            email=normalize_email(email), role=role, password_hash=HASHER.hash(password), display_name=display_name
        )
        try:
            with db.begin_nested():
                db.add(user)
                db.flush()
        except IntegrityError:
            raise Invalid({"email": "An account with this e-mail address exists already."}) from None
        return _account(user)


def make_invite(store: Store, clinician_id: int, display_name: str = "", now: datetime | None = None) -> str:
    """A one-time sign-up token for a new patient of this clinician, valid for 72 hours; only its hash is saved."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    with store.write() as db:
        clinician = user_by_id(db, clinician_id)
        if clinician is None or clinician.role != "clinician":
            raise NotFound("Only a clinician can invite patients.")
        db.add(
            Invite(
                token_hash=token_hash(token),
                clinician_id=clinician_id,
                display_name=display_name.strip()[:120],
                created_at=now,
                expires_at=now + INVITE_LIFETIME,
            )
        )
    return token


def _usable(invite: Invite | None, now: datetime) -> Invite:
    if invite is None or invite.used_at is not None:
        raise NotFound(INVITE_GONE)
    expires = invite.expires_at if invite.expires_at.tzinfo else invite.expires_at.replace(tzinfo=UTC)
    if now >= expires:
        raise NotFound(INVITE_GONE)
    return invite


def check_invite(store: Store, token: str, now: datetime | None = None) -> str:
    """The name the clinician gave the invited patient, if the token is a live invite (NotFound otherwise)."""
    with store.read() as db:
        return _usable(invite_by_hash(db, token_hash(token)), now or datetime.now(UTC)).display_name


def accept_invite(
    store: Store, token: str, email: str, password: str, display_name: str = "", now: datetime | None = None
) -> Account:
    """Sign up through an invite: a patient profile and account linked to the inviting clinician; the invite is used
    up in the same transaction (a second use, an expired or a forged token is refused)."""
    now = now or datetime.now(UTC)
    problems = _check_new(email, password)
    if problems:
        raise Invalid(problems)
    with store.write() as db:
        invite = _usable(invite_by_hash(db, token_hash(token), for_update=True), now)
        name = (display_name.strip() or invite.display_name or normalize_email(email).partition("@")[0])[:120]
        try:
            with db.begin_nested():
                patient = Patient(display_name=name, is_default=False)
                db.add(patient)
                db.flush()
                user = User(
                    email=normalize_email(email),
                    role="patient",
                    password_hash=HASHER.hash(password),
                    display_name=name,
                    patient_id=patient.id,
                    clinician_id=invite.clinician_id,
                )
                db.add(user)
                db.flush()
        except IntegrityError:
            raise Invalid({"email": "An account with this e-mail address exists already."}) from None
        invite.used_at = now
        invite.used_by = user.id
        return _account(user)


def authenticate(store: Store, email: str, password: str) -> Account | None:
    """The account when the e-mail and password match, else None (the same work is done for an unknown e-mail)."""
    with store.read() as db:
        user = user_by_email(db, normalize_email(email))
        if user is None or len(password) > 1024:
            HASHER.verify(password[:1024], _DUMMY_HASH)
            return None
        if not HASHER.verify(password, user.password_hash):
            return None
        return _account(user)


def change_password(store: Store, user_id: int, current: str, new: str) -> Account:
    """Replace the account's password after checking the current one; every other signed-in device is signed out
    (its cookie's stamp no longer matches). Invalid names the field: `current` wrong, `password` too short or long."""
    if (problem := password_problem(new)) is not None:
        raise Invalid({"password": problem})
    with store.write() as db:
        user = user_by_id(db, user_id)
        if user is None:
            raise NotFound("This account no longer exists.")
        if len(current) > 1024 or not HASHER.verify(current, user.password_hash):
            raise Invalid({"current": "That is not your current password."})
        user.password_hash = HASHER.hash(new)
        db.flush()
        return _account(user)


def account(store: Store, user_id: int) -> Account | None:
    """The account with this id (None when it no longer exists)."""
    with store.read() as db:
        user = user_by_id(db, user_id)
        return _account(user) if user is not None else None

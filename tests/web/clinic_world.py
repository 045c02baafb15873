"""A small clinic for tests: an admin, two clinicians, and three patients who signed up through invites."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient

from helpers import PASSWORD, sign_in
from sciatica_coach.usecases.accounts import Account, accept_invite, create_user, make_invite

ROLES = ("anonymous", "patient", "other_patient", "clinician", "other_clinician", "admin")


@dataclass
class Clinic:
    admin: Account
    clinician: Account  # Dr Lee: patient and other_patient are hers
    other_clinician: Account  # Dr Kaur: third_patient is his
    patient: Account
    other_patient: Account
    third_patient: Account


def make_clinic(app: FastAPI) -> Clinic:
    store = app.state.store
    admin = create_user(store, "admin@clinic.test", PASSWORD, "admin")
    lee = create_user(store, "lee@clinic.test", PASSWORD, "clinician", "Dr Lee")
    kaur = create_user(store, "kaur@clinic.test", PASSWORD, "clinician", "Dr Kaur")
    pat = accept_invite(store, make_invite(store, lee.id, "Pat One"), "pat@example.org", PASSWORD)
    sam = accept_invite(store, make_invite(store, lee.id, "Sam Two"), "sam@example.org", PASSWORD)
    kim = accept_invite(store, make_invite(store, kaur.id, "Kim Three"), "kim@example.org", PASSWORD)
    return Clinic(admin, lee, kaur, pat, sam, kim)


@contextmanager
def clients(app: FastAPI, clinic: Clinic) -> Iterator[dict[str, TestClient]]:
    """One signed-in client per role (and an anonymous one), closed afterwards."""
    with ExitStack() as stack:
        made: dict[str, TestClient] = {}
        for role in ROLES:
            client = stack.enter_context(TestClient(app))
            if role != "anonymous":
                account: Account = getattr(clinic, role)
                assert sign_in(client, account.email).status_code == 303
            made[role] = client
        yield made

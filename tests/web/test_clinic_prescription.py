"""Clinic mode, the prescription editor (on SQLite and PostgreSQL): exercises and variants from the content, doses
inside their ranges (a dose outside is refused naming the field and the range), hamstring stretches and their
aliases refused with the reason; every save a new version, audited, applied to the plan and shown to the patient
with the clinician's name and note; the rules' changes kept or undone, offers answered and stopped exercises put
back by the clinician; a morning corrected afterwards does not undo the clinician's prescription."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from sciatica_coach.domain.adaptation import AdaptivePlan, Offer
from sciatica_coach.domain.content import load_library
from sciatica_coach.domain.engine.prescription import Prescription, prescribe
from sciatica_coach.domain.prescribing import contraindication_of
from sciatica_coach.domain.screening import all_no
from sciatica_coach.storage.models import AuditEntry, PlanChange, PrescriptionVersion
from sciatica_coach.storage.plans import current_plan, save_plan
from sciatica_coach.usecases.checkins import morning_checkin
from web.clinic_world import Clinic, clients, make_clinic

World = tuple[Clinic, dict[str, TestClient], FastAPI]
NOW = datetime.now(UTC)
HAMSTRING_REASON = "It pulls an already irritated sciatic nerve tighter."


@pytest.fixture
def world(clinic_app: FastAPI) -> Iterator[World]:
    clinic = make_clinic(clinic_app)
    with clients(clinic_app, clinic) as made:
        yield clinic, made, clinic_app


def _form(*rows: tuple[str, int, float], note: str = "") -> dict[str, str]:
    """The editor's fields: one row per exercise (an empty id: left out)."""
    data = {"note": note}
    for index, (exercise_id, reps, hold) in enumerate(rows):
        data |= {
            f"items.{index}.exercise_id": exercise_id,
            f"items.{index}.reps": str(reps),
            f"items.{index}.hold_seconds": f"{hold:g}",
        }
    return data


STARTING = (("nerve-glide", 5, 5), ("prone-press-up", 5, 2), ("hip-hinge", 5, 2))


def _plan(app: FastAPI, patient_id: int | None) -> AdaptivePlan:
    assert patient_id is not None
    with app.state.store.read() as db:
        return current_plan(db, patient_id, app.state.catalog.library)


def _versions(app: FastAPI, patient_id: int | None) -> list[PrescriptionVersion]:
    with app.state.session_factory() as db:
        stmt = select(PrescriptionVersion).where(PrescriptionVersion.patient_id == patient_id)
        return list(db.scalars(stmt.order_by(PrescriptionVersion.version)))


def test_the_editor_shows_the_plan_with_each_exercises_variants_and_ranges(world: World) -> None:
    clinic, made, _ = world
    html = made["clinician"].get(f"/clinic/patients/{clinic.patient.patient_id}/prescription").text
    assert 'name="items.0.exercise_id"' in html and 'value="nerve-glide" selected' in html
    assert "Sciatic nerve glide, bent knee (variant): 5 to 10 reps, hold 5 seconds" in html
    assert "Not in the program" in html and "No clinician has changed this prescription yet" in html


def test_a_dose_outside_the_contents_range_is_refused_naming_the_field(world: World) -> None:
    clinic, made, app = world
    path = f"/clinic/patients/{clinic.patient.patient_id}/prescription"
    too_many = made["clinician"].post(path, data=_form(("nerve-glide", 11, 5), *STARTING[1:]))
    assert too_many.status_code == 422
    assert 'data-field="items.0.reps"' in too_many.text
    assert "Sciatic nerve glide: reps must be 5 to 10 (not 11)." in too_many.text
    held = made["clinician"].post(path, data=_form(*STARTING[:2], ("hip-hinge", 5, 3)))
    assert held.status_code == 422 and "Hip hinge: the hold must be 0 to 2 seconds (not 3)." in held.text
    negative = made["clinician"].post(path, data=_form(("nerve-glide", -1, 5), *STARTING[1:]))
    assert negative.status_code == 422 and 'data-field="items.0.reps"' in negative.text
    odd = made["clinician"].post(path, data={**_form(*STARTING), "items.0.sets": "3"})
    assert odd.status_code == 422 and 'data-field="items.0.sets"' in odd.text
    both = made["clinician"].post(path, data=_form(("nerve-glide", 5, 5), ("nerve-glide-bent-knee", 5, 5)))
    assert both.status_code == 422 and "Choose one variant of Sciatic nerve glide only." in both.text
    same = made["clinician"].post(path, data=_form(*STARTING))
    assert same.status_code == 422 and "This is the prescription as it stands" in same.text
    assert _versions(app, clinic.patient.patient_id) == []
    assert _plan(app, clinic.patient.patient_id).item("nerve-glide") is not None


@pytest.mark.parametrize(
    ("exercise_id", "note"),
    [("hamstring-stretch", ""), ("toe-touches", ""), ("sit-and-reach", ""), ("nerve-glide", "Add some toe touches.")],
)
def test_hamstring_stretches_and_their_aliases_are_refused_with_the_reason(
    world: World, exercise_id: str, note: str
) -> None:
    clinic, made, app = world
    path = f"/clinic/patients/{clinic.patient.patient_id}/prescription"
    answer = made["clinician"].post(path, data=_form((exercise_id, 6, 5), *STARTING[1:], note=note))
    assert answer.status_code == 422
    assert "Hamstring stretches are never prescribed here" in answer.text and HAMSTRING_REASON in answer.text
    assert "Instead: Sciatic nerve glides" in answer.text
    assert 'data-field="note"' in answer.text if note else 'data-field="items.0.exercise_id"' in answer.text
    assert _versions(app, clinic.patient.patient_id) == []


def test_every_save_is_a_version_audited_applied_and_shown_to_the_patient_with_name_and_note(world: World) -> None:
    clinic, made, app = world
    pat = clinic.patient.patient_id
    path = f"/clinic/patients/{pat}/prescription"
    first = made["clinician"].post(
        path, data=_form(("nerve-glide-bent-knee", 7, 5), *STARTING[1:], note="Bent knee for a week, please.")
    )
    assert first.status_code == 200  # back on the editor
    plan = _plan(app, pat)
    assert [(i.exercise_id, i.reps) for i in plan.prescription.items] == [
        ("nerve-glide-bent-knee", 7),
        ("prone-press-up", 5),
        ("hip-hinge", 5),
    ]
    second = made["clinician"].post(path, data=_form(("nerve-glide-bent-knee", 7, 5), STARTING[1], ("", 5, 2)))
    assert second.status_code == 200
    assert [i.exercise_id for i in _plan(app, pat).prescription.items] == ["nerve-glide-bent-knee", "prone-press-up"]
    versions = _versions(app, pat)
    assert [(v.version, v.clinician_name, v.action, v.note) for v in versions] == [
        (1, "Dr Lee", "set", "Bent knee for a week, please."),
        (2, "Dr Lee", "set", ""),
    ]
    assert len(versions[1].prescription["items"]) == 2
    with app.state.session_factory() as db:
        changes = db.scalars(select(PlanChange).where(PlanChange.patient_id == pat).order_by(PlanChange.id)).all()
        assert [(c.rule_id, c.after["action"], c.after["by"], c.after["version"]) for c in changes] == [
            ("clinician", "clinician-set", "Dr Lee", 1),
            ("clinician", "clinician-remove", "Dr Lee", 2),
        ]
        assert changes[0].reason == "Bent knee for a week, please."
        assert changes[1].reason == "Your clinician took this exercise out of your program."
        audits = db.scalars(select(AuditEntry).where(AuditEntry.patient_id == pat).order_by(AuditEntry.id)).all()
        assert [(a.actor, a.action) for a in audits] == [
            (f"clinician:{clinic.clinician.id}", "plan-clinician-set"),
            (f"clinician:{clinic.clinician.id}", "prescription-version"),
            (f"clinician:{clinic.clinician.id}", "plan-clinician-remove"),
            (f"clinician:{clinic.clinician.id}", "prescription-version"),
        ]
        assert all("week" not in str(a.detail) for a in audits)  # the note stays with the change
    page = made["patient"].get("/plan").text
    assert "Changed by your clinician" in page and "Dr Lee" in page and "Bent knee for a week, please." in page
    assert "Taken out by your clinician" in page
    api = made["patient"].get("/api/plan").json()
    assert [(c["by"], c["note"], c["action"]) for c in api["changes"]] == [
        ("Dr Lee", None, "clinician-remove"),
        ("Dr Lee", "Bent knee for a week, please.", "clinician-set"),
    ]
    editor = made["clinician"].get(path).text
    assert "Version 2" in editor and "Version 1" in editor and "Bent knee for a week, please." in editor
    # another clinician cannot save one by changing the id
    kaur = made["other_clinician"].post(path, data=_form(*STARTING), follow_redirects=False)
    assert kaur.status_code == 404 and len(_versions(app, pat)) == 2


def _worse_mornings(app: FastAPI, patient_id: int | None, today_leg: int = 6) -> None:
    """Yesterday leg pain 2, today 6: the rules stop every exercise until a clinician has looked (worsening)."""
    assert patient_id is not None
    for at, leg in ((NOW - timedelta(days=1), 2), (NOW, today_leg)):
        answers = {"back_pain": 2, "leg_pain": leg, "left_reach": "thigh", "right_reach": "none"}
        answers |= {"numbness": False, "weakness": False}
        morning_checkin(app.state.store, app.state.catalog, patient_id, answers, all_no("short"), at=at)


def _rule_changes(app: FastAPI, patient_id: int | None) -> dict[str, int]:
    with app.state.session_factory() as db:
        stmt = select(PlanChange).where(PlanChange.patient_id == patient_id, PlanChange.rule_id != "clinician")
        return {str(c.exercise_id): c.id for c in db.scalars(stmt)}


def test_the_clinician_keeps_or_undoes_the_rules_changes_and_puts_stopped_exercises_back(world: World) -> None:
    clinic, made, app = world
    pat = clinic.patient.patient_id
    _worse_mornings(app, pat)
    assert _plan(app, pat).prescription.items == ()
    stops = _rule_changes(app, pat)
    assert set(stops) == {"nerve-glide", "prone-press-up", "hip-hinge"}
    lee = made["clinician"]
    editor = lee.get(f"/clinic/patients/{pat}/prescription").text
    assert "worsening-stop" in editor and "Keep it" in editor and "Put it back in the program" in editor
    base = f"/clinic/patients/{pat}"
    assert lee.post(f"{base}/changes/{stops['hip-hinge']}", data={"decision": "keep"}).status_code == 200
    undo = lee.post(f"{base}/changes/{stops['nerve-glide']}", data={"decision": "undo", "note": "Glides are fine."})
    assert undo.status_code == 200
    again = lee.post(f"{base}/changes/{stops['nerve-glide']}", data={"decision": "keep"})
    assert again.status_code == 422 and "kept or undone already" in again.text
    assert lee.post(f"{base}/reviews/prone-press-up", data={"note": ""}).status_code == 200
    assert lee.post(f"{base}/reviews/prone-press-up", data={}).status_code == 404  # not paused any more
    moved = lee.post(f"{base}/changes/{stops['prone-press-up']}", data={"decision": "undo"})
    assert moved.status_code == 409 and "The exercise is back in the plan already" in moved.text
    plan = _plan(app, pat)
    assert [(i.exercise_id, i.reps) for i in plan.prescription.items] == [("nerve-glide", 5), ("prone-press-up", 5)]
    assert [r.exercise_id for r in plan.reviews] == ["hip-hinge"]  # kept: still stopped
    assert [v.action for v in _versions(app, pat)] == ["keep", "undo", "resume"]
    page = made["patient"].get("/plan").text
    assert "Kept by your clinician" in page and "Undone by your clinician" in page and "Glides are fine." in page
    assert "Your clinician has looked at this exercise: it is back in your program." in page
    # another clinician cannot decide anything by changing the ids
    kaur = made["other_clinician"]
    assert kaur.post(f"{base}/changes/{stops['hip-hinge']}", data={"decision": "undo"}).status_code == 404
    assert kaur.post(f"{base}/reviews/hip-hinge", data={}).status_code == 404
    assert [r.exercise_id for r in _plan(app, pat).reviews] == ["hip-hinge"]


def test_a_morning_corrected_afterwards_keeps_the_clinicians_prescription(world: World) -> None:
    clinic, made, app = world
    pat = clinic.patient.patient_id
    _worse_mornings(app, pat)
    path = f"/clinic/patients/{pat}/prescription"
    saved = made["clinician"].post(path, data=_form(("nerve-glide", 6, 5), ("", 5, 2), ("", 5, 2), note="Just this."))
    assert saved.status_code == 200
    assert [(i.exercise_id, i.reps) for i in _plan(app, pat).prescription.items] == [("nerve-glide", 6)]
    # the patient corrects this morning (leg pain 2, not 6): the rules replay the day, the clinician's change stays
    answers = {"back_pain": 2, "leg_pain": 2, "left_reach": "thigh", "right_reach": "none"}
    answers |= {"numbness": False, "weakness": False}
    outcome = morning_checkin(app.state.store, app.state.catalog, pat, answers, all_no("short"), at=NOW)
    assert outcome.corrected
    assert [(i.exercise_id, i.reps) for i in _plan(app, pat).prescription.items] == [("nerve-glide", 6)]
    assert "Just this." in made["patient"].get("/plan").text


def test_the_clinician_answers_an_open_offer_for_the_patient(world: World) -> None:
    clinic, made, app = world
    pat = clinic.patient.patient_id
    assert pat is not None
    library = app.state.catalog.library
    plan = AdaptivePlan.start(library)
    bent = prescribe(library, "nerve-glide-bent-knee", 6, 5)
    reason = "You can try the straight-leg glide again."
    offer = Offer("nerve-glide-offer-straight-leg", 2, "nerve-glide-bent-knee", "nerve-glide", 5, reason)
    plan = replace(plan, prescription=Prescription((bent, *plan.prescription.items[1:])), offers=(offer,))
    with app.state.store.write(pat) as db:  # the state the rules leave after three low-pain bent-knee days
        save_plan(db, pat, library, plan, [], "rules", {})
    base = f"/clinic/patients/{pat}/offers"
    assert "Accept for the patient" in made["clinician"].get(f"/clinic/patients/{pat}/prescription").text
    assert made["other_clinician"].post(f"{base}/{offer.rule_id}", data={"answer": "accept"}).status_code == 404
    assert made["clinician"].post(f"{base}/{offer.rule_id}", data={"answer": "accept"}).status_code == 200
    assert made["clinician"].post(f"{base}/{offer.rule_id}", data={"answer": "accept"}).status_code == 409
    after = _plan(app, pat)
    assert after.offers == () and after.prescription.items[0].exercise_id == "nerve-glide"
    page = made["patient"].get("/plan").text
    assert "Accepted for you by your clinician" in page and "Your clinician accepted this offer for you." in page


def test_contraindicated_entries_are_found_by_any_alias() -> None:
    library = load_library()
    for text in ("hamstring-stretch", "Hamstring stretches", "Toe touches", "uttanasana", "a standing fold"):
        found = contraindication_of(text, library)
        assert found is not None and found.id == "hamstring-stretch", text
    for text in ("nerve-glide", "prone-press-up", "hip-hinge", "Keep the glide gentle."):
        assert contraindication_of(text, library) is None, text

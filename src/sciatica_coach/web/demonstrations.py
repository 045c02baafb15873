"""The context of `templates/exercises/_demo.html`: an exercise's moving figure, its still frame and its words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sciatica_coach.domain.content.loader import Library
from sciatica_coach.domain.content.schema import Exercise
from sciatica_coach.domain.demonstration import BONES, POINTS, Demonstration, Frame, demonstrate, has_demonstration
from sciatica_coach.domain.engine.prescription import PrescribedExercise, prescribe

PHASE_LABELS = {"rest": "Rest", "move": "Move", "hold": "Hold", "return": "Return"}


def program_dose(library: Library, exercise_id: str) -> PrescribedExercise:
    """The dose of the starting program for this exercise, or the content's default dose when it is not in it."""
    for item in library.program.items:
        if item.exercise == exercise_id:
            return prescribe(library, exercise_id, item.reps, item.hold_seconds)
    return prescribe(library, exercise_id)


def _seconds(value: float) -> str:
    return f"{value:g} second" + ("" if value == 1 else "s")


def caption(exercise: Exercise, demo: Demonstration) -> str:
    """The movement in words, for everyone and for screen readers."""
    move, ret = demo.phase("move"), demo.phase("return")
    words = [f"A figure seen from the side shows one repetition of the {exercise.name.lower()}."]
    words.append(f"Over {_seconds(move.duration)}: {exercise.cues.move}")
    hold = next((p for p in demo.phases if p.kind == "hold"), None)
    if hold is not None:
        words.append(f"Hold for {_seconds(hold.duration)}: {exercise.cues.hold}")
    words.append(f"Then over {_seconds(ret.duration)}: {exercise.cues.return_}")
    if exercise.pacing.rest_seconds > 0:
        words.append(f"Rest {_seconds(exercise.pacing.rest_seconds)} between repetitions.")
    return " ".join(words)


def _drawing(demo: Demonstration, frame: Frame) -> dict[str, Any]:
    """One frame as SVG coordinates: the head and each bone, in `BONES` order."""
    return {
        "view_box": " ".join(f"{v:.1f}" for v in demo.view_box),
        "floor": {"x1": demo.view_box[0], "x2": demo.view_box[0] + demo.view_box[2], "y": demo.floor_y},
        "head": {"x": frame.points[0][0], "y": frame.points[0][1], "r": demo.head_radius},
        "bones": [
            {"a": POINTS.index(a), "b": POINTS.index(b), "layer": layer, "from": frame.at(a), "to": frame.at(b)}
            for a, b, layer in BONES
        ],
    }


def demo_view(
    exercise: Exercise, item: PrescribedExercise, sides: Sequence[str] = ("",), speed: float = 1.0, sync: bool = False
) -> dict[str, Any] | None:
    """What `_demo.html` needs: one view per working side, the first drawn still, the words; None when the body
    model cannot perform the exercise. `speed` is the clock speed of the page (the player's), `sync` makes the
    figure follow the player's `sc:phase` events instead of looping."""
    if not has_demonstration(exercise.id):
        return None
    views = {side: demonstrate(exercise, item, side) for side in sides}
    first = views[sides[0]]
    still = first.frames[first.still]
    rest = first.frames[0]
    return {
        "id": exercise.id,
        "speed": speed,
        "sync": sync,
        "caption": caption(exercise, first),
        **_drawing(first, still),
        "positions": [_drawing(first, rest), _drawing(first, still)],  # the key positions: at rest, at the top
        "data": {
            "exercise": exercise.id,
            "first": sides[0],
            "labels": PHASE_LABELS,
            "views": {side: demo.to_dict() for side, demo in views.items()},
        },
    }

"""Adaptation: rules as data that turn sessions and check-ins into plan changes, each with a stated reason."""

from sciatica_coach.domain.adaptation.engine import Adaptation, OfferError, accept_offer, adapt, decline_offer, dose
from sciatica_coach.domain.adaptation.plan import (
    AdaptivePlan,
    Change,
    Event,
    ExerciseOutcome,
    MorningEvent,
    Offer,
    ReviewFlag,
)
from sciatica_coach.domain.adaptation.rules import RuleBook, load_rules

__all__ = [
    "Adaptation",
    "AdaptivePlan",
    "Change",
    "Event",
    "ExerciseOutcome",
    "MorningEvent",
    "Offer",
    "OfferError",
    "ReviewFlag",
    "RuleBook",
    "accept_offer",
    "adapt",
    "decline_offer",
    "dose",
    "load_rules",
]

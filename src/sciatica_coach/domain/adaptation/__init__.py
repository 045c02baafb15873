"""Adaptation: rules as data that turn sessions and check-ins into plan changes, each with a stated reason."""

from sciatica_coach.domain.adaptation.advice import Advice, advice_of, screening_advice, worst
from sciatica_coach.domain.adaptation.engine import Adaptation, OfferError, accept_offer, adapt, decline_offer, dose
from sciatica_coach.domain.adaptation.plan import (
    AdaptivePlan,
    Change,
    Event,
    ExerciseOutcome,
    MorningEvent,
    Offer,
    ReviewFlag,
    SbiEvent,
)
from sciatica_coach.domain.adaptation.rules import RuleBook, load_rules

__all__ = [
    "Adaptation",
    "AdaptivePlan",
    "Advice",
    "Change",
    "Event",
    "ExerciseOutcome",
    "MorningEvent",
    "Offer",
    "OfferError",
    "ReviewFlag",
    "RuleBook",
    "SbiEvent",
    "accept_offer",
    "adapt",
    "advice_of",
    "decline_offer",
    "dose",
    "load_rules",
    "screening_advice",
    "worst",
]

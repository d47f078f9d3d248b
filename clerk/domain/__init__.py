"""The case lifecycle: domain objects, the verdict on materials, states and transitions.

The service layer (``clerk.services.cases``) builds on these and the store.
"""

from clerk.domain.intake import (
    OUTCOME_LABELS,
    Applicant,
    ApplicantKind,
    IntakeDraft,
    MaterialMark,
    MaterialStatus,
    Outcome,
    Requirement,
    Verdict,
    VerdictState,
    assess,
    requirements,
)
from clerk.domain.lifecycle import TRANSITIONS, CaseState, TransitionError, can_transition, check_transition

__all__ = [
    "OUTCOME_LABELS",
    "TRANSITIONS",
    "Applicant",
    "ApplicantKind",
    "CaseState",
    "IntakeDraft",
    "MaterialMark",
    "MaterialStatus",
    "Outcome",
    "Requirement",
    "TransitionError",
    "Verdict",
    "VerdictState",
    "assess",
    "can_transition",
    "check_transition",
    "requirements",
]

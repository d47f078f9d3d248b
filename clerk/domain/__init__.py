"""The case lifecycle: domain objects, the verdict on materials, states and transitions.

The service layer (``clerk.services.cases``) builds on these and the store.  The names
below load on first use (PEP 562): the sign-in screen needs ``clerk.domain.errors``,
not the intake rules and the catalog model behind them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk.lazy import lazy_exports

_EXPORTS = {
    "OUTCOME_LABELS": "clerk.domain.intake",
    "Applicant": "clerk.domain.intake",
    "ApplicantKind": "clerk.domain.intake",
    "IntakeDraft": "clerk.domain.intake",
    "MaterialMark": "clerk.domain.intake",
    "MaterialStatus": "clerk.domain.intake",
    "Outcome": "clerk.domain.intake",
    "Requirement": "clerk.domain.intake",
    "Verdict": "clerk.domain.intake",
    "VerdictState": "clerk.domain.intake",
    "assess": "clerk.domain.intake",
    "requirements": "clerk.domain.intake",
    "TRANSITIONS": "clerk.domain.lifecycle",
    "CaseState": "clerk.domain.lifecycle",
    "TransitionError": "clerk.domain.lifecycle",
    "can_transition": "clerk.domain.lifecycle",
    "check_transition": "clerk.domain.lifecycle",
}

__all__ = [
    "Applicant",
    "ApplicantKind",
    "CaseState",
    "IntakeDraft",
    "MaterialMark",
    "MaterialStatus",
    "OUTCOME_LABELS",
    "Outcome",
    "Requirement",
    "TRANSITIONS",
    "TransitionError",
    "Verdict",
    "VerdictState",
    "assess",
    "can_transition",
    "check_transition",
    "requirements",
]

if TYPE_CHECKING:  # pragma: no cover
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


__getattr__ = lazy_exports(__name__, _EXPORTS)

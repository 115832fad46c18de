"""What a round's state allows. Every write service asks here before it changes anything, so a
published round stays as published and an appraiser never writes into a unit's open draft."""

from __future__ import annotations

from collections.abc import Collection

from govindex.assessments.models import Round, RoundState, RoundUnit
from govindex.errors import ApplicationError

#: Every state but published: a published round is final.
EDITABLE_STATES = frozenset(RoundState) - {RoundState.PUBLISHED}

#: States in which survey and system-data values may still be entered or imported.
DATA_ENTRY_STATES = frozenset(
    {RoundState.DRAFT, RoundState.OPEN, RoundState.SUBMITTED, RoundState.UNDER_APPRAISAL}
)


def require_round_state(round: Round, allowed: Collection[RoundState], *, doing: str) -> None:
    """``ApplicationError`` (409) unless the round is in one of ``allowed``."""
    if round.state in allowed:
        return
    if round.state == RoundState.PUBLISHED:
        message = f"Round {round.name!r} is published; nobody can {doing} any more."
    else:
        names = " or ".join(str(RoundState(state).label) for state in allowed)
        message = (
            f"Round {round.name!r} is {RoundState(round.state).label}; you can {doing} only "
            f"while it is {names}."
        )
    raise ApplicationError(message, code="round_state", status=409)


def require_unsubmitted(link: RoundUnit, *, doing: str) -> None:
    """A unit's self-assessment is frozen once its leader has submitted it."""
    if link.submitted_at is not None:
        raise ApplicationError(
            f"{link.unit.code} has submitted its self-assessment for {link.round.name!r}; "
            f"ask an appraiser to return it before you {doing}.",
            code="already_submitted",
            status=409,
        )

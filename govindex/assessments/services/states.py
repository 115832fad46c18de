"""What a round's state allows. Every write service asks here before it changes anything, so a
published round stays as published and an appraiser never writes into a unit's open draft."""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext as _

from govindex.assessments.models import Round, RoundState, RoundUnit
from govindex.errors import ApplicationError

#: Every state but published: a published round is final.
EDITABLE_STATES = frozenset(RoundState) - {RoundState.PUBLISHED}

#: States in which survey and system-data values may still be entered or imported.
DATA_ENTRY_STATES = frozenset(
    {RoundState.DRAFT, RoundState.OPEN, RoundState.SUBMITTED, RoundState.UNDER_APPRAISAL}
)


def require_round_state(round: Round, allowed: Collection[RoundState], *, doing: str) -> None:
    """``ApplicationError`` (409) unless the round is in one of ``allowed``. ``doing`` is a
    translated phrase that reads after "you can" ("change a self-assessment")."""
    if round.state in allowed:
        return
    if round.state == RoundState.PUBLISHED:
        message = _("Round %(name)r is published; nobody can %(doing)s any more.") % {
            "name": round.name,
            "doing": doing,
        }
    else:
        names = _(" or ").join(str(RoundState(state).label) for state in allowed)
        message = _(
            "Round %(name)r is %(state)s; you can %(doing)s only while it is %(allowed)s."
        ) % {
            "name": round.name,
            "state": RoundState(round.state).label,
            "doing": doing,
            "allowed": names,
        }
    raise ApplicationError(message, code="round_state", status=409)


def require_unsubmitted(link: RoundUnit, *, doing: str) -> None:
    """A unit's self-assessment is frozen once its leader has submitted it."""
    if link.submitted_at is not None:
        raise ApplicationError(
            _(
                "%(unit)s has submitted its self-assessment for %(round)r; ask an appraiser to "
                "return it before you %(doing)s."
            )
            % {"unit": link.unit.code, "round": link.round.name, "doing": doing},
            code="already_submitted",
            status=409,
        )

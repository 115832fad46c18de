"""The allowed-transitions table of a feedback case (pure data, no database).

A transfer is the transition to ``received`` with another unit: the case waits again for a unit
to accept it. A reopening (the citizen was not satisfied) is the transition from ``published``
or ``closed`` back to ``in_progress``.
"""

from __future__ import annotations

from govindex.feedback.models import CaseStatus

S = CaseStatus

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.ACCEPTED, S.REJECTED, S.RECEIVED}),
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.ANSWERED, S.RECEIVED}),
    S.IN_PROGRESS: frozenset({S.ANSWERED, S.RECEIVED}),
    # The leader sends an answer back for more work, or publishes it.
    S.ANSWERED: frozenset({S.PUBLISHED, S.IN_PROGRESS}),
    S.PUBLISHED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset({S.IN_PROGRESS}),
    S.REJECTED: frozenset(),
}

#: States from which a case may be passed to another unit.
TRANSFERABLE = frozenset({S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS})
#: States from which going to ``in_progress`` is a reopening.
REOPENABLE = frozenset({S.PUBLISHED, S.CLOSED})


def is_allowed(current: str, to: str) -> bool:
    return to in ALLOWED_TRANSITIONS.get(current, frozenset())


def is_transfer(current: str, to: str) -> bool:
    return to == S.RECEIVED and current in TRANSFERABLE


def is_reopening(current: str, to: str) -> bool:
    return to == S.IN_PROGRESS and current in REOPENABLE

"""Which scored rounds a dashboard may show to whom, on the rules of
``govindex.assessments.permissions``: a published round's results are public; an unpublished
round's results only for those who see every unit (appraisers, city leaders, administrators).

The role check costs a few queries, so a page asks it once (``Viewer.of``) and reuses the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max

from govindex.assessments.models import Round, RoundState
from govindex.assessments.permissions import sees_all_units, visible_rounds
from govindex.orgs.permissions import User


class SignInRequired(Exception):
    """The page exists, but only for people who sign in (an anonymous visitor asked)."""


class ResultsNotVisible(Exception):
    """The round exists, but its results are not for this person."""


class RoundNotScored(Exception):
    """No such round, or it has no results yet."""


@dataclass(frozen=True)
class Viewer:
    """The person looking at a dashboard, with the one role answer every dashboard needs."""

    user: User
    sees_all_units: bool

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(user=user, sees_all_units=sees_all_units(user))

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user.is_authenticated)

    def can_view_results(self, round: Round) -> bool:
        """``can_view_round_results`` with the role answer computed once (a test keeps the two
        in step)."""
        return round.state == RoundState.PUBLISHED or self.sees_all_units


def dashboard_rounds(viewer: Viewer, *, framework_id: str | None = None) -> list[Round]:
    """Scored rounds whose results ``viewer`` may see, newest year first (one query). Each is
    annotated with ``last_computed``, the time of its latest computation."""
    rounds = (
        visible_rounds(viewer.user)
        .annotate(last_computed=Max("computations__computed_at"))
        .filter(last_computed__isnull=False)
    )
    if not viewer.sees_all_units:
        rounds = rounds.filter(state=RoundState.PUBLISHED)
    if framework_id is not None:
        rounds = rounds.filter(framework_id=framework_id)
    return list(rounds.order_by("-year", "-last_computed", "-pk"))


def default_round(rounds: list[Round]) -> Round | None:
    """The most recently scored of ``rounds``: for the public, the latest published round; for
    those who see every unit, the latest scored round, provisional or not."""
    return max(rounds, key=lambda round: (round.last_computed, round.pk), default=None)


def dashboard_round(viewer: Viewer, rounds: list[Round], round_id: int) -> Round:
    """The round ``round_id`` among ``rounds`` (from ``dashboard_rounds``), or the reason it
    cannot be shown: ``RoundNotScored`` (no such round, or no results), ``SignInRequired``
    (unpublished results asked for by an anonymous visitor), ``ResultsNotVisible``."""
    for round in rounds:
        if round.pk == round_id:
            return round
    round = Round.objects.filter(pk=round_id).first()
    if round is None or viewer.can_view_results(round):
        raise RoundNotScored(round_id)
    if not viewer.is_authenticated:
        raise SignInRequired(round_id)
    raise ResultsNotVisible(round_id)

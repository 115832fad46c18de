"""What every write of the improvement app checks first: the round's state, the unit's place in
the round, the criterion in the round's framework; and the model's own checks as one
``ApplicationError``."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import Round, RoundState, RoundUnit
from govindex.errors import ApplicationError
from govindex.orgs.models import Unit


def require_plans_open(round: Round) -> None:
    """Findings and plans follow the results: refused only while the round is a draft."""
    if round.state == RoundState.DRAFT:
        raise ApplicationError(
            _(
                "Round %(name)r is still a draft; causes and plans are recorded once the round "
                "is open."
            )
            % {"name": round.name},
            code="round_state",
            status=409,
        )


def require_round_unit(round: Round, unit: Unit) -> None:
    if not RoundUnit.objects.filter(round=round, unit=unit).exists():
        raise ApplicationError(
            _("%(unit)s does not take part in round %(round)r.")
            % {"unit": unit.code, "round": round.name},
            code="unit_not_in_round",
        )


def leaf_problem(round: Round, leaf_id: str) -> str | None:
    """Why ``leaf_id`` is not a criterion of the round's framework, or ``None``."""
    framework = round_framework(round, check_version=False)
    if leaf_id not in framework.node_index or not framework.node(leaf_id).is_leaf:
        return _("%(leaf)r is not a criterion of framework %(framework)s.") % {
            "leaf": leaf_id,
            "framework": framework.id,
        }
    return None


def require_leaves(round: Round, leaf_ids: Iterable[str]) -> None:
    problems = [problem for leaf_id in leaf_ids if (problem := leaf_problem(round, leaf_id))]
    if problems:
        raise ApplicationError(" ".join(problems), code="unknown_criterion")


def clean_or_refuse(instance: Any, exclude: Collection[str] = ()) -> None:
    """``full_clean`` with the model's messages turned into one ``ApplicationError``."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), code="invalid") from error


def user_label(user: AbstractBaseUser | None) -> str | None:
    return None if user is None else user.get_username()

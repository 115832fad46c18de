"""Who may see and do what in an assessment round. Views and the API ask these; services enforce
the round's state, not the person. Built on the role checks of ``govindex.orgs.permissions``."""

from __future__ import annotations

from django.db.models import QuerySet

from govindex.assessments.models import Round, RoundState
from govindex.orgs.models import Membership, Role, Unit
from govindex.orgs.permissions import (
    User,
    can_appraise,
    can_approve_submission,
    can_edit_self_assessment,
    can_view_unit_details,
    is_city_leader,
)


def sees_all_units(user: User) -> bool:
    """Appraisers, city leaders and administrators see every unit's unpublished detail."""
    return can_appraise(user) or is_city_leader(user)


def can_view_round_results(user: User, round: Round) -> bool:
    """Rankings and scores: public once published; before that only for those who see all units."""
    return round.state == RoundState.PUBLISHED or sees_all_units(user)


def can_view_unit_entries(user: User, unit: Unit) -> bool:
    """A unit's entries (self-assessed and appraised values, comments, evidence files): its own
    people and those who see all units, published round or not. Computed points of a published
    round are public; the entries behind them are not."""
    return can_view_unit_details(user, unit)


def can_self_assess(user: User, unit: Unit) -> bool:
    return can_edit_self_assessment(user, unit)


def can_submit(user: User, unit: Unit) -> bool:
    return can_approve_submission(user, unit)


def can_manage_round(user: User) -> bool:
    """Open, close, move and publish rounds; enter survey points; appraise."""
    return can_appraise(user)


def user_units(user: User) -> QuerySet[Unit]:
    """The units a person works for (staff or leader)."""
    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(
        memberships__user=user, memberships__role__in=[Role.STAFF, Role.LEADER]
    ).distinct()


def visible_rounds(user: User) -> QuerySet[Round]:
    """Rounds a person may open: published ones for everybody; the rest (drafts excepted) for those
    who see all units, and the rounds their own units take part in."""
    rounds = Round.objects.all()
    if sees_all_units(user):
        return rounds
    published = rounds.filter(state=RoundState.PUBLISHED)
    if not user.is_authenticated:
        return published
    own = rounds.exclude(state=RoundState.DRAFT).filter(
        round_units__unit__in=Membership.objects.filter(user=user).values("unit")
    )
    return (published | own).distinct()

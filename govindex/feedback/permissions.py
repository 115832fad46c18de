"""Who may do what with feedback cases. Views ask these; services do not."""

from __future__ import annotations

from govindex.feedback.models import FeedbackCase
from govindex.feedback.selectors import sees_every_unit
from govindex.orgs.models import Membership, Role
from govindex.orgs.permissions import User, is_admin


def can_handle(user: User, case: FeedbackCase) -> bool:
    """Accept, reject, transfer, answer and publish: the handling unit's staff and leaders."""
    if not user.is_authenticated or not getattr(user, "is_active", True):
        return False
    return (
        is_admin(user)
        or Membership.objects.filter(
            user=user, unit_id=case.handling_unit_id, role__in=[Role.STAFF, Role.LEADER]
        ).exists()
    )


def can_view_case(user: User, case: FeedbackCase) -> bool:
    """The full case (contact data included): its unit's people and the city."""
    return can_handle(user, case) or sees_every_unit(user)


def can_see_city(user: User) -> bool:
    """Push-and-avoid statistics, escalations to the city: city leaders and administrators."""
    return sees_every_unit(user)


def can_moderate(user: User) -> bool:
    return sees_every_unit(user)


def can_use_staff_pages(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return (
        sees_every_unit(user)
        or Membership.objects.filter(user=user, role__in=[Role.STAFF, Role.LEADER]).exists()
    )

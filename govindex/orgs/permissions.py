"""Who may do what, from the roles in ``Membership``. Superusers and the ``admin`` role may do
everything except speak for a unit (self-assess, submit); an anonymous visitor may do none of it. Views and the API ask these; services do not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from govindex.orgs.models import Membership, Role, Unit

User: TypeAlias = AbstractBaseUser | AnonymousUser


#: Where ``remember_roles`` keeps a person's (role, unit id) pairs on the user object.
_ROLES = "_govindex_roles"
_FORGETS = object()  # the user object does not remember roles
_NOT_READ = object()  # it remembers them, but has not read them yet


def remember_roles(user: User) -> User:
    """Let every role check made with this user object share one query: its memberships are
    read on the first check and kept on the object. ``RoleMemoryMiddleware`` does this for the
    user of each request, so a page asks the database once however many checks it makes; a user
    object from anywhere else is asked afresh each time (a grant shows at once)."""
    # getattr/setattr, not __dict__: they reach through the request's lazy user object.
    if user.is_authenticated and getattr(user, _ROLES, _FORGETS) is _FORGETS:
        setattr(user, _ROLES, _NOT_READ)
    return user


def _remembered_roles(user: User) -> frozenset[tuple[str, int]] | None:
    roles = getattr(user, _ROLES, _FORGETS)
    if roles is _FORGETS:
        return None
    if roles is _NOT_READ:
        roles = frozenset(Membership.objects.filter(user=user).values_list("role", "unit_id"))
        setattr(user, _ROLES, roles)
    return roles  # type: ignore[no-any-return]


def has_role(user: User, roles: Iterable[str], unit: Unit | int | None = None) -> bool:
    """Whether the person holds one of ``roles``, in ``unit`` (a unit or its id) when given."""
    if not user.is_authenticated or not getattr(user, "is_active", True):
        return False
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    remembered = _remembered_roles(user)
    if remembered is not None:
        wanted = set(roles)
        return any(
            role in wanted and (unit_id is None or held_in == unit_id)
            for role, held_in in remembered
        )
    memberships = Membership.objects.filter(user=user, role__in=list(roles))
    if unit_id is not None:
        memberships = memberships.filter(unit_id=unit_id)
    return memberships.exists()


def units_with_role(user: User, roles: Iterable[str]) -> frozenset[int]:
    """Ids of the units in which the person holds one of ``roles``."""
    if not user.is_authenticated or not getattr(user, "is_active", True):
        return frozenset()
    wanted = set(roles)
    remembered = _remembered_roles(user)
    if remembered is not None:
        return frozenset(unit_id for role, unit_id in remembered if role in wanted)
    return frozenset(
        Membership.objects.filter(user=user, role__in=wanted).values_list("unit_id", flat=True)
    )


def is_admin(user: User) -> bool:
    if not user.is_authenticated or not getattr(user, "is_active", True):
        return False
    return bool(getattr(user, "is_superuser", False)) or has_role(user, [Role.ADMIN])


def is_city_leader(user: User) -> bool:
    return is_admin(user) or has_role(user, [Role.CITY_LEADER])


def can_appraise(user: User) -> bool:
    """Appraisers (Department of Home Affairs, the appraisal council) review self-assessments."""
    return is_admin(user) or has_role(user, [Role.APPRAISER])


def can_edit_self_assessment(user: User, unit: Unit) -> bool:
    """Only the unit's own staff and leaders fill in its self-assessment; not even an
    administrator writes a unit's scores for it (responsibility is personal)."""
    return has_role(user, [Role.STAFF, Role.LEADER], unit)


def can_approve_submission(user: User, unit: Unit) -> bool:
    """Only the unit's leader approves what its staff entered."""
    return has_role(user, [Role.LEADER], unit)


def can_view_unit_details(user: User, unit: Unit) -> bool:
    """Unpublished detail of a unit: its own people, appraisers and city leaders."""
    return (
        is_admin(user)
        or has_role(user, [Role.APPRAISER, Role.CITY_LEADER])
        or has_role(user, [Role.STAFF, Role.LEADER], unit)
    )


def can_manage_units(user: User) -> bool:
    """Create units, record reorganisations, grant roles."""
    return is_admin(user)

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from govindex.orgs import permissions
from govindex.orgs.models import Role
from tests.factories import MembershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return UnitFactory(code="00070"), UnitFactory(code="00082")


def user_with(role, unit):
    user = UserFactory()
    if role is not None:
        MembershipFactory(user=user, unit=unit, role=role)
    return user


# (role held in unit 00070, [edit own, edit other, approve own, appraise, city leader,
#  view own, view other, manage units])
CASES = [
    (None, [False, False, False, False, False, False, False, False]),
    (Role.STAFF, [True, False, False, False, False, True, False, False]),
    (Role.LEADER, [True, False, True, False, False, True, False, False]),
    (Role.APPRAISER, [False, False, False, True, False, True, True, False]),
    (Role.CITY_LEADER, [False, False, False, False, True, True, True, False]),
    # Administrators may do everything but speak for a unit: self-assessing and submitting stay
    # with the unit's own people.
    (Role.ADMIN, [False, False, False, True, True, True, True, True]),
]


def answers(user, own, other):
    return [
        permissions.can_edit_self_assessment(user, own),
        permissions.can_edit_self_assessment(user, other),
        permissions.can_approve_submission(user, own),
        permissions.can_appraise(user),
        permissions.is_city_leader(user),
        permissions.can_view_unit_details(user, own),
        permissions.can_view_unit_details(user, other),
        permissions.can_manage_units(user),
    ]


@pytest.mark.parametrize(("role", "expected"), CASES, ids=[str(c[0]) for c in CASES])
def test_roles_grant_what_they_should(units, role, expected):
    own, other = units
    assert answers(user_with(role, own), own, other) == expected


def test_a_superuser_may_do_everything_but_speak_for_a_unit(units):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert answers(superuser, *units) == [False, False, False] + [True] * 5
    assert permissions.is_admin(superuser)


def test_anonymous_and_inactive_users_may_do_nothing(units):
    inactive = user_with(Role.ADMIN, units[0])
    inactive.is_active = False
    inactive.save()

    assert answers(AnonymousUser(), *units) == [False] * 8
    assert answers(inactive, *units) == [False] * 8

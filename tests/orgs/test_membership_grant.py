from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from govindex.audit.models import AuditRecord
from govindex.orgs.models import Membership, Role
from govindex.orgs.selectors import memberships_of
from govindex.orgs.services import membership_grant, membership_revoke
from tests.factories import MembershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_grant_is_audited_once_and_idempotent():
    user, unit, admin = UserFactory(username="hoa"), UnitFactory(code="SNV"), UserFactory()

    first = membership_grant(user=user, unit=unit, role=Role.APPRAISER, actor=admin)
    again = membership_grant(user=user, unit=unit, role=Role.APPRAISER, actor=admin)

    assert first == again
    assert Membership.objects.count() == 1
    record = AuditRecord.objects.get()
    assert (record.action, record.after) == (
        "membership.grant",
        {"user": "hoa", "unit": "SNV", "role": "appraiser"},
    )


def test_an_unknown_role_is_refused():
    with pytest.raises(ValidationError) as raised:
        membership_grant(user=UserFactory(), unit=UnitFactory(), role="mayor", actor=None)

    assert [error.code for error in raised.value.error_dict["role"]] == ["invalid_choice"]
    assert not Membership.objects.exists()


def test_revoke_removes_the_role_and_audits():
    membership = MembershipFactory(user__username="tuan", unit__code="00070", role=Role.LEADER)

    membership_revoke(membership=membership, actor=None, reason="moved to another ward")

    assert not Membership.objects.exists()
    record = AuditRecord.objects.get()
    assert (record.action, record.before, record.reason) == (
        "membership.revoke",
        {"user": "tuan", "unit": "00070", "role": "leader"},
        "moved to another ward",
    )


def test_memberships_of_lists_the_users_roles_with_units(django_assert_num_queries):
    user = UserFactory()
    MembershipFactory(user=user, unit__code="00082", role=Role.STAFF)
    MembershipFactory(user=user, unit__code="00070", role=Role.LEADER)
    MembershipFactory(unit__code="00070")

    with django_assert_num_queries(1):
        roles = [(m.unit.code, m.role) for m in memberships_of(user)]

    assert roles == [("00070", "leader"), ("00082", "staff")]


def test_an_anonymous_visitor_has_no_memberships():
    assert list(memberships_of(AnonymousUser())) == []

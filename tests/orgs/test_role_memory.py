"""``RoleMemoryMiddleware``: a request's permission checks share one read of the person's roles;
a user object outside a request asks the database each time, so a grant shows at once."""

from __future__ import annotations

import pytest
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from govindex.orgs.middleware import RoleMemoryMiddleware
from govindex.orgs.models import Role
from govindex.orgs.permissions import (
    can_appraise,
    can_edit_self_assessment,
    is_city_leader,
    remember_roles,
)
from tests.factories import MembershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_remembering_user_reads_its_roles_once():
    ward, other = UnitFactory(code="00070"), UnitFactory(code="00073")
    user = UserFactory()
    MembershipFactory(user=user, unit=ward, role=Role.STAFF)
    remember_roles(user)

    with CaptureQueriesContext(connection) as queries:
        answers = (
            can_edit_self_assessment(user, ward),
            can_edit_self_assessment(user, other),
            can_appraise(user),
            is_city_leader(user),
        )

    assert answers == (True, False, False, False)
    assert len(queries) == 1


def test_a_plain_user_object_sees_a_new_grant_at_once():
    ward = UnitFactory(code="00070")
    user = UserFactory()
    assert not can_appraise(user)

    MembershipFactory(user=user, unit=ward, role=Role.APPRAISER)

    assert can_appraise(user)


def test_the_middleware_makes_the_request_user_remember(client):
    ward = UnitFactory(code="00070")
    user = UserFactory()
    MembershipFactory(user=user, unit=ward, role=Role.CITY_LEADER)
    client.force_login(user)

    seen: dict[str, object] = {}

    def view(request: HttpRequest) -> HttpResponse:
        with CaptureQueriesContext(connection) as queries:
            seen["answers"] = (is_city_leader(request.user), is_city_leader(request.user))
        seen["queries"] = len(queries)
        return HttpResponse()

    request = RequestFactory().get("/")
    request.session = client.session
    AuthenticationMiddleware(view).process_request(request)
    RoleMemoryMiddleware(view)(request)

    assert seen["answers"] == (True, True)
    assert seen["queries"] == 3  # the session, the user, then its roles: once for both checks

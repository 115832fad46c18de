from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from govindex.audit.models import AuditRecord
from govindex.orgs.models import Membership, Role, Unit, UnitKind
from govindex.orgs.services import unit_reorganise
from tests.factories import MembershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

NO_INLINE_ROWS = {
    f"{prefix}-{field}": "0"
    for prefix in ("predecessor_links", "successor_links")
    for field in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def test_unit_list_searches_and_filters_by_kind(admin_client):
    UnitFactory(code="00004", name_vi="Phường Ba Đình")
    UnitFactory(code="SNV", name_vi="Sở Nội vụ", kind=UnitKind.DEPARTMENT)

    response = admin_client.get(reverse("admin:orgs_unit_changelist"), {"kind__exact": "ward"})
    searched = admin_client.get(reverse("admin:orgs_unit_changelist"), {"q": "Nội vụ"})

    assert response.status_code == 200
    assert "Phường Ba Đình" in response.text and "Sở Nội vụ" not in response.text
    assert "Sở Nội vụ" in searched.text and "Phường Ba Đình" not in searched.text


def test_unit_page_shows_its_successions(admin_client):
    old = UnitFactory(code="00031", name_vi="Phường Điện Biên", active_from=None)
    new = UnitFactory(code="00004", name_vi="Phường Ba Đình", active_from=None)
    unit_reorganise(
        predecessors=[old], successor=new, date=dt.date(2025, 7, 1), kind="merge", actor=None
    )

    response = admin_client.get(reverse("admin:orgs_unit_change", args=[new.pk]))

    assert response.status_code == 200
    assert "Phường Điện Biên (00031)" in response.text


def test_adding_and_editing_a_unit_goes_through_the_services(admin_client):
    data = {
        "code": "00008",
        "name_vi": "Phường Ngọc Hà",
        "name_en": "",
        "name_id": "",
        "kind": "ward",
        "parent": "",
        "active_from": "2025-07-01",
        "active_to": "",
        "source": "",
        **NO_INLINE_ROWS,
    }

    added = admin_client.post(reverse("admin:orgs_unit_add"), data)
    unit = Unit.objects.get(code="00008")
    changed = admin_client.post(
        reverse("admin:orgs_unit_change", args=[unit.pk]), {**data, "name_en": "Ngoc Ha Ward"}
    )

    assert (added.status_code, changed.status_code) == (302, 302)
    unit.refresh_from_db()
    assert unit.name_en == "Ngoc Ha Ward"
    assert list(AuditRecord.objects.values_list("action", "actor_label").order_by("pk")) == [
        ("unit.create", "admin"),
        ("unit.update", "admin"),
    ]


def test_granting_and_revoking_roles_in_the_admin(admin_client):
    user, unit = UserFactory(), UnitFactory()

    response = admin_client.post(
        reverse("admin:orgs_membership_add"), {"user": user.pk, "unit": unit.pk, "role": "leader"}
    )
    other = MembershipFactory(role=Role.STAFF)
    revoked = admin_client.post(
        reverse("admin:orgs_membership_changelist"),
        {"action": "revoke_selected", "_selected_action": [other.pk]},
    )

    assert (response.status_code, revoked.status_code) == (302, 302)
    assert list(Membership.objects.values_list("user", "role")) == [(user.pk, "leader")]
    assert list(AuditRecord.objects.values_list("action", flat=True).order_by("pk")) == [
        "membership.grant",
        "membership.revoke",
    ]

"""Categories and routing are configured in the admin; each save is audited; cases read-only."""

from __future__ import annotations

import pytest
from django.test import Client

from govindex.audit.models import AuditRecord
from govindex.feedback.models import FeedbackCategory
from tests.factories import UserFactory
from tests.feedback.test_feedback_transition import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser() -> Client:
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_category_created_in_the_admin_is_audited(admin_browser: Client) -> None:
    response = admin_browser.post(
        "/admin/feedback/feedbackcategory/add/",
        {
            "code": "graffiti",
            "name_vi": "Vẽ bậy",
            "group": "urban_order",
            "severity": "normal",
            "attributes": "[]",
            "active": "on",
        },
    )
    assert response.status_code == 302
    category = FeedbackCategory.objects.get(code="graffiti")
    record = AuditRecord.objects.get(action="feedback.feedbackcategory.create")
    assert record.target_id == str(category.pk)


def test_invalid_open311_attributes_are_refused(admin_browser: Client) -> None:
    response = admin_browser.post(
        "/admin/feedback/feedbackcategory/add/",
        {
            "code": "bad",
            "name_vi": "Sai",
            "group": "urban_order",
            "severity": "normal",
            "attributes": '[{"code": "X", "datatype": "colour", "required": true}]',
        },
    )
    assert response.status_code == 200
    assert "datatype must be one of" in response.content.decode()
    assert not FeedbackCategory.objects.filter(code="bad").exists()


def test_cases_are_read_only_in_the_admin(admin_browser: Client, category, ward) -> None:
    case = submit(category, ward)
    assert admin_browser.get("/admin/feedback/feedbackcase/").status_code == 200
    response = admin_browser.post(
        f"/admin/feedback/feedbackcase/{case.pk}/change/", {"status": "closed"}
    )
    assert response.status_code == 403

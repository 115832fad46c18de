"""The admin changes the city's calendar only through the services."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from govindex.audit.models import AuditRecord
from govindex.calendars.models import CalendarDay
from tests.calendars.factories import CalendarDayFactory

pytestmark = pytest.mark.django_db


def test_adding_a_day_goes_through_the_service(admin_client) -> None:
    data = {"day": "2027-03-20", "kind": "working_day", "name": "Make-up Saturday", "note": "X"}
    response = admin_client.post(reverse("admin:calendars_calendarday_add"), data)
    assert response.status_code == 302
    row = CalendarDay.objects.get(day=date(2027, 3, 20))
    assert row.kind == "working_day"
    record = AuditRecord.objects.get(action="calendar_day.set", target_id=str(row.pk))
    assert record.actor_label == "admin"


def test_a_pointless_day_is_refused_with_the_reason(admin_client) -> None:
    data = {"day": "2027-03-17", "kind": "working_day", "name": "Wednesday", "note": ""}
    response = admin_client.post(reverse("admin:calendars_calendarday_add"), data)
    assert response.status_code == 200
    assert "is already a working day in the national calendar" in response.text
    assert not CalendarDay.objects.filter(day=date(2027, 3, 17)).exists()


def test_deleting_a_day_goes_through_the_service(admin_client) -> None:
    row = CalendarDayFactory(day=date(2027, 3, 19), kind="day_off")
    url = reverse("admin:calendars_calendarday_delete", args=[row.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=row.pk).exists()
    record = AuditRecord.objects.get(action="calendar_day.remove", target_id=str(row.pk))
    assert record.reason == "deleted in the admin"


def test_the_list_shows_the_weekday(admin_client) -> None:
    CalendarDayFactory(day=date(2027, 3, 20), kind="working_day", name="Make-up Saturday")
    response = admin_client.get(reverse("admin:calendars_calendarday_changelist"))
    assert response.status_code == 200
    assert "Make-up Saturday" in response.text and "Saturday" in response.text

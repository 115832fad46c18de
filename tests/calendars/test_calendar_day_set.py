"""calendar_day_set / calendar_day_remove: validation and the audit trail."""

from __future__ import annotations

from datetime import date

import pytest

from govindex.audit.models import AuditRecord
from govindex.calendars.models import CalendarDay
from govindex.calendars.services import calendar_day_remove, calendar_day_set
from govindex.errors import ApplicationError
from tests.calendars.factories import CalendarDayFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_set_creates_the_row_and_audits_it() -> None:
    admin = UserFactory(username="calendar-admin")
    row = calendar_day_set(
        day=date(2027, 3, 20),
        kind="working_day",
        name="  Make-up Saturday  ",
        note="Dispatch 1/VPCP",
        actor=admin,
    )
    assert (row.day, row.kind, row.name, row.note) == (
        date(2027, 3, 20),
        "working_day",
        "Make-up Saturday",
        "Dispatch 1/VPCP",
    )
    record = AuditRecord.objects.get(action="calendar_day.set", target_id=str(row.pk))
    assert record.actor == admin
    assert record.target_type == "calendars.calendarday"
    assert record.before is None
    assert record.after == {
        "day": "2027-03-20",
        "kind": "working_day",
        "name": "Make-up Saturday",
        "note": "Dispatch 1/VPCP",
    }


def test_set_replaces_an_existing_row_and_keeps_the_before() -> None:
    CalendarDayFactory(day=date(2027, 3, 19), kind="day_off", name="Old name", note="")
    row = calendar_day_set(day=date(2027, 3, 19), kind="day_off", name="New name", actor=None)
    assert CalendarDay.objects.filter(day=date(2027, 3, 19)).count() == 1
    record = AuditRecord.objects.filter(action="calendar_day.set").latest("pk")
    assert record.actor_label == "system"
    assert record.before["name"] == "Old name"
    assert record.after["name"] == "New name"
    assert row.name == "New name"


def test_setting_the_same_values_again_writes_nothing() -> None:
    calendar_day_set(day=date(2027, 3, 19), kind="day_off", name="Event", actor=None)
    count = AuditRecord.objects.count()
    calendar_day_set(day=date(2027, 3, 19), kind="day_off", name="Event", actor=None)
    assert AuditRecord.objects.count() == count


@pytest.mark.parametrize(
    ("day", "kind", "code", "message"),
    [
        (
            date(2027, 3, 17),
            "working_day",
            "calendar_day_already_working",
            "(Wednesday) is already a working day",
        ),
        (date(2027, 3, 20), "day_off", "calendar_day_already_off", "a weekend day"),
        (
            date(2025, 9, 2),
            "day_off",
            "calendar_day_already_off",
            "the public holiday “National Day”",
        ),
        (
            date(2025, 4, 26),
            "working_day",
            "calendar_day_already_working",
            "(Saturday) is already a working day",
        ),
        (date(2027, 3, 17), "holiday", "calendar_day_kind_unknown", "Unknown kind"),
    ],
)
def test_pointless_or_unknown_rows_are_refused(day, kind, code, message) -> None:
    with pytest.raises(
        ApplicationError, match=message.replace("(", r"\(").replace(")", r"\)")
    ) as caught:
        calendar_day_set(day=day, kind=kind, name="x", actor=None)
    assert caught.value.code == code
    assert not CalendarDay.objects.filter(day=day).exists()


def test_a_name_is_required() -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        calendar_day_set(day=date(2027, 3, 19), kind="day_off", name="  ", actor=None)
    assert not CalendarDay.objects.filter(day=date(2027, 3, 19)).exists()


def test_remove_deletes_the_row_and_audits_the_reason() -> None:
    row = CalendarDayFactory(day=date(2027, 3, 19), kind="day_off", name="Event")
    calendar_day_remove(day=date(2027, 3, 19), actor="system:test", reason="cancelled")
    assert not CalendarDay.objects.filter(day=date(2027, 3, 19)).exists()
    record = AuditRecord.objects.get(action="calendar_day.remove", target_id=str(row.pk))
    assert record.reason == "cancelled"
    assert record.actor_label == "system:test"
    assert record.before["name"] == "Event"


def test_remove_needs_a_reason_and_an_existing_row() -> None:
    CalendarDayFactory(day=date(2027, 3, 19))
    with pytest.raises(ApplicationError) as caught:
        calendar_day_remove(day=date(2027, 3, 19), actor=None, reason=" ")
    assert caught.value.code == "reason_required"
    with pytest.raises(ApplicationError) as caught:
        calendar_day_remove(day=date(2027, 3, 18), actor=None, reason="typo")
    assert (caught.value.code, caught.value.status) == ("calendar_day_not_found", 404)
    assert CalendarDay.objects.filter(day=date(2027, 3, 19)).exists()

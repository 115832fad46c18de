"""The city's calendar: national holidays + the city's table, cached per revision."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from django.db import transaction

from govindex.calendars import selectors
from govindex.calendars.models import CalendarDay, CalendarRevision
from govindex.calendars.reference import reference_days
from govindex.calendars.selectors import calendar_revision, city_calendar, default_years
from govindex.calendars.services import calendar_day_remove, calendar_day_set
from govindex.calendars.working_days import VIETNAM_ZONE

pytestmark = pytest.mark.django_db

#: The official schedule for civil servants (sources in docs/calendar.md): every weekday off …
OFFICIAL_WEEKDAYS_OFF = {
    2025: [
        "2025-01-01",
        *(f"2025-01-{day}" for day in range(27, 32)),  # Tết: 25/1–2/2, 27/1 compensates 1/2
        "2025-04-07",  # Hùng Kings
        "2025-04-30",
        "2025-05-01",
        "2025-05-02",  # swapped with Saturday 26/4
        "2025-09-01",
        "2025-09-02",
    ],
    2026: [
        "2026-01-01",
        "2026-01-02",  # swapped with Saturday 10/1 (the city's table)
        *(f"2026-02-{day}" for day in range(16, 21)),  # Tết: 14/2–22/2
        "2026-04-27",  # Hùng Kings (Sunday 26/4) compensated
        "2026-04-30",
        "2026-05-01",
        "2026-08-31",  # swapped with Saturday 22/8
        "2026-09-01",
        "2026-09-02",
        "2026-11-24",  # Vietnam Cultural Day, as the holidays package has it (see docs)
    ],
}
#: … and every weekend day worked.
OFFICIAL_WEEKEND_WORKING_DAYS = {2025: ["2025-04-26"], 2026: ["2026-01-10", "2026-08-22"]}


@pytest.fixture(autouse=True)
def fresh_cache():
    selectors.clear_city_calendar_cache()
    yield
    selectors.clear_city_calendar_cache()


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_official_civil_service_schedule(year: int) -> None:
    calendar = city_calendar()
    day, end = date(year, 1, 1), date(year + 1, 1, 1)
    weekdays_off, weekend_working = [], []
    while day < end:
        weekend = day.weekday() >= 5
        if not weekend and not calendar.is_working_day(day):
            weekdays_off.append(day.isoformat())
        if weekend and calendar.is_working_day(day):
            weekend_working.append(day.isoformat())
        day += timedelta(days=1)
    assert weekdays_off == OFFICIAL_WEEKDAYS_OFF[year]
    assert weekend_working == OFFICIAL_WEEKEND_WORKING_DAYS[year]


def test_the_migration_loaded_the_reference_rows() -> None:
    rows = {(row.day, row.kind) for row in reference_days()}
    assert rows == {(date(2026, 1, 2), "day_off"), (date(2026, 1, 10), "working_day")}
    assert set(CalendarDay.objects.values_list("day", "kind")) >= rows
    assert all(row.note for row in CalendarDay.objects.all())


def test_the_city_table_overrides_the_national_holidays() -> None:
    assert not city_calendar().is_working_day(date(2026, 11, 24))  # a national holiday
    calendar_day_set(
        day=date(2026, 11, 24), kind="working_day", name="Cultural Day worked", actor=None
    )
    calendar_day_set(day=date(2026, 11, 25), kind="day_off", name="City festival", actor=None)
    calendar = city_calendar()
    assert calendar.is_working_day(date(2026, 11, 24))
    assert not calendar.is_working_day(date(2026, 11, 25))
    monday = datetime(2026, 11, 23, 10, tzinfo=VIETNAM_ZONE)
    assert calendar.add_working_days(monday, 2) == datetime(2026, 11, 26, 17, tzinfo=VIETNAM_ZONE)


def test_a_change_invalidates_the_cached_calendar() -> None:
    before = city_calendar()
    assert city_calendar() is before  # cached while nothing changes
    first = calendar_revision()
    calendar_day_set(day=date(2025, 3, 19), kind="day_off", name="City event", actor=None)
    second = calendar_revision()
    assert second != first
    after = city_calendar()
    assert after is not before
    assert not after.is_working_day(date(2025, 3, 19))
    calendar_day_remove(day=date(2025, 3, 19), actor=None, reason="cancelled")
    assert calendar_revision() not in {first, second}
    assert city_calendar().is_working_day(date(2025, 3, 19))


def test_a_rolled_back_change_leaves_no_stale_calendar() -> None:
    with transaction.atomic():
        calendar_day_set(day=date(2025, 3, 19), kind="day_off", name="Rolled back", actor=None)
        assert not city_calendar().is_working_day(date(2025, 3, 19))  # cached inside
        transaction.set_rollback(True)
    # A later change gets a new token, never the rolled-back one, so the cache is rebuilt.
    calendar_day_set(day=date(2025, 3, 20), kind="day_off", name="Kept", actor=None)
    calendar = city_calendar()
    assert calendar.is_working_day(date(2025, 3, 19))
    assert not calendar.is_working_day(date(2025, 3, 20))


def test_a_change_made_by_another_process_is_seen() -> None:
    calendar = city_calendar()
    assert calendar.is_working_day(date(2025, 3, 19))
    # Another process: writes the row and bumps the revision; this process's cache is not cleared.
    CalendarDay.objects.create(day=date(2025, 3, 19), kind="day_off", name="City event")
    CalendarRevision.objects.filter(pk=1).update(token=uuid.uuid4())
    assert not city_calendar().is_working_day(date(2025, 3, 19))


def test_years_and_defaults(django_assert_num_queries) -> None:
    years = default_years()
    assert years.start == 2015 and years.stop - 1 >= 2030
    calendar = city_calendar(years=range(2025, 2027))
    assert (calendar.first_day, calendar.last_day) == (date(2025, 1, 1), date(2026, 12, 31))
    with django_assert_num_queries(1):
        assert city_calendar(years=range(2025, 2027)) is calendar
    with pytest.raises(ValueError, match="contiguous"):
        city_calendar(years=[2024, 2026])

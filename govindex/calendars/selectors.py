"""Reads of the city's calendar: the working calendar every deadline in GovIndex uses."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.db.models import QuerySet
from django.utils import timezone

from govindex.calendars.models import CalendarDay, CalendarDayKind, CalendarRevision
from govindex.calendars.national import national_calendar, vietnam_holidays
from govindex.calendars.working_days import WorkingCalendar

#: The default calendar covers 2015 to five years after the current one.
DEFAULT_FIRST_YEAR = 2015
DEFAULT_YEARS_AHEAD = 5

_cache: dict[tuple[int, int], tuple[str, WorkingCalendar]] = {}
_cache_lock = threading.Lock()


def default_years() -> range:
    return range(DEFAULT_FIRST_YEAR, timezone.localdate().year + DEFAULT_YEARS_AHEAD + 1)


@lru_cache(maxsize=16)
def _national(first_year: int, last_year: int) -> WorkingCalendar:
    return national_calendar(range(first_year, last_year + 1))


def calendar_revision() -> str:
    """The token every change to the city's table replaces ("" if there is no revision row)."""
    token = CalendarRevision.objects.filter(pk=1).values_list("token", flat=True).first()
    return "" if token is None else str(token)


def calendar_days(*, year: int | None = None) -> QuerySet[CalendarDay]:
    """The city's table (extra days off and make-up working days), by day."""
    days = CalendarDay.objects.order_by("day")
    return days if year is None else days.filter(day__year=year)


def city_calendar(*, years: Iterable[int] | None = None) -> WorkingCalendar:
    """Hanoi's working calendar: Vietnam's national calendar for ``years`` (a contiguous range,
    default 2015 to five years ahead) overridden by the city's table.

    Built once per process and revision of the table: a call costs one small query while the
    table is unchanged, and sees every committed change, made in any process, at once.
    """
    wanted = sorted(set(default_years() if years is None else years))
    if not wanted:
        raise ValueError("years must hold at least one year")
    key = (wanted[0], wanted[-1])
    revision = calendar_revision()
    cached = _cache.get(key)
    if cached is not None and cached[0] == revision:
        return cached[1]
    national = _national(*key)
    if wanted != list(range(key[0], key[1] + 1)):
        raise ValueError(f"years must be contiguous; got {wanted}")
    rows = CalendarDay.objects.filter(day__year__gte=key[0], day__year__lte=key[1])
    days_off, working_days = set(), set()
    for day, kind in rows.values_list("day", "kind"):
        (working_days if kind == CalendarDayKind.WORKING_DAY else days_off).add(day)
    calendar = national.with_overrides(days_off=days_off, working_days=working_days)
    with _cache_lock:
        _cache[key] = (revision, calendar)
    return calendar


def clear_city_calendar_cache() -> None:
    """Forget the calendars built in this process (the services call it after each change)."""
    with _cache_lock:
        _cache.clear()


@dataclass(frozen=True)
class CalendarException:
    """A day whose status differs from its weekday's: a weekday off or a weekend day worked."""

    day: date
    working: bool
    name: str
    source: str  # "national" (the holidays package) or "city" (the city's table)


def calendar_exceptions(*, year: int) -> list[CalendarException]:
    """Every weekday off and every weekend day worked in ``year`` in the city's calendar, with
    its name and where it comes from."""
    calendar = city_calendar(years=range(year, year + 1))
    city_rows = {row.day: row for row in calendar_days(year=year)}
    national_names = vietnam_holidays([year])
    exceptions = []
    day = date(year, 1, 1)
    while day.year == year:
        working = calendar.is_working_day(day)
        if working == (day.weekday() in calendar.weekend):
            row = city_rows.get(day)
            if row is not None:
                name, source = row.name, "city"
            else:
                name = national_names.get(day) or "Make-up working day"
                source = "national"
            exceptions.append(CalendarException(day, working, name, source))
        day += timedelta(days=1)
    return exceptions

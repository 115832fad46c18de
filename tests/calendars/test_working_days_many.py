"""Properties: the vectorised functions agree with the scalar ones, and the scalar ones with a
day-by-day count, on random dates 2024–2027 (Tết included) and on calendars with random make-up
working days and extra days off."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govindex.calendars.national import national_calendar
from govindex.calendars.working_days import VIETNAM_ZONE, WorkingCalendar

NATIONAL = national_calendar(range(2024, 2028))
FIRST, LAST = date(2024, 1, 1), date(2027, 12, 31)
# Leave room after a start so that offsets stay inside the covered years.
days = st.dates(min_value=FIRST, max_value=date(2027, 9, 30))
tet_2025 = st.dates(min_value=date(2025, 1, 15), max_value=date(2025, 2, 15))
some_days = st.one_of(days, tet_2025)


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    """The national calendar, sometimes overridden by random city rows."""
    if draw(st.booleans()):
        return NATIONAL
    overridden = draw(st.sets(some_days, max_size=40))
    working = {day for day in overridden if draw(st.booleans())}
    return NATIONAL.with_overrides(days_off=overridden - working, working_days=working)


def brute_count(calendar: WorkingCalendar, start: date, end: date) -> int:
    sign = 1 if start <= end else -1
    low, high = min(start, end), max(start, end)
    count = sum(calendar.is_working_day(low + timedelta(days=i)) for i in range((high - low).days))
    return sign * count


@settings(max_examples=200, deadline=None)
@given(calendar=calendars(), start=some_days, end=some_days)
def test_scalar_count_matches_a_day_by_day_count(calendar, start, end) -> None:
    assert calendar.working_days_between(start, end) == brute_count(calendar, start, end)


@settings(max_examples=200, deadline=None)
@given(
    calendar=calendars(), pairs=st.lists(st.tuples(some_days, some_days), min_size=1, max_size=30)
)
def test_vectorised_count_matches_scalar(calendar, pairs) -> None:
    starts = np.array([start for start, _ in pairs], dtype="datetime64[D]")
    ends = np.array([end for _, end in pairs], dtype="datetime64[D]")
    expected = [calendar.working_days_between(start, end) for start, end in pairs]
    assert calendar.working_days_between_many(starts, ends).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(
    calendar=calendars(),
    rows=st.lists(st.tuples(some_days, st.integers(0, 60)), min_size=1, max_size=30),
)
def test_vectorised_offset_matches_scalar(calendar, rows) -> None:
    starts = np.array([start for start, _ in rows], dtype="datetime64[D]")
    offsets = np.array([n for _, n in rows], dtype=np.int64)
    expected = [calendar.offset_working_days(start, n) for start, n in rows]
    assert calendar.add_working_days_many(starts, offsets).astype(date).tolist() == expected


@settings(max_examples=100, deadline=None)
@given(calendar=calendars(), sample=st.lists(some_days, min_size=1, max_size=40))
def test_vectorised_is_working_day_matches_scalar(calendar, sample) -> None:
    array = np.array(sample, dtype="datetime64[D]")
    expected = [calendar.is_working_day(day) for day in sample]
    assert calendar.is_working_day_many(array).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(
    calendar=calendars(),
    day=some_days,
    minute=st.integers(0, 24 * 60 - 1),
    n=st.integers(0, 40),
)
def test_add_working_days_lands_on_the_close_of_the_nth_working_day(calendar, day, minute, n):
    start = datetime(day.year, day.month, day.day, tzinfo=VIETNAM_ZONE) + timedelta(minutes=minute)
    deadline = calendar.add_working_days(start, n)
    assert deadline.time().hour == 17 and deadline.minute == 0
    assert calendar.is_working_day(deadline.date())
    in_office_day = calendar.is_working_day(day) and minute < 17 * 60
    reference = day if in_office_day else day + timedelta(days=1)
    reference = calendar.roll_forward(reference)
    assert calendar.working_days_between(reference, deadline.date()) == n
    row = np.array([day], dtype="datetime64[D]")
    if in_office_day:  # the day-level vectorised form agrees
        assert calendar.add_working_days_many(row, n)[0].astype(date) == deadline.date()


@settings(max_examples=200, deadline=None)
@given(
    calendar=calendars(),
    day=some_days,
    minute=st.integers(0, 24 * 60 - 1),
    minutes=st.integers(0, 8 * 60 * 30),
)
def test_working_hours_between_inverts_add_working_hours(calendar, day, minute, minutes):
    start = datetime(day.year, day.month, day.day, tzinfo=VIETNAM_ZONE) + timedelta(minutes=minute)
    end = calendar.add_working_hours(start, minutes / 60)
    assert end >= start
    assert calendar.working_hours_between(start, end) == pytest.approx(minutes / 60, abs=1e-9)
    assert calendar.working_hours_between(end, start) == pytest.approx(-minutes / 60, abs=1e-9)
    if minutes:  # the earliest such moment: one minute earlier is not enough
        earlier = calendar.working_hours_between(start, end - timedelta(minutes=1))
        assert earlier < minutes / 60


def test_broadcasting_a_single_offset_over_many_rows() -> None:
    starts = np.array(["2025-01-24", "2025-04-25", "2025-12-31"], dtype="datetime64[D]")
    # 26 Apr 2025 is a make-up Saturday; the national calendar has 2 Jan 2026 as a working day.
    result = NATIONAL.add_working_days_many(starts, 3)
    assert result.tolist() == [date(2025, 2, 5), date(2025, 4, 29), date(2026, 1, 6)]


def test_missing_dates_are_refused() -> None:
    starts = np.array(["2025-01-24", "NaT"], dtype="datetime64[D]")
    with pytest.raises(ValueError, match="NaT"):
        NATIONAL.working_days_between_many(starts, starts)
    with pytest.raises(ValueError, match="≥ 0"):
        NATIONAL.add_working_days_many(starts[:1], -1)

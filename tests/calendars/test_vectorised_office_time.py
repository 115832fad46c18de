"""Properties: the vectorised office-time functions (``working_hours_between_many``,
``add_working_hours_many``) equal the scalar ones to the microsecond, on random instants around
Tết, make-up working Saturdays, noon breaks and the close of day, on the national calendar and on
calendars with random city overrides."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govindex.calendars.working_days import VIETNAM_ZONE, WorkingCalendar, fixed_utc_offset
from tests.calendars.test_working_days_many import NATIONAL, calendars

# Tết 2025 (25 Jan – 2 Feb), the 26 Apr 2025 make-up Saturday, Tết 2026 (14–22 Feb), the
# 10 Jan and 22 Aug 2026 make-up Saturdays, and any day of 2024–2027 (leaving room to add to).
around = st.one_of(
    st.dates(min_value=date(2025, 1, 15), max_value=date(2025, 2, 15)),
    st.dates(min_value=date(2025, 4, 20), max_value=date(2025, 5, 6)),
    st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 1, 15)),
    st.dates(min_value=date(2026, 2, 8), max_value=date(2026, 2, 28)),
    st.dates(min_value=date(2026, 8, 20), max_value=date(2026, 9, 4)),
    st.dates(min_value=date(2024, 1, 2), max_value=date(2027, 9, 30)),
)
BOUNDARIES = [time(0), time(8), time(12), time(13), time(17), time(23, 59, 59, 999_999)]


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    """A Hanoi instant: on an office boundary (± 1 µs) or at any microsecond of the day."""
    day = draw(around)
    if draw(st.booleans()):
        moment = datetime.combine(day, draw(st.sampled_from(BOUNDARIES)), tzinfo=VIETNAM_ZONE)
        return moment + timedelta(microseconds=draw(st.sampled_from([-1, 0, 0, 1])))
    start = datetime.combine(day, time(0), tzinfo=VIETNAM_ZONE)
    return start + timedelta(microseconds=draw(st.integers(0, 86_400_000_000 - 1)))


hours = st.one_of(
    st.sampled_from([0.0, 0.25, 1.0, 3.0, 4.0, 5.0, 8.0, 16.0, 40.0, 120.0]),
    st.floats(min_value=0, max_value=400, allow_nan=False, allow_infinity=False),
    st.integers(0, 8 * 60 * 30).map(lambda minutes: minutes / 60),
)


def utc_array(moments: list[datetime]) -> np.ndarray:
    return np.array(
        [moment.astimezone(UTC).replace(tzinfo=None) for moment in moments],
        dtype="datetime64[us]",
    )


def as_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


@settings(max_examples=200, deadline=None)
@given(calendar=calendars(), pairs=st.lists(st.tuples(instants(), instants()), max_size=30))
def test_working_hours_between_many_equals_the_scalar_function(calendar, pairs) -> None:
    starts = utc_array([start for start, _ in pairs])
    ends = utc_array([end for _, end in pairs])
    expected = [calendar.working_hours_between(start, end) for start, end in pairs]
    assert calendar.working_hours_between_many(starts, ends).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(calendar=calendars(), rows=st.lists(st.tuples(instants(), hours), max_size=30))
def test_add_working_hours_many_equals_the_scalar_function(calendar, rows) -> None:
    starts = utc_array([start for start, _ in rows])
    added = np.array([amount for _, amount in rows], dtype=np.float64)
    expected = [as_utc(calendar.add_working_hours(start, amount)) for start, amount in rows]
    got = calendar.add_working_hours_many(starts, added)
    assert got.dtype == np.dtype("datetime64[us]")
    assert got.astype(datetime).tolist() == expected


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.tuples(instants(), hours), min_size=1, max_size=20))
def test_a_calendar_without_bounds_extends_its_table_as_far_as_needed(rows) -> None:
    open_ended = WorkingCalendar(
        public_holidays=NATIONAL.public_holidays,
        makeup_working_days=NATIONAL.makeup_working_days,
    )
    moments = [start for start, _ in rows]
    ends = [open_ended.add_working_hours(start, amount) for start, amount in rows]
    starts = utc_array(moments)
    added = np.array([amount for _, amount in rows], dtype=np.float64)
    got = open_ended.add_working_hours_many(starts, added)
    assert got.astype(datetime).tolist() == [as_utc(end) for end in ends]
    backwards = [
        open_ended.working_hours_between(end, start)
        for start, end in zip(moments, ends, strict=True)
    ]
    assert open_ended.working_hours_between_many(got, starts).tolist() == backwards


def test_hand_computed_cases() -> None:
    hanoi = [
        datetime(2025, 1, 24, 16, 0, tzinfo=VIETNAM_ZONE),  # Friday before Tết 2025
        datetime(2025, 4, 25, 16, 0, tzinfo=VIETNAM_ZONE),  # Friday before the make-up Saturday
        datetime(2025, 9, 1, 11, 0, tzinfo=VIETNAM_ZONE),  # National Day break (30 Aug – 2 Sep)
        datetime(2025, 9, 3, 11, 0, tzinfo=VIETNAM_ZONE),
    ]
    got = NATIONAL.add_working_hours_many(utc_array(hanoi), np.array([4.0, 4.0, 2.0, 1.0]))
    assert [
        as_utc(moment)
        for moment in [
            datetime(2025, 2, 3, 11, 0, tzinfo=VIETNAM_ZONE),  # 1 h Friday, 3 h after Tết
            datetime(2025, 4, 26, 11, 0, tzinfo=VIETNAM_ZONE),  # Saturday 26 Apr is worked
            datetime(2025, 9, 3, 10, 0, tzinfo=VIETNAM_ZONE),  # counted from 3 Sep 08:00
            datetime(2025, 9, 3, 12, 0, tzinfo=VIETNAM_ZONE),  # ends on the noon break's start
        ]
    ] == got.astype(datetime).tolist()
    between = NATIONAL.working_hours_between_many(utc_array(hanoi[:1]), utc_array(hanoi[3:]))
    assert between.tolist() == [NATIONAL.working_hours_between(hanoi[0], hanoi[3])]


def test_empty_arrays_and_refusals() -> None:
    empty = np.array([], dtype="datetime64[us]")
    assert NATIONAL.working_hours_between_many(empty, empty).tolist() == []
    assert NATIONAL.add_working_hours_many(empty, 1.0).tolist() == []
    missing = np.array(["2025-01-24T03:00", "NaT"], dtype="datetime64[us]")
    with pytest.raises(ValueError, match="NaT"):
        NATIONAL.add_working_hours_many(missing, 1.0)
    with pytest.raises(TypeError, match="datetime64"):
        NATIONAL.working_hours_between_many([1, 2], [3, 4])
    one = missing[:1]
    with pytest.raises(ValueError, match="≥ 0"):
        NATIONAL.add_working_hours_many(one, -1.0)
    with pytest.raises(ValueError, match="finite"):
        NATIONAL.add_working_hours_many(one, np.inf)
    outside = np.array(["2023-06-01T03:00"], dtype="datetime64[us]")
    with pytest.raises(ValueError, match="outside"):
        NATIONAL.working_hours_between_many(outside, one)
    late_2027 = np.array(["2027-12-30T03:00"], dtype="datetime64[us]")
    with pytest.raises(ValueError, match="outside"):  # the scalar walk also leaves the range
        NATIONAL.add_working_hours_many(late_2027, 8.0 * 30)
    with pytest.raises(ValueError, match="outside"):
        NATIONAL.add_working_hours(datetime(2027, 12, 30, 10, tzinfo=VIETNAM_ZONE), 8.0 * 30)


def test_hanoi_keeps_one_offset_and_a_zone_with_daylight_saving_is_refused() -> None:
    assert fixed_utc_offset(VIETNAM_ZONE, 1976, 2100) == 7 * 3_600_000_000
    with pytest.raises(ValueError, match="daylight saving"):
        fixed_utc_offset(ZoneInfo("Europe/Paris"), 2025, 2025)

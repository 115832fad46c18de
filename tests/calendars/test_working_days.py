"""Hand-computed cases for the working-day arithmetic (pure Python, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from govindex.calendars.national import national_calendar
from govindex.calendars.working_days import VIETNAM_ZONE, WorkingCalendar

HANOI = VIETNAM_ZONE
CALENDAR = national_calendar(range(2024, 2028))


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HANOI)


# -- working hours ---------------------------------------------------------------------------


def test_friday_afternoon_plus_hours_crosses_the_weekend() -> None:
    friday = at(2025, 3, 14, 16)
    assert CALENDAR.add_working_hours(friday, 4) == at(2025, 3, 17, 11)
    assert CALENDAR.add_working_hours(friday, 8) == at(2025, 3, 17, 16)
    assert CALENDAR.add_working_hours(friday, 1) == at(2025, 3, 14, 17)
    assert CALENDAR.working_hours_between(friday, at(2025, 3, 17, 11)) == 4.0


def test_noon_break_does_not_count() -> None:
    assert CALENDAR.add_working_hours(at(2025, 3, 17, 11), 1) == at(2025, 3, 17, 12)
    assert CALENDAR.add_working_hours(at(2025, 3, 17, 11), 2) == at(2025, 3, 17, 14)
    assert CALENDAR.add_working_hours(at(2025, 3, 17, 12, 30), 0.5) == at(2025, 3, 17, 13, 30)
    assert CALENDAR.working_hours_between(at(2025, 3, 17, 11), at(2025, 3, 17, 14)) == 2.0
    assert CALENDAR.working_hours_between(at(2025, 3, 17, 12, 10), at(2025, 3, 17, 12, 50)) == 0.0


def test_start_outside_office_hours_counts_from_the_next_office_moment() -> None:
    assert CALENDAR.add_working_hours(at(2025, 3, 17, 7), 1) == at(2025, 3, 17, 9)
    assert CALENDAR.add_working_hours(at(2025, 3, 17, 18), 1) == at(2025, 3, 18, 9)
    assert CALENDAR.add_working_hours(at(2025, 3, 15, 10), 1) == at(2025, 3, 17, 9)  # Saturday
    assert CALENDAR.working_hours_between(at(2025, 3, 15, 10), at(2025, 3, 17, 9)) == 1.0


def test_zero_hours_is_the_start_itself() -> None:
    saturday = at(2025, 3, 15, 10)
    assert CALENDAR.add_working_hours(saturday, 0) is saturday


def test_hours_across_tet_2025_skip_the_whole_break() -> None:
    # Friday 24 Jan 2025 10:00: 6 h that day, then nothing until Monday 3 Feb (Tết 25/1–2/2).
    received = at(2025, 1, 24, 10)
    assert CALENDAR.add_working_hours(received, 24) == at(2025, 2, 5, 10)
    assert CALENDAR.working_hours_between(received, at(2025, 2, 3, 9, 30)) == 7.5


def test_hours_between_is_negative_when_end_is_before_start() -> None:
    assert CALENDAR.working_hours_between(at(2025, 3, 17, 11), at(2025, 3, 14, 16)) == -4.0


def test_result_is_in_the_zone_of_the_start() -> None:
    friday_utc = datetime(2025, 3, 14, 9, tzinfo=UTC)  # 16:00 in Hanoi
    result = CALENDAR.add_working_hours(friday_utc, 4)
    assert result == datetime(2025, 3, 17, 4, tzinfo=UTC)
    assert result.tzinfo is UTC
    deadline = CALENDAR.add_working_days(friday_utc, 1)
    assert deadline == datetime(2025, 3, 17, 10, tzinfo=UTC)
    assert deadline.tzinfo is UTC


# -- working days ----------------------------------------------------------------------------


def test_three_working_days_across_tet_2025() -> None:
    # Received Friday 24 Jan 2025; off Saturday 25 Jan to Sunday 2 Feb (9 days).
    received = at(2025, 1, 24, 10)
    assert CALENDAR.add_working_days(received, 3) == at(2025, 2, 5, 17)
    assert CALENDAR.working_days_between(date(2025, 1, 24), date(2025, 2, 6)) == 4
    for day in range(25, 32):
        assert not CALENDAR.is_working_day(date(2025, 1, day))


def test_day_zero_is_the_close_of_the_reference_day() -> None:
    assert CALENDAR.add_working_days(at(2025, 3, 17, 16, 59), 0) == at(2025, 3, 17, 17)
    assert CALENDAR.add_working_days(at(2025, 3, 17, 7), 0) == at(2025, 3, 17, 17)
    # At or after the close, or on a day off, the reference day is the next working day.
    assert CALENDAR.add_working_days(at(2025, 3, 17, 17), 0) == at(2025, 3, 18, 17)
    assert CALENDAR.add_working_days(at(2025, 3, 17, 18), 1) == at(2025, 3, 19, 17)
    assert CALENDAR.add_working_days(at(2025, 3, 16, 10), 1) == at(2025, 3, 18, 17)  # Sunday


def test_makeup_saturday_counts_as_a_working_day() -> None:
    # 2025: Friday 2 May off, swapped with Saturday 26 April (worked).
    assert CALENDAR.is_working_day(date(2025, 4, 26))
    assert CALENDAR.add_working_days(at(2025, 4, 25, 10), 1) == at(2025, 4, 26, 17)
    assert CALENDAR.add_working_days(at(2025, 4, 26, 9), 2) == at(2025, 4, 29, 17)
    assert CALENDAR.add_working_hours(at(2025, 4, 25, 16), 2) == at(2025, 4, 26, 9)
    assert CALENDAR.working_days_between(date(2025, 4, 21), date(2025, 4, 28)) == 6


def test_swapped_day_off_does_not_count() -> None:
    assert not CALENDAR.is_working_day(date(2025, 5, 2))
    # 30 Apr, 1 May, 2 May off, then the weekend: the next working day is Monday 5 May.
    assert CALENDAR.add_working_days(at(2025, 4, 29, 10), 1) == at(2025, 5, 5, 17)
    assert CALENDAR.working_days_between(date(2025, 4, 28), date(2025, 5, 5)) == 2


def test_extra_day_off_and_makeup_day_given_explicitly() -> None:
    calendar = WorkingCalendar(
        extra_days_off=frozenset({date(2025, 3, 19)}),
        makeup_working_days=frozenset({date(2025, 3, 22)}),
    )
    assert not calendar.is_working_day(date(2025, 3, 19))  # a Wednesday off
    assert calendar.is_working_day(date(2025, 3, 22))  # a Saturday worked
    assert calendar.add_working_days(at(2025, 3, 18, 10), 1) == at(2025, 3, 20, 17)
    assert calendar.add_working_days(at(2025, 3, 21, 10), 1) == at(2025, 3, 22, 17)
    assert calendar.working_days_between(date(2025, 3, 17), date(2025, 3, 24)) == 5


def test_working_days_between_is_half_open_and_signed() -> None:
    assert CALENDAR.working_days_between(date(2025, 3, 17), date(2025, 3, 17)) == 0
    assert CALENDAR.working_days_between(date(2025, 3, 17), date(2025, 3, 18)) == 1
    assert CALENDAR.working_days_between(date(2025, 3, 17), date(2025, 3, 24)) == 5
    assert CALENDAR.working_days_between(date(2025, 3, 24), date(2025, 3, 17)) == -5
    # 2025: 261 weekdays − 12 weekday holidays (1/1; 27–31/1; 7/4; 30/4, 1/5, 2/5; 1/9, 2/9)
    # + 1 make-up Saturday (26/4).
    assert CALENDAR.working_days_between(date(2025, 1, 1), date(2026, 1, 1)) == 250


def test_offset_working_days_rolls_forward_first() -> None:
    assert CALENDAR.offset_working_days(date(2025, 3, 15), 0) == date(2025, 3, 17)
    assert CALENDAR.offset_working_days(date(2025, 3, 17), 0) == date(2025, 3, 17)
    assert CALENDAR.offset_working_days(date(2025, 3, 15), 2) == date(2025, 3, 19)


def test_custom_office_hours() -> None:
    calendar = WorkingCalendar(
        office_hours=((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
    )
    assert calendar.hours_per_day == 7.5
    assert calendar.add_working_hours(at(2025, 3, 14, 16), 1) == at(2025, 3, 14, 17)
    assert calendar.add_working_hours(at(2025, 3, 14, 16), 1.5) == at(2025, 3, 17, 8)
    assert calendar.add_working_hours(at(2025, 3, 17, 11), 1) == at(2025, 3, 17, 14)
    assert calendar.add_working_days(at(2025, 3, 14, 16), 0) == at(2025, 3, 14, 17)
    assert CALENDAR.hours_per_day == 8.0


# -- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.add_working_days(datetime(2025, 3, 14, 16), 1),  # noqa: DTZ001
        lambda c: c.add_working_hours(datetime(2025, 3, 14, 16), 1),  # noqa: DTZ001
        lambda c: c.working_hours_between(at(2025, 3, 14), datetime(2025, 3, 15)),  # noqa: DTZ001
    ],
)
def test_naive_datetime_is_refused(call) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        call(CALENDAR)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="≥ 0"):
        CALENDAR.add_working_hours(at(2025, 3, 14), -1)
    with pytest.raises(ValueError, match="finite"):
        CALENDAR.add_working_hours(at(2025, 3, 14), float("nan"))
    with pytest.raises(ValueError, match="≥ 0"):
        CALENDAR.add_working_days(at(2025, 3, 14), -1)
    with pytest.raises(TypeError, match="integer"):
        CALENDAR.add_working_days(at(2025, 3, 14), 1.5)
    with pytest.raises(TypeError, match="not a datetime"):
        CALENDAR.is_working_day(at(2025, 3, 14))


def test_days_outside_the_covered_years_are_refused() -> None:
    with pytest.raises(ValueError, match="covers 2024-01-01 to 2027-12-31"):
        CALENDAR.is_working_day(date(2028, 1, 3))
    with pytest.raises(ValueError, match="outside"):
        CALENDAR.add_working_days(at(2027, 12, 30, 10), 5)
    with pytest.raises(ValueError, match="outside"):
        CALENDAR.working_days_between(date(2023, 12, 29), date(2024, 1, 5))
    assert CALENDAR.working_days_between(date(2027, 12, 27), date(2028, 1, 1)) == 5


def test_inconsistent_calendars_are_refused() -> None:
    with pytest.raises(ValueError, match="both an extra day off and a working day"):
        WorkingCalendar(
            extra_days_off=frozenset({date(2025, 3, 19)}),
            makeup_working_days=frozenset({date(2025, 3, 19)}),
        )
    with pytest.raises(ValueError, match="must not overlap"):
        WorkingCalendar(office_hours=((time(8), time(12)), (time(11), time(17))))
    with pytest.raises(ValueError, match="ends before it starts"):
        WorkingCalendar(office_hours=((time(12), time(8)),))
    with pytest.raises(ValueError, match="all seven"):
        WorkingCalendar(weekend=frozenset(range(7)))
    with pytest.raises(TypeError, match="ZoneInfo"):
        WorkingCalendar(zone="Asia/Ho_Chi_Minh")  # type: ignore[arg-type]


def test_other_zones_are_converted_to_the_calendar_zone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")  # two hours ahead of Hanoi
    start = datetime(2025, 3, 14, 18, tzinfo=tokyo)  # 16:00 in Hanoi
    assert CALENDAR.add_working_hours(start, 4) == datetime(2025, 3, 17, 13, tzinfo=tokyo)


def test_with_overrides_replaces_whatever_was_there() -> None:
    calendar = CALENDAR.with_overrides(
        days_off={date(2025, 4, 26), date(2025, 3, 19)}, working_days={date(2025, 5, 2)}
    )
    assert not calendar.is_working_day(date(2025, 4, 26))  # was a make-up Saturday
    assert not calendar.is_working_day(date(2025, 3, 19))
    assert calendar.is_working_day(date(2025, 5, 2))  # was a swapped day off
    assert calendar.is_working_day(date(2025, 3, 18))
    with pytest.raises(ValueError, match="both a day off and a working day"):
        CALENDAR.with_overrides(days_off={date(2025, 3, 19)}, working_days={date(2025, 3, 19)})

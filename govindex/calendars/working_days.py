"""Working days and office hours: the arithmetic behind every deadline in GovIndex.

Pure Python + numpy, no Django, so the scoring core, the polars/numpy analytics and the apps
can all use it. A :class:`WorkingCalendar` is an immutable value; build the city's one with
``govindex.calendars.selectors.city_calendar()`` (national holidays + the city's table), or a
national one with ``govindex.calendars.national.national_calendar()``.

Definitions (also in ``docs/calendar.md``):

* **Working day**: a make-up working day, or else a day that is not in the weekend and not a
  public holiday and not an extra day off. Precedence: make-up working day > (public holiday,
  extra day off) > weekend. A day cannot be both an extra day off and a make-up working day.
* **Office hours**: the same intervals on every working day (default 08:00–12:00 and
  13:00–17:00 local time, 8 hours). **Office time** is the time inside those intervals on
  working days. The **close** of a working day is the end of its last interval (17:00).
* Datetimes must be timezone-aware; the rules are applied in the calendar's zone
  (``Asia/Ho_Chi_Minh``) and results come back in the zone of the given datetime.
* Day ranges are half-open: ``working_days_between(a, b)`` counts working days ``a <= d < b``
  (like ``numpy.busday_count``), negative when ``b < a``.
* The vectorised office-time functions (``working_hours_between_many``,
  ``add_working_hours_many``) take numpy ``datetime64`` arrays of UTC instants and apply the
  zone as a fixed UTC offset, which they check is the same in every year they touch (true of
  ``Asia/Ho_Chi_Minh``, UTC+7 without daylight saving since 1975); a zone with daylight saving
  is refused with ``ValueError``.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

VIETNAM_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
#: Office hours of Vietnamese state agencies: 08:00–12:00 and 13:00–17:00 (8 hours a day).
VIETNAM_OFFICE_HOURS: tuple[tuple[time, time], ...] = (
    (time(8, 0), time(12, 0)),
    (time(13, 0), time(17, 0)),
)
SATURDAY_SUNDAY = frozenset({5, 6})

_MICROSECONDS_PER_HOUR = 3_600_000_000
_MICROSECONDS_PER_DAY = 24 * _MICROSECONDS_PER_HOUR
_EPOCH = date(1970, 1, 1)
_NUMPY_EPOCH = np.datetime64("1970-01-01", "D")
_ONE_DAY = timedelta(days=1)

DayArray = npt.NDArray[np.datetime64]
MomentArray = npt.NDArray[np.datetime64]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def _microsecond_of_day(moment: time) -> int:
    return (
        moment.hour * 3600 + moment.minute * 60 + moment.second
    ) * 1_000_000 + moment.microsecond


def _time_of_microsecond(microseconds: int) -> time:
    seconds, micro = divmod(microseconds, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, second, micro)


def _plain_date(value: Any, name: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date (not a datetime); got {value!r}")
    return value


def _day_array(values: Any, name: str) -> DayArray:
    array = np.asarray(values, dtype="datetime64[D]")
    if np.isnat(array).any():
        raise ValueError(f"{name} contains NaT (missing dates); drop or fill them first")
    return array


def _moment_array(values: Any, name: str) -> IntArray:
    """UTC instants as microseconds since the epoch (int64); NaT refused."""
    array = np.asarray(values)
    if array.dtype.kind != "M":
        raise TypeError(
            f"{name} must be a numpy datetime64 array of UTC instants; got dtype {array.dtype}"
        )
    array = array.astype("datetime64[us]")
    if np.isnat(array).any():
        raise ValueError(f"{name} contains NaT (missing instants); drop or fill them first")
    return array.view(np.int64)


@lru_cache(maxsize=64)
def fixed_utc_offset(zone: ZoneInfo, first_year: int, last_year: int) -> int:
    """The UTC offset of ``zone`` in microseconds, checked to be the same in January, July and
    December of every year from ``first_year`` to ``last_year``; ``ValueError`` if it changes
    (daylight saving or a change of zone), since the vectorised arithmetic applies one offset."""
    offsets = {
        datetime(year, month, day, 12, tzinfo=zone).utcoffset()
        for year in range(first_year, last_year + 1)
        for month, day in ((1, 1), (7, 1), (12, 31))
    }
    if len(offsets) != 1:
        raise ValueError(
            f"{zone.key} has more than one UTC offset in {first_year}–{last_year} "
            "(daylight saving?); the vectorised office-time functions need a fixed offset"
        )
    (offset,) = offsets
    assert offset is not None
    return (offset.days * 86_400 + offset.seconds) * 1_000_000 + offset.microseconds


@dataclass(frozen=True)
class DayTable:
    """The lookup tables of the vectorised office-time arithmetic, for a span of days.

    Days are numbered from 1970-01-01 (day 0). ``ranks[i]`` is the rank (working days before it,
    from the calendar's fixed origin) of day ``first + i`` and ``working[i]`` whether it is a
    working day; ``working_days`` holds the span's working days in order, so the working day of
    rank ``r`` is ``working_days[r - first_rank]``.
    """

    first: int
    ranks: IntArray
    working: BoolArray
    working_days: IntArray
    first_rank: int

    @property
    def last(self) -> int:
        return self.first + len(self.ranks) - 1

    @property
    def last_rank(self) -> int:
        return self.first_rank + len(self.working_days) - 1


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days, and the office hours of each working day.

    ``weekend`` holds ``date.weekday()`` numbers (Monday 0 … Sunday 6). ``first_day`` and
    ``last_day``, when given, are the range the holiday data covers: asking about a day outside
    it raises ``ValueError`` rather than silently treating an unknown holiday as a working day.
    """

    public_holidays: frozenset[date] = frozenset()
    extra_days_off: frozenset[date] = frozenset()
    makeup_working_days: frozenset[date] = frozenset()
    weekend: frozenset[int] = SATURDAY_SUNDAY
    office_hours: tuple[tuple[time, time], ...] = VIETNAM_OFFICE_HOURS
    zone: ZoneInfo = VIETNAM_ZONE
    first_day: date | None = None
    last_day: date | None = None

    # Derived once in __post_init__; not part of equality or the hash.
    _intervals: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)
    _day_length: int = field(init=False, repr=False, compare=False)
    _closed_weekdays: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _open_weekend_days: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _busdaycalendar: np.busdaycalendar = field(init=False, repr=False, compare=False)
    _open_weekend_array: DayArray = field(init=False, repr=False, compare=False)
    _open_weekend_ranks: IntArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("public_holidays", "extra_days_off", "makeup_working_days", "weekend"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        for name in ("public_holidays", "extra_days_off", "makeup_working_days"):
            for day in getattr(self, name):
                _plain_date(day, f"every day in {name}")
        if not self.weekend <= set(range(7)):
            raise ValueError(f"weekend must hold weekday numbers 0–6; got {sorted(self.weekend)}")
        if len(self.weekend) == 7:
            raise ValueError("weekend cannot hold all seven weekdays")
        both = self.extra_days_off & self.makeup_working_days
        if both:
            listed = ", ".join(day.isoformat() for day in sorted(both))
            raise ValueError(f"a day cannot be both an extra day off and a working day: {listed}")
        if not isinstance(self.zone, ZoneInfo):
            raise TypeError(f"zone must be a zoneinfo.ZoneInfo; got {self.zone!r}")
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValueError(f"last_day {self.last_day} is before first_day {self.first_day}")
        object.__setattr__(self, "office_hours", tuple(tuple(pair) for pair in self.office_hours))
        object.__setattr__(self, "_intervals", self._validated_intervals())
        object.__setattr__(self, "_day_length", sum(end - start for start, end in self._intervals))

        exceptions = self.public_holidays | self.extra_days_off | self.makeup_working_days
        closed = sorted(d for d in exceptions if not self._weekend(d) and not self._working(d))
        opened = sorted(d for d in exceptions if self._weekend(d) and self._working(d))
        object.__setattr__(self, "_closed_weekdays", tuple(closed))
        object.__setattr__(self, "_open_weekend_days", tuple(opened))
        weekmask = [0 if weekday in self.weekend else 1 for weekday in range(7)]
        busdaycalendar = np.busdaycalendar(
            weekmask=weekmask, holidays=np.array(closed, dtype="datetime64[D]")
        )
        open_array = np.array(opened, dtype="datetime64[D]")
        object.__setattr__(self, "_busdaycalendar", busdaycalendar)
        object.__setattr__(self, "_open_weekend_array", open_array)
        object.__setattr__(self, "_open_weekend_ranks", self._ranks(open_array))

    def _validated_intervals(self) -> tuple[tuple[int, int], ...]:
        if not self.office_hours:
            raise ValueError("office_hours needs at least one (start, end) interval")
        intervals = []
        previous_end = -1
        for pair in self.office_hours:
            if len(pair) != 2 or not all(isinstance(moment, time) for moment in pair):
                raise TypeError(f"each office-hours interval is a (time, time) pair; got {pair!r}")
            start, end = pair
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("office hours are local wall-clock times: give naive times")
            start_us, end_us = _microsecond_of_day(start), _microsecond_of_day(end)
            if start_us >= end_us:
                raise ValueError(f"office-hours interval {start}–{end} ends before it starts")
            if start_us < previous_end:
                raise ValueError("office-hours intervals must be in order and must not overlap")
            intervals.append((start_us, end_us))
            previous_end = end_us
        return tuple(intervals)

    # -- days ------------------------------------------------------------------------------

    def _weekend(self, day: date) -> bool:
        return day.weekday() in self.weekend

    def _working(self, day: date) -> bool:
        if day in self.makeup_working_days:
            return True
        if day in self.public_holidays or day in self.extra_days_off:
            return False
        return not self._weekend(day)

    def _check_range(self, first: date, last: date | None = None) -> None:
        last = first if last is None else last
        if (self.first_day and first < self.first_day) or (self.last_day and last > self.last_day):
            raise ValueError(
                f"the calendar covers {self.first_day or '…'} to {self.last_day or '…'}; "
                f"{first if self.first_day and first < self.first_day else last} is outside it "
                "(build the calendar for more years)"
            )

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day (see the module's definition)."""
        day = _plain_date(day, "day")
        self._check_range(day)
        return self._working(day)

    def _regular_days(self, start: date, end: date) -> int:
        """Days in ``[start, end)`` outside the weekend, ignoring holidays; negative if reversed."""
        if end < start:
            return -self._regular_days(end, start)
        full_weeks, rest = divmod((end - start).days, 7)
        weekday = start.weekday()
        partial = sum(1 for i in range(rest) if (weekday + i) % 7 not in self.weekend)
        return full_weeks * (7 - len(self.weekend)) + partial

    def _rank(self, day: date) -> int:
        """Working days before ``day`` counted from a fixed origin: differences count days."""
        return (
            self._regular_days(_EPOCH, day)
            - bisect_left(self._closed_weekdays, day)
            + bisect_left(self._open_weekend_days, day)
        )

    def working_days_between(self, start_day: date, end_day: date) -> int:
        """Working days ``d`` with ``start_day <= d < end_day``; negative when ``end_day < start_day``.

        So ``working_days_between(d, d) == 0`` and a single working day ``d`` counts 1 from
        ``d`` to ``d + 1 day``.
        """
        start_day = _plain_date(start_day, "start_day")
        end_day = _plain_date(end_day, "end_day")
        self._check_range(min(start_day, end_day), max(start_day, end_day) - _ONE_DAY)
        return self._rank(end_day) - self._rank(start_day)

    def roll_forward(self, day: date) -> date:
        """``day`` if it is a working day, otherwise the first working day after it."""
        day = _plain_date(day, "day")
        self._check_range(day)
        while not self._working(day):
            day += _ONE_DAY
            self._check_range(day)
        return day

    def offset_working_days(self, day: date, days: int) -> date:
        """The ``days``-th working day after ``roll_forward(day)`` (``days = 0``: that day itself).

        The day-level counterpart of :meth:`add_working_days`; ``add_working_days_many`` is its
        vectorised form.
        """
        days = _non_negative_int(days, "days")
        current = self.roll_forward(day)
        while days:
            current += _ONE_DAY
            self._check_range(current)
            if self._working(current):
                days -= 1
        return current

    # -- moments ---------------------------------------------------------------------------

    def _local(self, moment: datetime, name: str) -> datetime:
        if not isinstance(moment, datetime):
            raise TypeError(f"{name} must be a datetime; got {moment!r}")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(
                f"{name} is a naive datetime ({moment.isoformat()}); working-time rules need a "
                f"timezone-aware datetime, e.g. with tzinfo=ZoneInfo({str(self.zone)!r}) "
                "or django.utils.timezone.now()"
            )
        return moment.astimezone(self.zone)

    def _at(self, day: date, microsecond_of_day: int) -> datetime:
        return datetime.combine(day, _time_of_microsecond(microsecond_of_day), tzinfo=self.zone)

    def _office_elapsed(self, microsecond_of_day: int) -> int:
        """Office time of one working day before a time of day, in microseconds."""
        return sum(
            min(max(microsecond_of_day - start, 0), end - start) for start, end in self._intervals
        )

    def _office_clock(self, local: datetime) -> int:
        """Office time from the origin to ``local``, in microseconds (differences matter)."""
        day = local.date()
        self._check_range(day)
        elapsed = (
            self._office_elapsed(_microsecond_of_day(local.time())) if self._working(day) else 0
        )
        return self._rank(day) * self._day_length + elapsed

    @property
    def hours_per_day(self) -> float:
        """Office hours in one working day (8.0 with the default office hours)."""
        return self._day_length / _MICROSECONDS_PER_HOUR

    def close_of(self, day: date) -> datetime:
        """The end of office hours on ``day`` (17:00 by default), in the calendar's zone."""
        return self._at(_plain_date(day, "day"), self._intervals[-1][1])

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The deadline "``days`` working days from ``start``".

        It is the close of office hours (17:00) on the ``days``-th working day after the
        *reference day*. The reference day is the day of ``start`` when that is a working day
        and ``start`` is before its close; otherwise (after 17:00, or on a weekend, holiday or
        extra day off) it is the next working day — a start before 08:00 on a working day
        counts from that same day. ``days = 0`` gives the close of the reference day.

        Example: received Friday 24 Jan 2025 10:00, 3 working days → Wednesday 5 Feb 2025 17:00
        (the Tết break 25 Jan – 2 Feb is skipped). ``start`` must be timezone-aware; the result
        is in ``start``'s zone.
        """
        days = _non_negative_int(days, "days")
        local = self._local(start, "start")
        day = local.date()
        self._check_range(day)
        if not self._working(day) or _microsecond_of_day(local.time()) >= self._intervals[-1][1]:
            day += _ONE_DAY
        deadline_day = self.offset_working_days(day, days)
        return self.close_of(deadline_day).astimezone(start.tzinfo)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The earliest moment at which ``hours`` of office time have passed since ``start``.

        Only office time counts: Friday 16:00 + 4 h is Monday 11:00 (1 h on Friday, 3 h on
        Monday); 11:00 + 1 h is 12:00 and 11:00 + 2 h is 14:00 (the noon break does not
        count); a start outside office hours counts from the next office moment. A result that lands exactly on the end of an interval
        is that end (12:00 or 17:00), not the start of the next one. ``hours = 0`` returns
        ``start`` itself. ``hours`` must be finite and ≥ 0; the result is in ``start``'s zone.
        """
        if (
            isinstance(hours, bool)
            or not isinstance(hours, int | float)
            or not math.isfinite(hours)
        ):
            raise ValueError(f"hours must be a finite number; got {hours!r}")
        if hours < 0:
            raise ValueError(f"hours must be ≥ 0; got {hours}")
        local = self._local(start, "start")
        remaining = round(hours * _MICROSECONDS_PER_HOUR)
        if remaining == 0:
            return start
        day = local.date()
        position = _microsecond_of_day(local.time())
        while True:
            self._check_range(day)
            if self._working(day):
                if position == 0 and remaining > self._day_length:
                    remaining -= self._day_length
                else:
                    for interval_start, interval_end in self._intervals:
                        begin = max(interval_start, position)
                        if begin >= interval_end:
                            continue
                        available = interval_end - begin
                        if remaining <= available:
                            return self._at(day, begin + remaining).astimezone(start.tzinfo)
                        remaining -= available
            day += _ONE_DAY
            position = 0

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Office time from ``start`` to ``end`` in hours; negative when ``end`` is before ``start``.

        ``working_hours_between(start, add_working_hours(start, h)) == h`` for every ``h ≥ 0``
        (to the microsecond).
        """
        start_clock = self._office_clock(self._local(start, "start"))
        end_clock = self._office_clock(self._local(end, "end"))
        return (end_clock - start_clock) / _MICROSECONDS_PER_HOUR

    # -- vectorised ------------------------------------------------------------------------

    def _ranks(self, days: DayArray) -> IntArray:
        regular = np.busday_count(_NUMPY_EPOCH, days, busdaycal=self._busdaycalendar)
        opened = np.searchsorted(self._open_weekend_array, days, side="left")
        return (regular + opened).astype(np.int64)

    def _days_of_ranks(self, anchors: DayArray, ranks: IntArray) -> DayArray:
        """The working day that has each rank (the inverse of ``_ranks`` on working days).

        ``anchors`` are days near the answers (the starts): ``numpy.busday_offset`` takes time
        in proportion to the distance it moves, so it moves from them, not from the origin.
        """
        opened_before = np.searchsorted(self._open_weekend_ranks, ranks, side="left")
        anchor_ranks = np.busday_count(_NUMPY_EPOCH, anchors, busdaycal=self._busdaycalendar)
        regular = np.busday_offset(
            anchors,
            ranks - opened_before - anchor_ranks,
            roll="forward",
            busdaycal=self._busdaycalendar,
        )
        if len(self._open_weekend_array) == 0:
            return regular
        index = np.minimum(opened_before, len(self._open_weekend_array) - 1)
        is_open_day = self._open_weekend_ranks[index] == ranks
        return np.where(is_open_day, self._open_weekend_array[index], regular)

    def _check_range_many(self, *arrays: DayArray, exclusive_end: bool = False) -> None:
        filled = [array for array in arrays if array.size]
        if filled:
            first = min(array.min() for array in filled).astype(date)
            last = max(array.max() for array in filled).astype(date)
            self._check_range(first, last - _ONE_DAY if exclusive_end else last)

    def is_working_day_many(self, days: Any) -> npt.NDArray[np.bool_]:
        """:meth:`is_working_day` for an array of ``datetime64[D]`` (or anything numpy converts)."""
        array = _day_array(days, "days")
        self._check_range_many(array)
        regular = np.is_busday(array, busdaycal=self._busdaycalendar)
        return regular | np.isin(array, self._open_weekend_array)

    def working_days_between_many(self, start_days: Any, end_days: Any) -> IntArray:
        """:meth:`working_days_between` element-wise (numpy broadcasting), as ``int64``."""
        starts = _day_array(start_days, "start_days")
        ends = _day_array(end_days, "end_days")
        self._check_range_many(starts, ends, exclusive_end=True)
        return self._ranks(ends) - self._ranks(starts)

    def add_working_days_many(self, start_days: Any, days: Any) -> DayArray:
        """:meth:`offset_working_days` element-wise: the ``days``-th working day after each start
        rolled forward to a working day. ``days`` is an int or an array (broadcast), ≥ 0."""
        starts = _day_array(start_days, "start_days")
        offsets = np.asarray(days)
        if not np.issubdtype(offsets.dtype, np.integer):
            raise TypeError(f"days must be integers; got dtype {offsets.dtype}")
        if offsets.size and offsets.min() < 0:
            raise ValueError("days must be ≥ 0")
        self._check_range_many(starts)
        ranks = self._ranks(starts) + offsets.astype(np.int64)
        result = self._days_of_ranks(np.broadcast_to(starts, ranks.shape), ranks)
        self._check_range_many(np.asarray(result))
        return result

    # -- vectorised office time ---------------------------------------------------------------

    def day_table(self, first: date, last: date) -> DayTable:
        """Ranks and working days of every day from ``first`` to ``last`` (both included)."""
        self._check_range(first, last)
        days = np.arange(
            np.datetime64(first, "D"), np.datetime64(last, "D") + np.timedelta64(1, "D")
        )
        ranks = self._ranks(days)
        working = np.is_busday(days, busdaycal=self._busdaycalendar) | np.isin(
            days, self._open_weekend_array
        )
        working_days = days[working].astype(np.int64)
        first_rank = int(ranks[working][0]) if working.any() else int(ranks[-1])
        return DayTable(
            first=int(days[0].astype(np.int64)),
            ranks=ranks,
            working=working,
            working_days=working_days,
            first_rank=first_rank,
        )

    @cached_property
    def _covered_table(self) -> DayTable | None:
        """The table of the whole covered range, built once (``None`` for an open range)."""
        if self.first_day is None or self.last_day is None:
            return None
        return self.day_table(self.first_day, self.last_day)

    def _table_for(self, low: int, high: int) -> DayTable:
        """A table holding day numbers ``low``..``high`` (raising outside the covered range)."""
        first = _EPOCH + timedelta(days=low)
        last = _EPOCH + timedelta(days=high)
        self._check_range(first, last)
        covered = self._covered_table
        if covered is not None:
            return covered
        return self.day_table(self.first_day or first, self.last_day or last)

    def _local_days(self, moments: IntArray) -> tuple[IntArray, IntArray, DayTable]:
        """Each instant's local day number and microsecond of that day, and a table of the days."""
        first_year = (_EPOCH + timedelta(days=int(moments.min() // _MICROSECONDS_PER_DAY))).year
        last_year = (_EPOCH + timedelta(days=int(moments.max() // _MICROSECONDS_PER_DAY))).year
        local = moments + fixed_utc_offset(self.zone, first_year - 1, last_year + 1)
        days = local // _MICROSECONDS_PER_DAY
        table = self._table_for(int(days.min()), int(days.max()))
        return days, local - days * _MICROSECONDS_PER_DAY, table

    def _office_clocks(self, days: IntArray, of_day: IntArray, table: DayTable) -> IntArray:
        """Office time from the origin to each local instant (µs), as ``_office_clock`` does."""
        index = days - table.first
        elapsed = np.zeros(days.shape, dtype=np.int64)
        for start, end in self._intervals:
            elapsed += np.clip(of_day - start, 0, end - start)
        return table.ranks[index] * self._day_length + np.where(table.working[index], elapsed, 0)

    def working_hours_between_many(self, starts: Any, ends: Any) -> FloatArray:
        """:meth:`working_hours_between` element-wise (broadcasting) on numpy ``datetime64``
        arrays of UTC instants; hours as ``float64``, equal to the scalar results."""
        start_us, end_us = np.broadcast_arrays(
            _moment_array(starts, "starts"), _moment_array(ends, "ends")
        )
        moments = np.concatenate([start_us.ravel(), end_us.ravel()])
        if moments.size == 0:
            return np.zeros(start_us.shape, dtype=np.float64)
        both = self._office_clocks(*self._local_days(moments))
        start_clock, end_clock = both[: start_us.size], both[start_us.size :]
        hours = (end_clock - start_clock) / _MICROSECONDS_PER_HOUR
        return hours.reshape(start_us.shape)

    def add_working_hours_many(self, starts: Any, hours: Any) -> MomentArray:
        """:meth:`add_working_hours` element-wise (broadcasting) on numpy ``datetime64`` arrays
        of UTC instants; returns ``datetime64[us]`` UTC instants equal to the scalar results.

        The target office clock ``T = clock(start) + hours`` is reached first on the working day
        of rank ``(T - 1) // day_length``, at the office moment ``T`` minus that rank's start:
        one division and two table look-ups per row instead of a walk over the days.
        """
        start_us = _moment_array(starts, "starts")
        wanted = np.asarray(hours, dtype=np.float64)
        if not np.isfinite(wanted).all():
            raise ValueError("hours must be finite numbers")
        if wanted.size and wanted.min() < 0:
            raise ValueError("hours must be ≥ 0")
        start_us, wanted = np.broadcast_arrays(start_us, wanted)
        remaining = np.rint(wanted * _MICROSECONDS_PER_HOUR).astype(np.int64)
        result = start_us.copy()
        moving = remaining > 0
        if moving.any():
            days, of_day, table = self._local_days(start_us[moving])
            target = self._office_clocks(days, of_day, table) + remaining[moving]
            rank = (target - 1) // self._day_length
            into_day = target - rank * self._day_length  # 1 … day_length
            low, high = int(days.min()), int(days.max())
            while int(rank.max()) > table.last_rank:
                if self.last_day is not None:  # beyond the covered range, as the scalar walk
                    self._check_range(self.last_day + _ONE_DAY)
                high += 2 * (int(rank.max()) - table.last_rank) + 14
                table = self._table_for(low, high)
            day = table.working_days[rank - table.first_rank]
            lengths = np.array([end - start for start, end in self._intervals], dtype=np.int64)
            ends_before = np.cumsum(lengths)
            interval = np.searchsorted(ends_before, into_day, side="left")
            opens = np.array([start for start, _ in self._intervals], dtype=np.int64)
            moment = opens[interval] + into_day - (ends_before - lengths)[interval]
            year = (_EPOCH + timedelta(days=int(day.max()))).year
            offset = fixed_utc_offset(self.zone, year - 1, year + 1)
            result[moving] = day * _MICROSECONDS_PER_DAY + moment - offset
        return result.view("datetime64[us]")

    # -- combining -------------------------------------------------------------------------

    def with_overrides(
        self, *, days_off: Iterable[date] = (), working_days: Iterable[date] = ()
    ) -> WorkingCalendar:
        """A copy where ``days_off`` are off and ``working_days`` are working, whatever they were.

        This is how a city's table of extra days off and make-up working days overrides the
        national holidays. A day cannot be in both.
        """
        off, on = frozenset(days_off), frozenset(working_days)
        both = off & on
        if both:
            listed = ", ".join(day.isoformat() for day in sorted(both))
            raise ValueError(f"a day cannot be both a day off and a working day: {listed}")
        return WorkingCalendar(
            public_holidays=self.public_holidays,
            extra_days_off=(self.extra_days_off - on) | off,
            makeup_working_days=(self.makeup_working_days - off) | on,
            weekend=self.weekend,
            office_hours=self.office_hours,
            zone=self.zone,
            first_day=self.first_day,
            last_day=self.last_day,
        )


def _non_negative_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer; got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be ≥ 0; got {value}")
    return int(value)

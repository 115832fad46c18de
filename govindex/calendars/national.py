"""Vietnam's national calendar from the ``holidays`` package (pure Python, no Django).

``holidays`` is data shipped inside the package: nothing is downloaded. Its country "VN"
calendar has the public holidays of the Labour Code (with the compensatory days off when a
holiday falls on a weekend) and, as "special" holidays, the days off that the government swapped
with a Saturday for civil servants; those Saturdays are in ``weekend_workdays``. Swaps the
package does not know yet are rows of the city's table (``govindex/calendars/reference/``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

import holidays

from govindex.calendars.working_days import (
    SATURDAY_SUNDAY,
    VIETNAM_OFFICE_HOURS,
    WorkingCalendar,
)


def vietnam_holidays(years: Iterable[int]) -> holidays.HolidayBase:
    """The ``holidays`` package's calendar for Vietnam, English names, for ``years``."""
    return holidays.country_holidays("VN", years=sorted(set(years)), language="en_US")


def national_calendar(
    years: Iterable[int],
    *,
    office_hours: tuple[tuple[time, time], ...] = VIETNAM_OFFICE_HOURS,
) -> WorkingCalendar:
    """Vietnam's working calendar for ``years`` (a contiguous range): public holidays, the days
    off swapped for civil servants, and the make-up working Saturdays that the ``holidays``
    package records. Asking it about a day outside ``years`` raises ``ValueError``."""
    wanted = sorted(set(years))
    if not wanted:
        raise ValueError("years must hold at least one year")
    if wanted != list(range(wanted[0], wanted[-1] + 1)):
        raise ValueError(f"years must be contiguous; got {wanted}")
    national = vietnam_holidays(wanted)
    first, last = date(wanted[0], 1, 1), date(wanted[-1], 12, 31)
    makeup_days = {day for day in national.weekend_workdays if first <= day <= last}
    return WorkingCalendar(
        public_holidays=frozenset(day for day in national if first <= day <= last),
        makeup_working_days=frozenset(makeup_days),
        weekend=SATURDAY_SUNDAY,
        office_hours=office_hours,
        first_day=first,
        last_day=last,
    )

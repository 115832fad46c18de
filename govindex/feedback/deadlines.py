"""Deadlines of a feedback case, in working hours and working days of the city's calendar.

Decision 1207/QĐ-UBND (iHaNoi) and Decision 766/QĐ-TTg:

* the handling unit accepts (or rejects) within **8 working hours** of receiving the case;
* a rejection is on time within **2 working days**;
* an **urgent** case is handled within **4 working hours** of its acceptance;
* every other case is handled within **15 working days** of its receipt;
* the answer is published within **2 working days** of being written.

"N working days from a moment" is the close of office hours (17:00) on the N-th working day
after it (``WorkingCalendar.add_working_days``); working hours count office time only.
A transfer gives the receiving unit a fresh 8 working hours to accept, but not a fresh 15 days to
handle: the time a case spends being passed around is the citizen's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from govindex.calendars.selectors import city_calendar
from govindex.calendars.working_days import WorkingCalendar
from govindex.feedback.models import Severity

ACCEPT_HOURS = 8
URGENT_HANDLE_HOURS = 4
HANDLE_DAYS = 15
PUBLISH_DAYS = 2
REJECT_DAYS = 2


@dataclass(frozen=True)
class ReceiptDeadlines:
    accept_due: datetime
    reject_due: datetime
    handle_due: datetime


def _calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    return calendar if calendar is not None else city_calendar()


def receipt_deadlines(
    *, received_at: datetime, severity: str, calendar: WorkingCalendar | None = None
) -> ReceiptDeadlines:
    """Deadlines from the moment a unit receives the case. An urgent case's handling deadline
    is provisional (4 working hours after the accept deadline) until it is accepted."""
    cal = _calendar(calendar)
    accept_due = cal.add_working_hours(received_at, ACCEPT_HOURS)
    if severity == Severity.URGENT:
        handle_due = cal.add_working_hours(accept_due, URGENT_HANDLE_HOURS)
    else:
        handle_due = cal.add_working_days(received_at, HANDLE_DAYS)
    return ReceiptDeadlines(
        accept_due=accept_due,
        reject_due=cal.add_working_days(received_at, REJECT_DAYS),
        handle_due=handle_due,
    )


def transfer_deadlines(
    *,
    at: datetime,
    severity: str,
    handle_due: datetime,
    calendar: WorkingCalendar | None = None,
) -> ReceiptDeadlines:
    """The receiving unit's deadlines: fresh ones to accept or reject, the same one to handle
    (an urgent case: 4 working hours after the new accept deadline)."""
    cal = _calendar(calendar)
    accept_due = cal.add_working_hours(at, ACCEPT_HOURS)
    if severity == Severity.URGENT:
        handle_due = cal.add_working_hours(accept_due, URGENT_HANDLE_HOURS)
    return ReceiptDeadlines(
        accept_due=accept_due,
        reject_due=cal.add_working_days(at, REJECT_DAYS),
        handle_due=handle_due,
    )


def handle_due_on_accept(
    *,
    accepted_at: datetime,
    severity: str,
    current: datetime,
    calendar: WorkingCalendar | None = None,
) -> datetime:
    if severity == Severity.URGENT:
        return _calendar(calendar).add_working_hours(accepted_at, URGENT_HANDLE_HOURS)
    return current


def handle_due_on_reopen(
    *, at: datetime, severity: str, calendar: WorkingCalendar | None = None
) -> datetime:
    cal = _calendar(calendar)
    if severity == Severity.URGENT:
        return cal.add_working_hours(at, URGENT_HANDLE_HOURS)
    return cal.add_working_days(at, HANDLE_DAYS)


def publish_due(*, answered_at: datetime, calendar: WorkingCalendar | None = None) -> datetime:
    return _calendar(calendar).add_working_days(answered_at, PUBLISH_DAYS)


def working_hours_between(
    start: datetime, end: datetime, calendar: WorkingCalendar | None = None
) -> float:
    return _calendar(calendar).working_hours_between(start, end)

"""Every write to the city's calendar table. Each change is audited, bumps the calendar's
revision (so every process rebuilds its cached calendar) and clears this process's cache once
the transaction commits."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import transaction

from govindex.audit.services import Actor, audit_record
from govindex.calendars.models import CalendarDay, CalendarDayKind, CalendarRevision
from govindex.calendars.national import national_calendar, vietnam_holidays
from govindex.calendars.selectors import clear_city_calendar_cache
from govindex.errors import ApplicationError

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _state(row: CalendarDay) -> dict[str, Any]:
    return {"day": row.day, "kind": row.kind, "name": row.name, "note": row.note}


def _bump_revision() -> None:
    CalendarRevision.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4()})
    transaction.on_commit(clear_city_calendar_cache)


def calendar_day_check(*, day: date, kind: str) -> None:
    """Refuse a row that would change nothing: a make-up working day on a day the national
    calendar already works, or an extra day off on a day it already rests."""
    if kind not in CalendarDayKind.values:
        raise ApplicationError(
            f"Unknown kind {kind!r}; use one of: {', '.join(CalendarDayKind.values)}.",
            code="calendar_day_kind_unknown",
        )
    national = national_calendar([day.year])
    weekday = WEEKDAY_NAMES[day.weekday()]
    if kind == CalendarDayKind.WORKING_DAY and national.is_working_day(day):
        raise ApplicationError(
            f"{day.isoformat()} ({weekday}) is already a working day in the national calendar; "
            "a make-up working day must be a weekend day or a holiday.",
            code="calendar_day_already_working",
        )
    if kind == CalendarDayKind.DAY_OFF and not national.is_working_day(day):
        holiday = vietnam_holidays([day.year]).get(day)
        why = f"the public holiday “{holiday}”" if holiday else "a weekend day"
        raise ApplicationError(
            f"{day.isoformat()} ({weekday}) is already a day off in the national calendar "
            f"({why}); to make it a working day again, remove the city's row instead.",
            code="calendar_day_already_off",
        )


@transaction.atomic
def calendar_day_set(
    *, day: date, kind: str, name: str, actor: Actor, note: str = ""
) -> CalendarDay:
    """Make ``day`` a day off or a working day for the city (creating or replacing its row).

    Setting the same values again changes nothing and writes no audit record.
    """
    calendar_day_check(day=day, kind=kind)
    row = CalendarDay.objects.select_for_update().filter(day=day).first()
    before = _state(row) if row is not None else None
    if row is None:
        row = CalendarDay(day=day)
    row.kind, row.name, row.note = kind, name.strip(), note.strip()
    if before is not None and _state(row) == before:
        return row
    row.full_clean()
    row.save()
    _bump_revision()
    audit_record(
        actor=actor,
        action="calendar_day.set",
        target=row,
        before=before,
        after=_state(row),
    )
    return row


@transaction.atomic
def calendar_day_remove(*, day: date, actor: Actor, reason: str) -> None:
    """Remove the city's row for ``day``: the national calendar decides that day again."""
    if not reason.strip():
        raise ApplicationError(
            "Say why the day is removed from the city's calendar.", code="reason_required"
        )
    row = CalendarDay.objects.select_for_update().filter(day=day).first()
    if row is None:
        raise ApplicationError(
            f"The city's calendar has no row for {day.isoformat()}.",
            code="calendar_day_not_found",
            status=404,
        )
    before = _state(row)
    audit_record(
        actor=actor, action="calendar_day.remove", target=row, before=before, reason=reason.strip()
    )
    row.delete()
    _bump_revision()

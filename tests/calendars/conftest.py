from __future__ import annotations

import pytest

from govindex.calendars import selectors
from govindex.calendars.models import CalendarDay, CalendarRevision
from govindex.calendars.reference import reference_days


@pytest.fixture(autouse=True)
def reference_days_loaded(db: None) -> None:
    """The rows migration ``calendars.0002`` loads. A transactional test elsewhere in the same
    worker (a browser test) flushes every table, migration data included, so put them back as
    the migration does."""
    for row in reference_days():
        CalendarDay.objects.get_or_create(
            day=row.day, defaults={"kind": row.kind, "name": row.name, "note": row.source}
        )
    CalendarRevision.objects.get_or_create(pk=1)
    selectors.clear_city_calendar_cache()

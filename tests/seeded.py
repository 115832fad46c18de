"""The rows the migrations load (calendar reference days, the default root causes), put back.

A transactional test (every browser test) ends with a flush that empties every table, migration
data included, and the tests that run after it in the same worker find them gone. Tests that
need those rows call ``migration_rows_restored`` first; it adds what is missing, as the
migrations do, and leaves the rest alone. (``serialized_rollback`` would restore them too, but it
fails when a transactional test without it ran just before in the same worker: the content
types that test's flush recreated collide with the restored ones.)
"""

from __future__ import annotations

import importlib

from django.apps import apps

from govindex.calendars import selectors as calendar_selectors
from govindex.improvement.services import root_causes_seed

_CALENDAR_DAYS = importlib.import_module("govindex.calendars.migrations.0002_reference_days")


def migration_rows_restored() -> None:
    _CALENDAR_DAYS.load(apps, None)
    calendar_selectors.clear_city_calendar_cache()
    root_causes_seed(actor="tests")

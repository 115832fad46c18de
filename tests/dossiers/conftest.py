from __future__ import annotations

import pytest

from govindex.calendars.national import national_calendar
from govindex.calendars.working_days import WorkingCalendar
from govindex.dossiers import selectors


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    return national_calendar(range(2024, 2028))


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    selectors.clear_cache()


# The September case of test_realtime_index.py, shared with the page tests.
from tests.dossiers.test_dossiers_import import catalogue  # noqa: E402, F401
from tests.dossiers.test_realtime_index import september  # noqa: E402, F401

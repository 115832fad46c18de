from __future__ import annotations

import pytest

from tests.seeded import migration_rows_restored


@pytest.fixture(autouse=True)
def reference_days_loaded(db: None) -> None:
    """The rows migration ``calendars.0002`` loads (``tests/seeded.py`` says why)."""
    migration_rows_restored()

"""`govindex calendar`: a year's exceptional days, and deadlines from the command line."""

from __future__ import annotations

from datetime import date

import pytest

from govindex.calendars import selectors
from govindex.calendars.selectors import CalendarException, calendar_exceptions
from govindex.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    selectors.clear_city_calendar_cache()
    yield
    selectors.clear_city_calendar_cache()


def test_calendar_exceptions_name_each_day_and_its_source() -> None:
    items = calendar_exceptions(year=2026)
    assert items[:3] == [
        CalendarException(date(2026, 1, 1), False, "New Year's Day", "national"),
        CalendarException(
            date(2026, 1, 2),
            False,
            "New Year 2026: Friday 2 Jan swapped with Saturday 10 Jan (days off 1–4 Jan)",
            "city",
        ),
        CalendarException(
            date(2026, 1, 10),
            True,
            "New Year 2026: make-up working Saturday for Friday 2 Jan",
            "city",
        ),
    ]
    assert CalendarException(date(2026, 8, 22), True, "Make-up working day", "national") in items
    assert len(items) == 16


def test_cli_lists_a_year(capsys) -> None:
    assert main(["calendar", "--year", "2025"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2025-01-01 Wed off     national New Year's Day"
    assert "2025-04-26 Sat working national Make-up working day" in lines
    assert len(lines) == 13


def test_cli_computes_deadlines(capsys) -> None:
    assert main(["calendar", "--from", "2025-01-24T10:00", "--days", "3"]) == 0
    assert main(["calendar", "--from", "2025-03-14T09:00+00:00", "--hours", "4"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "2025-02-05T17:00:00+07:00",
        "2025-03-17T04:00:00+00:00",
    ]


def test_cli_refuses_a_start_outside_the_calendar(capsys) -> None:
    assert main(["calendar", "--from", "2045-03-14", "--days", "1"]) == 2
    assert "is outside it" in capsys.readouterr().err

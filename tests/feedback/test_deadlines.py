"""Deadline arithmetic of feedback cases on the city calendar, across weekends and Tết 2025
(days off Saturday 25 January – Sunday 2 February 2025)."""

from __future__ import annotations

import pytest

from govindex.feedback import deadlines
from govindex.feedback.models import Severity
from tests.feedback.conftest import hanoi

pytestmark = pytest.mark.django_db


def test_normal_case_received_before_tet() -> None:
    due = deadlines.receipt_deadlines(received_at=hanoi(2025, 1, 24, 10), severity=Severity.NORMAL)
    # Friday 10:00–17:00 holds 6 office hours; the other 2 come after Tết, on Monday 3 February.
    assert due.accept_due == hanoi(2025, 2, 3, 10)
    # Working days after Friday: 3 Feb (1), 4 Feb (2) … 21 Feb (15); deadlines close at 17:00.
    assert due.reject_due == hanoi(2025, 2, 4, 17)
    assert due.handle_due == hanoi(2025, 2, 21, 17)


def test_urgent_case_received_late_on_friday_before_tet() -> None:
    due = deadlines.receipt_deadlines(received_at=hanoi(2025, 1, 24, 16), severity=Severity.URGENT)
    assert due.accept_due == hanoi(2025, 2, 3, 16)  # 1 h on Friday, 7 h on Monday
    assert due.handle_due == hanoi(2025, 2, 4, 11)  # provisional: accept deadline + 4 h
    accepted = deadlines.handle_due_on_accept(
        accepted_at=hanoi(2025, 2, 3, 9, 30), severity=Severity.URGENT, current=due.handle_due
    )
    assert accepted == hanoi(2025, 2, 3, 14, 30)  # 2.5 h before noon, 1.5 h after the break


def test_acceptance_keeps_the_fifteen_day_deadline_of_a_normal_case() -> None:
    current = hanoi(2025, 3, 28, 17)
    assert (
        deadlines.handle_due_on_accept(
            accepted_at=hanoi(2025, 3, 10, 9), severity=Severity.COMPLEX, current=current
        )
        == current
    )


def test_received_on_a_weekend_counts_from_monday() -> None:
    due = deadlines.receipt_deadlines(received_at=hanoi(2025, 3, 8, 9), severity=Severity.NORMAL)
    assert due.accept_due == hanoi(2025, 3, 10, 17)
    # Monday is the reference day (as if received then): Tuesday (1), Wednesday (2).
    assert due.reject_due == hanoi(2025, 3, 12, 17)


def test_answer_written_after_office_hours_is_published_within_two_working_days() -> None:
    # Thursday 13 March 17:30 is after the close: Friday is the reference day, so Monday (1)
    # and Tuesday (2).
    assert deadlines.publish_due(answered_at=hanoi(2025, 3, 13, 17, 30)) == hanoi(2025, 3, 18, 17)


def test_transfer_gives_fresh_accept_deadline_but_keeps_handle_deadline() -> None:
    handle_due = hanoi(2025, 3, 28, 17)
    due = deadlines.transfer_deadlines(
        at=hanoi(2025, 3, 14, 15), severity=Severity.NORMAL, handle_due=handle_due
    )
    assert due.accept_due == hanoi(2025, 3, 17, 15)  # 2 h on Friday, 6 h on Monday
    assert due.reject_due == hanoi(2025, 3, 18, 17)
    assert due.handle_due == handle_due


def test_reopened_case_gets_fifteen_working_days_again() -> None:
    assert deadlines.handle_due_on_reopen(
        at=hanoi(2025, 3, 3, 9), severity=Severity.NORMAL
    ) == hanoi(2025, 3, 24, 17)

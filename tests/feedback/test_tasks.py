"""The periodic escalation job on huey (immediate mode in tests): scheduled every 5 minutes, it
escalates a case whose deadline has passed, and a second run escalates nothing again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from huey.contrib.djhuey import HUEY

from govindex.feedback.models import Escalation, FeedbackCase
from govindex.feedback.tasks import feedback_escalate_job
from tests.feedback.conftest import hanoi
from tests.feedback.test_feedback_transition import submit

pytestmark = pytest.mark.django_db


def test_the_job_runs_every_five_minutes() -> None:
    start = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    minutes = [start + timedelta(minutes=n) for n in range(24 * 60)]
    runs = [
        moment
        for moment in minutes
        if "feedback.escalate"
        in {task.name for task in HUEY.read_periodic(moment.replace(tzinfo=None))}
    ]
    assert len(runs) == 24 * 12
    assert {moment.minute % 5 for moment in runs} == {0}


def test_the_job_escalates_a_passed_deadline_once(category, ward) -> None:
    case = submit(category, ward, now=hanoi(2025, 3, 10, 9))  # accept by Tue 11 Mar 09:00

    feedback_escalate_job()  # now is long after that deadline

    case.refresh_from_db()
    assert case.escalation_level == 2
    assert list(Escalation.objects.values_list("kind", "level", "unit__code")) == [
        ("accept", 2, "00070")
    ]
    feedback_escalate_job()
    assert Escalation.objects.count() == 1
    assert FeedbackCase.objects.get(pk=case.pk).escalation_level == 2

"""The periodic job: near deadline → unit leader, passed deadline → city; unrated answers close."""

from __future__ import annotations

import pytest

from govindex.audit.models import AuditRecord
from govindex.feedback.escalation import feedback_escalate
from govindex.feedback.models import CaseStatus, Escalation, FeedbackCase
from govindex.feedback.services import feedback_transition
from tests.feedback.conftest import hanoi
from tests.feedback.test_feedback_transition import drive, submit

pytestmark = pytest.mark.django_db
S = CaseStatus


def test_accept_deadline_nears_then_passes(category, ward) -> None:
    case = submit(category, ward, now=hanoi(2025, 3, 10, 9))  # accept by Tuesday 09:00
    run = feedback_escalate(now=hanoi(2025, 3, 10, 14))  # 4 working hours left
    assert (run.checked, run.to_leader, run.to_city) == (1, 0, 0)
    run = feedback_escalate(now=hanoi(2025, 3, 10, 15, 30))  # 2.5 h left
    assert (run.to_leader, run.to_city) == (0, 0)
    run = feedback_escalate(now=hanoi(2025, 3, 10, 16))  # 2 h left: near
    assert (run.to_leader, run.to_city) == (1, 0)
    assert feedback_escalate(now=hanoi(2025, 3, 10, 16, 30)).to_leader == 0  # once
    run = feedback_escalate(now=hanoi(2025, 3, 11, 9))  # passed
    assert (run.to_leader, run.to_city) == (0, 1)
    case.refresh_from_db()
    assert case.escalation_level == 2
    assert list(Escalation.objects.values_list("kind", "level", "unit__code")) == [
        ("accept", 1, "00070"),
        ("accept", 2, "00070"),
    ]
    assert AuditRecord.objects.filter(action="feedback.escalate").count() == 2
    # Accepting starts the handling deadline: the level is back to 0.
    case = feedback_transition(case=case, to=S.ACCEPTED, actor=None, now=hanoi(2025, 3, 11, 10))
    assert case.escalation_level == 0
    assert feedback_escalate(now=hanoi(2025, 3, 11, 11)).to_leader == 0


def test_weekend_hours_do_not_bring_a_deadline_nearer(category, ward) -> None:
    # Received Friday 14:00: 3 office hours on Friday, 5 on Monday (08–12, 13–14).
    case = submit(category, ward, now=hanoi(2025, 3, 14, 14))
    assert case.accept_due == hanoi(2025, 3, 17, 14)
    # Saturday: 5 working hours still left, not near.
    assert feedback_escalate(now=hanoi(2025, 3, 15, 12)).to_leader == 0
    assert feedback_escalate(now=hanoi(2025, 3, 17, 12)).to_leader == 1  # 2 h left


def test_published_answer_nobody_rates_is_closed_after_ten_working_days(category, ward) -> None:
    case = drive(submit(category, ward), S.ANSWERED, ward)
    case = feedback_transition(case=case, to=S.PUBLISHED, actor=None, now=hanoi(2025, 3, 11, 9))
    assert feedback_escalate(now=hanoi(2025, 3, 25, 16)).closed_unrated == 0
    assert feedback_escalate(now=hanoi(2025, 3, 25, 17)).closed_unrated == 1
    assert FeedbackCase.objects.get(pk=case.pk).status == S.CLOSED

"""The citizen rates a published answer once; unsatisfied reopens the case."""

from __future__ import annotations

import pytest

from govindex.errors import ApplicationError
from govindex.feedback.models import CaseRating, CaseStatus, Rating
from govindex.feedback.services import feedback_rate, feedback_transition
from tests.feedback.conftest import hanoi
from tests.feedback.test_feedback_transition import drive, submit

pytestmark = pytest.mark.django_db
S = CaseStatus


def test_satisfied_closes_and_a_second_rating_is_refused(category, ward) -> None:
    case = drive(submit(category, ward), S.PUBLISHED, ward)
    feedback_rate(case=case, value=Rating.SATISFIED, actor=None, now=hanoi(2025, 3, 12, 9))
    case.refresh_from_db()
    assert (case.status, case.rating, case.closed_at) == (
        S.CLOSED,
        Rating.SATISFIED,
        hanoi(2025, 3, 12, 9),
    )
    with pytest.raises(ApplicationError) as refused:
        feedback_rate(case=case, value=Rating.UNSATISFIED, actor=None)
    assert refused.value.code == "already_rated"
    assert CaseRating.objects.filter(case=case).count() == 1


def test_unsatisfied_reopens_and_the_new_answer_can_be_rated_again(category, ward) -> None:
    case = drive(submit(category, ward), S.PUBLISHED, ward)
    feedback_rate(
        case=case, value=Rating.UNSATISFIED, actor=None, comment="Vẫn còn", now=hanoi(2025, 3, 12)
    )
    case.refresh_from_db()
    assert (case.status, case.reopen_count, case.rating) == (S.IN_PROGRESS, 1, "unsatisfied")
    assert case.events.last().reason == "Vẫn còn"
    with pytest.raises(ApplicationError) as refused:
        feedback_rate(case=case, value=Rating.SATISFIED, actor=None)
    assert refused.value.code == "not_rateable"
    case = feedback_transition(case=case, to=S.ANSWERED, actor=None, answer="Đã xử lý lại")
    case = feedback_transition(case=case, to=S.PUBLISHED, actor=None)
    feedback_rate(case=case, value=Rating.SATISFIED, actor=None)
    assert list(CaseRating.objects.filter(case=case).values_list("round", "value")) == [
        (0, "unsatisfied"),
        (1, "satisfied"),
    ]


def test_an_unanswered_case_cannot_be_rated(category, ward) -> None:
    case = submit(category, ward)
    with pytest.raises(ApplicationError) as refused:
        feedback_rate(case=case, value=Rating.SATISFIED, actor=None)
    assert refused.value.code == "not_rateable"

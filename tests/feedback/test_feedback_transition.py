"""The one write path of a case's state: the transitions table, events, audit rows, deadlines."""

from __future__ import annotations

import itertools

import pytest

from govindex.audit.models import AuditRecord
from govindex.errors import ApplicationError
from govindex.feedback.models import (
    CaseEvent,
    CaseStatus,
    FeedbackCase,
    FeedbackCategory,
    RejectionReason,
    TransferReason,
)
from govindex.feedback.services import feedback_case_submit, feedback_transition
from govindex.feedback.transitions import ALLOWED_TRANSITIONS
from govindex.orgs.models import Unit
from tests.feedback.conftest import hanoi

pytestmark = pytest.mark.django_db
S = CaseStatus
STAFF = "system:test-staff"


def submit(category: FeedbackCategory, area: Unit, **kwargs: object) -> FeedbackCase:
    kwargs.setdefault("now", hanoi(2025, 3, 10, 9))
    return feedback_case_submit(
        category=category,
        description="Xe máy đỗ kín vỉa hè phố Hàng Bông",
        area=area,
        actor=None,
        **kwargs,  # type: ignore[arg-type]
    ).case


def drive(case: FeedbackCase, status: str, other: Unit) -> FeedbackCase:
    """Bring a fresh case to ``status`` through allowed transitions."""
    path = {
        S.RECEIVED: [],
        S.ACCEPTED: [S.ACCEPTED],
        S.IN_PROGRESS: [S.ACCEPTED, S.IN_PROGRESS],
        S.ANSWERED: [S.ACCEPTED, S.ANSWERED],
        S.PUBLISHED: [S.ACCEPTED, S.ANSWERED, S.PUBLISHED],
        S.CLOSED: [S.ACCEPTED, S.ANSWERED, S.PUBLISHED, S.CLOSED],
        S.REJECTED: [S.REJECTED],
    }[status]
    for step in path:
        case = feedback_transition(
            case=case,
            to=step,
            actor=STAFF,
            answer="Đã xử lý" if step == S.ANSWERED else "",
            rejection_reason=RejectionReason.OUT_OF_SCOPE if step == S.REJECTED else "",
            now=hanoi(2025, 3, 10, 10),
        )
    return case


def test_submit_routes_to_the_ward_and_records_receipt(category, ward) -> None:
    case = submit(category, ward)
    assert case.handling_unit == ward
    assert case.status == S.RECEIVED
    assert case.tracking_code.startswith("PA25-") and len(case.tracking_code) == 12
    assert case.accept_due == hanoi(2025, 3, 11, 9)  # 7 office hours on Monday, 1 on Tuesday
    assert case.handle_due == hanoi(2025, 3, 31, 17)
    assert list(case.events.values_list("from_status", "to_status")) == [("", S.RECEIVED)]
    assert AuditRecord.objects.filter(action="feedback.submit", target_id=str(case.pk)).count() == 1


ILLEGAL = [
    (current, to)
    for current, to in itertools.product(S.values, S.values)
    if to not in ALLOWED_TRANSITIONS[current]
]


@pytest.mark.parametrize(("current", "to"), ILLEGAL)
def test_every_illegal_transition_is_refused(category, ward, other_ward, current, to) -> None:
    case = drive(submit(category, ward), current, other_ward)
    events = CaseEvent.objects.filter(case=case).count()
    audits = AuditRecord.objects.count()
    with pytest.raises(ApplicationError) as refused:
        feedback_transition(
            case=case,
            to=to,
            actor=STAFF,
            reason="x",
            answer="x",
            to_unit=other_ward,
            transfer_reason=TransferReason.WRONG_AREA,
            rejection_reason=RejectionReason.OUT_OF_SCOPE,
        )
    assert refused.value.code == "transition_not_allowed"
    assert refused.value.status == 409
    case.refresh_from_db()
    assert case.status == current
    assert CaseEvent.objects.filter(case=case).count() == events
    assert AuditRecord.objects.count() == audits


def test_there_are_thirty_six_illegal_pairs() -> None:
    # 7 states × 7 targets = 49 pairs, of which 13 are allowed (the table above).
    assert len(ILLEGAL) == 36


def test_the_full_lifecycle_sets_dates_deadlines_events_and_audit(category, ward) -> None:
    case = submit(category, ward)
    case = feedback_transition(case=case, to=S.ACCEPTED, actor=STAFF, now=hanoi(2025, 3, 10, 11))
    case = feedback_transition(case=case, to=S.IN_PROGRESS, actor=STAFF, now=hanoi(2025, 3, 11, 9))
    case = feedback_transition(
        case=case,
        to=S.ANSWERED,
        actor=STAFF,
        answer="Đã cưỡng chế. Liên hệ 0912 345 678 nếu tái diễn.",
        now=hanoi(2025, 3, 13, 15),
    )
    assert case.public_answer == "Đã cưỡng chế. Liên hệ •••• ••• ••• nếu tái diễn."
    assert case.publish_due == hanoi(2025, 3, 17, 17)
    case = feedback_transition(case=case, to=S.PUBLISHED, actor=STAFF, now=hanoi(2025, 3, 14, 8))
    case = feedback_transition(case=case, to=S.CLOSED, actor=STAFF, now=hanoi(2025, 3, 20, 8))
    assert case.accepted_at == hanoi(2025, 3, 10, 11)
    assert case.published_at == hanoi(2025, 3, 14, 8)
    assert case.closed_at == hanoi(2025, 3, 20, 8)
    assert list(case.events.values_list("to_status", flat=True)) == [
        S.RECEIVED,
        S.ACCEPTED,
        S.IN_PROGRESS,
        S.ANSWERED,
        S.PUBLISHED,
        S.CLOSED,
    ]
    actions = list(
        AuditRecord.objects.filter(target_id=str(case.pk), target_type="feedback.feedbackcase")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "feedback.submit",
        "feedback.accepted",
        "feedback.in_progress",
        "feedback.answered",
        "feedback.published",
        "feedback.closed",
    ]


def test_rejection_needs_a_reason_from_the_list(category, ward) -> None:
    case = submit(category, ward)
    with pytest.raises(ApplicationError) as refused:
        feedback_transition(case=case, to=S.REJECTED, actor=STAFF, rejection_reason="because")
    assert refused.value.code == "rejection_reason_required"
    case = feedback_transition(
        case=case, to=S.REJECTED, actor=STAFF, rejection_reason=RejectionReason.OWN_LAW
    )
    assert case.rejection_reason == RejectionReason.OWN_LAW
    assert case.events.last().reason == str(RejectionReason.OWN_LAW.label)


def test_answer_must_not_be_empty(category, ward) -> None:
    case = drive(submit(category, ward), S.ACCEPTED, ward)
    with pytest.raises(ApplicationError) as refused:
        feedback_transition(case=case, to=S.ANSWERED, actor=STAFF, answer="  ")
    assert refused.value.code == "answer_required"


def test_reopening_needs_a_reason_and_restarts_the_handling_deadline(category, ward) -> None:
    case = drive(submit(category, ward), S.PUBLISHED, ward)
    with pytest.raises(ApplicationError):
        feedback_transition(case=case, to=S.IN_PROGRESS, actor=STAFF)
    case = feedback_transition(
        case=case, to=S.IN_PROGRESS, actor=STAFF, reason="vẫn tái diễn", now=hanoi(2025, 3, 17, 9)
    )
    assert case.reopen_count == 1
    assert case.answered_at is None and case.published_at is None
    assert case.handle_due == hanoi(2025, 4, 8, 17)  # 15 working days; Monday 7 April is off

"""Transfers, bounces (A → B → A), the push-and-avoid flag and the statistics built on them."""

from __future__ import annotations

import pytest

from govindex.errors import ApplicationError
from govindex.feedback.models import CaseStatus, CaseTransfer, TransferReason
from govindex.feedback.selectors import (
    bouncing_pairs,
    transfer_reason_counts,
    unit_transfer_stats,
)
from govindex.feedback.services import feedback_transition
from tests.factories import UnitFactory
from tests.feedback.conftest import hanoi
from tests.feedback.test_feedback_transition import STAFF, submit

pytestmark = pytest.mark.django_db
S = CaseStatus


def transfer(case, to_unit, at, reason=TransferReason.WRONG_UNIT):
    return feedback_transition(
        case=case, to=S.RECEIVED, actor=STAFF, to_unit=to_unit, transfer_reason=reason, now=at
    )


def test_a_to_b_to_a_is_a_bounce_and_flags_the_case(category, ward, other_ward) -> None:
    case = submit(category, ward, now=hanoi(2025, 3, 10, 9))
    case = transfer(case, other_ward, hanoi(2025, 3, 10, 11))
    assert (case.transfer_count, case.bounce_count, case.push_avoid_flag) == (1, 0, False)
    assert case.handling_unit == other_ward
    assert case.accept_due == hanoi(2025, 3, 11, 11)  # fresh 8 working hours
    assert case.handle_due == hanoi(2025, 3, 31, 17)  # unchanged
    case = transfer(case, ward, hanoi(2025, 3, 11, 10), TransferReason.WRONG_AREA)
    assert (case.transfer_count, case.bounce_count, case.push_avoid_flag) == (2, 1, True)
    back = CaseTransfer.objects.filter(case=case).order_by("at")
    assert [(t.from_unit.code, t.to_unit.code, t.is_bounce) for t in back] == [
        ("00070", "00082", False),
        ("00082", "00070", True),
    ]
    # Held: 2 office hours by the first ward; from Monday 11:00 to Tuesday 10:00 = 5 + 2 hours.
    assert [t.held_hours for t in back] == [2.0, 7.0]


def test_more_than_two_transfers_without_a_bounce_flag_the_case(category, ward) -> None:
    units = [UnitFactory(code=f"S{n}") for n in range(3)]
    case = submit(category, ward)
    for n, unit in enumerate(units):
        case = transfer(case, unit, hanoi(2025, 3, 11 + n, 9))
        assert case.push_avoid_flag is (n == 2)
    assert (case.transfer_count, case.bounce_count) == (3, 0)


def test_transfer_needs_a_target_other_than_the_holder_and_a_reason(category, ward, other_ward):
    case = submit(category, ward)
    for kwargs, code in [
        ({"to_unit": None, "transfer_reason": TransferReason.OTHER}, "transfer_unit_required"),
        ({"to_unit": ward, "transfer_reason": TransferReason.OTHER}, "transfer_to_itself"),
        ({"to_unit": other_ward, "transfer_reason": ""}, "transfer_reason_required"),
    ]:
        with pytest.raises(ApplicationError) as refused:
            feedback_transition(case=case, to=S.RECEIVED, actor=STAFF, **kwargs)
        assert refused.value.code == code
    assert CaseTransfer.objects.count() == 0


def test_answered_case_cannot_be_transferred(category, ward, other_ward) -> None:
    case = submit(category, ward)
    case = feedback_transition(case=case, to=S.ACCEPTED, actor=STAFF)
    case = feedback_transition(case=case, to=S.ANSWERED, actor=STAFF, answer="xong")
    with pytest.raises(ApplicationError) as refused:
        transfer(case, other_ward, hanoi(2025, 3, 12, 9))
    assert refused.value.code == "transition_not_allowed"


def test_unit_statistics_and_the_pairs_that_bounce_most(category, ward, other_ward) -> None:
    third = UnitFactory(code="SXD", name_vi="Sở Xây dựng")
    # Two cases bounce between the wards (twice and once), one goes to the department and stays.
    first = submit(category, ward, now=hanoi(2025, 3, 10, 8))
    first = transfer(first, other_ward, hanoi(2025, 3, 10, 12))
    first = transfer(first, ward, hanoi(2025, 3, 11, 12))
    first = transfer(first, other_ward, hanoi(2025, 3, 12, 12))
    second = submit(category, other_ward, now=hanoi(2025, 3, 10, 8))
    second = transfer(second, ward, hanoi(2025, 3, 10, 9))
    second = transfer(second, other_ward, hanoi(2025, 3, 10, 10))
    third_case = submit(category, ward, now=hanoi(2025, 3, 10, 8))
    transfer(third_case, third, hanoi(2025, 3, 10, 16), TransferReason.SPECIALIST)

    window = {"start": hanoi(2025, 3, 1), "end": hanoi(2025, 4, 1)}
    pairs = bouncing_pairs(**window)
    assert [(p.first.code, p.second.code, p.transfers, p.bounces, p.cases) for p in pairs] == [
        ("00070", "00082", 5, 3, 2)
    ]
    stats = {s.unit.code: s for s in unit_transfer_stats(**window)}
    assert (stats["00070"].transfers_out, stats["00070"].transfers_in) == (4, 2)
    assert stats["00070"].bounces_out == 2
    assert (stats["00082"].transfers_out, stats["00082"].bounces_out) == (2, 1)
    assert (stats["SXD"].transfers_out, stats["SXD"].transfers_in) == (0, 1)
    # Ward 00070 held case 1 Mon 08–12 (4 h) and Tue 12:00–Wed 12:00 (4 + 4 h), case 2
    # Mon 09–10 (1 h), case 3 Mon 08–16 less the noon hour (7 h).
    held = sorted(CaseTransfer.objects.filter(from_unit=ward).values_list("held_hours", flat=True))
    assert held == [1.0, 4.0, 7.0, 8.0]
    assert stats["00070"].mean_held_hours == 5.0
    reasons = [(r.unit.code, r.reason, r.count) for r in transfer_reason_counts(**window)]
    assert reasons[0] == ("00070", "wrong_unit", 3)
    assert ("00070", "specialist", 1) in reasons
    # Outside the window nothing counts.
    assert bouncing_pairs(start=hanoi(2025, 4, 1), end=hanoi(2025, 5, 1)) == []

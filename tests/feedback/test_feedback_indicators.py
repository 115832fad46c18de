"""766 indicators 5.2 and 5.3 from feedback cases, hand-computed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from govindex.dossiers import selectors
from govindex.feedback.indicators import feedback_indicators, feedback_version
from govindex.feedback.models import CaseStatus, Rating, RejectionReason
from govindex.feedback.services import feedback_case_submit, feedback_rate, feedback_transition
from tests.feedback.conftest import hanoi
from tests.feedback.test_feedback_transition import submit

pytestmark = pytest.mark.django_db
S = CaseStatus
NOW = hanoi(2025, 6, 30, 12)


def answer(case, at, publish_at=None):
    case = feedback_transition(case=case, to=S.ACCEPTED, actor=None, now=at)
    case = feedback_transition(case=case, to=S.ANSWERED, actor=None, answer="xong", now=at)
    if publish_at:
        case = feedback_transition(case=case, to=S.PUBLISHED, actor=None, now=publish_at)
    return case


def six_cases(category, ward, other_ward) -> None:
    # Six cases received at the ward in March 2025 (handling deadline 31 March 17:00 for the
    # ones received on 10 March):
    received = hanoi(2025, 3, 10, 9)
    a = answer(submit(category, ward, now=received), hanoi(2025, 3, 12, 9), hanoi(2025, 3, 12, 10))
    feedback_rate(case=a, value=Rating.SATISFIED, actor=None)  # 1. on time, satisfied
    b = answer(submit(category, ward, now=received), hanoi(2025, 3, 12, 9), hanoi(2025, 3, 12, 10))
    feedback_rate(case=b, value=Rating.UNSATISFIED, actor=None, now=hanoi(2025, 3, 13, 9))
    # 2. reopened (unsatisfied, repeated), still within its new deadline → on time
    answer(submit(category, ward, now=received), hanoi(2025, 4, 2, 9), hanoi(2025, 4, 2, 10))
    # 3. answered after 31 March → overdue
    submit(category, ward, now=received)  # 4. never answered, deadline passed → overdue
    d = submit(category, ward, now=received)
    feedback_transition(
        case=d,
        to=S.REJECTED,
        actor=None,
        rejection_reason=RejectionReason.OWN_LAW,
        now=hanoi(2025, 3, 11, 9),
    )  # 5. rejected within 2 working days → on time
    original = answer(
        submit(category, ward, now=received), hanoi(2025, 3, 11, 9), hanoi(2025, 3, 11, 10)
    )
    feedback_case_submit(  # 6. on time but repeated: a later report (other ward) repeats it
        category=category,
        description="lại nữa",
        area=other_ward,
        actor=None,
        repeat_of=original,
        now=hanoi(2025, 3, 20, 9),
    )
    # Outside the period: not counted.
    submit(category, ward, now=hanoi(2025, 4, 1, 9))


def test_hand_computed_unit(category, ward, other_ward) -> None:
    six_cases(category, ward, other_ward)

    rows = {
        row.unit.code: row
        for row in feedback_indicators(start=hanoi(2025, 3, 1), end=hanoi(2025, 4, 1), now=NOW)
    }
    ward_row = rows["00070"]
    assert (ward_row.cases, ward_row.on_time, ward_row.overdue) == (6, 4, 2)
    assert (ward_row.unsatisfied, ward_row.repeated) == (1, 2)
    assert ward_row.satisfied == 2  # cases 1 and 5
    assert ward_row.on_time_rate == 66.67
    assert ward_row.satisfaction_rate == 33.33
    # Linear scoring (threshold 100) on 6 points each.
    assert ward_row.on_time_points == 4.0
    assert ward_row.satisfaction_points == 2.0
    assert (ward_row.on_time_max, ward_row.satisfaction_max) == (6.0, 6.0)
    # The other ward's one open case, judged at the period's end (31 March 24:00 < its
    # 10 April deadline): on time, satisfied.
    other = rows["00082"]
    assert (other.cases, other.on_time, other.satisfied) == (1, 1, 1)
    assert (other.on_time_rate, other.satisfaction_rate) == (100.0, 100.0)
    assert list(rows) == ["00082", "00070"]  # best satisfaction first


def test_no_cases_no_rows() -> None:
    assert feedback_indicators(start=hanoi(2025, 3, 1), end=hanoi(2025, 4, 1), now=NOW) == []


def test_the_real_time_index_counts_them_in_the_units_score(category, ward, other_ward) -> None:
    """The same cases, through the 766 index of the dossiers app (its ``SumsSource``): 5.2 and
    5.3 with the numbers above, in the satisfaction group and the total, and a new case shows
    without clearing any cache (the feedback cases' version changed)."""
    selectors.clear_cache()
    six_cases(category, ward, other_ward)
    march = selectors.period_parse("2025-03")

    [index] = selectors.realtime_index(march, unit_code="00070")

    found = {i.number: i for i in index.indicators}
    on_time, satisfied = found["5.2"], found["5.3"]
    assert (on_time.availability, on_time.numerator, on_time.denominator) == ("computed", 4, 6)
    assert (on_time.rate, on_time.points) == (pytest.approx(66.67, abs=0.01), pytest.approx(4))
    assert (satisfied.numerator, satisfied.denominator) == (2, 6)
    assert satisfied.points == pytest.approx(2)
    group = next(g for g in index.groups if g.id == "satisfaction")
    # 5.4 is N/A (no dossier finished), so the group counts 5.2 and 5.3 out of 12
    assert (group.points, group.max_points) == (pytest.approx(6), 12.0)

    feedback_case_submit(
        category=category,
        description="thêm một phản ánh",
        area=ward,
        actor=None,
        now=hanoi(2025, 3, 25, 9),
    )
    [index] = selectors.realtime_index(march, unit_code="00070")
    found = {i.number: i for i in index.indicators}
    assert (found["5.2"].numerator, found["5.2"].denominator) == (5, 7)  # inside its deadline


def test_the_feedback_version_moves_when_a_deadline_passes(category, ward, monkeypatch) -> None:
    """No write, only time: a case passing its handling deadline unanswered changes 5.2, so
    the version the real-time index caches on must change too."""
    case = submit(category, ward, now=hanoi(2025, 3, 10, 9))
    monkeypatch.setattr(timezone, "now", lambda: case.handle_due - timedelta(minutes=1))
    before = feedback_version()
    assert feedback_version() == before
    monkeypatch.setattr(timezone, "now", lambda: case.handle_due + timedelta(minutes=1))
    assert feedback_version() != before

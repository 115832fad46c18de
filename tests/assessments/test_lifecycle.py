"""The round's lifecycle (issue 3, item 2): draft → open → submitted → under appraisal →
appraised → published, each move through ``round_transition`` (or ``round_publish``) with an audit
record; the unit leader's submission; deadlines; and what each state lets through."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from govindex.assessments.models import (
    Entry,
    Evidence,
    Round,
    RoundState,
    RoundUnit,
    UnitResult,
)
from govindex.assessments.services import (
    BACKWARD,
    FORWARD,
    EntryValues,
    entries_accept_matching,
    entry_appraise,
    entry_set,
    entry_set_many,
    entry_set_survey_many,
    evidence_add,
    evidence_remove,
    round_add_units,
    round_compute,
    round_create,
    round_publish,
    round_remove_units,
    round_transition,
    round_update,
    roundunit_return,
    roundunit_submit,
)
from govindex.audit.models import AuditRecord
from govindex.errors import ApplicationError
from govindex.orgs.models import Role, Unit, UnitKind
from tests.factories import (
    EntryFactory,
    MembershipFactory,
    RoundFactory,
    RoundUnitFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STATES = list(RoundState)
LEGAL = {(start, end) for start in STATES for end in FORWARD[start] | BACKWARD[start]}
ILLEGAL = sorted(
    ((start, end) for start in STATES for end in STATES if (start, end) not in LEGAL),
    key=lambda pair: (STATES.index(pair[0]), STATES.index(pair[1])),
)
PDF = b"%PDF-1.4\n% evidence\n%%EOF\n"


def transitions() -> list[tuple[str, str, dict[str, Any], dict[str, Any], str]]:
    """The round's audit trail of moves: (actor, action, before, after, reason)."""
    return [
        (record.actor_label, record.action, record.before, record.after, record.reason)
        for record in AuditRecord.objects.filter(action="round.transition").order_by("pk")
    ]


@pytest.fixture
def appraiser():
    user = UserFactory(username="appraiser")
    unit = UnitFactory(code="SNV", kind=UnitKind.DEPARTMENT)
    MembershipFactory(user=user, unit=unit, role=Role.APPRAISER)
    return user


@pytest.fixture
def leader():
    """The leader of ward 00070, the one unit of ``one_unit_round``."""
    user = UserFactory(username="leader")
    MembershipFactory(user=user, unit=UnitFactory(code="00070"), role=Role.LEADER)
    return user


@pytest.fixture
def one_unit_round(leader) -> Round:
    round = RoundFactory(name="Lifecycle 2025", state=RoundState.OPEN)
    RoundUnitFactory(round=round, unit=Unit.objects.get(code="00070"))
    return round


def _complete(round: Round, code: str = "00070") -> None:
    unit = Unit.objects.get(code=code)
    for leaf_id, value in (("a1.plan", 4), ("a1.report", 5), ("a3.local", 3)):
        EntryFactory(round=round, unit=unit, leaf_id=leaf_id, self_value=value)


# --- the whole cycle ----------------------------------------------------------------------------


def test_a_round_goes_from_draft_to_published_through_the_services(appraiser, leader):
    staff = UserFactory(username="staff")
    ward = Unit.objects.get(code="00070")
    MembershipFactory(user=staff, unit=ward, role=Role.STAFF)
    round = round_create(
        name="Cycle 2025", framework_id="test-mini", period="2025", year=2025, actor=appraiser,
        units=[ward], deadline=dt.date(2099, 12, 31),
    )  # fmt: skip

    round_transition(round=round, to="open", actor=appraiser)
    for leaf_id, value in (("a1.plan", 4), ("a1.report", 5), ("a3.local", 3)):
        entry_set(round=round, unit=ward, leaf_id=leaf_id, actor=staff, self_value=value)
    entry_set(round=round, unit=ward, leaf_id="a2.online", actor=appraiser, data_value=50)
    link = roundunit_submit(round=round, unit=ward, actor=leader)
    round_transition(round=round, to="submitted", actor=appraiser)
    round_transition(round=round, to="under_appraisal", actor=appraiser)
    entry_set(round=round, unit=ward, leaf_id="a2.satisfaction", actor=appraiser, survey_value=80)
    entry_appraise(
        entry=Entry.objects.get(unit=ward, leaf_id="a1.report"),
        appraised_value=4,
        reason="Báo cáo quý IV nộp muộn",
        actor=appraiser,
    )
    assert entries_accept_matching(round=round, unit=ward, actor=appraiser) == 2
    round_transition(round=round, to="appraised", actor=appraiser)
    round = round_publish(round=round, actor=appraiser)

    assert round.state == RoundState.PUBLISHED
    assert (link.submitted_by, link.is_late) == (leader, False)
    # 4 + 4 + 6 (80 % of the satisfaction threshold) + 2 (50 % online) + 3 = 19 of 24 points.
    result = UnitResult.objects.get(round=round, unit=ward)
    assert (result.points, result.max_points, result.rank) == (19.0, 24.0, 1)
    assert transitions() == [
        ("appraiser", "round.transition", {"state": before}, {"state": after}, "")
        for before, after in (
            ("draft", "open"),
            ("open", "submitted"),
            ("submitted", "under_appraisal"),
            ("under_appraisal", "appraised"),
            ("appraised", "published"),
        )
    ]
    assert list(AuditRecord.objects.order_by("pk").values_list("actor_label", "action")) == [
        ("appraiser", "round.create"),
        ("appraiser", "round.transition"),
        ("staff", "entry.set"),
        ("staff", "entry.set"),
        ("staff", "entry.set"),
        ("appraiser", "entry.set"),
        ("leader", "round_unit.submit"),
        ("appraiser", "round.transition"),
        ("appraiser", "round.transition"),
        ("appraiser", "entry.set"),
        ("appraiser", "entry.appraise"),
        ("appraiser", "entry.accept_matching"),
        ("appraiser", "round.transition"),
        ("appraiser", "round.compute"),
        ("appraiser", "round.transition"),
    ]


def test_an_appraiser_moves_a_round_through_every_state_on_the_round_page(
    mini_round, appraiser, client_for
):
    round = mini_round.round
    client = client_for(appraiser)
    url = reverse("assessments:round_move", args=[round.pk])

    for target in ("open", "submitted", "under_appraisal"):
        assert client.post(url, {"to": target}, follow=True).status_code == 200
    refused = client.post(url, {"to": "appraised"})
    messages = [str(message) for message in get_messages(refused.wsgi_request)]
    assert messages == [
        "Round 'Mini 2025' still has self-assessed scores without an appraisal in 4 units: "
        "00001 (3), 00002 (2), 00003 (3), SXD (1). Appraise them (or accept the matching ones) "
        "first."
    ]
    for code in ("00001", "00002", "00003", "SXD"):
        accept = reverse("assessments:appraisal_accept", args=[round.pk, code])
        assert client.post(accept, follow=True).status_code == 200
    assert client.post(url, {"to": "appraised"}, follow=True).status_code == 200
    published = client.post(url, {"to": "published"})

    assert published.status_code == 302
    assert published.url == reverse("assessments:round", args=[round.pk])
    assert [str(message) for message in get_messages(published.wsgi_request)] == [
        "Round “Mini 2025” is now published."
    ]
    assert Round.objects.get(pk=round.pk).state == RoundState.PUBLISHED
    assert [(before["state"], after["state"]) for _, _, before, after, _ in transitions()] == [
        ("draft", "open"),
        ("open", "submitted"),
        ("submitted", "under_appraisal"),
        ("under_appraisal", "appraised"),
        ("appraised", "published"),
    ]
    assert {actor for actor, *_ in transitions()} == {"appraiser"}
    scores = dict(UnitResult.objects.filter(round=round).values_list("unit__code", "score"))
    assert scores == {
        "00001": 100.0,
        "00002": 75.0,
        "00003": 75.0,
        "SXD": pytest.approx(600 / 14),
        "00005": None,
    }


# --- every move, legal and illegal --------------------------------------------------------------


def test_a_round_moves_forward_one_state_at_a_time_and_back_one_except_once_published():
    order = [RoundState(state) for state in RoundState.values]
    assert order == ["draft", "open", "submitted", "under_appraisal", "appraised", "published"]
    forward = {
        state: {order[i + 1]} if i + 1 < len(order) else set() for i, state in enumerate(order)
    }
    backward = {
        state: {order[i - 1]} if 0 < i < len(order) - 1 else set() for i, state in enumerate(order)
    }
    assert (forward, backward) == (FORWARD, BACKWARD)


@pytest.mark.parametrize(("start", "end"), ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_an_illegal_move_is_refused_by_the_service_and_on_the_round_page(
    start, end, appraiser, client_for
):
    round = RoundFactory(name="Illegal", state=start)

    with pytest.raises(ApplicationError) as raised:
        round_transition(round=round, to=end, actor=appraiser, reason="because")
    response = client_for(appraiser).post(
        reverse("assessments:round_move", args=[round.pk]), {"to": end, "reason": "because"}
    )

    assert (raised.value.code, raised.value.status) == ("round_transition_not_allowed", 409)
    allowed = ", ".join(sorted(FORWARD[start] | BACKWARD[start])) or "none"
    assert raised.value.message == (
        f"Round 'Illegal' cannot move from {start} to {end} (allowed: {allowed})."
    )
    assert response.status_code == 302
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    if end == RoundState.PUBLISHED:  # the page publishes through round_publish
        assert shown == [
            "Round 'Illegal' is published; nobody can publish the round any more."
            if start == RoundState.PUBLISHED
            else f"Round 'Illegal' is {start.label}; you can publish the round only while it is "
            "appraised."
        ]
    else:
        assert shown == [raised.value.message]
    assert Round.objects.get(pk=round.pk).state == start
    assert not AuditRecord.objects.exists()


def test_an_unknown_state_is_refused(appraiser):
    round = RoundFactory(state=RoundState.OPEN)
    with pytest.raises(ApplicationError) as raised:
        round_transition(round=round, to="closed", actor=appraiser)
    assert (raised.value.code, raised.value.message) == (
        "unknown_round_state",
        "Unknown round state 'closed'.",
    )
    assert Round.objects.get(pk=round.pk).state == RoundState.OPEN


FORWARD_MOVES = sorted(
    ((start, end) for start in STATES for end in FORWARD[start]), key=lambda p: STATES.index(p[0])
)
BACKWARD_MOVES = sorted(
    ((start, end) for start in STATES for end in BACKWARD[start]), key=lambda p: STATES.index(p[0])
)


@pytest.mark.parametrize(
    ("start", "end"), FORWARD_MOVES, ids=[f"{a}->{b}" for a, b in FORWARD_MOVES]
)
def test_a_forward_move_needs_no_reason_and_is_audited(start, end, one_unit_round, appraiser):
    round = one_unit_round
    Round.objects.filter(pk=round.pk).update(state=start)
    if end == RoundState.PUBLISHED:
        round_compute(round=round, actor=appraiser)

    moved = round_transition(round=round, to=end, actor=appraiser)

    assert (moved.state, Round.objects.get(pk=round.pk).state) == (end, end)
    record = AuditRecord.objects.get(action="round.transition")
    assert (record.actor, record.target_type, record.target_id) == (
        appraiser,
        "assessments.round",
        str(round.pk),
    )
    assert (record.before, record.after, record.reason) == (
        {"state": start.value},
        {"state": end.value},
        "",
    )


@pytest.mark.parametrize(
    ("start", "end"), BACKWARD_MOVES, ids=[f"{a}->{b}" for a, b in BACKWARD_MOVES]
)
def test_a_move_back_needs_a_reason_and_is_audited_with_it(start, end, appraiser):
    round = RoundFactory(name="Back", state=start)

    for reason in ("", "   "):
        with pytest.raises(ApplicationError) as raised:
            round_transition(round=round, to=end, actor=appraiser, reason=reason)
        assert (raised.value.code, raised.value.message) == (
            "reason_required",
            f"Moving round 'Back' back to {end} needs a reason.",
        )
    assert Round.objects.get(pk=round.pk).state == start
    assert not AuditRecord.objects.exists()

    round_transition(round=round, to=end, actor=appraiser, reason="Đơn vị xin bổ sung minh chứng")

    assert Round.objects.get(pk=round.pk).state == end
    assert transitions() == [
        (
            "appraiser",
            "round.transition",
            {"state": start.value},
            {"state": end.value},
            "Đơn vị xin bổ sung minh chứng",
        )
    ]


def test_moving_back_on_the_round_page_without_a_reason_is_refused(appraiser, client_for):
    round = RoundFactory(name="Back", state=RoundState.SUBMITTED)
    client = client_for(appraiser)
    url = reverse("assessments:round_move", args=[round.pk])

    refused = client.post(url, {"to": "open", "reason": ""})
    moved = client.post(url, {"to": "open", "reason": "Gia hạn cho 2 phường"})

    assert [str(m) for m in get_messages(refused.wsgi_request)] == [
        "Moving round 'Back' back to open needs a reason."
    ]
    assert moved.status_code == 302
    assert Round.objects.get(pk=round.pk).state == RoundState.OPEN
    assert transitions() == [
        ("appraiser", "round.transition", {"state": "submitted"}, {"state": "open"},
         "Gia hạn cho 2 phường"),
    ]  # fmt: skip


@pytest.mark.parametrize("state", STATES, ids=[state.value for state in STATES])
def test_the_round_page_offers_exactly_the_legal_moves(state, appraiser, client_for):
    round = RoundFactory(state=state)

    response = client_for(appraiser).get(reverse("assessments:round", args=[round.pk]))

    offered = response.context["moves"]
    assert {target for target, backward in offered if not backward} == FORWARD[state]
    assert {target for target, backward in offered if backward} == BACKWARD[state]


def test_publishing_needs_computed_results(one_unit_round, appraiser):
    round = one_unit_round
    Round.objects.filter(pk=round.pk).update(state=RoundState.APPRAISED)

    with pytest.raises(ApplicationError) as raised:
        round_transition(round=round, to="published", actor=appraiser)

    assert (raised.value.code, raised.value.message) == (
        "round_not_computed",
        "Compute the scores of round 'Lifecycle 2025' before publishing it.",
    )
    assert Round.objects.get(pk=round.pk).state == RoundState.APPRAISED


# --- the unit's submission ----------------------------------------------------------------------


def test_an_incomplete_self_assessment_cannot_be_submitted(one_unit_round, leader, client_for):
    round = one_unit_round
    EntryFactory(round=round, unit=Unit.objects.get(code="00070"), leaf_id="a1.plan", self_value=2)

    ward = Unit.objects.get(code="00070")
    with pytest.raises(ApplicationError) as raised, translation.override("en"):
        roundunit_submit(round=round, unit=ward, actor=leader)
    response = client_for(leader).post(reverse("assessments:unit_submit", args=[round.pk, "00070"]))

    message = (
        f"{ward.name_en} has 2 of 3 criteria without a score: “Reports”; “Local work”. Score "
        "each one or mark it not applicable before submitting."
    )
    assert (raised.value.code, raised.value.message) == ("self_assessment_incomplete", message)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]
    assert RoundUnit.objects.get(round=round).submitted_at is None
    assert not AuditRecord.objects.exists()


def test_criteria_marked_not_applicable_count_as_done(one_unit_round, leader):
    round, ward = one_unit_round, Unit.objects.get(code="00070")
    EntryFactory(round=round, unit=ward, leaf_id="a1.plan", self_value=2)
    EntryFactory(round=round, unit=ward, leaf_id="a1.report", not_applicable=True)
    EntryFactory(round=round, unit=ward, leaf_id="a3.local", not_applicable=True)

    link = roundunit_submit(round=round, unit=ward, actor=leader)

    assert link.submitted_by == leader
    record = AuditRecord.objects.get()
    assert (record.action, record.actor_label, record.before, record.after) == (
        "round_unit.submit",
        "leader",
        {"submitted": False},
        {"submitted": True, "unit": "00070", "late": False},
    )


def test_submitting_twice_changes_nothing(one_unit_round, leader, client_for):
    round, ward = one_unit_round, Unit.objects.get(code="00070")
    _complete(round)
    url = reverse("assessments:unit_submit", args=[round.pk, "00070"])
    client = client_for(leader)

    first = client.post(url)
    submitted_at = RoundUnit.objects.get(round=round).submitted_at
    second = client.post(url)
    again = roundunit_submit(round=round, unit=ward, actor=leader)

    assert (first.status_code, second.status_code) == (302, 302)
    assert submitted_at is not None
    assert RoundUnit.objects.get(round=round).submitted_at == submitted_at
    assert again.submitted_at == submitted_at
    assert list(AuditRecord.objects.values_list("action", flat=True)) == ["round_unit.submit"]


def test_a_submission_after_the_deadline_is_flagged_late(one_unit_round, leader, client_for):
    round = one_unit_round
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Round.objects.filter(pk=round.pk).update(deadline=yesterday)
    _complete(round)

    response = client_for(leader).post(reverse("assessments:unit_submit", args=[round.pk, "00070"]))
    page = client_for(leader).get(reverse("assessments:round", args=[round.pk]))

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Submitted after the deadline: marked as late."
    ]
    assert RoundUnit.objects.get(round=round).is_late is True
    assert AuditRecord.objects.get(action="round_unit.submit").after == {
        "submitted": True,
        "unit": "00070",
        "late": True,
    }
    assert page.context["table"][0].link.is_late is True
    assert '<span class="tag tag-late">late</span>' in page.content.decode()


def test_a_submission_on_the_deadline_day_is_on_time(one_unit_round, leader, client_for):
    round = one_unit_round
    Round.objects.filter(pk=round.pk).update(deadline=timezone.localdate())
    _complete(round)

    response = client_for(leader).post(reverse("assessments:unit_submit", args=[round.pk, "00070"]))

    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Self-assessment submitted."]
    assert RoundUnit.objects.get(round=round).is_late is False


@pytest.mark.parametrize(
    ("submitted_at", "late"),
    [
        (dt.datetime(2025, 12, 15, 16, 59, 59, tzinfo=dt.UTC), False),  # 23:59:59 in Hanoi
        (dt.datetime(2025, 12, 15, 17, 0, 0, tzinfo=dt.UTC), True),  # 00:00 next day in Hanoi
        (dt.datetime(2025, 12, 14, 2, 0, 0, tzinfo=dt.UTC), False),
    ],
)
def test_the_deadline_day_ends_at_midnight_in_hanoi(submitted_at, late):
    link = RoundUnitFactory(
        round=RoundFactory(deadline=dt.date(2025, 12, 15)), submitted_at=submitted_at
    )
    assert link.is_late is late


def test_a_unit_still_unsubmitted_after_the_deadline_is_late_and_without_one_never():
    past = RoundUnitFactory(round=RoundFactory(deadline=dt.date(2020, 1, 1)))
    none = RoundUnitFactory(round=RoundFactory(deadline=None))
    assert (past.is_late, none.is_late) == (True, False)


def test_a_returned_self_assessment_can_be_changed_and_submitted_again(
    one_unit_round, leader, appraiser
):
    round, ward = one_unit_round, Unit.objects.get(code="00070")
    _complete(round)
    roundunit_submit(round=round, unit=ward, actor=leader)

    with pytest.raises(ApplicationError) as frozen:
        entry_set(round=round, unit=ward, leaf_id="a1.plan", actor=leader, self_value=1)
    with pytest.raises(ApplicationError) as no_reason:
        roundunit_return(round=round, unit=ward, actor=appraiser, reason=" ")
    roundunit_return(round=round, unit=ward, actor=appraiser, reason="Thiếu minh chứng a1.plan")
    entry_set(round=round, unit=ward, leaf_id="a1.plan", actor=leader, self_value=1)
    roundunit_submit(round=round, unit=ward, actor=leader)

    assert frozen.value.code == "already_submitted"
    assert no_reason.value.code == "reason_required"
    assert Entry.objects.get(unit=ward, leaf_id="a1.plan").self_value == 1.0
    returned = AuditRecord.objects.get(action="round_unit.return")
    assert (returned.actor_label, returned.reason, returned.after) == (
        "appraiser",
        "Thiếu minh chứng a1.plan",
        {"submitted": False, "unit": "00070"},
    )
    assert list(AuditRecord.objects.order_by("pk").values_list("action", flat=True)) == [
        "round_unit.submit",
        "round_unit.return",
        "entry.set",
        "round_unit.submit",
    ]


# --- what each state lets through ---------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    """A write service called on ward 00070 (complete, not submitted) and ward 00071 (complete,
    submitted) of a round; ``allowed``: the states in which it goes through."""

    call: Callable[[Round, Any], Any]
    allowed: frozenset[RoundState]


EDITING = frozenset({RoundState.OPEN})
DATA_ENTRY = frozenset(
    {RoundState.DRAFT, RoundState.OPEN, RoundState.SUBMITTED, RoundState.UNDER_APPRAISAL}
)
APPRAISING = frozenset({RoundState.UNDER_APPRAISAL})
NOT_PUBLISHED = frozenset(STATES) - {RoundState.PUBLISHED}


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _evidence_add(round: Round, actor: Any) -> Any:
    upload = SimpleUploadedFile("new.pdf", PDF + b"new", "application/pdf")
    return evidence_add(
        round=round, unit=_unit("00070"), leaf_id="a1.plan", upload=upload, actor=actor
    )


WRITES = {
    "entry_set self_value": Write(
        lambda round, actor: entry_set(
            round=round, unit=_unit("00070"), leaf_id="a1.plan", actor=actor, self_value=1
        ),
        EDITING,
    ),
    "entry_set comment": Write(
        lambda round, actor: entry_set(
            round=round, unit=_unit("00070"), leaf_id="a1.plan", actor=actor, comment="thêm"
        ),
        EDITING,
    ),
    "entry_set survey_value": Write(
        lambda round, actor: entry_set(
            round=round,
            unit=_unit("00070"),
            leaf_id="a2.satisfaction",
            actor=actor,
            survey_value=70,
        ),
        DATA_ENTRY,
    ),
    "entry_set data_value": Write(
        lambda round, actor: entry_set(
            round=round, unit=_unit("00070"), leaf_id="a2.online", actor=actor, data_value=70
        ),
        DATA_ENTRY,
    ),
    "entry_appraise": Write(
        lambda round, actor: entry_appraise(
            entry=Entry.objects.get(round=round, unit__code="00071", leaf_id="a1.plan"),
            appraised_value=2,
            reason="Không có biên bản",
            actor=actor,
        ),
        APPRAISING,
    ),
    "entries_accept_matching": Write(
        lambda round, actor: entries_accept_matching(round=round, unit=_unit("00071"), actor=actor),
        APPRAISING,
    ),
    "entry_set_many": Write(
        lambda round, actor: entry_set_many(
            round=round,
            rows=[EntryValues(unit=_unit("00070"), leaf_id="a2.online", data_value=9)],
            actor=actor,
        ),
        DATA_ENTRY,
    ),
    "entry_set_survey_many": Write(
        lambda round, actor: entry_set_survey_many(
            round=round,
            values={(_unit("00070"), "a2.satisfaction"): 55.0},
            actor=actor,
            source="survey.csv",
        ),
        DATA_ENTRY,
    ),
    "evidence_add": Write(_evidence_add, EDITING),
    "evidence_remove": Write(
        lambda round, actor: evidence_remove(
            evidence=Evidence.objects.get(entry__round=round), actor=actor
        ),
        EDITING,
    ),
    "roundunit_submit": Write(
        lambda round, actor: roundunit_submit(round=round, unit=_unit("00070"), actor=actor),
        EDITING,
    ),
    "roundunit_return": Write(
        lambda round, actor: roundunit_return(
            round=round, unit=_unit("00071"), actor=actor, reason="Sửa lại"
        ),
        EDITING,
    ),
    "round_compute": Write(
        lambda round, actor: round_compute(round=round, actor=actor), NOT_PUBLISHED
    ),
    "round_update": Write(
        lambda round, actor: round_update(round=round, actor=actor, deadline=dt.date(2030, 1, 1)),
        NOT_PUBLISHED,
    ),
    "round_add_units": Write(
        lambda round, actor: round_add_units(
            round=round, units=[UnitFactory(code="00072")], actor=actor
        ),
        {RoundState.DRAFT, RoundState.OPEN},
    ),
    "round_remove_units": Write(
        lambda round, actor: round_remove_units(round=round, units=[_unit("00071")], actor=actor),
        {RoundState.DRAFT, RoundState.OPEN},
    ),
}


def _state_cases() -> list[Any]:
    cases = []
    for name in WRITES:
        for state in STATES:
            cases.append(pytest.param(name, state, id=f"{name}-{state.value}"))
    return cases


def _database() -> tuple[Any, ...]:
    return (
        list(Round.objects.values_list("name", "state", "deadline")),
        list(RoundUnit.objects.order_by("unit__code").values_list("unit__code", "submitted_at")),
        list(
            Entry.objects.order_by("unit__code", "leaf_id").values_list(
                "unit__code", "leaf_id", "self_value", "appraised_value", "survey_value",
                "data_value", "not_applicable", "comment", "appraisal_reason",
            )
        ),
        list(Evidence.objects.values_list("pk", "sha256")),
        UnitResult.objects.count(),
        AuditRecord.objects.count(),
    )  # fmt: skip


@pytest.mark.parametrize(("name", "state"), _state_cases())
def test_the_round_state_decides_which_writes_go_through(name, state, appraiser, media_root):
    round = RoundFactory(name="States 2025", state=state)
    for code in ("00070", "00071"):
        RoundUnitFactory(round=round, unit=UnitFactory(code=code))
        _complete(round, code)
    RoundUnit.objects.filter(unit__code="00071").update(submitted_at=timezone.now())
    stored = Path("evidence") / "known.pdf"
    (media_root / "evidence").mkdir()
    (media_root / stored).write_bytes(PDF)
    Evidence.objects.create(
        entry=Entry.objects.get(unit__code="00070", leaf_id="a1.report"),
        file=str(stored),
        original_name="known.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    write = WRITES[name]
    before = _database()

    if state in write.allowed:
        write.call(round, appraiser)
        assert _database() != before
        assert AuditRecord.objects.count() == 1
        return
    with pytest.raises(ApplicationError) as raised:
        write.call(round, appraiser)
    assert (raised.value.code, raised.value.status) == ("round_state", 409)
    if state == RoundState.PUBLISHED:
        assert raised.value.message.startswith("Round 'States 2025' is published; ")
    else:
        assert raised.value.message.startswith(f"Round 'States 2025' is {state.label}; you can ")
    assert _database() == before


def test_entry_set_with_no_values_creates_nothing_in_a_published_round(appraiser):
    round = RoundFactory(state=RoundState.PUBLISHED)
    ward = UnitFactory(code="00070")
    RoundUnitFactory(round=round, unit=ward)

    with pytest.raises(ApplicationError):
        entry_set(round=round, unit=ward, leaf_id="a1.plan", actor=appraiser)
    assert not Entry.objects.exists()

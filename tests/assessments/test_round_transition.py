from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from govindex.assessments.models import Round, RoundState, RoundUnit
from govindex.assessments.services import (
    entries_accept_matching,
    round_add_units,
    round_compute,
    round_create,
    round_remove_units,
    round_transition,
    round_update,
)
from govindex.audit.models import AuditRecord
from govindex.errors import ApplicationError
from tests.factories import RoundFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_round_create_takes_the_framework_version_and_units():
    units = [UnitFactory(code="00070"), UnitFactory(code="00004")]

    round = round_create(
        name=" Internal index 2025 ",
        framework_id="test-mini",
        period="2025",
        year=2025,
        deadline=dt.date(2025, 12, 15),
        units=units,
        actor=None,
    )

    assert (round.name, round.framework_version, round.state) == (
        "Internal index 2025",
        "2025",
        RoundState.DRAFT,
    )
    assert sorted(RoundUnit.objects.values_list("unit__code", flat=True)) == ["00004", "00070"]
    record = AuditRecord.objects.get(action="round.create")
    assert record.after["units"] == ["00004", "00070"]


def test_round_create_refuses_a_version_the_file_does_not_hold():
    with pytest.raises(ApplicationError, match="at version '2025', not '2019'") as raised:
        round_create(
            name="Old",
            framework_id="test-mini",
            framework_version="2019",
            period="x",
            year=2019,
            actor=None,
        )
    assert raised.value.code == "framework_version_mismatch"
    assert not Round.objects.exists()


def test_one_round_per_framework_and_period():
    RoundFactory(framework_id="test-mini", period="2025")
    with pytest.raises(ValidationError) as raised:
        round_create(name="Again", framework_id="test-mini", period="2025", year=2025, actor=None)
    assert [e.code for e in raised.value.error_dict["__all__"]] == ["unique_together"]


def test_units_are_added_once_and_removed():
    round = RoundFactory()
    a, b = UnitFactory(code="00001"), UnitFactory(code="00002")

    assert round_add_units(round=round, units=[a, b], actor=None) == ["00001", "00002"]
    assert round_add_units(round=round, units=[a], actor=None) == []
    assert round_remove_units(round=round, units=[a], actor=None) == ["00001"]

    assert list(RoundUnit.objects.values_list("unit__code", flat=True)) == ["00002"]
    assert list(AuditRecord.objects.values_list("action", flat=True).order_by("pk")) == [
        "round.add_units",
        "round.remove_units",
    ]


def test_round_update_changes_name_and_deadline_only():
    round = RoundFactory(name="Draft name")
    round_update(round=round, actor=None, name="Final name", deadline=dt.date(2026, 1, 31))
    round.refresh_from_db()
    assert (round.name, round.deadline) == ("Final name", dt.date(2026, 1, 31))
    with pytest.raises(ApplicationError, match="cannot be changed here: framework_version"):
        round_update(round=round, actor=None, framework_version="2026")


def test_a_round_moves_forward_through_its_states(mini_round):
    round = mini_round.round
    for state in ("open", "submitted", "under_appraisal"):
        round = round_transition(round=round, to=state, actor=None)
    with pytest.raises(ApplicationError, match="without an appraisal in 4 units") as raised:
        round_transition(round=round, to="appraised", actor=None)
    assert raised.value.code == "appraisal_incomplete"
    accepted = [
        entries_accept_matching(round=round, unit=unit, actor=None)
        for unit in mini_round.units.values()
    ]
    assert accepted == [3, 2, 3, 1, 0]
    round = round_transition(round=round, to="appraised", actor=None)
    with pytest.raises(ApplicationError, match="Compute the scores") as raised:
        round_transition(round=round, to="published", actor=None)
    assert raised.value.code == "round_not_computed"

    round_compute(round=round, actor=None)
    round = round_transition(round=round, to="published", actor=None)

    assert Round.objects.get(pk=round.pk).state == "published"
    assert AuditRecord.objects.filter(action="round.transition").count() == 5


def test_skipping_a_state_is_refused_and_going_back_needs_a_reason():
    round = RoundFactory(state=RoundState.OPEN)

    with pytest.raises(ApplicationError, match="cannot move from open to appraised") as raised:
        round_transition(round=round, to="appraised", actor=None)
    assert (raised.value.code, raised.value.status) == ("round_transition_not_allowed", 409)
    with pytest.raises(ApplicationError, match="needs a reason"):
        round_transition(round=round, to="draft", actor=None)

    round = round_transition(round=round, to="draft", actor=None, reason="wrong deadline")
    assert round.state == "draft"

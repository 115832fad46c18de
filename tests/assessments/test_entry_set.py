from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from govindex.assessments.models import Entry, Round, RoundState
from govindex.assessments.services import EntryValues, entry_appraise, entry_set, entry_set_many
from govindex.audit.models import AuditRecord
from govindex.errors import ApplicationError
from tests.factories import RoundFactory, RoundUnitFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    round = RoundFactory(state=RoundState.OPEN)
    unit = UnitFactory(code="00070")
    RoundUnitFactory(round=round, unit=unit)
    return round, unit


def test_entry_set_creates_then_changes_only_what_is_given(setting):
    round, unit = setting
    staff = UserFactory(username="staff")

    created = entry_set(
        round=round, unit=unit, leaf_id="a1.plan", actor=staff, self_value=3, comment="plan"
    )
    changed = entry_set(round=round, unit=unit, leaf_id="a1.plan", actor=staff, self_value=3.5)

    assert created.pk == changed.pk
    stored = Entry.objects.get()
    assert (stored.self_value, stored.comment, stored.appraised_value) == (3.5, "plan", None)
    first, second = AuditRecord.objects.filter(action="entry.set").order_by("pk")
    assert first.before is None
    assert first.after["self_value"] == 3 and first.after["comment"] == "plan"
    assert (second.before, second.after) == (
        {"self_value": 3.0},
        {"unit": "00070", "leaf_id": "a1.plan", "self_value": 3.5},
    )


def test_entry_set_without_a_change_writes_nothing(setting):
    round, unit = setting
    entry_set(round=round, unit=unit, leaf_id="a1.plan", actor=None, self_value=3)
    entry_set(round=round, unit=unit, leaf_id="a1.plan", actor=None, self_value=3)
    assert AuditRecord.objects.filter(action="entry.set").count() == 1


def test_entry_set_refuses_a_unit_outside_the_round(setting):
    round, _ = setting
    with pytest.raises(ApplicationError) as raised:
        entry_set(round=round, unit=UnitFactory(code="00099"), leaf_id="a1.plan", actor=None)
    assert raised.value.code == "unit_not_in_round"
    assert raised.value.message == (
        f"Not units of round {round.name!r}: 00099. Add them to the round first."
    )


def test_an_invalid_value_leaves_no_entry_behind(setting):
    round, unit = setting
    with pytest.raises(ValidationError, match="cannot be negative"):
        entry_set(round=round, unit=unit, leaf_id="a1.plan", actor=None, self_value=-2)
    assert not Entry.objects.exists()
    assert not AuditRecord.objects.exists()


def test_entry_appraise_needs_a_reason_to_differ(setting):
    round, unit = setting
    entry = entry_set(round=round, unit=unit, leaf_id="a1.plan", actor=None, self_value=4)
    Round.objects.filter(pk=round.pk).update(state=RoundState.UNDER_APPRAISAL)
    appraiser = UserFactory(username="council")

    with pytest.raises(ApplicationError, match="give the reason for scoring 3") as raised:
        entry_appraise(entry=entry, appraised_value=3, reason=" ", actor=appraiser)
    assert raised.value.code == "reason_required"

    entry_appraise(entry=entry, appraised_value=4, reason="", actor=appraiser)  # agrees
    appraised = entry_appraise(
        entry=entry, appraised_value=3, reason="Plan issued late", actor=appraiser
    )

    assert (appraised.appraised_value, appraised.appraisal_reason) == (3.0, "Plan issued late")
    record = AuditRecord.objects.filter(action="entry.appraise").last()
    assert (record.before, record.after, record.actor_label) == (
        {"appraised_value": 4.0, "appraisal_reason": ""},
        {"appraised_value": 3.0, "appraisal_reason": "Plan issued late"},
        "council",
    )


def test_only_self_assessed_leaves_are_appraised(setting):
    round, unit = setting
    entry = entry_set(round=round, unit=unit, leaf_id="a2.online", actor=None, data_value=50)
    Round.objects.filter(pk=round.pk).update(state=RoundState.UNDER_APPRAISAL)

    with pytest.raises(ApplicationError, match="scored from data") as raised:
        entry_appraise(entry=entry, appraised_value=40, reason="recount", actor=None)
    assert raised.value.code == "leaf_not_appraisable"


def test_entry_set_many_imports_and_replaces(setting):
    round, unit = setting
    other = UnitFactory(code="00082")
    RoundUnitFactory(round=round, unit=other)
    entry_set(round=round, unit=unit, leaf_id="a1.plan", actor=None, self_value=1, comment="old")
    Round.objects.filter(pk=round.pk).update(state=RoundState.UNDER_APPRAISAL)

    count = entry_set_many(
        round=round,
        rows=[
            EntryValues(unit=unit, leaf_id="a1.plan", self_value=4, appraised_value=4),
            EntryValues(
                unit=unit,
                leaf_id="a1.report",
                self_value=6,
                appraised_value=5,
                appraisal_reason="late report",
            ),
            EntryValues(unit=unit, leaf_id="a2.satisfaction", survey_value=75.5),
            EntryValues(unit=other, leaf_id="a1.report", not_applicable=True),
        ],
        actor="demo-builder",
        reason="demo data",
    )

    assert count == 4
    rows = {
        (e.unit.code, e.leaf_id): (
            e.self_value,
            e.appraised_value,
            e.survey_value,
            e.not_applicable,
            e.comment,
        )
        for e in Entry.objects.select_related("unit")
    }
    assert rows == {
        ("00070", "a1.plan"): (4.0, 4.0, None, False, ""),
        ("00070", "a1.report"): (6.0, 5.0, None, False, ""),
        ("00070", "a2.satisfaction"): (None, None, 75.5, False, ""),
        ("00082", "a1.report"): (None, None, None, True, ""),
    }
    record = AuditRecord.objects.get(action="entry.import")
    assert (record.actor_label, record.after, record.reason) == (
        "system:demo-builder",
        {"entries": 4, "units": 2, "leaves": 3},
        "demo data",
    )


def test_entry_set_many_refuses_the_lot_listing_each_problem(setting):
    round, unit = setting
    Round.objects.filter(pk=round.pk).update(state=RoundState.UNDER_APPRAISAL)

    with pytest.raises(ValidationError) as raised:
        entry_set_many(
            round=round,
            rows=[
                EntryValues(unit=unit, leaf_id="a1.plan", self_value=2),
                EntryValues(unit=unit, leaf_id="a1.plan", self_value=3),
                EntryValues(unit=unit, leaf_id="a9", self_value=1),
                EntryValues(unit=unit, leaf_id="a1.report", self_value=-1),
                EntryValues(unit=unit, leaf_id="a3.local", self_value=4, appraised_value=3),
                EntryValues(unit=unit, leaf_id="a2.online", data_value=50, appraised_value=40),
            ],
            actor=None,
        )

    assert raised.value.messages == [
        "00070 / a1.plan: given twice.",
        "00070 / a9: 'a9' is not a leaf of framework test-mini (version 2025); its leaves have "
        "ids such as a1.plan, a1.report, a2.satisfaction.",
        "00070 / a1.report: Leaf 'a1.report' (Reports): the self-assessed value cannot be "
        "negative (got -1).",
        "00070 / a3.local: “Local work” of 00070: give the reason for scoring 3 instead of "
        "the self-assessed 4.",
        "00070 / a2.online: Leaf 'a2.online' is scored from data; only self-assessed leaves "
        "are appraised.",
    ]
    assert not Entry.objects.exists()
    assert not AuditRecord.objects.exists()

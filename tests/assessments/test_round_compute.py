from __future__ import annotations

import hashlib

import pytest

from govindex.assessments.models import NodeResult, RoundComputation, UnitResult
from govindex.assessments.services import round_compute
from govindex.audit.models import AuditRecord
from govindex.audit.selectors import audit_verify
from tests.factories import EntryFactory, RoundUnitFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def headline(round):
    return {
        result.unit.code: (
            result.score,
            result.points,
            result.max_points,
            result.percent,
            result.rank,
            result.band,
        )
        for result in UnitResult.objects.filter(round=round).select_related("unit")
    }


def nodes(round, code):
    return {
        node.node_id: (node.value, node.points, node.max_points, node.share, node.gap, node.rank)
        for node in NodeResult.objects.filter(
            unit_result__round=round, unit_result__unit__code=code
        )
    }


def test_scores_match_the_hand_computation(mini_round):
    round_compute(round=mini_round.round, actor=None)

    assert headline(mini_round.round) == {
        "00001": (100.0, 24.0, 24.0, 100.0, 1, "A"),
        "00002": (75.0, 18.0, 24.0, 75.0, 2, "C"),
        "00003": (75.0, 18.0, 24.0, 75.0, 2, "C"),
        "SXD": (6 / 14 * 100, 6.0, 14.0, 6 / 14 * 100, 4, "D"),
        "00005": (None, None, 24.0, None, None, ""),
    }


def test_node_results_hold_points_shares_gaps_and_ranks(mini_round):
    round_compute(round=mini_round.round, actor=None)

    assert nodes(mini_round.round, "00002") == {
        "test-mini": (None, 18.0, 24.0, 0.75, 6.0, 2),
        "a1": (None, 9.0, 10.0, 0.9, 1.0, 2),
        "a1.plan": (3.0, 3.0, 4.0, 0.75, 1.0, 2),  # appraised 3 overrides self 4
        "a1.report": (6.0, 6.0, 6.0, 1.0, 0.0, 1),
        "a2": (None, 6.5, 10.0, 0.65, 3.5, 3),
        "a2.satisfaction": (60.0, 4.5, 6.0, 0.75, 1.5, 3),  # 60 % of a threshold of 80 %
        "a2.online": (50.0, 2.0, 4.0, 0.5, 2.0, 2),
        "a3": (None, 2.5, 4.0, 0.625, 1.5, 2),
        "a3.local": (2.5, 2.5, 4.0, 0.625, 1.5, 2),
    }


def test_not_applicable_leaves_leave_the_denominator(mini_round):
    round_compute(round=mini_round.round, actor=None)

    department = nodes(mini_round.round, "SXD")
    # a1.report marked not applicable (its self value 6 is ignored); a3 is for wards only.
    assert department["a1.report"] == (None, None, 0.0, None, None, None)
    assert department["a3"] == (None, None, 0.0, None, None, None)
    assert department["a3.local"] == (None, None, 0.0, None, None, None)
    assert department["a1"] == (None, 2.0, 4.0, 0.5, 2.0, 4)
    assert (
        NodeResult.objects.get(unit_result__unit__code="SXD", node_id="a1.report").applicable
        is False
    )


def test_survey_and_data_leaves_use_their_own_values(mini_round):
    round_compute(round=mini_round.round, actor=None)

    best = nodes(mini_round.round, "00001")
    # Its entries also carry self_value 0 on these leaves; only survey/data values count.
    assert best["a2.satisfaction"][:2] == (80.0, 6.0)
    assert best["a2.online"][:2] == (100.0, 4.0)


def test_the_computation_records_its_framework_and_parameters(mini_round, test_frameworks):
    user = UserFactory(username="appraiser")

    computation = round_compute(round=mini_round.round, actor=user)

    checksum = hashlib.sha256((test_frameworks / "test-mini.yaml").read_bytes()).hexdigest()
    assert (computation.framework_version, computation.framework_checksum) == ("2025", checksum)
    assert (computation.actor, computation.units_scored) == (user, 4)
    parameters = computation.parameters
    assert {key: parameters[key] for key in ("framework_id", "framework_version", "scale")} == {
        "framework_id": "test-mini",
        "framework_version": "2025",
        "scale": "percent",
    }
    assert parameters["framework_checksum"] == checksum
    assert parameters["missing_policy"] == "propagate"
    assert parameters["clip"] is False
    assert (parameters["units"], parameters["entries"]) == (5, 19)
    assert parameters["value_rule"]["survey"] == "survey_value"
    assert parameters["classes"][0] == {"id": "A", "min": 90.0}
    record = AuditRecord.objects.get(action="round.compute")
    assert record.actor_label == "appraiser"
    assert record.target_id == str(mini_round.round.pk)
    assert record.after["units_scored"] == 4
    assert record.after["results_replaced"] == 0
    assert audit_verify() is None


def test_recomputing_replaces_results_with_the_same_numbers(mini_round):
    first = round_compute(round=mini_round.round, actor=None)
    before = (headline(mini_round.round), nodes(mini_round.round, "00002"))

    second = round_compute(round=mini_round.round, actor=None)

    assert (headline(mini_round.round), nodes(mini_round.round, "00002")) == before
    assert UnitResult.objects.filter(round=mini_round.round).count() == 5
    assert NodeResult.objects.filter(unit_result__round=mini_round.round).count() == 5 * 9
    assert set(UnitResult.objects.values_list("computation", flat=True)) == {second.pk}
    assert RoundComputation.objects.filter(round=mini_round.round).count() == 2
    assert first.pk != second.pk
    assert AuditRecord.objects.filter(action="round.compute").last().after["results_replaced"] == 5


def test_recomputing_after_a_change_moves_the_ranks(mini_round):
    round_compute(round=mini_round.round, actor=None)
    entry = mini_round.round.entries.get(unit__code="00003", leaf_id="a1.plan")
    entry.appraised_value = 1.5
    entry.save()

    round_compute(round=mini_round.round, actor=None)

    ranks = {code: values[4] for code, values in headline(mini_round.round).items()}
    assert ranks == {"00001": 1, "00002": 2, "00003": 3, "SXD": 4, "00005": None}
    assert headline(mini_round.round)["00003"][0] == 17.5 / 24 * 100


def test_query_count_does_not_grow_with_units(mini_round, django_assert_max_num_queries):
    def lookups(context):
        return [q["sql"] for q in context.captured_queries if not q["sql"].startswith("INSERT")]

    round_compute(round=mini_round.round, actor=None)
    with django_assert_max_num_queries(17) as five_units:  # 16 + the chain lock on PostgreSQL
        round_compute(round=mini_round.round, actor=None)
    for number in range(20):
        unit = UnitFactory(code=f"1{number:04d}")
        RoundUnitFactory(round=mini_round.round, unit=unit)
        EntryFactory(round=mini_round.round, unit=unit, leaf_id="a1.plan", self_value=1)
    round_compute(round=mini_round.round, actor=None)

    with django_assert_max_num_queries(21) as twenty_five_units:
        round_compute(round=mini_round.round, actor=None)

    # Inserts come in batches (SQLite takes at most 999 parameters per statement); every other
    # query is the same whatever the number of units.
    assert len(lookups(twenty_five_units)) == len(lookups(five_units))
    assert UnitResult.objects.filter(round=mini_round.round).count() == 25

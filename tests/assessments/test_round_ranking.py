from __future__ import annotations

import pytest

from govindex.assessments.models import RoundState
from govindex.assessments.selectors import (
    latest_scored_round,
    node_ranking,
    round_ranking,
    round_values,
    unit_result_nodes,
)
from govindex.assessments.services import round_compute
from govindex.scoring.engine import NOT_APPLICABLE
from tests.factories import RoundFactory, RoundUnitFactory

pytestmark = pytest.mark.django_db


def test_round_ranking_is_one_query_best_first_unranked_last(
    mini_round, django_assert_max_num_queries
):
    round_compute(round=mini_round.round, actor=None)

    with django_assert_max_num_queries(1):
        ranking = [(r.unit.code, r.rank, r.band) for r in round_ranking(mini_round.round)]

    assert ranking == [
        ("00001", 1, "A"),
        ("00002", 2, "C"),
        ("00003", 2, "C"),
        ("SXD", 4, "D"),
        ("00005", None, ""),
    ]


def test_node_views_are_one_query_each(mini_round, django_assert_max_num_queries):
    round_compute(round=mini_round.round, actor=None)
    result = round_ranking(mini_round.round)[1]

    with django_assert_max_num_queries(1):
        area = unit_result_nodes(result)["a2"]
    with django_assert_max_num_queries(1):
        satisfaction = [
            (n.unit_result.unit.code, n.rank)
            for n in node_ranking(mini_round.round, "a2.satisfaction")
        ]

    assert (area.points, area.max_points) == (6.5, 10.0)
    assert satisfaction == [("00001", 1), ("00003", 1), ("00002", 3), ("SXD", 4), ("00005", None)]


def test_round_values_apply_the_rule_of_each_leaf_source(mini_round):
    values = round_values(mini_round.round)

    assert values["00002"] == {
        "a1.plan": 3.0,
        "a1.report": 6.0,
        "a2.satisfaction": 60.0,
        "a2.online": 50.0,
        "a3.local": 2.5,
    }
    assert values["00001"]["a2.satisfaction"] == 80.0
    assert values["SXD"]["a1.report"] == NOT_APPLICABLE
    assert values["00005"] == {}


def test_latest_scored_round(mini_round):
    assert latest_scored_round() is None
    other = RoundFactory()
    RoundUnitFactory(round=other)
    round_compute(round=mini_round.round, actor=None)
    round_compute(round=other, actor=None)

    assert latest_scored_round() == other
    assert latest_scored_round(published_only=True) is None
    mini_round.round.state = RoundState.PUBLISHED
    mini_round.round.save()
    assert latest_scored_round(published_only=True) == mini_round.round

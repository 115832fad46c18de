"""Per-unit and per-node results (points, max, share, gap, rank), ranking order, summary rows."""

from __future__ import annotations

import pytest

from govindex.scoring import NodeScore, score_values

from .builders import CLASSES, NaN, build, leaf, node

UNITS = ["u1", "u2", "u3", "u4", "u5"]
# Leaves a (6 points), b (4 points), c (5 points), d (percentage worth 5 points).
VALUES = [
    [6.0, 2.0, 5.0, 20.0],  # area1 6 + 2 = 8; area2 5 + 0.2 × 5 = 6; total 14 / 20 = 70 %
    [3.0, 4.0, 5.0, 100.0],  # area1 7; area2 10; total 17 → 85 %
    [6.0, 4.0, 2.0, 40.0],  # area1 10; area2 2 + 2 = 4; total 14 → 70 % (tie with u1)
    [NaN, 4.0, 5.0, 100.0],  # a missing: area1 and the total N/A; area2 10
    [1.0, 1.0, 1.0, 20.0],  # area1 2; area2 2; total 4 → 20 %
]


def scored():
    framework = build(
        [
            node("area1", 10, [leaf("a", 6), leaf("b", 4)]),
            node("area2", 10, [leaf("c", 5), leaf("d", 5, "percentage")]),
        ],
        20,
        classes=CLASSES,
    )
    return score_values(framework, UNITS, VALUES)


def test_a_unit_has_its_score_rank_band_and_root_breakdown() -> None:
    unit = scored().unit("u1")

    # 14 of 20 → 70 %; 85 % (u2) is first and u1 ties u3 at 70 % → rank 2; 70 is band C's min.
    assert (unit.unit, unit.score, unit.points, unit.max_points, unit.percent, unit.rank) == (
        "u1",
        70.0,
        14.0,
        20.0,
        70.0,
        2,
    )
    assert unit.band is not None
    assert unit.band.id == "C"
    assert unit.area_points(scored().framework) == {"area1": 8.0, "area2": 6.0}


def test_each_node_has_points_max_share_gap_and_rank() -> None:
    nodes = scored().unit("u1").nodes

    # area1: 8 of 10 → share 0.8, gap 2; shares of all units 0.8, 0.7, 1.0, N/A, 0.2 → rank 2.
    assert nodes["area1"] == NodeScore(
        node_id="area1",
        value=None,
        points=8.0,
        max_points=10.0,
        share=0.8,
        gap=2.0,
        applicable=True,
        rank=2,
    )
    # d: entered 20 %, worth 0.2 × 5 = 1 point; shares 0.2, 1, 0.4, 1, 0.2 → u1 ties u5 at 4th.
    assert nodes["d"] == NodeScore(
        node_id="d",
        value=20.0,
        points=1.0,
        max_points=5.0,
        share=0.2,
        gap=4.0,
        applicable=True,
        rank=4,
    )
    # The root's rank is the headline rank.
    assert (nodes["mini"].points, nodes["mini"].share, nodes["mini"].gap) == (14.0, 0.7, 6.0)
    assert nodes["mini"].rank == 2
    assert list(nodes) == ["mini", "area1", "a", "b", "area2", "c", "d"]


def test_a_missing_value_makes_the_node_and_its_ancestors_na_not_zero() -> None:
    unit = scored().unit("u4")

    assert unit.nodes["a"] == NodeScore(
        node_id="a",
        value=None,
        points=None,
        max_points=6.0,
        share=None,
        gap=None,
        applicable=True,
        rank=None,
    )
    assert (unit.nodes["area1"].points, unit.nodes["area1"].rank) == (None, None)
    assert (unit.score, unit.points, unit.percent, unit.rank, unit.band) == (
        None,
        None,
        None,
        None,
        None,
    )
    # area2 is complete: 10 of 10, ranked first with u2.
    assert (unit.nodes["area2"].points, unit.nodes["area2"].rank) == (10.0, 1)


def test_a_node_that_does_not_apply_has_max_0_and_no_points_share_gap_or_rank() -> None:
    result = score_values(
        scored().framework, ["u1", "u2"], VALUES[:2], [[True, False, True, True]] * 2
    )

    assert result.unit("u2").nodes["b"] == NodeScore(
        node_id="b",
        value=4.0,
        points=None,
        max_points=0.0,
        share=None,
        gap=None,
        applicable=False,
        rank=None,
    )
    # area1 shrinks to a's 6 points: u1 6 of 6, u2 3 of 6.
    assert result.unit("u1").nodes["area1"].share == 1.0
    assert result.unit("u2").nodes["area1"].share == 0.5


def test_ranks_and_ranking_order() -> None:
    result = scored()

    # 70, 85, 70, N/A, 20 → 2, 1, 2, unranked, 4.
    assert result.ranks.tolist() == [2, 1, 2, 0, 4]
    # Best first, ties in input order, N/A last.
    assert result.ranking() == ["u2", "u1", "u3", "u5", "u4"]
    # area1 shares 0.8, 0.7, 1.0, N/A, 0.2.
    assert result.node_ranks("area1").tolist() == [2, 3, 1, 0, 4]


def test_summary_rows_are_in_ranking_order_with_class_and_area_points() -> None:
    rows = scored().summary_rows()

    assert rows == [
        {"unit": "u2", "score": 85.0, "rank": 1, "class": "B", "area1": 7.0, "area2": 10.0},
        {"unit": "u1", "score": 70.0, "rank": 2, "class": "C", "area1": 8.0, "area2": 6.0},
        {"unit": "u3", "score": 70.0, "rank": 2, "class": "C", "area1": 10.0, "area2": 4.0},
        {"unit": "u5", "score": 20.0, "rank": 4, "class": "D", "area1": 2.0, "area2": 2.0},
        {"unit": "u4", "score": None, "rank": None, "class": None, "area1": None, "area2": 10.0},
    ]


def test_iterating_gives_every_unit_in_input_order() -> None:
    assert [unit.unit for unit in scored()] == UNITS


def test_units_by_node_arrays_follow_the_framework_order() -> None:
    result = scored()

    # points (units × nodes) in node_ids order: mini, area1, a, b, area2, c, d.
    assert result.points[0].tolist() == [14.0, 8.0, 6.0, 2.0, 6.0, 5.0, 1.0]
    assert result.max_points[0].tolist() == [20.0, 10.0, 6.0, 4.0, 10.0, 5.0, 5.0]
    assert result.applicable[0].tolist() == [True] * 7


def test_an_unknown_unit_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        scored().unit("nobody")


def test_the_result_arrays_are_read_only() -> None:
    # RoundScores is frozen (docs/adr/0002): writing into a public array must fail, not leave
    # ``points`` saying one thing and ``unit()`` another.
    result = scored()

    for name in ("points", "max_points", "applicable", "scores", "values", "node_points"):
        array = getattr(result, name)
        assert not array.flags.writeable, name
    assert result.points[0, 0] == 14.0

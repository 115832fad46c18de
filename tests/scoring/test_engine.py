"""Hand-computed cases for every leaf rule, aggregation, kind, applicability and missing policy.

Each expected number is worked out by hand in the comment above its assertion. ``approx`` is used
only with ``abs=1e-9`` (float noise), never as a loose tolerance.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from govindex.scoring import ScoringInputError, score_round, score_values
from govindex.scoring.engine import NOT_APPLICABLE, value_problems

from .builders import NaN, build, column, leaf, node

EXACT = 1e-9


def points_of(children: list[dict], maximum: float, values: list[list[float]], **keys) -> list:
    """Score ``values`` (one row per unit) and return the root's points per unit."""
    framework = build(children, maximum, scale="points", **keys)
    units = [f"u{i + 1}" for i in range(len(values))]
    return column(score_values(framework, units, values), framework.root.id)


# --- rule: points ----------------------------------------------------------------------------


def test_points_rule_adds_the_entered_points_and_gives_the_percent_of_the_max() -> None:
    framework = build([leaf("a", 6), leaf("b", 4)], 10)

    result = score_values(framework, ["u1", "u2"], [[4.5, 4.0], [0.0, 0.0]])

    # u1: 4.5 + 4 = 8.5 points of 10 → 85 %; u2: 0 + 0 = 0 → 0 % (a real zero, not N/A).
    assert column(result, "mini") == [8.5, 0.0]
    assert result.scores.tolist() == [85.0, 0.0]


def test_points_out_of_range_is_an_input_error_naming_unit_and_leaf() -> None:
    framework = build([leaf("a", 6), leaf("b", 4)], 10)

    with pytest.raises(ScoringInputError) as caught:
        score_values(framework, ["Ba Đình", "Hoàn Kiếm"], [[7.0, 4.0], [3.0, -0.5]])

    problems = [(p.unit_index, p.unit, p.leaf_id, p.value) for p in caught.value.problems]
    assert problems == [(0, "Ba Đình", "a", 7.0), (1, "Hoàn Kiếm", "b", -0.5)]
    assert caught.value.problems[0].message == "7 is outside 0–6 (expected points between 0 and 6)"
    assert str(caught.value) == (
        "2 value(s) out of range: Ba Đình / a: 7 is outside 0–6 (expected points between 0 and 6); "
        "Hoàn Kiếm / b: -0.5 is outside 0–4 (expected points between 0 and 4)"
    )


def test_points_exactly_at_zero_and_at_the_max_are_accepted() -> None:
    # 0 + 4 = 4 and 6 + 0 = 6: both ends of [0, max] are inside the range.
    assert points_of([leaf("a", 6), leaf("b", 4)], 10, [[0.0, 4.0], [6.0, 0.0]]) == [4.0, 6.0]


def test_clip_true_clips_out_of_range_points_instead_of_refusing_them() -> None:
    # a = 7 clips to its max 6, b = -1 clips to 0: 6 + 0 = 6; a = 2, b = 9 → 2 + 4 = 6.
    result = points_of([leaf("a", 6), leaf("b", 4)], 10, [[7.0, -1.0], [2.0, 9.0]], clip=True)

    assert result == [6.0, 6.0]


# --- rule: percentage ------------------------------------------------------------------------


def test_percentage_below_the_threshold_earns_a_proportional_share() -> None:
    children = [leaf("p", 10, "percentage", threshold=80)]

    result = points_of(children, 10, [[40.0], [80.0], [90.0], [0.0], [100.0]])

    # min(1, rate / 80) × 10: 40 → 0.5 × 10 = 5; 80 → 10; 90 → capped at 10; 0 → 0; 100 → 10.
    assert result == [5.0, 10.0, 10.0, 0.0, 10.0]


def test_percentage_at_the_threshold_earns_exactly_the_max() -> None:
    framework = build([leaf("p", 6.5, "percentage", threshold=90)], 6.5, scale="points")

    result = score_values(framework, ["u1", "u2", "u3"], [[90.0], [95.0], [45.0]])

    # min(1, 90 / 90) × 6.5 = 6.5 exactly (full points, nothing lost: gap 0, share 1);
    # 95 → capped at 6.5; 45 / 90 = 0.5 → 3.25. (90 × (6.5 / 90) would give 6.499999999999999.)
    assert column(result, "p") == [6.5, 6.5, 3.25]
    assert (result.unit("u1").nodes["p"].gap, result.unit("u1").nodes["p"].share) == (0.0, 1.0)


def test_percentage_without_threshold_is_linear() -> None:
    # threshold defaults to 100: 25 % of max 4 = 1 point; 100 % = 4.
    assert points_of([leaf("p", 4, "percentage")], 4, [[25.0], [100.0]]) == [1.0, 4.0]


def test_percentage_direction_lower_gives_full_points_up_to_the_threshold() -> None:
    children = [leaf("late", 10, "percentage", threshold=20, direction="lower")]

    result = points_of(children, 10, [[10.0], [20.0], [40.0], [100.0], [0.0]])

    # min(1, 20 / rate) × 10: 10 → 1 → 10; 20 → 10; 40 → 0.5 → 5; 100 → 0.2 → 2; 0 → full 10.
    assert result == [10.0, 10.0, 5.0, 2.0, 10.0]


def test_percentage_above_100_is_an_input_error() -> None:
    framework = build([leaf("p", 10, "percentage", threshold=80)], 10)

    with pytest.raises(ScoringInputError) as caught:
        score_values(framework, ["u1"], [[100.5]])

    assert caught.value.problems[0].message == (
        "100.5 is outside 0–100 (expected a percentage between 0 and 100)"
    )


# --- rule: normalised ------------------------------------------------------------------------


def min_max(**keys) -> list[dict]:
    return [leaf("n", 10, "normalised", normalisation={"method": "min_max"}, **keys)]


def test_min_max_maps_the_lowest_unit_to_0_and_the_highest_to_the_max() -> None:
    # (x − 2) / (10 − 2) × 10: 2 → 0; 4 → 2/8 = 0.25 → 2.5; 10 → 10.
    assert points_of(min_max(), 10, [[2.0], [4.0], [10.0]]) == [0.0, 2.5, 10.0]


def test_min_max_direction_lower_mirrors_the_scale() -> None:
    # (10 − x) / 8 × 10: 2 → 10; 4 → 6/8 = 0.75 → 7.5; 10 → 0.
    assert points_of(min_max(direction="lower"), 10, [[2.0], [4.0], [10.0]]) == [10.0, 7.5, 0.0]


def test_min_max_with_all_values_equal_gives_every_unit_full_points() -> None:
    # max − min = 0: nobody is behind the best, share 1 → 10 points each.
    assert points_of(min_max(), 10, [[5.0], [5.0], [5.0]]) == [10.0, 10.0, 10.0]


def test_min_max_ignores_missing_and_not_applicable_units_when_finding_the_range() -> None:
    framework = build(min_max(), 10, scale="points")
    applicable = [[True], [True], [False], [True]]

    result = score_values(
        framework, ["u1", "u2", "u3", "u4"], [[2.0], [NaN], [100.0], [6.0]], applicable
    )

    # Range from u1 and u4 only (u2 missing, u3 does not apply): 2 → 0, 6 → 10.
    # u2 is N/A (None, not 0); u3's leaf does not apply, so the root has nothing: N/A too.
    assert column(result, "mini") == [0.0, None, 0.0, 10.0]
    assert result.applicable[:, 0].tolist() == [True, True, False, True]
    assert np.isnan(result.scores).tolist() == [False, True, True, False]


def goalposts(**keys) -> list[dict]:
    method = {"method": "goalposts", "lower": 20, "upper": 70}
    return [leaf("g", 10, "normalised", normalisation=method, **keys)]


def test_goalposts_clip_at_both_ends() -> None:
    values = [[10.0], [20.0], [45.0], [70.0], [90.0]]

    # (x − 20) / 50 clipped to [0, 1], × 10: 10 → 0 (below); 20 → 0; 45 → 0.5 → 5; 70 → 10;
    # 90 → 10 (above).
    assert points_of(goalposts(), 10, values) == [0.0, 0.0, 5.0, 10.0, 10.0]


def test_goalposts_direction_lower() -> None:
    values = [[10.0], [45.0], [60.0], [90.0]]

    # (70 − x) / 50 clipped, × 10: 10 → 1 → 10; 45 → 0.5 → 5; 60 → 0.2 → 2; 90 → 0.
    assert points_of(goalposts(direction="lower"), 10, values) == [10.0, 5.0, 2.0, 0.0]


def test_goalposts_do_not_depend_on_the_other_units() -> None:
    # Fixed bounds: 45 scores 5 alone or among others.
    assert points_of(goalposts(), 10, [[45.0]]) == [5.0]


def z_score(**keys) -> list[dict]:
    return [leaf("z", 10, "normalised", normalisation={"method": "z_score"}, **keys)]


def test_z_score_puts_the_mean_at_half_and_uses_the_normal_cdf() -> None:
    result = points_of(z_score(), 10, [[1.0], [2.0], [3.0]])

    # mean 2, population sd √(2/3) = 0.816497; z(3) = 1 / 0.816497 = 1.224745;
    # Φ(1.224745) = 0.889664 → 8.89664; Φ(−1.224745) = 0.110336 → 1.10336; the mean → Φ(0) = 0.5.
    assert result[1] == 5.0
    assert result[2] == pytest.approx(8.896643190400766, abs=EXACT)
    assert result[0] == pytest.approx(10 - 8.896643190400766, abs=EXACT)


def test_z_score_direction_lower_mirrors_it() -> None:
    result = points_of(z_score(direction="lower"), 10, [[1.0], [2.0], [3.0]])

    # The lowest value now earns Φ(1.224745) × 10 = 8.89664.
    assert result[0] == pytest.approx(8.896643190400766, abs=EXACT)
    assert result[1] == 5.0


def test_z_score_with_all_values_equal_gives_half() -> None:
    # sd 0: everyone is at the mean → Φ(0) = 0.5 → 5 points.
    assert points_of(z_score(), 10, [[7.0], [7.0]]) == [5.0, 5.0]


# --- aggregations ----------------------------------------------------------------------------


def test_sum_adds_children_and_their_maxima() -> None:
    framework = build(
        [node("area", 10, [leaf("a", 6), leaf("b", 4)]), leaf("c", 5)], 15, scale="points"
    )

    result = score_values(framework, ["u1"], [[3.0, 2.5, 5.0]])

    # area = 3 + 2.5 = 5.5 of 10; root = 5.5 + 5 = 10.5 of 15.
    assert column(result, "area") == [5.5]
    assert column(result, "mini") == [10.5]
    assert column(result, "mini", "max_points") == [15.0]


def test_weighted_sum_multiplies_each_child_by_its_weight() -> None:
    children = [leaf("a", 10, weight=2), leaf("b", 5, weight=4)]

    # max = 2 × 10 + 4 × 5 = 40 (the validator insists); points = 2 × 5 + 4 × 2.5 = 20.
    assert points_of(children, 40, [[5.0, 2.5]], aggregation="weighted_sum") == [20.0]


def test_weighted_mean_averages_the_shares_by_weight() -> None:
    children = [leaf("a", 10, weight=3), leaf("b", 4, weight=1)]

    result = points_of(children, 100, [[6.0, 4.0]], aggregation="weighted_mean")

    # shares 6/10 = 0.6 and 4/4 = 1; (3 × 0.6 + 1 × 1) / 4 = 0.7 → 0.7 × 100 = 70.
    assert result == [pytest.approx(70.0, abs=EXACT)]


def test_mean_is_the_unweighted_mean_of_the_shares() -> None:
    # docs/framework-schema.md: weight is used by weighted_sum, weighted_mean and geometric_mean,
    # not by mean. A stray weight under a plain mean must not change it.
    children = [leaf("a", 10), leaf("b", 4, weight=3)]

    result = points_of(children, 100, [[6.0, 4.0]], aggregation="mean")

    # (0.6 + 1) / 2 = 0.8 → 80 (a weighted mean would give (0.6 + 3) / 4 = 0.9 → 90).
    assert result == [pytest.approx(80.0, abs=EXACT)]


def test_geometric_mean_of_the_shares() -> None:
    children = [leaf("a", 10), leaf("b", 10)]

    result = points_of(children, 100, [[2.5, 10.0], [10.0, 10.0]], aggregation="geometric_mean")

    # √(0.25 × 1) = 0.5 → 50; √(1 × 1) = 1 → 100.
    assert result == [pytest.approx(50.0, abs=EXACT), 100.0]


def test_weighted_geometric_mean_uses_the_weights_as_exponents() -> None:
    children = [leaf("a", 10, weight=1), leaf("b", 10, weight=3)]

    result = points_of(children, 100, [[2.5, 10.0]], aggregation="geometric_mean")

    # (0.25¹ × 1³)^(1/4) = 0.25^0.25 = 0.707107 → 70.7107.
    assert result == [pytest.approx(100 * 0.25**0.25, abs=EXACT)]
    assert result[0] == pytest.approx(70.71067811865476, abs=EXACT)


def test_geometric_mean_with_a_zero_child_is_zero() -> None:
    children = [leaf("a", 10), leaf("b", 10)]

    # 0 × anything = 0: one child at 0 zeroes the node.
    assert points_of(children, 100, [[0.0, 10.0]], aggregation="geometric_mean") == [0.0]


# --- bonus, penalty and adjustment -----------------------------------------------------------


def test_bonus_and_penalty_leaves_adjust_the_parent_within_0_and_its_max() -> None:
    children = [
        leaf("a", 6),
        leaf("b", 4),
        leaf("bonus", 2, kind="bonus"),
        leaf("penalty", 3, kind="penalty"),
    ]
    framework = build(children, 10, scale="points")
    values = [
        [6.0, 3.0, 2.0, 0.0],  # 9 + 2 = 11 → capped at the max 10
        [1.0, 0.0, NaN, 3.0],  # 1 + 0 − 3 = −2 → floored at 0
        [5.0, 3.0, NaN, NaN],  # no bonus or penalty recorded: both count 0 → 8 (not N/A)
        [5.0, 2.0, 1.5, 0.5],  # 7 + 1.5 − 0.5 = 8
    ]

    result = score_values(framework, ["u1", "u2", "u3", "u4"], values)

    assert column(result, "mini") == [10.0, 0.0, 8.0, 8.0]
    # The bonus and penalty maxima do not count in the root's max: 6 + 4 = 10.
    assert column(result, "mini", "max_points") == [10.0, 10.0, 10.0, 10.0]
    assert column(result, "bonus") == [2.0, 0.0, 0.0, 1.5]


def test_bonus_above_its_own_max_is_an_input_error() -> None:
    framework = build([leaf("a", 6), leaf("bonus", 2, kind="bonus")], 6)

    with pytest.raises(ScoringInputError) as caught:
        score_values(framework, ["u1"], [[6.0, 3.0]])

    assert [(p.unit, p.leaf_id, p.value) for p in caught.value.problems] == [("u1", "bonus", 3.0)]


def adjusted_framework():
    adjustment = node(
        "adjust",
        2,
        [leaf("extra", 2, kind="bonus"), leaf("breach", 5, kind="penalty")],
        kind="adjustment",
    )
    return build([node("area", 10, [leaf("a", 6), leaf("b", 4)]), adjustment], 10, scale="points")


def test_an_adjustment_node_adds_its_net_points_to_its_parent() -> None:
    framework = adjusted_framework()
    values = [
        [6.0, 4.0, 2.0, 0.0],  # area 10, adjustment +2 → 12 → capped at 10
        [3.0, 2.0, 1.0, 4.0],  # area 5, adjustment 1 − 4 = −3 → 2
        [3.0, 2.0, NaN, NaN],  # area 5, nothing recorded → adjustment 0 → 5
        [1.0, 0.0, 0.0, 5.0],  # area 1, adjustment −5 → −4 → floored at 0
    ]

    result = score_values(framework, ["u1", "u2", "u3", "u4"], values)

    assert column(result, "adjust") == [2.0, -3.0, 0.0, -5.0]
    assert column(result, "mini") == [10.0, 2.0, 5.0, 0.0]
    # The adjustment does not count in the root's max: only the area's 10.
    assert column(result, "mini", "max_points") == [10.0, 10.0, 10.0, 10.0]


# --- applicability ---------------------------------------------------------------------------


def applicability_framework():
    return build(
        [
            node("area1", 10, [leaf("a", 6), leaf("b", 4)]),
            node("area2", 10, [leaf("c", 5, applies_to=["ward"]), leaf("d", 5)]),
        ],
        20,
    )


def test_a_leaf_marked_not_applicable_leaves_the_denominator() -> None:
    framework = applicability_framework()
    values = [[6.0, 2.0, 5.0, 1.0], [6.0, 4.0, 5.0, 1.0]]
    applicable = [[True, True, True, True], [True, False, True, True]]

    result = score_values(framework, ["u1", "u2"], values, applicable)

    # u1: 6 + 2 + 5 + 1 = 14 of 20 → 70 %.
    # u2: b does not apply (its 4 is ignored): 6 + 5 + 1 = 12 of 10 − 4 + 10 = 16 → 75 %.
    assert column(result, "mini", "max_points") == [20.0, 16.0]
    assert result.scores.tolist() == [70.0, 75.0]
    assert column(result, "area1", "max_points") == [10.0, 6.0]
    assert result.unit("u2").nodes["b"].applicable is False
    assert result.unit("u2").nodes["b"].points is None


def test_applies_to_excludes_a_leaf_for_other_unit_kinds() -> None:
    framework = applicability_framework()
    values = [[6.0, 2.0, 5.0, 1.0], [6.0, 2.0, 3.0, 1.0]]

    result = score_values(framework, ["ward", "commune"], values, unit_kinds=["ward", "commune"])

    # ward: c applies: 14 / 20 → 70 %.  commune: c does not apply: (6 + 2 + 1) / 15 → 60 %.
    assert result.scores.tolist() == [70.0, 60.0]
    assert column(result, "area2", "max_points") == [10.0, 5.0]


def test_applies_to_on_an_internal_node_covers_its_subtree() -> None:
    framework = build(
        [
            node("area1", 10, [leaf("a", 6), leaf("b", 4)]),
            node("area2", 10, [leaf("c", 5), leaf("d", 5)], applies_to=["department"]),
        ],
        20,
    )

    result = score_values(framework, ["ward"], [[6.0, 2.0, 5.0, 5.0]], unit_kinds=["ward"])

    # area2 is for departments only: the ward scores (6 + 2) / 10 → 80 %; area2 is N/A.
    assert result.scores.tolist() == [80.0]
    assert result.unit("ward").nodes["area2"].points is None
    assert result.unit("ward").nodes["area2"].max_points == 0.0


def test_not_applicable_under_a_weighted_mean_drops_the_weight() -> None:
    children = [leaf("a", 10, weight=3), leaf("b", 10, weight=1), leaf("c", 10, weight=1)]
    framework = build(children, 100, aggregation="weighted_mean", scale="points")

    result = score_values(framework, ["u1"], [[6.0, 10.0, 0.0]], [[True, True, False]])

    # c drops out: (3 × 0.6 + 1 × 1) / (3 + 1) = 2.8 / 4 = 0.7 → 70.
    assert column(result, "mini") == [pytest.approx(70.0, abs=EXACT)]


def test_score_round_reads_not_applicable_markers_and_missing_leaves() -> None:
    framework = applicability_framework()

    result = score_round(
        framework,
        {
            "ward": {"a": 6, "b": 2, "c": 5, "d": 1},
            "commune": {"a": 6, "b": NOT_APPLICABLE, "c": 3, "d": 1},
            "late": {"a": 6, "b": 2, "c": None},  # c is None and d is absent: both missing
        },
        unit_kinds={"ward": "ward", "commune": "commune", "late": "ward"},
    )

    # ward 14 / 20 = 70 %; commune: b and c do not apply: (6 + 1) / (6 + 5) = 63.636… %;
    # late: missing c and d make area2 and the root N/A (missing: propagate).
    assert result.scores[0] == 70.0
    assert result.scores[1] == pytest.approx(700 / 11, abs=EXACT)
    assert math.isnan(result.scores[2])
    assert result.unit("late").nodes["area1"].points == 8.0


def test_score_round_rejects_an_unknown_leaf() -> None:
    framework = applicability_framework()

    with pytest.raises(ValueError, match="u1: 'e' is not a leaf of mini"):
        score_round(framework, {"u1": {"e": 1.0}})


# --- missing data ----------------------------------------------------------------------------


def test_missing_propagate_makes_every_ancestor_na_never_zero() -> None:
    framework = applicability_framework()

    result = score_values(framework, ["u1", "u2"], [[NaN, 2.0, 5.0, 1.0], [6.0, 2.0, 5.0, 1.0]])
    unit = result.unit("u1")

    # a is missing: area1 and the root are N/A (None); area2 = 5 + 1 = 6 is unaffected.
    assert unit.nodes["a"].points is None
    assert unit.nodes["area1"].points is None
    assert unit.nodes["area1"].share is None
    assert unit.nodes["area2"].points == 6.0
    assert (unit.score, unit.points, unit.percent, unit.rank) == (None, None, None, None)
    assert result.unit("u2").rank == 1


@pytest.mark.parametrize(
    ("aggregation", "maximum"),
    [("weighted_sum", 20), ("weighted_mean", 100), ("mean", 100), ("geometric_mean", 100)],
)
def test_missing_propagates_through_every_aggregation(aggregation: str, maximum: float) -> None:
    children = [leaf("a", 10), leaf("b", 10)]

    # a is missing: the node is N/A whatever b is (never b alone, never 0).
    assert points_of(children, maximum, [[NaN, 10.0]], aggregation=aggregation) == [None]


def test_missing_exclude_treats_a_missing_leaf_as_not_applicable() -> None:
    framework = build(
        [node("area1", 10, [leaf("a", 6), leaf("b", 4)]), leaf("c", 10)], 20, missing="exclude"
    )

    result = score_values(framework, ["u1", "u2"], [[NaN, 2.0, 5.0], [NaN, NaN, 5.0]])

    # u1: a leaves the denominator: (2 + 5) / (4 + 10) = 50 %.
    # u2: area1 has nothing left, so it is N/A too: 5 / 10 = 50 %.
    assert result.scores.tolist() == [50.0, 50.0]
    assert column(result, "mini", "max_points") == [14.0, 10.0]
    assert result.unit("u2").nodes["area1"].applicable is False
    assert result.unit("u2").nodes["area1"].points is None


def test_missing_exclude_with_nothing_left_is_na() -> None:
    framework = build([leaf("a", 6), leaf("b", 4)], 10, missing="exclude")

    result = score_values(framework, ["u1"], [[NaN, NaN]])

    assert math.isnan(result.scores[0])
    assert result.unit("u1").rank is None


# --- input shape -----------------------------------------------------------------------------


def test_values_of_the_wrong_shape_are_refused() -> None:
    framework = build([leaf("a", 6), leaf("b", 4)], 10)

    with pytest.raises(ValueError, match=r"values must be 1 units × 2 leaves, got \(1, 3\)"):
        score_values(framework, ["u1"], [[1.0, 2.0, 3.0]])


def test_duplicate_unit_names_are_refused() -> None:
    framework = build([leaf("a", 6), leaf("b", 4)], 10)

    with pytest.raises(ValueError, match="unit names must be unique"):
        score_values(framework, ["u1", "u1"], [[1.0, 2.0], [1.0, 2.0]])


def test_the_input_is_not_changed_and_a_missing_bonus_stays_missing_in_values() -> None:
    framework = build([leaf("a", 6), leaf("bonus", 2, kind="bonus")], 6)
    values = np.array([[6.0, NaN]])

    result = score_values(framework, ["u1"], values)

    # The missing bonus counts 0 in the points but stays missing in the input and in ``values``.
    assert np.isnan(values[0, 1])
    assert np.isnan(result.values[0, 1])
    assert column(result, "bonus") == [0.0]
    assert column(result, "mini") == [6.0]


def test_no_units_score_to_empty_results() -> None:
    # A round with no units yet (or a header-only file) is empty, not a crash.
    framework = build([leaf("a", 6), leaf("b", 4, "percentage")], 10)

    result = score_values(framework, [], np.empty((0, 2)))

    assert result.scores.tolist() == []
    assert result.ranking() == []
    assert result.summary_rows() == []
    assert value_problems(framework, [], np.empty((0, 2))) == []

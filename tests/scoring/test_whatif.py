"""What-if and the path to a class or a top-N rank, on the hand-built round of test_diagnosis.

u1 scores 11/20 = 55 % (class D, rank 3 of 3); u2 100 %; u3 82.5 %. Single gains of u1:
p +15, s +12.5, o +12.5, pen +5, r 0 (see test_diagnosis).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govindex.scoring import ScoringInputError, score_values
from govindex.scoring.diagnosis import RoundInput
from govindex.scoring.framework import Direction, Kind, Rule
from govindex.scoring.whatif import path_to_target, what_if

from .builders import CLASSES, build, leaf
from .framework_strategies import applicability, frameworks, leaf_values, value_matrices
from .test_diagnosis import UNITS, VALUES, mini

EXACT = 1e-9


def test_what_if_gives_the_new_score_class_and_rank() -> None:
    result = what_if(mini(), UNITS, VALUES, None, None, "u1", {"p": 4, "s": 80})

    # p 4: area1 10; s 80 %: area2 (1 + .5)/2 × 10 = 7.5; total 10 + 7.5 − 1 = 16.5 → 82.5 %,
    # class B (≥ 80), tied with u3 at 82.5 → rank 2 (u2 first with 100).
    assert (result.score_before, result.score_after, result.difference) == pytest.approx(
        (55.0, 82.5, 27.5), abs=EXACT
    )
    assert (result.percent_before, result.percent_after) == pytest.approx((55.0, 82.5), abs=EXACT)
    assert (result.band_before.id, result.band_after.id) == ("D", "B")
    assert (result.rank_before, result.rank_after, result.ranked_before, result.ranked_after) == (
        3,
        2,
        3,
        3,
    )
    assert [
        (c.leaf_id, c.value_before, c.value_after, c.points_before, c.points_after)
        for c in result.changes
    ] == [("p", 1.0, 4.0, 1.0, 4.0), ("s", 40.0, 80.0, 3.0, 6.0)]


def test_what_if_equals_scoring_the_changed_matrix() -> None:
    changed = np.array(VALUES)
    changed[0, 0], changed[0, 2] = 4.0, 80.0

    result = what_if(mini(), UNITS, VALUES, None, None, "u1", {"p": 4, "s": 80})
    direct = score_values(mini(), UNITS, changed)

    assert np.array_equal(result.scores.scores, direct.scores)
    assert np.array_equal(result.scores.points, direct.points)
    assert np.array_equal(result.scores.ranks, direct.ranks)


def test_what_if_without_changes_is_the_round_as_it_is() -> None:
    result = what_if(mini(), UNITS, VALUES, None, None, "u3", {})

    assert (result.score_before, result.score_after, result.rank_before, result.rank_after) == (
        82.5,
        82.5,
        2,
        2,
    )
    assert result.changes == ()


def test_what_if_refuses_what_is_not_a_number_a_leaf_or_applicable() -> None:
    applicable = np.ones((3, 5), dtype=bool)
    applicable[0, 3] = False

    with pytest.raises(ValueError) as caught:
        what_if(
            mini(),
            UNITS,
            VALUES,
            applicable,
            None,
            "u1",
            {"zz": 1, "p": math.nan, "r": "6", "o": 50},
        )

    assert str(caught.value) == (
        "cannot change these values: 'zz' is not a leaf of mini; p: the value must be a finite "
        "number, got nan; r: the value must be a number, got '6'; o does not apply to u1"
    )
    with pytest.raises(ScoringInputError, match=r"u1 / p: 5 is outside 0–4"):
        what_if(mini(), UNITS, VALUES, None, None, "u1", {"p": 5})


def test_path_to_class_b_takes_the_two_largest_gains() -> None:
    path = path_to_target(mini(), UNITS, VALUES, None, None, "u1", "B")

    # p (+15) → 70 %, class C; then s and o tie at +12.5 and s lacks more points (3 against 2):
    # 82.5 % → B. No single criterion gains the 25 points needed.
    assert (path.reachable, path.already, path.target) == (True, False, "B")
    assert [(s.leaf_id, s.value_before, s.value_after) for s in path.steps] == [
        ("p", 1.0, 4.0),
        ("s", 40.0, 80.0),
    ]
    assert [s.gain for s in path.steps] == pytest.approx([15.0, 12.5], abs=EXACT)
    assert [s.score_after for s in path.steps] == pytest.approx([70.0, 82.5], abs=EXACT)
    assert (path.result.score_after, path.result.band_after.id, path.result.rank_after) == (
        82.5,
        "B",
        2,
    )


def test_path_to_class_a_needs_three_criteria() -> None:
    path = path_to_target(mini(), UNITS, VALUES, None, None, "u1", "A")

    # p, s → 82.5; o → area2 10, total 10 + 10 − 1 = 19 → 95 % (A). Any two give at most 82.5.
    assert [step.leaf_id for step in path.steps] == ["p", "s", "o"]
    assert (path.reachable, path.result.score_after, path.result.band_after.id) == (
        True,
        95.0,
        "A",
    )


def test_path_to_the_top_n_compares_with_the_other_units() -> None:
    top2 = path_to_target(mini(), UNITS, VALUES, None, None, "u1", 2)
    top1 = path_to_target(mini(), UNITS, VALUES, None, None, "u1", 1)

    # Top 2: reach u3's 82.5 (a tie shares rank 2): p and s. Top 1: reach u2's 100: everything.
    assert ([s.leaf_id for s in top2.steps], top2.result.rank_after) == (["p", "s"], 2)
    assert ([s.leaf_id for s in top1.steps], top1.result.rank_after) == (
        ["p", "s", "o", "pen"],
        1,
    )
    assert top1.result.score_after == 100.0


def test_a_target_already_met_needs_nothing() -> None:
    path = path_to_target(mini(), UNITS, VALUES, None, None, "u3", "B")

    assert (path.reachable, path.already, path.steps, path.result.score_after) == (
        True,
        True,
        (),
        82.5,
    )


def test_an_unreachable_target_says_so_with_the_best_the_unit_can_reach() -> None:
    # A z-score criterion never earns its full points: at the best unit's value (10) unit a's
    # share is Φ((10 − 8.333)/2.357) = Φ(.7071) = .7602, so its best total is 17.602 of 20 =
    # 88.01 %: class A (90) is out of reach.
    framework = build(
        [
            leaf("z", 10, "normalised", normalisation={"method": "z_score"}, source="data"),
            leaf("q", 10),
        ],
        20,
        classes=CLASSES,
    )
    values = [[0.0, 6.0], [10.0, 10.0], [5.0, 10.0]]

    path = path_to_target(framework, ["a", "b", "c"], values, None, None, "a", "A")

    best = (0.5 * (1 + math.erf((10 - 25 / 3) / np.std([10.0, 10.0, 5.0]) / math.sqrt(2)))) * 10
    assert (path.reachable, path.already) == (False, False)
    assert sorted(step.leaf_id for step in path.steps) == ["q", "z"]
    assert path.result.score_after == pytest.approx((best + 10) / 20 * 100, abs=EXACT)
    assert path.result.band_after.id == "B"


@pytest.mark.parametrize(
    ("target", "error", "message"),
    [
        ("E", ValueError, r"'E' is not a class of mini \(its classes: A, B, C, D\)"),
        (0, ValueError, r"a top-N target needs N ≥ 1, got 0"),
        (True, TypeError, r"a target is a band id or a top-N rank, not a boolean"),
        (2.5, TypeError, r"a target is a band id \(str\) or a top-N rank \(int\), got 2.5"),
    ],
)
def test_targets_are_checked(target, error, message) -> None:
    with pytest.raises(error, match=message):
        path_to_target(mini(), UNITS, VALUES, None, None, "u1", target)


def test_a_unit_without_a_score_cannot_ask_for_a_path() -> None:
    values = [row[:] for row in VALUES]
    values[0][0] = math.nan

    with pytest.raises(ValueError, match=r"u1 has no score \(a criterion value is missing\)"):
        path_to_target(mini(), UNITS, values, None, None, "u1", "A")


# --- properties ------------------------------------------------------------------------------

EXAMPLES = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@EXAMPLES
@given(data=st.data(), framework=frameworks())
def test_what_if_is_a_real_recomputation(data: st.DataObject, framework) -> None:
    values = data.draw(value_matrices(framework))
    flags = data.draw(st.one_of(st.none(), applicability(values.shape)))
    units = [f"unit {i}" for i in range(len(values))]
    position = data.draw(st.integers(0, len(units) - 1))
    inputs = RoundInput.of(framework, units, values, flags, None, units[position])
    candidates = [j for j in range(len(framework.leaf_ids)) if inputs.declared[position, j]]
    if not candidates:
        return
    chosen = data.draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=3, unique=True))
    changes = {framework.leaf_ids[j]: data.draw(leaf_values(framework, j)) for j in chosen}

    result = what_if(framework, units, values, flags, None, units[position], changes)

    changed = values.copy()
    for j in chosen:
        changed[position, j] = changes[framework.leaf_ids[j]]
    direct = score_values(framework, units, changed, flags)
    assert np.array_equal(result.scores.scores, direct.scores, equal_nan=True)
    assert np.array_equal(result.scores.points, direct.points, equal_nan=True)
    assert np.array_equal(result.scores.ranks, direct.ranks)
    unit = direct.unit(units[position])
    assert (result.score_after, result.rank_after, result.band_after) == (
        unit.score,
        unit.rank,
        unit.band,
    )


def goodness(framework, j: int) -> float:
    leaf = framework.leaves[j]
    return -1.0 if leaf.kind is Kind.PENALTY or leaf.direction is Direction.LOWER else 1.0


@EXAMPLES
@given(data=st.data(), framework=frameworks())
def test_raising_a_criterion_never_lowers_the_units_score(data: st.DataObject, framework) -> None:
    values = data.draw(value_matrices(framework))
    units = [f"unit {i}" for i in range(len(values))]
    position = data.draw(st.integers(0, len(units) - 1))
    j = data.draw(st.integers(0, len(framework.leaf_ids) - 1))
    higher = data.draw(leaf_values(framework, j).filter(lambda v: v >= values[position, j]))

    result = what_if(
        framework, units, values, None, None, units[position], {framework.leaf_ids[j]: higher}
    )

    # better for the unit (more points, a bonus) or worse (a penalty, a lower-is-better rate)
    before, after = result.score_before, result.score_after
    assert (before is None) == (after is None)
    if before is not None and after is not None:
        assert goodness(framework, j) * (after - before) >= -1e-9 * max(1.0, abs(before))


def sums_of_points(framework) -> bool:
    """Additive: only sums of points and percentage leaves, no bonus or penalty."""
    return all(
        leaf.rule in (Rule.POINTS, Rule.PERCENTAGE) and leaf.kind is Kind.REGULAR
        for leaf in framework.leaves
    )


@EXAMPLES
@given(
    data=st.data(),
    framework=frameworks(
        aggregations=("sum", "weighted_sum"), rules=("points", "percentage"), adjustments=False
    ),
)
def test_under_sums_no_smaller_set_of_criteria_reaches_the_target(
    data: st.DataObject, framework
) -> None:
    assert sums_of_points(framework)
    values = data.draw(value_matrices(framework, min_units=2, max_units=5))
    units = [f"unit {i}" for i in range(len(values))]
    position = data.draw(st.integers(0, len(units) - 1))
    target = data.draw(st.integers(1, len(units)))
    unit = units[position]

    path = path_to_target(framework, units, values, None, None, unit, target)

    inputs = RoundInput.of(framework, units, values, None, None, unit)
    if path.reachable:
        assert path.result.rank_after is not None and path.result.rank_after <= target
    leaves = inputs.improvable(inputs.values, inputs.base)
    if not path.reachable:
        # nothing reaches it: not even every criterion at its best
        everything = {framework.leaf_ids[j]: inputs.best_values[j] for j in leaves}
        best = what_if(framework, units, values, None, None, unit, everything)
        assert best.rank_after is not None and best.rank_after > target
        return
    if path.already or len(leaves) > 8:  # (beyond 8 criteria the subsets get too many)
        return
    for subset in itertools.combinations(leaves, len(path.steps) - 1):
        changes = {framework.leaf_ids[j]: inputs.best_values[j] for j in subset}
        attempt = what_if(framework, units, values, None, None, unit, changes)
        assert attempt.rank_after is not None and attempt.rank_after > target, subset

"""Hypothesis properties of the scoring engine on random frameworks and random values.

Bounds, monotonicity, invariance under permuting the units, equal ranks for equal totals, and
the effect of marking a criterion not applicable.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govindex.scoring import competition_rank, score_values
from govindex.scoring.framework import Direction, Framework, Kind, Method, Rule, Scale
from govindex.scoring.results import RoundScores

from .framework_strategies import (
    ancestors,
    applicability,
    frameworks,
    leaf_values,
    value_matrices,
)

EXAMPLES = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TOLERANCE = 1e-9


def unit_names(n_units: int) -> list[str]:
    return [f"unit {i}" for i in range(n_units)]


def close(first: np.ndarray, second: np.ndarray) -> bool:
    """Equal to 1e-9 (relative to the magnitude), NaN matching NaN."""
    return bool(np.allclose(first, second, rtol=TOLERANCE, atol=TOLERANCE, equal_nan=True))


def not_lower(old: float, new: float) -> bool:
    """``new`` ≥ ``old`` up to float noise; N/A stays N/A (nothing here can make a value N/A)."""
    if np.isnan(old) or np.isnan(new):
        return bool(np.isnan(old) and np.isnan(new))
    return new - old >= -TOLERANCE * max(1.0, abs(old))


def goodness(framework: Framework, leaf_position: int) -> float:
    """+1 when a higher value is better for the unit, −1 when it is worse."""
    leaf = framework.leaves[leaf_position]
    if leaf.kind is Kind.PENALTY or leaf.direction is Direction.LOWER:
        return -1.0
    return 1.0


def cross_unit(framework: Framework, leaf_position: int) -> bool:
    """min-max and z-score leaves depend on the other units' values."""
    leaf = framework.leaves[leaf_position]
    return (
        leaf.rule is Rule.NORMALISED
        and leaf.normalisation is not None
        and leaf.normalisation.method is not Method.GOALPOSTS
    )


# --- bounds ----------------------------------------------------------------------------------


@EXAMPLES
@given(data=st.data(), framework=frameworks())
def test_every_score_and_node_lies_within_0_and_its_max(data: st.DataObject, framework) -> None:
    values = data.draw(value_matrices(framework, missing=True))
    applicable = data.draw(applicability(values.shape))

    result = score_values(framework, unit_names(len(values)), values, applicable)

    upper = 100.0 if framework.scale is Scale.PERCENT else framework.root.max_points
    scores = result.scores[~np.isnan(result.scores)]
    assert np.all(scores >= -TOLERANCE)
    assert np.all(scores <= upper * (1 + TOLERANCE))
    regular = [i for i, node in enumerate(framework.nodes) if node.kind is Kind.REGULAR]
    points = result.points[:, regular]
    maxima = result.max_points[:, regular]
    known = ~np.isnan(points)
    assert np.all(points[known] >= -TOLERANCE)
    assert np.all(points[known] <= maxima[known] * (1 + TOLERANCE) + TOLERANCE)
    # An applicable max never exceeds the declared one.
    declared = np.asarray([framework.nodes[i].max_points for i in regular])
    assert np.all(maxima <= declared * (1 + TOLERANCE))


# --- monotonicity ----------------------------------------------------------------------------


@EXAMPLES
@given(data=st.data(), framework=frameworks())
def test_raising_a_points_or_percentage_leaf_never_lowers_any_total(
    data: st.DataObject, framework
) -> None:
    candidates = [i for i, leaf in enumerate(framework.leaves) if leaf.rule is not Rule.NORMALISED]
    if not candidates:
        return
    values = data.draw(value_matrices(framework))
    applicable = data.draw(st.one_of(st.none(), applicability(values.shape)))
    unit = data.draw(st.integers(0, len(values) - 1))
    leaf = data.draw(st.sampled_from(candidates))
    higher = data.draw(leaf_values(framework, leaf).filter(lambda v: v >= values[unit, leaf]))
    raised = values.copy()
    raised[unit, leaf] = higher
    units = unit_names(len(values))

    before = score_values(framework, units, values, applicable)
    after = score_values(framework, units, raised, applicable)

    # Better for the unit (a higher points/percentage value, a bonus) or worse (a penalty, a
    # lower-is-better percentage): every ancestor moves the same way or not at all.
    sign = goodness(framework, leaf)
    for node_id in ancestors(framework, framework.leaf_ids[leaf]):
        column = framework.node_index[node_id]
        old, new = before.points[unit, column], after.points[unit, column]
        assert not_lower(sign * old, sign * new), (node_id, old, new)
    assert not_lower(sign * before.scores[unit], sign * after.scores[unit])
    # Points and percentages do not depend on other units: nobody else moves.
    others = [i for i in range(len(values)) if i != unit]
    assert close(before.points[others], after.points[others])


# --- permutation -----------------------------------------------------------------------------


def per_unit(result: RoundScores, unit: str) -> tuple[np.ndarray, ...]:
    position = result.unit_index[unit]
    return (
        result.scores[position : position + 1],
        result.points[position],
        result.max_points[position],
        result.applicable[position].astype(float),
        result.ranks[position : position + 1].astype(float),
    )


@EXAMPLES
@given(data=st.data(), framework=frameworks())
def test_permuting_the_units_changes_no_units_result(data: st.DataObject, framework) -> None:
    values = data.draw(value_matrices(framework, min_units=2, missing=True))
    applicable = data.draw(st.one_of(st.none(), applicability(values.shape)))
    order = data.draw(st.permutations(range(len(values))))
    units = unit_names(len(values))

    result = score_values(framework, units, values, applicable)
    shuffled = score_values(
        framework,
        [units[i] for i in order],
        values[order],
        None if applicable is None else applicable[order],
    )

    for unit in units:
        for first, second in zip(per_unit(result, unit), per_unit(shuffled, unit), strict=True):
            assert close(first, second), unit


# --- ranks -----------------------------------------------------------------------------------


@EXAMPLES
@given(data=st.data(), framework=frameworks())
def test_equal_totals_get_equal_ranks(data: st.DataObject, framework) -> None:
    values = data.draw(value_matrices(framework, missing=True))
    copies = data.draw(st.lists(st.integers(0, len(values) - 1), min_size=1, max_size=3))
    # Some units appear again under another name: same values, so the same total.
    matrix = np.vstack([values, values[copies]])
    units = unit_names(len(values)) + [f"copy {i}" for i in range(len(copies))]

    result = score_values(framework, units, matrix)

    for position, original in enumerate(copies, start=len(values)):
        assert result.ranks[position] == result.ranks[original]
    # Standard competition ranking: 1 + the number of units strictly better (to 9 decimals).
    rounded = np.round(result.scores, 9)
    for position, score in enumerate(rounded):
        if np.isnan(score):
            assert result.ranks[position] == 0
        else:
            assert result.ranks[position] == 1 + int(np.sum(rounded > score))
    assert result.ranks.tolist() == competition_rank(result.scores).tolist()


# --- not applicable --------------------------------------------------------------------------


@EXAMPLES
@given(data=st.data(), framework=frameworks())
def test_marking_a_criterion_not_applicable_changes_only_its_ancestors(
    data: st.DataObject, framework
) -> None:
    values = data.draw(value_matrices(framework))
    unit = data.draw(st.integers(0, len(values) - 1))
    leaf = data.draw(st.integers(0, len(framework.leaves) - 1))
    applicable = np.ones(values.shape, dtype=bool)
    applicable[unit, leaf] = False
    units = unit_names(len(values))

    before = score_values(framework, units, values)
    after = score_values(framework, units, values, applicable)

    leaf_id = framework.leaf_ids[leaf]
    changed = ancestors(framework, leaf_id) | {leaf_id}
    keep = [i for i, node_id in enumerate(framework.node_ids) if node_id not in changed]
    for what in ("points", "max_points", "applicable"):
        old, new = getattr(before, what)[unit, keep], getattr(after, what)[unit, keep]
        assert close(old.astype(float), new.astype(float)), what
    shares_before = [before.unit(units[unit]).nodes[framework.node_ids[i]].share for i in keep]
    shares_after = [after.unit(units[unit]).nodes[framework.node_ids[i]].share for i in keep]
    assert close(np.array(shares_before, float), np.array(shares_after, float))
    # The leaf itself now has max 0 and no points.
    assert after.unit(units[unit]).nodes[leaf_id].points is None
    assert after.unit(units[unit]).nodes[leaf_id].max_points == 0.0
    if not cross_unit(framework, leaf):
        others = [i for i in range(len(values)) if i != unit]
        assert close(before.points[others], after.points[others])
        assert close(before.max_points[others], after.max_points[others])
        assert close(before.scores[others], after.scores[others])


@EXAMPLES
@given(
    data=st.data(),
    framework=frameworks(aggregations=("sum",), rules=("points", "percentage"), adjustments=False),
)
def test_under_sums_the_percent_is_the_others_points_over_the_others_max(
    data: st.DataObject, framework
) -> None:
    values = data.draw(value_matrices(framework))
    unit = data.draw(st.integers(0, len(values) - 1))
    leaf = data.draw(st.integers(0, len(framework.leaves) - 1))
    applicable = np.ones(values.shape, dtype=bool)
    applicable[unit, leaf] = False

    result = score_values(framework, unit_names(len(values)), values, applicable)
    full = score_values(framework, unit_names(len(values)), values)

    others = [i for i in range(len(framework.leaves)) if i != leaf]
    leaf_columns = [framework.node_index[leaf_id] for leaf_id in framework.leaf_ids]
    leaf_points = full.points[unit, leaf_columns]
    leaf_max = np.asarray([node.max_points for node in framework.leaves])
    if not others:  # the only leaf does not apply: nothing is left to score
        assert np.isnan(result.scores[unit])
        return
    expected = leaf_points[others].sum() / leaf_max[others].sum() * 100
    percent = result.unit(unit_names(len(values))[unit]).percent
    assert percent is not None
    assert abs(percent - expected) <= TOLERANCE * 100
    assert result.max_points[unit, 0] == leaf_max[others].sum()

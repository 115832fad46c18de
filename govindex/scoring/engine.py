"""Score a round: leaf rules, normalisation across units, aggregation up the tree, scores.

The framework is compiled once (and cached) into a plan: every node gets a row in nodes × units
arrays — leaves first in framework order, then internal nodes deepest first — so that a node's
children are usually a contiguous block of rows. Scoring is then a few vectorised numpy
operations per node, whatever the number of units.

Two paths share the plan. When every leaf applies to every unit (the common case), each node's
maximum is a constant and an aggregation is a fixed linear combination of its children's rows.
Otherwise maxima and applicability are tracked per unit and mean-type aggregations re-weight
over the children that apply. Measured in ``bench/scoring.py``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from govindex.scoring.errors import InputProblem, ScoringInputError
from govindex.scoring.framework import (
    Aggregation,
    Direction,
    Framework,
    Kind,
    Method,
    MissingPolicy,
    Node,
    Normalisation,
    Rule,
    Scale,
)
from govindex.scoring.results import BoolArray, FloatArray, RoundScores

IntArray = npt.NDArray[np.intp]

#: Marks a leaf that does not apply to a unit in ``score_round`` input mappings.
NOT_APPLICABLE = "not_applicable"


Rows = slice | IntArray


@dataclass(frozen=True, eq=False)
class _Step:
    """One internal node: its row, its children's rows and how they combine."""

    row: int
    aggregation: Aggregation
    max_points: float
    uniform_max: float
    regular: Rows
    weights: FloatArray
    child_max: FloatArray
    coefficients: FloatArray
    plus: IntArray
    minus: IntArray
    is_adjustment: bool


@dataclass(frozen=True, eq=False)
class _Plan:
    rows: Mapping[str, int]
    leaf_max: FloatArray
    uniform_max: FloatArray
    points_leaves: IntArray
    percentage_leaves: IntArray
    percentage_runs: tuple[tuple[slice, FloatArray, FloatArray], ...]
    percentage_lower: tuple[tuple[int, float], ...]
    normalised: tuple[tuple[int, Normalisation, Direction], ...]
    adjusting_leaves: IntArray
    steps: tuple[_Step, ...]


def _indices(values: Sequence[int]) -> IntArray:
    return np.asarray(values, dtype=np.intp)


def _rows(rows: Sequence[int]) -> Rows:
    """A slice when the rows are consecutive (a view, no copy), else an index array."""
    if rows and list(rows) == list(range(rows[0], rows[0] + len(rows))):
        return slice(rows[0], rows[0] + len(rows))
    return _indices(rows)


@lru_cache(maxsize=64)
def _plan(framework: Framework) -> _Plan:
    leaves = framework.leaves
    depth = {framework.root.id: 0}
    for node in framework.nodes[1:]:
        depth[node.id] = depth[framework.parent_of[node.id]] + 1
    internal = [node for node in framework.nodes if not node.is_leaf]
    internal.sort(key=lambda node: -depth[node.id])  # stable: pre-order within a depth
    row = {node.id: position for position, node in enumerate([*leaves, *internal])}

    uniform_max = np.zeros(len(row))
    uniform_max[: len(leaves)] = [leaf.max_points for leaf in leaves]
    steps = []
    for node in internal:
        regular = [child for child in node.children if not child.is_adjustment]
        if node.aggregation not in (Aggregation.SUM, Aggregation.MEAN):
            regular = [child for child in regular if child.weight > 0]  # weight 0 counts nothing
        weights = np.asarray(
            [1.0 if node.aggregation is Aggregation.MEAN else child.weight for child in regular]
        )
        child_max = np.asarray([uniform_max[row[child.id]] for child in regular])
        if node.kind is Kind.ADJUSTMENT or node.aggregation is Aggregation.SUM:
            maximum = node.max_points if node.kind is Kind.ADJUSTMENT else child_max.sum()
            coefficients = np.ones(len(regular))
        elif node.aggregation is Aggregation.WEIGHTED_SUM:
            maximum, coefficients = float(weights @ child_max), weights
        else:  # mean-type: share = Σ w·(points/max) / Σ w; points = share × declared max
            maximum = node.max_points
            coefficients = weights / weights.sum() / child_max * node.max_points
            if node.aggregation is Aggregation.GEOMETRIC_MEAN:
                coefficients = weights / weights.sum()
        uniform_max[row[node.id]] = maximum
        steps.append(
            _Step(
                row=row[node.id],
                aggregation=node.aggregation,
                max_points=node.max_points,
                uniform_max=float(maximum),
                regular=_rows([row[child.id] for child in regular]),
                weights=weights,
                child_max=child_max,
                coefficients=coefficients,
                plus=_indices(
                    [row[c.id] for c in node.children if c.kind in (Kind.BONUS, Kind.ADJUSTMENT)]
                ),
                minus=_indices([row[c.id] for c in node.children if c.kind is Kind.PENALTY]),
                is_adjustment=node.kind is Kind.ADJUSTMENT,
            )
        )

    def leaves_where(rule: Rule) -> list[int]:
        return [i for i, leaf in enumerate(leaves) if leaf.rule is rule]

    percentage = leaves_where(Rule.PERCENTAGE)
    return _Plan(
        rows=row,
        leaf_max=uniform_max[: len(leaves)].copy(),
        uniform_max=uniform_max,
        points_leaves=_indices(leaves_where(Rule.POINTS)),
        percentage_leaves=_indices(percentage),
        percentage_runs=_percentage_runs(leaves),
        percentage_lower=tuple(
            (i, leaves[i].threshold) for i in percentage if leaves[i].direction is Direction.LOWER
        ),
        normalised=tuple(
            (i, leaf.normalisation, leaf.direction)
            for i, leaf in enumerate(leaves)
            if leaf.rule is Rule.NORMALISED and leaf.normalisation is not None
        ),
        adjusting_leaves=_indices([i for i, leaf in enumerate(leaves) if leaf.is_adjustment]),
        steps=tuple(steps),
    )


def _percentage_runs(
    leaves: Sequence[Node],
) -> tuple[tuple[slice, FloatArray, FloatArray], ...]:
    """Consecutive higher-is-better percentage leaves, as (rows, threshold, max) columns."""
    runs: list[list[int]] = []
    for i, leaf in enumerate(leaves):
        if leaf.rule is Rule.PERCENTAGE and leaf.direction is Direction.HIGHER:
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
    return tuple(
        (
            slice(run[0], run[-1] + 1),
            np.asarray([leaves[i].threshold for i in run])[:, None],
            np.asarray([leaves[i].max_points for i in run])[:, None],
        )
        for run in runs
    )


def score_values(
    framework: Framework,
    units: Sequence[str],
    values: npt.ArrayLike,
    applicable: npt.ArrayLike | None = None,
    unit_kinds: Sequence[str | None] | None = None,
) -> RoundScores:
    """Score ``values`` (units × leaves, in ``framework.leaf_ids`` order, NaN = missing).

    ``applicable`` (units × leaves, bool) marks leaves that apply to each unit; ``unit_kinds``
    adds the framework's own ``applies_to`` rules. A leaf that does not apply leaves the
    denominator. Raises ``ScoringInputError`` listing every value the rules do not accept.
    ``values`` is kept in the result as given (not copied): do not change it afterwards.
    """
    plan = _plan(framework)
    units = tuple(units)
    n_units, n_leaves = len(units), len(framework.leaf_ids)
    given = np.asarray(values, dtype=float)
    if given.shape != (n_units, n_leaves):
        raise ValueError(f"values must be {n_units} units × {n_leaves} leaves, got {given.shape}")
    if len(set(units)) != n_units:
        raise ValueError("unit names must be unique")
    leaf_applies = _leaf_applicability(framework, applicable, unit_kinds, n_units)

    points = np.empty((len(plan.rows), n_units))
    leaf_points = points[:n_leaves]  # leaves × units, a view: filled with values, then points
    leaf_points[...] = given.T
    problems = _value_problems(framework, plan, units, leaf_points, leaf_applies)
    if problems:
        raise ScoringInputError(problems)
    if framework.clip:
        for leaves, upper, _ in _range_checks(plan):
            leaf_points[leaves] = np.clip(leaf_points[leaves], 0.0, upper[:, None])
    if plan.adjusting_leaves.size:  # no bonus or penalty recorded means none was awarded
        adjusting = plan.adjusting_leaves
        leaf_points[adjusting] = np.nan_to_num(leaf_points[adjusting], nan=0.0)
    if framework.missing is MissingPolicy.EXCLUDE:
        present = ~np.isnan(leaf_points)
        leaf_applies = present if leaf_applies is None else leaf_applies & present
    if leaf_applies is not None and leaf_applies.all():
        leaf_applies = None
    _apply_leaf_rules(plan, leaf_points, leaf_applies)

    if leaf_applies is None:
        for step in plan.steps:
            _aggregate_uniform(step, points)
        max_points = np.broadcast_to(plan.uniform_max[:, None], points.shape)
        applies = np.broadcast_to(np.True_, points.shape)
    else:
        max_points = np.zeros_like(points)
        applies = np.zeros(points.shape, dtype=bool)
        np.copyto(leaf_points, 0.0, where=~leaf_applies)
        max_points[:n_leaves] = leaf_applies * plan.leaf_max[:, None]
        applies[:n_leaves] = leaf_applies
        for step in plan.steps:
            _aggregate(step, points, max_points, applies)

    root = plan.rows[framework.root.id]
    with np.errstate(invalid="ignore", divide="ignore"):
        if framework.scale is Scale.PERCENT:
            scores = np.where(applies[root], points[root] / max_points[root] * 100.0, np.nan)
        else:
            scores = np.where(applies[root], points[root], np.nan)
    given = given.view()
    for array in (given, points, scores):
        array.flags.writeable = False
    return RoundScores(
        framework=framework,
        units=units,
        values=given,
        rows=plan.rows,
        node_points=points,
        node_max=max_points,
        node_applicable=applies,
        scores=scores,
    )


def _leaf_applicability(
    framework: Framework,
    applicable: npt.ArrayLike | None,
    unit_kinds: Sequence[str | None] | None,
    n_units: int,
) -> BoolArray | None:
    """Leaves × units: which leaf applies to which unit; ``None`` when all apply to all."""
    leaf_applies = None
    if applicable is not None:
        leaf_applies = np.asarray(applicable, dtype=bool).T.copy()
        if leaf_applies.shape != (len(framework.leaf_ids), n_units):
            raise ValueError("applicable must have the shape of values (units × leaves)")
    if unit_kinds is not None:
        by_kind = {kind: framework.leaf_applicability(kind) for kind in set(unit_kinds)}
        if not all(all(flags) for flags in by_kind.values()):
            kinds = np.asarray([by_kind[kind] for kind in unit_kinds], dtype=bool)
            kinds = kinds.reshape(n_units, -1).T
            leaf_applies = kinds if leaf_applies is None else leaf_applies & kinds
    return leaf_applies


def score_round(
    framework: Framework,
    values_by_unit: Mapping[str, Mapping[str, float | str | None]],
    unit_kinds: Mapping[str, str | None] | None = None,
) -> RoundScores:
    """Score units given as ``{unit: {leaf_id: value}}``; a value may be ``None`` (missing) or
    ``NOT_APPLICABLE``. Leaves absent from a unit's mapping are missing."""
    units, matrix, applicable = values_matrix(framework, values_by_unit)
    kinds = [unit_kinds.get(unit) for unit in units] if unit_kinds else None
    return score_values(framework, units, matrix, applicable, kinds)


def values_matrix(
    framework: Framework, values_by_unit: Mapping[str, Mapping[str, float | str | None]]
) -> tuple[tuple[str, ...], FloatArray, BoolArray]:
    """``{unit: {leaf id: value}}`` (as ``score_round`` takes it) as units, a units × leaves
    matrix (NaN = missing) and the applicability matrix (``NOT_APPLICABLE`` → False)."""
    units = tuple(values_by_unit)
    column = {leaf_id: i for i, leaf_id in enumerate(framework.leaf_ids)}
    matrix = np.full((len(units), len(column)), np.nan)
    applicable = np.ones_like(matrix, dtype=bool)
    for row, unit in enumerate(units):
        for leaf_id, value in values_by_unit[unit].items():
            if leaf_id not in column:
                raise ValueError(f"{unit}: {leaf_id!r} is not a leaf of {framework.id}")
            if value == NOT_APPLICABLE:
                applicable[row, column[leaf_id]] = False
            elif value is not None:
                matrix[row, column[leaf_id]] = float(value)
    return units, matrix, applicable


def value_problems(
    framework: Framework,
    units: Sequence[str],
    matrix: FloatArray,
    applies: BoolArray | None = None,
) -> list[InputProblem]:
    """Entered points must lie in [0, max] and percentages in [0, 100] (unless the framework
    says clip): every value (units × leaves) that does not, in unit then leaf order."""
    leaf_applies = None if applies is None else np.asarray(applies, dtype=bool).T
    return _value_problems(
        framework, _plan(framework), units, np.asarray(matrix, dtype=float).T, leaf_applies
    )


def _value_problems(
    framework: Framework,
    plan: _Plan,
    units: Sequence[str],
    leaf_values: FloatArray,
    leaf_applies: BoolArray | None,
) -> list[InputProblem]:
    if framework.clip:
        return []
    # Cheap test first: only leaves whose smallest or largest value is out of range are searched
    # cell by cell (fmin/fmax skip NaN).
    smallest = np.fmin.reduce(leaf_values, axis=1, initial=np.inf)  # initial: 0 units is fine
    largest = np.fmax.reduce(leaf_values, axis=1, initial=-np.inf)
    problems: list[InputProblem] = []
    for leaves, upper, what in _range_checks(plan):
        suspect = (smallest[leaves] < 0) | (largest[leaves] > upper)
        for position in np.flatnonzero(suspect):
            leaf = int(leaves[position])
            row = leaf_values[leaf]
            bad = (row < 0) | (row > upper[position])
            if leaf_applies is not None:
                bad &= leaf_applies[leaf]
            for unit in np.flatnonzero(bad).tolist():
                limit = upper[position]
                problems.append(
                    InputProblem(
                        unit_index=int(unit),
                        unit=units[unit],
                        leaf_id=framework.leaves[leaf].id,
                        value=float(row[unit]),
                        message=f"{row[unit]:g} is outside 0–{limit:g} "
                        f"(expected {what} between 0 and {limit:g})",
                    )
                )
    problems.sort(key=lambda p: (p.unit_index, framework.leaf_ids.index(p.leaf_id)))
    return problems


def _range_checks(plan: _Plan) -> list[tuple[IntArray, FloatArray, str]]:
    checks = [
        (plan.points_leaves, plan.leaf_max[plan.points_leaves], "points"),
        (plan.percentage_leaves, np.full(plan.percentage_leaves.size, 100.0), "a percentage"),
    ]
    return [check for check in checks if check[0].size]


def _apply_leaf_rules(plan: _Plan, leaf_points: FloatArray, applies: BoolArray | None) -> None:
    """Turn leaf values into points in place; ``points`` rows stay as entered."""
    for rows, thresholds, maxima in plan.percentage_runs:
        # min(1, rate / threshold) × max, in place; in this order a rate at or above the
        # threshold earns exactly the max (rate × (max / threshold) can fall an ulp short)
        block = leaf_points[rows]
        np.divide(block, thresholds, out=block)
        np.minimum(block, 1.0, out=block)
        np.multiply(block, maxima, out=block)
    for leaf, threshold in plan.percentage_lower:
        rates = leaf_points[leaf]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(rates <= 0, 1.0, np.minimum(1.0, threshold / rates))
        leaf_points[leaf] = np.where(np.isnan(rates), np.nan, share) * plan.leaf_max[leaf]
    for leaf, normalisation, direction in plan.normalised:
        include = None if applies is None else applies[leaf]
        share = normalise(leaf_points[leaf], normalisation, direction, include)
        leaf_points[leaf] = share * plan.leaf_max[leaf]


def normalise(
    column: FloatArray,
    normalisation: Normalisation,
    direction: Direction,
    include: BoolArray | None = None,
) -> FloatArray:
    """Map raw values to shares in [0, 1] across the units where ``include`` holds.

    min-max: (x − min) / (max − min); all equal → 1 (nobody is behind the best).
    goalposts: (x − lower) / (upper − lower), clipped to [0, 1].
    z-score: Φ((x − mean) / sd), the standard normal CDF; all equal → 0.5.
    ``direction: lower`` mirrors each (the smallest raw value gets the highest share).
    """
    mask = ~np.isnan(column) if include is None else include & ~np.isnan(column)
    sign = -1.0 if direction is Direction.LOWER else 1.0
    oriented = sign * column
    if normalisation.method is Method.GOALPOSTS:
        assert normalisation.lower is not None and normalisation.upper is not None
        low, high = sign * normalisation.lower, sign * normalisation.upper
        low, high = min(low, high), max(low, high)
        share = np.clip((oriented - low) / (high - low), 0.0, 1.0)
    elif not mask.any():
        share = np.full_like(column, np.nan)
    elif normalisation.method is Method.MIN_MAX:
        observed = oriented[mask]
        low, high = observed.min(), observed.max()
        share = np.ones_like(column) if high == low else (oriented - low) / (high - low)
    else:
        observed = oriented[mask]
        spread = observed.std()
        if spread == 0:
            share = np.full_like(column, 0.5)
        else:
            z = (oriented - observed.mean()) / spread
            share = 0.5 * (1.0 + _erf(z / math.sqrt(2.0)))
    return np.where(np.isnan(column), np.nan, share)


_erf = np.frompyfunc(math.erf, 1, 1)


def _aggregate_uniform(step: _Step, points: FloatArray) -> None:
    """Fill one node's row when every leaf applies to every unit: maxima are constants."""
    if step.is_adjustment:
        points[step.row] = points[step.plus].sum(axis=0) - points[step.minus].sum(axis=0)
        return
    children = points[step.regular]
    if step.aggregation is Aggregation.SUM:
        total = children.sum(axis=0)
    elif step.aggregation is Aggregation.GEOMETRIC_MEAN:
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log(np.maximum(children / step.child_max[:, None], 0.0))
            total = np.exp((logs * step.coefficients[:, None]).sum(axis=0)) * step.max_points
    else:
        total = (children * step.coefficients[:, None]).sum(axis=0)
    if step.plus.size or step.minus.size:
        adjustment = points[step.plus].sum(axis=0) - points[step.minus].sum(axis=0)
        total = np.clip(total + adjustment, 0.0, step.uniform_max)
    points[step.row] = total


def _aggregate(step: _Step, points: FloatArray, max_points: FloatArray, applies: BoolArray) -> None:
    """Fill one internal node's row from its children's rows (nodes × units arrays)."""
    row = step.row
    if step.is_adjustment:
        points[row] = points[step.plus].sum(axis=0) - points[step.minus].sum(axis=0)
        max_points[row] = step.max_points
        applies[row] = True
        return
    child_points = points[step.regular]
    child_max = max_points[step.regular]
    if step.aggregation is Aggregation.SUM:
        total = child_points.sum(axis=0)
        maximum = child_max.sum(axis=0)
    elif step.aggregation is Aggregation.WEIGHTED_SUM:
        total = step.weights @ child_points
        maximum = step.weights @ child_max
    else:
        weights = applies[step.regular] * step.weights[:, None]
        denominator = weights.sum(axis=0)
        used = weights > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = np.where(used, child_points / np.where(used, child_max, 1.0), 1.0)
            if step.aggregation is Aggregation.GEOMETRIC_MEAN:
                logs = np.where(used, np.log(np.maximum(shares, 0.0)), 0.0)
                share = np.exp((weights * logs).sum(axis=0) / denominator)
            else:
                share = (weights * np.where(used, shares, 0.0)).sum(axis=0) / denominator
        maximum = np.where(denominator > 0, step.max_points, 0.0)
        total = np.where(denominator > 0, share * step.max_points, 0.0)
    applicable = maximum > 0
    if step.plus.size or step.minus.size:
        adjustment = points[step.plus].sum(axis=0) - points[step.minus].sum(axis=0)
        total = np.clip(total + adjustment, 0.0, maximum)
    points[row] = np.where(applicable, total, 0.0)
    max_points[row] = maximum
    applies[row] = applicable

"""What-if: a unit's score, class and rank with some criterion values changed, and the fewest
criteria it must bring to their best to reach a class or a top-N rank.

Both are real recomputations: ``what_if`` scores the whole round again through
``score_values`` with the changed values (other units' results move too where a criterion
compares units with each other), nothing is approximated and nothing is stored.

``path_to_target`` is greedy: it raises to its best value (see ``diagnosis``) the criterion
that adds most to the unit's score, scores again, and repeats until the target is met. The
gains are recomputed after every pick because a criterion's gain can depend on the others
(a geometric mean, a bonus clipped at its area's maximum, a min-max leaf).

Why the greedy choice gives the fewest criteria when the framework is additive — every node a
sum, weighted sum or (weighted) mean over a fixed set of applicable children, no bonus or
penalty clipped at a maximum, no min-max or z-score leaf: the unit's score is then a fixed
linear function of its leaves' points, so raising a set of criteria adds exactly the sum of
their single gains, and the other units do not move. The largest possible gain of any k
criteria is the sum of the k largest single gains, which is what the greedy order has after k
picks. A class target is a score threshold and a top-N target is "score at least the N-th best
other unit's", so if some set of k criteria reaches the target, the greedy first k do too; it
stops at the first k that does, hence no smaller set exists. For other frameworks the result
reaches the target when any set does (it ends with every criterion at its best), but a smaller
set may exist.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from govindex.scoring.diagnosis import RoundInput
from govindex.scoring.framework import Band, Framework, Kind
from govindex.scoring.ranking import TIE_DECIMALS
from govindex.scoring.results import FloatArray, RoundScores

#: How a target is given: a band id (``"A"``) or a top-N rank (``3``).
Target = str | int


@dataclass(frozen=True)
class LeafChange:
    """One criterion's value and points before and after (``None``: missing or N/A)."""

    leaf_id: str
    value_before: float | None
    value_after: float | None
    points_before: float | None
    points_after: float | None


@dataclass(frozen=True)
class WhatIfResult:
    """The unit's headline result before and after the changes; ``ranked`` counts the units with
    a rank (the "of n"). ``scores`` is the recomputed round."""

    unit: str
    changes: tuple[LeafChange, ...]
    score_before: float | None
    score_after: float | None
    percent_before: float | None
    percent_after: float | None
    band_before: Band | None
    band_after: Band | None
    rank_before: int | None
    rank_after: int | None
    ranked_before: int
    ranked_after: int
    scores: RoundScores = field(repr=False, compare=False)

    @property
    def difference(self) -> float | None:
        if self.score_before is None or self.score_after is None:
            return None
        return self.score_after - self.score_before


@dataclass(frozen=True)
class PathStep:
    """A criterion raised to its best value, and the unit's score once it is."""

    leaf_id: str
    value_before: float | None
    value_after: float
    gain: float
    score_after: float | None


@dataclass(frozen=True)
class PathResult:
    """What it takes to reach ``target``: the criteria in the order chosen, the recomputed result
    with all of them at their best, and whether that meets the target (when it does not, the
    result is the best the unit can reach: every criterion at its best)."""

    unit: str
    target: Target
    reachable: bool
    already: bool
    steps: tuple[PathStep, ...]
    result: WhatIfResult


def _optional(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _checked_changes(data: RoundInput, changes: Mapping[str, float]) -> dict[int, float]:
    column = {leaf_id: j for j, leaf_id in enumerate(data.framework.leaf_ids)}
    checked: dict[int, float] = {}
    problems = []
    for leaf_id, value in changes.items():
        if leaf_id not in column:
            problems.append(f"{leaf_id!r} is not a leaf of {data.framework.id}")
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{leaf_id}: the value must be a number, got {value!r}")
            continue
        if not np.isfinite(value):
            problems.append(f"{leaf_id}: the value must be a finite number, got {value!r}")
            continue
        if not data.declared[data.position, column[leaf_id]]:
            problems.append(f"{leaf_id} does not apply to {data.unit}")
            continue
        checked[column[leaf_id]] = float(value)
    if problems:
        raise ValueError("cannot change these values: " + "; ".join(problems))
    return checked


def _result(data: RoundInput, changed: Mapping[int, float], after: RoundScores) -> WhatIfResult:
    before, u = data.base, data.position
    rows = before.rows
    leaf_ids = data.framework.leaf_ids
    changes = tuple(
        LeafChange(
            leaf_id=leaf_ids[j],
            value_before=_optional(data.values[u, j]),
            value_after=value,
            points_before=_optional(before.node_points[rows[leaf_ids[j]], u]),
            points_after=_optional(after.node_points[rows[leaf_ids[j]], u]),
        )
        for j, value in sorted(changed.items())
    )
    unit_before, unit_after = before.unit(data.unit), after.unit(data.unit)
    return WhatIfResult(
        unit=data.unit,
        changes=changes,
        score_before=unit_before.score,
        score_after=unit_after.score,
        percent_before=unit_before.percent,
        percent_after=unit_after.percent,
        band_before=unit_before.band,
        band_after=unit_after.band,
        rank_before=unit_before.rank,
        rank_after=unit_after.rank,
        ranked_before=int(np.count_nonzero(before.ranks)),
        ranked_after=int(np.count_nonzero(after.ranks)),
        scores=after,
    )


def _apply(data: RoundInput, changed: Mapping[int, float]) -> FloatArray:
    values = data.values.copy()
    for j, value in changed.items():
        values[data.position, j] = value
    return values


def what_if(
    framework: Framework,
    units: Sequence[str],
    values: npt.ArrayLike,
    applicable: npt.ArrayLike | None,
    unit_kinds: Sequence[str | None] | None,
    unit: str,
    changes: Mapping[str, float],
) -> WhatIfResult:
    """The unit's score, percent, class and rank with ``changes`` ({leaf id: value}) applied to
    its values, the whole round scored again with ``score_values``.

    Raises ``ValueError`` naming every change that is not a number, not a leaf or not applicable
    to the unit, and ``ScoringInputError`` for values outside a criterion's range."""
    data = RoundInput.of(framework, units, values, applicable, unit_kinds, unit)
    return what_if_input(data, changes)


def what_if_input(data: RoundInput, changes: Mapping[str, float]) -> WhatIfResult:
    """``what_if`` on an already checked ``RoundInput``."""
    changed = _checked_changes(data, changes)
    after = data.score(_apply(data, changed)) if changed else data.base
    return _result(data, changed, after)


def _points_lacking(data: RoundInput, scores: RoundScores, j: int) -> float:
    """Points the leaf lacks (a penalty: the points it takes); its maximum when missing."""
    leaf = data.framework.leaves[j]
    points = float(scores.node_points[scores.rows[leaf.id], data.position])
    if np.isnan(points):
        return leaf.max_points
    return points if leaf.kind is Kind.PENALTY else leaf.max_points - points


def _checked_target(framework: Framework, target: Target) -> Target:
    if isinstance(target, bool):
        raise TypeError("a target is a band id or a top-N rank, not a boolean")
    if isinstance(target, int):
        if target < 1:
            raise ValueError(f"a top-N target needs N ≥ 1, got {target}")
        return target
    if isinstance(target, str):
        bands = [band.id for band in framework.bands]
        if target not in bands:
            known = ", ".join(bands) or "none"
            raise ValueError(f"{target!r} is not a class of {framework.id} (its classes: {known})")
        return target
    raise TypeError(f"a target is a band id (str) or a top-N rank (int), got {target!r}")


def _reached(framework: Framework, target: Target, result: WhatIfResult) -> bool:
    if isinstance(target, int):
        return result.rank_after is not None and result.rank_after <= target
    band = result.band_after
    wanted = next(b for b in framework.bands if b.id == target)
    return band is not None and round(band.minimum, TIE_DECIMALS) >= round(
        wanted.minimum, TIE_DECIMALS
    )


def path_to_target(
    framework: Framework,
    units: Sequence[str],
    values: npt.ArrayLike,
    applicable: npt.ArrayLike | None,
    unit_kinds: Sequence[str | None] | None,
    unit: str,
    target: Target,
) -> PathResult:
    """The fewest criteria (see the module's docstring) the unit must bring to their best values
    to reach ``target``: a band id (that class or a better one) or a top-N rank (rank ≤ N)."""
    data = RoundInput.of(framework, units, values, applicable, unit_kinds, unit)
    return path_to_target_input(data, target)


def path_to_target_input(data: RoundInput, target: Target) -> PathResult:
    """``path_to_target`` on an already checked ``RoundInput``."""
    target = _checked_target(data.framework, target)
    u = data.position
    if np.isnan(data.base.scores[u]):
        raise ValueError(
            f"{data.unit} has no score (a criterion value is missing); enter the missing "
            "values before asking what it takes to reach a target"
        )
    changed: dict[int, float] = {}
    result = _result(data, changed, data.base)
    if _reached(data.framework, target, result):
        return PathResult(data.unit, target, True, True, (), result)
    steps: list[PathStep] = []
    values = data.values.copy()
    current = data.base
    while leaves := data.improvable(values, current):
        gains = data.gains(values, leaves, float(current.scores[u]))
        lacking = [_points_lacking(data, current, j) for j in leaves]
        # largest gain first; on a tie (or when no single criterion gains anything, as with two
        # zero shares under a geometric mean) the most points lacking, then framework order
        pick = max(
            range(len(leaves)),
            key=lambda k: (round(gains[k] or 0.0, TIE_DECIMALS), lacking[k], -leaves[k]),
        )
        j = leaves[pick]
        before_value = _optional(values[u, j])
        changed[j] = float(data.best_values[j])
        values[u, j] = changed[j]
        current = data.score(values)
        result = _result(data, changed, current)
        steps.append(
            PathStep(
                leaf_id=data.framework.leaf_ids[j],
                value_before=before_value,
                value_after=changed[j],
                gain=max(0.0, gains[pick] or 0.0),
                score_after=result.score_after,
            )
        )
        if _reached(data.framework, target, result):
            return PathResult(data.unit, target, True, False, tuple(steps), result)
    return PathResult(data.unit, target, False, False, tuple(steps), result)

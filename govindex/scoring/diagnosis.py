"""Criterion diagnosis of one unit: what each criterion earned, how it stands, and how many points
of the total it would bring at its best — the criteria that cost most first.

The inputs are those of ``score_values`` (the framework, units, units × leaves values, optional
applicability and unit kinds) plus the unit to diagnose. Nothing is estimated: the points at
stake of a criterion are the unit's headline score recomputed with that criterion at its best
value, minus its score as it is (``points_at_stake``). The best value of a criterion is the value
that earns its full points:

- points: the maximum (a penalty: 0);
- percentage: the threshold (higher is better) or at most the threshold (lower is better);
- normalised with goalposts: the upper goalpost (the lower one when lower is better);
- normalised min-max or z-score (they compare units with each other): the best value any unit
  of the round has — "as good as the best unit". A z-score then earns the share the best unit
  had, not necessarily the full points.

Statuses come from a criterion's share of its maximum (``Thresholds``); a penalty's share is
counted the other way round (no penalty is "achieved").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

import numpy as np
import numpy.typing as npt

from govindex.scoring.engine import score_values
from govindex.scoring.framework import Direction, Framework, Kind, Method, Rule
from govindex.scoring.ranking import TIE_DECIMALS
from govindex.scoring.results import BoolArray, FloatArray, RoundScores

#: Default thresholds on a criterion's share of its maximum.
ACHIEVED_AT = 1.0
PARTLY_AT = 0.5


class Status(StrEnum):
    ACHIEVED = "achieved"
    PARTLY = "partly"
    NOT_ACHIEVED = "not_achieved"
    NOT_APPLICABLE = "not_applicable"
    MISSING = "missing"


@dataclass(frozen=True)
class Thresholds:
    """A criterion is achieved at a share ≥ ``achieved``, partly achieved at ≥ ``partly``."""

    achieved: float = ACHIEVED_AT
    partly: float = PARTLY_AT

    def __post_init__(self) -> None:
        for name in ("achieved", "partly"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"threshold {name} must be a number, got {value!r}")
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(
                    f"threshold {name} is a share of the criterion's maximum, between 0 and 1; "
                    f"got {value!r}"
                )
        if self.partly > self.achieved:
            raise ValueError(
                f"the 'partly' threshold ({self.partly:g}) cannot be above the 'achieved' "
                f"threshold ({self.achieved:g})"
            )

    def status(self, share: float | None, *, applicable: bool = True) -> Status:
        """The status of a criterion with this ``share`` of its maximum (``None``: missing)."""
        if not applicable:
            return Status.NOT_APPLICABLE
        if share is None or np.isnan(share):
            return Status.MISSING
        share = round(float(share), TIE_DECIMALS)  # float noise must not cost full points
        if share >= self.achieved:
            return Status.ACHIEVED
        if share >= self.partly:
            return Status.PARTLY
        return Status.NOT_ACHIEVED


def _optional(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def crosses_units(framework: Framework) -> bool:
    """Whether a leaf's points depend on the other units' values (min-max, z-score)."""
    return any(
        leaf.rule is Rule.NORMALISED
        and leaf.normalisation is not None
        and leaf.normalisation.method in (Method.MIN_MAX, Method.Z_SCORE)
        for leaf in framework.leaves
    )


@dataclass(frozen=True, eq=False)
class RoundInput:
    """A round as the engine takes it, checked once, with the unit under study.

    ``declared`` is (units × leaves): the leaf applies to the unit by its kind and by the given
    applicability (a missing value still applies)."""

    framework: Framework
    units: tuple[str, ...]
    values: FloatArray
    applicable: BoolArray | None
    unit_kinds: tuple[str | None, ...] | None
    position: int

    @classmethod
    def of(
        cls,
        framework: Framework,
        units: Sequence[str],
        values: npt.ArrayLike,
        applicable: npt.ArrayLike | None,
        unit_kinds: Sequence[str | None] | None,
        unit: str,
    ) -> RoundInput:
        units = tuple(units)
        matrix = np.array(values, dtype=float)
        shape = (len(units), len(framework.leaf_ids))
        if matrix.shape != shape:
            raise ValueError(
                f"values must be {shape[0]} units × {shape[1]} leaves, got {matrix.shape}"
            )
        flags = None
        if applicable is not None:
            flags = np.array(applicable, dtype=bool)
            if flags.shape != shape:
                raise ValueError("applicable must have the shape of values (units × leaves)")
        kinds = None
        if unit_kinds is not None:
            kinds = tuple(unit_kinds)
            if len(kinds) != len(units):
                raise ValueError(f"unit_kinds names {len(kinds)} kinds for {len(units)} units")
        if unit not in units:
            raise ValueError(f"unit {unit!r} is not among the {len(units)} units scored")
        if len(set(units)) != len(units):
            raise ValueError("unit names must be unique")
        matrix.flags.writeable = False
        return cls(framework, units, matrix, flags, kinds, units.index(unit))

    @property
    def unit(self) -> str:
        return self.units[self.position]

    @property
    def kind(self) -> str | None:
        return None if self.unit_kinds is None else self.unit_kinds[self.position]

    @cached_property
    def declared(self) -> BoolArray:
        kinds = self.unit_kinds or (None,) * len(self.units)
        by_kind = {kind: self.framework.leaf_applicability(kind) for kind in set(kinds)}
        flags = np.asarray([by_kind[kind] for kind in kinds], dtype=bool)
        flags = flags.reshape(len(self.units), len(self.framework.leaf_ids))
        return flags if self.applicable is None else flags & self.applicable

    @cached_property
    def base(self) -> RoundScores:
        return self.score(self.values)

    def score(self, values: FloatArray) -> RoundScores:
        return score_values(self.framework, self.units, values, self.applicable, self.unit_kinds)

    @cached_property
    def best_values(self) -> FloatArray:
        """Per leaf, the value that earns its full points (see the module's docstring); NaN when
        there is none (a min-max or z-score leaf no unit has a value for)."""
        best = np.full(len(self.framework.leaf_ids), np.nan)
        for j, leaf in enumerate(self.framework.leaves):
            if leaf.kind is Kind.PENALTY:
                # no penalty: 0 points, or a 0 % rate that earns none (other rules: no best)
                if leaf.rule is Rule.POINTS or (
                    leaf.rule is Rule.PERCENTAGE and leaf.direction is Direction.HIGHER
                ):
                    best[j] = 0.0
            elif leaf.rule is Rule.POINTS:
                best[j] = leaf.max_points
            elif leaf.rule is Rule.PERCENTAGE:
                best[j] = min(100.0, leaf.threshold)
            elif leaf.normalisation is not None:
                higher = leaf.direction is Direction.HIGHER
                if leaf.normalisation.method is Method.GOALPOSTS:
                    lower, upper = leaf.normalisation.lower, leaf.normalisation.upper
                    best[j] = upper if higher else lower
                else:
                    column = self.values[:, j]
                    observed = column[self.declared[:, j] & ~np.isnan(column)]
                    if observed.size:
                        best[j] = observed.max() if higher else observed.min()
        return best

    def gains(self, values: FloatArray, leaves: Sequence[int], before: float) -> list[float | None]:
        """The unit's headline score with each of ``leaves`` alone at its best value, from
        ``values``, minus ``before`` (``None`` where either score is N/A).

        When no leaf compares units with each other, every variant of the unit is scored as a
        unit of its own in one pass (its points depend only on its own row); otherwise the whole
        round is scored once per leaf."""
        if not leaves or np.isnan(before):
            return [None] * len(leaves)
        u = self.position
        if crosses_units(self.framework):
            after = []
            for j in leaves:
                changed = values.copy()
                changed[u, j] = self.best_values[j]
                after.append(self.score(changed).scores[u])
            scores = np.asarray(after, dtype=float)
        else:
            count = len(leaves)
            rows = np.repeat(values[u : u + 1], count, axis=0)
            rows[np.arange(count), leaves] = self.best_values[list(leaves)]
            applicable = None
            if self.applicable is not None:
                applicable = np.repeat(self.applicable[u : u + 1], count, axis=0)
            kinds = None if self.unit_kinds is None else [self.kind] * count
            names = [str(k) for k in range(count)]
            scores = score_values(self.framework, names, rows, applicable, kinds).scores
        return [_optional(score - before) for score in scores]

    def improvable(self, values: FloatArray, scores: RoundScores) -> list[int]:
        """Leaves that apply to the unit and lack points (``scores`` scored from ``values``):
        a missing value, points below the maximum (a penalty: above 0) — unless the value is
        already the best there is (a min-max or z-score leaf where the unit is the best)."""
        u = self.position
        found = []
        for j, leaf in enumerate(self.framework.leaves):
            value, best = values[u, j], self.best_values[j]
            if not self.declared[u, j] or np.isnan(best) or value == best:
                continue
            points = scores.node_points[scores.rows[leaf.id], u]
            if leaf.kind is Kind.PENALTY:
                lacking = round(float(points), TIE_DECIMALS) > 0
            else:
                lacking = round(float(leaf.max_points - points), TIE_DECIMALS) > 0
            if np.isnan(value) or np.isnan(points) or lacking:
                found.append(j)
        return found


def points_at_stake(
    framework: Framework,
    units: Sequence[str],
    values: npt.ArrayLike,
    applicable: npt.ArrayLike | None,
    unit_kinds: Sequence[str | None] | None,
    unit: str,
) -> dict[str, float | None]:
    """Per leaf id: how much the unit's headline score (percentage points for a percent-scale
    framework, points otherwise) would rise with that criterion alone at its best value, computed
    by scoring the round again. 0 for a criterion already at its best; ``None`` where the
    criterion does not apply to the unit or the unit's score is N/A before or after."""
    data = RoundInput.of(framework, units, values, applicable, unit_kinds, unit)
    return _stakes(data)


def _stakes(data: RoundInput) -> dict[str, float | None]:
    u = data.position
    stakes: dict[str, float | None] = {
        leaf_id: (0.0 if data.declared[u, j] and not np.isnan(data.base.scores[u]) else None)
        for j, leaf_id in enumerate(data.framework.leaf_ids)
    }
    leaves = data.improvable(data.values, data.base)
    gains = data.gains(data.values, leaves, float(data.base.scores[u]))
    for j, gain in zip(leaves, gains, strict=True):
        stakes[data.framework.leaf_ids[j]] = None if gain is None else max(0.0, gain)
    return stakes


@dataclass(frozen=True)
class CriterionDiagnosis:
    """One criterion (leaf) of one unit. ``None`` marks N/A, never 0.

    ``share`` is the criterion's achievement (for a penalty: 1 − penalty / maximum); ``gap``
    the points it lacks (for a penalty: the points it took away). ``rank`` is the unit's rank on
    the criterion's share among the ``ranked`` units it applies to (none for a penalty, whose
    share ranks the wrong way round); ``best_peer`` the other unit
    with the most points on it (the first in input order on a tie) and ``best_peer_count`` how
    many others have that many."""

    leaf_id: str
    area_id: str
    kind: str
    value: float | None
    points: float | None
    max_points: float
    gap: float | None
    share: float | None
    status: Status
    points_at_stake: float | None
    best_value: float | None
    rank: int | None
    ranked: int
    best_peer: str | None
    best_peer_points: float | None
    best_peer_count: int


def diagnose(
    framework: Framework,
    units: Sequence[str],
    values: npt.ArrayLike,
    applicable: npt.ArrayLike | None,
    unit_kinds: Sequence[str | None] | None,
    unit: str,
    *,
    thresholds: Thresholds | None = None,
) -> list[CriterionDiagnosis]:
    """Every criterion that applies to the unit's kind, most points at stake first, then the
    largest gap, then framework order (criteria with no stake — N/A — last)."""
    data = RoundInput.of(framework, units, values, applicable, unit_kinds, unit)
    return diagnose_input(data, thresholds=thresholds)


def diagnose_input(
    data: RoundInput, *, thresholds: Thresholds | None = None
) -> list[CriterionDiagnosis]:
    """``diagnose`` on an already checked ``RoundInput`` (whose ``base`` scores are reused)."""
    thresholds = thresholds or Thresholds()
    framework, base, u = data.framework, data.base, data.position
    by_kind = framework.leaf_applicability(data.kind)
    stakes = _stakes(data)
    others = np.arange(len(data.units)) != u
    rows: list[tuple[tuple[float, float, int], CriterionDiagnosis]] = []
    for j, leaf in enumerate(framework.leaves):
        if not by_kind[j]:
            continue
        row = base.rows[leaf.id]
        applies = bool(data.declared[u, j])
        points = _optional(base.node_points[row, u]) if applies else None
        maximum = leaf.max_points if applies else 0.0
        share = gap = None
        if points is not None:
            if leaf.kind is Kind.PENALTY:
                share, gap = 1.0 - points / maximum, points
            else:
                share, gap = points / maximum, maximum - points
        ranks = base.node_ranks(leaf.id)
        peer_points = np.where(others & base.node_applicable[row], base.node_points[row], np.nan)
        best_peer = best_points = None
        best_count = 0
        if not np.all(np.isnan(peer_points)):
            pick = np.nanmin if leaf.kind is Kind.PENALTY else np.nanmax
            best = pick(peer_points)
            at_best = np.flatnonzero(
                np.round(peer_points, TIE_DECIMALS) == np.round(best, TIE_DECIMALS)
            )
            best_peer, best_points, best_count = data.units[at_best[0]], float(best), len(at_best)
        stake = stakes[leaf.id]
        diagnosis = CriterionDiagnosis(
            leaf_id=leaf.id,
            area_id=framework.path(leaf.id)[1],
            kind=leaf.kind.value,
            value=_optional(data.values[u, j]) if applies else None,
            points=points,
            max_points=maximum,
            gap=gap,
            share=share,
            status=thresholds.status(share, applicable=applies),
            points_at_stake=stake,
            best_value=_optional(data.best_values[j]) if applies else None,
            rank=None if leaf.kind is Kind.PENALTY else int(ranks[u]) or None,
            ranked=0 if leaf.kind is Kind.PENALTY else int(np.count_nonzero(ranks)),
            best_peer=best_peer,
            best_peer_points=best_points,
            best_peer_count=best_count,
        )
        key = (-(stake if stake is not None else -1.0), -(gap if gap is not None else -1.0), j)
        rows.append((key, diagnosis))
    rows.sort(key=lambda item: item[0])
    return [diagnosis for _, diagnosis in rows]

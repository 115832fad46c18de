"""Results of scoring a round: arrays for every unit × node, with per-unit views on demand.

``RoundScores`` keeps the whole breakdown as numpy arrays (10,000 units × 200 leaves is cheap that
way); ``unit()`` and ``node()`` build frozen dataclasses for the rows a caller actually reads.
N/A is ``None`` in every dataclass, never 0.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from govindex.scoring.framework import Band, Framework
from govindex.scoring.ranking import competition_rank

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
_Array = TypeVar("_Array", FloatArray, BoolArray)


def _read_only(array: _Array) -> _Array:
    """A cached copy handed out by a frozen result: writing into it must fail."""
    array.flags.writeable = False
    return array


def _optional(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


@dataclass(frozen=True)
class NodeScore:
    """One node for one unit. ``max_points`` is 0 and the rest ``None`` when it does not apply."""

    node_id: str
    value: float | None
    points: float | None
    max_points: float
    share: float | None
    gap: float | None
    applicable: bool
    rank: int | None


@dataclass(frozen=True)
class UnitScore:
    unit: str
    score: float | None
    points: float | None
    max_points: float
    percent: float | None
    rank: int | None
    band: Band | None
    nodes: Mapping[str, NodeScore] = field(repr=False)

    def area_points(self, framework: Framework) -> dict[str, float | None]:
        return {area.id: self.nodes[area.id].points for area in framework.areas}


@dataclass(frozen=True, eq=False)
class RoundScores:
    """Every unit's points, applicable maxima and scores for one framework and one set of values.

    ``node_points``/``node_max``/``node_applicable`` are (nodes × units) with node ``n`` at row
    ``rows[n]`` (the engine's order); ``points``/``max_points``/``applicable`` give the same as
    (units × nodes) in ``framework.node_ids`` order. ``values`` is (units × leaves) in
    ``framework.leaf_ids`` order, as given. ``scores`` is the headline score per unit.
    NaN marks N/A.
    """

    framework: Framework
    units: tuple[str, ...]
    values: FloatArray
    rows: Mapping[str, int]
    node_points: FloatArray
    node_max: FloatArray
    node_applicable: BoolArray
    scores: FloatArray

    @cached_property
    def _public_order(self) -> list[int]:
        return [self.rows[node_id] for node_id in self.framework.node_ids]

    @cached_property
    def points(self) -> FloatArray:
        return _read_only(self.node_points[self._public_order].T)

    @cached_property
    def max_points(self) -> FloatArray:
        return _read_only(self.node_max[self._public_order].T)

    @cached_property
    def applicable(self) -> BoolArray:
        return _read_only(self.node_applicable[self._public_order].T)

    @cached_property
    def unit_index(self) -> Mapping[str, int]:
        return {unit: position for position, unit in enumerate(self.units)}

    @cached_property
    def ranks(self) -> npt.NDArray[np.int64]:
        """Rank of each unit on the headline score (0 = unranked)."""
        return competition_rank(self.scores)

    def node_shares(self, node_id: str) -> FloatArray:
        """Each unit's points over applicable max on one node (NaN where N/A)."""
        column = self.rows[node_id]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(
                self.node_applicable[column],
                self.node_points[column] / self.node_max[column],
                np.nan,
            )

    def node_ranks(self, node_id: str) -> npt.NDArray[np.int64]:
        """Rank of each unit on one node's share of its applicable maximum (0 = unranked)."""
        cache: dict[str, npt.NDArray[np.int64]] = self.__dict__.setdefault("_node_ranks", {})
        if node_id not in cache:
            column = self.framework.node_index[node_id]
            cache[node_id] = (
                self.ranks if column == 0 else competition_rank(self.node_shares(node_id))
            )
        return cache[node_id]

    def band(self, position: int) -> Band | None:
        return self.framework.classify(_optional(self.scores[position]))

    def unit(self, unit: str) -> UnitScore:
        position = self.unit_index[unit]
        leaf_column = {leaf_id: i for i, leaf_id in enumerate(self.framework.leaf_ids)}
        nodes = {}
        for node_id in self.framework.node_ids:
            column = self.rows[node_id]
            applicable = bool(self.node_applicable[column, position])
            points = _optional(self.node_points[column, position]) if applicable else None
            maximum = float(self.node_max[column, position]) if applicable else 0.0
            value = None
            if node_id in leaf_column:
                value = _optional(self.values[position, leaf_column[node_id]])
            rank = int(self.node_ranks(node_id)[position])
            nodes[node_id] = NodeScore(
                node_id=node_id,
                value=value,
                points=points,
                max_points=maximum,
                share=None if points is None or maximum == 0 else points / maximum,
                gap=None if points is None else maximum - points,
                applicable=applicable,
                rank=rank or None,
            )
        root = nodes[self.framework.root.id]
        return UnitScore(
            unit=unit,
            score=_optional(self.scores[position]),
            points=root.points,
            max_points=root.max_points,
            percent=None if root.share is None else root.share * 100.0,
            rank=int(self.ranks[position]) or None,
            band=self.band(position),
            nodes=nodes,
        )

    def __iter__(self) -> Iterator[UnitScore]:
        return (self.unit(unit) for unit in self.units)

    def ranking(self) -> list[str]:
        """Units best first; unranked (N/A) last, each group in input order."""
        order = np.lexsort(
            (np.arange(len(self.units)), np.where(self.ranks == 0, 2**62, self.ranks))
        )
        return [self.units[i] for i in order]

    def summary_rows(self, language: str = "vi") -> list[dict[str, Any]]:
        """One flat row per unit in ranking order: unit, score, rank, class, then each area's points."""
        areas = self.framework.areas
        area_columns = [self.rows[area.id] for area in areas]
        rows = []
        for unit in self.ranking():
            position = self.unit_index[unit]
            band = self.band(position)
            row: dict[str, Any] = {
                "unit": unit,
                "score": _optional(self.scores[position]),
                "rank": int(self.ranks[position]) or None,
                "class": band.id if band else None,
            }
            for area, column in zip(areas, area_columns, strict=True):
                applicable = self.node_applicable[column, position]
                row[area.id] = _optional(self.node_points[column, position]) if applicable else None
            rows.append(row)
        return rows

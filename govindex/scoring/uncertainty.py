"""Ranking uncertainty and sensitivity: how firmly each unit's rank follows from the method.

An explanation beside the official ranking, never a replacement of it. Each *draw* scores the
round again with three choices made at random (the OECD/JRC Handbook's uncertainty analysis):

- **weights**: every weight of the tree, at every level, is multiplied by a factor — uniform in
  [1 − spread, 1 + spread] (``"uniform"``), or the node's weight shares are drawn from a Dirichlet
  distribution centred on the official shares (``"dirichlet"``), or left alone (``"none"``) —
  and renormalised within the node, so each node keeps its maximum. A ``sum`` node's children
  weigh as their maxima, a ``mean`` node's equally; ``weighted_*`` and ``geometric_mean`` nodes
  use the declared weights. Bonus and penalty points are not reweighted.
- **normalisation** of each leaf, one of ``settings.normalisations``: ``"official"`` (the
  framework's own leaf rules: points over max, percentage thresholds, normalised leaves);
  ``"min-max"`` (the leaf's official share rescaled across the round's units, the lowest 0 and
  the highest 1; all equal → 1); ``"rank"`` (1 − units strictly better on the leaf / (units − 1),
  ties at 9 decimals). Bonus and penalty leaves keep their points.
- **imputation** of missing leaf values, one of ``settings.imputations``: ``"official"`` (the
  framework's missing policy: ``propagate`` makes the unit N/A, ``exclude`` leaves the leaf out of
  its denominator); ``"mean"`` (the mean share, after this draw's normalisation, of the units
  that have the leaf); ``"zero"`` (no points, counted in the denominator).

Only units with an official score are ranked, in every draw: the analysis explains the official
ranking and creates no rank for a unit the method leaves unranked. Under ``missing: propagate`` a
ranked unit has no missing value, so imputation cannot move anything (its indices are 0).

Per unit: the official rank, the median drawn rank and the 5th and 95th percentiles (competition
ranks as ``competition_rank``; each quantile is a rank reached by the draws, numpy's
``inverted_cdf``). Per factor: first-order and total variance-based sensitivity indices of the
ranks (pick-freeze with factor groups: Saltelli et al. 2010 for the first order, Jansen 1999 for
the total), pooled over units as Σ explained variance / Σ rank variance.

Speed: leaf points are computed once per (normalisation, imputation) pair; the tree is then
aggregated for a block of draws at once (draws × units arrays, one BLAS product per node whose
children are leaves), in blocks small enough for each product to run on one BLAS thread and each
work array to stay in the CPU's cache. With ``weights: "none"`` a draw is just one of those
pairs, scored once. A draw that changes nothing reproduces ``score_values`` (to float rounding;
ranks tie at 9 decimals). Measured in ``bench/uncertainty.py``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from govindex.scoring.engine import (
    _apply_leaf_rules,
    _leaf_applicability,
    _plan,
    _Step,
    score_values,
    values_matrix,
)
from govindex.scoring.framework import Aggregation, Framework, MissingPolicy, Scale
from govindex.scoring.ranking import TIE_DECIMALS, competition_rank
from govindex.scoring.results import BoolArray, FloatArray, RoundScores

IntArray = npt.NDArray[np.int64]
_Array = TypeVar("_Array", FloatArray, BoolArray)

FACTORS = ("weights", "normalisation", "imputation")
WEIGHT_SCHEMES = ("uniform", "dirichlet", "none")
NORMALISATIONS = ("official", "min-max", "rank")
IMPUTATIONS = ("official", "mean", "zero")
#: The interval's bounds: 90 % of the draws put the unit's rank between them.
LOW_QUANTILE, HIGH_QUANTILE = 0.05, 0.95
MAX_DRAWS = 1_000_000
#: Draws × units per block of draws: each work array (≤ 256 KB) stays in the CPU's cache.
BLOCK_CELLS = 32_768
#: Multiply-adds per BLAS product at most: OpenBLAS runs a product below 65,536 × 4 of them on
#: one thread. Threaded, a block's product measured 3.3 ms instead of 0.07 ms when the machine's
#: two cores were busy (waking the second thread costs far more than the work).
SINGLE_THREAD_PRODUCT = 200_000
#: A geometric mean over a zero share is 0: log 0 is taken as this (finite, so BLAS sums it).
_LOG_ZERO = -1e300


@dataclass(frozen=True)
class UncertaintySettings:
    """What the Monte Carlo draws. Invalid values raise ``ValueError`` naming each problem."""

    draws: int = 1000
    seed: int = 2026
    weights: str = "uniform"
    #: ``uniform``: each weight × U(1 − spread, 1 + spread), 0 < spread < 1.
    spread: float = 0.2
    #: ``dirichlet``: shares ~ Dirichlet(concentration × official shares); higher = closer.
    concentration: float = 100.0
    normalisations: tuple[str, ...] = NORMALISATIONS
    imputations: tuple[str, ...] = IMPUTATIONS
    #: Also estimate the sensitivity indices (costs one more evaluation per draw and factor).
    sensitivity: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "normalisations", _as_tuple(self.normalisations))
        object.__setattr__(self, "imputations", _as_tuple(self.imputations))
        problems = []
        if not _whole(self.draws) or not 2 <= self.draws <= MAX_DRAWS:
            problems.append(
                f"draws must be a whole number from 2 to {MAX_DRAWS:,}, got {self.draws!r}"
            )
        if not _whole(self.seed) or self.seed < 0:
            problems.append(f"seed must be a whole number ≥ 0, got {self.seed!r}")
        if self.weights not in WEIGHT_SCHEMES:
            problems.append(
                f"weights must be one of {', '.join(WEIGHT_SCHEMES)}, got {self.weights!r}"
            )
        if not _real(self.spread) or not 0 < self.spread < 1:
            problems.append(
                f"spread must be a number between 0 and 1 (exclusive), got {self.spread!r}"
            )
        if not _real(self.concentration) or not 0 < self.concentration < math.inf:
            problems.append(
                f"concentration must be a positive finite number, got {self.concentration!r}"
            )
        for name, chosen, known in (
            ("normalisations", self.normalisations, NORMALISATIONS),
            ("imputations", self.imputations, IMPUTATIONS),
        ):
            unknown = [choice for choice in chosen if choice not in known]
            if not chosen:
                problems.append(f"{name} must name at least one of {', '.join(known)}")
            elif unknown:
                problems.append(
                    f"{name}: unknown {', '.join(map(repr, unknown))}; "
                    f"choose among {', '.join(known)}"
                )
            elif len(set(chosen)) != len(chosen):
                problems.append(f"{name} lists a choice twice: {', '.join(chosen)}")
        if not isinstance(self.sensitivity, bool):
            problems.append(f"sensitivity must be true or false, got {self.sensitivity!r}")
        if problems:
            raise ValueError("invalid uncertainty settings: " + "; ".join(problems))

    def as_dict(self) -> dict[str, object]:
        """The settings as JSON-ready values (what a stored run records)."""
        return {
            "draws": self.draws,
            "seed": self.seed,
            "weights": self.weights,
            "spread": self.spread,
            "concentration": self.concentration,
            "normalisations": list(self.normalisations),
            "imputations": list(self.imputations),
            "sensitivity": self.sensitivity,
        }

    def alternatives(self, factor: str) -> int:
        """How many values a factor takes in the draws (1: it is held at the official one)."""
        if factor == "weights":
            return 1 if self.weights == "none" else 2  # a continuum; 2 means "varied"
        return len(self.normalisations if factor == "normalisation" else self.imputations)


def _as_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence):
        return tuple(value)
    return ()


def _whole(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _real(value: object) -> bool:
    return isinstance(value, int | float | np.floating) and not isinstance(value, bool)


@dataclass(frozen=True)
class FactorSensitivity:
    """Share of the ranks' variance due to one factor: ``first_order`` alone, ``total`` with
    its interactions. ``None`` when no rank moves in any draw (nothing to explain)."""

    factor: str
    varied: bool
    first_order: float | None
    total: float | None


@dataclass(frozen=True)
class UnitRankInterval:
    """One unit's official rank and where the draws put it; ``None`` for an unranked unit."""

    unit: str
    official: int | None
    median: int | None
    low: int | None
    high: int | None


@dataclass(frozen=True, eq=False)
class RankUncertainty:
    """Ranks of every unit (0 = unranked) officially and in each draw, their quantiles and the
    factors' sensitivity indices. Arrays are read-only."""

    settings: UncertaintySettings
    units: tuple[str, ...]
    #: The headline score ``score_values`` gives each unit (NaN = N/A).
    official_scores: FloatArray
    official_ranks: IntArray
    #: draws × units
    draw_ranks: IntArray
    median_ranks: IntArray
    low_ranks: IntArray
    high_ranks: IntArray
    sensitivity: tuple[FactorSensitivity, ...]
    #: Scorings of the whole round done (draws, plus the pick-freeze runs of the indices).
    evaluations: int
    _index: Mapping[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {unit: i for i, unit in enumerate(self.units)})

    @property
    def ranked(self) -> int:
        return int((self.official_ranks > 0).sum())

    def interval(self, unit: str) -> UnitRankInterval:
        position = self._index[unit]

        def rank(array: IntArray) -> int | None:
            return int(array[position]) or None

        return UnitRankInterval(
            unit=unit,
            official=rank(self.official_ranks),
            median=rank(self.median_ranks),
            low=rank(self.low_ranks),
            high=rank(self.high_ranks),
        )

    def intervals(self) -> list[UnitRankInterval]:
        return [self.interval(unit) for unit in self.units]


def rank_uncertainty(
    framework: Framework,
    units: Sequence[str],
    values: npt.ArrayLike,
    applicable: npt.ArrayLike | None = None,
    unit_kinds: Sequence[str | None] | None = None,
    *,
    settings: UncertaintySettings | None = None,
) -> RankUncertainty:
    """Draw ``settings.draws`` scorings of ``values`` (as ``score_values`` takes them) and
    summarise each unit's rank. Reproducible: the same seed gives the same arrays."""
    settings = settings or UncertaintySettings()
    official = score_values(framework, units, values, applicable, unit_kinds)  # checks values
    model = _Model(framework, official, applicable, unit_kinds, settings)
    rng = np.random.default_rng(settings.seed)
    base = (settings.draws + 1) // 2
    first, second = model.sample(rng, base), model.sample(rng, base)
    ranks_first, ranks_second = model.ranks(first), model.ranks(second)
    evaluations = 2 * base
    pooled = np.concatenate([ranks_first, ranks_second])
    sensitivity: list[FactorSensitivity] = []
    if settings.sensitivity:
        for factor in FACTORS:
            mixed = first.mixed(second, factor)
            if model.same_draws(mixed, first):  # the factor changes nothing for ranked units
                ranks_mixed = ranks_first
            else:
                ranks_mixed = model.ranks(mixed)
                evaluations += base
            sensitivity.append(
                _indices(factor, settings, pooled, ranks_first, ranks_second, ranks_mixed)
            )

    n_units = len(official.units)
    population = model.population
    draw_ranks = np.zeros((settings.draws, n_units), dtype=np.int64)
    draw_ranks[:, population] = pooled[: settings.draws]
    quantiles = np.zeros((3, n_units), dtype=np.int64)
    if population.size:
        quantiles[:, population] = np.quantile(
            draw_ranks[:, population],
            [0.5, LOW_QUANTILE, HIGH_QUANTILE],
            axis=0,
            method="inverted_cdf",
        ).astype(np.int64)
    arrays = [official.ranks.copy(), draw_ranks, *quantiles]
    for array in arrays:
        array.flags.writeable = False
    return RankUncertainty(
        settings=settings,
        units=official.units,
        official_scores=official.scores,
        official_ranks=arrays[0],
        draw_ranks=arrays[1],
        median_ranks=arrays[2],
        low_ranks=arrays[3],
        high_ranks=arrays[4],
        sensitivity=tuple(sensitivity),
        evaluations=evaluations,
    )


def round_rank_uncertainty(
    framework: Framework,
    values_by_unit: Mapping[str, Mapping[str, float | str | None]],
    unit_kinds: Mapping[str, str | None] | None = None,
    *,
    settings: UncertaintySettings | None = None,
) -> RankUncertainty:
    """``rank_uncertainty`` of units given as ``score_round`` takes them: ``{unit: {leaf_id:
    value}}`` with ``None`` for missing and ``NOT_APPLICABLE`` for a leaf that does not apply."""
    units, matrix, applicable = values_matrix(framework, values_by_unit)
    kinds = [unit_kinds.get(unit) for unit in units] if unit_kinds else None
    return rank_uncertainty(framework, units, matrix, applicable, kinds, settings=settings)


def _indices(
    factor: str,
    settings: UncertaintySettings,
    pooled: IntArray,
    first: IntArray,
    second: IntArray,
    mixed: IntArray,
) -> FactorSensitivity:
    """Pick-freeze estimators over units pooled: S = Σ_u mean(f_B (f_AB − f_A)) / Σ_u V_u
    (Saltelli 2010), S_T = Σ_u mean((f_A − f_AB)²) / 2 / Σ_u V_u (Jansen 1999)."""
    varied = settings.alternatives(factor) > 1
    ranks = pooled.astype(float)
    variance = float(ranks.var(axis=0).sum()) if ranks.size else 0.0
    if variance == 0.0:
        return FactorSensitivity(factor=factor, varied=varied, first_order=None, total=None)
    centre = ranks.mean(axis=0)
    a, b, ab = first.astype(float), second.astype(float), mixed.astype(float)
    first_order = float(((b - centre) * (ab - a)).mean(axis=0).sum()) / variance
    total = float(((a - ab) ** 2).mean(axis=0).sum()) / 2.0 / variance
    return FactorSensitivity(factor=factor, varied=varied, first_order=first_order, total=total)


@dataclass(frozen=True, eq=False)
class _Sample:
    """Draws as factor values: weight factors (draws × edges, ``None`` = official weights) and
    the index of each draw's normalisation and imputation."""

    factors: FloatArray | None
    normalisation: IntArray
    imputation: IntArray

    def mixed(self, other: _Sample, factor: str) -> _Sample:
        """These draws with ``factor`` taken from ``other`` (the pick-freeze matrix A_B)."""
        return _Sample(
            factors=other.factors if factor == "weights" else self.factors,
            normalisation=other.normalisation if factor == "normalisation" else self.normalisation,
            imputation=other.imputation if factor == "imputation" else self.imputation,
        )


@dataclass(frozen=True, eq=False)
class _LeafState:
    """Leaf points of one (normalisation, imputation) pair for the ranked units (leaves × units),
    and per step whose children are all leaves, its children's rows stacked for one BLAS product."""

    points: FloatArray
    maxima: FloatArray
    applies: BoolArray
    #: Per leaf: it applies to every ranked unit (its maximum is then the same for all).
    full: BoolArray
    stacks: Mapping[int, tuple[FloatArray, FloatArray]]


class _Model:
    """The framework's tree prepared for scoring many draws of one round."""

    def __init__(
        self,
        framework: Framework,
        official: RoundScores,
        applicable: npt.ArrayLike | None,
        unit_kinds: Sequence[str | None] | None,
        settings: UncertaintySettings,
    ) -> None:
        self.framework = framework
        self.settings = settings
        self.plan = _plan(framework)
        self.n_leaves = len(framework.leaf_ids)
        self.population = np.flatnonzero(official.ranks > 0)
        self.root = self.plan.rows[framework.root.id]
        rows = np.arange(len(self.plan.rows))
        self._children = [np.atleast_1d(rows[step.regular]) for step in self.plan.steps]
        #: What multiplies each regular child: 1 under ``sum`` (the engine ignores the declared
        #: weights there), else the declared weight (1 under ``mean``).
        self.base_weights = [
            np.ones(len(step.weights)) if step.aggregation is Aggregation.SUM else step.weights
            for step in self.plan.steps
        ]
        self._edges()
        self._leaf_inputs(official, applicable, unit_kinds)
        pairs = [(n, i) for n in settings.normalisations for i in settings.imputations]
        self.states: list[_LeafState] = []
        self.state_of_pair: npt.NDArray[np.intp] = np.empty(len(pairs), dtype=np.intp)
        for position, (normalisation, imputation) in enumerate(pairs):
            state = self._leaf_state(normalisation, imputation)
            self.state_of_pair[position] = self._dedupe(state)

    # -- weights ------------------------------------------------------------------------------

    def _edges(self) -> None:
        """Lay out each internal node's regular children as columns of the weight factors."""
        self.edge_slices: list[slice] = []
        shares: list[FloatArray] = []
        start = 0
        for step in self.plan.steps:
            count = 0 if step.is_adjustment else len(step.weights)
            self.edge_slices.append(slice(start, start + count))
            if count:
                if step.aggregation is Aggregation.SUM:
                    weight = step.child_max
                elif step.aggregation is Aggregation.WEIGHTED_SUM:
                    weight = step.weights * step.child_max
                else:
                    weight = step.weights
                shares.append(weight / weight.sum())
            start += count
        self.n_edges = start
        self.shares = np.concatenate(shares) if shares else np.zeros(0)
        self.starts = np.asarray(
            [edges.start for edges in self.edge_slices if edges.stop > edges.start], dtype=np.intp
        )

    def _renormalised(self, factors: FloatArray) -> FloatArray:
        """Scale each node's factors so its official shares still add up to 1."""
        totals = np.add.reduceat(factors * self.shares, self.starts, axis=1)
        owner = np.repeat(np.arange(self.starts.size), np.diff([*self.starts, self.n_edges]))
        return factors / totals[:, owner]

    def sample(self, rng: np.random.Generator, draws: int) -> _Sample:
        factors = None
        if self.settings.weights == "uniform" and self.n_edges:
            spread = self.settings.spread
            raw = rng.uniform(1.0 - spread, 1.0 + spread, size=(draws, self.n_edges))
            factors = self._renormalised(raw)
        elif self.settings.weights == "dirichlet" and self.n_edges:
            gamma = rng.gamma(self.settings.concentration * self.shares, size=(draws, self.n_edges))
            gamma = np.maximum(gamma, np.finfo(float).tiny)  # a share drawn as 0 stays positive
            factors = self._renormalised(gamma / self.shares)
        normalisation = rng.integers(0, len(self.settings.normalisations), draws)
        imputation = rng.integers(0, len(self.settings.imputations), draws)
        return _Sample(factors, normalisation.astype(np.int64), imputation.astype(np.int64))

    # -- leaves -------------------------------------------------------------------------------

    def _leaf_inputs(
        self,
        official: RoundScores,
        applicable: npt.ArrayLike | None,
        unit_kinds: Sequence[str | None] | None,
    ) -> None:
        """Official leaf shares (leaves × all units), which cells apply, which are missing."""
        framework, plan = self.framework, self.plan
        n_units = len(official.units)
        applies = _leaf_applicability(framework, applicable, unit_kinds, n_units)
        if applies is None:
            applies = np.ones((self.n_leaves, n_units), dtype=bool)
        leaf_points = np.array(official.values, dtype=float).T.copy()
        if framework.clip:
            upper = np.where(
                np.isin(np.arange(self.n_leaves), plan.percentage_leaves), 100.0, plan.leaf_max
            )
            leaf_points = np.clip(leaf_points, 0.0, upper[:, None])
        adjusting = np.zeros(self.n_leaves, dtype=bool)
        adjusting[plan.adjusting_leaves] = True
        leaf_points[adjusting] = np.nan_to_num(leaf_points[adjusting], nan=0.0)
        self.missing = np.isnan(leaf_points) & applies
        include = applies & ~self.missing
        _apply_leaf_rules(plan, leaf_points, include)
        self.leaf_applies = applies
        self.adjusting = adjusting
        self.official_shares = leaf_points / plan.leaf_max[:, None]
        self.present = include

    def _normalised(self, normalisation: str) -> FloatArray:
        shares = self.official_shares
        if normalisation == "official":
            return shares
        present, regular = self.present, ~self.adjusting
        result = shares.copy()
        if normalisation == "min-max":
            with np.errstate(invalid="ignore"):
                low = np.where(present, shares, np.inf).min(axis=1, keepdims=True)
                high = np.where(present, shares, -np.inf).max(axis=1, keepdims=True)
                span = high - low
                rescaled = np.where(span > 0, (shares - low) / np.where(span > 0, span, 1.0), 1.0)
            result = np.where(present & regular[:, None], rescaled, shares)
        else:
            for leaf in np.flatnonzero(regular):
                mask = present[leaf]
                count = int(mask.sum())
                if not count:
                    continue
                ranks = competition_rank(np.where(mask, shares[leaf], np.nan))
                share = 1.0 - (ranks - 1) / (count - 1) if count > 1 else np.ones(ranks.size)
                result[leaf] = np.where(mask, share, shares[leaf])
        return result

    def _leaf_state(self, normalisation: str, imputation: str) -> _LeafState:
        shares = self._normalised(normalisation)
        applies = self.leaf_applies.copy()
        missing = self.missing
        if imputation == "official":
            if self.framework.missing is MissingPolicy.EXCLUDE:
                applies &= ~missing
        else:
            if imputation == "mean":
                with np.errstate(invalid="ignore"):
                    counts = self.present.sum(axis=1, keepdims=True)
                    means = np.where(self.present, shares, 0.0).sum(axis=1, keepdims=True)
                    fill = np.where(counts > 0, means / np.maximum(counts, 1), np.nan)
            else:
                fill = np.zeros((self.n_leaves, 1))
            shares = np.where(missing, fill, shares)
            if self.framework.missing is MissingPolicy.EXCLUDE:
                applies &= ~(missing & np.isnan(shares))  # a leaf nobody has stays excluded
        columns = self.population
        applies = applies[:, columns]
        leaf_max = self.plan.leaf_max[:, None]
        points = np.where(applies, shares[:, columns] * leaf_max, 0.0)
        maxima = applies * leaf_max
        full: BoolArray = np.all(applies, axis=1)
        stacks = {}
        for index, step in enumerate(self.plan.steps):
            rows = self._children[index]
            if step.is_adjustment or not rows.size or rows.max() >= self.n_leaves:
                continue
            if step.aggregation in (Aggregation.SUM, Aggregation.WEIGHTED_SUM):
                # children that apply to every unit have one maximum: one column is enough
                stacks[index] = (
                    points[rows],
                    maxima[rows, :1] if full[rows].all() else maxima[rows],
                )
            else:
                used = applies[rows]
                terms = _share_terms(step.aggregation, points[rows], maxima[rows], used)
                stacks[index] = (used.astype(float), terms)
        return _LeafState(points=points, maxima=maxima, applies=applies, full=full, stacks=stacks)

    def _dedupe(self, state: _LeafState) -> int:
        """The index of an equal state already kept (pairs that differ only where no ranked
        unit is affected share one), else keep ``state``."""
        for index, kept in enumerate(self.states):
            if np.array_equal(kept.applies, state.applies) and np.array_equal(
                kept.points, state.points, equal_nan=True
            ):
                return index
        self.states.append(state)
        return len(self.states) - 1

    # -- the tree -----------------------------------------------------------------------------

    def scores(self, state: _LeafState, factors: FloatArray | None) -> FloatArray:
        """Headline scores of the ranked units: (draws × units), or (units,) for official
        weights. The engine's ``_aggregate`` with each regular child's weight × its factor.

        A node whose children all apply to every unit ("full") skips the per-unit bookkeeping:
        its maximum is one number per draw and nothing needs masking."""
        n_leaves, width = self.n_leaves, self.population.size
        points: dict[int, FloatArray] = {}
        maxima: dict[int, FloatArray] = {}
        applies: dict[int, BoolArray] = {}
        full: dict[int, bool] = {}
        everywhere = np.ones(width, dtype=bool)

        def pick(row: int, leaves: _Array, computed: Mapping[int, _Array]) -> _Array:
            return leaves[row] if row < n_leaves else computed[row]

        def net(step: _Step) -> FloatArray:
            total: FloatArray = np.zeros(width)
            for row in step.plus.tolist():
                total = total + pick(row, state.points, points)
            for row in step.minus.tolist():
                total = total - pick(row, state.points, points)
            return total

        for index, step in enumerate(self.plan.steps):
            row = step.row
            if step.is_adjustment:
                points[row] = net(step)
                maxima[row] = np.asarray(step.max_points)
                applies[row], full[row] = everywhere, True
                continue
            rows = self._children[index].tolist()
            every = all(bool(state.full[r]) if r < n_leaves else full[r] for r in rows)
            weights = self.base_weights[index]
            if factors is not None:
                weights = factors[:, self.edge_slices[index]] * weights
            stack = state.stacks.get(index)
            total: FloatArray
            maximum: FloatArray
            if step.aggregation in (Aggregation.SUM, Aggregation.WEIGHTED_SUM):
                if stack is not None:
                    total, maximum = weights @ stack[0], weights @ stack[1]
                else:
                    total = _weighted(weights, [pick(r, state.points, points) for r in rows])
                    maximum = _weighted(weights, [pick(r, state.maxima, maxima) for r in rows])
            elif every:
                if stack is not None:
                    numerator = weights @ stack[1]
                else:
                    terms = [
                        _share_terms(
                            step.aggregation,
                            pick(r, state.points, points),
                            pick(r, state.maxima, maxima),
                            None,
                        )
                        for r in rows
                    ]
                    numerator = _weighted(weights, terms)
                denominator = weights.sum(axis=-1, keepdims=weights.ndim == 2)
                share = numerator / denominator
                if step.aggregation is Aggregation.GEOMETRIC_MEAN:
                    share = np.exp(share)
                total, maximum = share * step.max_points, np.asarray(step.max_points)
            else:
                if stack is not None:
                    denominator, numerator = weights @ stack[0], weights @ stack[1]
                else:
                    used = [pick(r, state.applies, applies) for r in rows]
                    terms = [
                        _share_terms(
                            step.aggregation,
                            pick(r, state.points, points),
                            pick(r, state.maxima, maxima),
                            flags,
                        )
                        for r, flags in zip(rows, used, strict=True)
                    ]
                    denominator = _weighted(weights, [flags.astype(float) for flags in used])
                    numerator = _weighted(weights, terms)
                with np.errstate(invalid="ignore", divide="ignore"):
                    share = numerator / denominator
                    if step.aggregation is Aggregation.GEOMETRIC_MEAN:
                        share = np.exp(share)
                positive = denominator > 0
                maximum = np.where(positive, step.max_points, 0.0)
                total = np.where(positive, share * step.max_points, 0.0)
            if step.plus.size or step.minus.size:
                total = np.clip(total + net(step), 0.0, maximum)
            if every:
                points[row], maxima[row], applies[row], full[row] = total, maximum, everywhere, True
                continue
            applicable = maximum > 0
            points[row] = np.where(applicable, total, 0.0)
            maxima[row] = maximum
            applies[row], full[row] = applicable, False
        root = self.root
        with np.errstate(invalid="ignore", divide="ignore"):
            if self.framework.scale is Scale.PERCENT:
                scores = points[root] / maxima[root] * 100.0
            else:
                scores = points[root]
            if full[root]:
                return np.broadcast_to(scores, np.broadcast_shapes(np.shape(scores), (width,)))
            return np.where(applies[root], scores, np.nan)

    def states_of(self, sample: _Sample) -> npt.NDArray[np.intp]:
        """The leaf state each draw scores."""
        pairs = sample.normalisation * len(self.settings.imputations) + sample.imputation
        states: npt.NDArray[np.intp] = self.state_of_pair[pairs]
        return states

    def same_draws(self, sample: _Sample, other: _Sample) -> bool:
        """Whether two samples score the same leaf states with the same weights."""
        return sample.factors is other.factors and np.array_equal(
            self.states_of(sample), self.states_of(other)
        )

    def ranks(self, sample: _Sample) -> IntArray:
        """Competition ranks of the ranked units in each draw (draws × units)."""
        states = self.states_of(sample)
        draws, width = states.size, self.population.size
        ranks = np.empty((draws, width), dtype=np.int64)
        if not width:
            return ranks
        if sample.factors is None:
            for state in np.unique(states):
                once = self.scores(self.states[state], None)[None, :]
                ranks[states == state] = _row_ranks(once)[0]
            return ranks
        widest = max(
            (len(stack[0]) for state in self.states for stack in state.stacks.values()), default=1
        )
        block = max(8, min(BLOCK_CELLS // width, SINGLE_THREAD_PRODUCT // (width * widest)))
        for state in np.unique(states):
            chosen = np.flatnonzero(states == state)
            for start in range(0, chosen.size, block):
                part = chosen[start : start + block]
                scores = self.scores(self.states[state], sample.factors[part])
                ranks[part] = _row_ranks(scores)
        return ranks


def _share_terms(
    aggregation: Aggregation, points: FloatArray, maxima: FloatArray, used: BoolArray | None
) -> FloatArray:
    """What a mean-type node averages: each child's share (its log for a geometric mean), 0
    where the child does not apply (``used`` ``None``: it applies everywhere)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if used is None:
            shares = points / maxima
            if aggregation is Aggregation.GEOMETRIC_MEAN:
                return np.maximum(np.log(np.maximum(shares, 0.0)), _LOG_ZERO)
            return shares
        shares = np.where(used, points / np.where(used, maxima, 1.0), 1.0)
        if aggregation is Aggregation.GEOMETRIC_MEAN:
            logs = np.maximum(np.log(np.maximum(shares, 0.0)), _LOG_ZERO)
            return np.where(used, logs, 0.0)
        return np.where(used, shares, 0.0)


def _weighted(weights: FloatArray, rows: Sequence[FloatArray]) -> FloatArray:
    """Σ_c weights[..., c] × rows[c]; ``weights`` is (children,) or (draws × children), each row
    (units,) or (draws × units)."""
    total: FloatArray | None = None
    for child, row in enumerate(rows):
        term = np.asarray((weights[:, child, None] if weights.ndim == 2 else weights[child]) * row)
        if total is not None and total.ndim and total.shape == term.shape:
            np.add(total, term, out=total)
        else:
            total = term if total is None else total + term
    if total is None:
        width = rows[0].shape[-1] if rows else 0
        return np.zeros((weights.shape[0], width) if weights.ndim == 2 else width)
    return total


def _row_ranks(scores: FloatArray) -> IntArray:
    """``competition_rank`` of each row of (draws × units) scores at once; NaN → 0."""
    rounded = np.round(scores, TIE_DECIMALS)
    missing = np.isnan(rounded)
    key = np.where(missing, np.inf, -rounded)  # ascending key = best first, N/A last
    order = np.argsort(key, axis=1, kind="stable")
    ordered = np.take_along_axis(key, order, axis=1)
    width = scores.shape[1]
    starts = np.ones(ordered.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(width), 0), axis=1)
    ranks = np.empty(scores.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, first + 1, axis=1)
    ranks[missing] = 0
    return ranks

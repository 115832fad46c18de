"""Hypothesis strategies: random valid frameworks (trees of depth 2–4) and values for them.

``frameworks()`` draws a framework mapping, parses it with ``parse_framework`` (so every drawn
tree passes the validator) and returns the ``Framework``. Values are drawn on a coarse grid
(eighths of a leaf's max, whole percentages, half units for normalised raw values) so that ties
happen and sums of the same values do not depend on their order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st

from govindex.scoring.framework import Framework, Kind, Method, Rule
from govindex.scoring.validation import parse_framework

from .builders import framework_dict, names

ALL_AGGREGATIONS = ("sum", "weighted_sum", "weighted_mean", "mean", "geometric_mean")
ALL_RULES = ("points", "percentage", "normalised")
LEAF_MAXIMA = (0.5, 1, 2, 2.5, 4, 5, 10)
MEAN_MAXIMA = (1, 5, 10, 20, 100)
WEIGHTS = (0, 0.5, 1, 2, 3)
THRESHOLDS = (50, 80, 90, 100)
NORMALISATIONS = (
    {"method": "min_max"},
    {"method": "goalposts", "lower": 0, "upper": 100},
    {"method": "goalposts", "lower": 20, "upper": 60},
    {"method": "z_score"},
)


class _Ids:
    def __init__(self) -> None:
        self.count = 0

    def next(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"


def _leaf(draw: st.DrawFn, ids: _Ids, rules: Sequence[str]) -> dict[str, Any]:
    rule = draw(st.sampled_from(rules))
    raw: dict[str, Any] = {
        "id": ids.next("leaf"),
        "name": names("leaf"),
        "max": draw(st.sampled_from(LEAF_MAXIMA)),
        "rule": rule,
        "source": "data",
    }
    if rule == "percentage":
        raw["threshold"] = draw(st.sampled_from(THRESHOLDS))
    if rule == "normalised":
        raw["normalisation"] = dict(draw(st.sampled_from(NORMALISATIONS)))
    if rule != "points" and draw(st.booleans()):
        raw["direction"] = "lower"
    return raw


def _adjusting_leaf(draw: st.DrawFn, ids: _Ids, kind: str) -> dict[str, Any]:
    return {
        "id": ids.next(kind),
        "name": names(kind),
        "max": draw(st.sampled_from((1, 2, 5))),
        "rule": "points",
        "source": "self_assessed",
        "kind": kind,
    }


def _node(
    draw: st.DrawFn,
    ids: _Ids,
    depth: int,
    *,
    aggregations: Sequence[str],
    rules: Sequence[str],
    adjustments: bool,
) -> dict[str, Any]:
    """An internal node whose deepest leaf is exactly ``depth`` levels below it (depth ≥ 1)."""
    n_children = draw(st.integers(1, 3))
    children = []
    for position in range(n_children):
        # The first child carries the depth; the others are at most as deep.
        child_depth = depth - 1 if position == 0 else draw(st.integers(0, depth - 1))
        if child_depth == 0:
            children.append(_leaf(draw, ids, rules))
        else:
            children.append(
                _node(
                    draw,
                    ids,
                    child_depth,
                    aggregations=aggregations,
                    rules=rules,
                    adjustments=adjustments,
                )
            )
    weights = [draw(st.sampled_from(WEIGHTS)) for _ in children]
    if not any(weights):
        weights[0] = 1
    for child, weight in zip(children, weights, strict=True):
        if weight != 1 or draw(st.booleans()):
            child["weight"] = weight

    aggregation = draw(st.sampled_from(aggregations))
    if aggregation == "sum":
        maximum = sum(child["max"] for child in children)
    elif aggregation == "weighted_sum":
        maximum = sum(
            weight * child["max"] for child, weight in zip(children, weights, strict=True)
        )
    else:
        maximum = draw(st.sampled_from(MEAN_MAXIMA))

    if adjustments:
        # An adjustment node hangs its leaves two levels down: only where the tree is that deep.
        kinds = ("none", "bonus", "penalty", "both", "adjustment")
        choice = draw(st.sampled_from(kinds if depth >= 2 else kinds[:-1]))
        if choice in ("bonus", "both"):
            children.append(_adjusting_leaf(draw, ids, "bonus"))
        if choice in ("penalty", "both"):
            children.append(_adjusting_leaf(draw, ids, "penalty"))
        if choice == "adjustment":
            bonus = _adjusting_leaf(draw, ids, "bonus")
            penalty = _adjusting_leaf(draw, ids, "penalty")
            children.append(
                {
                    "id": ids.next("adjustment"),
                    "name": names("adjustment"),
                    "max": bonus["max"],
                    "kind": "adjustment",
                    "children": [bonus, penalty],
                }
            )
    raw: dict[str, Any] = {
        "id": ids.next("node"),
        "name": names("node"),
        "max": maximum,
        "children": children,
    }
    if aggregation != "sum" or draw(st.booleans()):
        raw["aggregation"] = aggregation
    return raw


@st.composite
def frameworks(
    draw: st.DrawFn,
    *,
    aggregations: Sequence[str] = ALL_AGGREGATIONS,
    rules: Sequence[str] = ALL_RULES,
    adjustments: bool = True,
    scales: Sequence[str] = ("percent", "points"),
    missing: Sequence[str] = ("propagate", "exclude"),
) -> Framework:
    """A random valid framework: a tree of depth 2–4 with random rules, aggregations, weights."""
    ids = _Ids()
    depth = draw(st.integers(2, 4))
    root = _node(draw, ids, depth, aggregations=aggregations, rules=rules, adjustments=adjustments)
    raw = framework_dict(
        root["children"],
        root["max"],
        framework_id="random",
        scale=draw(st.sampled_from(scales)),
        missing=draw(st.sampled_from(missing)),
    )
    if "aggregation" in root:
        raw["aggregation"] = root["aggregation"]
    return parse_framework(raw)


def leaf_values(framework: Framework, leaf_position: int) -> st.SearchStrategy[float]:
    """Valid values for one leaf, on a grid."""
    leaf = framework.leaves[leaf_position]
    if leaf.rule is Rule.POINTS:
        return st.integers(0, 8).map(lambda k: k * leaf.max_points / 8)
    if leaf.rule is Rule.PERCENTAGE:
        return st.integers(0, 100).map(float)
    assert leaf.normalisation is not None
    if leaf.normalisation.method is Method.GOALPOSTS:
        return st.integers(-20, 240).map(lambda k: k / 2)
    return st.integers(-20, 20).map(lambda k: k / 2)


@st.composite
def value_matrices(
    draw: st.DrawFn,
    framework: Framework,
    *,
    min_units: int = 1,
    max_units: int = 6,
    missing: bool = False,
) -> np.ndarray:
    """Units × leaves values; with ``missing``, some regular leaves are NaN."""
    n_units = draw(st.integers(min_units, max_units))
    rows = []
    for _ in range(n_units):
        row = []
        for position, leaf in enumerate(framework.leaves):
            if missing and leaf.kind is Kind.REGULAR and draw(st.integers(0, 9)) == 0:
                row.append(float("nan"))
            else:
                row.append(draw(leaf_values(framework, position)))
        rows.append(row)
    return np.asarray(rows, dtype=float).reshape(n_units, len(framework.leaves))


@st.composite
def applicability(draw: st.DrawFn, shape: tuple[int, int]) -> np.ndarray:
    """Units × leaves flags, mostly true."""
    flags = [draw(st.integers(0, 5)) > 0 for _ in range(shape[0] * shape[1])]
    return np.asarray(flags, dtype=bool).reshape(shape)


def ancestors(framework: Framework, node_id: str) -> set[str]:
    return set(framework.path(node_id)[:-1])

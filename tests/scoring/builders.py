"""Small framework files written as Python dicts, for the scoring tests.

Each helper returns the mapping a YAML file would hold; ``build`` parses it with
``parse_framework`` exactly as ``load_framework`` does for a real file.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from govindex.scoring.framework import Framework
from govindex.scoring.results import RoundScores
from govindex.scoring.validation import parse_framework

NaN = float("nan")

#: Bands as a framework file lists them, highest first.
CLASSES = [
    {"id": "A", "min": 90, "name": {"vi": "Xuất sắc", "en": "Excellent", "id": "Sangat baik"}},
    {"id": "B", "min": 80, "name": {"vi": "Tốt", "en": "Good", "id": "Baik"}},
    {"id": "C", "min": 70, "name": {"vi": "Khá", "en": "Fair", "id": "Cukup"}},
    {"id": "D", "min": 0, "name": {"vi": "Yếu", "en": "Weak", "id": "Lemah"}},
]


def names(text: str) -> dict[str, str]:
    return {"vi": f"{text} (vi)", "en": text, "id": f"{text} (id)"}


def leaf(leaf_id: str, maximum: float, rule: str = "points", **keys: Any) -> dict[str, Any]:
    return {
        "id": leaf_id,
        "name": names(leaf_id),
        "max": maximum,
        "rule": rule,
        "source": keys.pop("source", "self_assessed"),
        **keys,
    }


def node(
    node_id: str, maximum: float, children: list[dict[str, Any]], **keys: Any
) -> dict[str, Any]:
    return {"id": node_id, "name": names(node_id), "max": maximum, "children": children, **keys}


def framework_dict(
    children: list[dict[str, Any]], maximum: float, framework_id: str = "mini", **keys: Any
) -> dict[str, Any]:
    return {
        "id": framework_id,
        "version": "test",
        "name": names(framework_id),
        "legal_basis": "written for the tests",
        "sources": ["tests/scoring"],
        "max": maximum,
        "children": children,
        **keys,
    }


def build(children: list[dict[str, Any]], maximum: float, **keys: Any) -> Framework:
    return parse_framework(framework_dict(children, maximum, **keys))


def column(result: RoundScores, node_id: str, what: str = "points") -> list[float | None]:
    """One node's points (or max_points / shares) for every unit, NaN as None."""
    array = getattr(result, what)[:, result.framework.node_index[node_id]]
    return [None if np.isnan(value) else float(value) for value in array]

"""Turn a framework mapping (a parsed YAML file) into a ``Framework``, or say everything wrong.

Every problem names the node by id and path so a methodologist can find it in the file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from govindex.scoring.errors import FrameworkError
from govindex.scoring.framework import (
    LANGUAGES,
    Aggregation,
    Band,
    Direction,
    Framework,
    Kind,
    Method,
    MissingPolicy,
    Node,
    Normalisation,
    Rule,
    Scale,
    Source,
)

SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
TOLERANCE = 1e-6

FRAMEWORK_KEYS = {
    "id",
    "version",
    "name",
    "legal_basis",
    "sources",
    "note",
    "scale",
    "missing",
    "clip",
    "classes",
    "unit_kinds",
}
NODE_KEYS = {
    "id",
    "name",
    "max",
    "weight",
    "direction",
    "source",
    "rule",
    "threshold",
    "normalisation",
    "aggregation",
    "kind",
    "applies_to",
    "guidance",
    "note",
    "children",
}
ROOT_KEYS = {"max", "aggregation", "children", "weight"}


class _Collector:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.seen: dict[str, str] = {}

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")


def _choice(
    raw: Mapping[str, Any], key: str, enum: type[Any], default: Any, where: str, out: _Collector
) -> Any:
    value = raw.get(key, default)
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        out.add(where, f"unknown {key} {value!r} (expected one of: {allowed})")
        return default


def _number(raw: Mapping[str, Any], key: str, where: str, out: _Collector) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        out.add(where, f"{key} must be a number, got {value!r}")
        return None
    return float(value)


def _names(
    raw: Any, key: str, where: str, out: _Collector, required: bool = True
) -> dict[str, str]:
    if raw is None and not required:
        return {}
    if not isinstance(raw, Mapping):
        out.add(where, f"{key} must be a mapping with languages {', '.join(LANGUAGES)}")
        return {}
    missing = [lang for lang in LANGUAGES if not str(raw.get(lang) or "").strip()]
    if missing:
        out.add(where, f"{key} lacks language(s): {', '.join(missing)}")
    unknown = sorted(set(raw) - set(LANGUAGES))
    if unknown:
        out.add(where, f"{key} has unknown language(s): {', '.join(map(str, unknown))}")
    return {str(lang): str(text).strip() for lang, text in raw.items() if text}


def _parse_node(raw: Any, path: str, out: _Collector, *, is_root: bool = False) -> Node | None:
    if not isinstance(raw, Mapping):
        out.add(path, "a node must be a mapping")
        return None
    node_id = str(raw.get("id", "")) if not is_root else str(raw.get("id", "root"))
    where = f"node '{node_id}' ({path})"
    allowed = (NODE_KEYS | FRAMEWORK_KEYS | ROOT_KEYS) if is_root else NODE_KEYS
    for key in sorted(set(raw) - allowed):
        out.add(where, f"unknown key {key!r}")
    if not SLUG.match(node_id):
        out.add(where, "id must be a slug of a-z, 0-9, '_', '.', '-'")
    elif node_id in out.seen:
        out.add(where, f"duplicate id (also at {out.seen[node_id]})")
    else:
        out.seen[node_id] = path

    names = _names(raw.get("name"), "name", where, out)
    max_points = _number(raw, "max", where, out)
    if max_points is None or max_points <= 0:
        if "max" not in raw:
            out.add(where, "max is required")
        elif max_points is not None:
            out.add(where, f"max must be positive, got {max_points:g}")
        max_points = 1.0
    weight = _number(raw, "weight", where, out)
    if weight is not None and weight < 0:
        out.add(where, f"weight must not be negative, got {weight:g}")
    kind = _choice(raw, "kind", Kind, Kind.REGULAR, where, out)
    direction = _choice(raw, "direction", Direction, Direction.HIGHER, where, out)
    applies_to = raw.get("applies_to")
    if applies_to is not None and (
        not isinstance(applies_to, list) or not all(isinstance(k, str) for k in applies_to)
    ):
        out.add(where, "applies_to must be a list of unit kinds")
        applies_to = None
    guidance = _names(raw.get("guidance"), "guidance", where, out, required=False)

    children_raw = raw.get("children") or []
    if not isinstance(children_raw, list):
        out.add(where, "children must be a list")
        children_raw = []
    children = tuple(
        child
        for position, child_raw in enumerate(children_raw)
        if (child := _parse_node(child_raw, _child_path(path, child_raw, position), out))
    )

    node = Node(
        id=node_id,
        names=names,
        max_points=max_points,
        weight=1.0 if weight is None else weight,
        kind=kind,
        direction=direction,
        applies_to=frozenset(applies_to) if applies_to is not None else None,
        guidance=guidance,
        note=str(raw.get("note") or ""),
        children=children,
    )
    if children or is_root:
        return _check_internal(node, raw, where, out)
    return _check_leaf(node, raw, where, out)


def _child_path(path: str, child_raw: Any, position: int) -> str:
    child_id = child_raw.get("id") if isinstance(child_raw, Mapping) else None
    return f"{path}/{child_id or f'#{position + 1}'}"


def _check_internal(node: Node, raw: Mapping[str, Any], where: str, out: _Collector) -> Node:
    for key in ("rule", "source", "threshold", "normalisation"):
        if key in raw:
            out.add(where, f"{key} belongs on leaves; this node has children")
    if not node.children:
        out.add(where, "the framework has no children")
        return node
    aggregation = _choice(raw, "aggregation", Aggregation, Aggregation.SUM, where, out)
    regular = [child for child in node.children if not child.is_adjustment]
    if node.kind in (Kind.BONUS, Kind.PENALTY):
        out.add(where, f"a {node.kind.value} node must be a leaf with rule 'points'")
    if node.kind is Kind.ADJUSTMENT:
        not_adjusting = [c.id for c in node.children if c.kind not in (Kind.BONUS, Kind.PENALTY)]
        if not_adjusting:
            out.add(
                where, f"an adjustment node holds only bonus/penalty leaves, not {not_adjusting}"
            )
        declared = sum(c.max_points for c in node.children if c.kind is Kind.BONUS)
        if declared and abs(declared - node.max_points) > TOLERANCE:
            out.add(
                where,
                f"points do not add up: bonus leaves sum to {declared:g}, "
                f"node declares max {node.max_points:g}",
            )
        return replace(node, aggregation=Aggregation.SUM)
    if not regular:
        out.add(where, "needs at least one regular (not bonus/penalty) child")
        return replace(node, aggregation=aggregation)
    if aggregation is Aggregation.SUM:
        total = sum(child.max_points for child in regular)
        if abs(total - node.max_points) > TOLERANCE:
            out.add(
                where,
                f"points do not add up: children sum to {total:g}, node declares max "
                f"{node.max_points:g}",
            )
    elif aggregation is Aggregation.WEIGHTED_SUM:
        total = sum(child.weight * child.max_points for child in regular)
        if abs(total - node.max_points) > TOLERANCE:
            out.add(
                where,
                f"points do not add up: weight × max of children sum to {total:g}, node declares "
                f"max {node.max_points:g}",
            )
    if aggregation is not Aggregation.SUM and not any(child.weight > 0 for child in regular):
        out.add(where, f"{aggregation.value} needs at least one child with a positive weight")
    return replace(node, aggregation=aggregation)


def _check_leaf(node: Node, raw: Mapping[str, Any], where: str, out: _Collector) -> Node:
    if "aggregation" in raw:
        out.add(where, "aggregation belongs on nodes with children; this is a leaf")
    if node.kind is Kind.ADJUSTMENT:
        out.add(where, "an adjustment node needs bonus/penalty children")
    if "rule" not in raw:
        out.add(where, "a leaf needs a rule (points, percentage or normalised)")
    if "source" not in raw:
        out.add(where, "a leaf needs a source (self_assessed, survey, data or external)")
    rule = _choice(raw, "rule", Rule, Rule.POINTS, where, out)
    source = _choice(raw, "source", Source, Source.SELF_ASSESSED, where, out)
    if node.kind in (Kind.BONUS, Kind.PENALTY) and rule is not Rule.POINTS:
        out.add(where, f"a {node.kind.value} leaf must use rule 'points'")

    threshold = _number(raw, "threshold", where, out)
    if threshold is not None and rule is not Rule.PERCENTAGE:
        out.add(where, "threshold applies only to rule 'percentage'")
    if threshold is not None and not 0 < threshold <= 100:
        out.add(where, f"threshold must be in (0, 100], got {threshold:g}")
        threshold = None

    normalisation = None
    raw_normalisation = raw.get("normalisation")
    if rule is Rule.NORMALISED:
        normalisation = _parse_normalisation(raw_normalisation, where, out)
    elif raw_normalisation is not None:
        out.add(where, "normalisation applies only to rule 'normalised'")
    return replace(
        node,
        rule=rule,
        source=source,
        threshold=100.0 if threshold is None else threshold,
        normalisation=normalisation,
    )


def _parse_normalisation(raw: Any, where: str, out: _Collector) -> Normalisation:
    if not isinstance(raw, Mapping) or "method" not in raw:
        out.add(where, "rule 'normalised' needs normalisation: {method: min_max|goalposts|z_score}")
        return Normalisation(Method.MIN_MAX)
    for key in sorted(set(raw) - {"method", "lower", "upper"}):
        out.add(where, f"unknown normalisation key {key!r}")
    method = _choice(raw, "method", Method, Method.MIN_MAX, where, out)
    lower = _number(raw, "lower", where, out)
    upper = _number(raw, "upper", where, out)
    if method is Method.GOALPOSTS:
        if lower is None or upper is None or not lower < upper:
            out.add(where, "goalposts need numbers lower < upper")
            return Normalisation(Method.MIN_MAX)
    elif lower is not None or upper is not None:
        out.add(where, f"lower/upper apply only to goalposts, not {method.value}")
    return Normalisation(method, lower, upper)


def _parse_bands(raw: Any, out: _Collector) -> tuple[Band, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        out.add("classes", "must be a list of {id, min, name}")
        return ()
    bands: list[Band] = []
    for position, band_raw in enumerate(raw):
        where = f"class #{position + 1}"
        if not isinstance(band_raw, Mapping):
            out.add(where, "must be a mapping {id, min, name}")
            continue
        where = f"class '{band_raw.get('id')}'"
        for key in sorted(set(band_raw) - {"id", "min", "name", "note"}):
            out.add(where, f"unknown key {key!r}")
        minimum = _number(band_raw, "min", where, out)
        if minimum is None:
            out.add(where, "min is required (use 0 for the lowest band)")
            continue
        if bands and minimum >= bands[-1].minimum:
            out.add(where, "classes must be listed highest first with strictly falling min")
        if any(band.id == str(band_raw.get("id")) for band in bands):
            out.add(where, "duplicate class id")
        names = _names(band_raw.get("name"), "name", where, out)
        bands.append(Band(id=str(band_raw.get("id")), minimum=minimum, names=names))
    return tuple(bands)


def parse_framework(raw: Any, *, source: str = "<mapping>", checksum: str = "") -> Framework:
    """Validate a framework mapping and build the ``Framework``; raise ``FrameworkError``."""
    out = _Collector()
    if not isinstance(raw, Mapping):
        raise FrameworkError(source, ["the file must hold a mapping at its top level"])
    for key in ("id", "version", "legal_basis", "sources"):
        if not raw.get(key):
            out.add("framework", f"{key} is required")
    framework_id = str(raw.get("id", ""))
    if framework_id and not SLUG.match(framework_id):
        out.add("framework", f"id {framework_id!r} must be a slug")
    sources = raw.get("sources") or []
    if not isinstance(sources, list):
        out.add("framework", "sources must be a list")
        sources = []
    unit_kinds = raw.get("unit_kinds") or []
    if not isinstance(unit_kinds, list):
        out.add("framework", "unit_kinds must be a list")
        unit_kinds = []
    clip = raw.get("clip", False)
    if not isinstance(clip, bool):
        out.add("framework", f"clip must be true or false, got {clip!r}")
        clip = False
    root = _parse_node({**raw, "id": framework_id or "root"}, framework_id, out, is_root=True)
    framework = Framework(
        id=framework_id,
        version=str(raw.get("version", "")),
        names=_names(raw.get("name"), "name", "framework", out),
        legal_basis=str(raw.get("legal_basis", "")),
        sources=tuple(str(s) for s in sources),
        root=root if root is not None else Node(id="root", names={}, max_points=1.0),
        scale=_choice(raw, "scale", Scale, Scale.PERCENT, "framework", out),
        missing=_choice(raw, "missing", MissingPolicy, MissingPolicy.PROPAGATE, "framework", out),
        clip=clip,
        bands=_parse_bands(raw.get("classes"), out),
        unit_kinds=tuple(str(k) for k in unit_kinds),
        note=str(raw.get("note") or ""),
        checksum=checksum,
    )
    if out.problems:
        raise FrameworkError(source, out.problems)
    return framework

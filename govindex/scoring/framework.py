"""The framework model: a tree of nodes (framework → areas → criteria → leaves), immutable.

A ``Framework`` is built by ``validation.parse_framework`` from a mapping (a YAML file), never by
hand-assembling nodes in application code. It also holds the tree flattened into arrays so the
engine can score many units at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from govindex.scoring.ranking import TIE_DECIMALS

LANGUAGES = ("vi", "en", "id")


class Rule(StrEnum):
    POINTS = "points"
    PERCENTAGE = "percentage"
    NORMALISED = "normalised"


class Aggregation(StrEnum):
    SUM = "sum"
    WEIGHTED_SUM = "weighted_sum"
    WEIGHTED_MEAN = "weighted_mean"
    MEAN = "mean"
    GEOMETRIC_MEAN = "geometric_mean"


class Kind(StrEnum):
    REGULAR = "regular"
    BONUS = "bonus"
    PENALTY = "penalty"
    ADJUSTMENT = "adjustment"


class Source(StrEnum):
    SELF_ASSESSED = "self_assessed"
    SURVEY = "survey"
    DATA = "data"
    EXTERNAL = "external"


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class Method(StrEnum):
    MIN_MAX = "min_max"
    GOALPOSTS = "goalposts"
    Z_SCORE = "z_score"


class Scale(StrEnum):
    PERCENT = "percent"
    POINTS = "points"


class MissingPolicy(StrEnum):
    PROPAGATE = "propagate"
    EXCLUDE = "exclude"


@dataclass(frozen=True)
class Normalisation:
    method: Method
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class Band:
    """A classification band: a score at or above ``minimum`` belongs to it (highest band first)."""

    id: str
    minimum: float
    names: Mapping[str, str]

    def name(self, language: str = "vi") -> str:
        return self.names.get(language) or self.names["en"]


@dataclass(frozen=True)
class Node:
    id: str
    names: Mapping[str, str]
    max_points: float
    weight: float = 1.0
    kind: Kind = Kind.REGULAR
    direction: Direction = Direction.HIGHER
    source: Source | None = None
    rule: Rule | None = None
    threshold: float = 100.0
    normalisation: Normalisation | None = None
    aggregation: Aggregation = Aggregation.SUM
    applies_to: frozenset[str] | None = None
    guidance: Mapping[str, str] = field(default_factory=dict)
    note: str = ""
    children: tuple[Node, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def is_adjustment(self) -> bool:
        """Bonus, penalty and adjustment nodes add to their parent without counting in its max."""
        return self.kind is not Kind.REGULAR

    def name(self, language: str = "vi") -> str:
        return self.names.get(language) or self.names["en"]

    def applies(self, unit_kind: str | None) -> bool:
        return self.applies_to is None or unit_kind is None or unit_kind in self.applies_to


@dataclass(frozen=True, eq=False)
class Framework:
    """A methodology version. Compared and hashed by identity (one object per loaded file)."""

    id: str
    version: str
    names: Mapping[str, str]
    legal_basis: str
    sources: tuple[str, ...]
    root: Node
    scale: Scale = Scale.PERCENT
    missing: MissingPolicy = MissingPolicy.PROPAGATE
    clip: bool = False
    bands: tuple[Band, ...] = ()
    unit_kinds: tuple[str, ...] = ()
    note: str = ""
    checksum: str = ""

    def name(self, language: str = "vi") -> str:
        return self.names.get(language) or self.names["en"]

    @cached_property
    def nodes(self) -> tuple[Node, ...]:
        """Every node, parents before children (pre-order); the root is first."""
        ordered: list[Node] = []
        stack = [self.root]
        while stack:
            node = stack.pop()
            ordered.append(node)
            stack.extend(reversed(node.children))
        return tuple(ordered)

    @cached_property
    def node_ids(self) -> tuple[str, ...]:
        return tuple(node.id for node in self.nodes)

    @cached_property
    def node_index(self) -> Mapping[str, int]:
        return {node_id: position for position, node_id in enumerate(self.node_ids)}

    @cached_property
    def leaves(self) -> tuple[Node, ...]:
        return tuple(node for node in self.nodes if node.is_leaf)

    @cached_property
    def leaf_ids(self) -> tuple[str, ...]:
        return tuple(leaf.id for leaf in self.leaves)

    @cached_property
    def areas(self) -> tuple[Node, ...]:
        """The top-level nodes under the root (PAR areas, SIPAS aspects, PCI sub-indices …)."""
        return self.root.children

    @cached_property
    def parent_of(self) -> Mapping[str, str]:
        return {child.id: node.id for node in self.nodes for child in node.children}

    def node(self, node_id: str) -> Node:
        return self.nodes[self.node_index[node_id]]

    def path(self, node_id: str) -> tuple[str, ...]:
        """Ids from the root down to ``node_id``."""
        path = [node_id]
        while path[-1] in self.parent_of:
            path.append(self.parent_of[path[-1]])
        return tuple(reversed(path))

    def classify(self, score: float | None) -> Band | None:
        if score is None:
            return None
        score = round(score, TIE_DECIMALS)  # float noise must not drop a score below a minimum
        for band in self.bands:
            if score >= band.minimum:
                return band
        return None

    def leaf_applicability(self, unit_kind: str | None) -> tuple[bool, ...]:
        """Which leaves apply to a unit of this kind (a node's ``applies_to`` covers its subtree)."""
        applicable = {self.root.id: self.root.applies(unit_kind)}
        for node in self.nodes[1:]:
            applicable[node.id] = applicable[self.parent_of[node.id]] and node.applies(unit_kind)
        return tuple(applicable[leaf_id] for leaf_id in self.leaf_ids)

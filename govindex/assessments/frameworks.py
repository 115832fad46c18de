"""The framework a round is scored with, read from ``settings.GOVINDEX_FRAMEWORKS_DIR``
(default: ``govindex/frameworks``), and the checks an entry must pass against it."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from govindex.errors import ApplicationError
from govindex.scoring import Framework, FrameworkError, Node, load_framework
from govindex.scoring.framework import Rule
from govindex.scoring.loading import FRAMEWORKS_DIR

if TYPE_CHECKING:
    from govindex.assessments.models import Entry, Round

VALUE_LABELS = {
    "self_value": "the self-assessed value",
    "appraised_value": "the appraised value",
    "survey_value": "the survey value",
    "data_value": "the data value",
}


def frameworks_dir() -> Path:
    return Path(getattr(settings, "GOVINDEX_FRAMEWORKS_DIR", FRAMEWORKS_DIR))


def framework_for(framework_id: str) -> Framework:
    """The framework file ``<framework_id>.yaml``, validated; ``ApplicationError`` if it is
    missing or invalid."""
    try:
        return load_framework(framework_id, frameworks_dir())
    except FrameworkError as error:
        raise ApplicationError(
            f"Framework {framework_id!r} cannot be used: {error}",
            code="framework_unavailable",
            status=409,
        ) from error


def round_framework(round: Round, *, check_version: bool = True) -> Framework:
    """The round's framework; with ``check_version``, it must be the round's version."""
    framework = framework_for(round.framework_id)
    if check_version and framework.version != round.framework_version:
        raise ApplicationError(
            f"Round {round.name!r} uses version {round.framework_version!r} of framework "
            f"{round.framework_id!r}, but the framework file holds version "
            f"{framework.version!r}. Score it with the matching file.",
            code="framework_version_mismatch",
            status=409,
        )
    return framework


def value_ceiling(node: Node) -> float | None:
    """The largest value a leaf takes: its points, 100 for a percentage, none for a value that
    is normalised across units."""
    if node.rule is Rule.POINTS:
        return node.max_points
    if node.rule is Rule.PERCENTAGE:
        return 100.0
    return None


def leaf_problems(entry: Entry) -> list[tuple[str, str]]:
    """``(field, message)`` for each way ``entry`` does not fit its round's framework."""
    try:
        framework = round_framework(entry.round, check_version=False)
    except ApplicationError as error:
        return [("leaf_id", error.message)]
    leaf_id = entry.leaf_id
    if leaf_id not in framework.node_index:
        examples = ", ".join(framework.leaf_ids[:3])
        return [
            (
                "leaf_id",
                f"{leaf_id!r} is not a leaf of framework {framework.id} (version "
                f"{framework.version}); its leaves have ids such as {examples}.",
            )
        ]
    node = framework.node(leaf_id)
    if not node.is_leaf:
        children = ", ".join(child.id for child in node.children)
        return [
            (
                "leaf_id",
                f"{leaf_id!r} ({node.name('en')}) groups other criteria in framework "
                f"{framework.id}; enter values on its leaves instead: {children}.",
            )
        ]
    problems = []
    where = f"Leaf {leaf_id!r} ({node.name('en')})"
    for field, label in VALUE_LABELS.items():
        value = getattr(entry, field)
        if value is None:
            continue
        value = float(value)
        if not math.isfinite(value):
            problems.append((field, f"{where}: {label} must be a finite number, got {value}."))
        elif value < 0:
            problems.append((field, f"{where}: {label} cannot be negative (got {value:g})."))
        elif not framework.clip and node.rule is Rule.POINTS and value > node.max_points:
            problems.append(
                (
                    field,
                    f"{where}: {label} {value:g} is above the leaf's maximum of "
                    f"{node.max_points:g} points.",
                )
            )
        elif not framework.clip and node.rule is Rule.PERCENTAGE and value > 100:
            problems.append((field, f"{where}: {label} {value:g} is a percentage above 100."))
    return problems

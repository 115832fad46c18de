"""The framework validator: one test per problem, each message naming the node and its path."""

from __future__ import annotations

from typing import Any

import pytest

from govindex.scoring import FrameworkError
from govindex.scoring.validation import parse_framework

from .builders import CLASSES, framework_dict, leaf, node


def valid() -> dict[str, Any]:
    return framework_dict([node("area", 10, [leaf("a", 6), leaf("b", 4)])], 10)


def problems_of(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(raw, source="mini.yaml")
    assert caught.value.source == "mini.yaml"
    return caught.value.problems


def area(raw: dict[str, Any]) -> dict[str, Any]:
    return raw["children"][0]


def test_the_valid_base_parses() -> None:
    framework = parse_framework(valid())

    assert framework.leaf_ids == ("a", "b")
    assert framework.root.max_points == 10.0


def test_points_that_do_not_add_up_name_the_node_and_both_numbers() -> None:
    raw = valid()
    area(raw)["children"][1]["max"] = 3

    # 6 + 3 = 9 under a node that declares 10.
    assert problems_of(raw) == [
        "node 'area' (mini/area): points do not add up: children sum to 9, node declares max 10"
    ]


def test_a_weighted_sum_that_does_not_add_up() -> None:
    raw = framework_dict(
        [leaf("a", 10, weight=2), leaf("b", 5, weight=4)], 30, aggregation="weighted_sum"
    )

    # 2 × 10 + 4 × 5 = 40, not 30.
    assert problems_of(raw) == [
        "node 'mini' (mini): points do not add up: weight × max of children sum to 40, "
        "node declares max 30"
    ]


def test_a_duplicate_id_names_both_paths() -> None:
    raw = framework_dict([node("area1", 5, [leaf("a", 5)]), node("area2", 5, [leaf("a", 5)])], 10)

    assert problems_of(raw) == ["node 'a' (mini/area2/a): duplicate id (also at mini/area1/a)"]


def test_an_unknown_rule() -> None:
    raw = valid()
    area(raw)["children"][0]["rule"] = "score"

    assert problems_of(raw) == [
        "node 'a' (mini/area/a): unknown rule 'score' (expected one of: points, percentage, "
        "normalised)"
    ]


def test_an_unknown_aggregation() -> None:
    raw = valid()
    area(raw)["aggregation"] = "median"

    assert problems_of(raw) == [
        "node 'area' (mini/area): unknown aggregation 'median' (expected one of: sum, "
        "weighted_sum, weighted_mean, mean, geometric_mean)"
    ]


def test_an_unknown_key() -> None:
    raw = valid()
    area(raw)["children"][0]["wieght"] = 2

    assert problems_of(raw) == ["node 'a' (mini/area/a): unknown key 'wieght'"]


def test_an_unknown_key_at_the_top() -> None:
    raw = valid()
    raw["clasess"] = []

    assert problems_of(raw) == ["node 'mini' (mini): unknown key 'clasess'"]


def test_a_leaf_without_source() -> None:
    raw = valid()
    del area(raw)["children"][0]["source"]

    assert problems_of(raw) == [
        "node 'a' (mini/area/a): a leaf needs a source (self_assessed, survey, data or external)"
    ]


def test_a_leaf_without_rule() -> None:
    raw = valid()
    del area(raw)["children"][1]["rule"]

    assert problems_of(raw) == [
        "node 'b' (mini/area/b): a leaf needs a rule (points, percentage or normalised)"
    ]


def test_an_internal_node_with_a_rule() -> None:
    raw = valid()
    area(raw)["rule"] = "points"

    assert problems_of(raw) == [
        "node 'area' (mini/area): rule belongs on leaves; this node has children"
    ]


@pytest.mark.parametrize("threshold", [0, 120, -5])
def test_a_threshold_outside_0_to_100(threshold: int) -> None:
    raw = valid()
    area(raw)["children"][0].update(rule="percentage", threshold=threshold)

    assert problems_of(raw) == [
        f"node 'a' (mini/area/a): threshold must be in (0, 100], got {threshold}"
    ]


def test_a_threshold_on_a_points_leaf() -> None:
    raw = valid()
    area(raw)["children"][0]["threshold"] = 80

    assert problems_of(raw) == [
        "node 'a' (mini/area/a): threshold applies only to rule 'percentage'"
    ]


@pytest.mark.parametrize(
    "normalisation",
    [
        {"method": "goalposts"},
        {"method": "goalposts", "lower": 10},
        {"method": "goalposts", "upper": 10},
        {"method": "goalposts", "lower": 10, "upper": 10},
        {"method": "goalposts", "lower": 20, "upper": 10},
    ],
)
def test_goalposts_without_two_increasing_bounds(normalisation: dict[str, Any]) -> None:
    raw = valid()
    area(raw)["children"][0].update(rule="normalised", normalisation=normalisation)

    assert problems_of(raw) == ["node 'a' (mini/area/a): goalposts need numbers lower < upper"]


def test_a_normalised_leaf_without_a_method() -> None:
    raw = valid()
    area(raw)["children"][0]["rule"] = "normalised"

    assert problems_of(raw) == [
        "node 'a' (mini/area/a): rule 'normalised' needs normalisation: "
        "{method: min_max|goalposts|z_score}"
    ]


def test_classes_not_listed_highest_first() -> None:
    raw = valid()
    raw["classes"] = [CLASSES[1], CLASSES[0], CLASSES[3]]

    assert problems_of(raw) == [
        "class 'A': classes must be listed highest first with strictly falling min"
    ]


def test_classes_with_an_equal_minimum() -> None:
    raw = valid()
    raw["classes"] = [CLASSES[0], {**CLASSES[1], "min": 90}]

    assert problems_of(raw) == [
        "class 'B': classes must be listed highest first with strictly falling min"
    ]


def test_a_name_missing_a_language() -> None:
    raw = valid()
    del area(raw)["children"][0]["name"]["id"]

    assert problems_of(raw) == ["node 'a' (mini/area/a): name lacks language(s): id"]


def test_a_class_name_missing_a_language() -> None:
    raw = valid()
    raw["classes"] = [{"id": "A", "min": 0, "name": {"vi": "Tốt", "id": "Baik"}}]

    assert problems_of(raw) == ["class 'A': name lacks language(s): en"]


def test_an_adjustment_node_with_a_regular_child() -> None:
    adjustment = node(
        "adjust", 2, [leaf("extra", 2, kind="bonus"), leaf("plain", 1)], kind="adjustment"
    )
    raw = framework_dict([node("area", 10, [leaf("a", 10)]), adjustment], 10)

    assert problems_of(raw) == [
        "node 'adjust' (mini/adjust): an adjustment node holds only bonus/penalty leaves, "
        "not ['plain']"
    ]


def test_a_bonus_leaf_with_another_rule() -> None:
    raw = valid()
    raw["children"].append(leaf("extra", 2, "percentage", kind="bonus"))

    assert problems_of(raw) == ["node 'extra' (mini/extra): a bonus leaf must use rule 'points'"]


def test_every_problem_is_reported_not_only_the_first() -> None:
    raw = valid()
    del area(raw)["children"][0]["source"]
    area(raw)["children"][1]["rule"] = "score"
    raw["classes"] = [CLASSES[3], CLASSES[0]]

    problems = problems_of(raw)

    assert problems == [
        "node 'a' (mini/area/a): a leaf needs a source (self_assessed, survey, data or external)",
        "node 'b' (mini/area/b): unknown rule 'score' (expected one of: points, percentage, "
        "normalised)",
        "class 'A': classes must be listed highest first with strictly falling min",
    ]


def test_the_error_message_lists_the_problems_under_the_source() -> None:
    raw = valid()
    area(raw)["children"][0]["wieght"] = 2

    with pytest.raises(FrameworkError) as caught:
        parse_framework(raw, source="mini.yaml")

    assert str(caught.value) == (
        "framework mini.yaml is invalid:\n  - node 'a' (mini/area/a): unknown key 'wieght'"
    )


@pytest.mark.parametrize("key", ["id", "version", "legal_basis", "sources"])
def test_a_required_framework_key(key: str) -> None:
    raw = valid()
    del raw[key]

    assert f"framework: {key} is required" in problems_of(raw)

"""The framework model: tree order, paths, applicability by unit kind and classification bands."""

from __future__ import annotations

import pytest

from govindex.scoring import score_values

from .builders import CLASSES, NaN, build, leaf, node


def tree():
    return build(
        [
            node("area1", 10, [leaf("a", 6), leaf("b", 4)]),
            node(
                "area2",
                10,
                [leaf("c", 5, applies_to=["ward"]), leaf("d", 5)],
                applies_to=["ward", "commune"],
            ),
        ],
        20,
        classes=CLASSES,
    )


def test_nodes_are_in_pre_order_with_the_root_first() -> None:
    framework = tree()

    assert framework.node_ids == ("mini", "area1", "a", "b", "area2", "c", "d")
    assert framework.leaf_ids == ("a", "b", "c", "d")
    assert [area.id for area in framework.areas] == ["area1", "area2"]


def test_path_runs_from_the_root_to_the_node() -> None:
    framework = tree()

    assert framework.path("c") == ("mini", "area2", "c")
    assert framework.path("mini") == ("mini",)


def test_leaf_applicability_follows_applies_to_down_the_subtree() -> None:
    framework = tree()

    assert framework.leaf_applicability("ward") == (True, True, True, True)
    assert framework.leaf_applicability("commune") == (True, True, False, True)
    # area2 is for wards and communes only, so both of its leaves drop out for a department.
    assert framework.leaf_applicability("department") == (True, True, False, False)
    # No kind given: everything applies.
    assert framework.leaf_applicability(None) == (True, True, True, True)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100.0, "A"),
        (90.0, "A"),  # exactly at a band minimum: that band
        (89.999, "B"),
        (80.0, "B"),
        (79.99, "C"),
        (70.0, "C"),
        (69.9999, "D"),
        (0.0, "D"),
    ],
)
def test_a_score_takes_the_first_band_whose_minimum_it_reaches(score: float, band: str) -> None:
    result = tree().classify(score)

    assert result is not None
    assert result.id == band


def test_no_score_has_no_band() -> None:
    assert tree().classify(None) is None


def test_a_score_below_the_lowest_band_has_no_band() -> None:
    framework = build([leaf("a", 10)], 10, classes=CLASSES[:2])

    assert framework.classify(79.0) is None
    assert framework.classify(80.0).id == "B"


def test_band_names_fall_back_to_english() -> None:
    band = tree().bands[0]

    assert (band.name("vi"), band.name("en"), band.name("fr")) == (
        "Xuất sắc",
        "Excellent",
        "Excellent",
    )


def test_a_score_exactly_at_a_band_minimum_is_not_lost_to_float_noise() -> None:
    # Two percentage indicators worth 18 and 2 points (a Decision 766 group): rates 95 % and 45 %
    # give 0.95 × 18 + 0.45 × 2 = 17.1 + 0.9 = 18 of 20 points = exactly 90 % → band A.
    # In floats 0.95 × 18 = 17.099999999999998, so the computed score is 89.99999999999999.
    # Ranks treat values equal to 9 decimals as ties; bands must not split them either.
    framework = build(
        [leaf("p1", 18, "percentage"), leaf("p2", 2, "percentage")], 20, classes=CLASSES
    )

    result = score_values(framework, ["u1", "u2", "u3"], [[95.0, 45.0], [100.0, 0.0], [NaN, 0.0]])

    assert result.scores[0] == pytest.approx(90.0, abs=1e-9)
    assert [result.unit(unit).band for unit in ("u1", "u2", "u3")] == [
        framework.bands[0],
        framework.bands[0],
        None,
    ]
    assert [row["class"] for row in result.summary_rows()] == ["A", "A", None]

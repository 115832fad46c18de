"""Criterion diagnosis on a hand-built round: statuses, gaps, points at stake, peers, order.

The round (framework "mini", percent scale, 20 points):

- area1 (sum, 10): p (points, 4), r (points, 6)
- area2 (mean, 10): s (percentage, 6 points, threshold 80), o (percentage, 4 points, threshold 100)
- pen (penalty, up to 2, taken off the total)

=====  ========================  ==========================================================  =====
unit   p, r, s %, o %, pen       area1; area2 = mean of shares × 10; total                   score
=====  ========================  ==========================================================  =====
u1     1, 6, 40, 50, 1           1 + 6 = 7; s 40/80 = .5, o 50/100 = .5 → 5; 7 + 5 − 1 = 11    55
u2     4, 6, 80, 100, 0          10; 10; 20                                                  100
u3     3, 6, 60, 75, 0           9; s .75 (4.5 points), o .75 (3 points) → 7.5; 16.5          82.5
=====  ========================  ==========================================================  =====
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govindex.scoring import score_values
from govindex.scoring.diagnosis import (
    RoundInput,
    Status,
    Thresholds,
    diagnose,
    points_at_stake,
)
from govindex.scoring.engine import values_matrix

from .builders import CLASSES, NaN, build, leaf, node
from .framework_strategies import applicability, frameworks, value_matrices

EXACT = 1e-9
UNITS = ["u1", "u2", "u3"]
VALUES = [
    [1.0, 6.0, 40.0, 50.0, 1.0],
    [4.0, 6.0, 80.0, 100.0, 0.0],
    [3.0, 6.0, 60.0, 75.0, 0.0],
]


def mini(**keys):
    return build(
        [
            node("area1", 10, [leaf("p", 4), leaf("r", 6)]),
            node(
                "area2",
                10,
                [
                    leaf("s", 6, "percentage", threshold=80),
                    leaf("o", 4, "percentage", threshold=100),
                ],
                aggregation="mean",
            ),
            leaf("pen", 2, kind="penalty"),
        ],
        20,
        classes=CLASSES,
        **keys,
    )


def by_leaf(rows):
    return {row.leaf_id: row for row in rows}


def test_points_at_stake_is_the_score_gain_with_the_criterion_at_its_best() -> None:
    stakes = points_at_stake(mini(), UNITS, VALUES, None, None, "u1")

    # u1 scores 11/20 = 55 %.
    # p 1 → 4: area1 10, total 14 → 70 %: +15.  r is at its maximum: 0.
    # s 40 → 80 (its threshold): area2 = (1 + .5)/2 × 10 = 7.5, total 13.5 → 67.5 %: +12.5.
    # o 50 → 100: the same, +12.5 (a mean weighs shares, not points).
    # pen 1 → 0: total 12 → 60 %: +5.
    assert stakes == pytest.approx(
        {"p": 15.0, "r": 0.0, "s": 12.5, "o": 12.5, "pen": 5.0}, abs=EXACT
    )


def test_diagnose_lists_every_criterion_with_its_numbers_most_at_stake_first() -> None:
    rows = diagnose(mini(), UNITS, VALUES, None, None, "u1")

    # Stakes 15 (p), 12.5 (s, gap 3), 12.5 (o, gap 2), 5 (pen), 0 (r): on equal stakes the
    # larger gap comes first.
    assert [row.leaf_id for row in rows] == ["p", "s", "o", "pen", "r"]
    found = by_leaf(rows)
    p, s, o, pen, r = (found[key] for key in ("p", "s", "o", "pen", "r"))
    # p: 1 of 4 points, gap 3, share .25 < .5 → not achieved; shares .25, 1, .75 → rank 3 of 3;
    # the best other unit is u2 with 4 points, alone.
    assert (p.value, p.points, p.max_points, p.gap, p.share) == (1.0, 1.0, 4.0, 3.0, 0.25)
    assert (p.status, p.rank, p.ranked, p.area_id, p.kind) == (
        Status.NOT_ACHIEVED,
        3,
        3,
        "area1",
        "regular",
    )
    assert (p.best_peer, p.best_peer_points, p.best_peer_count, p.best_value) == ("u2", 4.0, 1, 4.0)
    # s: 40 % of an 80 % threshold → 3 of 6 points, share .5 → partly; best value 80.
    assert (s.value, s.points, s.gap, s.share, s.status, s.best_value) == (
        40.0,
        3.0,
        3.0,
        0.5,
        Status.PARTLY,
        80.0,
    )
    assert (s.best_peer, s.best_peer_points, s.rank) == ("u2", 6.0, 3)
    # o: 50 % of 100 → 2 of 4 points.
    assert (o.points, o.gap, o.status, o.best_value) == (2.0, 2.0, Status.PARTLY, 100.0)
    # r: 6 of 6 → achieved, every unit ties at full points: rank 1 of 3; the best other unit is
    # u2 (first in input order) and u3 has as many: 2 at the best.
    assert (r.share, r.gap, r.status, r.rank, r.points_at_stake) == (
        1.0,
        0.0,
        Status.ACHIEVED,
        1,
        0.0,
    )
    assert (r.best_peer, r.best_peer_points, r.best_peer_count) == ("u2", 6.0, 2)
    # pen: 1 of 2 penalty points taken: share 1 − 1/2 = .5 → partly; its "gap" is the point it
    # took; no rank (a penalty's share ranks the wrong way round); the best other units have none.
    assert (pen.kind, pen.points, pen.gap, pen.share, pen.status, pen.best_value) == (
        "penalty",
        1.0,
        1.0,
        0.5,
        Status.PARTLY,
        0.0,
    )
    assert (pen.rank, pen.ranked, pen.best_peer, pen.best_peer_points, pen.best_peer_count) == (
        None,
        0,
        "u2",
        0.0,
        2,
    )


def test_thresholds_are_parameters() -> None:
    strict = Thresholds(achieved=1.0, partly=0.75)
    lenient = Thresholds(achieved=0.5, partly=0.25)

    # p .25, s .5, r 1: strict → not achieved, not achieved, achieved; lenient → partly (.25 ≥
    # .25), achieved (.5 ≥ .5), achieved.
    strict_rows = by_leaf(diagnose(mini(), UNITS, VALUES, None, None, "u1", thresholds=strict))
    lenient_rows = by_leaf(diagnose(mini(), UNITS, VALUES, None, None, "u1", thresholds=lenient))

    assert [strict_rows[key].status for key in "psr"] == [
        Status.NOT_ACHIEVED,
        Status.NOT_ACHIEVED,
        Status.ACHIEVED,
    ]
    assert [lenient_rows[key].status for key in "psr"] == [
        Status.PARTLY,
        Status.ACHIEVED,
        Status.ACHIEVED,
    ]


def test_a_share_a_float_ulp_below_the_threshold_counts_as_reaching_it() -> None:
    assert Thresholds().status(1.0 - 1e-12) is Status.ACHIEVED
    assert Thresholds().status(0.5 - 1e-12) is Status.PARTLY
    assert Thresholds().status(0.49) is Status.NOT_ACHIEVED
    assert Thresholds().status(None) is Status.MISSING
    assert Thresholds().status(0.3, applicable=False) is Status.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("achieved", "partly", "message"),
    [
        (1.2, 0.5, "threshold achieved is a share of the criterion's maximum, between 0 and 1"),
        (1.0, -0.1, "threshold partly is a share of the criterion's maximum, between 0 and 1"),
        (0.6, 0.8, "the 'partly' threshold (0.8) cannot be above the 'achieved' threshold (0.6)"),
    ],
)
def test_thresholds_out_of_order_or_range_are_refused(achieved, partly, message) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Thresholds(achieved=achieved, partly=partly)


def test_a_criterion_declared_not_applicable_has_no_points_and_no_stake() -> None:
    applicable = np.ones((3, 5), dtype=bool)
    applicable[0, 3] = False  # u1: o does not apply

    rows = by_leaf(diagnose(mini(), UNITS, VALUES, applicable, None, "u1"))

    # area2 is then the mean of s alone: .5 × 10 = 5, the total still 11 of 20 → 55 %; raising
    # s to 80 makes area2 10: total 16 → 80 %, a stake of 25 (o no longer shares the mean).
    o = rows["o"]
    assert (o.status, o.points, o.max_points, o.gap, o.points_at_stake, o.rank) == (
        Status.NOT_APPLICABLE,
        None,
        0.0,
        None,
        None,
        None,
    )
    assert rows["s"].points_at_stake == pytest.approx(25.0, abs=EXACT)
    assert [row.leaf_id for row in diagnose(mini(), UNITS, VALUES, applicable, None, "u1")] == [
        "s",
        "p",
        "pen",
        "r",
        "o",
    ]


def test_criteria_of_another_unit_kind_are_left_out() -> None:
    framework = build(
        [
            node("area1", 10, [leaf("p", 4), leaf("r", 6)]),
            node("local", 4, [leaf("l", 4)], applies_to=["ward"]),
        ],
        14,
        unit_kinds=["ward", "department"],
    )
    values = [[4.0, 6.0, 1.0], [2.0, 6.0, NaN]]

    rows = diagnose(framework, ["ward", "dept"], values, None, ["ward", "department"], "dept")

    # The department is scored on area1 only: 2 + 6 of 10; l is not one of its criteria.
    # p 2 → 4: 10 of 10, +20 percentage points.
    assert [(row.leaf_id, row.points_at_stake) for row in rows] == [("p", 20.0), ("r", 0.0)]


def test_a_missing_value_is_missing_and_nothing_is_at_stake_while_the_score_is_na() -> None:
    values = [row[:] for row in VALUES]
    values[0][0] = NaN  # u1 has no value for p: its total is N/A (missing: propagate)

    rows = by_leaf(diagnose(mini(), UNITS, values, None, None, "u1"))

    assert (rows["p"].status, rows["p"].points, rows["p"].gap) == (Status.MISSING, None, None)
    assert {row.points_at_stake for row in rows.values()} == {None}


def test_min_max_criteria_are_brought_to_the_best_units_value() -> None:
    framework = build(
        [
            leaf("speed", 10, "normalised", normalisation={"method": "min_max"}, source="data"),
            leaf("q", 10),
        ],
        20,
    )
    values = [[2.0, 5.0], [6.0, 5.0], [4.0, 5.0]]

    rows = by_leaf(diagnose(framework, ["a", "b", "c"], values, None, None, "c"))

    # speed: (4 − 2)/(6 − 2) = .5 → 5 points; at the best value (6, unit b's) it is 10:
    # total 15 → 20 of 20, +25 percentage points.
    speed = rows["speed"]
    assert (speed.points, speed.best_value, speed.points_at_stake) == (5.0, 6.0, 25.0)


def test_z_score_criteria_reach_the_share_the_best_unit_had_not_the_maximum() -> None:
    framework = build(
        [
            leaf("z", 10, "normalised", normalisation={"method": "z_score"}, source="data"),
            leaf("q", 10),
        ],
        20,
    )
    values = [[0.0, 10.0], [10.0, 10.0], [5.0, 10.0]]

    stakes = points_at_stake(framework, ["a", "b", "c"], values, None, None, "a")

    # a at 0: z = (0 − 5)/sd([0, 10, 5]) = −5/4.0825 = −1.2247 → Φ = .1103 → 1.103 points.
    # a at 10 (b's value): values 10, 10, 5 → mean 8.333, sd 2.357; z = .7071 → Φ = .7602.
    # The total goes from 11.103 to 17.602 of 20: +32.49 percentage points.
    def phi(z: float) -> float:
        return 0.5 * (1 + math.erf(z / math.sqrt(2)))

    before = phi(-5 / np.std([0.0, 10.0, 5.0])) * 10 + 10
    after = phi((10 - 25 / 3) / np.std([10.0, 10.0, 5.0])) * 10 + 10
    assert stakes["z"] == pytest.approx((after - before) / 20 * 100, abs=EXACT)
    assert stakes["z"] == pytest.approx(32.49, abs=0.01)


def test_values_matrix_turns_the_mapping_into_the_engines_arrays() -> None:
    framework = mini()

    units, matrix, applicable = values_matrix(
        framework, {"u1": {"p": 1, "o": "not_applicable"}, "u2": {}}
    )

    assert units == ("u1", "u2")
    assert np.array_equal(
        matrix, [[1.0, NaN, NaN, NaN, NaN], [NaN, NaN, NaN, NaN, NaN]], equal_nan=True
    )
    assert applicable.tolist() == [
        [True, True, True, False, True],
        [True, True, True, True, True],
    ]
    with pytest.raises(ValueError, match=r"u2: 'x' is not a leaf of mini"):
        values_matrix(framework, {"u2": {"x": 1}})


def test_inputs_are_checked_with_clear_messages() -> None:
    framework = mini()

    with pytest.raises(ValueError, match=r"unit 'u9' is not among the 3 units scored"):
        diagnose(framework, UNITS, VALUES, None, None, "u9")
    with pytest.raises(ValueError, match=r"values must be 3 units × 5 leaves, got \(2, 5\)"):
        diagnose(framework, UNITS, VALUES[:2], None, None, "u1")
    with pytest.raises(ValueError, match=r"unit_kinds names 2 kinds for 3 units"):
        diagnose(framework, UNITS, VALUES, None, ["ward", "ward"], "u1")


# --- properties ------------------------------------------------------------------------------

EXAMPLES = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@EXAMPLES
@given(data=st.data(), framework=frameworks())
def test_points_at_stake_are_never_negative_and_equal_a_real_rescoring(
    data: st.DataObject, framework
) -> None:
    values = data.draw(value_matrices(framework, missing=True))
    flags = data.draw(st.one_of(st.none(), applicability(values.shape)))
    units = [f"unit {i}" for i in range(len(values))]
    unit = data.draw(st.sampled_from(units))

    stakes = points_at_stake(framework, units, values, flags, None, unit)

    inputs = RoundInput.of(framework, units, values, flags, None, unit)
    position = units.index(unit)
    before = score_values(framework, units, values, flags).scores[position]
    for j, leaf_id in enumerate(framework.leaf_ids):
        stake = stakes[leaf_id]
        if stake is None:
            continue
        assert stake >= 0.0
        best = inputs.best_values[j]
        if np.isnan(best) or values[position, j] == best:
            continue
        changed = values.copy()
        changed[position, j] = best
        after = score_values(framework, units, changed, flags).scores[position]
        # the stake is the rescored gain (clipped at 0 only against float noise)
        assert stake == pytest.approx(max(0.0, after - before), abs=1e-9)

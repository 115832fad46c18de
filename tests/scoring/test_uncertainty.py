"""Ranking uncertainty and sensitivity: reproducibility, the official ranking when nothing is
perturbed, hand-worked intervals, what the sensitivity indices single out, bad settings, and
properties on random frameworks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govindex.scoring import competition_rank, load_framework, score_values
from govindex.scoring.framework import Framework, Rule
from govindex.scoring.uncertainty import (
    UncertaintySettings,
    _Model,
    _row_ranks,
    rank_uncertainty,
)

from .builders import NaN, build, leaf
from .framework_strategies import applicability, frameworks, value_matrices

UNPERTURBED = UncertaintySettings(
    draws=50, weights="none", normalisations=("official",), imputations=("official",)
)
EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def two_leaves(aggregation: str = "weighted_mean", **keys: object) -> Framework:
    """Two 10-point leaves x and y under one root."""
    maximum = 20 if aggregation in ("sum", "weighted_sum") else 10
    return build(
        [leaf("x", 10, source="data"), leaf("y", 10, source="data")],
        maximum,
        aggregation=aggregation,
        **keys,
    )


#: A best on both leaves; B ahead of C only while x weighs more than 47.4 % (official: 50 %).
THREE_UNITS = ["A", "B", "C"]
THREE_VALUES = [[10.0, 10.0], [6.0, 4.2], [4.0, 6.0]]


def random_round(framework: Framework, units: int = 126, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    upper = np.asarray(
        [leaf.max_points if leaf.rule is Rule.POINTS else 100.0 for leaf in framework.leaves]
    )
    values = np.round(rng.uniform(0.3, 1.0, (units, upper.size)) * upper, 2)
    for position, node in enumerate(framework.leaves):
        if node.rule is Rule.NORMALISED:
            values[:, position] = np.round(rng.normal(50, 10, units), 1)
    return values


def names(count: int) -> list[str]:
    return [f"u{i:03d}" for i in range(count)]


# -- reproducibility ----------------------------------------------------------------------


def test_the_same_seed_gives_the_same_arrays_and_another_seed_others() -> None:
    framework = load_framework("par-index-876-province")
    values = random_round(framework, 40)
    units = names(40)

    first = rank_uncertainty(framework, units, values, settings=UncertaintySettings(draws=300))
    again = rank_uncertainty(framework, units, values, settings=UncertaintySettings(draws=300))
    other = rank_uncertainty(
        framework, units, values, settings=UncertaintySettings(draws=300, seed=7)
    )

    assert np.array_equal(first.draw_ranks, again.draw_ranks)
    assert np.array_equal(first.low_ranks, again.low_ranks)
    assert np.array_equal(first.high_ranks, again.high_ranks)
    assert first.sensitivity == again.sensitivity
    assert not np.array_equal(first.draw_ranks, other.draw_ranks)
    assert first.draw_ranks.shape == (300, 40)


def test_result_arrays_are_read_only() -> None:
    result = rank_uncertainty(two_leaves(), THREE_UNITS, THREE_VALUES, settings=UNPERTURBED)

    with pytest.raises(ValueError, match="read-only"):
        result.draw_ranks[0, 0] = 3


# -- nothing perturbed: the official ranking ----------------------------------------------


@pytest.mark.parametrize(
    "framework_id",
    [
        "par-index-876-province",
        "hanoi-par-units-5666",
        "sipas-1001",
        "pci-vcci",
        "pgi-vcci",
        "dvc-766",
    ],
)
def test_unperturbed_draws_give_exactly_the_official_ranks(framework_id: str) -> None:
    framework = load_framework(framework_id)
    values = random_round(framework)
    values[5, 3] = NaN  # one unit missing a value: N/A (propagate) or a shorter denominator
    kinds = [("ward", "commune", "department")[i % 3] for i in range(126)]
    units = names(126)
    official = score_values(framework, units, values, None, kinds)

    result = rank_uncertainty(framework, units, values, None, kinds, settings=UNPERTURBED)

    assert np.array_equal(result.official_ranks, official.ranks)
    assert (result.draw_ranks == official.ranks).all()
    assert np.array_equal(result.median_ranks, official.ranks)
    assert np.array_equal(result.low_ranks, official.ranks)
    assert np.array_equal(result.high_ranks, official.ranks)
    assert [(s.factor, s.first_order, s.total) for s in result.sensitivity] == [
        ("weights", None, None),  # no rank moves: nothing to explain
        ("normalisation", None, None),
        ("imputation", None, None),
    ]


@pytest.mark.parametrize(
    "framework_id", ["par-index-876-province", "hanoi-par-units-5666", "sipas-1001", "pci-vcci"]
)
def test_the_tree_with_official_weights_reproduces_score_values(framework_id: str) -> None:
    framework = load_framework(framework_id)
    values = random_round(framework)
    kinds = [("ward", "commune", "department")[i % 3] for i in range(126)]
    applicable = np.ones(values.shape, dtype=bool)
    applicable[::7, 2] = False
    official = score_values(framework, names(126), values, applicable, kinds)
    model = _Model(framework, official, applicable, kinds, UNPERTURBED)
    ones = np.ones((3, model.n_edges))

    per_unit = model.scores(model.states[0], None)
    per_draw = model.scores(model.states[0], ones)

    np.testing.assert_allclose(per_unit, official.scores, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(per_draw, np.tile(official.scores, (3, 1)), rtol=1e-12, atol=1e-12)


@EXAMPLES
@given(st.data())
def test_property_unperturbed_draws_rank_as_the_engine(data: st.DataObject) -> None:
    framework = data.draw(frameworks())
    values = data.draw(value_matrices(framework, min_units=2, max_units=7, missing=True))
    applies = data.draw(applicability(values.shape))
    units = names(values.shape[0])
    official = score_values(framework, units, values, applies)

    result = rank_uncertainty(framework, units, values, applies, settings=UNPERTURBED)

    assert (result.draw_ranks == official.ranks).all()


# -- a hand-worked case -------------------------------------------------------------------


@pytest.mark.parametrize("aggregation", ["weighted_mean", "sum", "mean", "weighted_sum"])
def test_three_units_best_always_first_and_a_close_pair_swapping(aggregation: str) -> None:
    framework = two_leaves(aggregation)

    result = rank_uncertainty(
        framework,
        THREE_UNITS,
        THREE_VALUES,
        settings=UncertaintySettings(
            draws=2000, normalisations=("official",), imputations=("official",)
        ),
    )

    assert result.official_ranks.tolist() == [1, 2, 3]
    assert (result.draw_ranks[:, 0] == 1).all()
    assert (result.low_ranks.tolist(), result.high_ranks.tolist()) == ([1, 2, 2], [1, 3, 3])
    assert result.median_ranks.tolist() == [1, 2, 3]
    # B − C = 3.8 p − 1.8 where p is x's share of the weight: B falls behind when p < 9/19,
    # i.e. f_x < 0.9 f_y with f_x, f_y ~ U(0.8, 1.2): P = ∫ (0.9 y − 0.8) / 0.4 dy / 0.4 over
    # y in [8/9, 1.2] = 49/180 ≈ 0.272 of the draws.
    swapped = float((result.draw_ranks[:, 1] == 3).mean())
    assert swapped == pytest.approx(49 / 180, abs=0.03)
    assert ((result.draw_ranks[:, 1] == 3) == (result.draw_ranks[:, 2] == 2)).all()
    weights, normalisation, imputation = result.sensitivity
    assert weights.first_order == pytest.approx(1.0, abs=0.1)
    assert weights.total == pytest.approx(1.0, abs=0.05)
    assert (normalisation.varied, normalisation.first_order, normalisation.total) == (
        False,
        0.0,
        0.0,
    )
    assert (imputation.first_order, imputation.total) == (0.0, 0.0)


def test_interval_of_a_unit_reads_the_arrays() -> None:
    result = rank_uncertainty(
        two_leaves(),
        [*THREE_UNITS, "D"],
        [*THREE_VALUES, [NaN, 5.0]],
        settings=UncertaintySettings(draws=400, normalisations=("official",)),
    )

    assert result.ranked == 3
    b = result.interval("B")
    assert (b.unit, b.official, b.median, b.low, b.high) == ("B", 2, 2, 2, 3)
    # D has no official score (missing: propagate): unranked in every draw, whatever imputed.
    assert result.interval("D").official is None
    assert (result.interval("D").median, result.interval("D").low) == (None, None)
    assert (result.draw_ranks[:, 3] == 0).all()
    assert result.sensitivity[2].total == 0.0  # imputation: no ranked unit misses a value


def test_dirichlet_draws_concentrate_on_the_official_weights() -> None:
    loose = UncertaintySettings(draws=2000, weights="dirichlet", concentration=10.0)
    tight = UncertaintySettings(
        draws=2000,
        weights="dirichlet",
        concentration=1e7,
        normalisations=("official",),
        imputations=("official",),
    )

    wide = rank_uncertainty(two_leaves(), THREE_UNITS, THREE_VALUES, settings=loose)
    narrow = rank_uncertainty(two_leaves(), THREE_UNITS, THREE_VALUES, settings=tight)

    assert (wide.low_ranks.tolist(), wide.high_ranks.tolist()) == ([1, 2, 2], [1, 3, 3])
    assert (narrow.draw_ranks == [1, 2, 3]).all()


# -- normalisation and imputation alternatives --------------------------------------------


def test_rank_normalisation_alone_moves_ranks_and_takes_all_the_variance() -> None:
    # On x, A leads B by 1 point, on y B leads A by 8: official B first; by rank on each
    # leaf they are level (one first place each) and C is last.
    framework = two_leaves("sum")
    values = [[10.0, 1.0], [9.0, 9.0], [0.0, 0.0]]

    result = rank_uncertainty(
        framework,
        ["A", "B", "C"],
        values,
        settings=UncertaintySettings(
            draws=1000,
            weights="none",
            normalisations=("official", "rank"),
            imputations=("official",),
        ),
    )

    assert result.official_ranks.tolist() == [2, 1, 3]
    by_rank = result.draw_ranks[:, 0] == 1  # the draws that normalised by rank: A ties B
    assert 0.4 < by_rank.mean() < 0.6
    assert (result.draw_ranks[by_rank] == [1, 1, 3]).all()
    assert (result.draw_ranks[~by_rank] == [2, 1, 3]).all()
    weights, normalisation, imputation = result.sensitivity
    assert (weights.varied, weights.first_order, weights.total) == (False, 0.0, 0.0)
    assert normalisation.first_order == pytest.approx(1.0, abs=0.15)
    assert normalisation.total == pytest.approx(1.0, abs=0.1)
    assert (imputation.first_order, imputation.total) == (0.0, 0.0)


def test_normalised_shares_of_each_alternative() -> None:
    framework = two_leaves("sum")
    values = np.asarray([[10.0, 2.0], [6.0, 2.0], [4.0, 8.0], [6.0, 5.0]])
    official = score_values(framework, names(4), values)
    model = _Model(framework, official, None, None, UncertaintySettings())

    assert model._normalised("official").T.tolist() == [
        [1.0, 0.2],
        [0.6, 0.2],
        [0.4, 0.8],
        [0.6, 0.5],
    ]
    np.testing.assert_allclose(
        model._normalised("min-max").T, [[1.0, 0.0], [1 / 3, 0.0], [0.0, 1.0], [1 / 3, 0.5]]
    )
    # 1 − units strictly better / (units − 1): on x 10 > 6 = 6 > 4; on y 8 > 5 > 2 = 2
    np.testing.assert_allclose(
        model._normalised("rank").T, [[1.0, 1 / 3], [2 / 3, 1 / 3], [0.0, 1.0], [2 / 3, 2 / 3]]
    )


def test_imputation_drives_ranks_when_missing_values_leave_the_denominator() -> None:
    # missing: exclude. D has only x (9/10 = 90 %) and is officially first. Given y's mean
    # share among A, B, C ((0.8 + 0.6 + 0) / 3) it scores 68.3 %, 2nd; given no points for y,
    # 45 %, 3rd. A 80 %, B 65 %, C 15 % whatever is imputed.
    framework = two_leaves("sum", missing="exclude")
    values = [[8.0, 8.0], [7.0, 6.0], [3.0, 0.0], [9.0, NaN]]

    result = rank_uncertainty(
        framework,
        ["A", "B", "C", "D"],
        values,
        settings=UncertaintySettings(
            draws=1500, weights="none", normalisations=("official",), imputations=IMPUTED
        ),
    )

    assert result.official_ranks.tolist() == [2, 3, 4, 1]
    assert sorted({tuple(row) for row in result.draw_ranks.tolist()}) == [
        (1, 2, 4, 3),  # zero
        (1, 3, 4, 2),  # mean
        (2, 3, 4, 1),  # official
    ]
    assert (result.low_ranks.tolist(), result.high_ranks.tolist()) == ([1, 2, 4, 1], [2, 3, 4, 3])
    weights, normalisation, imputation = result.sensitivity
    assert imputation.first_order == pytest.approx(1.0, abs=0.15)
    assert imputation.total == pytest.approx(1.0, abs=0.1)
    assert (weights.total, normalisation.total) == (0.0, 0.0)


IMPUTED = ("official", "mean", "zero")


def test_weights_dominate_when_they_are_what_moves_the_pair() -> None:
    # Min-max rescaling barely separates B and C (B 0.333 + 0, C 0 + 0.310 of each leaf's
    # span) while the weights swap them in a quarter of the draws: weights explain more.
    framework = two_leaves()
    result = rank_uncertainty(
        framework,
        THREE_UNITS,
        THREE_VALUES,
        settings=UncertaintySettings(draws=4000, normalisations=("official", "min-max")),
    )

    weights, normalisation, imputation = result.sensitivity
    assert weights.total > normalisation.total
    assert imputation.total == 0.0
    for index in result.sensitivity:
        assert index.first_order is not None and index.total is not None
        assert -0.05 <= index.first_order <= index.total + 0.05


# -- bad settings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ({"draws": 1}, "draws must be a whole number from 2 to 1,000,000, got 1"),
        ({"draws": 2.5}, "draws must be a whole number from 2 to 1,000,000, got 2.5"),
        ({"draws": True}, "draws must be a whole number from 2 to 1,000,000, got True"),
        ({"seed": -1}, "seed must be a whole number ≥ 0, got -1"),
        ({"weights": "random"}, "weights must be one of uniform, dirichlet, none, got 'random'"),
        ({"spread": 1.0}, "spread must be a number between 0 and 1 (exclusive), got 1.0"),
        ({"spread": 0}, "spread must be a number between 0 and 1 (exclusive), got 0"),
        (
            {"concentration": float("inf")},
            "concentration must be a positive finite number, got inf",
        ),
        (
            {"normalisations": ("official", "z")},
            "normalisations: unknown 'z'; choose among official, min-max, rank",
        ),
        ({"imputations": ()}, "imputations must name at least one of official, mean, zero"),
        (
            {"imputations": ("mean", "mean")},
            "imputations lists a choice twice: mean, mean",
        ),
        ({"sensitivity": "yes"}, "sensitivity must be true or false, got 'yes'"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(keys: dict, message: str) -> None:
    with pytest.raises(ValueError, match="invalid uncertainty settings") as raised:
        UncertaintySettings(**keys)

    assert str(raised.value) == f"invalid uncertainty settings: {message}"


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(ValueError) as raised:
        UncertaintySettings(draws=0, weights="flat", spread=2)

    assert str(raised.value).count(";") == 2


def test_a_single_choice_may_be_given_as_a_string() -> None:
    chosen = UncertaintySettings(normalisations="rank", imputations=["mean"])

    assert (chosen.normalisations, chosen.imputations) == (("rank",), ("mean",))
    assert chosen.as_dict() == {
        "draws": 1000,
        "seed": 2026,
        "weights": "uniform",
        "spread": 0.2,
        "concentration": 100.0,
        "normalisations": ["rank"],
        "imputations": ["mean"],
        "sensitivity": True,
    }


def test_bad_values_are_refused_as_score_values_refuses_them() -> None:
    with pytest.raises(ValueError, match="values must be 3 units × 2 leaves"):
        rank_uncertainty(two_leaves(), THREE_UNITS, [[1.0, 2.0]])


# -- properties ---------------------------------------------------------------------------


@EXAMPLES
@given(st.data())
def test_property_median_inside_the_interval_inside_the_ranks(data: st.DataObject) -> None:
    framework = data.draw(frameworks())
    values = data.draw(value_matrices(framework, min_units=1, max_units=7, missing=True))
    weights = data.draw(st.sampled_from(("uniform", "dirichlet", "none")))
    seed = data.draw(st.integers(0, 1000))
    units = names(values.shape[0])

    result = rank_uncertainty(
        framework,
        units,
        values,
        settings=UncertaintySettings(draws=40, seed=seed, weights=weights),
    )

    ranked = result.official_ranks > 0
    low, median, high = result.low_ranks, result.median_ranks, result.high_ranks
    assert (low[ranked] >= 1).all()
    assert (low <= median).all() and (median <= high).all()
    assert (high[ranked] <= ranked.sum()).all()
    assert (result.draw_ranks[:, ~ranked] == 0).all()
    assert (result.draw_ranks[:, ranked] >= 1).all()
    for index in result.sensitivity:
        if index.first_order is not None and not index.varied:
            assert (index.first_order, index.total) == (0.0, 0.0)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.integers(0, 4).map(float), st.just(NaN)), min_size=4, max_size=4),
        min_size=1,
        max_size=6,
    )
)
def test_property_row_ranks_are_competition_ranks(rows: list[list[float]]) -> None:
    scores = np.asarray(rows) / 3.0

    assert _row_ranks(scores).tolist() == [competition_rank(row).tolist() for row in scores]

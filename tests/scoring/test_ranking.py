"""Standard competition ranking ("1224") with N/A unranked and float noise tied."""

from __future__ import annotations

from govindex.scoring import competition_rank

NaN = float("nan")


def test_equal_values_share_a_rank_and_the_next_rank_is_skipped() -> None:
    # 90 first; the two 80s share 2nd; 70 comes 4th (not 3rd).
    assert competition_rank([90.0, 80.0, 80.0, 70.0]).tolist() == [1, 2, 2, 4]


def test_input_order_does_not_matter() -> None:
    assert competition_rank([70.0, 80.0, 90.0, 80.0]).tolist() == [4, 2, 1, 2]


def test_na_is_unranked_and_does_not_take_a_place() -> None:
    # NaN → 0 (unranked); 50 is 4th of the four ranked values.
    assert competition_rank([70.0, 90.0, 90.0, NaN, 50.0]).tolist() == [3, 1, 1, 0, 4]


def test_all_na_ranks_nobody() -> None:
    assert competition_rank([NaN, NaN]).tolist() == [0, 0]


def test_float_noise_does_not_split_a_tie() -> None:
    # 0.1 + 0.2 = 0.30000000000000004 ≠ 0.3 in floats, but equal to 9 decimals: a tie.
    assert 0.1 + 0.2 != 0.3
    assert competition_rank([0.1 + 0.2, 0.3, 0.2]).tolist() == [1, 1, 3]


def test_a_real_difference_in_the_ninth_decimal_is_not_a_tie() -> None:
    assert competition_rank([0.300000001, 0.3]).tolist() == [1, 2]


def test_lower_is_better() -> None:
    assert competition_rank([3.0, 1.0, 3.0, NaN], higher_is_better=False).tolist() == [2, 1, 2, 0]


def test_one_unit_is_first_and_no_units_rank_nothing() -> None:
    assert competition_rank([42.0]).tolist() == [1]
    assert competition_rank([]).tolist() == []

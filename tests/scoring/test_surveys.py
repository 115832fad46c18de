"""Survey answer counts to the share of satisfied answers."""

from __future__ import annotations

import pytest

from govindex.scoring import likert_share


def test_the_share_of_satisfied_and_very_satisfied_answers() -> None:
    # Levels 1..5 counted 1, 1, 2, 4, 2: satisfied = 4 + 2 = 6 of 10 valid answers → 60 %.
    assert likert_share([1, 1, 2, 4, 2]) == 60.0


def test_other_satisfied_levels() -> None:
    # Only "very satisfied" (level 5): 2 of 10 → 20 %.
    assert likert_share([1, 1, 2, 4, 2], satisfied_levels=(5,)) == 20.0


def test_a_3_level_scale() -> None:
    # Levels 1..3 counted 3, 0, 1 with level 3 satisfied: 1 of 4 → 25 %.
    assert likert_share([3, 0, 1], satisfied_levels=(3,)) == 25.0


def test_nobody_satisfied_is_zero_and_everybody_is_100() -> None:
    assert likert_share([5, 5, 0, 0, 0]) == 0.0
    assert likert_share([0, 0, 0, 3, 7]) == 100.0


def test_no_valid_answer_is_na_not_zero() -> None:
    assert likert_share([0, 0, 0, 0, 0]) is None


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match=r"answer counts cannot be negative: \[1, -1, 0, 0, 0\]"):
        likert_share([1, -1, 0, 0, 0])


def test_a_satisfied_level_outside_the_scale_is_refused() -> None:
    with pytest.raises(ValueError, match=r"satisfied levels \[4, 6\] outside 1..5"):
        likert_share([1, 1, 1, 1, 1], satisfied_levels=(4, 6))

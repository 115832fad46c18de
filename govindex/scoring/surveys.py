"""Survey answers to indicator values."""

from __future__ import annotations

from collections.abc import Sequence

#: On a 5-level Likert scale (1 very dissatisfied … 5 very satisfied), "satisfied" + "very satisfied".
SATISFIED_LEVELS = (4, 5)


def likert_share(
    counts: Sequence[int], *, satisfied_levels: Sequence[int] = SATISFIED_LEVELS
) -> float | None:
    """Share (%) of valid answers at a satisfied level; ``counts[k]`` counts answers at level k+1.

    No valid answer gives ``None`` (N/A), never 0.

    >>> likert_share([1, 1, 2, 4, 2])
    60.0
    """
    if any(count < 0 for count in counts):
        raise ValueError(f"answer counts cannot be negative: {list(counts)}")
    if any(not 1 <= level <= len(counts) for level in satisfied_levels):
        raise ValueError(f"satisfied levels {list(satisfied_levels)} outside 1..{len(counts)}")
    valid = sum(counts)
    if valid == 0:
        return None
    satisfied = sum(counts[level - 1] for level in satisfied_levels)
    return 100.0 * satisfied / valid

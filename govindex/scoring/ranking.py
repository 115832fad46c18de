"""Standard competition ranking ("1224"): equal values share a rank, the next rank skips."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: Values equal to this many decimals are ties, so float noise never splits a tie.
TIE_DECIMALS = 9


def competition_rank(
    values: npt.ArrayLike, *, higher_is_better: bool = True
) -> npt.NDArray[np.int64]:
    """Rank ``values`` (NaN = not ranked, returned as 0): 1 + how many valid values are better.

    >>> competition_rank([70.0, 90.0, 90.0, float("nan"), 50.0]).tolist()
    [4, 1, 1, 0, 5]
    """
    array = np.round(np.asarray(values, dtype=float), TIE_DECIMALS)
    if not higher_is_better:
        array = -array
    valid = ~np.isnan(array)
    ascending = np.sort(array[valid])
    better = ascending.size - np.searchsorted(ascending, array, side="right")
    return np.where(valid, better + 1, 0).astype(np.int64)

"""The invariant of ``Balance``: per unit and procedure, ``open`` and ``late_open`` equal
``opened − closed`` and ``late_started − late_closed`` summed over every ``DailyCount`` day."""

from __future__ import annotations

from collections import defaultdict

from govindex.dossiers.models import Balance, DailyCount


def checked_balances() -> dict[tuple[int, int], tuple[int, int]]:
    """The non-zero balances by (unit id, procedure id), once checked against the daily rows."""
    stored = {
        (unit_id, procedure_id): (still_open, late_open)
        for unit_id, procedure_id, still_open, late_open in Balance.objects.values_list(
            "unit_id", "procedure_id", "open", "late_open"
        )
        if still_open or late_open
    }
    sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for unit_id, procedure_id, opened, closed, started, ended in DailyCount.objects.values_list(
        "unit_id", "procedure_id", "opened", "closed", "late_started", "late_closed"
    ):
        sums[unit_id, procedure_id][0] += opened - closed
        sums[unit_id, procedure_id][1] += started - ended
    expected = {key: (total[0], total[1]) for key, total in sums.items() if any(total)}
    assert stored == expected, "Balance differs from the sums of DailyCount"
    return stored

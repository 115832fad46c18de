"""The round a report compares with, and each unit's result in it.

The previous round is the latest published round of the same framework in an earlier year that
has results. A unit is compared with its own result there; a unit formed in a reorganisation
since then, with the mean of its predecessors' results (``orgs.selectors.unit_predecessors``,
transitively) — the same rule as the dashboards' scorecard, with one previous round for every
unit of the report, so that the city's changes are all against the same year.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from govindex.assessments.models import NodeResult, Round, RoundState, UnitResult
from govindex.orgs.models import Unit, UnitSuccession


@dataclass(frozen=True)
class Earlier:
    """A unit's result in the previous round: its own, or its predecessors' mean."""

    #: "own", "predecessor" (one) or "predecessors" (their mean)
    basis: str
    score: float | None
    #: Share (%) of each area's maximum, by area id (``None``: not applicable or N/A).
    area_shares: dict[str, float | None]


def previous_round(round: Round) -> Round | None:
    """The latest published, scored round of the round's framework in an earlier year."""
    return (
        Round.objects.filter(
            framework_id=round.framework_id,
            year__lt=round.year,
            state=RoundState.PUBLISHED,
            computations__isnull=False,
        )
        .distinct()
        .order_by("-year", "-pk")
        .first()
    )


def predecessor_map(units: Iterable[Unit]) -> dict[int, list[list[int]]]:
    """Each unit's predecessors by unit id, one list per generation, nearest first (the units
    it was formed from, then the units those were formed from …), from one query of every
    reorganisation (a city has a few hundred)."""
    direct: dict[int, list[int]] = defaultdict(list)
    for predecessor_id, successor_id in UnitSuccession.objects.order_by(
        "date", "predecessor_id"
    ).values_list("predecessor_id", "successor_id"):
        direct[successor_id].append(predecessor_id)
    found: dict[int, list[list[int]]] = {}
    for unit in units:
        seen = {unit.pk}
        frontier = [unit.pk]
        generations: list[list[int]] = []
        while frontier:
            fresh = sorted(
                {
                    predecessor
                    for current in frontier
                    for predecessor in direct.get(current, [])
                    if predecessor not in seen
                }
            )
            seen.update(fresh)
            if fresh:
                generations.append(fresh)
            frontier = fresh
        found[unit.pk] = generations
    return found


def _mean(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.fmean(present) if present else None


def earlier_results(
    previous: Round | None, units: list[Unit], area_ids: list[str]
) -> dict[int, Earlier]:
    """Each unit's result in ``previous`` by unit id (units with nothing to compare with are
    left out). Three queries whatever the number of units."""
    if previous is None or not units:
        return {}
    predecessors = predecessor_map(units)
    wanted = {unit.pk for unit in units}
    for generations in predecessors.values():
        for generation in generations:
            wanted.update(generation)
    results = {
        result.unit_id: result
        for result in UnitResult.objects.filter(round=previous, unit_id__in=wanted)
    }
    shares: dict[int, dict[str, float | None]] = defaultdict(dict)
    for unit_id, node_id, share, applicable in NodeResult.objects.filter(
        unit_result__round=previous,
        unit_result__unit_id__in=list(results),
        node_id__in=area_ids,
    ).values_list("unit_result__unit_id", "node_id", "share", "applicable"):
        shares[unit_id][node_id] = share * 100 if applicable and share is not None else None
    found = {}
    for unit in units:
        if unit.pk in results:
            found[unit.pk] = Earlier(
                basis="own", score=results[unit.pk].score, area_shares=shares[unit.pk]
            )
            continue
        # The nearest generation of predecessors that has results in the previous round.
        sources = next(
            (
                [pk for pk in generation if pk in results]
                for generation in predecessors[unit.pk]
                if any(pk in results for pk in generation)
            ),
            [],
        )
        if not sources:
            continue
        found[unit.pk] = Earlier(
            basis="predecessor" if len(sources) == 1 else "predecessors",
            score=_mean([results[pk].score for pk in sources]),
            area_shares={
                area_id: _mean([shares[pk].get(area_id) for pk in sources]) for area_id in area_ids
            },
        )
    return found


def difference(now: float | None, then: float | None) -> float | None:
    """``now − then``; ``None`` when either is missing (N/A is never 0)."""
    if now is None or then is None:
        return None
    return now - then

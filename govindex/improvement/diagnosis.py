"""Reads of the diagnosis: a unit's criteria in a round, and the city on the official indices.

A unit's diagnosis scores the round again from its entries (``round_values`` and the round's
framework, as ``round_compute`` does) to get what the stored results do not hold: the points at
stake of each criterion, the best other unit on it. The headline (score, class, rank) is the
stored result of the latest computation; when the entries have changed since, the diagnosis
says so (``stale``). The change on the last round compares each criterion's points with the
previous round of the same framework (before this round's year) in which the unit — or, across
a reorganisation, the units it was formed from (their mean) — has a result.

The city's diagnosis reads the published results of the official indices (``PublishedResult``):
each index's latest year for the city, and each sub-index or area against the best territory
recorded for the same year; nothing is invented where no other territory is recorded.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from govindex.assessments.frameworks import framework_for, round_framework
from govindex.assessments.models import NodeResult, PublishedResult, Round, UnitResult
from govindex.assessments.selectors import round_units, round_values
from govindex.errors import ApplicationError
from govindex.languages import active_language
from govindex.orgs.models import Unit
from govindex.orgs.selectors import unit_predecessors
from govindex.scoring import Framework, score_values
from govindex.scoring.diagnosis import (
    CriterionDiagnosis,
    RoundInput,
    Status,
    Thresholds,
    diagnose_input,
)
from govindex.scoring.engine import values_matrix
from govindex.scoring.framework import Direction

#: The city's name in the published tables (``PublishedResult.territory``).
CITY_TERRITORY = "Hà Nội"

#: How the page names each status (the badge text; the colour only repeats it).
STATUS_LABELS = {
    Status.ACHIEVED.value: _("Achieved"),
    Status.PARTLY.value: _("Partly achieved"),
    Status.NOT_ACHIEVED.value: _("Not achieved"),
    Status.NOT_APPLICABLE.value: _("Not applicable"),
    Status.MISSING.value: _("No value"),
}


class NoResult(LookupError):
    """The unit has no result in the round (not in it, or the round is not scored)."""


def thresholds(achieved_at: float | None = None, partly_at: float | None = None) -> Thresholds:
    """The statuses' thresholds: the arguments, else settings ``GOVINDEX_DIAGNOSIS_ACHIEVED`` /
    ``GOVINDEX_DIAGNOSIS_PARTLY``; ``ApplicationError`` when they are not usable."""
    achieved = achieved_at if achieved_at is not None else settings.GOVINDEX_DIAGNOSIS_ACHIEVED
    partly = partly_at if partly_at is not None else settings.GOVINDEX_DIAGNOSIS_PARTLY
    try:
        return Thresholds(achieved=float(achieved), partly=float(partly))
    except (TypeError, ValueError) as error:
        raise ApplicationError(
            f"The diagnosis thresholds are not usable: {error}.",
            code="diagnosis_thresholds",
            status=400,
        ) from error


# --- the round as the engine takes it ----------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RoundData:
    """A round's framework, its units (by code) and the engine's input for one of them."""

    round: Round
    framework: Framework
    units: dict[str, Unit]
    inputs: RoundInput


def round_data(round: Round, unit: Unit) -> RoundData:
    """The round's values as ``round_compute`` scores them (two queries, plus one for units),
    ready for the scoring core with ``unit`` as the unit under study."""
    framework = round_framework(round, check_version=False)
    units = {item.code: item for item in round_units(round)}
    if unit.code not in units:
        raise NoResult(unit.code)
    values = round_values(round, framework)
    try:
        codes, matrix, applicable = values_matrix(framework, values)
    except ValueError as error:
        raise ApplicationError(
            f"The entries of round {round.name!r} do not fit framework {framework.id} "
            f"{framework.version}: {error}.",
            code="unknown_leaves",
            status=409,
        ) from error
    kinds = [units[code].kind for code in codes]
    inputs = RoundInput.of(framework, codes, matrix, applicable, kinds, unit.code)
    return RoundData(round=round, framework=framework, units=units, inputs=inputs)


# --- one unit ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionRow:
    """One criterion of the unit with everything the diagnosis says of it. ``None`` is N/A.

    ``share`` and ``points_at_stake`` as in ``scoring.diagnosis.CriterionDiagnosis`` (the stake in
    the unit of the headline score, percentage points for a percent-scale framework);
    ``change`` is the points now minus the points on the last round."""

    leaf_id: str
    name: str
    area_id: str
    area_number: int
    area_name: str
    kind: str
    rule: str
    value: float | None
    points: float | None
    max_points: float
    gap: float | None
    share: float | None
    status: str
    status_label: str
    change: float | None
    best_peer_code: str | None
    best_peer_name: str | None
    best_peer_points: float | None
    best_peer_count: int
    rank: int | None
    ranked: int
    points_at_stake: float | None
    best_value: float | None

    @property
    def share_percent(self) -> float | None:
        return None if self.share is None else self.share * 100.0

    @property
    def lacking(self) -> bool:
        """Partly or not achieved, or no value: a criterion to explain."""
        return self.status in (Status.PARTLY, Status.NOT_ACHIEVED, Status.MISSING)


@dataclass(frozen=True)
class BandChoice:
    id: str
    name: str
    minimum: float
    level: int


@dataclass(frozen=True)
class UnitDiagnosis:
    round: Round
    unit: Unit
    unit_name: str
    framework_id: str
    framework_name: str
    score: float | None
    percent: float | None
    points: float | None
    max_points: float
    rank: int | None
    ranked_count: int
    band: str
    band_name: str
    band_level: int | None
    computed_at: datetime.datetime
    #: The entries changed since the stored results were computed.
    stale: bool
    thresholds: Thresholds
    criteria: list[CriterionRow]
    bands: list[BandChoice]
    #: The round the changes compare with, and against whom ("own", "predecessor",
    #: "predecessors", or "" when there is none).
    previous_round: Round | None
    comparison_basis: str
    comparison_units: list[Unit]

    @property
    def achieved_percent(self) -> float:
        return self.thresholds.achieved * 100.0

    @property
    def partly_percent(self) -> float:
        return self.thresholds.partly * 100.0

    def count(self, status: str) -> int:
        return sum(1 for row in self.criteria if row.status == status)

    @property
    def lacking_count(self) -> int:
        return sum(1 for row in self.criteria if row.lacking)

    @property
    def scale_is_percent(self) -> bool:
        return self.max_points > 0 and self.percent is not None and self.score == self.percent


def band_choices(framework: Framework, language: str) -> list[BandChoice]:
    return [
        BandChoice(id=band.id, name=band.name(language), minimum=band.minimum, level=level)
        for level, band in enumerate(framework.bands, start=1)
    ]


def _stored_result(round: Round, unit: Unit) -> UnitResult:
    result = UnitResult.objects.filter(round=round, unit=unit).select_related("computation").first()
    if result is None:
        raise NoResult(unit.code)
    return result


def previous_comparison(
    round: Round,
    unit: Unit,
    node_ids: list[str],
    earlier_rounds: Iterable[Round] | None = None,
) -> tuple[Round | None, str, list[Unit], dict[str, float | None]]:
    """The latest earlier round of the same framework (before ``round.year``; among
    ``earlier_rounds`` when given) where the unit or a predecessor has a result, who it compares
    with, and each node's points there (the mean over the predecessors when the unit has none)."""
    predecessors = unit_predecessors(unit)
    candidates = Round.objects.filter(
        framework_id=round.framework_id,
        year__lt=round.year,
        unit_results__unit__in=[unit, *predecessors],
    )
    if isinstance(earlier_rounds, QuerySet):
        candidates = candidates.filter(pk__in=earlier_rounds.values("pk"))
    elif earlier_rounds is not None:
        candidates = candidates.filter(pk__in=[item.pk for item in earlier_rounds])
    previous = candidates.order_by("-year", "-pk").first()
    if previous is None:
        return None, "", [], {}
    rows = NodeResult.objects.filter(
        unit_result__round=previous,
        unit_result__unit__in=[unit, *predecessors],
        node_id__in=node_ids,
    ).values_list("unit_result__unit_id", "node_id", "points", "applicable")
    by_unit: dict[int, dict[str, float | None]] = {}
    for unit_id, node_id, points, applicable in rows:
        by_unit.setdefault(unit_id, {})[node_id] = points if applicable else None
    if unit.pk in by_unit:
        return previous, "own", [unit], by_unit[unit.pk]
    compared = [item for item in predecessors if item.pk in by_unit]
    points: dict[str, float | None] = {}
    for node_id in node_ids:
        found = [
            by_unit[item.pk].get(node_id)
            for item in compared
            if by_unit[item.pk].get(node_id) is not None
        ]
        points[node_id] = statistics.fmean(v for v in found if v is not None) if found else None
    basis = "predecessor" if len(compared) == 1 else "predecessors"
    return previous, basis, compared, points


def _difference(now: float | None, then: float | None) -> float | None:
    return None if now is None or then is None else now - then


def _row(
    item: CriterionDiagnosis,
    framework: Framework,
    units: dict[str, Unit],
    earlier: dict[str, float | None],
    language: str,
) -> CriterionRow:
    leaf = framework.node(item.leaf_id)
    area = framework.node(item.area_id)
    numbers = {node.id: number for number, node in enumerate(framework.areas, start=1)}
    peer = units.get(item.best_peer) if item.best_peer is not None else None
    return CriterionRow(
        leaf_id=item.leaf_id,
        name=leaf.name(language),
        area_id=area.id,
        area_number=numbers[area.id],
        area_name=area.name(language),
        kind=item.kind,
        rule=leaf.rule.value if leaf.rule is not None else "",
        value=item.value,
        points=item.points,
        max_points=item.max_points,
        gap=item.gap,
        share=item.share,
        status=item.status.value,
        status_label=str(STATUS_LABELS[item.status.value]),
        change=_difference(item.points, earlier.get(item.leaf_id)),
        best_peer_code=item.best_peer,
        best_peer_name=peer.name_in(language) if peer is not None else item.best_peer,
        best_peer_points=item.best_peer_points,
        best_peer_count=item.best_peer_count,
        rank=item.rank,
        ranked=item.ranked,
        points_at_stake=item.points_at_stake,
        best_value=item.best_value,
    )


def unit_diagnosis(
    round: Round,
    unit: Unit,
    *,
    achieved_at: float | None = None,
    partly_at: float | None = None,
    language: str | None = None,
    earlier_rounds: Iterable[Round] | None = None,
    data: RoundData | None = None,
) -> UnitDiagnosis:
    """The unit's diagnosis in the round: its stored result and every criterion that applies to
    its kind, most points at stake first. ``NoResult`` when the round has no result for it.
    ``earlier_rounds`` limits the rounds the change is measured against (the viewer's); ``data``
    reuses a ``round_data`` already read for the same round and unit."""
    language = language or active_language()
    limits = thresholds(achieved_at, partly_at)
    result = _stored_result(round, unit)
    data = data or round_data(round, unit)
    framework, inputs = data.framework, data.inputs
    items = diagnose_input(inputs, thresholds=limits)
    previous, basis, compared, earlier = previous_comparison(
        round, unit, [item.leaf_id for item in items], earlier_rounds
    )
    fresh = float(inputs.base.scores[inputs.position])
    stored = result.score
    stale = (stored is None) != math.isnan(fresh) or (
        stored is not None and not math.isclose(stored, fresh, rel_tol=0, abs_tol=1e-9)
    )
    with translation.override(language):  # the status labels in the asked language
        rows = [_row(item, framework, data.units, earlier, language) for item in items]
    bands = band_choices(framework, language)
    band = next((choice for choice in bands if choice.id == result.band), None)
    return UnitDiagnosis(
        round=round,
        unit=unit,
        unit_name=unit.name_in(language),
        framework_id=framework.id,
        framework_name=framework.name(language),
        score=result.score,
        percent=result.percent,
        points=result.points,
        max_points=result.max_points,
        rank=result.rank,
        ranked_count=UnitResult.objects.filter(round=round, rank__isnull=False).count(),
        band=result.band,
        band_name=band.name if band is not None else result.band,
        band_level=band.level if band is not None else None,
        computed_at=result.computation.computed_at,
        stale=stale,
        thresholds=limits,
        criteria=rows,
        bands=bands,
        previous_round=previous,
        comparison_basis=basis,
        comparison_units=compared,
    )


# --- the city on the official indices -------------------------------------------------------------


@dataclass(frozen=True)
class SubIndexRow:
    """One sub-index or area of an official index for the city, against the best territory.

    ``gap`` is the best other territory's value minus the city's (negative: the city leads);
    ``index_points_at_stake`` how much the index would gain with the city at the best value
    (only when the framework file can score the recorded sub-indices)."""

    key: str
    name: str
    value: float | None
    best_territory: str | None
    best_value: float | None
    best_count: int
    gap: float | None
    change: float | None
    previous_year: int | None
    index_points_at_stake: float | None


@dataclass(frozen=True)
class IndexDiagnosis:
    framework_id: str
    name: str
    year: int
    score: float | None
    rank: int | None
    rank_of: int | None
    source: str
    note: str
    previous_year: int | None
    change: float | None
    best_territory: str | None
    best_score: float | None
    territories: int
    #: The year the sub-indices are from (the latest with sub-index values for the city).
    breakdown_year: int | None
    breakdown_territories: int
    rows: list[SubIndexRow]


def _framework_or_none(framework_id: str) -> Framework | None:
    try:
        return framework_for(framework_id)
    except ApplicationError:
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _best(values: dict[str, float], lower_is_better: bool) -> tuple[str | None, float | None, int]:
    if not values:
        return None, None, 0
    best = min(values.values()) if lower_is_better else max(values.values())
    winners = sorted(name for name, value in values.items() if value == best)
    return winners[0], best, len(winners)


def _index_gain(
    framework: Framework, sub_scores: dict[str, float], key: str, best: float
) -> float | None:
    """The index's gain with ``key`` at ``best``, scored by the framework file (the recorded
    sub-indices are exactly its leaves, as PCI's ten sub-indices are)."""
    row = np.asarray([[sub_scores[leaf_id] for leaf_id in framework.leaf_ids]], dtype=float)
    changed = row.copy()
    changed[0, framework.leaf_ids.index(key)] = best
    try:
        before = score_values(framework, ["city"], row).scores[0]
        after = score_values(framework, ["city"], changed).scores[0]
    except ValueError:
        return None
    gain = float(after - before)
    return None if math.isnan(gain) else gain


def _index_diagnosis(
    framework_id: str, rows: list[PublishedResult], territory: str, language: str
) -> IndexDiagnosis | None:
    framework = _framework_or_none(framework_id)
    city = sorted((row for row in rows if row.territory == territory), key=lambda row: row.year)
    if not city:
        return None
    latest = city[-1]
    earlier_scores = [row for row in city[:-1] if row.score is not None]
    previous = earlier_scores[-1] if earlier_scores else None
    peers = {
        row.territory: row.score
        for row in rows
        if row.year == latest.year and row.territory != territory and row.score is not None
    }
    best_territory, best_score, _count = _best(
        {name: float(score) for name, score in peers.items() if score is not None}, False
    )
    with_breakdown = [row for row in city if row.sub_scores]
    breakdown = with_breakdown[-1] if with_breakdown else None
    sub_rows: list[SubIndexRow] = []
    breakdown_territories = 0
    if breakdown is not None:
        same_year = [
            row
            for row in rows
            if row.year == breakdown.year and row.territory != territory and row.sub_scores
        ]
        breakdown_territories = len(same_year)
        earlier_breakdowns = [row for row in with_breakdown if row.year < breakdown.year]
        order = framework.node_index if framework is not None else {}
        city_values = {key: _number(value) for key, value in breakdown.sub_scores.items()}
        recorded = {key: value for key, value in city_values.items() if value is not None}
        scorable = framework is not None and set(recorded) == set(framework.leaf_ids)
        for key in sorted(city_values, key=lambda key: (order.get(key, len(order)), key)):
            value = city_values[key]
            lower = (
                framework is not None
                and key in order
                and framework.node(key).direction is Direction.LOWER
            )
            others: dict[str, float] = {}
            for row in same_year:
                number = _number(row.sub_scores.get(key))
                if number is not None:
                    others[row.territory] = number
            best_name, best_value, best_count = _best(others, lower)
            gap = None
            if value is not None and best_value is not None:
                gap = (value - best_value) if lower else (best_value - value)
            before = None
            for row in reversed(earlier_breakdowns):
                before = _number(row.sub_scores.get(key))
                if before is not None:
                    previous_year = row.year
                    break
            else:
                previous_year = None
            stake = None
            if scorable and gap is not None and best_value is not None:
                stake = _index_gain(framework, recorded, key, best_value) if gap > 0 else 0.0
            name = key
            if framework is not None and key in order:
                name = framework.node(key).name(language)
            sub_rows.append(
                SubIndexRow(
                    key=key,
                    name=name,
                    value=value,
                    best_territory=best_name,
                    best_value=best_value,
                    best_count=best_count,
                    gap=gap,
                    change=_difference(value, before),
                    previous_year=previous_year,
                    index_points_at_stake=stake,
                )
            )
        sub_rows.sort(
            key=lambda item: (
                -(item.index_points_at_stake if item.index_points_at_stake is not None else -1.0),
                -(item.gap if item.gap is not None else -math.inf),
            )
        )
    return IndexDiagnosis(
        framework_id=framework_id,
        name=framework.name(language) if framework is not None else framework_id,
        year=latest.year,
        score=latest.score,
        rank=latest.rank,
        rank_of=latest.rank_of,
        source=latest.source,
        note=latest.note,
        previous_year=previous.year if previous is not None else None,
        change=_difference(latest.score, previous.score if previous is not None else None),
        best_territory=best_territory,
        best_score=best_score,
        territories=len(peers),
        breakdown_year=breakdown.year if breakdown is not None else None,
        breakdown_territories=breakdown_territories,
        rows=sub_rows,
    )


def city_diagnosis(
    *,
    framework_id: str | None = None,
    territory: str = CITY_TERRITORY,
    language: str | None = None,
) -> list[IndexDiagnosis]:
    """Each official index (or only ``framework_id``) for the city: its latest year, the change
    on the year before, the best territory recorded for that year, and each sub-index against the
    best territory, the ones that cost the index most first (one query)."""
    language = language or active_language()
    rows = PublishedResult.objects.filter(
        framework_id__in=PublishedResult.objects.filter(territory=territory).values("framework_id")
    )
    if framework_id is not None:
        rows = rows.filter(framework_id=framework_id)
    by_framework: dict[str, list[PublishedResult]] = {}
    for row in rows.order_by("framework_id", "year", "territory"):
        by_framework.setdefault(row.framework_id, []).append(row)
    found = [
        _index_diagnosis(key, items, territory, language) for key, items in by_framework.items()
    ]
    indices = [item for item in found if item is not None]
    return sorted(indices, key=lambda item: item.name)

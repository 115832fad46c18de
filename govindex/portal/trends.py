"""Scores across rounds of one framework: the city's (mean, median, spread, classes) and a
unit's, which survives reorganisations — the unit's predecessors appear as their own series,
labelled as predecessors, so a ward formed in 2025 shows the districts it came from in 2024.

Rounds are those the viewer may see (``visibility.dashboard_rounds``), oldest first.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from govindex.assessments.formatting import kind_label
from govindex.assessments.frameworks import framework_for
from govindex.assessments.models import Round, UnitResult
from govindex.errors import ApplicationError
from govindex.orgs.models import Unit
from govindex.orgs.selectors import unit_predecessors, unit_successors
from govindex.portal.rankings import BandLegend, band_legend, band_levels, rounded


@dataclass(frozen=True)
class FrameworkChoice:
    id: str
    name: str


@dataclass(frozen=True)
class CityRoundSummary:
    round: Round
    units: int
    scored: int
    mean: float | None
    median: float | None
    lowest: float | None
    highest: float | None
    band_counts: dict[str, int]

    def band_cells(self, bands: list[BandLegend]) -> list[tuple[BandLegend, int]]:
        return [(band, self.band_counts.get(band.id, 0)) for band in bands]


@dataclass(frozen=True)
class CityTrend:
    framework_id: str
    framework_name: str
    bands: list[BandLegend]
    rounds: list[CityRoundSummary]

    @property
    def table(self) -> list[tuple[CityRoundSummary, list[int]]]:
        """Each round with its number of units in each class (in the order of ``bands``)."""
        return [
            (summary, [count for _, count in summary.band_cells(self.bands)])
            for summary in self.rounds
        ]


@dataclass(frozen=True)
class TrendPoint:
    round: Round
    score: float | None
    rank: int | None
    ranked_count: int
    band: str
    band_name: str
    band_level: int | None


@dataclass(frozen=True)
class UnitSeries:
    unit_code: str
    unit_name: str
    kind_label: str
    is_predecessor: bool
    #: The unit's last day (a predecessor ends when it is reorganised).
    until: datetime.date | None
    #: One point per round of the trend (``None`` where the unit has no result in that round).
    points: list[TrendPoint | None]


@dataclass(frozen=True)
class TrendRow:
    round: Round
    series: UnitSeries
    point: TrendPoint
    city: CityRoundSummary


@dataclass(frozen=True)
class UnitTrend:
    unit: Unit
    unit_name: str
    framework_id: str
    framework_name: str
    frameworks: list[FrameworkChoice]
    rounds: list[Round]
    series: list[UnitSeries]
    city: list[CityRoundSummary]
    predecessors: list[Unit]
    successors: list[Unit]

    @property
    def rows(self) -> list[TrendRow]:
        """Each result shown, round by round (oldest first), the unit before its predecessors."""
        rows = []
        for position, round in enumerate(self.rounds):
            for series in self.series:
                point = series.points[position]
                if point is not None:
                    rows.append(TrendRow(round, series, point, self.city[position]))
        return rows


def framework_name(framework_id: str, language: str) -> str:
    try:
        return framework_for(framework_id).name(language)
    except ApplicationError:
        return framework_id


def framework_choices(rounds: list[Round], language: str) -> list[FrameworkChoice]:
    """The frameworks of ``rounds``, the most recently assessed first."""
    ids = list(dict.fromkeys(round.framework_id for round in rounds))
    return [
        FrameworkChoice(id=framework_id, name=framework_name(framework_id, language))
        for framework_id in ids
    ]


def city_summaries(rounds: list[Round]) -> list[CityRoundSummary]:
    """Mean, median, lowest and highest score and the units per class of each round (one
    query), oldest round first."""
    ordered = sorted(rounds, key=lambda round: (round.year, round.period, round.pk))
    scores: dict[int, list[float]] = defaultdict(list)
    units: Counter[int] = Counter()
    bands: dict[int, Counter[str]] = defaultdict(Counter)
    for round_id, score, band in UnitResult.objects.filter(round__in=ordered).values_list(
        "round_id", "score", "band"
    ):
        units[round_id] += 1
        if score is not None:
            scores[round_id].append(score)
        if band:
            bands[round_id][band] += 1
    return [
        CityRoundSummary(
            round=round,
            units=units[round.pk],
            scored=len(scores[round.pk]),
            mean=statistics.fmean(scores[round.pk]) if scores[round.pk] else None,
            median=statistics.median(scores[round.pk]) if scores[round.pk] else None,
            lowest=min(scores[round.pk], default=None),
            highest=max(scores[round.pk], default=None),
            band_counts=dict(bands[round.pk]),
        )
        for round in ordered
    ]


def city_trend(rounds: list[Round], framework_id: str, language: str) -> CityTrend:
    """The city's trend over ``rounds`` (already limited to one framework)."""
    try:
        bands = band_legend(framework_for(framework_id), language)
    except ApplicationError:
        bands = []
    return CityTrend(
        framework_id=framework_id,
        framework_name=framework_name(framework_id, language),
        bands=bands,
        rounds=city_summaries(rounds),
    )


def unit_trend(
    unit: Unit, rounds: list[Round], language: str, framework_id: str | None = None
) -> UnitTrend:
    """The unit's score in each round of one framework among ``rounds`` (the rounds the viewer
    may see) in which the unit or one of its predecessors has a result, the predecessors' scores
    as their own series, and the city's mean and median in those rounds.

    Without ``framework_id``: the framework of the latest round in which the unit or a
    predecessor has a result."""
    predecessors = unit_predecessors(unit)
    successors = unit_successors(unit)
    family = [unit, *predecessors]
    results = list(
        UnitResult.objects.filter(round__in=rounds, unit__in=family).select_related("unit")
    )
    by_id = {round.pk: round for round in rounds}
    with_results = sorted(
        {by_id[result.round_id] for result in results},
        key=lambda round: (round.year, round.pk),
        reverse=True,
    )
    frameworks = framework_choices(with_results, language)
    if framework_id is None:
        framework_id = frameworks[0].id if frameworks else ""
    chosen = sorted(
        (round for round in with_results if round.framework_id == framework_id),
        key=lambda round: (round.year, round.period, round.pk),
    )
    try:
        framework = framework_for(framework_id)
        band_names = {band.id: band.name(language) for band in framework.bands}
        levels = band_levels(framework)
    except ApplicationError:
        band_names, levels = {}, {}
    city = city_summaries(chosen)
    ranked = {summary.round.pk: summary.scored for summary in city}  # every score is ranked
    found = {(result.unit_id, result.round_id): result for result in results}
    series = []
    for member in family:
        points: list[TrendPoint | None] = []
        for round in chosen:
            result = found.get((member.pk, round.pk))
            points.append(
                None
                if result is None
                else TrendPoint(
                    round=round,
                    score=result.score,
                    rank=result.rank,
                    ranked_count=ranked[round.pk],
                    band=result.band,
                    band_name=band_names.get(result.band, result.band),
                    band_level=levels.get(result.band),
                )
            )
        if member is unit or any(point is not None for point in points):
            series.append(
                UnitSeries(
                    unit_code=member.code,
                    unit_name=member.name_in(language),
                    kind_label=kind_label(member.kind),
                    is_predecessor=member is not unit,
                    until=member.active_to,
                    points=points,
                )
            )
    return UnitTrend(
        unit=unit,
        unit_name=unit.name_in(language),
        framework_id=framework_id,
        framework_name=framework_name(framework_id, language) if framework_id else "",
        frameworks=frameworks,
        rounds=chosen,
        series=series,
        city=city,
        predecessors=predecessors,
        successors=successors,
    )


def city_trend_download_rows(trend: CityTrend) -> tuple[list[str], list[dict[str, object]]]:
    columns = ["period", "round", "state", "units", "scored", "mean", "median", "lowest", "highest"]
    columns += [f"class_{band.id}" for band in trend.bands]
    rows = []
    for summary in trend.rounds:
        record: dict[str, object] = {
            "period": summary.round.period,
            "round": summary.round.name,
            "state": summary.round.state,
            "units": summary.units,
            "scored": summary.scored,
            "mean": rounded(summary.mean),
            "median": rounded(summary.median),
            "lowest": rounded(summary.lowest),
            "highest": rounded(summary.highest),
        }
        record.update(
            {f"class_{band.id}": count for band, count in summary.band_cells(trend.bands)}
        )
        rows.append(record)
    return columns, rows


def unit_trend_download_rows(trend: UnitTrend) -> tuple[list[str], list[dict[str, object]]]:
    columns = [
        "period",
        "round",
        "unit_code",
        "unit_name",
        "predecessor",
        "score",
        "rank",
        "ranked",
        "band",
        "city_mean",
        "city_median",
    ]
    rows: list[dict[str, object]] = [
        {
            "period": row.round.period,
            "round": row.round.name,
            "unit_code": row.series.unit_code,
            "unit_name": row.series.unit_name,
            "predecessor": "yes" if row.series.is_predecessor else "no",
            "score": rounded(row.point.score),
            "rank": row.point.rank,
            "ranked": row.point.ranked_count,
            "band": row.point.band,
            "city_mean": rounded(row.city.mean),
            "city_median": rounded(row.city.median),
        }
        for row in trend.rows
    ]
    return columns, rows

"""The city ranking of a scored round, shaped for the page, its downloads and the API.

Reads only: the results come from the assessments selectors, the names of the framework, its
areas and its classes from the round's framework file. Three queries whatever the number of
units: the results with their units, the points of the framework's areas, and the rank
intervals of the latest uncertainty run (``docs/uncertainty.md``) with the run.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import gettext

from govindex.assessments.formatting import kind_label, state_label
from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import Round, RoundState
from govindex.assessments.selectors import (
    RoundRankIntervals,
    round_node_points,
    round_rank_intervals,
    round_ranking,
)
from govindex.portal.visibility import Viewer, dashboard_rounds, default_round
from govindex.scoring import Framework


@dataclass(frozen=True)
class AreaColumn:
    number: int
    id: str
    name: str
    max_points: float
    is_adjustment: bool

    @property
    def short_label(self) -> str:
        """The column heading: "A3" for the third area, "B/P" for bonus and penalty points."""
        if self.is_adjustment:
            # Translators: short heading of the bonus/penalty column (Vietnamese: T/T).
            return gettext("B/P")
        # Translators: short heading of an assessment area's column, e.g. A3 (Vietnamese: ND3).
        return gettext("A%(number)s") % {"number": self.number}


@dataclass(frozen=True)
class BandLegend:
    id: str
    name: str
    minimum: float
    #: The next band's minimum (``None`` for the top band): the band covers [minimum, below).
    below: float | None


@dataclass(frozen=True)
class RankingRow:
    rank: int | None
    unit_code: str
    unit_name: str
    kind: str
    kind_label: str
    score: float | None
    band: str
    band_name: str
    #: 1 for the best class, 2 for the next … (``None``: no class); the colour of the class.
    band_level: int | None
    area_points: list[float | None]
    #: Each area with the unit's points in it (``None``: N/A or not applicable).
    cells: list[tuple[AreaColumn, float | None]]
    #: Where the uncertainty run's draws put the unit: median, 5th and 95th percentile ranks
    #: (``None``: no run, or the unit has no official rank).
    rank_median: int | None = None
    rank_low: int | None = None
    rank_high: int | None = None

    @property
    def rank_span(self) -> str:
        """The interval as shown: "3–7", or "3" when every plausible draw agrees."""
        if self.rank_low is None or self.rank_high is None:
            return "–"
        if self.rank_low == self.rank_high:
            return str(self.rank_low)
        return f"{self.rank_low}–{self.rank_high}"

    def area_items(self, areas: list[AreaColumn]) -> dict[str, float | None]:
        return {area.id: points for area, points in zip(areas, self.area_points, strict=True)}


@dataclass(frozen=True)
class SensitivityRow:
    factor: str
    label: str
    #: Whether the run drew this factor (``False``: held at the official choice).
    varied: bool
    first_order: float | None
    total: float | None


@dataclass(frozen=True)
class RankUncertaintySummary:
    """The run behind the rank intervals: how many draws of what, and what moved the ranks."""

    draws: int
    #: The number of draws in the page's language ("1.000" in Vietnamese).
    draws_text: str
    seed: int
    weights: str
    computed_at: datetime.datetime
    sensitivity: list[SensitivityRow]


def factor_label(factor: str) -> str:
    labels = {
        "weights": gettext("Weights"),
        "normalisation": gettext("Normalisation"),
        "imputation": gettext("Missing values"),
    }
    return labels.get(factor, factor)


def grouped(number: int) -> str:
    """A whole number with the page's thousands separator every 3 digits ("1.000" in
    Vietnamese, "1,000" in English; Django's Vietnamese format does not group by itself)."""
    return numberformat.format(
        number,
        get_format("DECIMAL_SEPARATOR"),
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def uncertainty_summary(stored: RoundRankIntervals) -> RankUncertaintySummary:
    run = stored.run
    return RankUncertaintySummary(
        draws=run.draws,
        draws_text=grouped(run.draws),
        seed=run.seed,
        weights=str(run.parameters.get("weights", "")),
        computed_at=run.computed_at,
        sensitivity=[
            SensitivityRow(
                factor=index["factor"],
                label=factor_label(index["factor"]),
                varied=bool(index["varied"]),
                first_order=index["first_order"],
                total=index["total"],
            )
            for index in run.sensitivity
        ],
    )


@dataclass(frozen=True)
class RankingTable:
    round: Round
    framework_id: str
    framework_name: str
    framework_version: str
    state_label: str
    published: bool
    computed_at: datetime.datetime | None
    areas: list[AreaColumn]
    bands: list[BandLegend]
    rows: list[RankingRow]
    #: The latest uncertainty run of these results (``None``: none was drawn).
    uncertainty: RankUncertaintySummary | None = None

    @property
    def ranked_count(self) -> int:
        return sum(1 for row in self.rows if row.rank is not None)


def framework_areas(framework: Framework, language: str) -> list[AreaColumn]:
    return [
        AreaColumn(
            number=number,
            id=area.id,
            name=area.name(language),
            max_points=area.max_points,
            is_adjustment=area.is_adjustment,
        )
        for number, area in enumerate(framework.areas, start=1)
    ]


def band_legend(framework: Framework, language: str) -> list[BandLegend]:
    bands = framework.bands
    return [
        BandLegend(
            id=band.id,
            name=band.name(language),
            minimum=band.minimum,
            below=bands[position - 1].minimum if position else None,
        )
        for position, band in enumerate(bands)
    ]


def band_levels(framework: Framework) -> dict[str, int]:
    """Each class's level: 1 for the best, 2 for the next …"""
    return {band.id: level for level, band in enumerate(framework.bands, start=1)}


def ranking_table(round: Round, language: str = "vi") -> RankingTable:
    """The round's units best first, with score, class and each area's points."""
    framework = round_framework(round, check_version=False)
    areas = framework_areas(framework, language)
    results = round_ranking(round)
    area_ids = [area.id for area in areas]
    points = round_node_points(round, area_ids)
    band_names = {band.id: band.name(language) for band in framework.bands}
    levels = band_levels(framework)
    stored = round_rank_intervals(round)
    intervals = stored.by_unit if stored is not None else {}
    rows = []
    for result in results:
        area_points = [points.get((result.pk, area_id)) for area_id in area_ids]
        interval = intervals.get(result.unit_id)
        row = RankingRow(
            rank=result.rank,
            unit_code=result.unit.code,
            unit_name=result.unit.name_in(language),
            kind=result.unit.kind,
            kind_label=kind_label(result.unit.kind),
            score=result.score,
            band=result.band,
            band_name=band_names.get(result.band, result.band),
            band_level=levels.get(result.band),
            area_points=area_points,
            cells=list(zip(areas, area_points, strict=True)),
            rank_median=interval.median_rank if interval else None,
            rank_low=interval.low_rank if interval else None,
            rank_high=interval.high_rank if interval else None,
        )
        rows.append(row)
    return RankingTable(
        round=round,
        framework_id=framework.id,
        framework_name=framework.name(language),
        framework_version=round.framework_version,
        state_label=state_label(round.state),
        published=round.state == RoundState.PUBLISHED,
        computed_at=getattr(round, "last_computed", None),
        areas=areas,
        bands=band_legend(framework, language),
        rows=rows,
        uncertainty=uncertainty_summary(stored) if stored is not None else None,
    )


def latest_ranking(viewer: Viewer, language: str = "vi") -> RankingTable | None:
    """The ranking of the latest round ``viewer`` may see (the latest published one for the
    public), or ``None`` when there is none."""
    round = default_round(dashboard_rounds(viewer))
    if round is None:
        return None
    return ranking_table(round, language)


def ranking_download_rows(table: RankingTable) -> tuple[list[str], list[dict[str, object]]]:
    """Columns and rows of the ranking as a download (numbers to 2 decimals, as shown); with an
    uncertainty run, each unit's median and 5th/95th percentile ranks follow its rank."""
    columns = ["rank"]
    if table.uncertainty is not None:
        columns += ["rank_median", "rank_low", "rank_high"]
    columns += ["unit_code", "unit_name", "kind", "score", "band"]
    columns += [area.id for area in table.areas]
    rows = []
    for row in table.rows:
        record: dict[str, object] = {
            "rank": row.rank,
            "rank_median": row.rank_median,
            "rank_low": row.rank_low,
            "rank_high": row.rank_high,
            "unit_code": row.unit_code,
            "unit_name": row.unit_name,
            "kind": row.kind,
            "score": rounded(row.score),
            "band": row.band,
        }
        record.update({area.id: rounded(points) for area, points in row.cells})
        rows.append(record)
    return columns, rows


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)

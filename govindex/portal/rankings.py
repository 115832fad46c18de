"""The public ranking of a scored round, shaped for the page and the API.

Reads only: the round and its results come from the assessments selectors, the areas' names
from the round's framework file. Three queries whatever the number of units: the round, its
results with their units, and the results of the framework's areas.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import Round
from govindex.assessments.selectors import latest_scored_round, round_node_points, round_ranking
from govindex.scoring import Framework

#: Unit kinds as the public page names them.
KIND_LABELS = {
    "city": _("Thành phố"),
    "province": _("Tỉnh"),
    "department": _("Sở, ngành"),
    "agency": _("Cơ quan tương đương sở"),
    "district": _("Quận, huyện, thị xã"),
    "ward": _("Phường"),
    "commune": _("Xã"),
    "service_centre": _("Trung tâm phục vụ hành chính công"),
}

#: Round states as the public page names them.
STATE_LABELS = {
    "draft": _("Dự thảo"),
    "open": _("Đang tự đánh giá"),
    "submitted": _("Đã nộp tự đánh giá"),
    "under_appraisal": _("Đang thẩm định"),
    "appraised": _("Đã thẩm định"),
    "published": _("Đã công bố"),
}


@dataclass(frozen=True)
class AreaColumn:
    number: int
    id: str
    name: str
    max_points: float
    is_adjustment: bool


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
    area_points: list[float | None]

    def area_items(self, areas: list[AreaColumn]) -> dict[str, float | None]:
        return {area.id: points for area, points in zip(areas, self.area_points, strict=True)}


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
    rows: list[RankingRow]


def _areas(framework: Framework, language: str) -> list[AreaColumn]:
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


def ranking_table(round: Round, language: str = "vi") -> RankingTable:
    """The round's units best first, with score, class and each area's points."""
    framework = round_framework(round, check_version=False)
    areas = _areas(framework, language)
    results = round_ranking(round)
    area_ids = [area.id for area in areas]
    points = round_node_points(round, area_ids)
    bands = {band.id: band.name(language) for band in framework.bands}
    rows = [
        RankingRow(
            rank=result.rank,
            unit_code=result.unit.code,
            unit_name=result.unit.name_in(language),
            kind=result.unit.kind,
            kind_label=str(KIND_LABELS.get(result.unit.kind, result.unit.kind)),
            score=result.score,
            band=result.band,
            band_name=bands.get(result.band, result.band),
            area_points=[points.get((result.pk, area_id)) for area_id in area_ids],
        )
        for result in results
    ]
    return RankingTable(
        round=round,
        framework_id=framework.id,
        framework_name=framework.name(language),
        framework_version=round.framework_version,
        state_label=str(STATE_LABELS.get(round.state, round.state)),
        published=round.state == "published",
        computed_at=getattr(round, "last_computed", None),
        areas=areas,
        rows=rows,
    )


def latest_ranking(language: str = "vi") -> RankingTable | None:
    """The ranking of the most recently scored round, or ``None`` when nothing is scored."""
    round = latest_scored_round()
    if round is None:
        return None
    return ranking_table(round, language)

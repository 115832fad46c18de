"""The heat map of a round: units × areas, each cell the share of the area's maximum the unit
achieved (%). Bonus/penalty areas are left out: their points are added or taken away, not a
share of a maximum. Two queries: the results with their units, the areas' node results.
"""

from __future__ import annotations

from dataclasses import dataclass

from govindex.assessments.formatting import kind_label
from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import NodeResult, Round
from govindex.assessments.selectors import round_ranking
from govindex.portal.rankings import AreaColumn, framework_areas, rounded


@dataclass(frozen=True)
class HeatMapRow:
    rank: int | None
    unit_code: str
    unit_name: str
    kind_label: str
    score: float | None
    band: str
    #: Share of each area's applicable maximum achieved, in % (``None``: N/A or not applicable).
    shares: list[float | None]
    #: The same shares with their areas.
    cells: list[tuple[AreaColumn, float | None]]


@dataclass(frozen=True)
class HeatMap:
    round: Round
    framework_name: str
    areas: list[AreaColumn]
    left_out: list[AreaColumn]
    rows: list[HeatMapRow]


def round_node_shares(round: Round, node_ids: list[str]) -> dict[tuple[int, str], float | None]:
    """Share (0–1) of the given nodes for every unit of the round (one query), keyed by (unit
    result id, node id); ``None`` where the node does not apply or is N/A."""
    rows = NodeResult.objects.filter(unit_result__round=round, node_id__in=node_ids).values_list(
        "unit_result_id", "node_id", "share", "applicable"
    )
    return {
        (result_id, node_id): share if applicable else None
        for result_id, node_id, share, applicable in rows
    }


def heat_map(round: Round, language: str) -> HeatMap:
    framework = round_framework(round, check_version=False)
    all_areas = framework_areas(framework, language)
    areas = [area for area in all_areas if not area.is_adjustment]
    shares = round_node_shares(round, [area.id for area in areas])
    rows = []
    for result in round_ranking(round):
        row_shares = []
        for area in areas:
            share = shares.get((result.pk, area.id))
            row_shares.append(None if share is None else share * 100)
        rows.append(
            HeatMapRow(
                rank=result.rank,
                unit_code=result.unit.code,
                unit_name=result.unit.name_in(language),
                kind_label=kind_label(result.unit.kind),
                score=result.score,
                band=result.band,
                shares=row_shares,
                cells=list(zip(areas, row_shares, strict=True)),
            )
        )
    return HeatMap(
        round=round,
        framework_name=framework.name(language),
        areas=areas,
        left_out=[area for area in all_areas if area.is_adjustment],
        rows=rows,
    )


def heat_map_download_rows(heat: HeatMap) -> tuple[list[str], list[dict[str, object]]]:
    columns = ["rank", "unit_code", "unit_name", "score"]
    columns += [f"{area.id}_percent" for area in heat.areas]
    rows = []
    for row in heat.rows:
        record: dict[str, object] = {
            "rank": row.rank,
            "unit_code": row.unit_code,
            "unit_name": row.unit_name,
            "score": rounded(row.score),
        }
        record.update({f"{area.id}_percent": rounded(share) for area, share in row.cells})
        rows.append(record)
    return columns, rows

"""The public ranking as JSON: ``GET /api/rankings/latest`` (the twin of the page at ``/``)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from govindex.errors import ApplicationError
from govindex.languages import active_language
from govindex.portal.rankings import RankingTable, latest_ranking
from govindex.portal.visibility import Viewer

router = Router(tags=["rankings"])


class RoundOut(Schema):
    id: int
    name: str
    period: str
    year: int
    state: str
    framework_id: str
    framework_name: str
    framework_version: str
    computed_at: datetime.datetime | None


class AreaOut(Schema):
    id: str
    name: str
    max_points: float
    is_adjustment: bool


class RankIntervalOut(Schema):
    median: int
    low: int
    high: int


class SensitivityOut(Schema):
    factor: str
    varied: bool
    first_order: float | None
    total: float | None


class UncertaintyOut(Schema):
    draws: int
    seed: int
    weights: str
    computed_at: datetime.datetime
    sensitivity: list[SensitivityOut]


class RankingRowOut(Schema):
    rank: int | None
    #: Where 90 % of the uncertainty run's draws put the unit (null: no run, or unranked).
    rank_interval: RankIntervalOut | None
    unit_code: str
    unit_name: str
    kind: str
    score: float | None
    band: str
    areas: dict[str, float | None]


class RankingOut(Schema):
    round: RoundOut
    areas: list[AreaOut]
    rows: list[RankingRowOut]
    #: The run behind the rank intervals (null when none was drawn); it explains the ranking,
    #: the official ranks stand.
    uncertainty: UncertaintyOut | None


def _uncertainty(table: RankingTable) -> dict[str, object] | None:
    summary = table.uncertainty
    if summary is None:
        return None
    return {
        "draws": summary.draws,
        "seed": summary.seed,
        "weights": summary.weights,
        "computed_at": summary.computed_at,
        "sensitivity": [
            {
                "factor": row.factor,
                "varied": row.varied,
                "first_order": row.first_order,
                "total": row.total,
            }
            for row in summary.sensitivity
        ],
    }


def ranking_payload(table: RankingTable) -> dict[str, object]:
    round = table.round
    return {
        "round": {
            "id": round.pk,
            "name": round.name,
            "period": round.period,
            "year": round.year,
            "state": round.state,
            "framework_id": table.framework_id,
            "framework_name": table.framework_name,
            "framework_version": table.framework_version,
            "computed_at": table.computed_at,
        },
        "areas": [
            {
                "id": area.id,
                "name": area.name,
                "max_points": area.max_points,
                "is_adjustment": area.is_adjustment,
            }
            for area in table.areas
        ],
        "rows": [
            {
                "rank": row.rank,
                "rank_interval": None
                if row.rank_low is None
                else {"median": row.rank_median, "low": row.rank_low, "high": row.rank_high},
                "unit_code": row.unit_code,
                "unit_name": row.unit_name,
                "kind": row.kind,
                "score": row.score,
                "band": row.band,
                "areas": row.area_items(table.areas),
            }
            for row in table.rows
        ],
        "uncertainty": _uncertainty(table),
    }


@router.get("/latest", response=RankingOut, summary="Ranking of the latest scored round")
def latest(request: HttpRequest) -> dict[str, object]:
    """Every unit of the latest round the caller may see, best first: score (%), class and the
    points of each area, and each unit's rank interval when an uncertainty run was drawn
    (``docs/uncertainty.md``). The public gets the latest published round; appraisers and city
    leaders (signed in) the latest scored one, provisional or not. 404 ``no_scored_round`` when
    there is none."""
    table = latest_ranking(Viewer.of(request.user), active_language())
    if table is None:
        raise ApplicationError(
            "No assessment round has been published yet.", code="no_scored_round", status=404
        )
    return ranking_payload(table)

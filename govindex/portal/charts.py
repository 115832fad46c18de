"""The data each dashboard chart draws, as plain JSON-ready dicts (``json_script`` in the page;
``static/portal/dashboards.js`` turns them into ECharts options). Labels are translated here;
numbers stay numbers and are formatted in the browser for the page's language
(``Intl.NumberFormat``). Every item carries the URL its click leads to.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from govindex.assessments.formatting import band_colour
from govindex.portal.heatmap import HeatMap
from govindex.portal.rankings import BandLegend, RankingTable
from govindex.portal.scorecards import Scorecard
from govindex.portal.trends import CityTrend, UnitTrend

UNIT_CODE_SLOT = "UNIT-CODE-SLOT"


def scorecard_url_maker(round_id: int) -> Callable[[str], str]:
    """``make(unit_code)`` → the scorecard's URL, reversing the route once for all units."""
    template = reverse("portal:scorecard", args=[round_id, UNIT_CODE_SLOT])

    def make(unit_code: str) -> str:
        return template.replace(UNIT_CODE_SLOT, quote(unit_code, safe=""))

    return make


def _bands(bands: list[BandLegend]) -> list[dict[str, object]]:
    return [
        {"id": band.id, "name": band.name, "minimum": band.minimum, "colour": band_colour(level)}
        for level, band in enumerate(bands, start=1)
    ]


def ranking_chart(table: RankingTable) -> dict[str, object]:
    """A horizontal bar per scored unit, best on top, coloured by class."""
    url = scorecard_url_maker(table.round.pk)
    return {
        "kind": "ranking",
        "labels": {
            "score": _("Score (%)"),
            "rank": _("Rank"),
            "class": _("Class"),
            "unclassified": _("No class"),
        },
        "bands": _bands(table.bands),
        "items": [
            {
                "name": row.unit_name,
                "rank": row.rank,
                "score": row.score,
                "band": row.band,
                "url": url(row.unit_code),
            }
            for row in table.rows
            if row.score is not None
        ],
    }


def rank_interval_chart(table: RankingTable) -> dict[str, object] | None:
    """Each ranked unit's official rank (a dot) on the bar of ranks that 90 % of the
    uncertainty run's draws give it, best first; ``None`` when no run was drawn."""
    if table.uncertainty is None:
        return None
    url = scorecard_url_maker(table.round.pk)
    return {
        "kind": "rank_interval",
        "labels": {
            "axis": _("Rank (1 = best)"),
            "rank": _("Official rank"),
            "interval": _("Ranks in %(share)s of the draws") % {"share": "90 %"},
            "median": _("Median rank"),
        },
        "ranked": table.ranked_count,
        "items": [
            {
                "name": row.unit_name,
                "rank": row.rank,
                "median": row.rank_median,
                "low": row.rank_low,
                "high": row.rank_high,
                "url": url(row.unit_code),
            }
            for row in table.rows
            if row.rank is not None and row.rank_low is not None
        ],
    }


def colour_scale_floor(shares: list[float | None]) -> float:
    """Where the heat map's colour scale starts: the 5th percentile of the shares, rounded down
    to a multiple of 5, so that the colours separate the bulk of the units (shares below it all
    take the lowest colour; every cell shows its number)."""
    present = sorted(share for share in shares if share is not None)
    if not present:
        return 0.0
    fifth = present[int(0.05 * (len(present) - 1))]
    return float(max(0, min(95, math.floor(fifth / 5) * 5)))


def heat_map_chart(heat: HeatMap) -> dict[str, object]:
    """Units (rows, best first) × areas (columns); a click opens the unit's scorecard at the area."""
    url = scorecard_url_maker(heat.round.pk)
    floor = colour_scale_floor([share for row in heat.rows for share in row.shares])
    cells = [
        [column, row_number, share]
        for row_number, row in enumerate(heat.rows)
        for column, share in enumerate(row.shares)
        if share is not None
    ]
    return {
        "kind": "heatmap",
        "labels": {
            "share": _("Share of the area's maximum achieved (%)"),
            "unit": _("Unit"),
            "area": _("Area"),
        },
        "areas": [
            {"id": area.id, "label": area.short_label, "name": area.name} for area in heat.areas
        ],
        "units": [row.unit_name for row in heat.rows],
        "urls": [url(row.unit_code) for row in heat.rows],
        "cells": cells,
        "minimum": floor,
        "maximum": 100,
    }


def scorecard_chart(card: Scorecard) -> dict[str, object]:
    """The unit's share of each area next to the city's median share."""
    url = scorecard_url_maker(card.round.pk)(card.unit.code)
    return {
        "kind": "scorecard",
        "labels": {
            "unit": card.unit_name,
            "median": _("City median"),
            "share": _("Share of the area's maximum achieved (%)"),
        },
        "areas": [
            {
                "label": _("A%(number)s") % {"number": bar.label},
                "name": bar.name,
                "share": bar.share,
                "median": bar.city_median,
                "url": f"{url}#node-{bar.id}",
            }
            for bar in card.area_bars
        ],
    }


def unit_trend_chart(trend: UnitTrend) -> dict[str, object]:
    """One line per unit (the unit and each predecessor), the city's mean and median dashed."""
    makers = {round.pk: scorecard_url_maker(round.pk) for round in trend.rounds}
    series = []
    for item in trend.series:
        name = item.unit_name
        if item.is_predecessor and item.until is not None:
            name = _("%(name)s (predecessor, until %(date)s)") % {
                "name": item.unit_name,
                "date": date_format(item.until, "SHORT_DATE_FORMAT"),
            }
        elif item.is_predecessor:
            name = _("%(name)s (predecessor)") % {"name": item.unit_name}
        series.append(
            {
                "name": name,
                "predecessor": item.is_predecessor,
                "points": [
                    None
                    if point is None
                    else {
                        "score": point.score,
                        "rank": point.rank,
                        "ranked": point.ranked_count,
                        "url": makers[point.round.pk](item.unit_code),
                    }
                    for point in item.points
                ],
            }
        )
    return {
        "kind": "unit_trend",
        "labels": {
            "score": _("Score (%)"),
            "mean": _("City mean"),
            "median": _("City median"),
            "rank": _("Rank"),
        },
        "periods": [round.period for round in trend.rounds],
        "series": series,
        "mean": [summary.mean for summary in trend.city],
        "median": [summary.median for summary in trend.city],
    }


def city_trend_chart(trend: CityTrend) -> dict[str, object]:
    """Mean and median score per round, with the lowest and highest."""
    ranking = reverse("portal:ranking")
    return {
        "kind": "city_trend",
        "labels": {
            "score": _("Score (%)"),
            "mean": _("Mean"),
            "median": _("Median"),
            "lowest": _("Lowest"),
            "highest": _("Highest"),
        },
        "periods": [summary.round.period for summary in trend.rounds],
        "urls": [f"{ranking}?round={summary.round.pk}" for summary in trend.rounds],
        "mean": [summary.mean for summary in trend.rounds],
        "median": [summary.median for summary in trend.rounds],
        "lowest": [summary.lowest for summary in trend.rounds],
        "highest": [summary.highest for summary in trend.rounds],
    }

"""The dashboards: city ranking, heat map, unit scorecard and criterion, trends.

Each view finds what the person may see (``visibility``), asks a read module for the page's
data, and renders it — or, with ``?format=csv|xlsx``, sends the page's table as a file.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from govindex.assessments.models import Round
from govindex.assessments.permissions import can_view_unit_entries
from govindex.languages import active_language
from govindex.orgs.models import Unit
from govindex.portal import charts
from govindex.portal.downloads import UnknownFormat, file_stem, requested_format, table_download
from govindex.portal.heatmap import heat_map, heat_map_download_rows
from govindex.portal.rankings import ranking_download_rows, ranking_table
from govindex.portal.scorecards import NoResult, node_detail, scorecard, scorecard_download_rows
from govindex.portal.trends import (
    city_trend,
    city_trend_download_rows,
    framework_choices,
    unit_trend,
    unit_trend_download_rows,
)
from govindex.portal.visibility import (
    ResultsNotVisible,
    RoundNotScored,
    SignInRequired,
    Viewer,
    dashboard_round,
    dashboard_rounds,
    default_round,
)

View = Callable[..., HttpResponse]


def dashboard(view: View) -> View:
    """Turn the read modules' refusals into answers: sign in, 403, 404, 400 (unknown format)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except SignInRequired:
            return redirect_to_login(request.get_full_path())
        except ResultsNotVisible as refusal:
            raise PermissionDenied(_("These results are not published yet.")) from refusal
        except (RoundNotScored, NoResult) as missing:
            raise Http404(str(missing)) from missing
        except UnknownFormat as unknown:
            return HttpResponseBadRequest(
                _("Unknown download format %(format)s: use csv or xlsx.") % {"format": unknown},
                content_type="text/plain; charset=utf-8",
            )

    return wrapper


def _picked_round(request: HttpRequest, viewer: Viewer, rounds: list[Round]) -> Round | None:
    """``?round=<id>`` if given (refused as ``visibility.dashboard_round`` says), else the
    default round (``None`` when nothing may be shown)."""
    raw = request.GET.get("round")
    if raw is None or raw == "":
        return default_round(rounds)
    if not raw.isdigit():
        raise RoundNotScored(raw)
    return dashboard_round(viewer, rounds, int(raw))


def _entries_check(request: HttpRequest) -> Callable[[Unit], bool]:
    return lambda unit: can_view_unit_entries(request.user, unit)


@dashboard
def ranking(request: HttpRequest) -> HttpResponse:
    """The city ranking of a round: bar chart by class, table, downloads."""
    fmt = requested_format(request.GET)
    viewer = Viewer.of(request.user)
    rounds = dashboard_rounds(viewer)
    round = _picked_round(request, viewer, rounds)
    table = ranking_table(round, active_language()) if round is not None else None
    if fmt is not None:
        if table is None:
            raise RoundNotScored("")
        columns, rows = ranking_download_rows(table)
        stem = file_stem("ranking", table.framework_id, round.period)
        return table_download(fmt, stem, columns, rows)
    context = {
        "table": table,
        "round": round,
        "rounds": rounds,
        "chart": charts.ranking_chart(table) if table is not None else None,
        "interval_chart": charts.rank_interval_chart(table) if table is not None else None,
    }
    return render(request, "portal/ranking.html", context)


@dashboard
def heatmap(request: HttpRequest) -> HttpResponse:
    """Units × areas, each cell the share of the area's maximum achieved."""
    fmt = requested_format(request.GET)
    viewer = Viewer.of(request.user)
    rounds = dashboard_rounds(viewer)
    round = _picked_round(request, viewer, rounds)
    heat = heat_map(round, active_language()) if round is not None else None
    if fmt is not None:
        if heat is None:
            raise RoundNotScored("")
        columns, rows = heat_map_download_rows(heat)
        stem = file_stem("heatmap", round.framework_id, round.period)
        return table_download(fmt, stem, columns, rows)
    context = {
        "heat": heat,
        "round": round,
        "rounds": rounds,
        "chart": charts.heat_map_chart(heat) if heat is not None else None,
    }
    return render(request, "portal/heatmap.html", context)


@dashboard
def unit_scorecard(request: HttpRequest, round_id: int, unit_code: str) -> HttpResponse:
    """One unit in one round: score, rank, class, change, every area and criterion."""
    fmt = requested_format(request.GET)
    viewer = Viewer.of(request.user)
    rounds = dashboard_rounds(viewer)
    round = dashboard_round(viewer, rounds, round_id)
    card = scorecard(
        round,
        unit_code,
        language=active_language(),
        can_view_entries=_entries_check(request),
        earlier_rounds=rounds,
    )
    if fmt is not None:
        columns, rows = scorecard_download_rows(card)
        stem = file_stem("scorecard", unit_code, round.framework_id, round.period)
        return table_download(fmt, stem, columns, rows)
    context = {"card": card, "round": round, "chart": charts.scorecard_chart(card)}
    return render(request, "portal/scorecard.html", context)


@dashboard
def criterion(request: HttpRequest, round_id: int, unit_code: str, node_id: str) -> HttpResponse:
    """One area, group or criterion of a unit, with the entry behind it for those allowed."""
    viewer = Viewer.of(request.user)
    rounds = dashboard_rounds(viewer)
    round = dashboard_round(viewer, rounds, round_id)
    detail = node_detail(
        round,
        unit_code,
        node_id,
        language=active_language(),
        can_view_entries=_entries_check(request),
    )
    template = "portal/criterion.html"
    if request.GET.get("fragment") == "entry":  # the scorecard's inline details (htmx)
        template = "portal/includes/entry_row.html"
    return render(request, template, {"detail": detail, "round": round})


@dashboard
def unit_trends(request: HttpRequest, unit_code: str) -> HttpResponse:
    """A unit's score per round, with its predecessors' scores, beside the city's."""
    fmt = requested_format(request.GET)
    viewer = Viewer.of(request.user)
    unit = get_object_or_404(Unit, code=unit_code)
    rounds = dashboard_rounds(viewer)
    trend = unit_trend(unit, rounds, active_language(), request.GET.get("framework") or None)
    if fmt is not None:
        columns, rows = unit_trend_download_rows(trend)
        stem = file_stem("trend", unit.code, trend.framework_id)
        return table_download(fmt, stem, columns, rows)
    context = {"trend": trend, "chart": charts.unit_trend_chart(trend)}
    return render(request, "portal/unit_trend.html", context)


@dashboard
def city_trends(request: HttpRequest) -> HttpResponse:
    """The city's mean and median score per round of one framework."""
    fmt = requested_format(request.GET)
    viewer = Viewer.of(request.user)
    language = active_language()
    rounds = dashboard_rounds(viewer)
    newest_first = sorted(rounds, key=lambda round: (round.year, round.pk), reverse=True)
    frameworks = framework_choices(newest_first, language)
    framework_id = request.GET.get("framework") or (frameworks[0].id if frameworks else None)
    if framework_id is not None and framework_id not in {choice.id for choice in frameworks}:
        raise RoundNotScored(framework_id)
    trend = None
    if framework_id is not None:
        chosen = [round for round in rounds if round.framework_id == framework_id]
        trend = city_trend(chosen, framework_id, language)
    if fmt is not None:
        if trend is None:
            raise RoundNotScored("")
        columns, rows = city_trend_download_rows(trend)
        return table_download(fmt, file_stem("city-trend", framework_id), columns, rows)
    context = {
        "trend": trend,
        "frameworks": frameworks,
        "chart": charts.city_trend_chart(trend) if trend is not None else None,
    }
    return render(request, "portal/city_trend.html", context)

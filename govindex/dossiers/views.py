"""Public pages of the real-time index (no sign-in) and the staff drill-down to dossiers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govindex.dossiers import page_cache, selectors
from govindex.dossiers.models import Procedure
from govindex.errors import ApplicationError
from govindex.languages import active_language
from govindex.orgs.models import Unit
from govindex.orgs.permissions import can_view_unit_details

#: How often the live parts of the pages ask for fresh numbers (seconds).
POLL_SECONDS = 5
BAND_ORDER = ("excellent", "good", "fair", "average", "weak")


def _period(request: HttpRequest) -> selectors.Period:
    text = request.GET.get("period")
    try:
        return selectors.period_parse(text) if text else selectors.current_period()
    except ApplicationError as error:
        raise Http404(error.message) from error


def _period_choices(current: selectors.Period) -> list[tuple[str, Any]]:
    today = timezone.localdate()
    months = []
    year, month = today.year, today.month
    for _step in range(12):
        months.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    quarter = (today.month - 1) // 3 + 1
    quarters = []
    year_q = today.year
    for _step in range(4):
        quarters.append(f"{year_q}-Q{quarter}")
        year_q, quarter = (year_q, quarter - 1) if quarter > 1 else (year_q - 1, 4)
    if current.label not in [*months, *quarters, str(today.year), str(today.year - 1)]:
        months.insert(0, current.label)
    choices = [
        (_("Months"), months),
        (_("Quarters"), quarters),
        (_("Years"), [str(today.year), str(today.year - 1)]),
    ]
    return choices


def _ranking_context(request: HttpRequest) -> dict[str, Any]:
    period = _period(request)
    results = selectors.realtime_index(period, language=active_language())
    groups = results[0].groups if results else ()
    return {
        "period": period,
        "results": results,
        "groups": groups,
        "poll_seconds": POLL_SECONDS,
        "updated": timezone.localtime(),
        "version": "-".join(map(str, selectors.data_version())),
    }


def ranking(request: HttpRequest) -> HttpResponse:
    """Every unit's real-time score for a period, best first; the table refreshes itself."""

    def page(extra: dict[str, Any]) -> HttpResponse:
        context = _ranking_context(request)
        context["period_choices"] = _period_choices(context["period"])
        return render(request, "dossiers/ranking.html", {**context, **extra})

    return page_cache.cached_page(request, page)


def ranking_table(request: HttpRequest) -> HttpResponse:
    """The ranking table alone (htmx polls it)."""

    def table(extra: dict[str, Any]) -> HttpResponse:
        context = {**_ranking_context(request), **extra}
        return render(request, "dossiers/includes/ranking_table.html", context)

    return page_cache.cached_page(request, table)


def _unit_context(request: HttpRequest, code: str) -> dict[str, Any]:
    unit = get_object_or_404(Unit, code=code)
    period = _period(request)
    [result] = selectors.realtime_index(period, unit_code=code, language=active_language())
    indicators_by_group: dict[str, list[Any]] = {}
    for indicator in result.indicators:
        indicators_by_group.setdefault(indicator.group, []).append(indicator)
    return {
        "unit": unit,
        "period": period,
        "result": result,
        "indicators": result.indicators,
        "worst": selectors.worst_procedures(unit, period),
        "poll_seconds": POLL_SECONDS,
        "updated": timezone.localtime(),
        "can_drill": can_view_unit_details(request.user, unit),
        "version": "-".join(map(str, selectors.data_version())),
    }


def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    """One unit: groups, every indicator, "4 không", the trend by month, the procedures most
    often late; drill-down links for the unit's staff and the city's appraisers."""
    return page_cache.cached_page(request, lambda extra: _unit_page(request, code, extra))


def _unit_page(request: HttpRequest, code: str, extra: dict[str, Any]) -> HttpResponse:
    context = _unit_context(request, code)
    trend = selectors.unit_trend(
        context["unit"], context["period"].last.year, language=active_language()
    )
    context["trend"] = {
        "months": [point.month for point in trend],
        "score": [None if p.score is None else round(p.score, 2) for p in trend],
        "on_time": [None if p.on_time is None else round(p.on_time, 2) for p in trend],
        "online": [None if p.online is None else round(p.online, 2) for p in trend],
        "labels": {
            "score": str(_("Score (%)")),
            "on_time": str(_("On time (%)")),
            "online": str(_("Submitted online (%)")),
        },
    }
    context["period_choices"] = _period_choices(context["period"])
    return render(request, "dossiers/unit.html", {**context, **extra})


def unit_live(request: HttpRequest, code: str) -> HttpResponse:
    """The unit's live numbers alone (htmx polls them)."""

    def live(extra: dict[str, Any]) -> HttpResponse:
        context = {**_unit_context(request, code), **extra}
        return render(request, "dossiers/includes/unit_live.html", context)

    return page_cache.cached_page(request, live)


@login_required
def unit_dossiers(request: HttpRequest, code: str) -> HttpResponse:
    """The dossiers behind one of the unit's numbers: its own staff and leaders, appraisers,
    city leaders and administrators only."""
    unit = get_object_or_404(Unit, code=code)
    if not can_view_unit_details(request.user, unit):
        raise PermissionDenied
    period = _period(request)
    which = request.GET.get("list", "late")
    if which not in selectors.DRILL_DOWN:
        raise Http404
    procedure = None
    if request.GET.get("procedure"):
        procedure = get_object_or_404(Procedure, code=request.GET["procedure"])
    dossiers = selectors.dossiers_behind(unit, period, which, procedure=procedure)
    page = Paginator(dossiers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "dossiers/dossiers.html",
        {
            "unit": unit,
            "period": period,
            "which": which,
            "lists": selectors.DRILL_DOWN,
            "procedure": procedure,
            "page": page,
        },
    )

"""The conference reports on screen and as files: ``?format=pdf`` or ``?format=xlsx`` downloads
the page's report, ``?language=vi|en|id`` picks its language (the page's language by default).

Who may read them: a unit's report, those who see the unit's plan (its own staff and leader,
appraisers, city leaders, administrators); the city's report, those who see the city plan (city
leaders, administrators, appraisers). The round must be one the person may open. An anonymous
visitor is sent to sign in. As on the diagnosis page, a unit's own people see no comparison with
the other units (rank, ranking chart, medians, best other unit) before the round is published.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from govindex.assessments.models import Round, RoundUnit
from govindex.assessments.permissions import can_view_round_results, visible_rounds
from govindex.errors import ApplicationError
from govindex.improvement import permissions
from govindex.improvement.reports import (
    CONTENT_TYPES,
    CityReport,
    UnitReport,
    city_report,
    report_bytes,
    report_file_name,
    report_html,
    unit_report,
)
from govindex.languages import active_language


def _round(request: HttpRequest, round_id: int) -> Round:
    return get_object_or_404(visible_rounds(request.user), pk=round_id)


def _language(request: HttpRequest) -> str:
    """``?language=`` if it is one of the site's languages, else the page's language."""
    known = [code for code, _name in settings.LANGUAGES]
    asked = request.GET.get("language", "")
    if asked in known:
        return asked
    return active_language()


def _answer(request: HttpRequest, report: UnitReport | CityReport) -> HttpResponse:
    """The report's page, or with ``?format=`` the report as a file."""
    fmt = request.GET.get("format", "")
    if not fmt:
        return HttpResponse(report_html(report, request=request, printed=False))
    if fmt not in CONTENT_TYPES:
        return HttpResponseBadRequest(
            _("Unknown report format %(format)s: use pdf or xlsx.") % {"format": fmt},
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(report_bytes(report, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report_file_name(report, fmt)}"'
    return response


@login_required
@require_GET
def unit_report_view(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """A unit's conference pack: scorecard, weakest criteria, root causes, plan, charts."""
    round = _round(request, round_id)
    link = get_object_or_404(RoundUnit.objects.select_related("unit"), round=round, unit__code=code)
    if not permissions.can_view_plan(request.user, link.unit):
        raise PermissionDenied
    try:
        report = unit_report(
            round,
            link.unit,
            language=_language(request),
            comparisons=can_view_round_results(request.user, round),
        )
    except ApplicationError as error:
        if error.status == 404:
            raise Http404(error.message) from error
        raise
    return _answer(request, report)


@login_required
@require_GET
def city_report_view(request: HttpRequest, round_id: int) -> HttpResponse:
    """The city's report: ranking, classes, changes, the city-wide plan."""
    round = _round(request, round_id)
    if not permissions.can_view_city_plan(request.user):
        raise PermissionDenied
    return _answer(request, city_report(round, language=_language(request)))

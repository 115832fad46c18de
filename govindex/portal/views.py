"""Public pages of the transparency portal."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from govindex.portal.rankings import latest_ranking


def ranking(request: HttpRequest) -> HttpResponse:
    """The city ranking of the latest scored round (an empty state when none is scored)."""
    language = (get_language() or "vi").split("-")[0]
    return render(request, "portal/ranking.html", {"table": latest_ranking(language)})

"""The diagnosis pages: a unit's criteria in a round (what each earned, what it costs, its cause
and tasks), and the city on the official indices against the best province.

Who sees what: a unit's diagnosis is for those who see its entries (its own staff and leader,
appraisers, city leaders, administrators); the comparisons with other units (ranks, the best
other unit) only for those who may see the round's results — everybody once it is published,
before that those who see every unit. The city's page is for appraisers, city leaders and
administrators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from govindex.assessments.models import Round, RoundState
from govindex.assessments.permissions import (
    can_view_unit_entries,
    sees_all_units,
    visible_rounds,
)
from govindex.improvement.diagnosis import (
    CITY_TERRITORY,
    CriterionRow,
    NoResult,
    UnitDiagnosis,
    city_diagnosis,
    unit_diagnosis,
)
from govindex.improvement.models import Finding, Task
from govindex.improvement.selectors import findings_by_leaf, tasks_by_leaf
from govindex.orgs.models import Unit

#: How many criteria the chart of points at stake shows.
CHART_CRITERIA = 10

#: The table's filters: query value → the statuses it keeps (``None``: all).
FILTERS: dict[str, frozenset[str] | None] = {
    "all": None,
    "not_achieved": frozenset({"not_achieved", "missing"}),
    "partly": frozenset({"partly"}),
}


@dataclass(frozen=True)
class UnitAccess:
    """The round and unit a URL names, once the viewer may see the unit's diagnosis;
    ``peers_visible``: whether the viewer may see other units' results in the round."""

    round: Round
    unit: Unit
    peers_visible: bool
    sees_all: bool

    def earlier_rounds(self) -> QuerySet[Round] | None:
        """Rounds whose results the viewer may compare with (``None``: all)."""
        if self.sees_all:
            return None
        return Round.objects.filter(state=RoundState.PUBLISHED)


def unit_access(request: HttpRequest, round_id: int, code: str) -> UnitAccess:
    """The round (among those the viewer may open) and the unit taking part in it; 404 when
    either is not there, 403 when the viewer may not see the unit's entries."""
    sees_all = sees_all_units(request.user)
    rounds = Round.objects.all() if sees_all else visible_rounds(request.user)
    round = get_object_or_404(rounds, pk=round_id)
    unit = get_object_or_404(Unit, code=code, round_units__round=round)
    if not (sees_all or can_view_unit_entries(request.user, unit)):
        raise PermissionDenied(
            _("Only the unit's own people, appraisers and city leaders see its diagnosis.")
        )
    peers = round.state == RoundState.PUBLISHED or sees_all  # as can_view_round_results
    return UnitAccess(round=round, unit=unit, peers_visible=peers, sees_all=sees_all)


def diagnosis_of(access: UnitAccess, **options: Any) -> UnitDiagnosis:
    try:
        return unit_diagnosis(
            access.round, access.unit, earlier_rounds=access.earlier_rounds(), **options
        )
    except NoResult as missing:
        raise Http404(_("This unit has no result in this round yet.")) from missing


@dataclass(frozen=True)
class Line:
    """A row of the table with the unit's recorded cause and tasks for the criterion."""

    row: CriterionRow
    finding: Finding | None
    tasks: list[Task]


def stake_chart(diagnosis: UnitDiagnosis, count: int = CHART_CRITERIA) -> dict[str, object]:
    """The criteria with most points at stake, as the chart script draws them."""
    top = [row for row in diagnosis.criteria if (row.points_at_stake or 0.0) > 0][:count]
    return {
        "labels": {
            "stake": _("Points at stake (score points)"),
            "points": _("Points"),
            "max": _("Max"),
        },
        "items": [
            {
                "id": row.leaf_id,
                "name": row.name,
                "area": row.area_number,
                "stake": row.points_at_stake,
                "points": row.points,
                "max": row.max_points,
                "status": row.status,
                "anchor": f"#criterion-{row.leaf_id}",
            }
            for row in top
        ],
    }


@login_required
@require_GET
def diagnosis(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """A unit's criteria, most points at stake first, with their cause and tasks."""
    access = unit_access(request, round_id, code)
    found = diagnosis_of(access)
    shown = request.GET.get("show", "all")
    if shown not in FILTERS:
        shown = "all"
    keep = FILTERS[shown]
    findings = findings_by_leaf(access.round, access.unit)
    tasks = tasks_by_leaf(access.round, access.unit)
    lines = [
        Line(row=row, finding=findings.get(row.leaf_id), tasks=tasks.get(row.leaf_id, []))
        for row in found.criteria
        if keep is None or row.status in keep
    ]
    filters = [
        ("all", _("All criteria"), len(found.criteria)),
        ("not_achieved", _("Not achieved"), found.count("not_achieved") + found.count("missing")),
        ("partly", _("Partly achieved"), found.count("partly")),
    ]
    context = {
        "diagnosis": found,
        "round": access.round,
        "unit": access.unit,
        "peers_visible": access.peers_visible,
        "lines": lines,
        "shown": shown,
        "filters": filters,
        "chart": stake_chart(found),
        "actions_next": request.get_full_path(),
        "scorecard_url": reverse("portal:scorecard", args=[access.round.pk, access.unit.code])
        if access.peers_visible
        else None,
    }
    return render(request, "improvement/diagnosis.html", context)


@login_required
@require_GET
def official_indices(request: HttpRequest) -> HttpResponse:
    """The city on each official index, and each sub-index against the best province."""
    if not sees_all_units(request.user):
        raise PermissionDenied(
            _("The city's diagnosis is for appraisers, city leaders and administrators.")
        )
    indices = city_diagnosis(framework_id=request.GET.get("index") or None)
    return render(
        request, "improvement/city_diagnosis.html", {"indices": indices, "city": CITY_TERRITORY}
    )

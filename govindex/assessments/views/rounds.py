"""The rounds a person may open, a round's units and moves, survey points import."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govindex.assessments import permissions
from govindex.assessments.evidence import safe_display_name
from govindex.assessments.forms import (
    ReasonForm,
    SurveyImportForm,
)
from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import RoundState, RoundUnit
from govindex.assessments.selectors import round_unit_rows
from govindex.assessments.services import (
    BACKWARD,
    FORWARD,
    entry_set_survey_many,
    round_publish,
    round_transition,
)
from govindex.assessments.survey_table import SurveyTableError, read_survey_table
from govindex.assessments.views.criterion_pages import visible_round
from govindex.errors import ApplicationError
from govindex.languages import active_language
from govindex.scoring.framework import Source


@login_required
@require_GET
def rounds(request: HttpRequest) -> HttpResponse:
    """The rounds a person may open, newest first, with their own units' place in each."""
    visible = permissions.visible_rounds(request.user).order_by("-year", "-pk")
    if not permissions.can_manage_round(request.user):
        visible = visible.exclude(state=RoundState.DRAFT)
    own_units = list(permissions.user_units(request.user).order_by("code"))
    links = RoundUnit.objects.filter(round__in=visible, unit__in=own_units).select_related("unit")
    own_by_round: dict[int, list[RoundUnit]] = {}
    for link in links:
        own_by_round.setdefault(link.round_id, []).append(link)
    return render(
        request,
        "assessments/rounds.html",
        {
            "rounds": [(round, own_by_round.get(round.pk, [])) for round in visible],
            "can_manage": permissions.can_manage_round(request.user),
            "language": active_language(),
        },
    )


@login_required
@require_GET
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    """A round's units with the state of each submission; for appraisers, the moves of the round."""
    round = visible_round(request, round_id)
    can_manage = permissions.can_manage_round(request.user)
    if not (can_manage or permissions.sees_all_units(request.user)):
        units = permissions.user_units(request.user)
    else:
        units = None
    table = round_unit_rows(round, units=units)
    moves = []
    if can_manage:
        state = RoundState(round.state)
        moves = [(target, False) for target in FORWARD[state]]
        moves += [(target, True) for target in BACKWARD[state]]
    framework = round_framework(round, check_version=False)
    return render(
        request,
        "assessments/round.html",
        {
            "round": round,
            "framework_name": framework.name(active_language()),
            "table": table,
            "moves": moves,
            "can_manage": can_manage,
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def round_move(request: HttpRequest, round_id: int) -> HttpResponse:
    """Move the round to another state (appraisers); publishing scores it once more first."""
    if not permissions.can_manage_round(request.user):
        raise PermissionDenied
    round = visible_round(request, round_id)
    target = request.POST.get("to", "")
    reason = request.POST.get("reason", "")
    try:
        if target == RoundState.PUBLISHED:
            round = round_publish(round=round, actor=request.user)
        else:
            round = round_transition(round=round, to=target, actor=request.user, reason=reason)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Round “%(name)s” is now %(state)s.")
            % {"name": round.name, "state": RoundState(round.state).label},
        )
    return redirect("assessments:round", round_id=round.pk)


@login_required
def survey_import(request: HttpRequest, round_id: int) -> HttpResponse:
    """Import survey points for many units from a CSV or XLSX file: all rows or none."""
    if not permissions.can_manage_round(request.user):
        raise PermissionDenied
    round = visible_round(request, round_id)
    framework = round_framework(round, check_version=False)
    survey_leaves = [leaf for leaf in framework.leaves if leaf.source is Source.SURVEY]
    problems: list[str] = []
    posted = request.method == "POST"
    form = SurveyImportForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            # Named as the person's file (its last component only), so messages name it too.
            path = Path(folder) / safe_display_name(upload.name or "")
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                values = read_survey_table(path, round=round, framework=framework)
                with transaction.atomic():
                    stored = entry_set_survey_many(
                        round=round, values=values, actor=request.user, source=upload.name
                    )
            except SurveyTableError as error:
                problems = error.problems
            except ValidationError as error:
                problems = list(error.messages)
            except ApplicationError as error:
                problems = [error.message]
            else:
                messages.success(request, _("%(count)d survey values stored.") % {"count": stored})
                return redirect("assessments:round", round_id=round.pk)
    return render(
        request,
        "assessments/survey_import.html",
        {
            "round": round,
            "form": form,
            "problems": problems,
            "survey_leaves": survey_leaves,
            "language": active_language(),
        },
    )

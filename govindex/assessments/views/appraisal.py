"""The appraisal of a unit: self-score, evidence and appraised score side by side."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govindex.assessments import permissions
from govindex.assessments.formatting import points_text
from govindex.assessments.forms import (
    AppraisalForm,
    SurveyValueForm,
)
from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import Entry, Round, RoundState, RoundUnit
from govindex.assessments.services import (
    entries_accept_matching,
    entry_appraise,
    entry_set,
)
from govindex.assessments.views.criterion_pages import (
    criterion_row,
    form_errors,
    fresh_criterion_row,
    is_htmx,
    leaf_of,
    leaves_for,
    problem_text,
    round_unit_of,
    unit_entries,
    visible_round,
)
from govindex.errors import ApplicationError
from govindex.languages import active_language
from govindex.orgs.models import Unit
from govindex.scoring import Framework, Node
from govindex.scoring.framework import Source


def _appraisal_form(node: Node, entry: Entry | None) -> Any:
    if node.source is Source.SURVEY:
        value = entry.survey_value if entry else None
        return SurveyValueForm(
            initial={"survey_value": points_text(value)},
            node=node,
            prefix=node.id,
        )
    initial: dict[str, Any] = {}
    if entry is not None:
        shown = entry.appraised_value if entry.appraised_value is not None else entry.self_value
        initial = {
            "appraised_value": points_text(shown),
            "reason": entry.appraisal_reason,
        }
    return AppraisalForm(initial=initial, node=node, prefix=node.id)


def _appraised_leaves(framework: Framework, unit: Unit) -> list[Node]:
    return [
        leaf
        for leaf in leaves_for(framework, unit)
        if leaf.source in (Source.SELF_ASSESSED, Source.SURVEY)
    ]


def _appraisal_editable(round: Round) -> dict[str, bool]:
    """Appraised scores change only under appraisal; survey points until then as well."""
    return {
        "editable": round.state == RoundState.UNDER_APPRAISAL,
        "survey_editable": round.state
        in (RoundState.OPEN, RoundState.SUBMITTED, RoundState.UNDER_APPRAISAL),
    }


def _appraisal_manager(request: HttpRequest, round_id: int, code: str) -> RoundUnit:
    if not permissions.can_manage_round(request.user):
        raise PermissionDenied
    return round_unit_of(visible_round(request, round_id), code)


@login_required
@require_GET
def appraisal(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """Self-score, evidence and appraised score side by side, with what changed."""
    link = _appraisal_manager(request, round_id, code)
    round, unit = link.round, link.unit
    framework = round_framework(round, check_version=False)
    language = active_language()
    entries = unit_entries(round, unit)
    rows = []
    for leaf in _appraised_leaves(framework, unit):
        entry = entries.get(leaf.id)
        rows.append(criterion_row(link, leaf, entry=entry, form_for=_appraisal_form))
    changes = [row for row in rows if row.status == "adjusted"]
    summary = {
        status: sum(1 for row in rows if row.status == status)
        for status in ("accepted", "adjusted", "pending", "not_applicable", "empty")
    }
    summary["points_changed"] = sum(
        (row.entry.appraised_value or 0) - (row.entry.self_value or 0)
        for row in changes
        if row.entry is not None
    )
    return render(
        request,
        "assessments/appraisal.html",
        {
            "round": round,
            "unit": unit,
            "link": link,
            "rows": rows,
            "changes": changes,
            "summary": summary,
            **_appraisal_editable(round),
            "framework_name": framework.name(language),
        },
    )


@login_required
@require_POST
def appraisal_save(request: HttpRequest, round_id: int, code: str, leaf_id: str) -> HttpResponse:
    """Record the appraised score (with a reason when it differs) or a unit's survey points."""
    link = _appraisal_manager(request, round_id, code)
    node = leaf_of(link.round, link.unit, leaf_id)
    error = ""
    form: Any
    try:
        if node.source is Source.SURVEY:
            form = SurveyValueForm(request.POST, node=node, prefix=node.id)
            if form.is_valid():
                entry_set(
                    round=link.round,
                    unit=link.unit,
                    leaf_id=node.id,
                    actor=request.user,
                    survey_value=form.cleaned_data["survey_value"],
                )
        elif node.source is Source.SELF_ASSESSED:
            form = AppraisalForm(request.POST, node=node, prefix=node.id)
            if form.is_valid():
                entry = Entry.objects.filter(
                    round=link.round, unit=link.unit, leaf_id=node.id
                ).first()
                if entry is None:
                    raise ApplicationError(
                        _(
                            "The unit entered nothing on this criterion; there is nothing to appraise."
                        ),
                        code="nothing_to_appraise",
                    )
                entry_appraise(
                    entry=entry,
                    appraised_value=form.cleaned_data["appraised_value"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
        else:
            raise PermissionDenied
    except (ApplicationError, ValidationError) as problem:
        error = problem_text(problem)
    if not form.is_valid():
        error = form_errors(form)
    saved = not error
    row = fresh_criterion_row(
        link, node, _appraisal_form, error=error, saved=saved, **({} if saved else {"form": form})
    )
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        url = reverse("assessments:appraisal", args=[link.round_id, link.unit.code])
        return redirect(f"{url}#criterion-{node.id}")
    return render(
        request,
        "assessments/_appraisal_row.html",
        {"row": row, "round": link.round, "unit": link.unit, **_appraisal_editable(link.round)},
    )


@login_required
@require_POST
def appraisal_accept(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """Accept every self-score not appraised yet, in one action."""
    link = _appraisal_manager(request, round_id, code)
    try:
        accepted = entries_accept_matching(round=link.round, unit=link.unit, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)d self-scores accepted.") % {"count": accepted})
    return redirect("assessments:appraisal", round_id=round_id, code=code)

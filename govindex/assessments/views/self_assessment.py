"""A unit's self-assessment: criteria, evidence files, submission and return."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govindex.assessments import permissions
from govindex.assessments.formatting import points_text
from govindex.assessments.forms import (
    CriterionForm,
    EvidenceForm,
    ReasonForm,
)
from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import Entry, Evidence, RoundState, RoundUnit
from govindex.assessments.selectors import self_assessment_progress
from govindex.assessments.services import (
    entry_set,
    evidence_add,
    evidence_remove,
    roundunit_return,
    roundunit_submit,
)
from govindex.assessments.views.criterion_pages import (
    CriterionRow,
    criterion_row,
    form_errors,
    fresh_criterion_row,
    is_htmx,
    leaf_of,
    leaves_for,
    problem_text,
    round_unit_of,
    unit_entries,
    unit_link_for_viewer,
)
from govindex.errors import ApplicationError
from govindex.languages import active_language
from govindex.scoring import Node
from govindex.scoring.framework import Source


def _criterion_form(node: Node, entry: Entry | None) -> CriterionForm:
    initial = {}
    if entry is not None:
        initial = {
            "self_value": points_text(entry.self_value),
            "not_applicable": entry.not_applicable,
            "comment": entry.comment,
        }
    return CriterionForm(initial=initial, node=node, prefix=node.id)


def _self_assessment_context(request: HttpRequest, link: RoundUnit) -> dict[str, Any]:
    round, unit = link.round, link.unit
    framework = round_framework(round, check_version=False)
    language = active_language()
    entries = unit_entries(round, unit)
    areas: list[tuple[Node, list[CriterionRow]]] = []
    area_of = {leaf.id: framework.path(leaf.id)[1] for leaf in framework.leaves}
    for leaf in leaves_for(framework, unit):
        entry = entries.get(leaf.id)
        row = criterion_row(link, leaf, entry=entry, form_for=_criterion_form)
        area = framework.node(area_of[leaf.id])
        if not areas or areas[-1][0].id != area.id:
            areas.append((area, []))
        areas[-1][1].append(row)
    editable = (
        permissions.can_self_assess(request.user, unit)
        and round.state == RoundState.OPEN
        and not link.is_submitted
    )
    return {
        "round": round,
        "unit": unit,
        "link": link,
        "framework_name": framework.name(language),
        "areas": areas,
        "progress": self_assessment_progress(round, unit),
        "editable": editable,
        "can_submit": permissions.can_submit(request.user, unit)
        and round.state == RoundState.OPEN
        and not link.is_submitted,
        "can_return": permissions.can_manage_round(request.user)
        and round.state == RoundState.OPEN
        and link.is_submitted,
        "can_appraise": permissions.can_manage_round(request.user)
        and round.state == RoundState.UNDER_APPRAISAL,
        "language": language,
        "evidence_form": EvidenceForm(),
        "reason_form": ReasonForm(),
    }


@login_required
@require_GET
def self_assessment(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """The unit's self-assessment: every criterion with its guidance, points, comment and files."""
    link = unit_link_for_viewer(request, round_id, code)
    return render(
        request, "assessments/self_assessment.html", _self_assessment_context(request, link)
    )


SAVED = "assessments/_criterion_saved.html"


def _row_response(
    request: HttpRequest,
    link: RoundUnit,
    row: CriterionRow,
    *,
    template: str = "assessments/_criterion_response.html",
) -> HttpResponse:
    """The answer to a criterion's form: with htmx, the part of the row that changed (the whole
    row after a file change; only its status after a save, so that what the clerk is typing in
    the other fields stays as it is) and the progress bar; without, back to the page."""
    if not is_htmx(request):
        if row.error:
            messages.error(request, row.error)
        url = reverse("assessments:self_assessment", args=[link.round_id, link.unit.code])
        return redirect(f"{url}#criterion-{row.node.id}")
    context = {
        "row": row,
        "round": link.round,
        "unit": link.unit,
        "link": link,
        # The person may edit (checked by every caller); the round and submission may not allow it.
        "editable": link.round.state == RoundState.OPEN and not link.is_submitted,
        "evidence_form": EvidenceForm(),
        "progress": self_assessment_progress(link.round, link.unit),
        "progress_oob": True,
    }
    # htmx swaps only 2xx answers by default; a refused save still shows its message in the row.
    return render(request, template, context)


def _self_assessed_criterion(
    request: HttpRequest, round_id: int, code: str, leaf_id: str
) -> tuple[RoundUnit, Node]:
    """The unit and criterion a self-assessment write is about, if the person may write it."""
    link = unit_link_for_viewer(request, round_id, code)
    if not permissions.can_self_assess(request.user, link.unit):
        raise PermissionDenied
    node = leaf_of(link.round, link.unit, leaf_id)
    if node.source is not Source.SELF_ASSESSED:
        raise PermissionDenied
    return link, node


@login_required
@require_POST
def criterion_save(request: HttpRequest, round_id: int, code: str, leaf_id: str) -> HttpResponse:
    """Save the unit's points, "not applicable" and explanation on one criterion."""
    link, node = _self_assessed_criterion(request, round_id, code, leaf_id)
    form = CriterionForm(request.POST, node=node, prefix=node.id)
    if not form.is_valid():
        errors = form_errors(form)
        row = fresh_criterion_row(link, node, _criterion_form, form=form, error=errors)
        return _row_response(request, link, row, template=SAVED)
    try:
        entry_set(
            round=link.round,
            unit=link.unit,
            leaf_id=node.id,
            actor=request.user,
            self_value=form.cleaned_data["self_value"],
            not_applicable=form.cleaned_data["not_applicable"],
            comment=form.cleaned_data["comment"].strip(),
        )
    except (ApplicationError, ValidationError) as error:
        row = fresh_criterion_row(link, node, _criterion_form, form=form, error=problem_text(error))
    else:
        row = fresh_criterion_row(link, node, _criterion_form, saved=True)
    return _row_response(request, link, row, template=SAVED)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, round_id: int, code: str, leaf_id: str) -> HttpResponse:
    """Attach a file to a criterion."""
    link, node = _self_assessed_criterion(request, round_id, code, leaf_id)
    form = EvidenceForm(request.POST, request.FILES)
    error = ""
    if not form.is_valid():
        error = form_errors(form)
    else:
        try:
            evidence_add(
                round=link.round,
                unit=link.unit,
                leaf_id=node.id,
                upload=form.cleaned_data["file"],
                actor=request.user,
            )
        except ApplicationError as error_:
            error = error_.message
    row = fresh_criterion_row(link, node, _criterion_form, error=error, saved=not error)
    return _row_response(request, link, row)


def _evidence(request: HttpRequest, evidence_id: int) -> Evidence:
    evidence = get_object_or_404(
        Evidence.objects.select_related("entry__unit", "entry__round"), pk=evidence_id
    )
    if not permissions.can_view_unit_entries(request.user, evidence.entry.unit):
        raise PermissionDenied
    return evidence


@login_required
@require_GET
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    """Hand out an evidence file to those who may see the unit's record (never a public URL)."""
    evidence = _evidence(request, evidence_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@login_required
@require_POST
def evidence_delete(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _evidence(request, evidence_id)
    entry = evidence.entry
    if not permissions.can_self_assess(request.user, entry.unit):
        raise PermissionDenied
    link = round_unit_of(entry.round, entry.unit.code)
    node = leaf_of(entry.round, entry.unit, entry.leaf_id)
    error = ""
    try:
        evidence_remove(evidence=evidence, actor=request.user)
    except ApplicationError as error_:
        error = error_.message
    return _row_response(
        request, link, fresh_criterion_row(link, node, _criterion_form, error=error)
    )


@login_required
@require_POST
def unit_submit(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """The unit leader submits the self-assessment."""
    link = unit_link_for_viewer(request, round_id, code)
    if not permissions.can_submit(request.user, link.unit):
        raise PermissionDenied
    try:
        link = roundunit_submit(round=link.round, unit=link.unit, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if link.is_late:
            messages.warning(request, _("Submitted after the deadline: marked as late."))
        else:
            messages.success(request, _("Self-assessment submitted."))
    return redirect("assessments:self_assessment", round_id=round_id, code=code)


@login_required
@require_POST
def unit_return(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """An appraiser sends a submitted self-assessment back for correction."""
    if not permissions.can_manage_round(request.user):
        raise PermissionDenied
    link = unit_link_for_viewer(request, round_id, code)
    try:
        roundunit_return(
            round=link.round,
            unit=link.unit,
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The self-assessment went back to the unit."))
    return redirect("assessments:self_assessment", round_id=round_id, code=code)

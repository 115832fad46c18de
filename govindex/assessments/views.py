"""Pages of the assessment cycle: rounds, a unit's self-assessment, appraisal, survey import.

Every view checks who may do what (``permissions``) and leaves the rules of the round's state to
the services; a refused action comes back as a message on the same page, nothing half-saved.
Criterion forms post with htmx and get their own row back, so the screen saves as you go; they
also work as plain forms without JavaScript.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govindex.assessments import permissions
from govindex.assessments.evidence import safe_display_name
from govindex.assessments.forms import (
    AppraisalForm,
    CriterionForm,
    EvidenceForm,
    ReasonForm,
    SurveyImportForm,
    SurveyValueForm,
    points_text,
)
from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import Entry, Evidence, Round, RoundState, RoundUnit
from govindex.assessments.selectors import round_unit_rows, self_assessment_progress
from govindex.assessments.services import (
    BACKWARD,
    FORWARD,
    entries_accept_matching,
    entry_appraise,
    entry_set,
    entry_set_survey_many,
    evidence_add,
    evidence_remove,
    round_publish,
    round_transition,
    roundunit_return,
    roundunit_submit,
)
from govindex.assessments.survey_table import SurveyTableError, read_survey_table
from govindex.errors import ApplicationError
from govindex.orgs.models import Unit
from govindex.scoring import Framework, Node
from govindex.scoring.framework import Source


def _language() -> str:
    return (get_language() or "vi").split("-")[0]


def _problem_text(error: ApplicationError | ValidationError) -> str:
    if isinstance(error, ApplicationError):
        return error.message
    return " ".join(error.messages)


def _form_errors(form: Any) -> str:
    """The form's messages as plain text (``str()`` of an error list is an HTML list)."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _visible_round(request: HttpRequest, round_id: int) -> Round:
    return get_object_or_404(permissions.visible_rounds(request.user), pk=round_id)


def _round_unit(round: Round, code: str) -> RoundUnit:
    return get_object_or_404(
        RoundUnit.objects.select_related("unit", "round", "submitted_by"),
        round=round,
        unit__code=code,
    )


# --- rounds ------------------------------------------------------------------------------------


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
            "language": _language(),
        },
    )


@login_required
@require_GET
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    """A round's units with the state of each submission; for appraisers, the moves of the round."""
    round = _visible_round(request, round_id)
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
            "framework_name": framework.name(_language()),
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
    round = _visible_round(request, round_id)
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


# --- self-assessment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionRow:
    """What the screens show of one criterion for one unit: the self-assessment screen uses
    ``done``, the appraisal screen ``status``."""

    node: Node
    path: list[str]
    entry: Entry | None
    files: list[Evidence]
    form: Any
    error: str = ""
    saved: bool = False

    @property
    def done(self) -> bool:
        return self.entry is not None and (
            self.entry.self_value is not None or self.entry.not_applicable
        )

    @property
    def status(self) -> str:
        entry = self.entry
        if self.node.source is Source.SURVEY:
            return "survey"
        if entry is None or not self.done:
            return "empty"
        if entry.not_applicable:
            return "not_applicable"
        if entry.appraised_value is None:
            return "pending"
        return "accepted" if entry.appraised_value == entry.self_value else "adjusted"


def _path_names(framework: Framework, node: Node, language: str) -> list[str]:
    ids = framework.path(node.id)[2:-1]  # below the area, above the leaf
    return [framework.node(node_id).name(language) for node_id in ids]


def _entries(round: Round, unit: Unit) -> dict[str, Entry]:
    entries = Entry.objects.filter(round=round, unit=unit).prefetch_related("files")
    return {entry.leaf_id: entry for entry in entries}


def _criterion_form(node: Node, entry: Entry | None) -> CriterionForm:
    initial = {}
    if entry is not None:
        initial = {
            "self_value": points_text(entry.self_value),
            "not_applicable": entry.not_applicable,
            "comment": entry.comment,
        }
    return CriterionForm(initial=initial, node=node, prefix=node.id)


def _leaves_for(framework: Framework, unit: Unit) -> list[Node]:
    applicable = framework.leaf_applicability(unit.kind)
    return [leaf for leaf, applies in zip(framework.leaves, applicable, strict=True) if applies]


def _self_assessment_context(request: HttpRequest, link: RoundUnit) -> dict[str, Any]:
    round, unit = link.round, link.unit
    framework = round_framework(round, check_version=False)
    language = _language()
    entries = _entries(round, unit)
    areas: list[tuple[Node, list[CriterionRow]]] = []
    area_of = {leaf.id: framework.path(leaf.id)[1] for leaf in framework.leaves}
    for leaf in _leaves_for(framework, unit):
        entry = entries.get(leaf.id)
        row = _row(link, leaf, entry=entry, form_for=_criterion_form)
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


def _unit_link_for_viewer(request: HttpRequest, round_id: int, code: str) -> RoundUnit:
    round = _visible_round(request, round_id)
    link = _round_unit(round, code)
    if not permissions.can_view_unit_entries(request.user, link.unit):
        raise PermissionDenied
    return link


@login_required
@require_GET
def self_assessment(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """The unit's self-assessment: every criterion with its guidance, points, comment and files."""
    link = _unit_link_for_viewer(request, round_id, code)
    return render(
        request, "assessments/self_assessment.html", _self_assessment_context(request, link)
    )


def _row(
    link: RoundUnit,
    node: Node,
    *,
    entry: Entry | None,
    form_for: Callable[[Node, Entry | None], Any],
    **overrides: Any,
) -> CriterionRow:
    framework = round_framework(link.round, check_version=False)
    values: dict[str, Any] = {
        "node": node,
        "path": _path_names(framework, node, _language()),
        "entry": entry,
        "files": list(entry.files.all()) if entry else [],
        "form": form_for(node, entry),
    }
    values.update(overrides)
    return CriterionRow(**values)


def _fresh_row(
    link: RoundUnit, node: Node, form_for: Callable[[Node, Entry | None], Any], **overrides: Any
) -> CriterionRow:
    """The row of one criterion as stored now (after a save)."""
    entry = (
        Entry.objects.filter(round=link.round, unit=link.unit, leaf_id=node.id)
        .prefetch_related("files")
        .first()
    )
    return _row(link, node, entry=entry, form_for=form_for, **overrides)


def _leaf(round: Round, unit: Unit, leaf_id: str) -> Node:
    framework = round_framework(round, check_version=False)
    if leaf_id not in framework.node_index or not framework.node(leaf_id).is_leaf:
        raise Http404
    node = framework.node(leaf_id)
    if node not in _leaves_for(framework, unit):
        raise Http404
    return node


#: The answer to a save: the criterion's status and the progress bar, nothing the clerk types in.
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
    if not _is_htmx(request):
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
    link = _unit_link_for_viewer(request, round_id, code)
    if not permissions.can_self_assess(request.user, link.unit):
        raise PermissionDenied
    node = _leaf(link.round, link.unit, leaf_id)
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
        errors = _form_errors(form)
        row = _fresh_row(link, node, _criterion_form, form=form, error=errors)
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
        row = _fresh_row(link, node, _criterion_form, form=form, error=_problem_text(error))
    else:
        row = _fresh_row(link, node, _criterion_form, saved=True)
    return _row_response(request, link, row, template=SAVED)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, round_id: int, code: str, leaf_id: str) -> HttpResponse:
    """Attach a file to a criterion."""
    link, node = _self_assessed_criterion(request, round_id, code, leaf_id)
    form = EvidenceForm(request.POST, request.FILES)
    error = ""
    if not form.is_valid():
        error = _form_errors(form)
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
    row = _fresh_row(link, node, _criterion_form, error=error, saved=not error)
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
    link = _round_unit(entry.round, entry.unit.code)
    node = _leaf(entry.round, entry.unit, entry.leaf_id)
    error = ""
    try:
        evidence_remove(evidence=evidence, actor=request.user)
    except ApplicationError as error_:
        error = error_.message
    return _row_response(request, link, _fresh_row(link, node, _criterion_form, error=error))


@login_required
@require_POST
def unit_submit(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """The unit leader submits the self-assessment."""
    link = _unit_link_for_viewer(request, round_id, code)
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
    link = _unit_link_for_viewer(request, round_id, code)
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


# --- appraisal ---------------------------------------------------------------------------------


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
        for leaf in _leaves_for(framework, unit)
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
    return _round_unit(_visible_round(request, round_id), code)


@login_required
@require_GET
def appraisal(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """Self-score, evidence and appraised score side by side, with what changed."""
    link = _appraisal_manager(request, round_id, code)
    round, unit = link.round, link.unit
    framework = round_framework(round, check_version=False)
    language = _language()
    entries = _entries(round, unit)
    rows = []
    for leaf in _appraised_leaves(framework, unit):
        entry = entries.get(leaf.id)
        rows.append(_row(link, leaf, entry=entry, form_for=_appraisal_form))
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
    node = _leaf(link.round, link.unit, leaf_id)
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
        error = _problem_text(problem)
    if not form.is_valid():
        error = _form_errors(form)
    saved = not error
    row = _fresh_row(
        link, node, _appraisal_form, error=error, saved=saved, **({} if saved else {"form": form})
    )
    if not _is_htmx(request):
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


@login_required
def survey_import(request: HttpRequest, round_id: int) -> HttpResponse:
    """Import survey points for many units from a CSV or XLSX file: all rows or none."""
    if not permissions.can_manage_round(request.user):
        raise PermissionDenied
    round = _visible_round(request, round_id)
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
            "language": _language(),
        },
    )

"""A unit's remediation plan ("5 rõ" tasks, progress, milestones, import and export) and the
city plan per lead department.

Every write is a plain form post answered with a redirect back to the plan (the page boosts its
forms with htmx, so they also work without JavaScript); a refused write comes back as a message,
nothing half-saved.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govindex.assessments.evidence import safe_display_name
from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import Round, RoundState, RoundUnit
from govindex.assessments.permissions import visible_rounds
from govindex.assessments.views.criterion_pages import (
    form_errors,
    leaves_for,
    round_unit_of,
    visible_round,
)
from govindex.errors import ApplicationError
from govindex.improvement import permissions
from govindex.improvement.forms import (
    LeadForm,
    MilestoneForm,
    PlanImportForm,
    ProgressForm,
    StatusForm,
    TaskForm,
    plan_people,
)
from govindex.improvement.models import Milestone, Task, TaskStatus
from govindex.improvement.plan_table import (
    CONTENT_TYPES,
    FORMATS,
    PlanTableError,
    plan_export,
    plan_filename,
)
from govindex.improvement.selectors import (
    city_plan as city_plan_of,
)
from govindex.improvement.selectors import (
    criterion_leads,
    findings_by_leaf,
    lead_departments,
    unit_plan,
)
from govindex.improvement.services import (
    PROGRESS_STATUSES,
    TRANSITIONS,
    criterion_lead_assign,
    milestone_add,
    milestone_complete,
    plan_import,
    require_plans_open,
    task_approve,
    task_create,
    task_set_progress,
    task_set_status,
    task_update,
)
from govindex.languages import active_language
from govindex.orgs.models import Unit
from govindex.scoring import Framework, Node

# --- shared by the plan screens ----------------------------------------------------------------


def plan_link(request: HttpRequest, round_id: int, code: str) -> RoundUnit:
    """The round and unit a plan URL names, if the person may see the unit's plan: 404 when the
    round is not theirs to see at all, 403 when only the plan is not."""
    round = get_object_or_404(Round, pk=round_id)
    link = round_unit_of(round, code)
    user = request.user
    if round.state != RoundState.DRAFT and permissions.can_view_plan(user, link.unit, round):
        return link
    if not visible_rounds(user).filter(pk=round.pk).exists():
        raise Http404
    raise PermissionDenied


def criterion_choices(framework: Framework, unit: Unit, language: str) -> list[tuple[str, str]]:
    """The criteria that apply to the unit, as ``(leaf id, "id · name")`` choices."""
    return [(leaf.id, f"{leaf.id} · {leaf.name(language)}") for leaf in leaves_for(framework, unit)]


def plan_url(link: RoundUnit, anchor: str = "") -> str:
    url = reverse("improvement:plan", args=[link.round_id, link.unit.code])
    return f"{url}#{anchor}" if anchor else url


def _task_of(link: RoundUnit, task_id: int) -> Task:
    return get_object_or_404(
        Task.objects.select_related("round", "unit", "person", "accountable_unit"),
        round=link.round,
        unit=link.unit,
        pk=task_id,
    )


def _task_form(
    link: RoundUnit,
    framework: Framework,
    data: Any = None,
    *,
    tasks: list[Task] | None = None,
    exclude: Task | None = None,
    **kwargs: Any,
) -> TaskForm:
    """The task form; ``tasks`` (the plan's, if already read) are the choices of a parent."""
    if tasks is None:
        tasks = list(Task.objects.filter(round=link.round, unit=link.unit).order_by("pk"))
    return TaskForm(
        data,
        units=Unit.objects.order_by("kind", "code"),
        people=plan_people([link.unit], keep=exclude.person if exclude else None),
        parents=[task for task in tasks if exclude is None or task.pk != exclude.pk],
        criteria=criterion_choices(framework, link.unit, active_language()),
        **kwargs,
    )


def _task_values(form: TaskForm, link: RoundUnit) -> dict[str, Any]:
    data = form.cleaned_data
    parent = None
    if data.get("parent"):
        parent = Task.objects.filter(round=link.round, unit=link.unit, pk=data["parent"]).first()
    return {
        "statement": data["statement"],
        "person": data["person"],
        "person_name": data["person_name"],
        "deadline": data["deadline"],
        "accountable_unit": data["accountable_unit"],
        "expected_output": data["expected_output"],
        "measure": data["measure"],
        "weight": data["weight"],
        "parent": parent,
        "leaf_ids": data["criteria"],
    }


# --- the unit's plan ---------------------------------------------------------------------------


def _plan_context(
    request: HttpRequest,
    link: RoundUnit,
    *,
    task_form: TaskForm | None = None,
    import_problems: list[str] | None = None,
) -> dict[str, Any]:
    round, unit = link.round, link.unit
    user = request.user
    framework = round_framework(round, check_version=False)
    language = active_language()
    can_edit = permissions.can_edit_plan(user, unit)
    can_approve = permissions.can_approve_tasks(user, unit)
    plan = unit_plan(round, unit)
    editable_round = True
    try:
        require_plans_open(round)
    except ApplicationError:
        editable_round = False
    if task_form is None and can_edit:
        criterion = request.GET.get("criterion", "")
        initial = {"accountable_unit": unit.pk}
        if criterion:
            initial["criteria"] = [criterion]
        task_form = _task_form(
            link, framework, tasks=[node.task for node in plan.nodes], initial=initial
        )
    reporting = {
        node.task.pk
        for node in plan.nodes
        if permissions.can_report_progress(user, node.task) and not node.is_cancelled
    }
    names = {leaf.id: leaf.name(language) for leaf in framework.leaves}
    findings = findings_by_leaf(round, unit)
    return {
        "round": round,
        "unit": unit,
        "plan": plan,
        "framework_name": framework.name(language),
        "criterion_names": names,
        "findings": [
            (leaf_id, names.get(leaf_id, leaf_id), f) for leaf_id, f in sorted(findings.items())
        ],
        "can_edit": can_edit and editable_round,
        "can_approve": can_approve and editable_round,
        "can_report": editable_round,
        "progress_statuses": sorted(PROGRESS_STATUSES),
        "reporting": reporting,
        "task_form": task_form,
        "import_form": PlanImportForm(),
        "import_problems": import_problems or [],
        "progress_form": ProgressForm(),
        "milestone_form": MilestoneForm(),
        "transitions": {
            status: [(target, TaskStatus(target).label) for target in sorted(targets)]
            for status, targets in TRANSITIONS.items()
        },
        "sees_city_plan": permissions.can_view_city_plan(user),
    }


@login_required
@require_GET
def plan(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """The unit's plan: its tasks as a tree with progress, overdue and "5 rõ" badges."""
    link = plan_link(request, round_id, code)
    return render(request, "improvement/plan.html", _plan_context(request, link))


@login_required
@require_POST
def task_add(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    link = plan_link(request, round_id, code)
    if not permissions.can_edit_plan(request.user, link.unit):
        raise PermissionDenied
    framework = round_framework(link.round, check_version=False)
    form = _task_form(link, framework, request.POST)
    if form.is_valid():
        try:
            task = task_create(
                round=link.round, unit=link.unit, actor=request.user, **_task_values(form, link)
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Task %(ref)s added as a draft.") % {"ref": task.ref})
            return redirect(plan_url(link, f"task-{task.pk}"))
    context = _plan_context(request, link, task_form=form)
    return render(request, "improvement/plan.html", context, status=400)


@login_required
def task_edit(request: HttpRequest, round_id: int, code: str, task_id: int) -> HttpResponse:
    """Change what a task says (its "5 rõ", criteria, parent, weight)."""
    link = plan_link(request, round_id, code)
    if not permissions.can_edit_plan(request.user, link.unit):
        raise PermissionDenied
    task = _task_of(link, task_id)
    framework = round_framework(link.round, check_version=False)
    if request.method == "POST":
        form = _task_form(link, framework, request.POST, exclude=task)
        if form.is_valid():
            try:
                task_update(task=task, actor=request.user, **_task_values(form, link))
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Task %(ref)s saved.") % {"ref": task.ref})
                return redirect(plan_url(link, f"task-{task.pk}"))
    else:
        form = _task_form(
            link,
            framework,
            exclude=task,
            initial={
                "statement": task.statement,
                "person": task.person_id,
                "person_name": task.person_name,
                "deadline": task.deadline,
                "accountable_unit": task.accountable_unit_id,
                "expected_output": task.expected_output,
                "measure": task.measure,
                "weight": task.weight,
                "parent": task.parent_id,
                "criteria": list(task.criteria.values_list("leaf_id", flat=True)),
            },
        )
    return render(
        request,
        "improvement/plan_task_edit.html",
        {"round": link.round, "unit": link.unit, "task": task, "form": form},
        status=400 if form.errors else 200,
    )


def _write(
    request: HttpRequest, link: RoundUnit, task: Task, action: Any, done: str
) -> HttpResponse:
    try:
        action()
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(plan_url(link, f"task-{task.pk}"))


@login_required
@require_POST
def task_approve_view(request: HttpRequest, round_id: int, code: str, task_id: int) -> HttpResponse:
    link = plan_link(request, round_id, code)
    if not permissions.can_approve_tasks(request.user, link.unit):
        raise PermissionDenied
    task = _task_of(link, task_id)
    return _write(
        request,
        link,
        task,
        lambda: task_approve(task=task, actor=request.user),
        _("Task %(ref)s approved.") % {"ref": task.ref},
    )


@login_required
@require_POST
def task_progress(request: HttpRequest, round_id: int, code: str, task_id: int) -> HttpResponse:
    link = plan_link(request, round_id, code)
    task = _task_of(link, task_id)
    if not permissions.can_report_progress(request.user, task):
        raise PermissionDenied
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(plan_url(link, f"task-{task.pk}"))
    progress = form.cleaned_data["progress"]
    return _write(
        request,
        link,
        task,
        lambda: task_set_progress(task=task, progress=progress, actor=request.user),
        _("Progress of %(ref)s recorded.") % {"ref": task.ref},
    )


@login_required
@require_POST
def task_status(request: HttpRequest, round_id: int, code: str, task_id: int) -> HttpResponse:
    """Start, finish, cancel, reopen or restore a task. Finishing and starting are progress
    reports; cancelling and restoring change the plan itself."""
    link = plan_link(request, round_id, code)
    task = _task_of(link, task_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(plan_url(link, f"task-{task.pk}"))
    to = form.cleaned_data["to"]
    if to in (TaskStatus.CANCELLED, TaskStatus.DRAFT):
        allowed = permissions.can_edit_plan(request.user, link.unit)
    else:
        allowed = permissions.can_report_progress(request.user, task)
    if not allowed:
        raise PermissionDenied
    return _write(
        request,
        link,
        task,
        lambda: task_set_status(
            task=task, to=to, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("Task %(ref)s is now %(status)s.") % {"ref": task.ref, "status": TaskStatus(to).label},
    )


@login_required
@require_POST
def milestone_add_view(
    request: HttpRequest, round_id: int, code: str, task_id: int
) -> HttpResponse:
    link = plan_link(request, round_id, code)
    task = _task_of(link, task_id)
    if not permissions.can_report_progress(request.user, task):
        raise PermissionDenied
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(plan_url(link, f"task-{task.pk}"))
    data = form.cleaned_data
    return _write(
        request,
        link,
        task,
        lambda: milestone_add(
            task=task,
            title=data["title"],
            due=data["due"],
            weight=data["weight"],
            actor=request.user,
        ),
        _("Milestone added to %(ref)s.") % {"ref": task.ref},
    )


@login_required
@require_POST
def milestone_done(
    request: HttpRequest, round_id: int, code: str, milestone_id: int
) -> HttpResponse:
    link = plan_link(request, round_id, code)
    milestone = get_object_or_404(
        Milestone.objects.select_related("task"),
        pk=milestone_id,
        task__round=link.round,
        task__unit=link.unit,
    )
    if not permissions.can_report_progress(request.user, milestone.task):
        raise PermissionDenied
    return _write(
        request,
        link,
        milestone.task,
        lambda: milestone_complete(milestone=milestone, actor=request.user),
        _("Milestone “%(title)s” done.") % {"title": milestone.title},
    )


@login_required
@require_GET
def plan_download(request: HttpRequest, round_id: int, code: str, fmt: str) -> HttpResponse:
    """The plan file (CSV or XLSX, the same columns; see docs/improvement.md)."""
    if fmt not in FORMATS:
        raise Http404
    link = plan_link(request, round_id, code)
    response = HttpResponse(
        plan_export(link.round, link.unit, fmt), content_type=CONTENT_TYPES[fmt]
    )
    name = plan_filename(link.round, link.unit, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def plan_upload(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """Import a plan file: every row or none; each problem named by row and column."""
    link = plan_link(request, round_id, code)
    if not permissions.can_edit_plan(request.user, link.unit):
        raise PermissionDenied
    form = PlanImportForm(request.POST, request.FILES)
    problems: list[str] = []
    if not form.is_valid():
        problems.append(form_errors(form))
    else:
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / safe_display_name(upload.name or "plan.csv")
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                result = plan_import(
                    round=link.round,
                    unit=link.unit,
                    path=path,
                    actor=request.user,
                    allow_approval=permissions.can_approve_tasks(request.user, link.unit),
                )
            except PlanTableError as error:
                problems.extend(error.problems)
            except ApplicationError as error:
                problems.append(error.message)
    if problems:
        context = _plan_context(request, link, import_problems=problems)
        return render(request, "improvement/plan.html", context, status=400)
    messages.success(
        request,
        _("Plan imported: %(created)d tasks added, %(updated)d changed, %(unchanged)d unchanged.")
        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    return redirect(plan_url(link))


# --- the city plan -----------------------------------------------------------------------------


def _city_context(request: HttpRequest, round: Round, lead_form: LeadForm | None) -> dict[str, Any]:
    framework = round_framework(round, check_version=False)
    language = active_language()
    names = {leaf.id: leaf.name(language) for leaf in framework.leaves}
    can_assign = permissions.can_assign_leads(request.user)
    if lead_form is None and can_assign:
        lead_form = _lead_form(framework, language)
    return {
        "round": round,
        "framework_name": framework.name(language),
        "departments": city_plan_of(round),
        "leads": sorted(criterion_leads(round).values(), key=lambda lead: lead.leaf_id),
        "criterion_names": names,
        "can_assign": can_assign,
        "lead_form": lead_form,
    }


def _lead_form(framework: Framework, language: str, data: Any = None) -> LeadForm:
    leaves: list[Node] = list(framework.leaves)
    return LeadForm(
        data,
        criteria=[(leaf.id, f"{leaf.id} · {leaf.name(language)}") for leaf in leaves],
        departments=lead_departments(),
    )


@login_required
@require_GET
def city_plan(request: HttpRequest, round_id: int) -> HttpResponse:
    """Per lead department: the criteria it leads and the units' tasks serving them."""
    if not permissions.can_view_city_plan(request.user):
        raise PermissionDenied
    round = visible_round(request, round_id)
    return render(request, "improvement/city_plan.html", _city_context(request, round, None))


@login_required
@require_GET
def city_plan_latest(request: HttpRequest) -> HttpResponse:
    """The city plan of the newest round that has one (criterion leads), else of the newest round
    past its draft (the navigation's link)."""
    if not permissions.can_view_city_plan(request.user):
        raise PermissionDenied
    rounds = visible_rounds(request.user).exclude(state=RoundState.DRAFT).order_by("-year", "-pk")
    round = rounds.filter(criterion_leads__isnull=False).first() or rounds.first()
    if round is None:
        raise Http404
    return redirect("improvement:city_plan", round_id=round.pk)


@login_required
@require_POST
def lead_assign(request: HttpRequest, round_id: int) -> HttpResponse:
    """The city makes a department lead for a criterion."""
    if not permissions.can_assign_leads(request.user):
        raise PermissionDenied
    round = visible_round(request, round_id)
    framework = round_framework(round, check_version=False)
    form = _lead_form(framework, active_language(), request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            criterion_lead_assign(
                round=round,
                leaf_id=data["leaf_id"],
                lead_unit=data["lead_unit"],
                note=data["note"],
                actor=request.user,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(unit)s now leads criterion %(leaf)s.")
                % {"unit": data["lead_unit"].name_in(active_language()), "leaf": data["leaf_id"]},
            )
            return redirect("improvement:city_plan", round_id=round.pk)
    context = _city_context(request, round, form)
    return render(request, "improvement/city_plan.html", context, status=400)

"""The "5 rõ" tasks of a unit's plan: creation, edits, approval, progress, status and
milestones."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govindex.assessments.models import Round
from govindex.audit.services import Actor, audit_record
from govindex.errors import ApplicationError
from govindex.improvement.five_clear import five_clear_labels, five_clear_missing
from govindex.improvement.models import Milestone, Task, TaskCriterion, TaskStatus
from govindex.improvement.services.checks import (
    clean_or_refuse,
    require_leaves,
    require_plans_open,
    require_round_unit,
    user_label,
)
from govindex.orgs.models import Unit

TRANSITIONS: dict[str, frozenset[str]] = {
    TaskStatus.DRAFT: frozenset({TaskStatus.CANCELLED}),
    TaskStatus.APPROVED: frozenset({TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED}),
    TaskStatus.IN_PROGRESS: frozenset({TaskStatus.DONE, TaskStatus.CANCELLED}),
    TaskStatus.DONE: frozenset({TaskStatus.IN_PROGRESS}),
    TaskStatus.CANCELLED: frozenset({TaskStatus.DRAFT}),
}

#: Statuses in which a task has been approved: its "5 rõ" must stay complete.
APPROVED_STATUSES = frozenset({TaskStatus.APPROVED, TaskStatus.IN_PROGRESS, TaskStatus.DONE})

#: What separates list items and the parts of a milestone in the plan file (``plan_table``).
LIST_SEPARATOR = ";"
MILESTONE_SEPARATOR = "|"

#: Statuses in which a task's progress and milestones may be recorded.
PROGRESS_STATUSES = frozenset({TaskStatus.DRAFT, TaskStatus.APPROVED, TaskStatus.IN_PROGRESS})


def task_state(task: Task, leaf_ids: Iterable[str] | None = None) -> dict[str, Any]:
    """What the audit trail keeps of a task."""
    state = {
        "ref": task.ref,
        "parent": task.parent.ref if task.parent_id else None,
        "statement": task.statement,
        "person": user_label(task.person),
        "person_name": task.person_name,
        "deadline": task.deadline,
        "accountable_unit": task.accountable_unit.code if task.accountable_unit_id else None,
        "expected_output": task.expected_output,
        "measure": task.measure,
        "weight": task.weight,
        "progress": task.progress,
        "status": task.status,
    }
    if leaf_ids is not None:
        state["criteria"] = sorted(leaf_ids)
    return state


def next_ref(round: Round, unit: Unit) -> str:
    """The next free ``T<n>`` key of the plan (three digits at least: T001, T002 …)."""
    refs = Task.objects.filter(round=round, unit=unit, ref__regex=r"^T[0-9]+$").values_list(
        "ref", flat=True
    )
    highest = max((int(ref[1:]) for ref in refs), default=0)
    return f"T{highest + 1:03d}"


def _require_parent(task: Task, parent: Task | None) -> None:
    if parent is None:
        return
    if parent.round_id != task.round_id or parent.unit_id != task.unit_id:
        raise ApplicationError(
            _("A task's parent must belong to the same plan."), code="parent_other_plan"
        )
    ancestor: Task | None = parent
    seen = set()
    while ancestor is not None and ancestor.pk not in seen:
        if task.pk is not None and ancestor.pk == task.pk:
            raise ApplicationError(
                _("Task %(ref)s cannot be placed under its own sub-task %(parent)s.")
                % {"ref": task.ref, "parent": parent.ref},
                code="parent_cycle",
            )
        seen.add(ancestor.pk)
        ancestor = ancestor.parent


def _require_five_clear(task: Task, *, doing: str) -> None:
    missing = five_clear_missing(task)
    if missing:
        raise ApplicationError(
            _("Task %(ref)s cannot %(doing)s: the “5 rõ” lack %(missing)s.")
            % {"ref": task.ref, "doing": doing, "missing": ", ".join(five_clear_labels(missing))},
            code="five_clear_missing",
        )


def set_criteria(task: Task, leaf_ids: Iterable[str]) -> None:
    wanted = set(leaf_ids)
    current = set(task.criteria.values_list("leaf_id", flat=True))
    if wanted == current:
        return
    task.criteria.filter(leaf_id__in=current - wanted).delete()
    TaskCriterion.objects.bulk_create(
        [TaskCriterion(task=task, leaf_id=leaf_id) for leaf_id in sorted(wanted - current)]
    )


@transaction.atomic
def task_create(
    *,
    round: Round,
    unit: Unit,
    actor: Actor,
    statement: str = "",
    person: AbstractBaseUser | None = None,
    person_name: str = "",
    deadline: date | None = None,
    accountable_unit: Unit | None = None,
    expected_output: str = "",
    measure: str = "",
    weight: float = 1.0,
    progress: float = 0.0,
    parent: Task | None = None,
    leaf_ids: Iterable[str] = (),
    ref: str = "",
) -> Task:
    """Add a draft task to ``unit``'s plan for ``round``. A draft may lack some of its "5 rõ";
    it is flagged non-compliant and cannot be approved until they are all there."""
    require_plans_open(round)
    require_round_unit(round, unit)
    leaf_ids = list(dict.fromkeys(leaf_ids))
    require_leaves(round, leaf_ids)
    ref = ref.strip() or next_ref(round, unit)
    if Task.objects.filter(round=round, unit=unit, ref=ref).exists():
        raise ApplicationError(
            _("The plan already has a task %(ref)s.") % {"ref": ref}, code="duplicate_ref"
        )
    user = actor if isinstance(actor, AbstractBaseUser) else None
    task = Task(
        round=round,
        unit=unit,
        ref=ref,
        parent=parent,
        statement=statement.strip(),
        person=person,
        person_name="" if person else person_name.strip(),
        deadline=deadline,
        accountable_unit=accountable_unit,
        expected_output=expected_output.strip(),
        measure=measure.strip(),
        weight=weight,
        progress=progress,
        status=TaskStatus.DRAFT,
        created_by=user,
        updated_by=user,
    )
    _require_parent(task, parent)
    clean_or_refuse(task)
    task.save()
    set_criteria(task, leaf_ids)
    audit_record(
        actor=actor,
        action="task.create",
        target=task,
        after={"round": round.pk, "unit": unit.code, **task_state(task, leaf_ids)},
    )
    return task


def _locked(task: Task) -> Task:
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("round", "unit", "parent", "person", "accountable_unit")
        .get(pk=task.pk)
    )


@transaction.atomic
def task_update(
    *,
    task: Task,
    actor: Actor,
    statement: str,
    person: AbstractBaseUser | None,
    person_name: str,
    deadline: date | None,
    accountable_unit: Unit | None,
    expected_output: str,
    measure: str,
    weight: float,
    parent: Task | None,
    leaf_ids: Iterable[str],
) -> Task:
    """Change what a task says. An approved (or started, or done) task must keep all its
    "5 rõ"; a change that would remove one is refused."""
    task = _locked(task)
    require_plans_open(task.round)
    leaf_ids = list(dict.fromkeys(leaf_ids))
    require_leaves(task.round, leaf_ids)
    before = task_state(task, task.criteria.values_list("leaf_id", flat=True))
    task.statement = statement.strip()
    task.person = person
    task.person_name = "" if person else person_name.strip()
    task.deadline = deadline
    task.accountable_unit = accountable_unit
    task.expected_output = expected_output.strip()
    task.measure = measure.strip()
    task.weight = weight
    _require_parent(task, parent)
    task.parent = parent
    if task.status in APPROVED_STATUSES:
        _require_five_clear(task, doing=_("stay approved"))
    after = task_state(task, leaf_ids)
    if after == before:
        return task
    task.updated_by = actor if isinstance(actor, AbstractBaseUser) else None
    task.updated_at = timezone.now()
    clean_or_refuse(task)
    task.save()
    set_criteria(task, leaf_ids)
    changed = {key: value for key, value in after.items() if before[key] != value}
    audit_record(
        actor=actor,
        action="task.update",
        target=task,
        before={key: before[key] for key in changed},
        after=changed,
    )
    return task


@transaction.atomic
def task_approve(*, task: Task, actor: Actor) -> Task:
    """Approve a draft task. Refused, naming each missing element, unless the task has all its
    "5 rõ": a person, a statement, a deadline, an accountable unit, an expected output and its
    measure."""
    task = _locked(task)
    require_plans_open(task.round)
    if task.status != TaskStatus.DRAFT:
        raise ApplicationError(
            _("Task %(ref)s is %(status)s; only a draft is approved.")
            % {"ref": task.ref, "status": TaskStatus(task.status).label},
            code="task_state",
            status=409,
        )
    _require_five_clear(task, doing=_("be approved"))
    before = task_state(task)
    task.status = TaskStatus.APPROVED
    task.approved_by = actor if isinstance(actor, AbstractBaseUser) else None
    task.approved_at = timezone.now()
    task.updated_by = task.approved_by
    task.updated_at = task.approved_at
    clean_or_refuse(task)
    task.save()
    audit_record(
        actor=actor,
        action="task.approve",
        target=task,
        before={"status": before["status"]},
        after={"status": task.status},
    )
    return task


def _has_derived_progress(task: Task) -> bool:
    return task.milestones.exists() or task.children.exclude(status=TaskStatus.CANCELLED).exists()


@transaction.atomic
def task_set_progress(*, task: Task, progress: float, actor: Actor) -> Task:
    """Record the progress (0–100 %) of a task that has neither sub-tasks nor milestones
    (theirs is rolled up from them). A draft may report progress (work may start while the plan
    is being approved); progress on an approved task starts it. A done or cancelled task takes
    no more progress."""
    task = _locked(task)
    require_plans_open(task.round)
    if task.status not in PROGRESS_STATUSES:
        raise ApplicationError(
            _("Task %(ref)s is %(status)s; it takes no more progress.")
            % {"ref": task.ref, "status": TaskStatus(task.status).label},
            code="task_state",
            status=409,
        )
    if _has_derived_progress(task):
        raise ApplicationError(
            _("Task %(ref)s has sub-tasks or milestones; its progress is rolled up from them.")
            % {"ref": task.ref},
            code="progress_derived",
        )
    if not 0 <= progress <= 100:
        raise ApplicationError(
            _("Progress is a percentage between 0 and 100, got %(value)s.") % {"value": progress},
            code="progress_out_of_range",
        )
    before = {"progress": task.progress, "status": task.status}
    task.progress = float(progress)
    if task.status == TaskStatus.APPROVED and task.progress > 0:
        task.status = TaskStatus.IN_PROGRESS
    after = {"progress": task.progress, "status": task.status}
    if after == before:
        return task
    task.updated_by = actor if isinstance(actor, AbstractBaseUser) else None
    task.updated_at = timezone.now()
    clean_or_refuse(task)
    task.save()
    audit_record(actor=actor, action="task.progress", target=task, before=before, after=after)
    return task


@transaction.atomic
def task_set_status(*, task: Task, to: str, actor: Actor, reason: str = "") -> Task:
    """Move a task along ``TRANSITIONS`` (approval goes through ``task_approve``)."""
    task = _locked(task)
    require_plans_open(task.round)
    allowed = TRANSITIONS[task.status]
    if to not in allowed:
        targets = ", ".join(str(TaskStatus(state).label) for state in sorted(allowed)) or "-"
        raise ApplicationError(
            _(
                "Task %(ref)s cannot go from %(from)s to %(to)s; from %(from)s it can go to: %(targets)s."
            )
            % {
                "ref": task.ref,
                "from": TaskStatus(task.status).label,
                "to": TaskStatus(to).label if to in TaskStatus.values else to,
                "targets": targets,
            },
            code="task_transition",
            status=409,
        )
    if to in APPROVED_STATUSES:
        _require_five_clear(task, doing=_("stay approved"))
    before = {"status": task.status}
    task.status = to
    task.updated_by = actor if isinstance(actor, AbstractBaseUser) else None
    task.updated_at = timezone.now()
    clean_or_refuse(task)
    task.save()
    audit_record(
        actor=actor,
        action="task.status",
        target=task,
        before=before,
        after={"status": to},
        reason=reason,
    )
    return task


# --- milestones ------------------------------------------------------------------------------


@transaction.atomic
def milestone_add(
    *, task: Task, title: str, due: date, actor: Actor, weight: float = 1.0
) -> Milestone:
    """Add a dated step to a task; once a task has milestones its progress is the weighted share
    of them done."""
    task = _locked(task)
    require_plans_open(task.round)
    if task.status == TaskStatus.CANCELLED:
        raise ApplicationError(
            _("Task %(ref)s is cancelled.") % {"ref": task.ref}, code="task_state", status=409
        )
    title = title.strip()
    if LIST_SEPARATOR in title or MILESTONE_SEPARATOR in title:
        raise ApplicationError(
            _(
                "A milestone title cannot hold “%(a)s” or “%(b)s” (they separate milestones in the plan file)."
            )
            % {"a": LIST_SEPARATOR, "b": MILESTONE_SEPARATOR},
            code="milestone_title",
        )
    if task.milestones.filter(title=title).exists():
        raise ApplicationError(
            _("Task %(ref)s already has a milestone %(title)r.")
            % {"ref": task.ref, "title": title},
            code="duplicate_milestone",
        )
    milestone = Milestone(task=task, title=title, due=due, weight=weight)
    clean_or_refuse(milestone)
    milestone.save()
    audit_record(
        actor=actor,
        action="milestone.add",
        target=milestone,
        after={"task": task.ref, "title": title, "due": due, "weight": weight},
    )
    return milestone


@transaction.atomic
def milestone_complete(
    *, milestone: Milestone, actor: Actor, done_on: date | None = None
) -> Milestone:
    """Mark a milestone done (on ``done_on``, by default today in the city)."""
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("task__round")
        .get(pk=milestone.pk)
    )
    require_plans_open(milestone.task.round)
    if milestone.task.status not in PROGRESS_STATUSES:
        raise ApplicationError(
            _("Task %(ref)s is %(status)s; it takes no more progress.")
            % {"ref": milestone.task.ref, "status": TaskStatus(milestone.task.status).label},
            code="task_state",
            status=409,
        )
    if milestone.done_on is not None:
        return milestone
    milestone.done_on = done_on or timezone.localdate()
    clean_or_refuse(milestone)
    milestone.save()
    task = milestone.task
    before: dict[str, Any] = {"done_on": None, "task_status": task.status}
    if task.status == TaskStatus.APPROVED:
        task.status = TaskStatus.IN_PROGRESS
        task.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="milestone.complete",
        target=milestone,
        before=before,
        after={
            "task": task.ref,
            "title": milestone.title,
            "done_on": milestone.done_on,
            "task_status": task.status,
        },
    )
    return milestone

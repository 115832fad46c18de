"""Reads of findings, criterion leads and plans: the per-criterion view the diagnosis page shows,
a unit's plan as a rolled-up task tree, and the city plan per lead department."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from govindex.assessments.models import Round
from govindex.improvement.five_clear import five_clear_missing
from govindex.improvement.models import (
    CriterionLead,
    Finding,
    Milestone,
    RootCause,
    Task,
    TaskCriterion,
    TaskStatus,
)
from govindex.orgs.models import Unit, UnitKind

#: Statuses that count as approved (the task passed its "5 rõ" check and was approved).
APPROVED_STATUSES = frozenset({TaskStatus.APPROVED, TaskStatus.IN_PROGRESS, TaskStatus.DONE})
#: Statuses of a task that is finished, one way or another, so never overdue.
CLOSED_STATUSES = frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})


def city_today() -> date:
    """Today in the city (``Asia/Ho_Chi_Minh``, the project's ``TIME_ZONE``)."""
    return timezone.localdate()


def is_overdue(task: Task, today: date) -> bool:
    """The deadline has passed (the deadline day itself still counts) and the task is not done."""
    return (
        task.deadline is not None and task.deadline < today and task.status not in CLOSED_STATUSES
    )


# --- per criterion (the diagnosis page) ------------------------------------------------------


def findings_by_leaf(round: Round, unit: Unit) -> dict[str, Finding]:
    """The unit's recorded causes in the round, by leaf id (one query)."""
    findings = Finding.objects.filter(round=round, unit=unit).select_related(
        "root_cause", "responsible_unit", "responsible_person"
    )
    return {finding.leaf_id: finding for finding in findings}


def tasks_by_leaf(round: Round, unit: Unit) -> dict[str, list[Task]]:
    """The unit's tasks in the round by the leaf ids they serve, in plan order (two queries).
    Each task carries ``overdue`` (bool) and ``five_clear_missing`` (list of element keys)."""
    today = city_today()
    tasks = Task.objects.filter(round=round, unit=unit).prefetch_related("criteria").order_by("pk")
    by_leaf: dict[str, list[Task]] = defaultdict(list)
    for task in tasks:
        task.overdue = is_overdue(task, today)  # type: ignore[attr-defined]
        task.five_clear_missing = five_clear_missing(task)  # type: ignore[attr-defined]
        for link in task.criteria.all():
            by_leaf[link.leaf_id].append(task)
    return dict(by_leaf)


def active_root_causes() -> QuerySet[RootCause]:
    return RootCause.objects.filter(active=True).order_by("order", "code")


def criterion_leads(round: Round) -> dict[str, CriterionLead]:
    """The round's criterion leads by leaf id (one query)."""
    leads = CriterionLead.objects.filter(round=round).select_related("lead_unit")
    return {lead.leaf_id: lead for lead in leads}


def lead_departments(today: date | None = None) -> QuerySet[Unit]:
    """Units the city may make lead for a criterion: departments that still exist."""
    today = today or city_today()
    return (
        Unit.objects.filter(kind=UnitKind.DEPARTMENT)
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=today))
        .order_by("code")
    )


# --- a unit's plan ----------------------------------------------------------------------------


@dataclass
class TaskNode:
    """A task in its plan's tree with what is derived from it.

    ``progress`` is ``None`` for a cancelled task (left out of every roll-up); otherwise 100 for
    a done task, the weighted mean of its (not cancelled) sub-tasks, else the weighted share of
    its milestones done, else its own progress.
    """

    task: Task
    depth: int
    children: list[TaskNode] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    leaf_ids: list[str] = field(default_factory=list)
    progress: float | None = None
    overdue: bool = False
    five_clear_missing: list[str] = field(default_factory=list)
    parent: TaskNode | None = field(default=None, repr=False, compare=False)

    @property
    def is_compliant(self) -> bool:
        return not self.five_clear_missing

    @property
    def is_cancelled(self) -> bool:
        return self.task.status == TaskStatus.CANCELLED

    @property
    def progress_is_derived(self) -> bool:
        """Whether the progress comes from sub-tasks or milestones, not from the task itself."""
        return bool(self.milestones) or any(not child.is_cancelled for child in self.children)


@dataclass(frozen=True)
class UnitPlan:
    round: Round
    unit: Unit
    roots: list[TaskNode]
    #: Every node, parents before their children (the order the page lists them).
    nodes: list[TaskNode]
    tasks: int
    approved: int
    overdue: int
    non_compliant: int
    #: Weighted mean of the top-level tasks; ``None`` when the plan has no task to count.
    progress: float | None
    today: date


def weighted_mean(pairs: Iterable[tuple[float, float | None]]) -> float | None:
    """Mean of the values weighted by the weights, values of ``None`` left out; ``None`` if
    nothing is left."""
    total = weight_sum = 0.0
    for weight, value in pairs:
        if value is None:
            continue
        total += weight * value
        weight_sum += weight
    return total / weight_sum if weight_sum else None


def _roll_up(node: TaskNode) -> float | None:
    for child in node.children:
        _roll_up(child)
    task = node.task
    if task.status == TaskStatus.CANCELLED:
        node.progress = None
    elif task.status == TaskStatus.DONE:
        node.progress = 100.0
    elif any(child.progress is not None for child in node.children):
        node.progress = weighted_mean(
            (child.task.weight, child.progress) for child in node.children
        )
    elif node.milestones:
        node.progress = weighted_mean(
            (milestone.weight, 100.0 if milestone.is_done else 0.0) for milestone in node.milestones
        )
    else:
        node.progress = float(task.progress)
    return node.progress


def plan_tasks(round: Round, unit: Unit | None = None) -> QuerySet[Task]:
    """The tasks of a round (or of one unit's plan in it) with what a plan shows (three queries
    when evaluated: tasks, their milestones, their criteria)."""
    tasks = Task.objects.filter(round=round)
    if unit is not None:
        tasks = tasks.filter(unit=unit)
    return (
        tasks.select_related("person", "accountable_unit", "approved_by")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due", "title", "pk")),
            Prefetch("criteria", queryset=TaskCriterion.objects.order_by("leaf_id")),
        )
        .order_by("pk")
    )


def build_trees(tasks: Iterable[Task], today: date) -> list[TaskNode]:
    """The roots of the forest the tasks form, rolled up. A task whose parent is not among
    ``tasks`` is a root."""
    nodes: dict[int, TaskNode] = {}
    for task in tasks:
        nodes[task.pk] = TaskNode(
            task=task,
            depth=0,
            milestones=list(task.milestones.all()),
            leaf_ids=[link.leaf_id for link in task.criteria.all()],
            overdue=is_overdue(task, today),
            five_clear_missing=five_clear_missing(task),
        )
    roots: list[TaskNode] = []
    for node in nodes.values():
        parent = nodes.get(node.task.parent_id) if node.task.parent_id is not None else None
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
            node.parent = parent
    for root in roots:
        _set_depth(root, 0)
        _roll_up(root)
    return roots


def _set_depth(node: TaskNode, depth: int) -> None:
    node.depth = depth
    for child in node.children:
        _set_depth(child, depth + 1)


def flatten(roots: Iterable[TaskNode]) -> list[TaskNode]:
    """Every node of the forest, each parent before its children."""
    ordered: list[TaskNode] = []
    stack = list(reversed(list(roots)))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(node.children))
    return ordered


def unit_plan(round: Round, unit: Unit, *, today: date | None = None) -> UnitPlan:
    """The unit's plan for the round: its task tree rolled up, and the plan's totals (three
    queries)."""
    today = today or city_today()
    roots = build_trees(plan_tasks(round, unit), today)
    nodes = flatten(roots)
    counted = [node for node in nodes if not node.is_cancelled]
    return UnitPlan(
        round=round,
        unit=unit,
        roots=roots,
        nodes=nodes,
        tasks=len(counted),
        approved=sum(1 for node in counted if node.task.status in APPROVED_STATUSES),
        overdue=sum(1 for node in counted if node.overdue),
        non_compliant=sum(1 for node in counted if node.five_clear_missing),
        progress=weighted_mean((root.task.weight, root.progress) for root in roots),
        today=today,
    )


def task_in_plan(round: Round, unit: Unit, task_id: int) -> Task | None:
    return Task.objects.filter(round=round, unit=unit, pk=task_id).first()


# --- the city plan ----------------------------------------------------------------------------


def topmost(nodes: Iterable[TaskNode]) -> list[TaskNode]:
    """The nodes none of whose ancestors is among ``nodes``: a parent's progress already rolls
    up its sub-tasks, so counting them again would weigh them twice."""
    nodes = list(nodes)
    chosen = {id(node) for node in nodes}
    result = []
    for node in nodes:
        ancestor = node.parent
        while ancestor is not None and id(ancestor) not in chosen:
            ancestor = ancestor.parent
        if ancestor is None:
            result.append(node)
    return result


@dataclass(frozen=True)
class LedCriterion:
    leaf_id: str
    lead: CriterionLead
    #: The tasks (of every unit) that serve the criterion, cancelled ones left out.
    tasks: list[TaskNode]
    #: Weighted mean of the topmost of those tasks (a sub-task counts through its parent).
    progress: float | None
    overdue: int
    units: int


@dataclass(frozen=True)
class DepartmentPlan:
    """What one lead department answers for: the criteria it leads and the units' tasks that
    serve them."""

    department: Unit
    criteria: list[LedCriterion]
    tasks: int
    overdue: int
    non_compliant: int
    #: Weighted mean of the topmost of the distinct tasks serving its criteria.
    progress: float | None


def city_plan(round: Round, *, today: date | None = None) -> list[DepartmentPlan]:
    """Per lead department (by code): its criteria, the tasks serving them across every unit's
    plan, their rolled-up progress and overdue count (five queries)."""
    today = today or city_today()
    leads = list(
        CriterionLead.objects.filter(round=round)
        .select_related("lead_unit")
        .order_by("lead_unit__code", "leaf_id")
    )
    if not leads:
        return []
    led_leaves = {lead.leaf_id for lead in leads}
    wanted_units = set(
        TaskCriterion.objects.filter(task__round=round, leaf_id__in=led_leaves).values_list(
            "task__unit_id", flat=True
        )
    )
    by_unit: dict[int, list[Task]] = defaultdict(list)
    # Progress is rolled up over the whole plan of each unit concerned, so a parent task that
    # serves a criterion counts its sub-tasks even when they are not linked to it.
    for task in plan_tasks(round).filter(unit_id__in=wanted_units).select_related("unit"):
        by_unit[task.unit_id].append(task)
    nodes_by_leaf: dict[str, list[TaskNode]] = defaultdict(list)
    for unit_tasks in by_unit.values():
        for node in flatten(build_trees(unit_tasks, today)):
            if node.is_cancelled:
                continue
            for leaf_id in node.leaf_ids:
                if leaf_id in led_leaves:
                    nodes_by_leaf[leaf_id].append(node)
    by_department: dict[int, list[CriterionLead]] = defaultdict(list)
    for lead in leads:
        by_department[lead.lead_unit_id].append(lead)
    plans = []
    for department_leads in by_department.values():
        criteria = []
        distinct: dict[int, TaskNode] = {}
        for lead in department_leads:
            nodes = nodes_by_leaf.get(lead.leaf_id, [])
            for node in nodes:
                distinct[node.task.pk] = node
            criteria.append(
                LedCriterion(
                    leaf_id=lead.leaf_id,
                    lead=lead,
                    tasks=nodes,
                    progress=weighted_mean(
                        (node.task.weight, node.progress) for node in topmost(nodes)
                    ),
                    overdue=sum(1 for node in nodes if node.overdue),
                    units=len({node.task.unit_id for node in nodes}),
                )
            )
        counted = list(distinct.values())
        plans.append(
            DepartmentPlan(
                department=department_leads[0].lead_unit,
                criteria=criteria,
                tasks=len(counted),
                overdue=sum(1 for node in counted if node.overdue),
                non_compliant=sum(1 for node in counted if node.five_clear_missing),
                progress=weighted_mean(
                    (node.task.weight, node.progress) for node in topmost(counted)
                ),
            )
        )
    return plans

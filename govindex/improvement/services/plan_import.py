"""Loading a plan file into a unit's plan: all rows or none, idempotent by ``ref``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from govindex.assessments.models import Round
from govindex.audit.services import Actor, audit_record
from govindex.improvement.models import Milestone, Task
from govindex.improvement.services.checks import (
    clean_or_refuse,
    require_plans_open,
    require_round_unit,
)
from govindex.improvement.services.tasks import APPROVED_STATUSES, set_criteria, task_state
from govindex.orgs.models import Unit


@dataclass(frozen=True)
class PlanImportResult:
    created: int
    updated: int
    unchanged: int


def _milestone_state(milestones: Iterable[Milestone]) -> list[tuple[str, str, str, float]]:
    return sorted(
        (m.title, m.due.isoformat(), m.done_on.isoformat() if m.done_on else "", m.weight)
        for m in milestones
    )


@transaction.atomic
def plan_import(
    *, round: Round, unit: Unit, path: Path, actor: Actor, allow_approval: bool
) -> PlanImportResult:
    """Load a plan file (``plan_table`` format) into ``unit``'s plan for ``round``: all rows or
    none. A row whose ref is already in the plan updates that task; a new ref creates one; tasks
    of the plan that the file does not name stay as they are. Importing the same file twice
    changes nothing the second time. ``PlanTableError`` lists every problem of the file."""
    from govindex.improvement.plan_table import read_plan_file

    require_plans_open(round)
    require_round_unit(round, unit)
    round = Round.objects.select_for_update(of=("self",)).get(pk=round.pk)
    rows = read_plan_file(path, round=round, unit=unit, allow_approval=allow_approval)
    tasks = {
        task.ref: task
        for task in Task.objects.filter(round=round, unit=unit)
        .select_related("parent", "person", "accountable_unit")
        .prefetch_related("criteria", "milestones")
    }
    user = actor if isinstance(actor, AbstractBaseUser) else None
    now = timezone.now()
    created = updated = unchanged = 0
    for row in _parents_first(rows):
        task = tasks.get(row.ref)
        is_new = task is None
        if task is None:
            task = Task(round=round, unit=unit, ref=row.ref, created_by=user)
        before = None if is_new else task_state(task, [c.leaf_id for c in task.criteria.all()])
        milestones_before = [] if is_new else _milestone_state(task.milestones.all())
        parent_ref = row.parent_ref or None
        task.parent = tasks[parent_ref] if parent_ref else None
        task.statement = row.statement
        task.person = row.person
        task.person_name = row.person_name
        task.deadline = row.deadline
        task.accountable_unit = row.accountable_unit
        task.expected_output = row.expected_output
        task.measure = row.measure
        task.weight = row.weight
        task.progress = row.progress
        if row.status in APPROVED_STATUSES and (is_new or task.status not in APPROVED_STATUSES):
            task.approved_by, task.approved_at = user, now
        task.status = row.status
        after = task_state(task, row.leaf_ids)
        milestones_after = _milestone_state(
            Milestone(title=m.title, due=m.due, done_on=m.done_on, weight=m.weight)
            for m in row.milestones
        )
        if not is_new and after == before and milestones_after == milestones_before:
            unchanged += 1
            continue
        task.updated_by, task.updated_at = user, now
        clean_or_refuse(task, exclude=["parent"])
        task.save()
        tasks[row.ref] = task
        set_criteria(task, row.leaf_ids)
        _set_milestones(task, row.milestones)
        changed = {k: v for k, v in after.items() if before is None or before.get(k) != v}
        if milestones_after != milestones_before:
            changed["milestones"] = milestones_after
        audit_record(
            actor=actor,
            action="task.import",
            target=task,
            before=None
            if before is None
            else {
                **{k: before[k] for k in changed if k in before},
                **({"milestones": milestones_before} if "milestones" in changed else {}),
            },
            after={"round": round.pk, "unit": unit.code, **changed} if is_new else changed,
        )
        if is_new:
            created += 1
        else:
            updated += 1
    return PlanImportResult(created=created, updated=updated, unchanged=unchanged)


def _parents_first(rows: list[Any]) -> list[Any]:
    """The rows ordered so that a row comes after the row of its parent (when in the file)."""
    by_ref = {row.ref: row for row in rows}
    ordered: list[Any] = []
    placed: set[str] = set()

    def place(row: Any) -> None:
        if row.ref in placed:
            return
        parent = by_ref.get(row.parent_ref)
        if parent is not None:
            place(parent)
        placed.add(row.ref)
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered


def _set_milestones(task: Task, rows: Iterable[Any]) -> None:
    """Make the task's milestones exactly ``rows`` (matched by title)."""
    current = {milestone.title: milestone for milestone in task.milestones.all()}
    wanted = {row.title: row for row in rows}
    task.milestones.exclude(title__in=list(wanted)).delete()
    for title, row in wanted.items():
        milestone = current.get(title) or Milestone(task=task, title=title)
        if milestone.pk is not None and (milestone.due, milestone.done_on, milestone.weight) == (
            row.due,
            row.done_on,
            row.weight,
        ):
            continue
        milestone.due, milestone.done_on, milestone.weight = row.due, row.done_on, row.weight
        clean_or_refuse(milestone, exclude=["task"])
        milestone.save()

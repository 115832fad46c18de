"""Every write of the improvement app: findings (root cause and responsibility), criterion leads,
and the "5 rõ" tasks of a unit's plan with their milestones and progress.

Findings and plans are what a unit does once its results are known, so they are accepted in
every state of a round except draft (including published and appraised rounds). Who may call
which service is decided by ``permissions.py`` in the views; the services enforce the rules of
the data: the leaf exists in the round's framework, a lead is a department, a task is approved
only with its "5 rõ", status changes follow ``TRANSITIONS``.
"""

from govindex.improvement.services.checks import (
    leaf_problem,
    require_leaves,
    require_plans_open,
    require_round_unit,
)
from govindex.improvement.services.findings import (
    criterion_lead_assign,
    finding_record,
    root_causes_seed,
)
from govindex.improvement.services.plan_import import PlanImportResult, plan_import
from govindex.improvement.services.tasks import (
    APPROVED_STATUSES,
    LIST_SEPARATOR,
    MILESTONE_SEPARATOR,
    PROGRESS_STATUSES,
    TRANSITIONS,
    milestone_add,
    milestone_complete,
    next_ref,
    task_approve,
    task_create,
    task_set_progress,
    task_set_status,
    task_state,
    task_update,
)

__all__ = [
    "APPROVED_STATUSES",
    "LIST_SEPARATOR",
    "MILESTONE_SEPARATOR",
    "PROGRESS_STATUSES",
    "TRANSITIONS",
    "PlanImportResult",
    "criterion_lead_assign",
    "finding_record",
    "leaf_problem",
    "milestone_add",
    "milestone_complete",
    "next_ref",
    "plan_import",
    "require_leaves",
    "require_plans_open",
    "require_round_unit",
    "root_causes_seed",
    "task_approve",
    "task_create",
    "task_set_progress",
    "task_set_status",
    "task_state",
    "task_update",
]

"""Who may see and do what with findings, criterion leads and plans. Views ask these; the services
enforce the rules of the data, not the person. The rules are those of
``govindex.orgs.permissions``, whose role checks read a person's memberships once per request
(``RoleMemoryMiddleware``), so a plan page may ask about every task.

| who | may |
|---|---|
| staff and leader of a unit | record its findings, create and edit its tasks, import its plan |
| leader of the unit, administrator | approve the unit's tasks |
| a task's person, staff of its accountable unit, the plan's own people | record its progress and milestones; see the plan |
| city leader, administrator | assign criterion leads; see every plan and the city plan |
| appraiser | read every plan and the city plan |
"""

from __future__ import annotations

from django.db.models import Q

from govindex.assessments.models import Round
from govindex.improvement.models import Task
from govindex.orgs.models import Role, Unit
from govindex.orgs.permissions import (
    User,
    has_role,
    is_admin,
    is_city_leader,
    units_with_role,
)

UNIT_ROLES = frozenset({Role.STAFF, Role.LEADER})


def works_for(user: User, unit: Unit | int | None) -> bool:
    """Staff or leader of ``unit``."""
    return unit is not None and has_role(user, UNIT_ROLES, unit)


def has_tasks_in_plan(user: User, round: Round, unit: Unit) -> bool:
    """Whether the person is in charge of a task of the plan, or works for its accountable unit."""
    if not user.is_authenticated:
        return False
    own_units = units_with_role(user, UNIT_ROLES)
    return (
        Task.objects.filter(round=round, unit=unit)
        .filter(Q(person=user) | Q(accountable_unit_id__in=own_units))
        .exists()
    )


def can_view_plan(user: User, unit: Unit, round: Round | None = None) -> bool:
    """The unit's findings and plan: its own people, appraisers, city leaders, administrators;
    with ``round``, also those who report on one of the plan's tasks (its person, the staff of
    its accountable unit)."""
    if (
        is_admin(user)
        or has_role(user, {Role.APPRAISER, Role.CITY_LEADER})
        or works_for(user, unit)
    ):
        return True
    return round is not None and has_tasks_in_plan(user, round, unit)


def can_edit_plan(user: User, unit: Unit) -> bool:
    """Record findings and create or edit tasks: the unit's own staff and leader (nobody speaks
    for a unit but its people)."""
    return works_for(user, unit)


def can_approve_tasks(user: User, unit: Unit) -> bool:
    """The unit's leader answers for its plan; an administrator may approve too."""
    return is_admin(user) or has_role(user, {Role.LEADER}, unit)


def can_report_progress(user: User, task: Task) -> bool:
    """The task's person, the staff of its accountable unit and the plan's own people record its
    progress and milestones."""
    if not user.is_authenticated or not getattr(user, "is_active", True):
        return False
    if task.person_id is not None and task.person_id == user.pk:
        return True
    return works_for(user, task.unit_id) or works_for(user, task.accountable_unit_id)


def can_assign_leads(user: User) -> bool:
    return is_city_leader(user)


def can_view_city_plan(user: User) -> bool:
    """City leaders and administrators; appraisers read it."""
    return is_city_leader(user) or has_role(user, {Role.APPRAISER})

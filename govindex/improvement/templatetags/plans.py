"""Template helpers of the plan pages: ``{% plan_rights unit as rights %}`` (what the person may
do with the unit's findings and plan, worked out once per request) and ``{{ task|task_person }}``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from govindex.improvement import permissions
from govindex.improvement.five_clear import ELEMENTS, five_clear_labels
from govindex.orgs.models import Unit

register = template.Library()

#: Task form fields that are one of the "5 rõ".
FIVE_CLEAR_FIELDS = frozenset(ELEMENTS)


@dataclass(frozen=True)
class PlanRights:
    view: bool
    edit: bool
    approve: bool


def plan_rights_for(user: Any, unit: Unit) -> PlanRights:
    """What ``user`` may do with ``unit``'s plan; remembered on the user object, so a page that
    asks for every criterion row costs the queries once."""
    cache: dict[int, PlanRights] = user.__dict__.setdefault("_plan_rights", {})
    if unit.pk not in cache:
        cache[unit.pk] = PlanRights(
            view=permissions.can_view_plan(user, unit),
            edit=permissions.can_edit_plan(user, unit),
            approve=permissions.can_approve_tasks(user, unit),
        )
    return cache[unit.pk]


@register.simple_tag(takes_context=True)
def plan_rights(context: template.Context, unit: Unit) -> PlanRights:
    return plan_rights_for(context["user"], unit)


@register.filter
def task_person(task: Any) -> str:
    return str(task.person_label)


@register.filter
def finding_person(finding: Any) -> str:
    return str(finding.responsible_person_label)


@register.filter
def percent(value: float | None) -> str:
    """A progress percentage for display; a dash when there is nothing to count (no task, or
    only cancelled ones), never 0."""
    if value is None:
        return "—"
    return f"{value:.0f} %"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]``, or ``None`` when absent."""
    return mapping.get(key) if mapping is not None else None


@register.filter
def five_clear_text(missing: list[str]) -> str:
    """The missing "5 rõ" elements, named in the page's language."""
    return ", ".join(five_clear_labels(missing))


@register.filter
def is_five_clear(field_name: str) -> bool:
    """Whether a task form field is one of the "5 rõ"."""
    return field_name in FIVE_CLEAR_FIELDS


@register.filter
def sees_city_plan(user: Any) -> bool:
    """Whether the navigation shows the city plan (city leaders, administrators, appraisers)."""
    return permissions.can_view_city_plan(user)

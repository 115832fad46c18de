"""The "5 rõ" rule of a remediation task: a clear person, task statement, deadline, accountable
unit, and expected output with its measure. A task missing any of them is non-compliant and
cannot be approved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from govindex.improvement.models import Task

#: The elements in the order they are reported, with their labels.
ELEMENTS: dict[str, Promise] = {
    "person": _("person"),
    "statement": _("task statement"),
    "deadline": _("deadline"),
    "accountable_unit": _("accountable unit"),
    "expected_output": _("expected output"),
    "measure": _("measure"),
}


def five_clear_missing(task: Task) -> list[str]:
    """The keys of ``ELEMENTS`` that ``task`` lacks, in order; empty when it is compliant."""
    present = {
        "person": task.person_id is not None or bool(task.person_name.strip()),
        "statement": bool(task.statement.strip()),
        "deadline": task.deadline is not None,
        "accountable_unit": task.accountable_unit_id is not None,
        "expected_output": bool(task.expected_output.strip()),
        "measure": bool(task.measure.strip()),
    }
    return [key for key, ok in present.items() if not ok]


def five_clear_labels(missing: list[str]) -> list[str]:
    """The labels of the missing elements, in the active language."""
    return [str(ELEMENTS[key]) for key in missing]

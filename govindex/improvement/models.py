"""From a criterion not achieved to the work that fixes it: the root cause recorded for it, the
department the city makes lead for it, and the "5 rõ" remediation tasks of a unit's plan.

Data and constraints only; every write goes through ``services``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from govindex.assessments.models import Round
from govindex.orgs.models import Unit


def person_label(user: Any, name: str) -> str:
    """A person with an account in Vietnamese order (family name first, else the user name), or
    the name typed in for someone without one."""
    if user is None:
        return name
    full = f"{getattr(user, 'last_name', '')} {getattr(user, 'first_name', '')}".strip()
    return full or str(user.get_username())


class RootCause(models.Model):
    """One entry of the configurable list of root causes a unit chooses from."""

    code = models.SlugField(max_length=40, unique=True)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    name_id = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ("order", "code")
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")

    def __str__(self) -> str:
        return f"{self.name_vi} ({self.code})"

    def name_in(self, language: str = "vi") -> str:
        """The name in ``language`` (vi, en, id), falling back to Vietnamese."""
        return str(getattr(self, f"name_{language}", "") or self.name_vi)


class Finding(models.Model):
    """Why a unit did not (fully) achieve one criterion in a round, and who answers for it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="findings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="findings")
    leaf_id = models.CharField(max_length=64)
    root_cause = models.ForeignKey(RootCause, on_delete=models.PROTECT, related_name="findings")
    cause_text = models.TextField(blank=True)
    responsible_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="findings_answered"
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings_answered",
    )
    #: The responsible person's name when they have no account.
    responsible_person_name = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings_recorded",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["round", "unit", "leaf_id"], name="improvement_finding_unique_leaf"
            ),
        )

    def __str__(self) -> str:
        return f"{self.round_id}/{self.unit_id}/{self.leaf_id}: {self.root_cause_id}"

    @property
    def responsible_person_label(self) -> str:
        """The responsible person's name (family name first), or the name typed in."""
        return person_label(self.responsible_person, self.responsible_person_name)


class CriterionLead(models.Model):
    """The department the city makes lead for one criterion of a round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criterion_leads")
    leaf_id = models.CharField(max_length=64)
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="criteria_led")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="criterion_leads_assigned",
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["round", "leaf_id"], name="improvement_criterionlead_unique_leaf"
            ),
        )

    def __str__(self) -> str:
        return f"{self.round_id}/{self.leaf_id} → {self.lead_unit_id}"


class TaskStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    IN_PROGRESS = "in_progress", pgettext_lazy("task status", "in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class Task(models.Model):
    """One remediation task of a unit's plan for a round ("5 rõ": person, statement, deadline,
    accountable unit, expected output and measure). ``progress`` is the task's own progress,
    used only when it has neither sub-tasks nor milestones."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="plan_tasks")
    #: The task's key in its plan, kept by import and export (idempotency key).
    ref = models.CharField(max_length=64)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    statement = models.TextField(blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks_assigned",
    )
    #: The person's name when they have no account.
    person_name = models.CharField(max_length=200, blank=True)
    deadline = models.DateField(null=True, blank=True)
    accountable_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_accountable",
    )
    expected_output = models.TextField(blank=True)
    measure = models.TextField(blank=True)
    weight = models.FloatField(default=1.0)
    progress = models.FloatField(default=0.0)
    status = models.CharField(max_length=20, choices=TaskStatus.choices, default=TaskStatus.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks_approved",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks_created",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks_updated",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("pk",)
        constraints = (
            models.UniqueConstraint(fields=["round", "unit", "ref"], name="improvement_task_ref"),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="improvement_task_progress_range",
                violation_error_code="progress_out_of_range",
                violation_error_message=_("Progress is a percentage between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="improvement_task_weight_positive",
                violation_error_code="weight_not_positive",
                violation_error_message=_("A weight must be greater than 0."),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="improvement_task_not_own_parent",
                violation_error_code="own_parent",
                violation_error_message=_("A task cannot be its own parent."),
            ),
        )
        indexes = (models.Index(fields=["round", "unit"], name="improvement_task_plan"),)

    def __str__(self) -> str:
        return f"{self.ref}: {self.statement[:60]}"

    @property
    def person_label(self) -> str:
        """The person's name (family name first), or the name typed in."""
        return person_label(self.person, self.person_name)


class TaskCriterion(models.Model):
    """A criterion (leaf of the round's framework) that a task serves."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="criteria")
    leaf_id = models.CharField(max_length=64)

    class Meta:
        ordering = ("leaf_id",)
        constraints = (
            models.UniqueConstraint(
                fields=["task", "leaf_id"], name="improvement_taskcriterion_unique"
            ),
        )
        indexes = (models.Index(fields=["leaf_id"], name="improvement_taskcriterion_leaf"),)

    def __str__(self) -> str:
        return f"{self.task_id} → {self.leaf_id}"


class Milestone(models.Model):
    """A dated step of a task; a task with milestones and no sub-tasks progresses by the weighted
    share of its milestones done."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    weight = models.FloatField(default=1.0)

    class Meta:
        ordering = ("due", "title", "pk")
        constraints = (
            models.UniqueConstraint(fields=["task", "title"], name="improvement_milestone_title"),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="improvement_milestone_weight_positive",
                violation_error_code="weight_not_positive",
                violation_error_message=_("A weight must be greater than 0."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.task_id}: {self.title} ({self.due})"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

"""Admin for the improvement app. The list of root causes is configurable here (every save and
delete audited). Findings, criterion leads and tasks are read-only here: they change only
through the services (the plan screens), so each change leaves its audit record."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.forms import model_to_dict
from django.http import HttpRequest

from govindex.audit.services import audit_record
from govindex.improvement.models import (
    CriterionLead,
    Finding,
    Milestone,
    RootCause,
    Task,
    TaskCriterion,
)


@admin.register(RootCause)
class RootCauseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name_vi", "name_en", "order", "active")
    list_editable = ("order", "active")
    search_fields = ("code", "name_vi", "name_en", "name_id")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"root_cause.{'update' if change else 'create'}",
                target=obj,
                after=model_to_dict(obj),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action="root_cause.delete",
                target=obj,
                before=model_to_dict(obj),
            )
            super().delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("round", "unit", "leaf_id", "root_cause", "responsible_unit", "recorded_at")
    list_filter = ("round", "root_cause")
    search_fields = ("unit__code", "unit__name_vi", "leaf_id", "cause_text")


@admin.register(CriterionLead)
class CriterionLeadAdmin(ReadOnlyAdmin):
    list_display = ("round", "leaf_id", "lead_unit", "assigned_at")
    list_filter = ("round",)


class TaskCriterionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TaskCriterion
    extra = 0


class MilestoneInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Milestone
    extra = 0


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("round", "unit", "ref", "statement", "deadline", "status", "progress")
    list_filter = ("round", "status")
    search_fields = ("unit__code", "ref", "statement")
    inlines = (TaskCriterionInline, MilestoneInline)

"""Admin for the configurable parts of feedback: categories (Open311 services) and the routing
table. Every save and delete is audited. Cases are read-only here: they change only through
``feedback_transition`` (the staff screens)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.forms import model_to_dict
from django.http import HttpRequest

from govindex.audit.services import audit_record
from govindex.feedback.models import AreaLocation, FeedbackCase, FeedbackCategory, RoutingRule


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"feedback.{obj._meta.model_name}.{'update' if change else 'create'}",
                target=obj,
                after=model_to_dict(obj),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=f"feedback.{obj._meta.model_name}.delete",
                target=obj,
                before=model_to_dict(obj),
            )
            super().delete_model(request, obj)


@admin.register(FeedbackCategory)
class FeedbackCategoryAdmin(AuditedAdmin):
    list_display = ("code", "name_vi", "group", "severity", "active")
    list_filter = ("group", "severity", "active")
    search_fields = ("code", "name_vi", "name_en")


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = ("category", "area", "unit")
    list_filter = ("category",)
    autocomplete_fields = ("area", "unit")
    search_fields = ("category__code", "area__name_vi", "unit__name_vi")


@admin.register(AreaLocation)
class AreaLocationAdmin(AuditedAdmin):
    list_display = ("area", "lat", "lon")
    search_fields = ("area__name_vi", "area__code")


@admin.register(FeedbackCase)
class FeedbackCaseAdmin(admin.ModelAdmin):
    list_display = ("tracking_code", "category", "status", "handling_unit", "received_at")
    list_filter = ("status", "category", "push_avoid_flag", "escalation_level")
    search_fields = ("tracking_code",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

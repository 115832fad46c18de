from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from govindex.audit.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by services, never edited."""

    list_display = ("at", "actor_label", "action", "target_type", "target_id", "reason")
    list_filter = ("action", "target_type")
    search_fields = ("actor_label", "action", "target_id", "reason")
    date_hierarchy = "at"
    ordering = ("-pk",)
    readonly_fields = tuple(field.name for field in AuditRecord._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditRecord | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditRecord | None = None) -> bool:
        return False

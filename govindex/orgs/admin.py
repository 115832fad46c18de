"""Admin for units and roles. Saves go through the services, so each change is audited;
reorganisations are recorded with ``unit_reorganise`` and shown here read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from govindex.orgs.models import Membership, Unit, UnitSuccession
from govindex.orgs.services import (
    UNIT_EDITABLE_FIELDS,
    membership_grant,
    membership_revoke,
    unit_create,
    unit_update,
)


def adopt(obj: Any, saved: Any) -> None:
    """Make the admin's unsaved ``obj`` the row a service saved (for its redirect and log)."""
    obj.pk = saved.pk
    obj._state.adding = False
    obj._state.db = saved._state.db


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PredecessorInline(_ReadOnlyInline):
    model = UnitSuccession
    fk_name = "successor"
    fields = ("predecessor", "kind", "date", "note")
    readonly_fields = fields
    verbose_name = "predecessor (became this unit)"
    verbose_name_plural = "predecessors (became this unit)"


class SuccessorInline(_ReadOnlyInline):
    model = UnitSuccession
    fk_name = "predecessor"
    fields = ("successor", "kind", "date", "note")
    readonly_fields = fields
    verbose_name = "successor (this unit became)"
    verbose_name_plural = "successors (this unit became)"


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en", "kind", "parent", "active_from", "active_to")
    list_filter = ("kind", "active_to")
    search_fields = ("code", "name_vi", "name_en", "name_id")
    ordering = ("code",)
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    inlines = (PredecessorInline, SuccessorInline)
    fields = (
        "code",
        ("name_vi", "name_en", "name_id"),
        ("kind", "parent"),
        ("active_from", "active_to"),
        "source",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Unit | None = None) -> Any:
        return ("code",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Unit, form: ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if change:
            changes = {
                field: data[field] for field in form.changed_data if field in UNIT_EDITABLE_FIELDS
            }
            unit_update(unit=obj, actor=request.user, **changes)
            return
        fields = {field: data[field] for field in UNIT_EDITABLE_FIELDS}
        adopt(obj, unit_create(code=data["code"], actor=request.user, **fields))

    def has_delete_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        return False  # units are history: end them (active_to) or reorganise them


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "role", "granted_at")
    list_filter = ("role", "unit__kind")
    search_fields = ("user__username", "user__email", "unit__code", "unit__name_vi")
    list_select_related = ("user", "unit")
    autocomplete_fields = ("user", "unit")
    fields = ("user", "unit", "role")
    actions = ("revoke_selected",)

    def has_change_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(
        self,
        request: HttpRequest,
        obj: Membership,
        form: ModelForm,
        change: bool,
    ) -> None:
        data = form.cleaned_data
        granted = membership_grant(
            user=data["user"], unit=data["unit"], role=data["role"], actor=request.user
        )
        adopt(obj, granted)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_revoke(membership=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("user", "unit"):
            membership_revoke(membership=membership, actor=request.user)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Revoke the selected roles", permissions=["delete"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        count = queryset.count()
        self.delete_queryset(request, queryset)
        self.message_user(request, f"Revoked {count} role(s).")

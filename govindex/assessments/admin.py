"""Admin for rounds, entries and results. Writes go through the services (so each is audited);
results are read-only and come from the "compute scores" action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from govindex.assessments.frameworks import framework_for, round_framework
from govindex.assessments.models import (
    Entry,
    NodeResult,
    PublishedResult,
    Round,
    RoundComputation,
    RoundState,
    RoundUnit,
    UnitResult,
)
from govindex.assessments.services import (
    ENTRY_FIELDS,
    ROUND_EDITABLE_FIELDS,
    appraisal_problem,
    entry_appraise,
    entry_set,
    published_result_set,
    round_add_units,
    round_compute,
    round_create,
    round_remove_units,
    round_transition,
    round_update,
)
from govindex.errors import ApplicationError
from govindex.orgs.admin import adopt


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def changelist_link(model: type, label: str, **filters: Any) -> str:
    meta = model._meta  # type: ignore[attr-defined]
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return format_html('<a href="{}?{}">{}</a>', url, query, label)


class RoundUnitInline(admin.TabularInline):
    model = RoundUnit
    extra = 0
    autocomplete_fields = ("unit",)
    verbose_name = "unit taking part"
    verbose_name_plural = "units taking part"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _transition_action(state: RoundState, label: str) -> Any:
    def action(modeladmin: RoundAdmin, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        for round in queryset:
            try:
                round_transition(round=round, to=state, actor=request.user)
            except ApplicationError as error:
                modeladmin.message_user(request, error.message, messages.ERROR)
            else:
                modeladmin.message_user(request, f"{round}: {state.label}.")

    action.__name__ = f"move_to_{state.value}"
    return admin.action(description=label, permissions=["change"])(action)


class RoundAdminForm(ModelForm):
    class Meta:
        model = Round
        fields = "__all__"

    def clean_framework_id(self) -> str:
        framework_id = str(self.cleaned_data["framework_id"])
        if self.instance.pk is None:
            try:
                framework_for(framework_id)
            except ApplicationError as error:
                raise ValidationError(error.message) from error
        return framework_id


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    form = RoundAdminForm
    list_display = ("name", "framework_id", "framework_version", "period", "state", "unit_count")
    list_filter = ("state", "framework_id", "year")
    search_fields = ("name", "period", "framework_id")
    ordering = ("-year", "name")
    inlines = (RoundUnitInline,)
    actions = (
        "compute_scores",
        _transition_action(RoundState.OPEN, "Open for self-assessment"),
        _transition_action(RoundState.SUBMITTED, "Mark as submitted"),
        _transition_action(RoundState.UNDER_APPRAISAL, "Start appraisal"),
        _transition_action(RoundState.APPRAISED, "Mark as appraised"),
        _transition_action(RoundState.PUBLISHED, "Publish"),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Round]:
        return super().get_queryset(request).annotate(units=Count("round_units"))

    @admin.display(description="units", ordering="units")
    def unit_count(self, obj: Round) -> int:
        return int(getattr(obj, "units", 0))

    def get_fields(self, request: HttpRequest, obj: Round | None = None) -> Any:
        if obj is None:
            return ("name", "framework_id", "period", "year", "deadline")
        return (
            "name",
            "deadline",
            ("framework_id", "framework_version"),
            ("period", "year"),
            ("state", "created_at"),
            "data",
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Round | None = None) -> Any:
        if obj is None:
            return ()
        return (
            "framework_id",
            "framework_version",
            "period",
            "year",
            "state",
            "created_at",
            "data",
        )

    @admin.display(description="data")
    def data(self, obj: Round) -> str:
        links = [
            changelist_link(Entry, "entries", round__id__exact=obj.pk),
            changelist_link(UnitResult, "results", round__id__exact=obj.pk),
            changelist_link(RoundComputation, "computations", round__id__exact=obj.pk),
        ]
        return format_html(" · ".join(["{}"] * len(links)), *links)

    def save_model(self, request: HttpRequest, obj: Round, form: ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if change:
            changes = {n: data[n] for n in form.changed_data if n in ROUND_EDITABLE_FIELDS}
            round_update(round=obj, actor=request.user, **changes)
            return
        created = round_create(
            name=data["name"],
            framework_id=data["framework_id"],
            period=data["period"],
            year=data["year"],
            deadline=data["deadline"],
            actor=request.user,
        )
        adopt(obj, created)
        obj.framework_version = created.framework_version

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not RoundUnit:
            super().save_formset(request, form, formset, change)
            return
        round = form.instance
        added = [
            f.cleaned_data["unit"]
            for f in formset.forms
            if f.cleaned_data and not f.instance.pk and not f.cleaned_data.get("DELETE")
        ]
        removed = [f.instance.unit for f in formset.deleted_forms if f.instance.pk]
        if added:
            round_add_units(round=round, units=added, actor=request.user)
        if removed:
            round_remove_units(round=round, units=removed, actor=request.user)
        # What the admin's change message and log read after a formset save.
        formset.new_objects = list(RoundUnit.objects.filter(round=round, unit__in=added))
        formset.changed_objects = []
        formset.deleted_objects = [f.instance for f in formset.deleted_forms if f.instance.pk]

    def has_delete_permission(self, request: HttpRequest, obj: Round | None = None) -> bool:
        return False

    @admin.action(description="Compute scores", permissions=["change"])
    def compute_scores(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        for round in queryset:
            try:
                computation = round_compute(round=round, actor=request.user)
            except ApplicationError as error:
                self.message_user(request, f"{round}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"{round}: {computation.units_scored} unit(s) scored.",
                    messages.SUCCESS,
                )


class LeafFilter(admin.SimpleListFilter):
    """Leaves of the chosen round's framework, in framework order (else every leaf in use)."""

    title = "leaf"
    parameter_name = "leaf_id"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        round_id = request.GET.get("round__id__exact")
        round = Round.objects.filter(pk=round_id).first() if round_id else None
        if round is not None:
            try:
                framework = round_framework(round, check_version=False)
            except ApplicationError:
                framework = None
            if framework is not None:
                return [(leaf.id, f"{leaf.id} — {leaf.name('en')}") for leaf in framework.leaves]
        leaf_ids = Entry.objects.order_by("leaf_id").values_list("leaf_id", flat=True).distinct()
        return [(leaf_id, leaf_id) for leaf_id in leaf_ids]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Entry]) -> QuerySet[Entry]:
        return queryset.filter(leaf_id=self.value()) if self.value() else queryset


class EntryAdminForm(ModelForm):
    """Checks the services make, shown on the form rather than as an error page."""

    class Meta:
        model = Entry
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        round = data.get("round") or getattr(self.instance, "round", None)
        unit = data.get("unit") or getattr(self.instance, "unit", None)
        in_round = RoundUnit.objects.filter(round=round, unit=unit)
        if round is not None and unit is not None and not in_round.exists():
            self.add_error(None, f"{unit} is not a unit of round {round}; add it there first.")
        appraisal = {"appraised_value", "appraisal_reason"}
        if round is None or unit is None or not appraisal & set(self.changed_data):
            return data
        probe = Entry(round=round, unit=unit, leaf_id=data.get("leaf_id") or self.instance.leaf_id)
        probe.self_value = data.get("self_value")
        try:
            framework = round_framework(round, check_version=False)
        except ApplicationError as error:
            self.add_error(None, error.message)
            return data
        problem = appraisal_problem(
            framework,
            probe,
            appraised_value=data.get("appraised_value"),
            reason=str(data.get("appraisal_reason") or ""),
        )
        if problem is not None:
            self.add_error("appraisal_reason", problem[1])
        return data


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    form = EntryAdminForm
    list_display = (
        "unit",
        "leaf_id",
        "self_value",
        "appraised_value",
        "survey_value",
        "data_value",
        "not_applicable",
        "round",
        "updated_at",
    )
    list_filter = ("round", LeafFilter, ("unit", admin.RelatedOnlyFieldListFilter), "unit__kind")
    search_fields = ("unit__code", "unit__name_vi", "leaf_id", "comment")
    list_select_related = ("round", "unit")
    autocomplete_fields = ("round", "unit")
    ordering = ("round", "unit__code", "leaf_id")
    fields = ("round", "unit", "leaf_id", *ENTRY_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: Entry | None = None) -> Any:
        return ("round", "unit", "leaf_id") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Entry, form: ModelForm, change: bool) -> None:
        data = form.cleaned_data
        appraisal = {"appraised_value", "appraisal_reason"}
        names = [n for n in form.changed_data if n in ENTRY_FIELDS and n not in appraisal]
        if not change:
            names = [n for n in ENTRY_FIELDS if n not in appraisal]
        round, unit = obj.round, obj.unit
        saved = entry_set(
            round=round,
            unit=unit,
            leaf_id=obj.leaf_id,
            actor=request.user,
            **{name: data[name] for name in names},
        )
        if appraisal & set(form.changed_data):
            saved = entry_appraise(
                entry=saved,
                appraised_value=data["appraised_value"],
                reason=data["appraisal_reason"],
                actor=request.user,
            )
        adopt(obj, saved)

    def has_delete_permission(self, request: HttpRequest, obj: Entry | None = None) -> bool:
        return False


class NodeResultInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = NodeResult
    extra = 0
    fields = ("node_id", "value", "points", "max_points", "share", "gap", "rank", "applicable")
    readonly_fields = fields


@admin.register(UnitResult)
class UnitResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "round", "score", "percent", "rank", "band", "points", "max_points")
    list_filter = ("round", "band", "unit__kind")
    search_fields = ("unit__code", "unit__name_vi")
    list_select_related = ("round", "unit")
    ordering = ("round", "rank", "unit__code")
    inlines = (NodeResultInline,)


@admin.register(RoundComputation)
class RoundComputationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("round", "computed_at", "framework_version", "units_scored", "actor")
    list_filter = ("round",)
    list_select_related = ("round", "actor")
    ordering = ("-computed_at",)


@admin.register(PublishedResult)
class PublishedResultAdmin(admin.ModelAdmin):
    list_display = ("framework_id", "year", "territory", "score", "rank", "rank_of")
    list_filter = ("framework_id", "year")
    search_fields = ("territory", "framework_id", "source")
    ordering = ("framework_id", "-year", "territory")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("framework_id", "year", "territory") if obj is not None else ()

    def save_model(
        self, request: HttpRequest, obj: PublishedResult, form: ModelForm, change: bool
    ) -> None:
        data = form.cleaned_data
        saved = published_result_set(
            framework_id=obj.framework_id,
            year=obj.year,
            territory=obj.territory,
            score=data["score"],
            rank=data["rank"],
            rank_of=data["rank_of"],
            sub_scores=data["sub_scores"],
            source=data["source"],
            note=data["note"],
            actor=request.user,
        )
        adopt(obj, saved)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

"""Admin for the city's calendar table. Saves and deletions go through the services, so each
change is validated, audited and seen at once by every cached calendar."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from govindex.calendars.models import CalendarDay
from govindex.calendars.services import (
    WEEKDAY_NAMES,
    calendar_day_check,
    calendar_day_remove,
    calendar_day_set,
)
from govindex.errors import ApplicationError

ADMIN_REMOVAL_REASON = "deleted in the admin"


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ("day", "kind", "name", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day = data.get("day") or (self.instance.day if self.instance.pk else None)
        if day and data.get("kind"):
            try:
                calendar_day_check(day=day, kind=data["kind"])
            except ApplicationError as error:
                raise forms.ValidationError(error.message, code=error.code) from error
        return data


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ("day", "weekday", "kind", "name")
    list_filter = ("kind",)
    search_fields = ("name", "note")
    date_hierarchy = "day"
    fields = ("day", "kind", "name", "note")

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return WEEKDAY_NAMES[obj.day.weekday()]

    def get_readonly_fields(self, request: HttpRequest, obj: CalendarDay | None = None) -> Any:
        return ("day",) if obj is not None else ()

    def save_model(
        self, request: HttpRequest, obj: CalendarDay, form: ModelForm, change: bool
    ) -> None:
        data = form.cleaned_data
        saved = calendar_day_set(
            day=obj.day,
            kind=data["kind"],
            name=data["name"],
            note=data.get("note", ""),
            actor=request.user,
        )
        obj.pk = saved.pk
        obj._state.adding = False
        obj._state.db = saved._state.db

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        calendar_day_remove(day=obj.day, actor=request.user, reason=ADMIN_REMOVAL_REASON)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for day in list(queryset.values_list("day", flat=True)):
            calendar_day_remove(day=day, actor=request.user, reason=ADMIN_REMOVAL_REASON)

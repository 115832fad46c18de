"""Forms of the findings and plan screens: what a clerk types, checked with messages a clerk
understands. Choices (units, people, criteria, tasks) are given by the view."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from govindex.improvement.models import RootCause, Task, TaskStatus
from govindex.languages import active_language
from govindex.orgs.models import Unit
from govindex.orgs.templatetags.units import person_name

#: Dates as ISO (2025-06-30) or as Vietnamese clerks type them (30/06/2025).
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def parse_date(text: str) -> date | None:
    """``text`` as a date in one of ``DATE_FORMATS``, or ``None`` if it is none of them."""
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007 — a date
        except ValueError:
            continue
    return None


class CityDateField(forms.Field):
    """A date typed as 2025-06-30 or 30/06/2025."""

    widget = forms.DateInput(attrs={"type": "date"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        if isinstance(value, date):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        parsed = parse_date(text)
        if parsed is None:
            raise forms.ValidationError(
                _("“%(text)s” is not a date; write it as 2025-06-30 or 30/06/2025."),
                params={"text": text},
            )
        return parsed


class NumberField(forms.FloatField):
    """A number typed with a decimal comma (1,5) or point (1.5), whatever the page's language;
    no thousands separator (a weight or a percentage never needs one)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "maxlength": 20})

    def to_python(self, value: Any) -> float | None:
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)  # type: ignore[no-any-return]


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name_in(active_language())} ({obj.code})"


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return person_name(obj)


class RootCauseChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: RootCause) -> str:
        return obj.name_in(active_language())


def _person_fields(form: forms.Form, people: QuerySet[Any], *, label: Any) -> None:
    form.fields["person"] = PersonChoiceField(
        queryset=people,
        required=False,
        label=label,
        empty_label=_("(someone without an account)"),
    )
    form.fields["person_name"] = forms.CharField(
        required=False,
        max_length=200,
        label=_("or the name of someone without an account"),
    )


class FindingForm(forms.Form):
    """Why one criterion was not (fully) achieved, and who answers for it."""

    def __init__(
        self,
        *args: Any,
        causes: QuerySet[RootCause],
        units: QuerySet[Unit],
        people: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["root_cause"] = RootCauseChoiceField(
            queryset=causes, label=_("Root cause"), empty_label=_("Choose a cause")
        )
        self.fields["cause_text"] = forms.CharField(
            required=False,
            max_length=4000,
            label=_("What happened (free text)"),
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.fields["responsible_unit"] = UnitChoiceField(
            queryset=units, label=_("Responsible unit"), empty_label=None
        )
        _person_fields(self, people, label=_("Responsible person"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not (data.get("person_name") or "").strip():
            self.add_error("person_name", _("Choose the responsible person or type their name."))
        return data


class TaskForm(forms.Form):
    """What a task says; any of its "5 rõ" may still be missing in a draft."""

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit],
        people: QuerySet[Any],
        parents: Iterable[Task],
        criteria: Iterable[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statement"] = forms.CharField(
            required=False,
            max_length=4000,
            label=_("Task"),
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        _person_fields(self, people, label=_("Person in charge"))
        self.fields["deadline"] = CityDateField(required=False, label=_("Deadline"))
        self.fields["accountable_unit"] = UnitChoiceField(
            queryset=units,
            required=False,
            label=_("Accountable unit"),
            empty_label=_("Choose a unit"),
        )
        self.fields["expected_output"] = forms.CharField(
            required=False,
            max_length=4000,
            label=_("Expected output"),
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        self.fields["measure"] = forms.CharField(
            required=False, max_length=4000, label=_("Measure of the result")
        )
        self.fields["criteria"] = forms.MultipleChoiceField(
            required=False,
            choices=list(criteria),
            label=_("Criteria it serves"),
            widget=forms.SelectMultiple(attrs={"size": 6}),
        )
        self.fields["parent"] = forms.TypedChoiceField(
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", _("(top-level task)"))]
            + [(task.pk, f"{task.ref}: {task.statement[:70]}") for task in parents],
            label=_("Part of"),
        )
        self.fields["weight"] = NumberField(
            initial=1.0, min_value=0.01, label=_("Weight in its plan")
        )


class ProgressForm(forms.Form):
    progress = NumberField(min_value=0, max_value=100, label=_("Progress (%)"))


class StatusForm(forms.Form):
    to = forms.ChoiceField(choices=TaskStatus.choices, label=_("New status"))
    reason = forms.CharField(required=False, max_length=1000, label=_("Reason"))


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("Milestone"))
    due = CityDateField(label=_("Due on"))
    weight = NumberField(initial=1.0, min_value=0.01, label=_("Weight"))


class LeadForm(forms.Form):
    """The city makes a department lead for one criterion."""

    def __init__(
        self,
        *args: Any,
        criteria: Iterable[tuple[str, str]],
        departments: QuerySet[Unit],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leaf_id"] = forms.ChoiceField(choices=list(criteria), label=_("Criterion"))
        self.fields["lead_unit"] = UnitChoiceField(
            queryset=departments, label=_("Lead department"), empty_label=None
        )
        self.fields["note"] = forms.CharField(required=False, max_length=2000, label=_("Note"))


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label=_("Plan file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


def plan_people(units: Iterable[Unit], *, keep: Any = None) -> QuerySet[Any]:
    """People who work for any of ``units`` (the choices for a task's or a cause's person), and
    ``keep`` (the person already chosen, who may work elsewhere)."""
    people = Q(memberships__unit__in=list(units), is_active=True)
    if keep is not None:
        people |= Q(pk=keep.pk)
    return (
        get_user_model()
        .objects.filter(people)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )

"""Forms of the assessment screens: what a clerk types, checked with messages a clerk understands."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govindex.assessments.evidence import ACCEPTED_EXTENSIONS
from govindex.assessments.formatting import points_text
from govindex.assessments.frameworks import value_ceiling
from govindex.scoring import Node


class PointsField(forms.Field):
    """A number of points: decimal comma or point, empty for "no score yet"."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "maxlength": 20})

    def __init__(self, *, node: Node, **kwargs: object) -> None:
        self.node = node
        super().__init__(required=False, **kwargs)  # type: ignore[arg-type]

    def to_python(self, value: object) -> float | None:  # type: ignore[override]
        text = str(value or "").strip().replace(",", ".")
        if len(text) > 20:
            raise forms.ValidationError(_("Enter a number of points, not text."))
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            raise forms.ValidationError(
                _("“%(text)s” is not a number of points."), params={"text": value}
            ) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise forms.ValidationError(_("Enter a finite number of points."))
        if number < 0:
            raise forms.ValidationError(_("Points cannot be negative."))
        ceiling = value_ceiling(self.node)
        if ceiling is not None and number > ceiling:
            raise forms.ValidationError(
                _("At most %(max)s on this criterion."), params={"max": points_text(ceiling)}
            )
        return number


class CriterionForm(forms.Form):
    """The unit's own entry on one criterion."""

    def __init__(self, *args: object, node: Node, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["self_value"] = PointsField(node=node, label=_("Self-assessed points"))
        self.fields["not_applicable"] = forms.BooleanField(
            required=False, label=_("Not applicable to this unit")
        )
        self.fields["comment"] = forms.CharField(
            required=False, max_length=4000, label=_("Explanation"), widget=forms.Textarea
        )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("not_applicable"):
            data["self_value"] = None
        return data


class AppraisalForm(forms.Form):
    """The appraiser's score on one self-assessed criterion, with the reason for any change."""

    def __init__(self, *args: object, node: Node, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["appraised_value"] = PointsField(node=node, label=_("Appraised points"))
        self.fields["reason"] = forms.CharField(
            required=False, max_length=2000, label=_("Reason for the change")
        )


class SurveyValueForm(forms.Form):
    """Survey points of one unit on one survey criterion."""

    def __init__(self, *args: object, node: Node, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["survey_value"] = PointsField(node=node, label=_("Survey points"))


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence file"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=2000, label=_("Reason"))


class SurveyImportForm(forms.Form):
    file = forms.FileField(
        label=_("Survey results (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

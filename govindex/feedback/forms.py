"""Forms of the citizen and staff pages (input checks only; the rules are in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from govindex.feedback.models import (
    AbuseReason,
    FeedbackCase,
    FeedbackCategory,
    Rating,
    RejectionReason,
    TransferReason,
)
from govindex.feedback.moderation import MAX_PHOTO_BYTES, MAX_PHOTOS
from govindex.orgs.models import Unit, UnitKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("At most %(count)d photos can be sent with a report.") % {"count": MAX_PHOTOS}
            )
        for upload in files:
            if upload.size > MAX_PHOTO_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(limit)d MB.")
                    % {"name": upload.name, "limit": MAX_PHOTO_BYTES // (1024 * 1024)}
                )
        return list(files)


def area_choices() -> Any:
    return Unit.objects.filter(
        kind__in=[UnitKind.WARD, UnitKind.COMMUNE], active_to__isnull=True
    ).order_by("name_vi")


class ReportForm(forms.Form):
    category = forms.ModelChoiceField(
        queryset=FeedbackCategory.objects.filter(active=True).order_by("group", "name_vi"),
        label=_("What is it about?"),
        empty_label=_("Choose a category"),
    )
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Where exactly, since when, what you saw. Phone and ID numbers are hidden "
            "before anything is published."
        ),
    )
    area = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Commune or ward"),
        empty_label=_("I don't know"),
    )
    address = forms.CharField(label=_("Address or landmark"), max_length=300, required=False)
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    photos = MultiplePhotoField(
        label=_("Photos (JPEG, PNG or WebP, up to 4, 5 MB each)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    repeat_of = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = area_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        code = (data.get("repeat_of") or "").strip().upper()
        data["repeat_of"] = (
            FeedbackCase.objects.filter(tracking_code=code).first() if code else None
        )
        return data


class RatingForm(forms.Form):
    value = forms.ChoiceField(
        choices=Rating.choices, widget=forms.RadioSelect, label=_("Your rating")
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AbuseForm(forms.Form):
    reason = forms.ChoiceField(choices=AbuseReason.choices, label=_("Reason"))
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class RejectForm(forms.Form):
    rejection_reason = forms.ChoiceField(choices=RejectionReason.choices, label=_("Reason"))
    reason = forms.CharField(label=_("Explanation"), max_length=2000, required=False)


class TransferForm(forms.Form):
    to_unit = forms.ModelChoiceField(
        queryset=Unit.objects.filter(active_to__isnull=True)
        .exclude(kind="city")
        .order_by("kind", "name_vi"),
        label=_("Transfer to"),
    )
    transfer_reason = forms.ChoiceField(choices=TransferReason.choices, label=_("Reason"))
    reason = forms.CharField(label=_("Explanation"), max_length=2000, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the citizen"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)

"""Words the dashboards show for stored codes (unit kinds, round states, value sources), and the
language names are read in."""

from __future__ import annotations

from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from govindex.scoring.framework import LANGUAGES

#: Unit kinds as the dashboards name them.
KIND_LABELS = {
    "city": _("City"),
    "province": _("Province"),
    "department": _("Department"),
    "agency": _("Department-level agency"),
    "district": _("District"),
    "ward": _("Ward"),
    "commune": _("Commune"),
    "service_centre": _("Public administrative service centre"),
}

#: Round states as the dashboards name them.
STATE_LABELS = {
    "draft": pgettext_lazy("round state", "Draft"),
    "open": pgettext_lazy("round state", "Open for self-assessment"),
    "submitted": pgettext_lazy("round state", "Self-assessments submitted"),
    "under_appraisal": pgettext_lazy("round state", "Under appraisal"),
    "appraised": pgettext_lazy("round state", "Appraised"),
    "published": pgettext_lazy("round state", "Published"),
}

#: Where a criterion's value comes from (the leaf's ``source`` in the framework file).
SOURCE_LABELS = {
    "self_assessed": _("Self-assessed, then appraised"),
    "survey": _("Sociological survey"),
    "data": _("Computed from records"),
    "external": _("Published by another body"),
}


def active_language() -> str:
    """The active language as the framework files and unit names know it (vi, en or id)."""
    code = (get_language() or "vi").split("-")[0].lower()
    return code if code in LANGUAGES else "vi"


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))

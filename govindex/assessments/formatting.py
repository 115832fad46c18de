"""How results read on every page and printed report: numbers in the language of the page, as a
clerk reads and types them, and the colours of the classes."""

from __future__ import annotations

from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def points_text(value: float | None) -> str:
    """A number of points as a clerk types it in the page's language (``2,5`` in Vietnamese and
    Indonesian, ``2.5`` in English); empty for no value."""
    if value is None:
        return ""
    return f"{value:g}".replace(".", str(get_format("DECIMAL_SEPARATOR")))


#: Colours of the classes, best first (the same as ``.band-N`` in portal.css); white text on
#: each meets WCAG AA contrast. The dashboards' charts and the printed reports both use them.
BAND_COLOURS = ("#1e6b3a", "#1f4f8a", "#8a5a00", "#a4161a", "#5b2a86", "#444b55")
NO_CLASS_COLOUR = "#8a939e"


def band_colour(level: int | None) -> str:
    """The colour of class ``level`` (1 for the best); grey for a unit with no class."""
    if level is None:
        return NO_CLASS_COLOUR
    return BAND_COLOURS[min(level, len(BAND_COLOURS)) - 1]


#: Unit kinds as the dashboards and reports name them (capitalised, unlike the model choices).
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

#: Round states as the dashboards and reports name them.
STATE_LABELS = {
    "draft": pgettext_lazy("round state", "Draft"),
    "open": pgettext_lazy("round state", "Open for self-assessment"),
    "submitted": pgettext_lazy("round state", "Self-assessments submitted"),
    "under_appraisal": pgettext_lazy("round state", "Under appraisal"),
    "appraised": pgettext_lazy("round state", "Appraised"),
    "published": pgettext_lazy("round state", "Published"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))

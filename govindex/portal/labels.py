"""Words the dashboards show for stored codes (unit kinds, round states, value sources), and the
language names are read in."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from govindex.scoring.framework import LANGUAGES

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

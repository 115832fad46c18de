"""Words the dashboards show for stored codes (unit kinds, round states, value sources), and the
language names are read in."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: Where a criterion's value comes from (the leaf's ``source`` in the framework file).
SOURCE_LABELS = {
    "self_assessed": _("Self-assessed, then appraised"),
    "survey": _("Sociological survey"),
    "data": _("Computed from records"),
    "external": _("Published by another body"),
}

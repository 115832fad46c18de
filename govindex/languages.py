"""The language a request is answered in, as the framework files and the names of units,
causes and categories know it (``vi``, ``en`` or ``id``)."""

from __future__ import annotations

from django.utils.translation import get_language

from govindex.scoring.framework import LANGUAGES


def active_language() -> str:
    """The active language's code without a region (``vi``, ``en``, ``id``); Vietnamese when
    none is active or the active one is not among them."""
    code = (get_language() or "vi").split("-")[0].lower()
    return code if code in LANGUAGES else "vi"

"""Numbers in the language of the page, as a clerk reads and types them."""

from __future__ import annotations

from django.utils.formats import get_format


def points_text(value: float | None) -> str:
    """A number of points as a clerk types it in the page's language (``2,5`` in Vietnamese and
    Indonesian, ``2.5`` in English); empty for no value."""
    if value is None:
        return ""
    return f"{value:g}".replace(".", str(get_format("DECIMAL_SEPARATOR")))

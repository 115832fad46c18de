"""Numbers of the reports in the language the report is read in: ``{{ value|decimal:2 }}`` →
``85,42`` in Vietnamese and Indonesian, ``85.42`` in English; ``{{ change|signed }}`` →
``+1,25`` / ``−0,50``; "–" for none (N/A is never 0)."""

from __future__ import annotations

from django import template
from django.utils.formats import get_format

from govindex.improvement.report_charts import decimal_text

register = template.Library()


@register.filter
def decimal(value: float | str | None, places: int | str = 2) -> str:
    """``value`` with ``places`` decimals and the active language's separator; a negative
    ``places`` drops the decimals of a whole number (``-2``: ``10`` but ``2,50``)."""
    if value is None or value == "":
        return "–"
    count = int(places)
    number = float(value)
    if count < 0:
        count = 0 if number == round(number) else -count
    return decimal_text(number, count, str(get_format("DECIMAL_SEPARATOR")))


@register.filter
def signed(value: float | None, places: int | str = 2) -> str:
    """A change with its sign: ``+1,25``, ``−0,50`` (a minus sign, not a hyphen), ``0,00``."""
    if value is None:
        return "–"
    count = int(places)
    rounded = round(float(value), count)
    text = decimal_text(abs(rounded), count, str(get_format("DECIMAL_SEPARATOR")))
    if rounded > 0:
        return f"+{text}"
    if rounded < 0:
        return f"\N{MINUS SIGN}{text}"
    return text

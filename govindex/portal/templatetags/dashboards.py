"""Template helpers of the dashboards: signed numbers for changes, download links."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import get_format, number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from govindex.assessments.formatting import state_label
from govindex.languages import active_language
from govindex.orgs.models import Unit
from govindex.portal.downloads import download_links

register = template.Library()


@register.filter
def signed(value: float | None, decimals: int = 2) -> str:
    """``+1,25`` / ``−0,50`` / ``0,00`` in the active language's number format (– for none)."""
    if value is None:
        return "–"
    rounded = round(float(value), int(decimals))
    text = number_format(abs(rounded), decimal_pos=int(decimals), use_l10n=True)
    if rounded > 0:
        return f"+{text}"
    if rounded < 0:
        return f"\N{MINUS SIGN}{text}"
    return text


@register.inclusion_tag("portal/includes/downloads.html", takes_context=True)
def downloads(context: dict[str, Any], what: str) -> dict[str, Any]:
    """Links to the page's table as CSV and XLSX; ``what`` names the table for screen readers."""
    return {"links": download_links(context["request"]), "what": what}


@register.filter
def state_name(state: str) -> str:
    """A round state as the dashboards name it (``under_appraisal`` → "Under appraisal")."""
    return state_label(state)


@register.filter
def unit_name(unit: Unit) -> str:
    """The unit's name in the active language (Vietnamese when it has none in that language)."""
    return unit.name_in(active_language())


@register.filter
def fixed(value: float | None, decimals: int | str = 2) -> str:
    """A number with ``decimals`` places and the active language's decimal separator (– for
    none); a negative ``decimals`` drops the places of a whole number, like ``floatformat``.

    ``floatformat`` does the same through ``Decimal`` and costs ~20× more; the ranking and heat
    map show thousands of numbers. No thousands separator: the dashboards' numbers stay below
    1,000 (scores, points, shares in %)."""
    return _fixed(value, int(decimals), get_format("DECIMAL_SEPARATOR"))


def _fixed(value: float | None, places: int, separator: str) -> str:
    if value is None or value == "":
        return "–"
    number = float(value)
    if places < 0:
        places = 0 if number == round(number) else -places
    text = f"{number:.{places}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text if separator == "." else text.replace(".", separator)


@register.simple_tag
def linked_cells(cells: list[tuple[Any, float | None]], url: str, decimals: int = 2) -> str:
    """``<td>`` cells of numbers, each linking to ``url#node-<area id>`` (– where none).

    The ranking and the heat map have a cell per unit and area (over a thousand in the Hanoi
    demo); building them here, escaping once, costs a fraction of a template loop."""
    separator = get_format("DECIMAL_SEPARATOR")
    href = escape(url)
    parts = []
    for area, value in cells:
        if value is None:
            parts.append('<td class="num">–</td>')
        else:
            number = _fixed(value, decimals, separator)
            parts.append(
                f'<td class="num"><a href="{href}#node-{escape(area.id)}">{number}</a></td>'
            )
    return mark_safe("".join(parts))  # noqa: S308 — every piece above is escaped or a number

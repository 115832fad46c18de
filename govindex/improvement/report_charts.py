"""The reports' charts, drawn on the server as inline SVG.

WeasyPrint runs no JavaScript, so the ECharts of the dashboards cannot draw in a PDF; these
charts are plain SVG that the PDF and the report's page both show. Every text is escaped here,
numbers are written with the report's decimal separator, and each chart carries a title and an
``aria-label`` (the same values are in the report's tables).

The colours of the classes are those of the dashboards (``portal/charts.py``, ``.band-N`` in
``portal.css``); this module sits below the portal and cannot import them, so a test keeps the
two lists equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from govindex.assessments.formatting import band_colour

BAR_COLOUR = "#1f4f8a"
TRACK_COLOUR = "#e6e9ee"
TEXT_COLOUR = "#1d232b"
MUTED_COLOUR = "#5a6470"
FONT = "DejaVu Sans, Arial, sans-serif"

#: Width of every chart's drawing, in SVG units (it scales to the width of the page).
WIDTH = 720
LABEL_WIDTH = 330
VALUE_WIDTH = 110
ROW_HEIGHT = 22
BAR_HEIGHT = 13
FONT_SIZE = 11
#: Labels longer than this are cut with an ellipsis (the full name is in the SVG's ``<title>``
#: of the row and in the report's tables).
LABEL_CHARACTERS = 52


def decimal_text(value: float | None, places: int, separator: str) -> str:
    """``value`` with ``places`` decimals and ``separator`` before them; "–" for none."""
    if value is None:
        return "–"
    text = f"{value:.{places}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text if separator == "." else text.replace(".", separator)


def _cut(label: str, characters: int = LABEL_CHARACTERS) -> str:
    return label if len(label) <= characters else label[: characters - 1].rstrip() + "…"


def _number(value: float) -> str:
    """A coordinate, short and with a dot whatever the language."""
    return f"{value:.1f}".removesuffix(".0")


def _svg(width: float, height: float, title: str, body: Sequence[str]) -> SafeString:
    label = escape(title)
    return mark_safe(  # noqa: S308 — every text below is escaped; the rest are numbers
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {_number(width)} {_number(height)}" '
        f'width="{_number(width)}" height="{_number(height)}" '
        f'aria-label="{label}" font-family="{FONT}" font-size="{FONT_SIZE}">'
        f"<title>{label}</title>{''.join(body)}</svg>"
    )


@dataclass(frozen=True)
class Bar:
    """One row of a horizontal bar chart."""

    label: str
    value: float | None
    #: The text shown right of the bar (the value, formatted by the caller).
    value_text: str
    colour: str = BAR_COLOUR
    #: A thin mark across the row at this value (e.g. the city median), or ``None``.
    marker: float | None = None
    #: The row's full description for the SVG ``<title>`` (the label when empty).
    description: str = ""


def horizontal_bars(
    bars: Sequence[Bar], *, scale_max: float, title: str, marker_label: str = ""
) -> SafeString:
    """A bar per row, from 0 to ``value`` on a grey track from 0 to ``scale_max``; "–" rows
    (no value) keep their line with an empty track. ``marker_label`` names the markers in a
    legend line under the bars."""
    track = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    scale = track / scale_max if scale_max > 0 else 0.0
    body = []
    for position, bar in enumerate(bars):
        top = position * ROW_HEIGHT
        middle = top + ROW_HEIGHT / 2
        body.append(f"<g><title>{escape(bar.description or bar.label)}</title>")
        body.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{_number(middle + 4)}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(_cut(bar.label))}</text>'
        )
        bar_top = _number(middle - BAR_HEIGHT / 2)
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{bar_top}" width="{_number(track)}" '
            f'height="{BAR_HEIGHT}" fill="{TRACK_COLOUR}"/>'
        )
        if bar.value is not None and bar.value > 0:
            length = min(track, bar.value * scale)
            body.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar_top}" width="{_number(length)}" '
                f'height="{BAR_HEIGHT}" fill="{bar.colour}"/>'
            )
        if bar.marker is not None:
            x = LABEL_WIDTH + min(track, max(0.0, bar.marker * scale))
            body.append(
                f'<line x1="{_number(x)}" x2="{_number(x)}" y1="{_number(top + 2)}" '
                f'y2="{_number(top + ROW_HEIGHT - 2)}" stroke="{TEXT_COLOUR}" '
                f'stroke-width="2"/>'
            )
        body.append(
            f'<text x="{WIDTH - VALUE_WIDTH + 8}" y="{_number(middle + 4)}" '
            f'fill="{TEXT_COLOUR}">{escape(bar.value_text)}</text></g>'
        )
    height = len(bars) * ROW_HEIGHT
    if marker_label and any(bar.marker is not None for bar in bars):
        legend = height + 14
        body.append(
            f'<line x1="{LABEL_WIDTH}" x2="{LABEL_WIDTH}" y1="{legend - 9}" y2="{legend + 3}" '
            f'stroke="{TEXT_COLOUR}" stroke-width="2"/>'
            f'<text x="{LABEL_WIDTH + 8}" y="{legend + 1}" fill="{MUTED_COLOUR}">'
            f"{escape(marker_label)}</text>"
        )
        height = legend + 8
    return _svg(WIDTH, max(height, ROW_HEIGHT), title, body)


@dataclass(frozen=True)
class Column:
    """One unit of the ranking chart."""

    label: str
    score: float | None
    level: int | None
    highlighted: bool = False


@dataclass(frozen=True)
class Threshold:
    """A class's lower bound, drawn as a dashed line across the ranking chart."""

    name: str
    minimum: float
    level: int


RANKING_HEIGHT = 260
RANKING_LEFT = 44
RANKING_TOP = 16
RANKING_BOTTOM = 26


def ranking_columns(
    columns: Sequence[Column],
    *,
    thresholds: Sequence[Threshold],
    title: str,
    highlight_label: str = "",
    separator: str = ",",
) -> SafeString:
    """A column per scored unit, best on the left, coloured by class; the classes' lower bounds
    dashed; a highlighted unit (the report's own) marked with a triangle and ``highlight_label``.
    The score axis runs from 0 to 100 (a percentage)."""
    scored = [column for column in columns if column.score is not None]
    plot_width = WIDTH - RANKING_LEFT - 8
    plot_height = RANKING_HEIGHT - RANKING_TOP - RANKING_BOTTOM
    step = plot_width / max(len(scored), 1)
    gap = min(2.0, step * 0.25)

    def y(score: float) -> float:
        return RANKING_TOP + plot_height * (1 - max(0.0, min(score, 100.0)) / 100)

    body = []
    for tick in (0, 25, 50, 75, 100):
        body.append(
            f'<line x1="{RANKING_LEFT}" x2="{WIDTH - 8}" y1="{_number(y(tick))}" '
            f'y2="{_number(y(tick))}" stroke="{TRACK_COLOUR}"/>'
            f'<text x="{RANKING_LEFT - 6}" y="{_number(y(tick) + 4)}" text-anchor="end" '
            f'fill="{MUTED_COLOUR}">{tick}</text>'
        )
    for position, column in enumerate(scored):
        assert column.score is not None
        left = RANKING_LEFT + position * step + gap / 2
        top = y(column.score)
        body.append(
            f'<rect x="{_number(left)}" y="{_number(top)}" '
            f'width="{_number(max(step - gap, 0.6))}" '
            f'height="{_number(RANKING_TOP + plot_height - top)}" '
            f'fill="{band_colour(column.level)}">'
            f"<title>{escape(column.label)}: "
            f"{escape(decimal_text(column.score, 2, separator))}</title></rect>"
        )
        if column.highlighted:
            middle = left + (step - gap) / 2
            body.append(
                f'<path d="M{_number(middle)} {_number(top - 3)} l-5 -9 h10 z" '
                f'fill="{TEXT_COLOUR}"/>'
            )
            anchor = "start" if middle < WIDTH / 2 else "end"
            shift = 8 if anchor == "start" else -8
            body.append(
                f'<text x="{_number(middle + shift)}" y="{_number(max(top - 4, 11))}" '
                f'text-anchor="{anchor}" font-weight="bold" fill="{TEXT_COLOUR}">'
                f"{escape(highlight_label or column.label)}</text>"
            )
    for threshold in thresholds:
        if threshold.minimum <= 0:
            continue
        line_y = _number(y(threshold.minimum))
        body.append(
            f'<line x1="{RANKING_LEFT}" x2="{WIDTH - 8}" y1="{line_y}" y2="{line_y}" '
            f'stroke="{band_colour(threshold.level)}" stroke-dasharray="4 3"/>'
        )
    legend_y = RANKING_HEIGHT - 6
    x = float(RANKING_LEFT)
    for threshold in thresholds:
        text = f"{threshold.name} ≥ {decimal_text(threshold.minimum, 0, separator)}"
        if threshold.minimum <= 0:
            text = threshold.name
        body.append(
            f'<rect x="{_number(x)}" y="{legend_y - 9}" width="10" height="10" '
            f'fill="{band_colour(threshold.level)}"/>'
            f'<text x="{_number(x + 14)}" y="{legend_y}" fill="{MUTED_COLOUR}">'
            f"{escape(text)}</text>"
        )
        x += 24 + len(text) * 6.4
    return _svg(WIDTH, RANKING_HEIGHT, title, body)

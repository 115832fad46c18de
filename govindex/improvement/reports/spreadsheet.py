"""A report as an XLSX workbook (openpyxl): a summary sheet, then one sheet per section of the
report, each a table with a bold, frozen header row, number formats and column widths.

Numbers stay numbers (Excel shows them with the reader's decimal separator); "N/A" is an empty
cell, never 0; dates are dates. Sheet names and headings are in the report's language.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from govindex.improvement.reports.city import CityReport
    from govindex.improvement.reports.unit import UnitReport

Cell = str | int | float | datetime.date | None

TEXT = "@"
WHOLE = "0"
POINTS = "0.00"
PERCENT = "0.0"
SIGNED = "+0.00;-0.00;0.00"
DATE = "dd/mm/yyyy"


@dataclass(frozen=True)
class Column:
    heading: str
    width: float
    number_format: str | None = None


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    #: Number formats of single cells, by (row, column) counted from 1 (the header is row 1).
    cell_formats: dict[tuple[int, int], str] = field(default_factory=dict)


def _title(text: str) -> str:
    """A valid sheet name: no ``\\ / * ? : [ ]``, at most 31 characters."""
    return re.sub(r"[\\/*?:\[\]]", "-", text)[:31] or "Sheet"


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", start_color="E6E9EE", end_color="E6E9EE")
    for spec in sheets:
        sheet = workbook.create_sheet(_title(spec.title))
        sheet.append([column.heading for column in spec.columns])
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        for row in spec.rows:
            sheet.append(list(row))
        for index, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = column.width
            if column.number_format is None:
                continue
            for (cell,) in sheet.iter_rows(
                min_row=2, min_col=index, max_col=index, max_row=sheet.max_row
            ):
                cell.number_format = column.number_format
        for (row_number, column_number), number_format in spec.cell_formats.items():
            sheet.cell(row=row_number, column=column_number).number_format = number_format
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _summary(items: list[tuple[str, Cell, str | None]]) -> Sheet:
    """Label and value rows, each value with its own number format."""
    return Sheet(
        _("Summary"),
        [Column(_("Item"), 34), Column(_("Value"), 60)],
        [[label, value] for label, value, _format in items],
        cell_formats={(row, 2): fmt for row, (_l, _v, fmt) in enumerate(items, start=2) if fmt},
    )


def unit_sheets(report: UnitReport) -> list[Sheet]:
    previous = report.previous.period if report.previous is not None else None
    summary = _summary(
        [
            (_("Unit"), report.unit_name, None),
            (_("Unit code"), report.unit.code, TEXT),
            (_("Round"), report.round.name, None),
            (_("Method"), report.framework_name, None),
            (_("Status"), report.state_label, None),
            (_("Score (%)"), report.score, POINTS),
            (_("Points"), report.points, POINTS),
            (_("Maximum points"), report.max_points, POINTS),
            (_("Class"), report.band_name or None, None),
            *(
                [(_("Rank"), report.rank, WHOLE), (_("Units ranked"), report.ranked_count, WHOLE)]
                if report.comparisons
                else []
            ),
            (_("Compared with"), previous, TEXT),
            (_("Change on the previous round"), report.change, SIGNED),
            (_("Report date"), report.generated_on, DATE),
        ]
    )
    compare = report.comparisons
    scorecard = Sheet(
        _("Scorecard"),
        [
            Column(_("No."), 6, WHOLE),
            Column(_("Area"), 48),
            Column(_("Points"), 10, POINTS),
            Column(_("Max"), 10, POINTS),
            Column(_("Share (%)"), 11, PERCENT),
            Column(_("Change (percentage points)"), 14, SIGNED),
            *([Column(_("City median (%)"), 13, PERCENT)] if compare else []),
        ],
        [
            [
                row.number,
                row.name,
                row.points,
                row.max_points,
                row.share,
                row.change,
                *([row.city_median] if compare else []),
            ]
            for row in report.areas
        ],
    )
    weakest = Sheet(
        _("Weakest criteria"),
        [
            Column(_("Criterion code"), 16, TEXT),
            Column(_("Criterion"), 48),
            Column(_("Area"), 30),
            Column(_("Status"), 16),
            Column(_("Points"), 10, POINTS),
            Column(_("Max"), 10, POINTS),
            Column(_("Points at stake"), 12, POINTS),
            Column(_("Change on the previous round"), 14, SIGNED),
            *(
                [
                    Column(_("Rank"), 8, WHOLE),
                    Column(_("Best peer"), 30),
                    Column(_("Best peer's points"), 12, POINTS),
                ]
                if compare
                else []
            ),
        ],
        [
            [
                row.leaf_id,
                row.name,
                row.area_name,
                row.status_label,
                row.points,
                row.max_points,
                row.points_at_stake,
                row.change,
                *([row.rank, row.best_peer_name or None, row.best_peer_points] if compare else []),
            ]
            for row in report.weakest
        ],
    )
    causes = Sheet(
        _("Root causes"),
        [
            Column(_("Criterion code"), 16, TEXT),
            Column(_("Criterion"), 44),
            Column(_("Root cause"), 34),
            Column(_("Details"), 48),
            Column(_("Responsible unit"), 30),
            Column(_("Responsible person"), 24),
        ],
        [
            [
                row.leaf_id,
                row.criterion,
                row.cause,
                row.detail or None,
                row.responsible_unit,
                row.responsible_person or None,
            ]
            for row in report.causes
        ],
    )
    plan = Sheet(
        _("Plan"),
        [
            Column(_("Task"), 10, TEXT),
            Column(_("Level"), 7, WHOLE),
            Column(_("Task statement"), 48),
            Column(_("Person"), 22),
            Column(_("Deadline"), 12, DATE),
            Column(_("Accountable unit"), 28),
            Column(_("Expected output"), 34),
            Column(_("Measure"), 28),
            Column(_("Criteria"), 34),
            Column(_("Progress (%)"), 11, PERCENT),
            Column(_("Status"), 14),
            Column(_("Overdue"), 10),
            Column(_('Missing "5 rõ" elements'), 30),
        ],
        [
            [
                row.ref,
                row.depth + 1,
                row.statement or None,
                row.person or None,
                row.deadline,
                row.accountable_unit or None,
                row.expected_output or None,
                row.measure or None,
                "; ".join(row.criteria) or None,
                row.progress,
                row.status_label,
                _("yes") if row.overdue else _("no"),
                ", ".join(row.missing) or None,
            ]
            for row in report.tasks
        ],
    )
    return [summary, scorecard, weakest, causes, plan]


def city_sheets(report: CityReport) -> list[Sheet]:
    previous = report.previous.period if report.previous is not None else None
    summary = _summary(
        [
            (_("Round"), report.round.name, None),
            (_("Method"), report.framework_name, None),
            (_("Status"), report.state_label, None),
            (_("Units scored"), report.scored, WHOLE),
            (_("Mean score (%)"), report.mean, POINTS),
            (_("Median score (%)"), report.median, POINTS),
            (_("Compared with"), previous, TEXT),
            (_("Units improved"), report.improved if report.compared else None, WHOLE),
            (_("Units declined"), report.declined if report.compared else None, WHOLE),
            (_("Report date"), report.generated_on, DATE),
        ]
    )
    ranking = Sheet(
        _("Ranking"),
        [
            Column(_("Rank"), 8, WHOLE),
            Column(_("Unit code"), 12, TEXT),
            Column(_("Unit"), 40),
            Column(_("Kind"), 22),
            Column(_("Score (%)"), 11, POINTS),
            Column(_("Class"), 16),
            Column(_("Change on the previous round"), 14, SIGNED),
        ],
        [
            [
                row.rank,
                row.unit_code,
                row.unit_name,
                row.kind_label,
                row.score,
                row.band_name or None,
                row.change,
            ]
            for row in report.rows
        ],
    )
    classes = Sheet(
        _("Classes"),
        [
            Column(_("Class"), 24),
            Column(_("From score (%)"), 14, PERCENT),
            Column(_("Units"), 10, WHOLE),
            Column(_("Share of units (%)"), 16, PERCENT),
        ],
        [[item.name, item.minimum, item.count, item.share] for item in report.classes],
    )
    changes = Sheet(
        _("Changes"),
        [
            Column(_("Direction"), 14),
            Column(_("Unit code"), 12, TEXT),
            Column(_("Unit"), 40),
            Column(_("Score (%)"), 11, POINTS),
            Column(_("Change on the previous round"), 14, SIGNED),
        ],
        [[_("gain"), row.unit_code, row.unit_name, row.score, row.change] for row in report.risers]
        + [
            [_("fall"), row.unit_code, row.unit_name, row.score, row.change]
            for row in report.fallers
        ],
    )
    plan = Sheet(
        _("City plan"),
        [
            Column(_("Lead department"), 36),
            Column(_("Criterion code"), 16, TEXT),
            Column(_("Criterion"), 44),
            Column(_("Units with tasks"), 12, WHOLE),
            Column(_("Tasks"), 9, WHOLE),
            Column(_("Overdue"), 9, WHOLE),
            Column(_("Progress (%)"), 11, PERCENT),
        ],
        [
            [
                department.name,
                criterion.leaf_id,
                criterion.name,
                criterion.units,
                criterion.tasks,
                criterion.overdue,
                criterion.progress,
            ]
            for department in report.departments
            for criterion in department.criteria
        ],
    )
    indices = Sheet(
        _("Official indices"),
        [
            Column(_("Index"), 36),
            Column(_("Sub-index"), 36),
            Column(_("Year"), 8, WHOLE),
            Column(_("Hanoi"), 10, POINTS),
            Column(_("Rank"), 8, WHOLE),
            Column(_("Out of"), 8, WHOLE),
            Column(_("Change on the year before"), 14, SIGNED),
            Column(_("Best province"), 22),
            Column(_("Its value"), 10, POINTS),
            Column(_("Gap"), 10, POINTS),
            Column(_("Index points at stake"), 14, POINTS),
        ],
    )
    for index in report.indices:
        indices.rows.append(
            [
                index.name,
                None,
                index.year,
                index.score,
                index.rank,
                index.rank_of,
                index.change,
                index.best_territory,
                index.best_score,
                None
                if index.best_score is None or index.score is None
                else index.best_score - index.score,
                None,
            ]
        )
        indices.rows.extend(
            [
                index.name,
                row.name,
                index.breakdown_year,
                row.value,
                None,
                None,
                row.change,
                row.best_territory,
                row.best_value,
                row.gap,
                row.index_points_at_stake,
            ]
            for row in index.rows
        )
    return [summary, ranking, classes, changes, plan, indices]


def report_xlsx(report: UnitReport | CityReport) -> bytes:
    """The report as an XLSX workbook, in the report's language."""
    with translation.override(report.language):
        sheets = unit_sheets(report) if report.kind == "unit" else city_sheets(report)  # type: ignore[arg-type]
        return workbook_bytes(sheets)

"""Reading a file of survey points: one row per unit (column ``unit``: the unit's code), one
column per survey criterion (its id). Every problem is reported by file row and column."""

from __future__ import annotations

import math
from pathlib import Path

from django.utils.translation import gettext as _

from govindex.assessments.frameworks import value_ceiling
from govindex.assessments.models import Round
from govindex.orgs.models import Unit
from govindex.scoring import Framework
from govindex.scoring.framework import Source
from govindex.tabular import TableError, read_table

UNIT_COLUMN = "unit"


class SurveyTableError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _number(cell: object) -> float | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        raise ValueError
    number = (
        float(cell) if isinstance(cell, int | float) else float(str(cell).strip().replace(",", "."))
    )
    if not math.isfinite(number):  # "nan", "inf": float() reads them, nobody means them
        raise ValueError
    return number


def read_survey_table(
    path: Path, *, round: Round, framework: Framework
) -> dict[tuple[Unit, str], float | None]:
    """``{(unit, leaf id): points}`` from the file; ``SurveyTableError`` lists every problem.
    An empty cell is skipped (the stored value stays)."""
    try:
        table = read_table(path)
    except TableError as error:
        raise SurveyTableError([str(error)]) from error
    survey = {leaf.id: leaf for leaf in framework.leaves if leaf.source is Source.SURVEY}
    header = [name.strip() for name in table.header]
    problems: list[str] = []
    if UNIT_COLUMN not in header:
        problems.append(
            _("Row 1: the header needs a column named “%(column)s” (unit codes).")
            % {"column": UNIT_COLUMN}
        )
    unknown = [name for name in header if name and name != UNIT_COLUMN and name not in survey]
    if unknown:
        problems.append(
            _(
                "Row 1: %(unknown)s are not survey criteria of %(framework)s; expected some of: %(known)s."
            )
            % {"unknown": ", ".join(unknown), "framework": framework.id, "known": ", ".join(survey)}
        )
    problems.extend(
        _("Row 1: %(column)s appears in more than one column.") % {"column": name}
        for name in dict.fromkeys(header)
        if name and header.count(name) > 1
    )
    if problems:
        raise SurveyTableError(problems)
    units = {unit.code: unit for unit in Unit.objects.filter(round_units__round=round)}
    unit_at = header.index(UNIT_COLUMN)
    values: dict[tuple[Unit, str], float | None] = {}
    seen: dict[str, int] = {}
    for number, row in zip(table.row_numbers, table.rows, strict=True):
        code = str(row[unit_at] or "").strip() if unit_at < len(row) else ""
        unit = units.get(code)
        if unit is None:
            problems.append(
                _("Row %(row)d, column %(column)s: “%(code)s” is not a unit of round %(round)r.")
                % {"row": number, "column": UNIT_COLUMN, "code": code, "round": round.name}
            )
            continue
        if code in seen:
            problems.append(
                _("Row %(row)d: unit %(code)s already appears in row %(first)d.")
                % {"row": number, "code": code, "first": seen[code]}
            )
            continue
        seen[code] = number
        for position, name in enumerate(header):
            if name not in survey or position >= len(row):
                continue
            leaf = survey[name]
            try:
                value = _number(row[position])
            except ValueError:
                problems.append(
                    _("Row %(row)d, column %(column)s: “%(text)s” is not a number.")
                    % {"row": number, "column": name, "text": row[position]}
                )
                continue
            if value is None:
                continue
            ceiling = value_ceiling(leaf)
            if value < 0 or (ceiling is not None and value > ceiling):
                problems.append(
                    _("Row %(row)d, column %(column)s: %(value)s is outside 0–%(max)s.")
                    % {"row": number, "column": name, "value": f"{value:g}", "max": f"{ceiling:g}"}
                    if ceiling is not None
                    else _("Row %(row)d, column %(column)s: %(value)s is negative.")
                    % {"row": number, "column": name, "value": f"{value:g}"}
                )
                continue
            values[(unit, name)] = value
    if problems:
        raise SurveyTableError(problems)
    return values

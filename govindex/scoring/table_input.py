"""Turn a table of cells (first column the unit, other columns leaf ids) into scoring input.

Every problem names the file row and the column, so a clerk can find it in Excel:
``row 5, column D 'transparency': 'abc' is not a number``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from govindex.scoring.engine import value_problems
from govindex.scoring.framework import Framework

#: Cells that mean "this criterion does not apply to this unit" (it leaves the denominator).
NOT_APPLICABLE_MARKERS = frozenset(
    {"kad", "không áp dụng", "khong ap dung", "not applicable", "tidak berlaku", "-"}
)
#: Cells that are ambiguous between "missing" and "not applicable": refused with advice.
AMBIGUOUS_MARKERS = frozenset({"n/a", "na", "#n/a"})
DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


@dataclass(frozen=True)
class TableProblem:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                f"row {self.row}" if self.row is not None else "",
                f"column {self.column}" if self.column else "",
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message


class TableInputError(ValueError):
    def __init__(self, problems: list[TableProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class ScoreTable:
    units: tuple[str, ...]
    values: npt.NDArray[np.float64]
    applicable: npt.NDArray[np.bool_]
    row_numbers: tuple[int, ...]
    warnings: tuple[str, ...]


def _letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _column_name(position: int, header: str) -> str:
    return f"{_letter(position)} '{header}'"


def parse_score_table(
    framework: Framework,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    row_numbers: Sequence[int],
) -> ScoreTable:
    """Read units and leaf values; raise ``TableInputError`` listing every bad cell."""
    problems: list[TableProblem] = []
    warnings: list[str] = []
    leaf_position = {leaf_id: i for i, leaf_id in enumerate(framework.leaf_ids)}
    columns: dict[int, int] = {}  # table column → leaf position
    seen_leaf: dict[str, int] = {}
    for position, name in enumerate(header[1:], start=1):
        if name in leaf_position:
            if name in seen_leaf:
                problems.append(
                    TableProblem(
                        1,
                        _column_name(position, name),
                        f"leaf {name!r} appears twice (also column {_letter(seen_leaf[name])})",
                    )
                )
                continue
            seen_leaf[name] = position
            columns[position] = leaf_position[name]
        else:
            shown = name or "(no header)"
            warnings.append(
                f"column {_letter(position)} {shown!r} is not a leaf of {framework.id}: ignored"
            )
    for leaf_id in framework.leaf_ids:
        if leaf_id not in seen_leaf:
            problems.append(
                TableProblem(1, None, f"column {leaf_id!r} is missing (a leaf of {framework.id})")
            )
    if not rows:
        problems.append(TableProblem(None, None, "the file has a header but no data rows"))

    unit_column = _column_name(0, header[0] if header else "")
    units: list[str] = []
    first_row_of: dict[str, int] = {}
    values = np.full((len(rows), len(framework.leaf_ids)), np.nan)
    applicable = np.ones_like(values, dtype=bool)
    for index, (cells, number) in enumerate(zip(rows, row_numbers, strict=True)):
        unit = "" if not cells or cells[0] is None else str(cells[0]).strip()
        if not unit:
            problems.append(TableProblem(number, unit_column, "the unit name is empty"))
        elif unit in first_row_of:
            problems.append(
                TableProblem(
                    number,
                    unit_column,
                    f"unit {unit!r} appears twice (first on row {first_row_of[unit]})",
                )
            )
        else:
            first_row_of[unit] = number
        units.append(unit or f"(row {number})")
        for position, leaf in columns.items():
            cell = cells[position] if position < len(cells) else None
            value, message = _number(cell)
            if message:
                problems.append(
                    TableProblem(number, _column_name(position, header[position]), message)
                )
            elif value is None:
                continue
            elif value == "not_applicable":
                applicable[index, leaf] = False
            else:
                values[index, leaf] = value
    for problem in value_problems(framework, units, values, applicable):
        position = seen_leaf[problem.leaf_id]
        number = row_numbers[problem.unit_index]
        problems.append(
            TableProblem(number, _column_name(position, header[position]), problem.message)
        )
    if problems:
        problems.sort(key=_reading_order)
        raise TableInputError(problems)
    return ScoreTable(
        units=tuple(units),
        values=values,
        applicable=applicable,
        row_numbers=tuple(row_numbers),
        warnings=tuple(warnings),
    )


def _reading_order(problem: TableProblem) -> tuple[int, int, str]:
    letter = (problem.column or "").split(" ", 1)[0]
    return (problem.row or 0, len(letter), letter)


def _number(cell: object) -> tuple[float | str | None, str]:
    """A cell's number, ``None`` when empty (missing), or ``"not_applicable"``; else a message."""
    if cell is None:
        return None, ""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if not math.isfinite(cell):
            return None, f"{cell!r} is not a finite number"
        return float(cell), ""
    text = str(cell).strip()
    lowered = text.lower()
    if not text:
        return None, ""
    if lowered in NOT_APPLICABLE_MARKERS:
        return "not_applicable", ""
    if lowered in AMBIGUOUS_MARKERS:
        return None, (
            f"{text!r} is ambiguous: leave the cell empty when the value is missing, "
            "or write KAD (không áp dụng) when the criterion does not apply"
        )
    if DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None, f"{cell!r} is not a number (expected a number such as 7.5)"
    if not math.isfinite(value):
        return None, f"{cell!r} is not a finite number"
    return value, ""

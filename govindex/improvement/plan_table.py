"""The plan file: one row per task, the same columns in CSV and XLSX, so a plan exported from one
unit or round imports into another and exports again row for row.

Reading checks every row before anything is written and reports each problem as
"Row N, column X: what was expected" (file rows, header = 1). Writing goes through
``services.plan_import``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import Round
from govindex.improvement.five_clear import five_clear_labels
from govindex.improvement.forms import parse_date
from govindex.improvement.models import Task, TaskStatus
from govindex.improvement.selectors import flatten, unit_plan
from govindex.improvement.services import LIST_SEPARATOR, MILESTONE_SEPARATOR
from govindex.orgs.models import Unit
from govindex.tabular import Cell, TableError, read_table, write_rows

COLUMNS = (
    "ref",
    "parent_ref",
    "statement",
    "person",
    "deadline",
    "accountable_unit",
    "expected_output",
    "measure",
    "criteria",
    "weight",
    "progress",
    "status",
    "milestones",
)
REQUIRED_COLUMNS = ("ref", "statement")
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Keys of the plan: letters, digits and . _ - (they also appear in parent_ref).
REF_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
#: A status that says the task was approved: its "5 rõ" must be complete.
APPROVED_STATUSES = frozenset({TaskStatus.APPROVED, TaskStatus.IN_PROGRESS, TaskStatus.DONE})


class PlanTableError(ValueError):
    """The file cannot be imported; ``problems`` lists every reason, row by row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class MilestoneRow:
    title: str
    due: dt.date
    done_on: dt.date | None
    weight: float


@dataclass
class TaskRow:
    """One checked row of the file, with the objects its cells name."""

    row: int
    ref: str
    parent_ref: str
    statement: str
    person: Any
    person_name: str
    deadline: dt.date | None
    accountable_unit: Unit | None
    expected_output: str
    measure: str
    leaf_ids: list[str]
    weight: float
    progress: float
    status: str
    milestones: list[MilestoneRow] = field(default_factory=list)

    def five_clear_missing(self) -> list[str]:
        present = {
            "person": self.person is not None or bool(self.person_name),
            "statement": bool(self.statement),
            "deadline": self.deadline is not None,
            "accountable_unit": self.accountable_unit is not None,
            "expected_output": bool(self.expected_output),
            "measure": bool(self.measure),
        }
        return [key for key, ok in present.items() if not ok]


# --- export ----------------------------------------------------------------------------------


def number_text(value: float) -> str:
    """A weight or percentage as the file writes it: ``1``, ``0.5``, ``37.5``."""
    return f"{value:g}"


def milestone_text(title: str, due: dt.date, done_on: dt.date | None, weight: float) -> str:
    parts = [title, due.isoformat(), done_on.isoformat() if done_on else ""]
    if weight != 1:
        parts.append(number_text(weight))
    return MILESTONE_SEPARATOR.join(parts)


def plan_rows(round: Round, unit: Unit) -> list[dict[str, str]]:
    """The unit's plan as rows of ``COLUMNS``, parents before their children (four queries)."""
    plan = unit_plan(round, unit)
    rows = []
    for node in flatten(plan.roots):
        task = node.task
        rows.append(
            {
                "ref": task.ref,
                "parent_ref": task.parent.ref if task.parent_id else "",  # type: ignore[union-attr]
                "statement": task.statement,
                "person": task.person.get_username() if task.person else task.person_name,
                "deadline": task.deadline.isoformat() if task.deadline else "",
                "accountable_unit": task.accountable_unit.code if task.accountable_unit else "",
                "expected_output": task.expected_output,
                "measure": task.measure,
                "criteria": f"{LIST_SEPARATOR} ".join(node.leaf_ids),
                "weight": number_text(task.weight),
                "progress": number_text(task.progress),
                "status": task.status,
                "milestones": f"{LIST_SEPARATOR} ".join(
                    milestone_text(m.title, m.due, m.done_on, m.weight) for m in node.milestones
                ),
            }
        )
    return rows


def plan_export(round: Round, unit: Unit, fmt: str) -> bytes:
    """The plan file in ``fmt`` (``csv`` or ``xlsx``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown plan format {fmt!r}; expected one of {', '.join(FORMATS)}")
    rows = plan_rows(round, unit)
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title="plan")
        sheet.append(list(COLUMNS))
        for row in rows:
            # Every cell as text, so Excel neither turns dates into serials nor refs into numbers.
            sheet.append([row[column] for column in COLUMNS])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    text = write_rows(rows, COLUMNS, None, "csv")
    assert text is not None
    # A byte-order mark so that Excel opens the Vietnamese text as UTF-8.
    return ("\ufeff" + text).encode("utf-8")


def plan_filename(round: Round, unit: Unit, fmt: str) -> str:
    return f"plan-{round.pk}-{unit.code}.{fmt}"


# --- import ----------------------------------------------------------------------------------


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _date(cell: Cell) -> dt.date | None:
    """A date cell: ISO or dd/mm/yyyy text, or what Excel stores for a date cell."""
    text = _text(cell)
    if not text:
        return None
    parsed = parse_date(text)
    if parsed is None and re.fullmatch(r"\d{4}-\d{2}-\d{2} 00:00:00", text):
        parsed = parse_date(text[:10])
    if parsed is None:
        raise ValueError(text)
    return parsed


def _number(cell: Cell, default: float) -> float:
    text = _text(cell).replace(",", ".")
    if not text:
        return default
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def row_problem(row: int, column: str, message: str) -> str:
    return _("Row %(row)d, column %(column)s: %(message)s") % {
        "row": row,
        "column": column,
        "message": message,
    }


class _RowReader:
    """Reads the cells of one row, collecting a problem per bad cell."""

    def __init__(
        self, number: int, cells: dict[str, Cell], problems: list[tuple[int, str]]
    ) -> None:
        self.number = number
        self.cells = cells
        self.problems = problems

    def problem(self, column: str, message: str) -> None:
        self.problems.append((self.number, row_problem(self.number, column, message)))

    def text(self, column: str) -> str:
        return _text(self.cells.get(column))


def read_plan_file(path: Path, *, round: Round, unit: Unit, allow_approval: bool) -> list[TaskRow]:
    """The checked rows of a plan file for ``unit``'s plan in ``round``; ``PlanTableError`` lists
    every problem. ``allow_approval``: whether the person importing may approve tasks (else a row
    with an approved status is refused)."""
    try:
        table = read_table(path)
    except TableError as error:
        raise PlanTableError([str(error)]) from error
    header = [name.strip() for name in table.header]
    problems: list[str] = []
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        problems.append(
            _("Row 1: the header needs the columns %(missing)s; the plan format has: %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ", ".join(COLUMNS)}
        )
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        problems.append(
            _("Row 1: unknown columns %(unknown)s; the plan format has: %(columns)s.")
            % {"unknown": ", ".join(unknown), "columns": ", ".join(COLUMNS)}
        )
    problems.extend(
        _("Row 1: %(column)s appears in more than one column.") % {"column": name}
        for name in dict.fromkeys(header)
        if name and header.count(name) > 1
    )
    if problems:
        raise PlanTableError(problems)
    records = [
        (number, dict(zip(header, row, strict=False)))
        for number, row in zip(table.row_numbers, table.rows, strict=True)
    ]
    row_problems: list[tuple[int, str]] = []
    rows = _read_rows(
        records, round=round, unit=unit, allow_approval=allow_approval, problems=row_problems
    )
    if row_problems:
        # By file row; a row's own problems in the order they were found.
        ordered = sorted(row_problems, key=lambda problem: problem[0])
        raise PlanTableError([message for _row, message in ordered])
    return rows


def _read_rows(
    records: Sequence[tuple[int, dict[str, Cell]]],
    *,
    round: Round,
    unit: Unit,
    allow_approval: bool,
    problems: list[tuple[int, str]],
) -> list[TaskRow]:
    framework = round_framework(round, check_version=False)
    leaves = set(framework.leaf_ids)
    wanted_codes = {_text(cells.get("accountable_unit")) for _, cells in records} - {""}
    units = {u.code: u for u in Unit.objects.filter(code__in=wanted_codes)}
    wanted_people = {_text(cells.get("person")) for _, cells in records} - {""}
    User = get_user_model()
    people = {
        user.get_username(): user
        for user in User.objects.filter(**{f"{User.USERNAME_FIELD}__in": wanted_people})
    }
    existing_parents = {
        ref: parent_ref or ""
        for ref, parent_ref in Task.objects.filter(round=round, unit=unit).values_list(
            "ref", "parent__ref"
        )
    }
    statuses = list(TaskStatus.values)
    rows: list[TaskRow] = []
    first_row: dict[str, int] = {}
    for number, cells in records:
        reader = _RowReader(number, cells, problems)
        ref = reader.text("ref")
        if not ref:
            reader.problem("ref", _("every task needs a ref (its key in the plan)."))
        elif not REF_PATTERN.match(ref):
            reader.problem(
                "ref",
                _("“%(ref)s” may hold only letters, digits and . _ - (at most 64).") % {"ref": ref},
            )
        elif ref in first_row:
            reader.problem(
                "ref",
                _("“%(ref)s” is already the ref of row %(first)d; each ref appears once.")
                % {"ref": ref, "first": first_row[ref]},
            )
            continue
        else:
            first_row[ref] = number
        try:
            deadline = _date(cells.get("deadline"))
        except ValueError as error:
            reader.problem(
                "deadline",
                _("“%(text)s” is not a date; expected YYYY-MM-DD or DD/MM/YYYY.")
                % {"text": error.args[0]},
            )
            deadline = None
        code = reader.text("accountable_unit")
        accountable = units.get(code) if code else None
        if code and accountable is None:
            reader.problem(
                "accountable_unit", _("“%(code)s” is not the code of a unit.") % {"code": code}
            )
        person_text = reader.text("person")
        person = people.get(person_text)
        leaf_ids = [
            leaf.strip() for leaf in reader.text("criteria").split(LIST_SEPARATOR) if leaf.strip()
        ]
        unknown = [leaf for leaf in leaf_ids if leaf not in leaves]
        if unknown:
            reader.problem(
                "criteria",
                _("%(unknown)s: not criteria of framework %(framework)s.")
                % {"unknown": ", ".join(unknown), "framework": framework.id},
            )
        weight = _read_number(reader, "weight", 1.0, low=0.0, low_open=True)
        progress = _read_number(reader, "progress", 0.0, low=0.0, high=100.0)
        status = reader.text("status") or TaskStatus.DRAFT
        if status not in statuses:
            reader.problem(
                "status",
                _("“%(status)s” is not a status; expected one of %(statuses)s.")
                % {"status": status, "statuses": ", ".join(statuses)},
            )
            status = TaskStatus.DRAFT
        milestones = _read_milestones(reader)
        row = TaskRow(
            row=number,
            ref=ref,
            parent_ref=reader.text("parent_ref"),
            statement=reader.text("statement"),
            person=person,
            person_name="" if person else person_text,
            deadline=deadline,
            accountable_unit=accountable,
            expected_output=reader.text("expected_output"),
            measure=reader.text("measure"),
            leaf_ids=list(dict.fromkeys(leaf_ids)),
            weight=weight,
            progress=progress,
            status=status,
            milestones=milestones,
        )
        if status in APPROVED_STATUSES:
            if not allow_approval:
                reader.problem(
                    "status",
                    _("only the unit's leader may import an approved task; write draft instead."),
                )
            missing = row.five_clear_missing()
            if missing:
                reader.problem(
                    "status",
                    _("an approved task needs all of the “5 rõ”; missing: %(missing)s.")
                    % {"missing": ", ".join(five_clear_labels(missing))},
                )
        rows.append(row)
    _check_parents(rows, existing_parents, problems)
    return rows


def _read_number(
    reader: _RowReader,
    column: str,
    default: float,
    *,
    low: float,
    high: float | None = None,
    low_open: bool = False,
) -> float:
    try:
        value = _number(reader.cells.get(column), default)
    except ValueError:
        reader.problem(column, _("“%(text)s” is not a number.") % {"text": reader.text(column)})
        return default
    if low_open and value <= low:
        reader.problem(column, _("%(value)s must be greater than 0.") % {"value": f"{value:g}"})
        return default
    if value < low or (high is not None and value > high):
        reader.problem(
            column,
            _("%(value)s is outside %(low)s–%(high)s.")
            % {"value": f"{value:g}", "low": f"{low:g}", "high": f"{high:g}"},
        )
        return default
    return value


def _read_milestones(reader: _RowReader) -> list[MilestoneRow]:
    milestones: list[MilestoneRow] = []
    titles: set[str] = set()
    for part in reader.text("milestones").split(LIST_SEPARATOR):
        if not part.strip():
            continue
        pieces = [piece.strip() for piece in part.split(MILESTONE_SEPARATOR)]
        expected = _(
            "“%(text)s” is not a milestone; expected title|YYYY-MM-DD|done date or empty"
            "[|weight], milestones separated by “;”."
        ) % {"text": part.strip()}
        if len(pieces) not in (3, 4) or not pieces[0]:
            reader.problem("milestones", expected)
            continue
        try:
            due = _date(pieces[1])
            done_on = _date(pieces[2])
            weight = float(pieces[3].replace(",", ".")) if len(pieces) == 4 else 1.0
        except ValueError:
            reader.problem("milestones", expected)
            continue
        if due is None or not math.isfinite(weight) or weight <= 0:
            reader.problem("milestones", expected)
            continue
        if pieces[0] in titles:
            reader.problem(
                "milestones",
                _("milestone “%(title)s” appears twice.") % {"title": pieces[0]},
            )
            continue
        titles.add(pieces[0])
        milestones.append(MilestoneRow(title=pieces[0], due=due, done_on=done_on, weight=weight))
    return milestones


def _check_parents(
    rows: list[TaskRow], existing_parents: dict[str, str], problems: list[tuple[int, str]]
) -> None:
    """Every parent_ref names a task of the file or of the plan, and no chain of parents loops."""
    parent_of = dict(existing_parents)
    parent_of.update({row.ref: row.parent_ref for row in rows if row.ref})
    for row in rows:
        if not row.parent_ref or not row.ref:
            continue
        if row.parent_ref not in parent_of:
            message = _("“%(parent)s” is not the ref of a task in the file or in the plan.") % {
                "parent": row.parent_ref
            }
            problems.append((row.row, row_problem(row.row, "parent_ref", message)))
            continue
        chain = [row.ref]
        current = row.parent_ref
        while current and current not in chain:
            chain.append(current)
            current = parent_of.get(current, "")
        if current:
            message = _("“%(parent)s” would put the task under itself (%(chain)s).") % {
                "parent": row.parent_ref,
                "chain": " → ".join([*chain, current]),
            }
            problems.append((row.row, row_problem(row.row, "parent_ref", message)))

"""The what-if page: change a unit's criterion values and see its new score, class and rank at
once, or ask what it takes to reach a class or the top N — nothing is saved.

The page posts (with its CSRF token) only to compute: every input change sends the form with
htmx and gets the result panel back; the two target buttons get the whole form back, its inputs
filled with the values the path sets. Without JavaScript the same form posts and the page comes
back with the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import sanitize_separators
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from govindex.errors import ApplicationError
from govindex.improvement.diagnosis import CriterionRow, UnitDiagnosis, round_data
from govindex.improvement.views.diagnosis import diagnosis_of, unit_access
from govindex.improvement.whatif import UnitPath, UnitWhatIf, unit_path_to, unit_what_if

#: How many criteria the page shows unless asked for all: the most points at stake.
SHOWN_CRITERIA = 10
#: The "top N" target the page offers first.
DEFAULT_TOP = 3
INPUT_PREFIX = "v-"
#: Decimals an input shows a value with (as the "Current value" column does).
INPUT_DECIMALS = 2


@dataclass(frozen=True)
class InputRow:
    """A criterion of the form: its current value and the value in the input."""

    row: CriterionRow
    entered: str  # the input's text
    ceiling: float | None
    changed: bool
    on_path: bool


def _number(text: str) -> float | None:
    """A number typed in an input (either decimal separator), ``None`` for an empty input."""
    text = sanitize_separators(text.strip())
    if text == "":
        return None
    value = float(text)  # ValueError for anything else
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def input_text(value: float | None) -> str:
    """A value as an input holds it: ``INPUT_DECIMALS`` decimals, a point, no trailing zeros
    (89.932885… → "89.93", 5.0 → "5")."""
    if value is None:
        return ""
    return f"{value:.{INPUT_DECIMALS}f}".rstrip("0").rstrip(".")


def _unchanged(value: float, current: float | None) -> bool:
    """The input still holds the current value as the form shows it (``input_text``), so an
    untouched 89.93 is not a change of 89.932885…."""
    return current is not None and value in (current, float(input_text(current)))


def _entered(request: HttpRequest, diagnosis: UnitDiagnosis) -> tuple[dict[str, float], list[str]]:
    """The values posted that differ from the unit's current ones, and the problems found."""
    rows = {row.leaf_id: row for row in diagnosis.criteria if row.status != "not_applicable"}
    changes: dict[str, float] = {}
    problems = []
    for key, text in request.POST.items():
        if not key.startswith(INPUT_PREFIX):
            continue
        leaf_id = key.removeprefix(INPUT_PREFIX)
        row = rows.get(leaf_id)
        if row is None:
            continue
        try:
            value = _number(text)
        except ValueError:
            problems.append(
                _("%(criterion)s: “%(text)s” is not a number.")
                % {"criterion": row.name, "text": text}
            )
            continue
        if value is not None and not _unchanged(value, row.value):
            changes[leaf_id] = value
    return changes, problems


def _target(request: HttpRequest, diagnosis: UnitDiagnosis) -> tuple[str | int | None, str]:
    """The target a button asked for: a band id, or a top-N rank; and a problem, if any."""
    action = request.POST.get("action", "")
    if action == "top_band":
        return (diagnosis.bands[0].id, "") if diagnosis.bands else (None, "")
    if action == "band":
        band = request.POST.get("band", "")
        if band not in {choice.id for choice in diagnosis.bands}:
            return None, _("Choose one of the framework's classes.")
        return band, ""
    if action == "top":
        try:
            top = int(request.POST.get("top", ""))
        except ValueError:
            return None, _("The number of top places must be a whole number.")
        if not 1 <= top <= max(1, diagnosis.ranked_count):
            return None, _("The number of top places must be between 1 and %(count)s.") % {
                "count": diagnosis.ranked_count
            }
        return top, ""
    return None, ""


def _input_rows(
    diagnosis: UnitDiagnosis,
    values: dict[str, float],
    path: UnitPath | None,
    show_all: bool,
) -> list[InputRow]:
    """The criteria the form shows: all, or the most points at stake plus any changed or on the
    path; each with the value to put in its input."""
    on_path = set(path.values) if path is not None else set()
    rows = []
    for position, row in enumerate(diagnosis.criteria):
        if row.status == "not_applicable":
            continue
        changed = row.leaf_id in values
        if not (show_all or position < SHOWN_CRITERIA or changed or row.leaf_id in on_path):
            continue
        rows.append(
            InputRow(
                row=row,
                entered=input_text(values.get(row.leaf_id, row.value)),
                ceiling=_ceiling(row),
                changed=changed,
                on_path=row.leaf_id in on_path,
            )
        )
    return rows


def _ceiling(row: CriterionRow) -> float | None:
    """The largest value the input takes: the points, 100 for a percentage, none for a value
    normalised across units (as ``assessments.frameworks.value_ceiling``)."""
    if row.rule == "points":
        return row.max_points if row.max_points else None
    if row.rule == "percentage":
        return 100.0
    return None


@login_required
@require_http_methods(["GET", "POST"])
def what_if(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """The what-if form and its result (GET: the unit as it is; POST: computed, not saved)."""
    access = unit_access(request, round_id, code)
    data = round_data(access.round, access.unit)
    diagnosis = diagnosis_of(access, data=data)
    show_all = (request.POST.get("all") or request.GET.get("all")) == "1"
    values: dict[str, float] = {}
    problems: list[str] = []
    result: UnitWhatIf | None = None
    path: UnitPath | None = None
    action = request.POST.get("action", "compute") if request.method == "POST" else ""
    if action == "top" and not access.peers_visible:
        raise PermissionDenied(_("Ranks are shown once the round is published."))
    if request.method == "POST":
        target, problem = _target(request, diagnosis)
        if problem:
            problems.append(problem)
        try:
            if target is not None:
                path = unit_path_to(access.round, access.unit, target, data=data)
                values = path.values
                result = path.result
            elif not problems:
                values, problems = _entered(request, diagnosis)
                if not problems:
                    result = unit_what_if(access.round, access.unit, values, data=data)
        except ApplicationError as error:
            problems.append(error.message)
    applicable = sum(1 for row in diagnosis.criteria if row.status != "not_applicable")
    context: dict[str, Any] = {
        "diagnosis": diagnosis,
        "round": access.round,
        "unit": access.unit,
        "peers_visible": access.peers_visible,
        "rows": _input_rows(diagnosis, values, path, show_all),
        "show_all": show_all,
        "shown_count": min(SHOWN_CRITERIA, applicable),
        "applicable_count": applicable,
        "result": result,
        "path": path,
        "problems": problems,
        "top": request.POST.get("top") or DEFAULT_TOP,
        "top_band": diagnosis.bands[0] if diagnosis.bands else None,
    }
    if request.headers.get("HX-Request") == "true":
        fragment = "result" if action == "compute" else "form"
        return render(request, f"improvement/whatif_{fragment}.html", context)
    return render(request, "improvement/whatif.html", context)

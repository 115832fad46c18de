"""The Decision 766 satisfaction indicators that come from feedback cases (5.2 and 5.3), per
handling unit and period, through the dossiers app's indicator registry and the scoring core.

The registry (``govindex.dossiers.indicators``) defines 5.2 and 5.3 — number, name, the leaf of
``frameworks/dvc-766.yaml`` that scores them, and the sums they read (``FEEDBACK_SUMS``). This
module counts those sums from the cases, twice over:

* ``feedback_sums`` for the real-time index, registered as a ``dossiers.selectors.SumsSource``
  (``apps.py``), so a unit's 766 score there counts 5.2 and 5.3 with its dossier indicators;
  ``feedback_version`` tells the index's caches when the counts may have changed;
* ``feedback_indicators`` for the feedback pages (every unit holding a case in a period), with
  the registry's own ``rate`` (N/A on an empty denominator) and the framework's leaves (points,
  threshold) through ``score_values``.

Rules, for the cases *first received* in the period (each case counted once, under the unit
holding it now):

* **on time (5.2)** — a rejected case: rejected by its 2-working-day deadline; an answered case:
  answered by its handling deadline (15 working days; urgent: 4 working hours after acceptance)
  and its answer published by its 2-working-day deadline (or still inside it); an unfinished
  case: still inside its handling deadline at the judging moment (the period's end, or now if
  the period has not ended).
* **overdue** — not on time.
* **unsatisfied** — the citizen's latest rating is "unsatisfied".
* **repeated** — the case was reopened, or a later report was marked as repeating it.
* **satisfied (5.3)** = all − (unsatisfied ∪ repeated ∪ overdue): a case in several of those
  groups is subtracted once, so the rate stays in [0, 100].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time

import numpy as np
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from govindex.dossiers.indicators import INDICATOR_BY_NUMBER, framework, rate
from govindex.dossiers.rules import LOCAL_ZONE
from govindex.dossiers.selectors import Period
from govindex.feedback.models import CaseStatus, FeedbackCase, Rating
from govindex.orgs.models import Unit
from govindex.scoring import score_values

S = CaseStatus
#: The registry's definitions of 5.2 and 5.3; they read ``FEEDBACK_SUMS`` (``feedback_cases``,
#: ``feedback_on_time``, ``feedback_satisfied``), which ``_sums`` builds from ``_counts``.
FEEDBACK_INDICATORS = (INDICATOR_BY_NUMBER["5.2"], INDICATOR_BY_NUMBER["5.3"])


def on_time_condition(as_of: datetime) -> Q:
    rejected = Q(status=S.REJECTED, rejected_at__lte=F("reject_due"))
    published_in_time = Q(published_at__isnull=False, published_at__lte=F("publish_due")) | Q(
        published_at__isnull=True, publish_due__gte=as_of
    )
    answered = Q(answered_at__isnull=False, answered_at__lte=F("handle_due")) & published_in_time
    unfinished = Q(answered_at__isnull=True) & ~Q(status=S.REJECTED) & Q(handle_due__gte=as_of)
    return rejected | answered | unfinished


def repeated_condition() -> Q:
    repeats = FeedbackCase.objects.filter(repeat_of=OuterRef("pk"))
    return Q(reopen_count__gt=0) | Q(Exists(repeats))


@dataclass(frozen=True)
class UnitFeedbackIndicators:
    unit: Unit
    cases: int
    on_time: int
    overdue: int
    unsatisfied: int
    repeated: int
    satisfied: int
    on_time_rate: float | None
    satisfaction_rate: float | None
    on_time_points: float | None
    satisfaction_points: float | None
    on_time_max: float
    satisfaction_max: float


def _optional(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 2)


def _counts(
    start: datetime, end: datetime, now: datetime | None, unit_ids: list[int] | None = None
) -> list[dict[str, int]]:
    """Per handling unit (by id), the cases first received in ``[start, end)``, and how many of
    them were on time, unsatisfied, repeated and satisfied, judged at the period's end or now."""
    now = now or timezone.now()
    as_of = min(now, end)
    on_time = on_time_condition(as_of)
    unsatisfied = Q(rating=Rating.UNSATISFIED)
    repeated = repeated_condition()
    cases = FeedbackCase.objects.filter(received_at__gte=start, received_at__lt=end)
    if unit_ids is not None:
        cases = cases.filter(handling_unit__in=unit_ids)
    return list(
        cases.values("handling_unit")
        .annotate(
            cases=Count("pk"),
            on_time=Count("pk", filter=on_time),
            unsatisfied=Count("pk", filter=unsatisfied),
            repeated=Count("pk", filter=repeated),
            satisfied=Count("pk", filter=on_time & ~unsatisfied & ~repeated),
        )
        .order_by("handling_unit")
    )


def feedback_sums(period: Period, units: Sequence[Unit]) -> dict[str, np.ndarray]:
    """The sums 5.2 and 5.3 read in the real-time index (``dossiers.indicators.FEEDBACK_SUMS``),
    one per unit in ``units`` order: the feedback cases the unit holds that were first received in
    the period (Hanoi days), on time, and satisfied."""
    start = datetime.combine(period.first, time(0), tzinfo=LOCAL_ZONE)
    rows = {
        row["handling_unit"]: row
        for row in _counts(start, period.end_instant(), None, [unit.pk for unit in units])
    }
    empty = {"cases": 0, "on_time": 0, "satisfied": 0}
    return _sums([rows.get(unit.pk, empty) for unit in units])


def _sums(rows: Sequence[dict[str, int]]) -> dict[str, np.ndarray]:
    """``FEEDBACK_SUMS`` from ``_counts`` rows, one value per row."""
    return {
        f"feedback_{name}": np.array([row[name] for row in rows], dtype=np.int64)
        for name in ("cases", "on_time", "satisfied")
    }


def feedback_version() -> tuple[object, ...]:
    """Changes whenever ``feedback_sums`` could: the latest change to a case (every write sets
    ``updated_at``, a new case included; cases are never deleted), the next handling deadline
    still to pass unanswered, and the next publication deadline still to pass — when time passes
    one, it moves (publication deadlines of cases already published move it too: a needless
    recompute, never a stale one). One query of three index look-ups (``feedback_case_changed``,
    ``feedback_case_unanswered_due``, ``feedback_case_publish_due``): it runs on every read of
    the real-time index's caches."""
    table = FeedbackCase._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(updated_at) FROM {table}),"  # noqa: S608 (identifiers from the model; values are parameters)
            f" (SELECT MIN(handle_due) FROM {table} WHERE answered_at IS NULL"
            "  AND handle_due >= %s AND status <> %s),"
            f" (SELECT MIN(publish_due) FROM {table} WHERE publish_due >= %s)",
            [now, S.REJECTED.value, now],
        )
        return tuple(str(value) for value in cursor.fetchone())


def feedback_indicators(
    *, start: datetime, end: datetime, now: datetime | None = None
) -> list[UnitFeedbackIndicators]:
    """5.2 and 5.3 for every unit that holds a case received in ``[start, end)``, best 5.3
    first. Rates are percentages rounded to 2 decimals; points come from the dvc-766 leaves."""
    rows = _counts(start, end, now)
    if not rows:
        return []
    sums = _sums(rows)
    units = Unit.objects.in_bulk([row["handling_unit"] for row in rows])
    codes = [units[row["handling_unit"]].code for row in rows]
    model = framework()
    column = {leaf: i for i, leaf in enumerate(model.leaf_ids)}
    matrix = np.full((len(rows), len(model.leaf_ids)), np.nan)
    rates = {}
    for indicator in FEEDBACK_INDICATORS:
        assert indicator.numerator is not None and indicator.denominator is not None
        rates[indicator.number] = rate(indicator.numerator(sums), indicator.denominator(sums))
        assert indicator.leaf is not None
        matrix[:, column[indicator.leaf]] = rates[indicator.number]
    scores = score_values(model, codes, matrix)
    on_time_leaf, satisfaction_leaf = (indicator.leaf for indicator in FEEDBACK_INDICATORS)
    on_time_node = model.node(on_time_leaf)  # type: ignore[arg-type]
    satisfaction_node = model.node(satisfaction_leaf)  # type: ignore[arg-type]
    result = []
    for position, row in enumerate(rows):
        result.append(
            UnitFeedbackIndicators(
                unit=units[row["handling_unit"]],
                cases=row["cases"],
                on_time=row["on_time"],
                overdue=row["cases"] - row["on_time"],
                unsatisfied=row["unsatisfied"],
                repeated=row["repeated"],
                satisfied=row["satisfied"],
                on_time_rate=_optional(rates["5.2"][position]),
                satisfaction_rate=_optional(rates["5.3"][position]),
                on_time_points=_optional(
                    scores.node_points[scores.rows[on_time_leaf], position]  # type: ignore[index]
                ),
                satisfaction_points=_optional(
                    scores.node_points[scores.rows[satisfaction_leaf], position]  # type: ignore[index]
                ),
                on_time_max=float(on_time_node.max_points),
                satisfaction_max=float(satisfaction_node.max_points),
            )
        )
    result.sort(
        key=lambda r: (r.satisfaction_rate is None, -(r.satisfaction_rate or 0), r.unit.code)
    )
    return result

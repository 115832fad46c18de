"""The Decision 766 satisfaction indicators that come from feedback cases (5.2 and 5.3), per
handling unit and period, through the dossiers app's indicator registry and the scoring core.

The registry (``govindex.dossiers.indicators``) defines 5.2 and 5.3 — number, name, the leaf of
``frameworks/dvc-766.yaml`` that scores them — and marks them "computed from feedback records".
This module supplies their numerators and denominators from the cases and then uses the
registry's own ``rate`` (N/A on an empty denominator) and the framework's leaves (points,
threshold) through ``score_values``, so they are scored exactly like the dossier indicators.

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

import dataclasses
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from govindex.dossiers.indicators import (
    INDICATOR_BY_NUMBER,
    Availability,
    Indicator,
    Sums,
    framework,
    rate,
)
from govindex.feedback.models import CaseStatus, FeedbackCase, Rating
from govindex.orgs.models import Unit
from govindex.scoring import score_values

S = CaseStatus


def _sum(name: str):  # type: ignore[no-untyped-def]
    def read(sums: Sums):  # type: ignore[no-untyped-def]
        return sums[name]

    read.__name__ = name
    return read


#: The registry's definitions of 5.2 and 5.3 with the feedback counts filled in.
FEEDBACK_INDICATORS: tuple[Indicator, ...] = (
    dataclasses.replace(
        INDICATOR_BY_NUMBER["5.2"],
        availability=Availability.COMPUTED,
        numerator=_sum("on_time"),
        denominator=_sum("cases"),
    ),
    dataclasses.replace(
        INDICATOR_BY_NUMBER["5.3"],
        availability=Availability.COMPUTED,
        numerator=_sum("satisfied"),
        denominator=_sum("cases"),
    ),
)


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


def feedback_indicators(
    *, start: datetime, end: datetime, now: datetime | None = None
) -> list[UnitFeedbackIndicators]:
    """5.2 and 5.3 for every unit that holds a case received in ``[start, end)``, best 5.3
    first. Rates are percentages rounded to 2 decimals; points come from the dvc-766 leaves."""
    now = now or timezone.now()
    as_of = min(now, end)
    on_time = on_time_condition(as_of)
    unsatisfied = Q(rating=Rating.UNSATISFIED)
    repeated = repeated_condition()
    rows = list(
        FeedbackCase.objects.filter(received_at__gte=start, received_at__lt=end)
        .values("handling_unit")
        .annotate(
            cases=Count("pk"),
            on_time=Count("pk", filter=on_time),
            unsatisfied=Count("pk", filter=unsatisfied),
            repeated=Count("pk", filter=repeated),
            satisfied=Count("pk", filter=on_time & ~unsatisfied & ~repeated),
        )
        .order_by("handling_unit")
    )
    if not rows:
        return []
    sums = {
        name: np.array([row[name] for row in rows], dtype=np.int64)
        for name in ("cases", "on_time", "unsatisfied", "repeated", "satisfied")
    }
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

"""A unit's pack for the annual conference: what it scored, where it lost points, why, and what
it will do about it.

``unit_report`` gathers everything the report's template and spreadsheet show, so that neither
runs a query: the headline (score, class, rank of N, change on the previous round), the scorecard
by area, the weakest criteria (from ``diagnosis.unit_diagnosis``), the root causes recorded
(``selectors.findings_by_leaf``), the plan (``selectors.unit_plan``) and the charts (SVG).
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.formats import get_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from govindex.assessments.formatting import BAND_COLOURS, kind_label, state_label
from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import NodeResult, Round, RoundState, UnitResult
from govindex.errors import ApplicationError
from govindex.improvement import report_charts
from govindex.improvement.diagnosis import CriterionRow, NoResult, unit_diagnosis
from govindex.improvement.five_clear import five_clear_labels
from govindex.improvement.reports.history import difference, earlier_results, previous_round
from govindex.improvement.reports.labels import (
    band_levels,
    class_thresholds,
    task_status_label,
)
from govindex.improvement.selectors import findings_by_leaf, unit_plan
from govindex.orgs.models import Unit
from govindex.scoring import Framework

#: How many of the weakest criteria the pack lists (by points at stake).
WEAKEST_COUNT = 10


@dataclass(frozen=True)
class AreaRow:
    """One area of the unit's scorecard."""

    number: int
    node_id: str
    name: str
    points: float | None
    max_points: float
    #: Share (%) of the area's applicable maximum; ``None`` when N/A.
    share: float | None
    #: The share's change on the previous round, in percentage points.
    change: float | None
    city_median: float | None
    is_adjustment: bool
    applicable: bool


@dataclass(frozen=True)
class WeakCriterion:
    """A criterion where the unit lost points, as the diagnosis found it."""

    leaf_id: str
    name: str
    area_name: str
    points: float | None
    max_points: float
    gap: float | None
    status: str
    status_label: str
    points_at_stake: float
    change: float | None
    rank: int | None
    ranked: int
    best_peer_points: float | None
    best_peer_name: str


@dataclass(frozen=True)
class CauseRow:
    """A root cause the unit recorded for one criterion."""

    leaf_id: str
    criterion: str
    cause: str
    detail: str
    responsible_unit: str
    responsible_person: str


@dataclass(frozen=True)
class TaskRow:
    """One task of the unit's plan, with its "5 rõ" elements."""

    ref: str
    depth: int
    statement: str
    person: str
    deadline: datetime.date | None
    accountable_unit: str
    expected_output: str
    measure: str
    criteria: list[str]
    #: Rolled-up progress in %; ``None`` for a cancelled task.
    progress: float | None
    status: str
    status_label: str
    overdue: bool
    missing: list[str]


@dataclass(frozen=True)
class PlanSummary:
    tasks: int
    approved: int
    overdue: int
    non_compliant: int
    progress: float | None


@dataclass(frozen=True)
class UnitReport:
    round: Round
    unit: Unit
    language: str
    unit_name: str
    kind_label: str
    framework_name: str
    state_label: str
    published: bool
    generated_on: datetime.date
    score: float | None
    points: float | None
    max_points: float
    #: Whether the pack compares the unit with the others (see ``unit_report``).
    comparisons: bool
    rank: int | None
    ranked_count: int
    band: str
    band_name: str
    band_level: int | None
    #: The round compared with, its period, and how ("own" or "predecessors"; "" for none).
    previous: Round | None
    comparison_basis: str
    change: float | None
    areas: list[AreaRow]
    weakest: list[WeakCriterion]
    causes: list[CauseRow]
    tasks: list[TaskRow]
    plan: PlanSummary
    area_chart: SafeString
    weakest_chart: SafeString
    ranking_chart: SafeString

    kind = "unit"

    @property
    def title(self) -> str:
        return f"{self.unit_name} · {self.round.name}"


def _area_medians(round: Round, area_ids: list[str]) -> dict[str, float | None]:
    """The city's median share (%) of each area's maximum (one query)."""
    shares: dict[str, list[float]] = {area_id: [] for area_id in area_ids}
    for node_id, share in NodeResult.objects.filter(
        unit_result__round=round, node_id__in=area_ids, applicable=True, share__isnull=False
    ).values_list("node_id", "share"):
        shares[node_id].append(share * 100)
    return {
        area_id: statistics.median(values) if values else None for area_id, values in shares.items()
    }


def unit_report(
    round: Round, unit: Unit, *, language: str = "vi", comparisons: bool = True
) -> UnitReport:
    """The unit's conference pack for ``round`` in ``language``. ``ApplicationError`` (404)
    when the unit has no result in the round.

    Without ``comparisons`` the pack leaves out what compares the unit with the others — its
    rank, the ranking chart, the city's medians, each criterion's rank and best other unit — as
    the diagnosis does for a unit's own people before the round is published."""
    with translation.override(language):
        return _unit_report(round, unit, language, comparisons)


def _unit_report(round: Round, unit: Unit, language: str, comparisons: bool) -> UnitReport:
    previous = previous_round(round)
    try:
        diagnosis = unit_diagnosis(
            round, unit, language=language, earlier_rounds=[previous] if previous else []
        )
    except NoResult as missing:
        raise ApplicationError(
            _("%(unit)s has no result in %(round)s.")
            % {"unit": unit.name_in(language), "round": round.name},
            code="no_result",
            status=404,
        ) from missing
    framework = round_framework(round, check_version=False)
    levels = band_levels(framework)
    separator = str(get_format("DECIMAL_SEPARATOR"))

    areas = [area for area in framework.areas if area.applies(unit.kind)]
    area_ids = [area.id for area in areas]
    area_results = {
        node.node_id: node
        for node in NodeResult.objects.filter(
            unit_result__round=round, unit_result__unit=unit, node_id__in=area_ids
        )
    }
    medians = _area_medians(round, area_ids) if comparisons else {}
    earlier = earlier_results(previous, [unit], area_ids).get(unit.pk)
    numbers = {area.id: number for number, area in enumerate(framework.areas, start=1)}
    area_rows = []
    for area in areas:
        node = area_results.get(area.id)
        share = None
        if node is not None and node.applicable and node.share is not None:
            share = node.share * 100
        area_rows.append(
            AreaRow(
                number=numbers[area.id],
                node_id=area.id,
                name=area.name(language),
                points=node.points if node is not None and node.applicable else None,
                max_points=node.max_points if node is not None else area.max_points,
                share=share,
                change=difference(share, earlier.area_shares.get(area.id)) if earlier else None,
                city_median=medians.get(area.id),
                is_adjustment=area.is_adjustment,
                applicable=node is not None and node.applicable,
            )
        )

    weakest = [
        _weak_criterion(criterion, comparisons)
        for criterion in diagnosis.criteria
        if (criterion.points_at_stake or 0) > 0
    ][:WEAKEST_COUNT]
    criterion_names = {criterion.leaf_id: criterion.name for criterion in diagnosis.criteria}

    findings = findings_by_leaf(round, unit)
    leaf_order = {leaf.id: position for position, leaf in enumerate(framework.leaves)}
    causes = [
        CauseRow(
            leaf_id=finding.leaf_id,
            criterion=criterion_names.get(finding.leaf_id)
            or _leaf_name(framework, finding.leaf_id, language),
            cause=finding.root_cause.name_in(language),
            detail=finding.cause_text,
            responsible_unit=finding.responsible_unit.name_in(language),
            responsible_person=finding.responsible_person_label,
        )
        for finding in sorted(
            findings.values(), key=lambda finding: leaf_order.get(finding.leaf_id, len(leaf_order))
        )
    ]

    plan = unit_plan(round, unit)
    tasks = [
        TaskRow(
            ref=node.task.ref,
            depth=node.depth,
            statement=node.task.statement,
            person=node.task.person_label,
            deadline=node.task.deadline,
            accountable_unit=node.task.accountable_unit.name_in(language)
            if node.task.accountable_unit is not None
            else "",
            expected_output=node.task.expected_output,
            measure=node.task.measure,
            criteria=[
                criterion_names.get(leaf_id) or _leaf_name(framework, leaf_id, language)
                for leaf_id in node.leaf_ids
            ],
            progress=node.progress,
            status=node.task.status,
            status_label=task_status_label(node.task.status),
            overdue=node.overdue,
            missing=five_clear_labels(node.five_clear_missing),
        )
        for node in plan.nodes
    ]

    unit_name = unit.name_in(language)
    ranking_chart = SafeString("")
    if comparisons:
        scores = (
            UnitResult.objects.filter(round=round)
            .exclude(score__isnull=True)
            .order_by("-score", "unit__code")
            .values_list("unit_id", "score", "band")
        )
        ranking_chart = report_charts.ranking_columns(
            [
                report_charts.Column(
                    label=str(position),
                    score=score,
                    level=levels.get(band),
                    highlighted=unit_id == unit.pk,
                )
                for position, (unit_id, score, band) in enumerate(scores, start=1)
            ],
            thresholds=class_thresholds(framework, language),
            title=_("Scores of every unit of the round, best first, coloured by class"),
            highlight_label=unit_name,
            separator=separator,
        )
    return UnitReport(
        round=round,
        unit=unit,
        language=language,
        unit_name=unit_name,
        kind_label=kind_label(unit.kind),
        framework_name=framework.name(language),
        state_label=state_label(round.state),
        published=round.state == RoundState.PUBLISHED,
        generated_on=timezone.localdate(),
        score=diagnosis.score,
        points=diagnosis.points,
        max_points=diagnosis.max_points,
        comparisons=comparisons,
        rank=diagnosis.rank if comparisons else None,
        ranked_count=diagnosis.ranked_count,
        band=diagnosis.band,
        band_name=diagnosis.band_name,
        band_level=diagnosis.band_level,
        previous=previous if earlier is not None else None,
        comparison_basis=earlier.basis if earlier is not None else "",
        change=difference(diagnosis.score, earlier.score) if earlier is not None else None,
        areas=area_rows,
        weakest=weakest,
        causes=causes,
        tasks=tasks,
        plan=PlanSummary(
            tasks=plan.tasks,
            approved=plan.approved,
            overdue=plan.overdue,
            non_compliant=plan.non_compliant,
            progress=plan.progress,
        ),
        area_chart=_area_chart(area_rows, separator, comparisons),
        weakest_chart=_weakest_chart(weakest, separator),
        ranking_chart=ranking_chart,
    )


def _leaf_name(framework: Framework, leaf_id: str, language: str) -> str:
    """The criterion's name (its id when the framework no longer has it)."""
    if leaf_id not in framework.node_index:
        return leaf_id
    return framework.node(leaf_id).name(language)


def _weak_criterion(criterion: CriterionRow, comparisons: bool) -> WeakCriterion:
    return WeakCriterion(
        leaf_id=criterion.leaf_id,
        name=criterion.name,
        area_name=criterion.area_name,
        points=criterion.points,
        max_points=criterion.max_points,
        gap=criterion.gap,
        status=criterion.status,
        status_label=criterion.status_label,
        points_at_stake=criterion.points_at_stake or 0.0,
        change=criterion.change,
        rank=criterion.rank if comparisons else None,
        ranked=criterion.ranked,
        best_peer_points=criterion.best_peer_points if comparisons else None,
        best_peer_name=(criterion.best_peer_name or "") if comparisons else "",
    )


def _area_chart(rows: list[AreaRow], separator: str, comparisons: bool) -> SafeString:
    regular = [row for row in rows if not row.is_adjustment]
    title = _("Share of each area's maximum achieved (%)")
    if comparisons:
        title = _("Share of each area's maximum achieved, against the city median (%)")
    return report_charts.horizontal_bars(
        [
            report_charts.Bar(
                label=f"{row.number}. {row.name}",
                value=row.share,
                value_text="–"
                if row.share is None
                else f"{report_charts.decimal_text(row.share, 1, separator)} %",
                marker=row.city_median,
                description=row.name,
            )
            for row in regular
        ],
        scale_max=100.0,
        title=title,
        marker_label=_("City median"),
    )


def _weakest_chart(rows: list[WeakCriterion], separator: str) -> SafeString:
    largest = max((row.points_at_stake for row in rows), default=0.0)
    return report_charts.horizontal_bars(
        [
            report_charts.Bar(
                label=row.name,
                value=row.points_at_stake,
                value_text="+" + report_charts.decimal_text(row.points_at_stake, 2, separator),
                colour=BAND_COLOURS[3],
                description=f"{row.leaf_id} · {row.name}",
            )
            for row in rows
        ],
        scale_max=largest,
        title=_("Points of the score at stake on the weakest criteria"),
    )

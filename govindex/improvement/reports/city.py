"""The city's report of a round: the ranking with classes and the change on the previous round,
the distribution of the classes, the largest changes, the city-wide plan per lead department,
and the city's official indices against the best province (``diagnosis.city_diagnosis``).

``city_report`` gathers everything its template and spreadsheet show (no query in a template);
the number of queries does not grow with the number of units.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.formats import get_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from govindex.assessments.formatting import band_colour, kind_label, state_label
from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import Round, RoundState
from govindex.assessments.selectors import round_ranking
from govindex.improvement import report_charts
from govindex.improvement.diagnosis import IndexDiagnosis, city_diagnosis
from govindex.improvement.reports.history import difference, earlier_results, previous_round
from govindex.improvement.reports.labels import (
    band_levels,
    class_thresholds,
)
from govindex.improvement.selectors import city_plan
from govindex.scoring import Framework

#: How many units the "largest changes" lists show in each direction.
CHANGES_COUNT = 10


@dataclass(frozen=True)
class RankingRow:
    rank: int | None
    unit_code: str
    unit_name: str
    kind_label: str
    score: float | None
    band: str
    band_name: str
    band_level: int | None
    #: The score's change on the previous round (points of %), and its basis ("own" or
    #: "predecessor" or "predecessors"; "" when there is nothing to compare with).
    change: float | None
    basis: str


@dataclass(frozen=True)
class ClassCount:
    band: str
    name: str
    level: int | None
    minimum: float | None
    count: int
    #: Share (%) of the scored units.
    share: float | None


@dataclass(frozen=True)
class CriterionProgress:
    leaf_id: str
    name: str
    units: int
    tasks: int
    overdue: int
    progress: float | None


@dataclass(frozen=True)
class DepartmentRow:
    """What one lead department answers for in the city plan."""

    code: str
    name: str
    criteria: list[CriterionProgress]
    tasks: int
    overdue: int
    non_compliant: int
    progress: float | None


@dataclass(frozen=True)
class CityReport:
    round: Round
    language: str
    framework_name: str
    state_label: str
    published: bool
    generated_on: datetime.date
    previous: Round | None
    rows: list[RankingRow]
    classes: list[ClassCount]
    scored: int
    mean: float | None
    median: float | None
    improved: int
    declined: int
    compared: int
    risers: list[RankingRow]
    fallers: list[RankingRow]
    departments: list[DepartmentRow]
    #: The city's official indices (PAR INDEX, SIPAS, PCI …) against the best province.
    indices: list[IndexDiagnosis]
    ranking_chart: SafeString
    classes_chart: SafeString

    kind = "city"

    @property
    def title(self) -> str:
        return self.round.name

    @property
    def unit_name(self) -> str:
        """The running header's subject: the city as a whole."""
        return _("All units")


def city_report(round: Round, *, language: str = "vi") -> CityReport:
    """The city's report of ``round`` in ``language``."""
    with translation.override(language):
        return _city_report(round, language)


def _class_counts(framework: Framework, rows: list[RankingRow], language: str) -> list[ClassCount]:
    scored = [row for row in rows if row.score is not None]
    counts = []
    for level, band in enumerate(framework.bands, start=1):
        count = sum(1 for row in scored if row.band == band.id)
        counts.append(
            ClassCount(
                band=band.id,
                name=band.name(language),
                level=level,
                minimum=band.minimum,
                count=count,
                share=100 * count / len(scored) if scored else None,
            )
        )
    known = {band.id for band in framework.bands}
    unclassified = sum(1 for row in scored if row.band not in known)
    if unclassified:
        counts.append(
            ClassCount(
                band="",
                name=_("No class"),
                level=None,
                minimum=None,
                count=unclassified,
                share=100 * unclassified / len(scored),
            )
        )
    return counts


def _city_report(round: Round, language: str) -> CityReport:
    framework = round_framework(round, check_version=False)
    levels = band_levels(framework)
    band_names = {band.id: band.name(language) for band in framework.bands}
    separator = str(get_format("DECIMAL_SEPARATOR"))
    results = round_ranking(round)
    previous = previous_round(round)
    earlier = earlier_results(previous, [result.unit for result in results], [])
    rows = []
    for result in results:
        then = earlier.get(result.unit_id)
        rows.append(
            RankingRow(
                rank=result.rank,
                unit_code=result.unit.code,
                unit_name=result.unit.name_in(language),
                kind_label=kind_label(result.unit.kind),
                score=result.score,
                band=result.band,
                band_name=band_names.get(result.band, result.band),
                band_level=levels.get(result.band),
                change=difference(result.score, then.score) if then is not None else None,
                basis=then.basis if then is not None else "",
            )
        )
    scores = [row.score for row in rows if row.score is not None]
    changed = [row for row in rows if row.change is not None]
    classes = _class_counts(framework, rows, language)

    departments = []
    for plan in city_plan(round):
        departments.append(
            DepartmentRow(
                code=plan.department.code,
                name=plan.department.name_in(language),
                criteria=[
                    CriterionProgress(
                        leaf_id=led.leaf_id,
                        name=framework.node(led.leaf_id).name(language)
                        if led.leaf_id in framework.node_index
                        else led.leaf_id,
                        units=led.units,
                        tasks=len(led.tasks),
                        overdue=led.overdue,
                        progress=led.progress,
                    )
                    for led in plan.criteria
                ],
                tasks=plan.tasks,
                overdue=plan.overdue,
                non_compliant=plan.non_compliant,
                progress=plan.progress,
            )
        )

    return CityReport(
        round=round,
        language=language,
        framework_name=framework.name(language),
        state_label=state_label(round.state),
        published=round.state == RoundState.PUBLISHED,
        generated_on=timezone.localdate(),
        previous=previous if earlier else None,
        rows=rows,
        classes=classes,
        scored=len(scores),
        mean=statistics.fmean(scores) if scores else None,
        median=statistics.median(scores) if scores else None,
        improved=sum(1 for row in changed if (row.change or 0) > 0),
        declined=sum(1 for row in changed if (row.change or 0) < 0),
        compared=len(changed),
        risers=sorted(
            (row for row in changed if (row.change or 0) > 0),
            key=lambda row: (-(row.change or 0), row.unit_code),
        )[:CHANGES_COUNT],
        fallers=sorted(
            (row for row in changed if (row.change or 0) < 0),
            key=lambda row: (row.change or 0, row.unit_code),
        )[:CHANGES_COUNT],
        departments=departments,
        indices=city_diagnosis(language=language),
        ranking_chart=report_charts.ranking_columns(
            [
                report_charts.Column(label=row.unit_name, score=row.score, level=row.band_level)
                for row in sorted(
                    (row for row in rows if row.score is not None),
                    key=lambda row: (-(row.score or 0), row.unit_code),
                )
            ],
            thresholds=class_thresholds(framework, language),
            title=_("Scores of every unit of the round, best first, coloured by class"),
            separator=separator,
        ),
        classes_chart=_classes_chart(classes, separator),
    )


def _classes_chart(classes: list[ClassCount], separator: str) -> SafeString:
    largest = max((item.count for item in classes), default=0)
    return report_charts.horizontal_bars(
        [
            report_charts.Bar(
                label=item.name,
                value=float(item.count),
                value_text=f"{item.count} ({report_charts.decimal_text(item.share, 1, separator)} %)",
                colour=band_colour(item.level),
            )
            for item in classes
        ],
        scale_max=float(largest),
        title=_("Number of units in each class"),
    )

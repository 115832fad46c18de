"""Reads of rounds, their values and their results."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Max, Q, QuerySet, Subquery

from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import (
    Entry,
    NodeResult,
    PublishedResult,
    RankInterval,
    Round,
    RoundState,
    RoundUnit,
    UncertaintyRun,
    UnitResult,
)
from govindex.orgs.models import Unit
from govindex.scoring import Framework, Node
from govindex.scoring.engine import NOT_APPLICABLE
from govindex.scoring.framework import Source

Value = float | str | None

#: Which ``Entry`` field holds the value that counts, by the leaf's ``source``.
SOURCE_FIELDS = {
    Source.SURVEY: "survey_value",
    Source.DATA: "data_value",
    Source.EXTERNAL: "data_value",
}


def effective_value(
    source: Source | None,
    *,
    self_value: float | None,
    appraised_value: float | None,
    survey_value: float | None,
    data_value: float | None,
    not_applicable: bool,
) -> Value:
    """The value scored for one leaf: ``NOT_APPLICABLE``, a number, or ``None`` (missing)."""
    if not_applicable:
        return NOT_APPLICABLE
    if source is Source.SURVEY:
        return survey_value
    if source in (Source.DATA, Source.EXTERNAL):
        return data_value
    return appraised_value if appraised_value is not None else self_value


def round_units(round: Round) -> QuerySet[Unit]:
    """The units taking part in the round, by code."""
    return Unit.objects.filter(round_units__round=round).order_by("code")


def round_values(round: Round, framework: Framework | None = None) -> dict[str, dict[str, Value]]:
    """``{unit code: {leaf id: value}}`` for every unit of the round, as ``score_round`` takes
    it; a unit with no entries maps to ``{}``. Entries of leaves the framework does not know are
    kept as they are, so the caller can report them."""
    framework = framework or round_framework(round)
    sources = {leaf.id: leaf.source for leaf in framework.leaves}
    values: dict[str, dict[str, Value]] = {
        code: {} for code in round_units(round).values_list("code", flat=True)
    }
    entries = (
        Entry.objects.filter(round=round, unit__round_units__round=round)
        .annotate(unit_code=F("unit__code"))
        .values_list(
            "unit_code",
            "leaf_id",
            "self_value",
            "appraised_value",
            "survey_value",
            "data_value",
            "not_applicable",
        )
    )
    for code, leaf_id, self_value, appraised, survey, data, not_applicable in entries:
        values[code][leaf_id] = effective_value(
            sources.get(leaf_id),
            self_value=self_value,
            appraised_value=appraised,
            survey_value=survey,
            data_value=data,
            not_applicable=not_applicable,
        )
    return values


def round_entries(round: Round, unit: Unit | None = None) -> QuerySet[Entry]:
    entries = Entry.objects.filter(round=round).select_related("unit")
    if unit is not None:
        entries = entries.filter(unit=unit)
    return entries.order_by("unit__code", "leaf_id")


def round_ranking(round: Round) -> list[UnitResult]:
    """The round's results with their units (one query): best first, unranked last."""
    return list(
        UnitResult.objects.filter(round=round)
        .select_related("unit")
        .order_by(F("rank").asc(nulls_last=True), "unit__code")
    )


def unit_result_nodes(unit_result: UnitResult) -> dict[str, NodeResult]:
    """A unit's result per framework node id (one query)."""
    return {node.node_id: node for node in unit_result.node_results.all()}


def round_node_points(round: Round, node_ids: list[str]) -> dict[tuple[int, str], float | None]:
    """Points of the given nodes for every unit of the round (one query), keyed by
    (unit result id, node id); ``None`` where the node does not apply or is N/A."""
    rows = NodeResult.objects.filter(unit_result__round=round, node_id__in=node_ids).values_list(
        "unit_result_id", "node_id", "points", "applicable"
    )
    return {
        (result_id, node_id): points if applicable else None
        for result_id, node_id, points, applicable in rows
    }


def node_ranking(round: Round, node_id: str) -> list[NodeResult]:
    """Every unit's result on one node, with units (one query): best first, unranked last."""
    return list(
        NodeResult.objects.filter(unit_result__round=round, node_id=node_id)
        .select_related("unit_result__unit")
        .order_by(F("rank").asc(nulls_last=True), "unit_result__unit__code")
    )


def latest_scored_round(*, published_only: bool = False) -> Round | None:
    """The round most recently scored (``published_only``: among published rounds)."""
    rounds = Round.objects.annotate(last_computed=Max("computations__computed_at")).filter(
        last_computed__isnull=False
    )
    if published_only:
        rounds = rounds.filter(state=RoundState.PUBLISHED)
    return rounds.order_by("-last_computed", "-pk").first()


def published_results(
    framework_id: str, *, territory: str | None = None
) -> QuerySet[PublishedResult]:
    results = PublishedResult.objects.filter(framework_id=framework_id)
    if territory is not None:
        results = results.filter(territory=territory)
    return results.order_by("year", "territory")


@dataclass(frozen=True)
class Progress:
    """How far a unit's self-assessment has come: criteria with a score or marked not
    applicable (``done``) out of those it scores itself (``total``); ``missing`` lists the rest."""

    done: int
    total: int
    missing: tuple[str, ...]

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.done / self.total


def self_assessed_leaves(framework: Framework, unit_kind: str) -> list[Node]:
    """The criteria a unit of this kind scores itself, in framework order."""
    applicable = framework.leaf_applicability(unit_kind)
    return [
        leaf
        for leaf, applies in zip(framework.leaves, applicable, strict=True)
        if applies and leaf.source is Source.SELF_ASSESSED
    ]


def _done_leaves(round: Round, units: list[Unit]) -> dict[int, set[str]]:
    done: dict[int, set[str]] = {unit.pk: set() for unit in units}
    rows = (
        Entry.objects.filter(round=round, unit__in=[unit.pk for unit in units])
        .filter(Q(self_value__isnull=False) | Q(not_applicable=True))
        .values_list("unit_id", "leaf_id")
    )
    for unit_id, leaf_id in rows:
        done[unit_id].add(leaf_id)
    return done


def round_progress(round: Round, units: list[Unit]) -> dict[int, Progress]:
    """Self-assessment progress of each of ``units`` (one query), by unit id."""
    framework = round_framework(round, check_version=False)
    done = _done_leaves(round, units)
    progress = {}
    for unit in units:
        wanted = [leaf.id for leaf in self_assessed_leaves(framework, unit.kind)]
        missing = tuple(leaf_id for leaf_id in wanted if leaf_id not in done[unit.pk])
        progress[unit.pk] = Progress(
            done=len(wanted) - len(missing), total=len(wanted), missing=missing
        )
    return progress


def self_assessment_progress(round: Round, unit: Unit) -> Progress:
    return round_progress(round, [unit])[unit.pk]


def unappraised_units(round: Round) -> dict[str, int]:
    """``{unit code: criteria still to appraise}``: self-assessed scores with no appraisal."""
    framework = round_framework(round, check_version=False)
    self_assessed = [leaf.id for leaf in framework.leaves if leaf.source is Source.SELF_ASSESSED]
    rows = (
        Entry.objects.filter(
            round=round,
            unit__round_units__round=round,
            leaf_id__in=self_assessed,
            self_value__isnull=False,
            appraised_value__isnull=True,
            not_applicable=False,
        )
        .values_list("unit__code")
        .annotate(pending=Count("pk"))
        .order_by("unit__code")
    )
    return dict(rows)


@dataclass(frozen=True)
class RoundUnitRow:
    """A unit's line on the round page: its submission, progress, appraisal and result."""

    link: RoundUnit
    progress: Progress
    to_appraise: int
    result: UnitResult | None


def round_unit_rows(round: Round, *, units: QuerySet[Unit] | None = None) -> list[RoundUnitRow]:
    """One row per unit of the round (of ``units`` when given), by code, in five queries."""
    links = RoundUnit.objects.filter(round=round).select_related("unit", "submitted_by", "round")
    if units is not None:
        links = links.filter(unit__in=units)
    links = links.order_by("unit__code")
    listed = list(links)
    progress = round_progress(round, [link.unit for link in listed])
    pending = unappraised_units(round) if round.state != RoundState.OPEN else {}
    results = {
        result.unit_id: result
        for result in UnitResult.objects.filter(
            round=round, unit__in=[link.unit for link in listed]
        )
    }
    return [
        RoundUnitRow(
            link=link,
            progress=progress[link.unit_id],
            to_appraise=pending.get(link.unit.code, 0),
            result=results.get(link.unit_id),
        )
        for link in listed
    ]


@dataclass(frozen=True)
class RoundRankIntervals:
    """The latest uncertainty run of the round's current results and its intervals by unit id."""

    run: UncertaintyRun
    by_unit: dict[int, RankInterval]


def round_rank_intervals(round: Round) -> RoundRankIntervals | None:
    """Rank intervals of the latest uncertainty run of the computation the round's stored
    results come from (one query); ``None`` when that computation has no run (a run of an
    earlier computation describes results that are no longer shown)."""
    current = UnitResult.objects.filter(round=round).values("computation")
    latest = (
        UncertaintyRun.objects.filter(computation__in=current)
        .order_by("-computed_at", "-pk")
        .values("pk")[:1]
    )
    intervals = list(RankInterval.objects.filter(run=Subquery(latest)).select_related("run"))
    if not intervals:
        return None
    return RoundRankIntervals(
        run=intervals[0].run, by_unit={interval.unit_id: interval for interval in intervals}
    )

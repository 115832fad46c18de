"""Scores: a round computed through ``govindex.scoring`` and stored as results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import (
    NodeResult,
    Round,
    RoundComputation,
    RoundState,
    UnitResult,
)
from govindex.assessments.selectors import round_units, round_values
from govindex.audit.services import Actor, actor_fields, audit_record
from govindex.errors import ApplicationError
from govindex.orgs.models import Unit
from govindex.scoring import Framework, RoundScores, ScoringInputError, score_round
from govindex.scoring.framework import Source

VALUE_RULE = {
    Source.SELF_ASSESSED.value: "appraised_value if set, else self_value",
    Source.SURVEY.value: "survey_value",
    Source.DATA.value: "data_value",
    Source.EXTERNAL.value: "data_value",
}


def _parameters(framework: Framework, units: int, entries: int) -> dict[str, Any]:
    return {
        "framework_id": framework.id,
        "framework_version": framework.version,
        "framework_checksum": framework.checksum,
        "framework_file": f"{framework.id}.yaml",
        "scale": framework.scale.value,
        "missing_policy": framework.missing.value,
        "clip": framework.clip,
        "classes": [{"id": band.id, "min": band.minimum} for band in framework.bands],
        "value_rule": VALUE_RULE,
        "units": units,
        "entries": entries,
    }


def _score(
    framework: Framework, values: Mapping[str, Mapping[str, Any]], kinds: Mapping[str, str]
) -> RoundScores:
    known = set(framework.leaf_ids)
    unknown = sorted({leaf for leaves in values.values() for leaf in leaves} - known)
    if unknown:
        raise ApplicationError(
            f"Entries name leaves that framework {framework.id} {framework.version} does not "
            f"have: {', '.join(unknown)}.",
            code="unknown_leaves",
            status=409,
        )
    try:
        return score_round(framework, values, unit_kinds=kinds)
    except ScoringInputError as error:
        raise ApplicationError(
            f"Values out of range for framework {framework.id}: {error}",
            code="values_out_of_range",
            status=422,
        ) from error


def _store_results(
    round: Round, computation: RoundComputation, scores: RoundScores, units: Mapping[str, Unit]
) -> None:
    unit_scores = [scores.unit(code) for code in scores.units]
    results = UnitResult.objects.bulk_create(
        [
            UnitResult(
                round=round,
                unit=units[score.unit],
                computation=computation,
                score=score.score,
                points=score.points,
                max_points=score.max_points,
                percent=score.percent,
                rank=score.rank,
                band=score.band.id if score.band else "",
            )
            for score in unit_scores
        ]
    )
    NodeResult.objects.bulk_create(
        (
            NodeResult(
                unit_result=result,
                node_id=node.node_id,
                value=node.value,
                points=node.points,
                max_points=node.max_points,
                share=node.share,
                gap=node.gap,
                rank=node.rank,
                applicable=node.applicable,
            )
            for result, score in zip(results, unit_scores, strict=True)
            for node in score.nodes.values()
        ),
        batch_size=2000,
    )


@transaction.atomic
def round_compute(*, round: Round, actor: Actor = None) -> RoundComputation:
    """Score the round's units with its framework file and replace its results.

    The file must hold the round's ``framework_version``. Each unit's value per leaf follows
    the leaf's source (see ``selectors.effective_value``). Computing twice from the same entries
    gives the same results; the ``RoundComputation`` rows keep the history of computations.
    """
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.state == RoundState.PUBLISHED:
        raise ApplicationError(
            f"Round {round.name!r} is published; its results are final and are not recomputed.",
            code="round_state",
            status=409,
        )
    framework = round_framework(round)
    units = {unit.code: unit for unit in round_units(round)}
    if not units:
        raise ApplicationError(
            f"Round {round.name!r} has no units to score; add its units first.",
            code="round_has_no_units",
            status=409,
        )
    values = round_values(round, framework)
    scores = _score(framework, values, {code: unit.kind for code, unit in units.items()})
    _, deleted = UnitResult.objects.filter(round=round).delete()  # with their NodeResults
    replaced = deleted.get(UnitResult._meta.label, 0)
    user, _ = actor_fields(actor)
    entries = sum(len(leaves) for leaves in values.values())
    computation = RoundComputation(
        round=round,
        framework_version=framework.version,
        framework_checksum=framework.checksum,
        parameters=_parameters(framework, len(units), entries),
        actor=user,
        units_scored=sum(1 for score in scores.scores if score == score),
    )
    computation.full_clean(exclude=["round", "actor"])
    computation.save()
    _store_results(round, computation, scores, units)
    audit_record(
        actor=actor,
        action="round.compute",
        target=round,
        after={
            "computation": computation.pk,
            "framework_version": framework.version,
            "framework_checksum": framework.checksum,
            "units": len(units),
            "units_scored": computation.units_scored,
            "results_replaced": replaced,
        },
    )
    return computation

"""Ranking uncertainty: a Monte Carlo over the method's choices for a scored round, stored
beside its results (``UncertaintyRun`` and one ``RankInterval`` per ranked unit).

An explanation, never a replacement: the official results are not touched, so a published
round may be analysed too. The draws use the same values as the round's latest computation;
a round whose entries or framework file changed since then is refused until it is recomputed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from django.db import transaction

from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import (
    RankInterval,
    Round,
    RoundComputation,
    UncertaintyRun,
    UnitResult,
)
from govindex.assessments.selectors import round_units, round_values
from govindex.audit.services import Actor, actor_fields, audit_record
from govindex.errors import ApplicationError
from govindex.scoring import ScoringInputError
from govindex.scoring.uncertainty import (
    IMPUTATIONS,
    NORMALISATIONS,
    RankUncertainty,
    UncertaintySettings,
    round_rank_uncertainty,
)


def _settings(
    draws: int,
    seed: int,
    weights: str,
    spread: float,
    concentration: float,
    normalisations: Sequence[str],
    imputations: Sequence[str],
) -> UncertaintySettings:
    try:
        return UncertaintySettings(
            draws=draws,
            seed=seed,
            weights=weights,
            spread=spread,
            concentration=concentration,
            normalisations=tuple(normalisations),
            imputations=tuple(imputations),
        )
    except ValueError as error:
        raise ApplicationError(
            str(error), code="invalid_uncertainty_settings", status=422
        ) from error


def _latest_computation(round: Round) -> RoundComputation:
    """The computation the round's stored results come from."""
    result = UnitResult.objects.filter(round=round).select_related("computation").first()
    if result is None:
        raise ApplicationError(
            f"Round {round.name!r} has no results yet; compute its scores before asking how "
            "certain its ranks are.",
            code="round_not_scored",
            status=409,
        )
    return result.computation


def _sensitivity(result: RankUncertainty) -> list[dict[str, object]]:
    return [
        {
            "factor": index.factor,
            "varied": index.varied,
            "first_order": index.first_order,
            "total": index.total,
        }
        for index in result.sensitivity
    ]


@transaction.atomic
def round_uncertainty_compute(
    *,
    round: Round,
    actor: Actor = None,
    draws: int = 1000,
    seed: int = 2026,
    weights: str = "uniform",
    spread: float = 0.2,
    concentration: float = 100.0,
    normalisations: Sequence[str] = NORMALISATIONS,
    imputations: Sequence[str] = IMPUTATIONS,
) -> UncertaintyRun:
    """Draw ``draws`` plausible scorings of the round (see ``govindex.scoring.uncertainty``)
    and store each ranked unit's median and 5–95 % rank interval with the sensitivity indices.

    Runs are kept (the latest one of the latest computation is shown); the same seed and
    entries give the same intervals.
    """
    round = Round.objects.select_for_update().get(pk=round.pk)
    chosen = _settings(draws, seed, weights, spread, concentration, normalisations, imputations)
    computation = _latest_computation(round)
    framework = round_framework(round)
    if framework.checksum != computation.framework_checksum:
        raise ApplicationError(
            f"The framework file {framework.id}.yaml has changed since round {round.name!r} was "
            "scored; compute the scores again first.",
            code="results_outdated",
            status=409,
        )
    units = {unit.code: unit for unit in round_units(round)}
    values = round_values(round, framework)
    started = time.perf_counter()
    try:
        result = round_rank_uncertainty(
            framework,
            values,
            {code: unit.kind for code, unit in units.items()},
            settings=chosen,
        )
    except (ScoringInputError, ValueError) as error:
        raise ApplicationError(
            f"The entries of round {round.name!r} cannot be scored as they stand ({error}); "
            "compute the scores again first.",
            code="results_outdated",
            status=409,
        ) from error
    elapsed = time.perf_counter() - started
    stored = {
        code: (score, rank)
        for code, score, rank in UnitResult.objects.filter(round=round).values_list(
            "unit__code", "score", "rank"
        )
    }
    drifted = sorted(
        code
        for code, score, interval in zip(
            result.units, result.official_scores.tolist(), result.intervals(), strict=True
        )
        if not _same_result(stored.get(code), score, interval.official)
    )
    if drifted:
        shown = ", ".join(drifted[:5]) + (
            f" and {len(drifted) - 5} more" if len(drifted) > 5 else ""
        )
        raise ApplicationError(
            f"The entries of round {round.name!r} have changed since it was scored (the "
            f"results of {shown} differ); compute the scores again first.",
            code="results_outdated",
            status=409,
        )
    user, _ = actor_fields(actor)
    run = UncertaintyRun(
        computation=computation,
        draws=chosen.draws,
        seed=chosen.seed,
        parameters=chosen.as_dict(),
        sensitivity=_sensitivity(result),
        evaluations=result.evaluations,
        elapsed=_seconds(elapsed),
        actor=user,
    )
    run.full_clean(exclude=["computation", "actor"])
    run.save()
    intervals = [
        RankInterval(
            run=run,
            unit=units[interval.unit],
            official_rank=interval.official,
            median_rank=interval.median,
            low_rank=interval.low,
            high_rank=interval.high,
        )
        for interval in result.intervals()
        if interval.official is not None
    ]
    for interval in intervals:
        interval.full_clean(exclude=["run", "unit"])
    RankInterval.objects.bulk_create(intervals)
    audit_record(
        actor=actor,
        action="round.uncertainty",
        target=round,
        after={
            "run": run.pk,
            "computation": computation.pk,
            "settings": chosen.as_dict(),
            "units_ranked": len(intervals),
            "evaluations": result.evaluations,
            "sensitivity": run.sensitivity,
        },
    )
    return run


def _seconds(seconds: float) -> float:
    """Seconds to the millisecond (a finite number even if a clock misbehaves)."""
    return round(seconds, 3) if math.isfinite(seconds) else 0.0


def _same_result(
    stored: tuple[float | None, int | None] | None, score: float, rank: int | None
) -> bool:
    """Whether a stored result is the score and rank the entries give now (N/A alike)."""
    if stored is None:
        return False
    stored_score, stored_rank = stored
    if stored_score is None or math.isnan(score):
        return stored_score is None and math.isnan(score) and stored_rank == rank
    return stored_rank == rank and math.isclose(stored_score, score, rel_tol=1e-12, abs_tol=1e-9)

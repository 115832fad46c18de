"""What-if for a unit of a round: its score, class and rank with some criterion values changed,
and what it takes to reach a class or a top-N rank — computed from the round's entries by the
scoring core (``scoring.whatif``), never saved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from govindex.assessments.models import Round
from govindex.errors import ApplicationError
from govindex.improvement.diagnosis import BandChoice, RoundData, round_data
from govindex.languages import active_language
from govindex.orgs.models import Unit
from govindex.scoring import Band, Framework, ScoringInputError
from govindex.scoring.whatif import PathResult, WhatIfResult, path_to_target_input, what_if_input


@dataclass(frozen=True)
class ChangeRow:
    leaf_id: str
    name: str
    value_before: float | None
    value_after: float | None
    points_before: float | None
    points_after: float | None
    gain: float | None = None
    score_after: float | None = None


@dataclass(frozen=True)
class UnitWhatIf:
    """The unit before and after, with localised names; ``ranked`` counts the ranked units."""

    round: Round
    unit: Unit
    score_before: float | None
    score_after: float | None
    band_before: BandChoice | None
    band_after: BandChoice | None
    rank_before: int | None
    rank_after: int | None
    ranked: int
    changes: list[ChangeRow]

    @property
    def difference(self) -> float | None:
        if self.score_before is None or self.score_after is None:
            return None
        return self.score_after - self.score_before


@dataclass(frozen=True)
class UnitPath:
    """What it takes to reach ``target`` (a band id or a top-N rank)."""

    target: str | int
    target_label: str
    reachable: bool
    already: bool
    steps: list[ChangeRow]
    result: UnitWhatIf

    @property
    def values(self) -> dict[str, float]:
        """The criterion values the path sets, by leaf id (to fill the what-if's inputs)."""
        return {
            step.leaf_id: step.value_after for step in self.steps if step.value_after is not None
        }


def _band(framework: Framework, band: Band | None, language: str) -> BandChoice | None:
    if band is None:
        return None
    level = [item.id for item in framework.bands].index(band.id) + 1
    return BandChoice(id=band.id, name=band.name(language), minimum=band.minimum, level=level)


def _unit_what_if(data: RoundData, result: WhatIfResult, language: str) -> UnitWhatIf:
    framework = data.framework
    return UnitWhatIf(
        round=data.round,
        unit=data.units[result.unit],
        score_before=result.score_before,
        score_after=result.score_after,
        band_before=_band(framework, result.band_before, language),
        band_after=_band(framework, result.band_after, language),
        rank_before=result.rank_before,
        rank_after=result.rank_after,
        ranked=result.ranked_after,
        changes=[
            ChangeRow(
                leaf_id=change.leaf_id,
                name=framework.node(change.leaf_id).name(language),
                value_before=change.value_before,
                value_after=change.value_after,
                points_before=change.points_before,
                points_after=change.points_after,
            )
            for change in result.changes
        ],
    )


def _refused(error: Exception) -> ApplicationError:
    return ApplicationError(str(error), code="what_if_values", status=422)


def unit_what_if(
    round: Round,
    unit: Unit,
    changes: Mapping[str, float],
    *,
    language: str | None = None,
    data: RoundData | None = None,
) -> UnitWhatIf:
    """The unit with ``changes`` ({leaf id: value}) applied, the round scored again; nothing is
    saved. ``ApplicationError`` (422) names the values that cannot be used. ``data`` reuses a
    ``round_data`` already read for the same round and unit."""
    language = language or active_language()
    data = data or round_data(round, unit)
    try:
        result = what_if_input(data.inputs, changes)
    except (ScoringInputError, ValueError) as error:
        raise _refused(error) from error
    return _unit_what_if(data, result, language)


def target_label(framework: Framework, target: str | int, language: str) -> str:
    """A class's name, or "Top N"."""
    if isinstance(target, int):
        with translation.override(language):
            return _("Top %(count)s") % {"count": target}
    band = next((band for band in framework.bands if band.id == target), None)
    return band.name(language) if band is not None else target


def unit_path_to(
    round: Round,
    unit: Unit,
    target: str | int,
    *,
    language: str | None = None,
    data: RoundData | None = None,
) -> UnitPath:
    """The fewest criteria the unit must bring to their best values to reach ``target``: a class
    (band id, that class or better) or a top-N rank (an int); see ``scoring.whatif``."""
    language = language or active_language()
    data = data or round_data(round, unit)
    try:
        path: PathResult = path_to_target_input(data.inputs, target)
    except (TypeError, ValueError) as error:
        raise _refused(error) from error
    framework = data.framework
    result = _unit_what_if(data, path.result, language)
    before = {change.leaf_id: change for change in result.changes}
    steps = [
        ChangeRow(
            leaf_id=step.leaf_id,
            name=framework.node(step.leaf_id).name(language),
            value_before=step.value_before,
            value_after=step.value_after,
            points_before=before[step.leaf_id].points_before,
            points_after=before[step.leaf_id].points_after,
            gain=step.gain,
            score_after=step.score_after,
        )
        for step in path.steps
    ]
    return UnitPath(
        target=path.target,
        target_label=target_label(framework, path.target, language),
        reachable=path.reachable,
        already=path.already,
        steps=steps,
        result=result,
    )

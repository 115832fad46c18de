"""The demo's internal PAR rounds (Decision 5666 framework): 2024 published, 2025 under appraisal.

Each round goes through the assessments services in the order the real process follows: the
round is created and opened, units self-assess (one import with the self-assessed values, the
computed data values and the survey results), submit, the council appraises (a second import
with the appraised values and reasons), the scores are computed, and the 2024 round is published.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from govindex.assessments.frameworks import framework_for
from govindex.assessments.models import Round, RoundState
from govindex.assessments.services import (
    EntryValues,
    entry_set_many,
    round_compute,
    round_create,
    round_transition,
)
from govindex.demo.values import generate_round_values
from govindex.orgs.models import Unit

FRAMEWORK_ID = "hanoi-par-units-5666"
DEMO_ACTOR = "system:demo"

#: States a round passes through, in order, up to the one it ends in.
STATE_PATH = (
    RoundState.OPEN,
    RoundState.SUBMITTED,
    RoundState.UNDER_APPRAISAL,
    RoundState.APPRAISED,
    RoundState.PUBLISHED,
)


@dataclass(frozen=True)
class RoundPlan:
    year: int
    name: str
    state: RoundState
    deadline: datetime.date
    #: Share of units whose appraisal is done (the rest keep their self-assessed values).
    appraisal_progress: float


ROUND_2024 = RoundPlan(
    year=2024,
    name="Chỉ số CCHC năm 2024 của các sở, ngành và quận, huyện, thị xã",
    state=RoundState.PUBLISHED,
    deadline=datetime.date(2024, 12, 15),
    appraisal_progress=1.0,
)
ROUND_2025 = RoundPlan(
    year=2025,
    name="Chỉ số CCHC năm 2025 của các sở, ngành và xã, phường",
    state=RoundState.UNDER_APPRAISAL,
    deadline=datetime.date(2025, 12, 15),
    appraisal_progress=0.85,
)


@dataclass(frozen=True)
class RoundSummary:
    name: str
    year: int
    state: str
    units: int
    entries: int
    appraised: int
    lowered: int
    not_applicable: int
    survey_answers: int
    bonus_or_penalty: int
    units_scored: int = 0

    def describe(self) -> str:
        return (
            f"{self.name} [{self.state}]: {self.units} units, {self.entries} entries "
            f"({self.appraised} appraised, {self.lowered} lowered with a reason, "
            f"{self.not_applicable} not applicable, {self.bonus_or_penalty} bonus/penalty), "
            f"{self.survey_answers} survey answers, {self.units_scored} units scored"
        )


def _summary(plan: RoundPlan, units: int, entries: Sequence[EntryValues]) -> RoundSummary:
    framework = framework_for(FRAMEWORK_ID)
    adjusting = {leaf.id for leaf in framework.leaves if leaf.is_adjustment}
    counts = Counter(
        {
            "appraised": sum(1 for e in entries if e.appraised_value is not None),
            "lowered": sum(1 for e in entries if e.appraisal_reason),
            "not_applicable": sum(1 for e in entries if e.not_applicable),
            "survey_answers": sum(sum(e.survey_answers) for e in entries if e.survey_answers),
            "bonus_or_penalty": sum(
                1 for e in entries if e.leaf_id in adjusting and (e.self_value or 0) > 0
            ),
        }
    )
    return RoundSummary(
        name=plan.name,
        year=plan.year,
        state=plan.state.value,
        units=units,
        entries=len(entries),
        **counts,
    )


def _move(round: Round, to: RoundState) -> Round:
    return round_transition(round=round, to=to, actor=DEMO_ACTOR)


def create_round(
    plan: RoundPlan, units: Sequence[Unit], *, rng: np.random.Generator
) -> tuple[Round, RoundSummary]:
    """Create the round, enter its values and take it to ``plan.state`` (scores not computed:
    ``compute_round`` does that once every round exists)."""
    framework = framework_for(FRAMEWORK_ID)
    round = round_create(
        name=plan.name,
        framework_id=FRAMEWORK_ID,
        framework_version=framework.version,
        period=str(plan.year),
        year=plan.year,
        deadline=plan.deadline,
        units=units,
        actor=DEMO_ACTOR,
    )
    entries = generate_round_values(
        framework,
        units,
        rng=rng,
        year=plan.year,
        appraisal_progress=plan.appraisal_progress,
    )
    round = _move(round, RoundState.OPEN)
    self_assessed = [replace(entry, appraised_value=None, appraisal_reason="") for entry in entries]
    entry_set_many(
        round=round,
        rows=self_assessed,
        actor=DEMO_ACTOR,
        reason="Đơn vị tự đánh giá, kết quả điều tra xã hội học và số liệu hệ thống (mô phỏng)",
    )
    round = _move(round, RoundState.SUBMITTED)
    round = _move(round, RoundState.UNDER_APPRAISAL)
    entry_set_many(
        round=round,
        rows=entries,
        actor=DEMO_ACTOR,
        reason="Kết quả thẩm định của Hội đồng thẩm định (mô phỏng)",
    )
    return round, _summary(plan, len(units), entries)


def compute_round(round: Round, plan: RoundPlan, summary: RoundSummary) -> RoundSummary:
    """Score the round, then take it to its final state (publishing needs the scores)."""
    computation = round_compute(round=round, actor=DEMO_ACTOR)
    state_index = STATE_PATH.index(plan.state)
    current = STATE_PATH.index(RoundState(round.state))
    for state in STATE_PATH[current + 1 : state_index + 1]:
        round = _move(round, state)
    return replace(summary, units_scored=computation.units_scored)

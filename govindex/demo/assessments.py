"""The demo's internal PAR rounds (Decision 5666 framework), one in each state of the cycle, so
that a newcomer can click through every screen:

- 2024 published (the 51 former departments and districts);
- 2025 under appraisal (16 departments, 126 communes/wards; part of the appraisal done);
- the mid-2026 check of the departments: appraised, waiting for publication;
- the mid-2026 check of the communes/wards: submissions closed, appraisal not started;
- 2026 open for self-assessment: some units submitted, some half-way, Hoàn Kiếm ward part done;
- 2027 in draft.

Each round goes through the assessments services in the order the real process follows: the
round is created and opened, units self-assess (one import with the self-assessed values, the
computed data values and the survey results), unit leaders submit, the council appraises (a
second import with the appraised values and reasons), the scores are computed, and the 2024
round is published.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

import numpy as np

from govindex.assessments.frameworks import framework_for
from govindex.assessments.models import Round, RoundState
from govindex.assessments.selectors import round_progress
from govindex.assessments.services import (
    EntryValues,
    entry_set_many,
    round_compute,
    round_create,
    round_transition,
    round_uncertainty_compute,
    roundunit_submit,
)
from govindex.demo.values import generate_round_values
from govindex.orgs.models import Unit
from govindex.scoring import Framework
from govindex.scoring.framework import Source

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

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
    #: ``Round.period``; the year by default.
    period: str = ""
    #: In a round still open: share of units that completed and submitted.
    submitted_share: float = 1.0


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


ROUND_2026_H1_DEPARTMENTS = RoundPlan(
    year=2026,
    period="2026-H1-departments",
    name="Kiểm tra CCHC 6 tháng đầu năm 2026 — khối sở, ngành",
    state=RoundState.APPRAISED,
    deadline=datetime.date(2026, 7, 15),
    appraisal_progress=1.0,
)
ROUND_2026_H1_COMMUNES = RoundPlan(
    year=2026,
    period="2026-H1-communes",
    name="Kiểm tra CCHC 6 tháng đầu năm 2026 — khối xã, phường",
    state=RoundState.SUBMITTED,
    deadline=datetime.date(2026, 7, 15),
    appraisal_progress=0.0,
)
ROUND_2026 = RoundPlan(
    year=2026,
    name="Chỉ số CCHC năm 2026 của các sở, ngành và xã, phường",
    state=RoundState.OPEN,
    deadline=datetime.date(2026, 12, 15),
    appraisal_progress=0.0,
    submitted_share=0.35,
)
ROUND_2027 = RoundPlan(
    year=2027,
    name="Chỉ số CCHC năm 2027 của các sở, ngành và xã, phường",
    state=RoundState.DRAFT,
    deadline=datetime.date(2027, 12, 15),
    appraisal_progress=0.0,
)

#: The ward of the demo's unit staff and leader: left half-done in the open round.
DEMO_WARD_CODE = "00070"
#: Share of late submissions in a closed round.
LATE_SHARE = 0.06


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
        period=plan.period or str(plan.year),
        year=plan.year,
        deadline=plan.deadline,
        units=units,
        actor=DEMO_ACTOR,
    )
    if plan.state is RoundState.DRAFT:
        return round, _summary(plan, len(units), [])
    entries = generate_round_values(
        framework,
        units,
        rng=rng,
        year=plan.year,
        appraisal_progress=plan.appraisal_progress,
    )
    round = _move(round, RoundState.OPEN)
    self_assessed = [replace(entry, appraised_value=None, appraisal_reason="") for entry in entries]
    if plan.state is RoundState.OPEN:
        self_assessed = _half_done(framework, units, self_assessed, plan, rng)
    entry_set_many(
        round=round,
        rows=self_assessed,
        actor=DEMO_ACTOR,
        reason="Đơn vị tự đánh giá, kết quả điều tra xã hội học và số liệu hệ thống (mô phỏng)",
    )
    _submit(round, units, plan, rng)
    if plan.state is RoundState.OPEN:
        return round, _summary(plan, len(units), self_assessed)
    round = _move(round, RoundState.SUBMITTED)
    if plan.state is RoundState.SUBMITTED:
        return round, _summary(plan, len(units), self_assessed)
    round = _move(round, RoundState.UNDER_APPRAISAL)
    entry_set_many(
        round=round,
        rows=entries,
        actor=DEMO_ACTOR,
        reason="Kết quả thẩm định của Hội đồng thẩm định (mô phỏng)",
    )
    return round, _summary(plan, len(units), entries)


def _half_done(
    framework: Framework,
    units: Sequence[Unit],
    entries: list[EntryValues],
    plan: RoundPlan,
    rng: np.random.Generator,
) -> list[EntryValues]:
    """An open round part-way: a share of units complete, the others stopped somewhere in the
    framework (the demo ward at about half); survey and data values are not in yet."""
    done_share = {}
    for unit in units:
        complete = rng.random() < plan.submitted_share and unit.code != DEMO_WARD_CODE
        done_share[unit.pk] = 1.0 if complete else float(rng.uniform(0.1, 0.9))
    done_share.update({unit.pk: 0.5 for unit in units if unit.code == DEMO_WARD_CODE})
    order = {leaf_id: position for position, leaf_id in enumerate(framework.leaf_ids)}
    last = len(framework.leaf_ids)
    kept = []
    for entry in entries:
        leaf = framework.node(entry.leaf_id)
        if leaf.source is not Source.SELF_ASSESSED:
            continue
        if order[entry.leaf_id] < done_share[entry.unit.pk] * last:
            kept.append(entry)
    return kept


def _submit(round: Round, units: Sequence[Unit], plan: RoundPlan, rng: np.random.Generator) -> None:
    """Unit leaders submit: in the days before the deadline, a few after it; in an open round
    only the units that completed their self-assessment."""
    progress = round_progress(round, list(units))
    deadline = datetime.datetime.combine(plan.deadline, datetime.time(17), tzinfo=HANOI)
    for unit in units:
        if progress[unit.pk].missing:
            continue
        days = -float(rng.uniform(0.2, 20.0))
        if plan.state is not RoundState.OPEN and rng.random() < LATE_SHARE:
            days = float(rng.uniform(0.5, 6.0))
        moment = deadline + datetime.timedelta(days=days)
        roundunit_submit(round=round, unit=unit, actor=DEMO_ACTOR, submitted_at=moment)


def compute_round(round: Round, plan: RoundPlan, summary: RoundSummary) -> RoundSummary:
    """Score the round and draw its rank intervals (1,000 draws, seeded by the year), then
    take it to its final state (publishing needs the scores). Rounds not yet under appraisal
    are not scored."""
    if plan.state in (RoundState.DRAFT, RoundState.OPEN, RoundState.SUBMITTED):
        return summary
    computation = round_compute(round=round, actor=DEMO_ACTOR)
    round_uncertainty_compute(round=round, actor=DEMO_ACTOR, draws=1000, seed=round.year)
    state_index = STATE_PATH.index(plan.state)
    current = STATE_PATH.index(RoundState(round.state))
    for state in STATE_PATH[current + 1 : state_index + 1]:
        round = _move(round, state)
    return replace(summary, units_scored=computation.units_scored)

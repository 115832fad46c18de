"""Realistic demo values for one internal PAR round: self-assessed points, appraisal, surveys.

It takes a framework and the round's units, and returns the ``EntryValues`` rows that
``entry_set_many`` stores, one per (unit, applicable leaf). Every draw comes from one ``numpy.random.Generator`` in a fixed order
(units in the order given, leaves in framework order), so the same seed gives the same values.

How a unit's values are drawn (DESIGN §4.1: departments averaged 88.4 %, districts 94 % in 2023):
- each unit gets a quality profile from its kind: the chance that a self-assessed leaf gets full
  points, the mean share of satisfied survey answers, and how often the appraisal lowers a score;
- a self-assessed leaf gets full points with that chance, otherwise a partial share, rounded to
  the quarter-point steps the official scoring sheets use;
- the appraisal council lowers about 10–20 % of entries (never above the self-score), each with
  a reason of the kind its minutes record; the rest are accepted as self-assessed;
- a survey leaf gets 30–200 answers on the 5-level Likert scale; its value is the share of
  satisfied answers (``likert_share``), taken as it is by a ``percentage`` leaf and as
  share / 100 × max by a ``points`` leaf.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from govindex.assessments.services import EntryValues
from govindex.orgs.models import Unit
from govindex.scoring import Framework, Node, likert_share
from govindex.scoring.framework import Kind, Rule, Source

#: Reasons the appraisal council gives when it lowers a self-assessed score.
APPRAISAL_REASONS = (
    "Minh chứng chưa đầy đủ: thiếu văn bản ban hành kế hoạch",
    "Minh chứng chưa đầy đủ: thiếu báo cáo kết quả thực hiện",
    "Minh chứng không đúng nội dung tiêu chí",
    "Văn bản minh chứng ban hành ngoài kỳ đánh giá",
    "Ban hành kế hoạch chậm so với thời hạn quy định",
    "Báo cáo định kỳ gửi chậm so với thời hạn quy định",
    "Chưa hoàn thành 100% nhiệm vụ được giao trong năm",
    "Tự chấm điểm tối đa nhưng chỉ hoàn thành một phần nhiệm vụ",
    "Số liệu tự chấm không khớp với số liệu trên Hệ thống thông tin giải quyết thủ tục hành chính",
    "Chưa công khai đầy đủ thủ tục hành chính tại Bộ phận một cửa",
    "Chưa thực hiện kiểm tra công tác cải cách hành chính theo kế hoạch",
    "Chưa có văn bản chỉ đạo khắc phục tồn tại sau kiểm tra",
    "Chưa cập nhật, số hóa kết quả giải quyết hồ sơ theo quy định",
)

#: What a unit writes when a criterion does not apply to it in the period.
NOT_APPLICABLE_COMMENT = "Trong kỳ đánh giá không phát sinh nhiệm vụ này"

#: Kinds of evidence a unit attaches to a self-assessed criterion (document type, number suffix).
EVIDENCE_KINDS = (
    ("Kế hoạch", "KH"),
    ("Báo cáo", "BC"),
    ("Quyết định", "QĐ"),
    ("Công văn", "CV"),
    ("Thông báo", "TB"),
)


@dataclass(frozen=True)
class KindProfile:
    """How good units of one kind are, on average, and how much they vary."""

    full_points: float  # chance that a self-assessed leaf scores full points
    full_points_spread: float
    satisfaction: float  # mean share (0–1) of satisfied survey answers
    satisfaction_spread: float
    lowered: float  # share of self-assessed entries the appraisal lowers


#: Tuned so that the computed indices land where DESIGN §4.1 puts them: departments ≈ 88 %,
#: former districts ≈ 94 %, communes and wards ≈ 91 %.
PROFILES = {
    "department": KindProfile(0.68, 0.07, 0.83, 0.04, 0.19),
    "district": KindProfile(0.90, 0.04, 0.93, 0.025, 0.14),
    "ward": KindProfile(0.81, 0.05, 0.90, 0.03, 0.17),
    "commune": KindProfile(0.80, 0.05, 0.905, 0.03, 0.17),
}
PROFILES["agency"] = PROFILES["department"]
PROFILES["service_centre"] = PROFILES["department"]

#: Chance that a unit marks a regular self-assessed leaf as not applicable in the period.
NOT_APPLICABLE_RATE = 0.02
#: Chance that a unit earns a bonus / incurs a penalty on one adjustment leaf.
BONUS_RATE = 0.10
PENALTY_RATE = 0.06
#: Beta(a, b) of the share of its maximum a unit claims on a leaf it does not fully meet.
PARTIAL_SHARE = (6.0, 2.5)
#: A rate below a percentage leaf's threshold lies between this share of it and the threshold.
PARTIAL_RATE = 0.8
#: Answers per unit and survey leaf.
SURVEY_ANSWERS = (30, 200)


def quarter_step(maximum: float) -> float:
    """Official sheets score in quarter points; a leaf worth less than 1 point in halves of it."""
    return 0.25 if maximum >= 1 else maximum / 2


def survey_counts(rng: np.random.Generator, satisfied_share: float) -> list[int]:
    """Counts of answers at levels 1..5 for a target share of levels 4 and 5."""
    satisfied = float(np.clip(satisfied_share, 0.5, 0.995))
    rest = 1.0 - satisfied
    probabilities = [rest * 0.15, rest * 0.25, rest * 0.60, satisfied * 0.55, satisfied * 0.45]
    answers = int(rng.integers(SURVEY_ANSWERS[0], SURVEY_ANSWERS[1] + 1))
    return [int(count) for count in rng.multinomial(answers, probabilities)]


class _UnitDraws:
    """The draws for one unit, in a fixed order."""

    def __init__(
        self, rng: np.random.Generator, unit: Unit, year: int, appraisal_done: bool
    ) -> None:
        profile = PROFILES.get(unit.kind, PROFILES["department"])
        self.rng = rng
        self.unit = unit
        self.year = year
        self.appraisal_done = appraisal_done
        self.full_points = float(
            np.clip(rng.normal(profile.full_points, profile.full_points_spread), 0.5, 0.99)
        )
        self.satisfaction = float(
            np.clip(rng.normal(profile.satisfaction, profile.satisfaction_spread), 0.6, 0.99)
        )
        self.lowered = float(np.clip(rng.normal(profile.lowered, 0.03), 0.05, 0.25))
        self.document_number = int(rng.integers(5, 60))

    def share(self) -> float:
        """Share (0–1) of a leaf's maximum that the unit claims."""
        if self.rng.random() < self.full_points:
            return 1.0
        return float(self.rng.beta(PARTIAL_SHARE[0], PARTIAL_SHARE[1]))

    def evidence(self) -> list[dict[str, Any]]:
        title, suffix = EVIDENCE_KINDS[int(self.rng.integers(len(EVIDENCE_KINDS)))]
        self.document_number += int(self.rng.integers(1, 9))
        issuer = "UBND" if self.unit.kind in {"ward", "commune", "district"} else self.unit.code
        return [
            {
                "title": title,
                "reference": f"{self.document_number}/{suffix}-{issuer}",
                "year": self.year,
            }
        ]

    def points_value(self, leaf: Node) -> float:
        step = quarter_step(leaf.max_points)
        value = round(self.share() * leaf.max_points / step) * step
        return float(min(leaf.max_points, max(0.0, value)))

    def percentage_value(self, leaf: Node) -> float:
        threshold = leaf.threshold
        if self.rng.random() < self.full_points:
            rate = threshold + (100.0 - threshold) * float(self.rng.random())
        else:
            rate = threshold * float(self.rng.uniform(PARTIAL_RATE, 1.0))
        return round(min(100.0, rate), 2)

    def value(self, leaf: Node) -> float:
        if leaf.rule is Rule.PERCENTAGE:
            return self.percentage_value(leaf)
        return self.points_value(leaf)

    def appraise(self, leaf: Node, claimed: float) -> tuple[float | None, str]:
        """The appraised value and the reason (blank when accepted); None if not yet appraised."""
        if not self.appraisal_done:
            return None, ""
        if claimed <= 0 or self.rng.random() >= self.lowered:
            return claimed, ""
        reason = APPRAISAL_REASONS[int(self.rng.integers(len(APPRAISAL_REASONS)))]
        if leaf.rule is Rule.PERCENTAGE:
            return round(max(0.0, claimed - float(self.rng.uniform(2.0, 12.0))), 2), reason
        step = quarter_step(leaf.max_points)
        steps = int(self.rng.integers(1, 4))
        return float(max(0.0, claimed - steps * step)), reason

    def adjustment(self, leaf: Node) -> float:
        rate = BONUS_RATE if leaf.kind is Kind.BONUS else PENALTY_RATE
        if self.rng.random() >= rate:
            return 0.0
        step = quarter_step(leaf.max_points)
        steps = int(self.rng.integers(1, max(1, int(leaf.max_points / step)) + 1))
        return float(min(leaf.max_points, steps * step))


def generate_round_values(
    framework: Framework,
    units: Sequence[Unit],
    *,
    rng: np.random.Generator,
    year: int,
    appraisal_progress: float = 1.0,
) -> list[EntryValues]:
    """One entry per (unit, leaf that applies to the unit's kind), units in the order given.

    ``appraisal_progress`` is the share of units whose appraisal is done (1.0 for a published
    round); the other units keep their self-assessed values with no appraised value yet.
    """
    entries: list[EntryValues] = []
    leaves = framework.leaves
    for unit in units:
        appraisal_done = bool(rng.random() < appraisal_progress)
        draws = _UnitDraws(rng, unit, year, appraisal_done)
        applies = framework.leaf_applicability(unit.kind)
        for leaf, applicable in zip(leaves, applies, strict=True):
            if applicable:
                entries.append(_entry(draws, leaf))
    return entries


def _entry(draws: _UnitDraws, leaf: Node) -> EntryValues:
    unit = draws.unit
    if leaf.kind in (Kind.BONUS, Kind.PENALTY):
        value = draws.adjustment(leaf)
        return _with_source(unit, leaf, value, accepted=draws.appraisal_done)
    if leaf.source is Source.SURVEY:
        satisfied = draws.satisfaction + float(draws.rng.normal(0.0, 0.03))
        counts = survey_counts(draws.rng, satisfied)
        share = likert_share(counts)
        assert share is not None  # at least 30 answers
        value = share if leaf.rule is Rule.PERCENTAGE else share / 100.0 * leaf.max_points
        return EntryValues(
            unit=unit,
            leaf_id=leaf.id,
            survey_value=value,
            survey_answers=counts,
        )
    if draws.rng.random() < NOT_APPLICABLE_RATE:
        return EntryValues(
            unit=unit, leaf_id=leaf.id, not_applicable=True, comment=NOT_APPLICABLE_COMMENT
        )
    claimed = draws.value(leaf)
    if leaf.source in (Source.DATA, Source.EXTERNAL):
        return EntryValues(unit=unit, leaf_id=leaf.id, data_value=claimed)
    appraised, reason = draws.appraise(leaf, claimed)
    return EntryValues(
        unit=unit,
        leaf_id=leaf.id,
        self_value=claimed,
        appraised_value=appraised,
        appraisal_reason=reason,
        evidence=draws.evidence() if claimed > 0 else [],
    )


def _with_source(unit: Unit, leaf: Node, value: float, *, accepted: bool) -> EntryValues:
    """A bonus or penalty entry, in the field its leaf's source reads."""
    if leaf.source is Source.SURVEY:
        return EntryValues(unit=unit, leaf_id=leaf.id, survey_value=value)
    if leaf.source in (Source.DATA, Source.EXTERNAL):
        return EntryValues(unit=unit, leaf_id=leaf.id, data_value=value)
    return EntryValues(
        unit=unit,
        leaf_id=leaf.id,
        self_value=value,
        appraised_value=value if accepted else None,
    )

"""A small scored round of the test framework ``test-mini``, for the ranking page and API.

=======  ==========  =======================================================  ======  =====
unit     kind        values (plan, report, satisfaction %, online %, local)   score   class
=======  ==========  =======================================================  ======  =====
00002    commune     4, 6, 80 → 6, 100 → 4, 4          a1 10, a2 10, a3 4     100.00  A
00001    ward        4, 5, 60 → 4.5, 75 → 3, 4         a1 9, a2 7.5, a3 4     85.42   B
SXD      department  self 4 appraised 3, 6, 40 → 3, 50 → 2 (no a3)  a1 9, a2 5  70.00   C
00004    ward        nothing entered                                          N/A     –
=======  ==========  =======================================================  ======  =====
"""

from __future__ import annotations

from pathlib import Path

from govindex.assessments.models import Round
from govindex.assessments.services import round_compute
from govindex.orgs.models import UnitKind
from tests.factories import EntryFactory, RoundFactory, RoundUnitFactory, UnitFactory

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"

UNITS = {
    "00002": ("Xã Bình Minh", UnitKind.COMMUNE),
    "00001": ("Phường An Khánh", UnitKind.WARD),
    "SXD": ("Sở Xây dựng", UnitKind.DEPARTMENT),
    "00004": ("Phường Chưa Nhập", UnitKind.WARD),
}
VALUES = {
    "00002": [
        ("a1.plan", {"self_value": 4}),
        ("a1.report", {"self_value": 6}),
        ("a2.satisfaction", {"survey_value": 80}),
        ("a2.online", {"data_value": 100}),
        ("a3.local", {"self_value": 4}),
    ],
    "00001": [
        ("a1.plan", {"self_value": 4}),
        ("a1.report", {"self_value": 5}),
        ("a2.satisfaction", {"survey_value": 60}),
        ("a2.online", {"data_value": 75}),
        ("a3.local", {"self_value": 4}),
    ],
    "SXD": [
        (
            "a1.plan",
            {"self_value": 4, "appraised_value": 3, "appraisal_reason": "Thiếu minh chứng"},
        ),
        ("a1.report", {"self_value": 6}),
        ("a2.satisfaction", {"survey_value": 40}),
        ("a2.online", {"data_value": 50}),
    ],
}

#: The page's rows: rank, unit, kind, score, class, then a1, a2, a3 points (Vietnamese format).
EXPECTED_PAGE_ROWS = [
    ["1", "Xã Bình Minh", "Xã", "100,00", "Xuất sắc", "10,00", "10,00", "4,00"],
    ["2", "Phường An Khánh", "Phường", "85,42", "Tốt", "9,00", "7,50", "4,00"],
    ["3", "Sở Xây dựng", "Sở, ngành", "70,00", "Khá", "9,00", "5,00", "–"],
    ["–", "Phường Chưa Nhập", "Phường", "–", "–", "–", "–", "–"],
]


def scored_mini_round(name: str = "Kỳ thử nghiệm 2025") -> Round:
    round = RoundFactory(name=name, state="under_appraisal")
    for code, (unit_name, kind) in UNITS.items():
        unit = UnitFactory(code=code, name_vi=unit_name, kind=kind)
        RoundUnitFactory(round=round, unit=unit)
        for leaf_id, values in VALUES.get(code, []):
            EntryFactory(round=round, unit=unit, leaf_id=leaf_id, **values)
    round_compute(round=round, actor=None)
    return round


def many_units_round(units: int) -> Round:
    """A scored round of ``units`` wards with full marks but a varying plan score."""
    round = RoundFactory(name="Kỳ nhiều đơn vị", state="appraised")
    for number in range(units):
        unit = UnitFactory(code=f"{10000 + number:05d}", kind=UnitKind.WARD)
        RoundUnitFactory(round=round, unit=unit)
        EntryFactory(round=round, unit=unit, leaf_id="a1.plan", self_value=number % 5)
        for leaf_id, values in VALUES["00002"][1:]:
            EntryFactory(round=round, unit=unit, leaf_id=leaf_id, **values)
    round_compute(round=round, actor=None)  # a published round is not recomputed: publish after
    Round.objects.filter(pk=round.pk).update(state="published")
    round.refresh_from_db()
    return round

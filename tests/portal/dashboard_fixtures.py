"""Two rounds of the test framework ``test-mini`` across a reorganisation, for the dashboards.

2024, published (scored by hand; 24 points for wards: a1 10, a2 10, a3 4; 20 for departments):

=======  ====================  =====================================================  ======  ==
unit     name                  values (plan, report, satisfaction %, online %, local)  score   cl
=======  ====================  =====================================================  ======  ==
00091    Phường Cũ Một (ward)  2, 6, 80 → 6, 100 → 4, 4    a1 8, a2 10, a3 4 = 22/24   91.67   A
SXD      Sở Xây dựng (dept.)   4, 6, 80 → 6, 50 → 2        a1 10, a2 8 = 18/20         90.00   A
00092    Phường Cũ Hai (ward)  4, 3, 40 → 3, 100 → 4, 2    a1 7, a2 7, a3 2 = 16/24    66.67   D
=======  ====================  =====================================================  ======  ==

On 1 July 2025 wards 00091 and 00092 merged into 00001 (Phường An Khánh).

2025, under appraisal (the rows of ``ranking_fixtures``; 00001's report was appraised from 6 to
5 through ``entry_appraise`` with a reason, so its entry has a history):

=======  =========================  ==========================================  ======  ==
unit     name                       areas                                       score   cl
=======  =========================  ==========================================  ======  ==
00002    Xã Bình Minh (commune)     a1 10, a2 10, a3 4 = 24/24                  100.00  A
00001    Phường An Khánh (ward)     a1 9, a2 7.5, a3 4 = 20.5/24                85.42   B
SXD      Sở Xây dựng (department)   a1 9 (plan self 4 appraised 3), a2 5 = 14/20  70.00   C
00004    Phường Chưa Nhập (ward)    nothing entered                             N/A     –
=======  =========================  ==========================================  ======  ==

A third round (draft, nothing scored) checks that unscored rounds never appear.
People: an appraiser, a city leader, the staff of 00001 and the staff of 00002.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from govindex.assessments.models import Entry, Evidence, Round, RoundState
from govindex.assessments.services import entry_appraise, round_compute
from govindex.orgs.models import Role, Unit, UnitKind
from tests.factories import (
    EntryFactory,
    MembershipFactory,
    RoundFactory,
    RoundUnitFactory,
    UnitFactory,
    UnitSuccessionFactory,
    UserFactory,
)

FORMER = dt.date(2020, 1, 1)
MERGED_ON = dt.date(2025, 7, 1)

UNITS = {
    # code: (Vietnamese name, English name, kind, active from, active to)
    "00091": ("Phường Cũ Một", "Cu Mot Ward", UnitKind.WARD, FORMER, dt.date(2025, 6, 30)),
    "00092": ("Phường Cũ Hai", "Cu Hai Ward", UnitKind.WARD, FORMER, dt.date(2025, 6, 30)),
    "SXD": ("Sở Xây dựng", "Department of Construction", UnitKind.DEPARTMENT, FORMER, None),
    "00002": ("Xã Bình Minh", "Binh Minh Commune", UnitKind.COMMUNE, MERGED_ON, None),
    "00001": ("Phường An Khánh", "An Khanh Ward", UnitKind.WARD, MERGED_ON, None),
    "00004": ("Phường Chưa Nhập", "", UnitKind.WARD, MERGED_ON, None),
    "SNV": ("Sở Nội vụ", "Department of Home Affairs", UnitKind.DEPARTMENT, FORMER, None),
    "HN": ("Thành phố Hà Nội", "Hanoi City", UnitKind.CITY, FORMER, None),
}

VALUES_2024 = {
    "00091": [
        ("a1.plan", {"self_value": 2}),
        ("a1.report", {"self_value": 6}),
        ("a2.satisfaction", {"survey_value": 80}),
        ("a2.online", {"data_value": 100}),
        ("a3.local", {"self_value": 4}),
    ],
    "SXD": [
        ("a1.plan", {"self_value": 4}),
        ("a1.report", {"self_value": 6}),
        ("a2.satisfaction", {"survey_value": 80}),
        ("a2.online", {"data_value": 50}),
    ],
    "00092": [
        ("a1.plan", {"self_value": 4}),
        ("a1.report", {"self_value": 3}),
        ("a2.satisfaction", {"survey_value": 40}),
        ("a2.online", {"data_value": 100}),
        ("a3.local", {"self_value": 2}),
    ],
}

VALUES_2025 = {
    "00002": [
        ("a1.plan", {"self_value": 4}),
        ("a1.report", {"self_value": 6}),
        ("a2.satisfaction", {"survey_value": 80}),
        ("a2.online", {"data_value": 100}),
        ("a3.local", {"self_value": 4}),
    ],
    "00001": [
        ("a1.plan", {"self_value": 4, "comment": "Kế hoạch số 5/KH-UBND ban hành đúng hạn"}),
        (
            "a1.report",
            {
                "self_value": 6,
                "comment": "Đủ 4 báo cáo quý",
                "evidence": [{"title": "Báo cáo", "reference": "12/BC-UBND", "year": 2025}],
            },
        ),
        ("a2.satisfaction", {"survey_value": 60, "survey_answers": [1, 2, 3, 10, 4]}),
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

APPRAISAL_REASON = "Báo cáo quý III nộp muộn"


@dataclass(frozen=True)
class Dashboards:
    published: Round
    provisional: Round
    draft: Round
    units: dict[str, Unit]
    appraiser: AbstractBaseUser
    city_leader: AbstractBaseUser
    ward_staff: AbstractBaseUser  # staff of 00001
    other_staff: AbstractBaseUser  # staff of 00002


def _scored_round(
    name: str,
    year: int,
    units: dict[str, Unit],
    values: dict[str, list[tuple[str, dict[str, object]]]],
    codes: list[str],
) -> Round:
    round = RoundFactory(name=name, period=str(year), year=year, state=RoundState.UNDER_APPRAISAL)
    for code in codes:
        RoundUnitFactory(round=round, unit=units[code])
        for leaf_id, leaf_values in values.get(code, []):
            EntryFactory(round=round, unit=units[code], leaf_id=leaf_id, **leaf_values)
    return round


def build_dashboards() -> Dashboards:
    units = {
        code: UnitFactory(
            code=code, name_vi=name_vi, name_en=name_en, kind=kind, active_from=start, active_to=end
        )
        for code, (name_vi, name_en, kind, start, end) in UNITS.items()
    }
    for code in ("00091", "00092"):
        UnitSuccessionFactory(
            predecessor=units[code], successor=units["00001"], date=MERGED_ON, kind="merge"
        )

    published = _scored_round(
        "Chỉ số CCHC 2024", 2024, units, VALUES_2024, ["00091", "SXD", "00092"]
    )
    round_compute(round=published, actor=None)
    Round.objects.filter(pk=published.pk).update(state=RoundState.PUBLISHED)
    published.refresh_from_db()

    provisional = _scored_round(
        "Chỉ số CCHC 2025", 2025, units, VALUES_2025, ["00002", "00001", "SXD", "00004"]
    )
    report = Entry.objects.get(round=provisional, unit=units["00001"], leaf_id="a1.report")
    appraiser = UserFactory(username="thamdinh", first_name="Thẩm", last_name="Định")
    entry_appraise(entry=report, appraised_value=5, reason=APPRAISAL_REASON, actor=appraiser)
    Evidence.objects.create(
        entry=report,
        file="evidence/test/bao-cao.pdf",
        original_name="bao-cao-quy-3.pdf",
        content_type="application/pdf",
        size=2048,
        sha256="0" * 64,
        uploaded_by=None,
    )
    round_compute(round=provisional, actor=None)

    draft = RoundFactory(name="Chỉ số CCHC 2026", period="2026", year=2026)
    RoundUnitFactory(round=draft, unit=units["00001"])

    MembershipFactory(user=appraiser, unit=units["SNV"], role=Role.APPRAISER)
    city_leader = UserFactory(username="lanhdao")
    MembershipFactory(user=city_leader, unit=units["HN"], role=Role.CITY_LEADER)
    ward_staff = UserFactory(username="canbo")
    MembershipFactory(user=ward_staff, unit=units["00001"], role=Role.STAFF)
    other_staff = UserFactory(username="canbo.khac")
    MembershipFactory(user=other_staff, unit=units["00002"], role=Role.STAFF)
    return Dashboards(
        published=published,
        provisional=provisional,
        draft=draft,
        units=units,
        appraiser=appraiser,
        city_leader=city_leader,
        ward_staff=ward_staff,
        other_staff=other_staff,
    )
